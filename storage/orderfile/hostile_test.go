package orderfile

import (
	"bytes"
	"context"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atelier-app/atelier/catalog/sign"
)

var hostileDir = flag.String("hostile.dir", "", "write the hostile inputs of BenchmarkVerifyHostile to this folder, to measure atelierctl order verify's peak memory on them")

// hostileInputs are the worst inputs for Verify within its limits: the
// largest file that is no package, the largest package of random bytes
// signed by a stranger's key (its signature and hashes hold, so it is read
// whole), and the largest order.json a signer can send.
func hostileInputs(b testing.TB) (map[string][]byte, []CatalogSource) {
	db, id, cats := demoOrder(b)
	_, pkg, err := PackageOrder(context.Background(), db, id, testSettings(b, testKey))
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.NewChaCha8([32]byte{7})
	random := func(n int) []byte {
		out := make([]byte, n)
		rng.Read(out)
		return out
	}
	lim := DefaultLimits
	// Fill the package with incompressible bytes in the quote, keeping it a
	// PDF (its head, the random middle, its tail).
	files, _, err := ReadZip(pkg, lim)
	if err != nil {
		b.Fatal(err)
	}
	room := int(lim.MaxPackage) - len(pkg) - 64<<10
	bigQuote := func(name string, data []byte) []byte {
		if name != "quote.pdf" {
			return data
		}
		q := files["quote.pdf"]
		return bytes.Join([][]byte{q[:len(q)-1024], random(room), q[len(q)-1024:]}, nil)
	}
	stranger := func(name string, data []byte) []byte { return data }
	manyValues := func(name string, data []byte) []byte {
		if name != "order.json" {
			return data
		}
		return []byte(strings.Replace(string(data), `"options": [`, `"options": [`+strings.Repeat("{},", maxOrderValues-2000), 1))
	}
	in := map[string][]byte{
		"junk":              random(int(lim.MaxPackage)),
		"zeros":             make([]byte, lim.MaxPackage),
		"full-signed":       resignFiles(b, pkg, testKey, bigQuote),
		"order-json-values": resignFiles(b, pkg, testKey, manyValues),
	}
	in["stranger-signed"] = resignFiles(b, in["full-signed"], strangerKey(b), stranger)
	for name, data := range in {
		if int64(len(data)) > lim.MaxPackage {
			b.Fatalf("%s: %d bytes, over the package limit", name, len(data))
		}
		if *hostileDir != "" {
			if err := os.WriteFile(filepath.Join(*hostileDir, name+".zip"), data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	return in, cats
}

// BenchmarkVerifyHostile: time and allocation of verifying the worst
// inputs; peak RSS is measured on the CLI (docs/performance.md).
func BenchmarkVerifyHostile(b *testing.B) {
	in, cats := hostileInputs(b)
	for _, name := range []string{"junk", "zeros", "stranger-signed", "full-signed", "order-json-values"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Verify(in[name], cats, testTrust(), DefaultLimits)
			}
		})
	}
}

// TestVerifyHostileInputs: each worst input gets its plain refusal (the
// largest genuine one verifies).
func TestVerifyHostileInputs(t *testing.T) {
	in, cats := hostileInputs(t)
	for _, tc := range []struct{ name, where, want string }{
		{"junk", "archive", ""},
		{"zeros", "archive", ""},
		{"stranger-signed", "signature", "not enrolled for dealer BER01"},
		{"order-json-values", "order.json", "does not follow the order schema"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Verify(in[tc.name], cats, testTrust(), DefaultLimits)
			if r.OK || !hasFinding(r, tc.where, tc.want) {
				t.Fatalf("findings %+v, want an error at %s saying %q", r.Findings, tc.where, tc.want)
			}
		})
	}
	if r := Verify(in["full-signed"], cats, testTrust(), DefaultLimits); !r.OK {
		t.Fatalf("a package filled to its limit, signed by the dealer: %+v", r.Findings)
	}
}

func strangerKey(t testing.TB) *sign.Key {
	k, err := sign.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return k
}
