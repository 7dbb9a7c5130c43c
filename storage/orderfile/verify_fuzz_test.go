package orderfile

import (
	"bytes"
	"testing"
)

// FuzzVerify: mutations of a genuine signed package (a cut of up to cut
// bytes at pos, replaced by insert): Verify never panics, and it never
// says OK unless the files it read are exactly the genuine package's (zip
// metadata such as a timestamp may change; what is signed may not). The
// fuzzer mutates the small (pos, cut, insert) rather than the 1 MB
// package, so each run is quick.
func FuzzVerify(f *testing.F) {
	pkg := genuinePackage(f)
	cats, trust := genuine.cats, testTrust()
	want, _, err := ReadZip(pkg, DefaultLimits)
	if err != nil {
		f.Fatal(err)
	}
	if r := Verify(pkg, cats, trust, DefaultLimits); !r.OK {
		f.Fatalf("the genuine package: %+v", r.Findings)
	}
	n := uint32(len(pkg))
	f.Add(uint32(0), uint16(0), []byte(nil))                       // the genuine package
	f.Add(uint32(0), uint16(0), []byte("PK\x03\x04junk in front")) // a prefix
	f.Add(n, uint16(0), []byte("junk after"))                      // a suffix
	f.Add(n-22, uint16(22), []byte("PK\x05\x06"))                  // a broken end record
	f.Add(uint32(30), uint16(10), []byte("ORDER.JSON"))            // order.json renamed in its local header
	f.Add(uint32(1000), uint16(1), []byte{0})                      // a byte of compressed data
	f.Add(uint32(6), uint16(2), []byte{0x01, 0x08})                // flags of the first entry
	f.Add(uint32(0), uint16(0), craftZip{Entries: []craftEntry{newEntry("order.json", []byte(`{}`))}}.bytes())
	f.Fuzz(func(t *testing.T, pos uint32, cut uint16, insert []byte) {
		pos = min(pos, n)
		end := min(pos+uint32(cut), n)
		data := make([]byte, 0, int(pos)+len(insert)+int(n-end))
		data = append(append(append(data, pkg[:pos]...), insert...), pkg[end:]...)
		r := Verify(data, cats, trust, DefaultLimits)
		if !r.OK {
			return
		}
		got, _, err := ReadZip(data, DefaultLimits)
		if err != nil {
			t.Fatalf("OK, but the archive is refused: %v", err)
		}
		if len(got) != len(want) {
			t.Fatalf("OK with %d files; the genuine package has %d", len(got), len(want))
		}
		for name, b := range want {
			if !bytes.Equal(got[name], b) {
				t.Fatalf("OK, but %s differs from the genuine package's", name)
			}
		}
	})
}
