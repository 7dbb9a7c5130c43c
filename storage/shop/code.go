package shop

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A pairing code carries, for a new machine: its number in the shop, its
// one-time secret, and (when the server is reached over TLS) the first 8
// bytes of the SHA-256 of the certificate at the top of the server's
// chain, so that the machine trusts that server alone. Two check bytes
// catch a mistyped code before anything is sent.
//
// Written: the number, then the rest in Crockford's base32 (no I, L, O,
// U; read case-insensitively, with O as 0 and I, L as 1) in groups of
// four: "3-7KQ2-M9XD-4T8W-ZPHA-Q6R2".
type Code struct {
	Machine     int
	Secret      []byte // secretBytes
	Fingerprint []byte // fingerprintBytes, or none
}

const (
	secretBytes      = 10
	fingerprintBytes = 8
	checkBytes       = 2
)

var crockford = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

func newSecret() ([]byte, error) {
	b := make([]byte, secretBytes)
	_, err := rand.Read(b)
	return b, err
}

// fingerprint is what a code keeps of a certificate (DER).
func fingerprint(der []byte) []byte {
	sum := sha256.Sum256(der)
	return sum[:fingerprintBytes]
}

// Password is the one-time password the code carries.
func (c Code) Password() string { return crockford.EncodeToString(c.Secret) }

func (c Code) check() []byte {
	h := sha256.New()
	h.Write([]byte(strconv.Itoa(c.Machine)))
	h.Write(c.Secret)
	h.Write(c.Fingerprint)
	return h.Sum(nil)[:checkBytes]
}

func (c Code) String() string {
	body := crockford.EncodeToString(append(append(append([]byte{}, c.Secret...), c.Fingerprint...), c.check()...))
	var b strings.Builder
	b.WriteString(strconv.Itoa(c.Machine))
	for i := 0; i < len(body); i += 4 {
		b.WriteByte('-')
		b.WriteString(body[i:min(i+4, len(body))])
	}
	return b.String()
}

// ErrBadCode: a code that is mistyped or not a pairing code.
var ErrBadCode = errors.New("this is not a pairing code, or it is mistyped: check it letter by letter")

// ParseCode reads a code as a person typed it: spaces and dashes
// anywhere, any case, O for 0 and I or L for 1.
func ParseCode(s string) (Code, error) {
	s = strings.Join(strings.Fields(strings.ToUpper(s)), "-")
	num, rest, ok := strings.Cut(s, "-")
	n, err := strconv.Atoi(strings.TrimSpace(num))
	if !ok || err != nil || n < 1 || n > 1<<20 {
		return Code{}, ErrBadCode
	}
	rest = strings.NewReplacer("-", "", " ", "", "O", "0", "I", "1", "L", "1").Replace(rest)
	raw, err := crockford.DecodeString(rest)
	if err != nil {
		return Code{}, ErrBadCode
	}
	var c Code
	switch len(raw) {
	case secretBytes + checkBytes:
		c = Code{Machine: n, Secret: raw[:secretBytes]}
	case secretBytes + fingerprintBytes + checkBytes:
		c = Code{Machine: n, Secret: raw[:secretBytes], Fingerprint: raw[secretBytes : secretBytes+fingerprintBytes]}
	default:
		return Code{}, ErrBadCode
	}
	if !bytes.Equal(c.check(), raw[len(raw)-checkBytes:]) {
		return Code{}, fmt.Errorf("%w (its check letters do not match)", ErrBadCode)
	}
	return c, nil
}
