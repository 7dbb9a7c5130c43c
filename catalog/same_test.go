package catalog_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/catalog"
)

var updateDump = flag.Bool("update-dump", false, "rewrite testdata/parsed/*.sha256 with what Parse builds now")

// TestParseBuildsTheSameCatalog pins everything Parse builds (every field,
// exported or not, every position, every compiled expression, and which
// pointers are shared) for catalogs of every shape, as a SHA-256 of a full
// dump written by the parser before it was made fast. A change that makes
// parsing faster must build exactly the same catalog. On a mismatch the
// dump is written to testdata/failed/<case>.dump; diff it with the dump
// the previous commit writes (in a scratch copy of it, with a wrong hash
// in the golden file). A change that means to build a different catalog
// rewrites the hashes with -update-dump.
func TestParseBuildsTheSameCatalog(t *testing.T) {
	cases := []struct {
		name string
		file string
		data func(t *testing.T) []byte
	}{
		{"demo", "demo.json", func(*testing.T) []byte { return assets.DemoCatalogJSON }},
		{"minimal", "minimal.json", readFile("testdata/valid/minimal.json")},
		// Snapshots of linegen's 150-feature line and its wide-few case,
		// kept so that the generator can change without the pins.
		{"linegen-150", "linegen.json", readGzip("testdata/parsed/linegen-150.json.gz")},
		{"linegen-wide-few", "wide.json", readGzip("testdata/parsed/linegen-wide-few.json.gz")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cat, err := catalog.Parse(c.file, c.data(t), nil)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			var buf bytes.Buffer
			dumpValue(&buf, reflect.ValueOf(cat))
			sum := sha256.Sum256(buf.Bytes())
			got := fmt.Sprintf("%x\n", sum)
			golden := filepath.Join("testdata", "parsed", c.name+".sha256")
			if *updateDump {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestParseBuildsTheSameCatalog -update-dump with the reference parser)", err)
			}
			if got != string(want) {
				failed := filepath.Join("testdata", "failed", c.name+".dump")
				_ = os.MkdirAll(filepath.Dir(failed), 0o755)
				_ = os.WriteFile(failed, buf.Bytes(), 0o644)
				t.Errorf("the catalog Parse builds differs from the reference: dump sha256 %s, want %s (dump written to %s)", got[:16], string(want)[:16], failed)
			}
		})
	}
}

func readFile(path string) func(t *testing.T) []byte {
	return func(t *testing.T) []byte {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
}

func readGzip(path string) func(t *testing.T) []byte {
	return func(t *testing.T) []byte {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		data, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return data
	}
}

// dumpValue writes v and everything it reaches, one field a line, in a
// fixed order (map keys sorted). A pointer seen before is written as a
// reference to where it was first written, so that sharing is pinned too.
func dumpValue(w io.Writer, v reflect.Value) {
	bw := bufio.NewWriter(w)
	d := &dumper{w: bw, seen: map[uintptr]int{}}
	d.value(v, 0)
	bw.Flush()
}

type dumper struct {
	w    *bufio.Writer
	seen map[uintptr]int // pointer -> the line it was first written on
	line int
}

var (
	bigIntType = reflect.TypeFor[big.Int]()
	timeType   = reflect.TypeFor[time.Time]()
)

func (d *dumper) printf(depth int, format string, args ...any) {
	for range depth {
		d.w.WriteString("  ")
	}
	fmt.Fprintf(d.w, format, args...)
	d.w.WriteByte('\n')
	d.line++
}

func (d *dumper) value(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			d.printf(depth, "nil")
			return
		}
		if v.Type().Elem() == bigIntType {
			d.printf(depth, "big %s", bigString(v.Elem()))
			return
		}
		if at, ok := d.seen[v.Pointer()]; ok {
			d.printf(depth, "&%s (seen at line %d)", v.Type().Elem(), at)
			return
		}
		d.seen[v.Pointer()] = d.line
		d.printf(depth, "&%s", v.Type().Elem())
		d.value(v.Elem(), depth+1)
	case reflect.Interface:
		if v.IsNil() {
			d.printf(depth, "nil interface")
			return
		}
		d.printf(depth, "%s", v.Elem().Type())
		d.value(v.Elem(), depth+1)
	case reflect.Struct:
		if v.Type() == timeType {
			d.printf(depth, "time %s", timeString(v))
			return
		}
		if v.Type() == bigIntType {
			d.printf(depth, "big %s", bigString(v))
			return
		}
		for i := range v.NumField() {
			d.printf(depth, "%s:", v.Type().Field(i).Name)
			d.value(v.Field(i), depth+1)
		}
	case reflect.Slice:
		if v.IsNil() {
			d.printf(depth, "nil %s", v.Type())
			return
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			d.printf(depth, "bytes %x", v.Bytes())
			return
		}
		d.printf(depth, "%s len %d", v.Type(), v.Len())
		for i := range v.Len() {
			d.value(v.Index(i), depth+1)
		}
	case reflect.Array:
		for i := range v.Len() {
			d.value(v.Index(i), depth+1)
		}
	case reflect.Map:
		if v.IsNil() {
			d.printf(depth, "nil %s", v.Type())
			return
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int {
			return compareStrings(fmt.Sprint(a), fmt.Sprint(b))
		})
		d.printf(depth, "%s len %d", v.Type(), v.Len())
		for _, k := range keys {
			d.printf(depth+1, "key %q", fmt.Sprint(k))
			d.value(v.MapIndex(k), depth+2)
		}
	case reflect.String:
		d.printf(depth, "%q", v.String())
	case reflect.Bool:
		d.printf(depth, "%t", v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		d.printf(depth, "%d", v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		d.printf(depth, "%d", v.Uint())
	case reflect.Float32, reflect.Float64:
		d.printf(depth, "%s", strconv.FormatFloat(v.Float(), 'g', -1, 64))
	case reflect.Func:
		d.printf(depth, "func nil=%t", v.IsNil())
	default:
		d.printf(depth, "unhandled %s", v.Kind())
	}
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// bigString writes a big.Int read through reflection (it may sit behind
// unexported fields, where its methods cannot be called).
func bigString(v reflect.Value) string {
	neg := v.FieldByName("neg").Bool()
	abs := v.FieldByName("abs")
	n := new(big.Int)
	for i := abs.Len() - 1; i >= 0; i-- {
		n.Lsh(n, uint(strconv.IntSize))
		n.Or(n, new(big.Int).SetUint64(abs.Index(i).Uint()))
	}
	if neg {
		n.Neg(n)
	}
	return n.String()
}

func timeString(v reflect.Value) string {
	if v.CanInterface() {
		return v.Interface().(time.Time).Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("%v", v)
}
