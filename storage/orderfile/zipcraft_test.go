package orderfile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"testing"
)

// Package-crafting helpers: an archive as a list of entries whose every
// header field can be set by hand, written byte by byte, so that tests can
// forge what no zip writer would write.

// craftEntry is one entry: its local header, its data and its directory
// record. Fields named Local… are the local header's; the others the
// directory record's.
type craftEntry struct {
	Name, LocalName          string
	Version, LocalVersion    uint16 // needed to extract
	Flags, LocalFlags        uint16
	Method, LocalMethod      uint16
	Time, Date               uint16 // both headers
	CRC, LocalCRC            uint32
	CSize, LocalCSize        uint32
	USize, LocalUSize        uint32
	Extra, LocalExtra        []byte
	Comment                  []byte
	Creator                  uint16 // version made by
	External                 uint32
	DiskStart                uint16
	Body                     []byte // the compressed bytes as written
	Descriptor               []byte // written after Body (nil: none)
	After                    []byte // written after the entry: gaps, hidden headers
	Offset                   int64  // of the local header in the directory; -1: where it is written
	OffsetDelta              int64  // added to the offset written in the directory
	SkipLocal, SkipDirectory bool   // leave out the local part or the directory record
}

// craftZip is a whole archive.
type craftZip struct {
	Prefix    []byte
	Entries   []craftEntry
	BeforeEnd []byte // written between the directory and the end record
	// The end record; nil EditEnd writes it as it should be.
	EditEnd func(e *craftEnd)
	Suffix  []byte
}

// craftEnd is the end-of-central-directory record's fields.
type craftEnd struct {
	Disk, DirDisk, OnDisk, Total uint16
	DirSize, DirOffset           uint32
	Comment                      []byte
	CommentLen                   uint16
}

// descriptor is a data descriptor as archive/zip writes it.
func descriptor(crc, csize, usize uint32) []byte {
	return le(uint32(descriptorSig), crc, csize, usize)
}

// le writes numbers little-endian in their own sizes.
func le(vs ...any) []byte {
	var b []byte
	for _, v := range vs {
		b, _ = binary.Append(b, binary.LittleEndian, v)
	}
	return b
}

// newEntry is an entry as archive/zip's Writer.Create writes it: deflated,
// with a data descriptor and zeros in the local header's CRC and sizes.
func newEntry(name string, content []byte) craftEntry {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.DefaultCompression)
	fw.Write(content)
	fw.Close()
	crc, cs, us := crc32.ChecksumIEEE(content), uint32(buf.Len()), uint32(len(content))
	return craftEntry{Name: name, LocalName: name, Version: 20, LocalVersion: 20, Flags: flagDescriptor, LocalFlags: flagDescriptor,
		Method: methodDeflate, LocalMethod: methodDeflate, CRC: crc, CSize: cs, USize: us, Creator: 20,
		Body: buf.Bytes(), Descriptor: descriptor(crc, cs, us), Offset: -1}
}

// storedEntry is a stored entry without a data descriptor: the local
// header carries the CRC and sizes.
func storedEntry(name string, content []byte) craftEntry {
	crc, n := crc32.ChecksumIEEE(content), uint32(len(content))
	return craftEntry{Name: name, LocalName: name, Version: 10, LocalVersion: 10, Method: methodStore, LocalMethod: methodStore,
		CRC: crc, LocalCRC: crc, CSize: n, LocalCSize: n, USize: n, LocalUSize: n, Creator: 20, Body: content, Offset: -1}
}

// setSizes sets the CRC and sizes in the directory record, the local
// header (zeros when a descriptor follows) and the descriptor.
func (e *craftEntry) setSizes(crc, csize, usize uint32) {
	e.CRC, e.CSize, e.USize = crc, csize, usize
	if e.Flags&flagDescriptor != 0 {
		e.LocalCRC, e.LocalCSize, e.LocalUSize = 0, 0, 0
		e.Descriptor = descriptor(crc, csize, usize)
	} else {
		e.LocalCRC, e.LocalCSize, e.LocalUSize = crc, csize, usize
	}
}

