package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// A model's shared knowledge (shared.go) can be kept between runs, so that
// the second start of the app or the CLI on the same catalog version opens
// a product without searching: Knowledge writes the witness configurations
// the sessions found with no decisions, UseKnowledge reads them back. What
// is read is never trusted: every witness must be a valid configuration of
// this very model (every constraint is checked), or nothing is used. The
// options proven impossible are not kept (they cannot be checked without
// searching again); a session proves them again, which is cheap.

// knowledgeMagic starts the kept form; the version changes with the engine.
const knowledgeMagic = "atelier-engine-witnesses/1\n"

// maxKnowledge bounds the witnesses read back.
const maxKnowledge = 4 * poolSize

// ErrStaleKnowledge is the error of kept knowledge made for another model
// (another catalog version or engine): the caller should drop it.
var ErrStaleKnowledge = errors.New("the engine's kept knowledge is for another version of this product")

// fingerprint identifies the model's variables and their values.
func (m *Model) fingerprint() [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00", m.Product.ID, len(m.vars))
	for _, v := range m.vars {
		id := ""
		if v.feature != nil {
			id = v.feature.ID
		}
		opt := ""
		if v.option != nil {
			opt = v.option.ID
		}
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00%d\x00", v.kind, id, opt, v.size)
		for _, x := range v.values {
			fmt.Fprintf(h, "%s\x00", x.String())
		}
	}
	for _, c := range m.cons {
		if c.rule != nil {
			fmt.Fprintf(h, "r%s\x00", c.rule.ID)
		}
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// Knowledge returns the model's shared knowledge in its kept form, or nil
// when no session has answered "what can I choose?" with no decisions yet.
func (m *Model) Knowledge() []byte {
	sh := m.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if !sh.done || len(sh.witnesses) == 0 {
		return nil
	}
	var b bytes.Buffer
	b.WriteString(knowledgeMagic)
	fp := m.fingerprint()
	b.Write(fp[:])
	b.Write(binary.AppendUvarint(nil, uint64(len(sh.witnesses))))
	var buf []byte
	for _, sol := range sh.witnesses {
		buf = buf[:0]
		for _, x := range sol {
			buf = binary.AppendUvarint(buf, uint64(x))
		}
		b.Write(buf)
	}
	return b.Bytes()
}

// UseKnowledge reads knowledge kept by Knowledge (of a model of the same
// product and catalog version) and shares it with the model's sessions. It
// changes nothing and returns an error when the data is damaged or made
// for another model (ErrStaleKnowledge), or when a witness is not a valid
// configuration.
func (m *Model) UseKnowledge(data []byte) error {
	if !bytes.HasPrefix(data, []byte(knowledgeMagic)) {
		return ErrStaleKnowledge
	}
	rest := data[len(knowledgeMagic):]
	fp := m.fingerprint()
	if len(rest) < len(fp) || !bytes.Equal(rest[:len(fp)], fp[:]) {
		return ErrStaleKnowledge
	}
	rest = rest[len(fp):]
	n, k := binary.Uvarint(rest)
	if k <= 0 || n == 0 || n > maxKnowledge {
		return fmt.Errorf("engine knowledge: %d witnesses (at most %d)", n, maxKnowledge)
	}
	rest = rest[k:]
	witnesses := make([][]int32, 0, n)
	for i := uint64(0); i < n; i++ {
		sol := make([]int32, len(m.vars))
		for v := range sol {
			x, k := binary.Uvarint(rest)
			if k <= 0 || x >= uint64(m.vars[v].size) {
				return fmt.Errorf("engine knowledge: witness %d is damaged", i+1)
			}
			sol[v] = int32(x)
			rest = rest[k:]
		}
		for ci := range m.cons {
			if !m.cons[ci].holds(sol, nil) { // texts at their defaults, as found
				return fmt.Errorf("engine knowledge: witness %d breaks a rule", i+1)
			}
		}
		witnesses = append(witnesses, sol)
	}
	if len(rest) != 0 {
		return errors.New("engine knowledge: trailing data")
	}
	sh := m.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.done {
		return nil // a session got there first
	}
	sh.done = true
	sh.witnesses = slices.Clip(witnesses)
	return nil
}
