package orderfile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"slices"
	"strings"
)

// Limits bound the work an archive from outside may cause. Every field is
// checked before the bytes it bounds are read or allocated; a zero field
// means DefaultLimits' value (no limit is ever switched off).
type Limits struct {
	MaxPackage int64 // bytes of the zip file itself, checked first
	MaxFiles   int   // entries
	MaxEntry   int64 // bytes, uncompressed, per entry
	MaxTotal   int64 // bytes, uncompressed, in all
	MaxRatio   int64 // uncompressed / compressed, for entries over 64 KiB
}

// DefaultLimits fit any real order with room to spare, and keep the work of
// reading any input small: the package and everything unpacked from it
// stay under 56 MiB of memory, whatever it claims. For scale, the 20-line
// order of BenchmarkOrder20Lines (a quote PDF and a preview per line) is a
// 3.66 MB package that unpacks to 3.74 MB, about 190 KB a line: order.json
// 73 KB (3.7 KB a line), lines.csv 8.6 KB, quote.pdf 1.78 MB (89 KB a
// line), previews 35–161 KB each, manifest.json 4 KB. 32 MiB unpacked is
// an order of some 170 lines; 24 MiB of quote some 270.
//
// Measured with atelierctl order verify (/usr/bin/time -f %M), a hostile
// package of 32 MiB that unpacks to 40 MiB peaked at 122 MB, one of 24 MiB
// unpacking to 32 MiB at 108 MB (79 MB when the file is read into a
// buffer of its size rather than by io.ReadAll); hence 24 and 32 here.
var DefaultLimits = Limits{MaxPackage: 24 << 20, MaxFiles: 1000, MaxEntry: 24 << 20, MaxTotal: 32 << 20, MaxRatio: 200}

// withDefaults fills the zero fields of lim from DefaultLimits.
func (lim Limits) withDefaults() Limits {
	if lim.MaxPackage <= 0 {
		lim.MaxPackage = DefaultLimits.MaxPackage
	}
	if lim.MaxFiles <= 0 {
		lim.MaxFiles = DefaultLimits.MaxFiles
	}
	if lim.MaxEntry <= 0 {
		lim.MaxEntry = DefaultLimits.MaxEntry
	}
	if lim.MaxTotal <= 0 {
		lim.MaxTotal = DefaultLimits.MaxTotal
	}
	if lim.MaxRatio <= 0 {
		lim.MaxRatio = DefaultLimits.MaxRatio
	}
	return lim
}

// packageFileRule is one kind of file the order package format defines.
type packageFileRule struct {
	pattern  string                 // as the format's documentation writes it
	match    func(name string) bool // exact bytes: no case folding, no trimming
	maxBytes int64                  // the most it may unpack to (0: Limits.MaxEntry)
}

// packageFiles are the files an order package may hold (docs/order-format.md),
// each with its own size bound, above what MaxTotal lets a real order
// reach (some 170 lines) and small enough to keep what the verifier parses
// small: a hostile order.json costs the JSON schema check some 55 MB of
// memory per MiB. To add a file to the format, add a rule here.
var packageFiles = []packageFileRule{
	{"order.json", exactName("order.json"), 1 << 20}, // 3.7 KB a line: some 280 lines
	{"lines.csv", exactName("lines.csv"), 1 << 20},   // 430 bytes a line
	// The OEX order message (issue 17): 7.5 KB a line, 1.9 times order.json,
	// so the largest order.json's message fits.
	{"oex-orders_<sender>_<yyyymmdd-hhmmss>.xml", isOEXName, 3 << 20},
	{"quote.pdf", exactName("quote.pdf"), 0},        // 89 KB a line: MaxEntry
	{"previews/line-N.png", isPreviewName, 4 << 20}, // 640×400: 2 MB even as 16-bit RGBA
	{"manifest.json", exactName("manifest.json"), 1 << 20},
	{"manifest.sig", exactName("manifest.sig"), 4 << 10},
}

func exactName(want string) func(string) bool {
	return func(name string) bool { return name == want }
}

