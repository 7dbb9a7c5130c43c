package orderfile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var genuine struct {
	once sync.Once
	pkg  []byte
	cats []CatalogSource
	err  error
}

// genuinePackage is the demo order's package (three lines, the quote with
// its pictures), signed by testKey; made once for all tests.
func genuinePackage(t testing.TB) []byte {
	t.Helper()
	genuine.once.Do(func() {
		db, id, cats := demoOrder(t)
		_, genuine.pkg, genuine.err = PackageOrder(context.Background(), db, id, testSettings(t, testKey))
		genuine.cats = cats
	})
	if genuine.err != nil {
		t.Fatal(genuine.err)
	}
	return genuine.pkg
}

// smallPackage is the genuine package's first line built again into a
// package with a tiny preview (640×400, one colour) and a tiny quote:
// some 3 KB, for fuzz seeds.
func smallPackage(t testing.TB) []byte {
	t.Helper()
	files, err := readWithArchiveZip(genuinePackage(t))
	if err != nil {
		t.Fatal(err)
	}
	var o Order
	if err := json.Unmarshal(files["order.json"], &o); err != nil {
		t.Fatal(err)
	}
	o.Lines = o.Lines[:1]
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 640, 400))); err != nil {
		t.Fatal(err)
	}
	previews := make([][]byte, len(o.Lines))
	for i := range previews {
		previews[i] = buf.Bytes()
	}
	pkg, err := Build(&o, previews, []byte("%PDF-1.4\n/Type /Page\nstartxref\n%%EOF\n"), "test", testKey)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

func deflated(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(b)
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readWithArchiveZip reads every file with the standard library's reader.
func readWithArchiveZip(data []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		files[f.Name] = b
	}
	return files, nil
}

func TestReadZipAcceptsTheGenuinePackage(t *testing.T) {
	for _, tc := range []struct {
		name string
		pkg  []byte
	}{
		{"three lines", genuinePackage(t)},
		{"tiny previews and quote", smallPackage(t)},
		{"crafted again", craftFrom(t, genuinePackage(t)).bytes()},
		{"stored, no descriptors", func() []byte {
			z := craftFrom(t, smallPackage(t))
			for i, e := range z.Entries {
				files, _ := readWithArchiveZip(smallPackage(t))
				z.Entries[i] = storedEntry(e.Name, files[e.Name])
			}
			return z.bytes()
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, names, err := ReadZip(tc.pkg, DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			want, err := readWithArchiveZip(tc.pkg)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != len(want) || len(names) != len(want) {
				t.Errorf("got %d files (%d names), want %d", len(files), len(names), len(want))
			}
			for name, b := range want {
				if !bytes.Equal(files[name], b) {
					t.Errorf("%s: got %d bytes, want the %d archive/zip reads", name, len(files[name]), len(b))
				}
			}
		})
	}
}

// TestReadZipRefusesForgedArchives: one crafted archive per attack, each
// refused with its own plain message naming what is wrong. Every one of
// them was accepted by the ReadZip before issue 12 (except those marked
// "before too", which it refused with a vaguer message).
func TestReadZipRefusesForgedArchives(t *testing.T) {
	pkg := genuinePackage(t)
	files, err := readWithArchiveZip(pkg)
	if err != nil {
		t.Fatal(err)
	}
	// genuineWith edits the genuine package taken apart.
	genuineWith := func(edit func(z *craftZip)) []byte {
		z := craftFrom(t, pkg)
		edit(&z)
		return z.bytes()
	}
	// forgedOrder is an order.json of the attacker's, as an entry.
	forgedOrder := newEntry("order.json", []byte(`{"number":"FORGED"}`))
	forgedZip := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("order.json")
		w.Write([]byte(`{"number":"FORGED"}`))
		zw.Close()
		return buf.Bytes()
	}()
	quote := files["quote.pdf"]
	bomb := bytes.Repeat([]byte{0}, 20<<20)
	bombBody := deflated(t, bomb)

	for _, tc := range []struct {
		name string
		data []byte
		lim  Limits // zero: DefaultLimits
		want string
	}{
		// Around the archive.
		{"a forged zip in front of the genuine one", append(bytes.Clone(forgedZip), pkg...), Limits{},
			"something was put in front of the archive or into it: its directory starts at byte"},
		{"junk in front, offsets adjusted", genuineWith(func(z *craftZip) { z.Prefix = []byte("MZ\x90\x00 an executable stub ") }), Limits{},
			`something was put in front of the archive: 24 bytes before the first file "order.json" belong to no file`},
		{"junk after the end", append(bytes.Clone(pkg), "trailing junk"...), Limits{},
			"something was appended to the archive: 13 bytes after its end"},
		{"another zip after the end", append(bytes.Clone(pkg), forgedZip...), Limits{},
			"something was put in front of the archive or into it: its directory starts at byte"},
		{"an archive comment", genuineWith(func(z *craftZip) {
			z.EditEnd = func(e *craftEnd) { e.Comment, e.CommentLen = []byte("hello"), 5 }
		}), Limits{}, "the archive carries a comment of 5 bytes"},
		{"a comment declared but missing", genuineWith(func(z *craftZip) {
			z.EditEnd = func(e *craftEnd) { e.CommentLen = 5 }
		}), Limits{}, "declares a comment that is not there"},
		// Hidden entries, gaps and overlaps.
		{"a second order.json hidden in the local headers", genuineWith(func(z *craftZip) {
			hidden := forgedOrder
			hidden.SkipDirectory = true
			z.Entries = append([]craftEntry{z.Entries[0], hidden}, z.Entries[1:]...)
		}), Limits{}, `something was hidden in the archive: 81 bytes between "order.json" and "lines.csv" belong to no file`},
		{"an entry hidden before the directory", genuineWith(func(z *craftZip) {
			hidden := forgedOrder
			hidden.SkipDirectory = true
			z.Entries = append(z.Entries, hidden)
		}), Limits{}, `something was hidden in the archive: 81 bytes between the last file "manifest.sig" and the directory belong to no file`},
		{"a gap between entries", genuineWith(func(z *craftZip) { z.Entries[2].After = make([]byte, 10) }), Limits{},
			`something was hidden in the archive: 10 bytes between "oex-orders_BER01_20261123-100000.xml" and "quote.pdf" belong to no file`},
		{"overlapping entries", genuineWith(func(z *craftZip) { z.Entries[3].OffsetDelta = -16 }), Limits{},
			`"quote.pdf" overlaps "oex-orders_BER01_20261123-100000.xml"`},
		{"two records for one local entry", genuineWith(func(z *craftZip) {
			twin := z.Entries[0]
			twin.rename("lines.csv")
			twin.Offset, twin.SkipLocal = 0, true
			z.Entries = append(z.Entries, twin)
		}), Limits{}, `"lines.csv" appears twice in the archive`},
		{"entries out of the directory's order", genuineWith(func(z *craftZip) {
			z.Entries[0].Offset = 0
			z.Entries[1].Offset = 0
		}), Limits{}, `"lines.csv" overlaps "order.json"`},
		// Local header against directory record.
		{"local name escapes, directory says order.json", genuineWith(func(z *craftZip) { z.Entries[0].LocalName = "../../../tmp/order.json" }), Limits{},
			`"order.json" is called "../../../tmp/order.json" in its own header: the archive is forged`},
		{"local name a case twin", genuineWith(func(z *craftZip) { z.Entries[0].LocalName = "ORDER.JSON" }), Limits{},
			`"order.json" is called "ORDER.JSON" in its own header`},
		{"local CRC differs", genuineWith(func(z *craftZip) { z.Entries[0].LocalCRC = 0x1234 }), Limits{},
			`"order.json": its header and the archive's directory disagree about its checksum`},
		{"local size differs", genuineWith(func(z *craftZip) { z.Entries[3].LocalUSize = 5 }), Limits{},
			`"quote.pdf": its header and the archive's directory disagree about its size (5 and`},
		{"local compressed size differs", genuineWith(func(z *craftZip) { z.Entries[3].LocalCSize = 5 }), Limits{},
			`"quote.pdf": its header and the archive's directory disagree about its compressed size`},
		{"local flags differ", genuineWith(func(z *craftZip) { z.Entries[1].LocalFlags |= flagUTF8 }), Limits{},
			`"lines.csv": its header and the archive's directory disagree about its flags`},
		{"local method differs", genuineWith(func(z *craftZip) {
			last := &z.Entries[len(z.Entries)-1]
			*last = storedEntry(last.Name, files[last.Name])
			last.LocalMethod = methodDeflate
		}), Limits{}, `"manifest.sig": its header and the archive's directory disagree about its method (8 and 0)`},
		{"local header carries a Unicode path", genuineWith(func(z *craftZip) {
			z.Entries[0].LocalExtra = append(bytes.Clone(z.Entries[0].LocalExtra), le(uint16(0x7075), uint16(5), uint8(1), uint32(0))...)
		}), Limits{}, `"order.json" carries an extra field of type 0x7075`},
		{"data descriptor disagrees", genuineWith(func(z *craftZip) {
			e := &z.Entries[0]
			e.Descriptor = descriptor(e.CRC, e.CSize, e.USize+1)
		}), Limits{}, `"order.json": its data descriptor disagrees with the archive's directory`},
		{"data descriptor missing", genuineWith(func(z *craftZip) { z.Entries[1].Descriptor = nil }), Limits{},
			`"lines.csv": its data descriptor disagrees`},
		{"stored with a data descriptor", genuineWith(func(z *craftZip) {
			e := &z.Entries[1]
			*e = storedEntry(e.Name, files[e.Name])
			e.Flags, e.LocalFlags = flagDescriptor, flagDescriptor
			e.setSizes(e.CRC, e.CSize, e.USize)
		}), Limits{}, `"lines.csv" is stored with a data descriptor`},
		// Zip features order packages never use.
		{"encrypted", genuineWith(func(z *craftZip) { z.Entries[0].Flags |= flagEncrypted; z.Entries[0].LocalFlags |= flagEncrypted }), Limits{},
			`"order.json" is encrypted`},
		{"strongly encrypted, local header only", genuineWith(func(z *craftZip) { z.Entries[3].LocalFlags |= flagStrongEncrypted }), Limits{},
			`"quote.pdf" is encrypted`},
		{"an unknown flag", genuineWith(func(z *craftZip) { z.Entries[0].Flags |= 1 << 1; z.Entries[0].LocalFlags |= 1 << 1 }), Limits{},
			`"order.json" uses zip flags (0x0002)`},
		{"bzip2", genuineWith(func(z *craftZip) { z.Entries[0].Method, z.Entries[0].LocalMethod = 12, 12 }), Limits{},
			`"order.json" is packed with method 12`},
		{"zip64 end record", genuineWith(func(z *craftZip) {
			z.EditEnd = func(e *craftEnd) { e.DirOffset = 0xffffffff }
		}), Limits{}, "the archive uses zip64 extensions, which order packages never need"},
		{"zip64 locator", genuineWith(func(z *craftZip) {
			z.BeforeEnd = le(uint32(zip64LocatorSig), uint32(0), uint64(0), uint32(1))
		}), Limits{}, "the archive uses zip64 extensions"},
		{"zip64 extra field", genuineWith(func(z *craftZip) {
			z.Entries[0].Extra = append(bytes.Clone(z.Entries[0].Extra), le(uint16(1), uint16(8), uint64(123))...)
		}), Limits{}, `"order.json" uses zip64 extensions`},
		{"zip64 sizes", genuineWith(func(z *craftZip) { z.Entries[4].USize = 0xffffffff }), Limits{},
			`"previews/line-1.png" uses zip64 extensions`},
		{"zip64 version", genuineWith(func(z *craftZip) { z.Entries[4].Version = 45 }), Limits{},
			`"previews/line-1.png" uses zip64 extensions`},
		{"split over disks", genuineWith(func(z *craftZip) { z.EditEnd = func(e *craftEnd) { e.Disk, e.DirDisk = 1, 1 } }), Limits{},
			"the archive claims to span several disks"},
		{"an entry on another disk", genuineWith(func(z *craftZip) { z.Entries[0].DiskStart = 2 }), Limits{},
			`"order.json" claims to be on another disk`},
		{"an entry comment", genuineWith(func(z *craftZip) { z.Entries[0].Comment = []byte("see setup.exe") }), Limits{},
			`"order.json" carries a comment`},
		{"a symbolic link", genuineWith(func(z *craftZip) {
			z.Entries[len(z.Entries)-1].Creator, z.Entries[len(z.Entries)-1].External = 3<<8|20, 0o120777<<16
		}), Limits{}, `"manifest.sig" is a link or a special file`},
		// Names that are not the format's.
		{"case twin", genuineWith(func(z *craftZip) { z.Entries[0].rename("ORDER.JSON") }), Limits{},
			`"ORDER.JSON" is not a file of an order package (its name differs from a package file's only in upper and lower case)`},
		{"case twin of a preview", genuineWith(func(z *craftZip) { z.Entries[3].rename("previews/Line-1.png") }), Limits{},
			`"previews/Line-1.png" is not a file of an order package (its name differs from a package file's only in upper and lower case)`},
		{"trailing dot", genuineWith(func(z *craftZip) { z.Entries[0].rename("order.json.") }), Limits{},
			`"order.json." is not a file of an order package (its name ends in a dot or a space, which Windows drops)`},
		{"trailing space", genuineWith(func(z *craftZip) { z.Entries[0].rename("order.json ") }), Limits{},
			`"order.json " is not a file of an order package (its name ends in a dot or a space`},
		{"alternate data stream", genuineWith(func(z *craftZip) { z.Entries[0].rename("order.json:evil") }), Limits{},
			`"order.json:evil" is not a file of an order package (the colon in its name would make it an alternate data stream on Windows)`},
		{"drive letter", genuineWith(func(z *craftZip) { z.Entries[0].rename("C:/order.json") }), Limits{},
			`"C:/order.json" is not a file of an order package (its name starts with a drive letter)`},
		{"NUL in the name", genuineWith(func(z *craftZip) { z.Entries[0].rename("order.json\x00.exe") }), Limits{},
			`"order.json\x00.exe" is not a file of an order package (its name contains a control character)`},
		{"a newline in the name", genuineWith(func(z *craftZip) { z.Entries[0].rename("order\n.json") }), Limits{},
			`"order\n.json" is not a file of an order package (its name contains a control character)`},
		{"setup.exe", genuineWith(func(z *craftZip) { z.Entries = append(z.Entries, newEntry("setup.exe", []byte("MZ"))) }), Limits{},
			`"setup.exe" is not a file of an order package; a package holds only order.json, lines.csv, oex-orders_<sender>_<yyyymmdd-hhmmss>.xml, quote.pdf, previews/line-N.png, manifest.json and manifest.sig`},
		{"Windows device name", genuineWith(func(z *craftZip) { z.Entries = append(z.Entries, newEntry("previews/CON.png", []byte("x"))) }), Limits{},
			`"previews/CON.png" is not a file of an order package (its name is a Windows device)`},
		{"8.3 short name", genuineWith(func(z *craftZip) { z.Entries[0].rename("ORDER~1.JSO") }), Limits{},
			`"ORDER~1.JSO" is not a file of an order package (its name looks like a Windows short 8.3 name)`},
		{"a look-alike letter", genuineWith(func(z *craftZip) { z.Entries[0].rename("order.jsоn") }), Limits{},
			`"order.jsоn" is not a file of an order package (its name has letters outside plain ASCII)`},
		{"a dot folder", genuineWith(func(z *craftZip) { z.Entries[0].rename("./order.json") }), Limits{},
			`"./order.json" is not a file of an order package (its path has a "." or an empty folder in it)`},
		{"a trailing dot on a folder", genuineWith(func(z *craftZip) { z.Entries[3].rename("previews./line-1.png") }), Limits{},
			`"previews./line-1.png" is not a file of an order package (its name ends in a dot or a space`},
		{"a preview numbered with a leading zero", genuineWith(func(z *craftZip) { z.Entries[3].rename("previews/line-01.png") }), Limits{},
			`"previews/line-01.png" is not a file of an order package;`},
		{"a folder entry", genuineWith(func(z *craftZip) {
			z.Entries = append([]craftEntry{storedEntry("previews/", nil)}, z.Entries...)
		}), Limits{}, `"previews/" is a folder entry; order packages hold files only`},
		{"a path out of the folder", genuineWith(func(z *craftZip) { z.Entries[0].rename("../order.json") }), Limits{},
			`unsafe path "../order.json" in the archive`},
		{"a backslash path", genuineWith(func(z *craftZip) { z.Entries[0].rename(`previews\line-1.png`) }), Limits{},
			`unsafe path "previews\\line-1.png" in the archive`},
		// Sizes.
		{"unpacks to more than declared", genuineWith(func(z *craftZip) {
			e := z.entry(t, "quote.pdf")
			e.setSizes(e.CRC, e.CSize, e.USize-100)
		}), Limits{}, `"quote.pdf" unpacks to more bytes than its header declares (`},
		{"unpacks to fewer than declared", genuineWith(func(z *craftZip) {
			e := z.entry(t, "quote.pdf")
			e.setSizes(e.CRC, e.CSize, e.USize+100)
		}), Limits{}, `"quote.pdf" unpacks to fewer bytes than its header declares (` + strconv.Itoa(len(quote)) + ` bytes, not ` + strconv.Itoa(len(quote)+100) + `): the archive is damaged or forged`},
		{"stored, sizes differ", genuineWith(func(z *craftZip) {
			e := &z.Entries[1]
			*e = storedEntry(e.Name, files[e.Name])
			e.setSizes(e.CRC, e.CSize, e.USize-1)
		}), Limits{}, `"lines.csv" unpacks to more bytes than its header declares`},
		{"a damaged checksum", genuineWith(func(z *craftZip) {
			e := z.entry(t, "quote.pdf")
			e.setSizes(e.CRC^1, e.CSize, e.USize)
		}), Limits{}, `"quote.pdf" is damaged: its bytes do not match the archive's checksum`},
		{"damaged compressed data", genuineWith(func(z *craftZip) {
			e := z.entry(t, "lines.csv")
			e.Body = bytes.Repeat([]byte{0xff}, len(e.Body))
		}), Limits{}, `"lines.csv" cannot be unpacked: its compressed data is damaged`},
		{"junk after the compressed data", genuineWith(func(z *craftZip) {
			e := z.entry(t, "lines.csv")
			e.Body = append(bytes.Clone(e.Body), "junk"...)
			e.setSizes(e.CRC, e.CSize+4, e.USize)
		}), Limits{}, `"lines.csv" has 4 bytes after the end of its compressed data`},
		{"a huge directory declared", genuineWith(func(z *craftZip) {
			z.EditEnd = func(e *craftEnd) { e.OnDisk, e.Total = 60000, 60000 }
		}), Limits{}, "the archive holds 60000 files; at most 1000 are allowed"},
		{"a directory larger than the file", genuineWith(func(z *craftZip) {
			z.EditEnd = func(e *craftEnd) { e.DirSize, e.DirOffset = 265<<20, 0 }
		}), Limits{}, "the archive's directory is declared as 277872640 bytes, more than the file holds"},
		{"a directory too small for its files", genuineWith(func(z *craftZip) {
			z.EditEnd = func(e *craftEnd) { e.OnDisk, e.Total = 900, 900 }
		}), Limits{}, "too small for its 900 files"},
		{"one record fewer than the directory holds", genuineWith(func(z *craftZip) {
			z.EditEnd = func(e *craftEnd) { e.OnDisk, e.Total = e.Total-1, e.Total-1 }
		}), Limits{}, "the archive's directory has 67 bytes more than its records"},
		{"a ratio bomb with a lying compressed size", genuineWith(func(z *craftZip) {
			e := z.entry(t, "quote.pdf")
			e.Body = bombBody
			e.setSizes(crc32.ChecksumIEEE(bomb), 110<<10, uint32(len(bomb)))
		}), Limits{}, `"quote.pdf": its data descriptor disagrees with the archive's directory`},
		{"a ratio bomb with a lying compressed size, no descriptor", genuineWith(func(z *craftZip) {
			e := z.entry(t, "quote.pdf")
			e.Body = bombBody
			e.Flags, e.LocalFlags, e.Descriptor = 0, 0, nil
			e.setSizes(crc32.ChecksumIEEE(bomb), 110<<10, uint32(len(bomb)))
		}), Limits{}, `"previews/line-1.png" overlaps "quote.pdf"`},
		{"a ratio bomb padded to its lying compressed size", genuineWith(func(z *craftZip) {
			e := z.entry(t, "quote.pdf")
			e.Body = append(bytes.Clone(bombBody), make([]byte, 110<<10-len(bombBody))...)
			e.setSizes(crc32.ChecksumIEEE(bomb), 110<<10, uint32(len(bomb)))
		}), Limits{}, `"quote.pdf" has ` + strconv.Itoa(110<<10-len(bombBody)) + ` bytes after the end of its compressed data`},
		{"a ratio bomb, sizes honest", genuineWith(func(z *craftZip) {
			e := z.entry(t, "quote.pdf")
			e.Body = bombBody
			e.setSizes(crc32.ChecksumIEEE(bomb), uint32(len(bombBody)), uint32(len(bomb)))
		}), Limits{}, `"quote.pdf" is compressed ` + strconv.Itoa(len(bomb)/len(bombBody)) + `:1, far more than real files allow`},
		{"a file over its own bound", genuineWith(func(z *craftZip) {
			e := z.entry(t, "manifest.sig")
			e.Body = deflated(t, make([]byte, 5000))
			e.setSizes(crc32.ChecksumIEEE(make([]byte, 5000)), uint32(len(e.Body)), 5000)
		}), Limits{}, `"manifest.sig" is 5000 bytes; at most 4096 are allowed for manifest.sig`},
		{"an order.json over its own bound", genuineWith(func(z *craftZip) {
			big := append([]byte(`{"list": "1`), bytes.Repeat([]byte("0"), 1<<20)...)
			*z.entry(t, "order.json") = storedEntry("order.json", big)
		}), Limits{}, `"order.json" is 1048587 bytes; at most 1048576 are allowed for order.json`},
		{"a file over MaxEntry", pkg, Limits{MaxEntry: 100 << 10}, `"quote.pdf" is ` + strconv.Itoa(len(quote)) + ` bytes; at most 102400 are allowed`},
		{"more than MaxTotal", pkg, Limits{MaxTotal: int64(len(quote))}, "the archive unpacks to more than " + strconv.Itoa(len(quote)) + " bytes"},
		{"more than MaxFiles", pkg, Limits{MaxFiles: 5}, "the archive holds 9 files; at most 5 are allowed"},
		{"a package over MaxPackage", pkg, Limits{MaxPackage: 1000}, "the package is " + strconv.Itoa(len(pkg)) + " bytes; at most 1000 are allowed"},
		{"not a zip", []byte("PK but not really, and long enough"), Limits{}, "not a zip archive: it has no end record"},
		{"empty", nil, Limits{}, "not a zip archive: the file is only 0 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lim := tc.lim
			if lim == (Limits{}) {
				lim = DefaultLimits
			}
			files, _, err := ReadZip(tc.data, lim)
			if err == nil {
				t.Fatalf("accepted (%d files)", len(files))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n  got %s\n want %s", err, tc.want)
			}
			if strings.ContainsAny(err.Error(), "\n\x00") {
				t.Errorf("error %q is not one plain line", err)
			}
		})
	}
}