// rename gives an entry another name in both headers.
func (e *craftEntry) rename(name string) { e.Name, e.LocalName = name, name }

// localHeader is an entry's local header with its name and extra field.
func (e *craftEntry) localHeader() []byte {
	h := le(uint32(localHeaderSig), e.LocalVersion, e.LocalFlags, e.LocalMethod, e.Time, e.Date,
		e.LocalCRC, e.LocalCSize, e.LocalUSize, uint16(len(e.LocalName)), uint16(len(e.LocalExtra)))
	return append(append(h, e.LocalName...), e.LocalExtra...)
}

// bytes writes the archive.
func (z craftZip) bytes() []byte {
	var b bytes.Buffer
	b.Write(z.Prefix)
	offsets := make([]int64, len(z.Entries))
	for i, e := range z.Entries {
		offsets[i] = int64(b.Len())
		if e.Offset >= 0 {
			offsets[i] = e.Offset
		}
		offsets[i] += e.OffsetDelta
		if !e.SkipLocal {
			b.Write(e.localHeader())
			b.Write(e.Body)
			b.Write(e.Descriptor)
		}
		b.Write(e.After)
	}
	dirOffset := b.Len()
	count := 0
	for i, e := range z.Entries {
		if e.SkipDirectory {
			continue
		}
		count++
		b.Write(le(uint32(centralHeaderSig), e.Creator, e.Version, e.Flags, e.Method, e.Time, e.Date, e.CRC, e.CSize, e.USize,
			uint16(len(e.Name)), uint16(len(e.Extra)), uint16(len(e.Comment)), e.DiskStart, uint16(0), e.External, uint32(offsets[i])))
		b.WriteString(e.Name)
		b.Write(e.Extra)
		b.Write(e.Comment)
	}
	end := craftEnd{OnDisk: uint16(count), Total: uint16(count), DirSize: uint32(b.Len() - dirOffset), DirOffset: uint32(dirOffset)}
	b.Write(z.BeforeEnd)
	if z.EditEnd != nil {
		z.EditEnd(&end)
	} else {
		end.CommentLen = uint16(len(end.Comment))
	}
	b.Write(le(uint32(endSig), end.Disk, end.DirDisk, end.OnDisk, end.Total, end.DirSize, end.DirOffset, end.CommentLen))
	b.Write(end.Comment)
	b.Write(z.Suffix)
	return b.Bytes()
}

// craftFrom takes an archive written by archive/zip (as Build writes
// packages) apart into a craftZip that writes the same bytes again.
func craftFrom(t testing.TB, data []byte) craftZip {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var z craftZip
	for _, f := range zr.File {
		rc, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		e := craftEntry{Name: f.Name, LocalName: f.Name, Version: f.ReaderVersion, LocalVersion: f.ReaderVersion, Flags: f.Flags, LocalFlags: f.Flags,
			Method: f.Method, LocalMethod: f.Method, Time: f.ModifiedTime, Date: f.ModifiedDate,
			Extra: f.Extra, LocalExtra: f.Extra, Comment: []byte(f.Comment), Creator: f.CreatorVersion, External: f.ExternalAttrs,
			Body: body, Offset: -1}
		e.setSizes(f.CRC32, uint32(f.CompressedSize64), uint32(f.UncompressedSize64))
		z.Entries = append(z.Entries, e)
	}
	return z
}

// entry finds an entry of z by name.
func (z *craftZip) entry(t testing.TB, name string) *craftEntry {
	t.Helper()
	for i := range z.Entries {
		if z.Entries[i].Name == name {
			return &z.Entries[i]
		}
	}
	t.Fatalf("no entry %q", name)
	return nil
}

// TestCraftFromWritesTheSameBytes: the crafting helpers are faithful: a
// genuine package taken apart and written again is the same bytes.
func TestCraftFromWritesTheSameBytes(t *testing.T) {
	pkg := genuinePackage(t)
	if got := craftFrom(t, pkg).bytes(); !bytes.Equal(got, pkg) {
		t.Fatalf("crafted again: %d bytes, differing from the %d of the genuine package", len(got), len(pkg))
	}
}