// isPreviewName matches previews/line-N.png, N = 1, 2, … without leading
// zeros (PreviewName).
func isPreviewName(name string) bool {
	n, ok := strings.CutPrefix(name, "previews/line-")
	if !ok {
		return false
	}
	n, ok = strings.CutSuffix(n, ".png")
	if !ok || n == "" || len(n) > 6 || n[0] == '0' {
		return false
	}
	for _, c := range []byte(n) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// packageFile finds the rule of a file name of the format.
func packageFile(name string) (packageFileRule, bool) {
	for _, r := range packageFiles {
		if r.match(name) {
			return r, true
		}
	}
	return packageFileRule{}, false
}

// packageFileList names the format's files for messages.
func packageFileList() string {
	var s strings.Builder
	for i, r := range packageFiles {
		switch {
		case i == len(packageFiles)-1:
			s.WriteString(" and ")
		case i > 0:
			s.WriteString(", ")
		}
		s.WriteString(r.pattern)
	}
	return s.String()
}

// notAPackageFile explains why name is not one of the format's files; the
// hints name the usual tricks (a name that a Windows or case-insensitive
// file system would read as one of the package's files, or as something
// else entirely).
func notAPackageFile(name string) error {
	return fmt.Errorf("%q is not a file of an order package%s; a package holds only %s", name, nameHint(name), packageFileList())
}

func nameHint(name string) string {
	lower := strings.ToLower(name)
	base := name[strings.LastIndexByte(name, '/')+1:]
	stem, _, _ := strings.Cut(strings.ToUpper(base), ".")
	stem = strings.TrimRight(stem, " ")
	switch {
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return " (its name contains a control character)"
	case len(name) >= 2 && name[1] == ':' && ('a' <= lower[0] && lower[0] <= 'z'):
		return " (its name starts with a drive letter)"
	case strings.Contains(name, ":"):
		return " (the colon in its name would make it an alternate data stream on Windows)"
	case slices.Contains(strings.Split(name, "/"), ".") || strings.Contains(name, "//"):
		return ` (its path has a "." or an empty folder in it)`
	case strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") || strings.Contains(name, "./") || strings.Contains(name, " /"):
		return " (its name ends in a dot or a space, which Windows drops)"
	case slices.ContainsFunc(packageFiles, func(r packageFileRule) bool { return slices.ContainsFunc(caseVariants(name), r.match) }):
		return " (its name differs from a package file's only in upper and lower case)"
	case slices.Contains(windowsDeviceNames, stem):
		return " (its name is a Windows device)"
	case strings.Contains(base, "~"):
		return " (its name looks like a Windows short 8.3 name)"
	case strings.ContainsFunc(name, func(r rune) bool { return r >= 0x80 }):
		return " (its name has letters outside plain ASCII)"
	}
	return ""
}

// caseVariants are name spelled as the format's names are, if it were one
// of them in other letter case: all in lower case, and an OEX order
// message's with its sender (a dealer id) in upper case.
func caseVariants(name string) []string {
	lower := strings.ToLower(name)
	out := []string{lower}
	if mid, ok := strings.CutPrefix(lower, oexPrefix); ok {
		if mid, ok := strings.CutSuffix(mid, ".xml"); ok {
			out = append(out, oexPrefix+strings.ToUpper(mid)+".xml")
		}
	}
	return out
}

var windowsDeviceNames = []string{"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
	"COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³",
	"LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³"}

// The zip records (PKWARE's APPNOTE.TXT, 4.3).
const (
	localHeaderSig   = 0x04034b50
	centralHeaderSig = 0x02014b50
	endSig           = 0x06054b50
	zip64LocatorSig  = 0x07064b50
	descriptorSig    = 0x08074b50

	localHeaderLen   = 30
	centralHeaderLen = 46
	endLen           = 22
	zip64LocatorLen  = 20
	descriptorLen    = 16 // with its signature, 32-bit sizes

	flagEncrypted       = 1 << 0
	flagDescriptor      = 1 << 3
	flagStrongEncrypted = 1 << 6
	flagUTF8            = 1 << 11
	allowedFlags        = flagDescriptor | flagUTF8

	methodStore   = 0
	methodDeflate = 8

	maxNameLen = 255
)

// allowedExtras are the extra fields an entry may carry: timestamps and
// Unix owners, which change nothing about what is unpacked. Anything else
// is refused: zip64 sizes (0x0001), and above all the Info-ZIP Unicode path
// (0x7075), which gives some extractors another name than the header's.
var allowedExtras = map[uint16]bool{
	0x000a: true, // NTFS times
	0x5455: true, // extended timestamp (archive/zip writes it)
	0x7875: true, // Unix UID/GID
}

// zipEntry is one entry as the central directory describes it.
type zipEntry struct {
	name     string
	nameRaw  []byte
	version  uint16 // needed to extract
	flags    uint16
	method   uint16
	crc      uint32
	csize    uint32
	usize    uint32
	offset   int64 // of the local header
	creator  uint16
	external uint32
	data     int64 // start of the compressed bytes, found by checkLayout
}

// ReadZip reads an order package's files into memory. It accepts exactly
// one clean archive and nothing around it, so that every zip reader, the
// ones that read the central directory and the streaming ones that read
// local headers from the front, sees the same files:
//
//   - the package is at most lim.MaxPackage bytes (checked first);
//   - the end record ends the file (no comment, nothing after it), is not
//     zip64, names one disk, and its entry count (at most lim.MaxFiles) and
//     directory size and offset match what is there, checked before any
//     entry is looked at;
//   - the files are laid out back to back from byte 0 in the directory's
//     order (local header, name, extra, compressed data, data descriptor),
//     followed by the directory and then the end record: no byte belongs
//     to nothing, no two entries overlap;
//   - every local header agrees with its directory record (name bytes,
//     flags, method, CRC and sizes, or zeros and a data descriptor that
//     agrees), no encryption, no flags but data descriptor and UTF-8,
//     stored or deflated only, extra fields only timestamps and owners;
//   - every name is one of the format's files, byte for byte
//     (packageFiles): no folders, links, paths, case twins or Windows tricks;
//   - sizes within lim.MaxEntry, each file's own bound and lim.MaxTotal in
//     all, compressed at most lim.MaxRatio:1 (the compressed size being
//     the real one, since the layout is checked), each file unpacked into
//     exactly its declared size, its deflate stream ending exactly at its
//     data's end, and its CRC-32 right.
//
// It returns the files by name and the names in the archive's order.
// Nothing is written to disk.
func ReadZip(data []byte, lim Limits) (map[string][]byte, []string, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxPackage {
		return nil, nil, fmt.Errorf("the package is %d bytes; at most %d are allowed", len(data), lim.MaxPackage)
	}
	dirOffset, dirEnd, count, err := readEnd(data, lim)
	if err != nil {
		return nil, nil, err
	}
	entries, err := readDirectory(data, dirOffset, dirEnd, count, lim)
	if err != nil {
		return nil, nil, err
	}
	if err := checkLayout(data, entries, dirOffset); err != nil {
		return nil, nil, err
	}
	return unpack(data, entries)
}

// readEnd finds the end-of-central-directory record, which must end the
// file, and checks it.
func readEnd(data []byte, lim Limits) (dirOffset, dirEnd int64, count int, err error) {
	n := int64(len(data))
	if n < endLen {
		return 0, 0, 0, fmt.Errorf("not a zip archive: the file is only %s", nBytes(n))
	}
	at := n - endLen
	if le32(data[at:]) != endSig || le16(data[at+20:]) != 0 {
		// Find out what is wrong for the message: the last end record.
		found := int64(-1)
		for i := at; i >= max(0, at-0xffff-zip64LocatorLen-endLen); i-- {
			if le32(data[i:]) == endSig {
				found = i
				break
			}
		}
		switch {
		case found < 0:
			return 0, 0, 0, errors.New("not a zip archive: it has no end record")
		case found == at:
			return 0, 0, 0, errors.New("the archive's end record declares a comment that is not there: the archive is damaged or forged")
		case found+endLen+int64(le16(data[found+20:])) == n:
			return 0, 0, 0, fmt.Errorf("the archive carries a comment of %d bytes; order packages have none", le16(data[found+20:]))
		default:
			return 0, 0, 0, fmt.Errorf("something was appended to the archive: %s after its end", nBytes(n-found-endLen))
		}
	}
	end := data[at:]
	disk, dirDisk, onDisk, total := le16(end[4:]), le16(end[6:]), le16(end[8:]), le16(end[10:])
	size, offset := int64(le32(end[12:])), int64(le32(end[16:]))
	switch {
	case at >= zip64LocatorLen && le32(data[at-zip64LocatorLen:]) == zip64LocatorSig,
		onDisk == 0xffff || total == 0xffff || size == 0xffffffff || offset == 0xffffffff:
		return 0, 0, 0, errors.New("the archive uses zip64 extensions, which order packages never need: refused")
	case disk != 0 || dirDisk != 0 || onDisk != total:
		return 0, 0, 0, errors.New("the archive claims to span several disks; an order package is one whole file")
	case int(total) > lim.MaxFiles:
		return 0, 0, 0, fmt.Errorf("the archive holds %d files; at most %d are allowed", total, lim.MaxFiles)
	case size > at:
		return 0, 0, 0, fmt.Errorf("the archive's directory is declared as %d bytes, more than the file holds: the archive is damaged or forged", size)
	case size < int64(total)*centralHeaderLen:
		return 0, 0, 0, fmt.Errorf("the archive's directory is declared as %d bytes, too small for its %d files: the archive is damaged or forged", size, total)
	case offset+size < at:
		return 0, 0, 0, fmt.Errorf("something was put in front of the archive or into it: its directory starts at byte %d, but its end record says %d", at-size, offset)
	case offset+size > at:
		return 0, 0, 0, fmt.Errorf("the archive's end record places its directory at byte %d, but it is at byte %d: the archive is damaged or forged", offset, at-size)
	}
	return offset, at, int(total), nil
}

// readDirectory reads and checks the central directory's records, which
// must fill [dirOffset, dirEnd) exactly.
func readDirectory(data []byte, dirOffset, dirEnd int64, count int, lim Limits) ([]zipEntry, error) {
	entries := make([]zipEntry, 0, count)
	seen := make(map[string]bool, count)
	var total int64
	p := dirOffset
	for k := range count {
		if p+centralHeaderLen > dirEnd || le32(data[p:]) != centralHeaderSig {
			return nil, fmt.Errorf("the archive's directory is damaged at its record %d", k+1)
		}
		h := data[p : p+centralHeaderLen]
		nameLen, extraLen, commentLen := int64(le16(h[28:])), int64(le16(h[30:])), int64(le16(h[32:]))
		if p+centralHeaderLen+nameLen+extraLen+commentLen > dirEnd {
			return nil, fmt.Errorf("the archive's directory is damaged at its record %d", k+1)
		}
		rest := data[p+centralHeaderLen:]
		nameRaw := rest[:nameLen]
		if nameLen > maxNameLen {
			return nil, fmt.Errorf("the archive's record %d has a name of %d bytes (%q…); the names of an order package are short", k+1, nameLen, nameRaw[:40])
		}
		e := zipEntry{name: string(nameRaw), nameRaw: nameRaw, version: le16(h[6:]), flags: le16(h[8:]), method: le16(h[10:]),
			crc: le32(h[16:]), csize: le32(h[20:]), usize: le32(h[24:]), offset: int64(le32(h[42:])),
			creator: le16(h[4:]), external: le32(h[38:])}
		extra := rest[nameLen : nameLen+extraLen]
		if err := checkEntryHeader(e.name, e.version, e.flags, e.method, extra); err != nil {
			return nil, err
		}
		if e.csize == 0xffffffff || e.usize == 0xffffffff || e.offset == 0xffffffff {
			return nil, fmt.Errorf("%q uses zip64 extensions, which order packages never need: refused", e.name)
		}
		if le16(h[34:]) != 0 {
			return nil, fmt.Errorf("%q claims to be on another disk; an order package is one whole file", e.name)
		}
		if commentLen != 0 {
			return nil, fmt.Errorf("%q carries a comment; the files of an order package have none", e.name)
		}
		if err := checkEntryName(e, seen); err != nil {
			return nil, err
		}
		seen[e.name] = true
		usize, csize := int64(e.usize), int64(e.csize)
		if usize > lim.MaxEntry {
			return nil, fmt.Errorf("%q is %d bytes; at most %d are allowed", e.name, usize, lim.MaxEntry)
		}
		if usize > 64<<10 && usize > lim.MaxRatio*max(csize, 1) {
			return nil, fmt.Errorf("%q is compressed %d:1, far more than real files allow: refused (a zip bomb?)", e.name, usize/max(csize, 1))
		}
		rule, ok := packageFile(e.name)
		if !ok {
			return nil, notAPackageFile(e.name)
		}
		if rule.maxBytes > 0 && usize > rule.maxBytes {
			return nil, fmt.Errorf("%q is %d bytes; at most %d are allowed for %s", e.name, usize, rule.maxBytes, rule.pattern)
		}
		total += usize
		if total > lim.MaxTotal {
			return nil, fmt.Errorf("the archive unpacks to more than %d bytes", lim.MaxTotal)
		}
		entries = append(entries, e)
		p += centralHeaderLen + nameLen + extraLen + commentLen
	}
	if p != dirEnd {
		return nil, fmt.Errorf("the archive's directory has %s more than its records: the archive is damaged or forged", nBytes(dirEnd-p))
	}
	return entries, nil
}

// checkEntryHeader checks what a local header and a directory record both
// say about an entry's format.
func checkEntryHeader(name string, version, flags, method uint16, extra []byte) error {
	switch {
	case flags&(flagEncrypted|flagStrongEncrypted) != 0:
		return fmt.Errorf("%q is encrypted; order packages are never encrypted", name)
	case version&0xff >= 45:
		return fmt.Errorf("%q uses zip64 extensions, which order packages never need: refused", name)
	case version&0xff > 20:
		return fmt.Errorf("%q needs zip %d.%d to unpack; order packages use only zip 2.0", name, version&0xff/10, version&0xff%10)
	case flags&^allowedFlags != 0:
		return fmt.Errorf("%q uses zip flags (0x%04x) that order packages do not use", name, flags&^allowedFlags)
	case method != methodStore && method != methodDeflate:
		return fmt.Errorf("%q is packed with method %d; order packages use only stored (0) or deflated (8) files", name, method)
	case flags&flagDescriptor != 0 && method == methodStore:
		return fmt.Errorf("%q is stored with a data descriptor, which a streaming reader cannot find the end of: refused", name)
	}
	for len(extra) > 0 {
		if len(extra) < 4 || int(le16(extra[2:])) > len(extra)-4 {
			return fmt.Errorf("%q has a damaged extra field", name)
		}
		id := le16(extra)
		switch {
		case id == 0x0001:
			return fmt.Errorf("%q uses zip64 extensions, which order packages never need: refused", name)
		case !allowedExtras[id]:
			return fmt.Errorf("%q carries an extra field of type 0x%04x, which order packages do not use", name, id)
		}
		extra = extra[4+int(le16(extra[2:])):]
	}
	return nil
}

// checkEntryName refuses unsafe paths, folders, links and special files,
// and names seen before; the format's own names are checked by the caller
// after the sizes, so that a zip bomb is called one whatever its name.
func checkEntryName(e zipEntry, seen map[string]bool) error {
	name := e.name
	mode := (&zip.FileHeader{Name: name, CreatorVersion: e.creator, ExternalAttrs: e.external}).Mode()
	switch {
	// The same on every system (not filepath.IsLocal, whose answer depends
	// on the system verifying: on Windows it refused "C:/order.json" here,
	// elsewhere packageFiles names the trick): what a package may not hold
	// on any system is refused with the same words everywhere.
	case name == "" || strings.Contains(name, `\`) || strings.HasPrefix(name, "/") ||
		slices.Contains(strings.Split(name, "/"), ".."):
		return fmt.Errorf("unsafe path %q in the archive: it points outside the package's folder", name)
	case strings.HasSuffix(name, "/") || mode.IsDir():
		return fmt.Errorf("%q is a folder entry; order packages hold files only", name)
	case mode&(fs.ModeSymlink|fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeCharDevice|fs.ModeIrregular) != 0:
		return fmt.Errorf("%q is a link or a special file", name)
	case seen[name]:
		return fmt.Errorf("%q appears twice in the archive", name)
	}
	return checkAttributes(e)
}

// checkAttributes refuses an entry whose file attributes another
// extractor could read as something other than a plain file: only the
// MS-DOS and Unix "made by" systems are allowed (Info-ZIP's unzip reads
// Unix modes from several other systems' attributes, which Go does not:
// a symbolic link could hide there), a Unix mode must be a regular file's,
// and MS-DOS attributes may not mark a folder or a volume label.
func checkAttributes(e zipEntry) error {
	const (
		dosSystem, unixSystem     = 0, 3
		unixTypeMask, unixRegular = 0o170000, 0o100000
		dosFolder, dosVolume      = 0x10, 0x08
	)
	switch system, unixMode := e.creator>>8, e.external>>16; {
	case system != dosSystem && system != unixSystem:
		return fmt.Errorf("%q was made by a system (%d) whose file attributes other programs read differently; order packages are made on MS-DOS or Unix terms only", e.name, system)
	case unixMode != 0 && unixMode&unixTypeMask != unixRegular:
		return fmt.Errorf("%q is not a plain file by its Unix attributes (mode %o): a link or a special file", e.name, unixMode)
	case e.external&(dosFolder|dosVolume) != 0:
		return fmt.Errorf("%q is a folder or a volume label by its MS-DOS attributes", e.name)
	}
	return nil
}

// checkLayout checks that the entries lie back to back from byte 0 to the
// directory in the directory's order, each local header agreeing with its
// record, and sets each entry's data offset.
func checkLayout(data []byte, entries []zipEntry, dirOffset int64) error {
	var at int64 // where the next entry must begin
	for i := range entries {
		e := &entries[i]
		switch {
		case e.offset < at:
			return fmt.Errorf("%q overlaps %q: the archive is forged", e.name, entries[i-1].name)
		case e.offset > at && i == 0:
			return fmt.Errorf("something was put in front of the archive: %s before the first file %q belong to no file", nBytes(e.offset), e.name)
		case e.offset > at:
			return fmt.Errorf("something was hidden in the archive: %s between %q and %q belong to no file", nBytes(e.offset-at), entries[i-1].name, e.name)
		case e.offset+localHeaderLen > dirOffset || le32(data[e.offset:]) != localHeaderSig:
			return fmt.Errorf("%q has no file header where the archive's directory says: the archive is damaged or forged", e.name)
		}
		h := data[e.offset : e.offset+localHeaderLen]
		version, flags, method := le16(h[4:]), le16(h[6:]), le16(h[8:])
		crc, csize, usize := le32(h[14:]), le32(h[18:]), le32(h[22:])
		nameLen, extraLen := int64(le16(h[26:])), int64(le16(h[28:]))
		e.data = e.offset + localHeaderLen + nameLen + extraLen
		if e.data > dirOffset {
			return fmt.Errorf("%q's header runs into the archive's directory: the archive is damaged or forged", e.name)
		}
		if name := data[e.offset+localHeaderLen : e.offset+localHeaderLen+nameLen]; !bytes.Equal(name, e.nameRaw) {
			return fmt.Errorf("%q is called %q in its own header: the archive is forged (a streaming reader would unpack the other name)", e.name, name)
		}
		if err := checkEntryHeader(e.name, version, flags, method, data[e.data-extraLen:e.data]); err != nil {
			return err
		}
		for _, f := range []struct {
			what        string
			local, want uint32
			descriptor  bool // may be 0 in the local header when a data descriptor follows
		}{{"flags", uint32(flags), uint32(e.flags), false}, {"method", uint32(method), uint32(e.method), false},
			{"checksum", crc, e.crc, true}, {"compressed size", csize, e.csize, true}, {"size", usize, e.usize, true}} {
			if f.local != f.want && !(f.descriptor && flags&flagDescriptor != 0 && f.local == 0) {
				return fmt.Errorf("%q: its header and the archive's directory disagree about its %s (%d and %d): the archive is damaged or forged", e.name, f.what, f.local, f.want)
			}
		}
		at = e.data + int64(e.csize)
		if flags&flagDescriptor != 0 {
			if at+descriptorLen > dirOffset {
				return fmt.Errorf("%q runs into the archive's directory: the archive is damaged or forged", e.name)
			}
			d := data[at : at+descriptorLen]
			if le32(d) != descriptorSig || le32(d[4:]) != e.crc || le32(d[8:]) != e.csize || le32(d[12:]) != e.usize {
				return fmt.Errorf("%q: its data descriptor disagrees with the archive's directory: the archive is damaged or forged", e.name)
			}
			at += descriptorLen
		}
		if at > dirOffset {
			return fmt.Errorf("%q runs into the archive's directory: the archive is damaged or forged", e.name)
		}
	}
	switch {
	case at < dirOffset && len(entries) == 0:
		return fmt.Errorf("something was put in front of the archive: %s before its directory belong to no file", nBytes(dirOffset))
	case at < dirOffset:
		return fmt.Errorf("something was hidden in the archive: %s between the last file %q and the directory belong to no file", nBytes(dirOffset-at), entries[len(entries)-1].name)
	}
	return nil
}

// unpack inflates every entry into a buffer of exactly its declared size
// (the sizes were checked against the limits), refusing a stream that
// gives more or fewer bytes, does not end exactly at the end of its data,
// or fails its CRC.
func unpack(data []byte, entries []zipEntry) (map[string][]byte, []string, error) {
	files := make(map[string][]byte, len(entries))
	names := make([]string, 0, len(entries))
	var fr io.ReadCloser
	for _, e := range entries {
		comp := bytes.NewReader(data[e.data : e.data+int64(e.csize)])
		var out []byte
		switch e.method {
		case methodStore:
			if e.csize != e.usize {
				return nil, nil, lyingSize(e, int64(e.csize))
			}
			out = bytes.Clone(data[e.data : e.data+int64(e.csize)])
		case methodDeflate:
			if fr == nil {
				fr = flate.NewReader(comp)
			} else if err := fr.(flate.Resetter).Reset(comp, nil); err != nil {
				return nil, nil, err
			}
			out = make([]byte, e.usize)
			n, err := io.ReadFull(fr, out)
			switch {
			case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
				return nil, nil, lyingSize(e, int64(n))
			case err != nil:
				return nil, nil, fmt.Errorf("%q cannot be unpacked: its compressed data is damaged (%v)", e.name, err)
			}
			var one [1]byte
			m, err := io.ReadFull(fr, one[:])
			switch {
			case m > 0:
				return nil, nil, lyingSize(e, int64(e.usize)+1)
			case !errors.Is(err, io.EOF):
				return nil, nil, fmt.Errorf("%q cannot be unpacked: its compressed data is damaged (%v)", e.name, err)
			case comp.Len() != 0:
				return nil, nil, fmt.Errorf("%q has %s after the end of its compressed data: the archive is damaged or forged", e.name, nBytes(int64(comp.Len())))
			}
		}
		if crc32.ChecksumIEEE(out) != e.crc {
			return nil, nil, fmt.Errorf("%q is damaged: its bytes do not match the archive's checksum (the file was changed or broken in transfer)", e.name)
		}
		files[e.name] = out
		names = append(names, e.name)
	}
	return files, names, nil
}

// lyingSize is the message for an entry that unpacks to another size than
// its header declares; got is the bytes unpacked (declared+1 for "more").
func lyingSize(e zipEntry, got int64) error {
	if got > int64(e.usize) {
		return fmt.Errorf("%q unpacks to more bytes than its header declares (%d): the archive is damaged or forged", e.name, e.usize)
	}
	return fmt.Errorf("%q unpacks to fewer bytes than its header declares (%s, not %d): the archive is damaged or forged", e.name, nBytes(got), e.usize)
}

// nBytes is n bytes in words: "1 byte", "2 bytes".
func nBytes(n int64) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

func le16(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }
func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }
