// Package sign holds the ed25519 keys Atelier signs with: a manufacturer's
// key signs catalog packages, a dealer's key signs order packages. A key
// file holds the private key (PEM, PKCS #8) and is written with 0600
// permissions; a public key is shared as base64 with its fingerprint (the
// first 16 bytes of its SHA-256, in hex groups).
package sign

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/edwards25519"
)

// Key is a private signing key.
type Key struct {
	priv ed25519.PrivateKey
}

// Generate makes a new key.
func Generate() (*Key, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return &Key{priv: priv}, nil
}

// Public returns the public half.
func (k *Key) Public() PublicKey { return PublicKey(k.priv.Public().(ed25519.PublicKey)) }

// Sign signs a message.
func (k *Key) Sign(msg []byte) []byte { return ed25519.Sign(k.priv, msg) }

// Save writes the key to path (PEM, PKCS #8) readable by its owner only,
// without replacing an existing file.
func (k *Key) Save(path string) error {
	der, err := x509.MarshalPKCS8PrivateKey(k.priv)
	if err != nil {
		return err
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := WritePrivateFile(path, data); err != nil {
		return fmt.Errorf("save key %s: %w", path, err)
	}
	return nil
}

// WritePrivateFile writes a new file (never over an existing one: an
// error wrapping os.ErrExist) readable by its owner only (0600, in a
// folder made 0700), synced; a file it could not write whole is removed.
// For private keys of every kind.
func WritePrivateFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// ReadPrivateFile reads a private key's file, refusing on Unix one that
// others may read (on Windows file modes say nothing about who may read
// it).
func ReadPrivateFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Mode().Perm()&0o077 != 0 && os.PathSeparator == '/' {
		return nil, fmt.Errorf("readable by others (mode %v); make it private: chmod 600 %s", info.Mode().Perm(), path)
	}
	return os.ReadFile(path)
}

// Load reads a key file. It refuses a file that others can read.
func Load(path string) (*Key, error) {
	data, err := ReadPrivateFile(path)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", path, err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("key %s: not a PEM private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("key %s: not an ed25519 key", path)
	}
	return &Key{priv: priv}, nil
}

// LoadOrCreate reads the key at path, creating it on first use.
func LoadOrCreate(path string) (*Key, error) {
	k, err := Load(path)
	if err == nil {
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if k, err = Generate(); err != nil {
		return nil, err
	}
	if err := k.Save(path); err != nil {
		if errors.Is(err, os.ErrExist) { // another process made it meanwhile
			return Load(path)
		}
		return nil, err
	}
	return k, nil
}

// PublicKey is an ed25519 public key.
type PublicKey ed25519.PublicKey

// String is the key in base64.
func (p PublicKey) String() string { return base64.StdEncoding.EncodeToString(p) }

// Fingerprint is the first 16 bytes of the key's SHA-256 in hex, grouped:
// "3f2a 9c01 …".
func (p PublicKey) Fingerprint() string {
	sum := sha256.Sum256(p)
	h := hex.EncodeToString(sum[:16])
	var groups []string
	for i := 0; i < len(h); i += 4 {
		groups = append(groups, h[i:i+4])
	}
	return strings.Join(groups, " ")
}

// Verify checks a signature.
func (p PublicKey) Verify(msg, sig []byte) bool {
	return len(p) == ed25519.PublicKeySize && ed25519.Verify(ed25519.PublicKey(p), msg, sig)
}

// ParsePublicKey reads a base64 public key. It refuses a key that is not
// the canonical encoding of a point of the curve's prime-order group: Go's
// ed25519.Verify accepts signatures by a small-order key (the all-zeros
// key, for one) that anyone can make without a private key, so such a key
// must never be trusted.
func ParsePublicKey(s string) (PublicKey, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%q is not an ed25519 public key (base64 of 32 bytes)", short(s))
	}
	if err := checkPoint(b); err != nil {
		return nil, fmt.Errorf("%q is not a usable ed25519 public key: %v", short(s), err)
	}
	return PublicKey(b), nil
}

// checkPoint refuses what is not a canonically encoded point of prime
// order (no small-order or mixed-order keys).
func checkPoint(b []byte) error {
	p, err := new(edwards25519.Point).SetBytes(b)
	if err != nil {
		return errors.New("not a point of the curve")
	}
	if !bytes.Equal(p.Bytes(), b) {
		return errors.New("not written the canonical way")
	}
	// [L-1]P + P is the identity exactly when P's order divides L (prime).
	one, _ := new(edwards25519.Scalar).SetCanonicalBytes(append([]byte{1}, make([]byte, 31)...))
	minusOne := new(edwards25519.Scalar).Negate(one)
	q := new(edwards25519.Point).ScalarMult(minusOne, p)
	q.Add(q, p)
	if q.Equal(edwards25519.NewIdentityPoint()) != 1 || p.Equal(edwards25519.NewIdentityPoint()) == 1 {
		return errors.New("a weak key of small order, whose signatures anyone can forge")
	}
	return nil
}

func short(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
