package sign

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// Keys that anyone can sign for without a private key are refused: the
// identity, the other points of small order, a non-canonical encoding.
func TestParsePublicKeyRefusesWeakKeys(t *testing.T) {
	k, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParsePublicKey(k.Public().String()); err != nil {
		t.Fatalf("a generated key: %v", err)
	}
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	point := func(first byte, last byte) []byte {
		b := make([]byte, 32)
		b[0], b[31] = first, last
		return b
	}
	// A point of order 8 (from RFC 8032 test vectors and the ed25519
	// small-order list).
	order8, _ := hex.DecodeString("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
	pPlusOne := append(append([]byte{0xee}, bytes.Repeat([]byte{0xff}, 30)...), 0x7f) // y = p+1, the identity
	for _, tc := range []struct{ name, key, want string }{
		{"identity (the reviewer's forgery)", b64(point(1, 0)), "small order"},
		{"all zeros (order 4)", b64(point(0, 0)), "small order"},
		{"order 8", b64(order8), "small order"},
		{"the identity written non-canonically", b64(pPlusOne), "canonical"},
		{"not base64", "not a key", "not an ed25519 public key"},
		{"31 bytes", b64(make([]byte, 31)), "not an ed25519 public key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePublicKey(tc.key)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a refusal saying %q", err, tc.want)
			}
		})
	}
}

func FuzzParsePublicKey(f *testing.F) {
	k, _ := Generate()
	f.Add(k.Public().String())
	f.Add("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePublicKey(s)
		if err != nil {
			return
		}
		// What is accepted is one canonical key: written again, it reads
		// back as the same bytes, and it is never the identity.
		again, err := ParsePublicKey(p.String())
		if err != nil || !bytes.Equal(again, p) || strings.TrimSpace(s) != p.String() {
			t.Fatalf("%q accepted as %q, which reads back as %q, %v", s, p.String(), again, err)
		}
		if p.String() == "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" {
			t.Fatal("accepted the identity")
		}
	})
}
