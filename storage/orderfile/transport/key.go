package transport

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/atelier-app/atelier/catalog/sign"
	"golang.org/x/crypto/ssh"
)

// LoadOrCreateKey reads the dealer's SSH key at path (ed25519, in
// OpenSSH's private key format, as ssh-keygen writes it), making it on
// first use, readable by its owner only (0600). Like catalog/sign's keys,
// an existing file that others may read is refused on Unix (on Windows
// file modes say nothing about who may read it).
func LoadOrCreateKey(path string) (ssh.Signer, error) {
	s, err := loadKey(path)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return s, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, "atelier dealer")
	if err != nil {
		return nil, err
	}
	if err := saveKey(path, pem.EncodeToMemory(block)); err != nil {
		if errors.Is(err, os.ErrExist) { // another process made it meanwhile
			return loadKey(path)
		}
		return nil, err
	}
	return ssh.NewSignerFromKey(priv)
}

// loadKey reads a key file, refusing one that others can read.
func loadKey(path string) (ssh.Signer, error) {
	data, err := sign.ReadPrivateFile(path)
	if err != nil {
		return nil, fmt.Errorf("SSH key %s: %w", path, err)
	}
	s, err := ssh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("SSH key %s: %w", path, err)
	}
	return s, nil
}

// saveKey writes a new key file readable by its owner only, without
// replacing an existing one.
func saveKey(path string, data []byte) error {
	if err := sign.WritePrivateFile(path, data); err != nil {
		return fmt.Errorf("save SSH key %s: %w", path, err)
	}
	return nil
}

// AuthorizedKey is the dealer's public key as the one line a
// manufacturer adds to its server's authorized_keys
// ("ssh-ed25519 AAAA…"), without a line break.
func AuthorizedKey(s ssh.Signer) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey())))
}