// TestPackageFileNames: exactly the format's names, byte for byte.
func TestPackageFileNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"order.json", true}, {"lines.csv", true}, {"quote.pdf", true}, {"manifest.json", true}, {"manifest.sig", true},
		{"previews/line-1.png", true}, {"previews/line-20.png", true}, {"previews/line-999999.png", true},
		{"previews/line-0.png", false}, {"previews/line-01.png", false}, {"previews/line-.png", false}, {"previews/line-1000000.png", false},
		{"previews/line-1a.png", false}, {"previews/line-1.PNG", false}, {"previews/line-1.png.", false}, {"previews//line-1.png", false},
		{"./order.json", false}, {"Order.json", false}, {"order.json ", false}, {"order.json::$DATA", false}, {"manifest.sig\x00", false},
		{"", false}, {"previews/", false}, {"setup.exe", false},
		{"oex-orders_BER01_20261123-100000.xml", true}, {"oex-orders_BER01_20261123-100000.xml.exe", false},
		{"OEX-ORDERS_BER01_20261123-100000.xml", false}, {"oex-orders_ber01_20261123-100000.xml", false}, {"oex-orders_BER01_20261123-250000.xml", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, got := packageFile(tc.name); got != tc.want {
				t.Errorf("packageFile(%q) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
	if got, want := packageFileList(), "order.json, lines.csv, oex-orders_<sender>_<yyyymmdd-hhmmss>.xml, quote.pdf, previews/line-N.png, manifest.json and manifest.sig"; got != want {
		t.Errorf("packageFileList() = %q, want %q", got, want)
	}
}

// TestLimitsZeroFieldsAreDefaults: a Limits with a field left out never
// switches that limit off.
func TestLimitsZeroFieldsAreDefaults(t *testing.T) {
	for _, tc := range []struct {
		name string
		lim  Limits
		want Limits
	}{
		{"empty", Limits{}, DefaultLimits},
		{"one field set", Limits{MaxFiles: 50}, Limits{MaxPackage: DefaultLimits.MaxPackage, MaxFiles: 50, MaxEntry: DefaultLimits.MaxEntry,
			MaxTotal: DefaultLimits.MaxTotal, MaxRatio: DefaultLimits.MaxRatio}},
		{"negative", Limits{MaxTotal: -1}, DefaultLimits},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.lim.withDefaults(); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestReadZipStopsInflatingAtTheDeclaredSize: an entry that declares
// 1 MiB and inflates to 16 MiB (a ratio of 10:1 by its declared sizes) is
// refused after 1 MiB + 1 byte, without allocating the rest.
func TestReadZipStopsInflatingAtTheDeclaredSize(t *testing.T) {
	big := make([]byte, 16<<20)
	body := deflated(t, big)
	big = nil
	z := craftFrom(t, smallPackage(t))
	e := z.entry(t, "quote.pdf")
	e.Body = body
	e.setSizes(0, uint32(len(body)), 1<<20)
	data := z.bytes()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, err := ReadZip(data, DefaultLimits)
	runtime.ReadMemStats(&after)
	if want := `"quote.pdf" unpacks to more bytes than its header declares (1048576): the archive is damaged or forged`; err == nil || err.Error() != want {
		t.Errorf("error\n  got %v\n want %s", err, want)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
		t.Errorf("allocated %d bytes, want at most %d", got, 4<<20)
	}
}

// fuzzLimits are small, so that each run is quick and the bounds are
// easy to reach.
var fuzzLimits = Limits{MaxPackage: 1 << 20, MaxFiles: 20, MaxEntry: 256 << 10, MaxTotal: 512 << 10, MaxRatio: 200}

// FuzzReadZip: ReadZip never panics, never returns more than the limits
// allow or a name that is not the format's, and whatever it accepts,
// archive/zip reads the same way (the same files, the same bytes). The
// input is an edit of one of the seed archives (a genuine package and
// forgeries): the bytes at pos, up to cut of them, replaced by insert; or,
// with base beyond the seeds, insert alone, any bytes. Fuzzing small edits
// keeps each run and the fuzzer's minimizing of what it finds quick (the
// minimizer's work grows with the square of an input's length).
func FuzzReadZip(f *testing.F) {
	// The forgeries start from a package of the format's files with tiny
	// contents.
	tiny := craftZip{}
	for _, name := range []string{"order.json", "lines.csv", "quote.pdf", "previews/line-1.png", "manifest.json", "manifest.sig"} {
		tiny.Entries = append(tiny.Entries, newEntry(name, []byte(name)))
	}
	tinyWith := func(edit func(z *craftZip)) []byte {
		z := tiny
		z.Entries = slices.Clone(tiny.Entries)
		edit(&z)
		return z.bytes()
	}
	forged := newEntry("order.json", []byte(`{"number":"FORGED"}`))
	bases := [][]byte{
		smallPackage(f),
		tiny.bytes(),
		tinyWith(func(z *craftZip) {
			for i, e := range z.Entries {
				z.Entries[i] = storedEntry(e.Name, []byte(e.Name))
			}
		}),
		append(craftZip{Entries: []craftEntry{forged}}.bytes(), tiny.bytes()...),
		append(tiny.bytes(), "junk"...),
		tinyWith(func(z *craftZip) { z.Prefix = []byte("junk") }),
		tinyWith(func(z *craftZip) {
			hidden := forged
			hidden.SkipDirectory = true
			z.Entries = append([]craftEntry{z.Entries[0], hidden}, z.Entries[1:]...)
		}),
		tinyWith(func(z *craftZip) { z.Entries[0].LocalName = "../../../tmp/order.json" }),
		tinyWith(func(z *craftZip) { z.Entries[1].rename("LINES.CSV") }),
		tinyWith(func(z *craftZip) { z.Entries[2].Descriptor = nil }),
		craftZip{}.bytes(),
	}
	for i := range bases {
		f.Add(uint8(i), uint32(0), uint16(0), []byte(nil))
	}
	f.Add(uint8(1), uint32(6), uint16(2), []byte{0x09, 0x00})            // flags: encrypted
	f.Add(uint8(1), uint32(30), uint16(10), []byte("ORDER.JSON"))        // a local name
	f.Add(uint8(len(bases)), uint32(0), uint16(0), []byte("PK\x03\x04")) // any bytes
	f.Fuzz(func(t *testing.T, base uint8, pos uint32, cut uint16, insert []byte) {
		data := insert
		if int(base) < len(bases) {
			b := bases[base]
			pos = min(pos, uint32(len(b)))
			end := min(pos+uint32(cut), uint32(len(b)))
			data = append(append(append(make([]byte, 0, len(b)+len(insert)), b[:pos]...), insert...), b[end:]...)
		}
		files, names, err := ReadZip(data, fuzzLimits)
		if err != nil {
			if msg := err.Error(); msg == "" || strings.ContainsAny(msg, "\n\x00") {
				t.Fatalf("error %q is not one plain line", msg)
			}
			return
		}
		if len(files) != len(names) || len(names) > fuzzLimits.MaxFiles {
			t.Fatalf("%d files, %d names; at most %d allowed", len(files), len(names), fuzzLimits.MaxFiles)
		}
		var total int64
		for _, name := range names {
			if _, ok := packageFile(name); !ok {
				t.Fatalf("accepted %q", name)
			}
			if n := int64(len(files[name])); n > fuzzLimits.MaxEntry {
				t.Fatalf("%q is %d bytes; at most %d allowed", name, n, fuzzLimits.MaxEntry)
			}
			total += int64(len(files[name]))
		}
		if total > fuzzLimits.MaxTotal {
			t.Fatalf("%d bytes in all; at most %d allowed", total, fuzzLimits.MaxTotal)
		}
		std, err := readWithArchiveZip(data)
		if err != nil {
			t.Fatalf("accepted, but archive/zip says %v", err)
		}
		if len(std) != len(files) {
			t.Fatalf("accepted %d files, archive/zip reads %d", len(files), len(std))
		}
		for name, b := range std {
			if got, ok := files[name]; !ok || !bytes.Equal(got, b) {
				t.Fatalf("%q: accepted %d bytes, archive/zip reads %d", name, len(got), len(b))
			}
		}
	})
}

// BenchmarkReadZip reads the genuine three-line package (604 KB):
// go test ./storage/orderfile -run '^$' -bench ReadZip -benchmem
func BenchmarkReadZip(b *testing.B) {
	pkg := genuinePackage(b)
	b.SetBytes(int64(len(pkg)))
	for b.Loop() {
		if _, _, err := ReadZip(pkg, DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
}

// TestVerifyRefusesForgeriesAroundAGenuinePackage: the attacks on
// a genuine signed package, each of which verified before: Verify stops at
// the archive with ReadZip's message.
func TestVerifyRefusesForgeriesAroundAGenuinePackage(t *testing.T) {
	pkg := genuinePackage(t)
	cats := genuine.cats
	forgedZip := craftZip{Entries: []craftEntry{newEntry("order.json", []byte(`{"number":"FORGED"}`))}}.bytes()
	genuineWith := func(edit func(z *craftZip)) []byte {
		z := craftFrom(t, pkg)
		edit(&z)
		return z.bytes()
	}
	if r := Verify(pkg, cats, testTrust(), DefaultLimits); !r.OK {
		t.Fatalf("the genuine package: %+v", r.Findings)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"a forged zip in front", append(bytes.Clone(forgedZip), pkg...), "something was put in front of the archive or into it: its directory starts at byte"},
		{"a second order.json in the local headers", genuineWith(func(z *craftZip) {
			hidden := newEntry("order.json", []byte(`{"number":"FORGED"}`))
			hidden.SkipDirectory = true
			z.Entries = append([]craftEntry{hidden}, z.Entries...)
		}), `bytes before the first file "order.json" belong to no file`},
		{"a local name out of the folder", genuineWith(func(z *craftZip) { z.Entries[0].LocalName = "../../../tmp/order.json" }),
			`"order.json" is called "../../../tmp/order.json" in its own header`},
		{"junk after the end", append(bytes.Clone(pkg), 0), "something was appended to the archive: 1 byte after its end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Verify(tc.data, cats, testTrust(), DefaultLimits)
			if r.OK {
				t.Fatal("verified")
			}
			if !hasFinding(r, "archive", tc.want) {
				t.Errorf("findings %+v, want %q at archive", r.Findings, tc.want)
			}
		})
	}
}
