package catalog

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/atelier-app/atelier/catalog/sign"
)

// A catalog package is a zip of a catalog folder (catalog.json and its
// images) with signature.json: the SHA-256 of every other file, signed by
// the manufacturer's ed25519 key.

// SignatureFile is the signature's name inside a catalog package.
const SignatureFile = "signature.json"

// signatureFormat versions signature.json.
const signatureFormat = "atelier-catalog-signature/1"

// PackageSignature is signature.json.
type PackageSignature struct {
	Format      string            `json:"format"`
	Files       map[string]string `json:"files"` // name -> SHA-256 hex
	PublicKey   string            `json:"public_key"`
	Fingerprint string            `json:"fingerprint"`
	Signature   string            `json:"signature"` // base64 ed25519 over signedBytes(Files)
}

// signedBytes is what is signed: "sha256  name\n" per file, sorted by name.
func signedBytes(files map[string]string) []byte {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString(signatureFormat + "\n")
	for _, n := range names {
		b.WriteString(files[n] + "  " + n + "\n")
	}
	return []byte(b.String())
}

// Pack makes a signed catalog package from a catalog folder: it checks the
// catalog first (a broken catalog is not packed), zips every file in a
// fixed order with a fixed time, and signs their hashes with key.
func Pack(dir string, key *sign.Key) ([]byte, error) {
	if _, err := Load(dir); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	left := int64(MaxPackageSize) // what the folder's files may hold together, counted by reading
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		if name == SignatureFile {
			return nil // a signature from before is replaced
		}
		data, err := ReadFileLimited(p, left, "the rest of a catalog package")
		if err != nil {
			return err
		}
		left -= int64(len(data))
		files[name] = data
		return nil
	})
	if err != nil {
		return nil, err
	}
	sig := PackageSignature{Format: signatureFormat, Files: map[string]string{}, PublicKey: key.Public().String(), Fingerprint: key.Public().Fingerprint()}
	for n, d := range files {
		sum := sha256.Sum256(d)
		sig.Files[n] = hex.EncodeToString(sum[:])
	}
	sig.Signature = base64.StdEncoding.EncodeToString(key.Sign(signedBytes(sig.Files)))
	sigJSON, err := json.MarshalIndent(sig, "", "  ")
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	when := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	put := func(name string, data []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: when})
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	for _, n := range names {
		if err := put(n, files[n]); err != nil {
			return nil, err
		}
	}
	if err := put(SignatureFile, append(sigJSON, '\n')); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Trust is the verdict on a catalog package's signature.
type Trust struct {
	Signed       bool   // it carries a signature.json
	Valid        bool   // the signature and every hash hold
	Trusted      bool   // and the key is one of the trusted manufacturers'
	Fingerprint  string // of the signing key
	Manufacturer string // the trusted key's owner, when trusted
	Problem      string // what is wrong, in plain words ("" when trusted)
}

// ErrUnsigned: a catalog package without a signature.
var ErrUnsigned = errors.New("the catalog is not signed")

// VerifyPackage checks a catalog package's signature against the trusted
// manufacturer keys (name -> key): every file must be listed with its
// hash, none may be added, and the signature must be valid and made by a
// trusted key.
func VerifyPackage(files map[string][]byte, trusted map[string]sign.PublicKey) Trust {
	raw, ok := files[SignatureFile]
	if !ok {
		return Trust{Problem: "the catalog is not signed"}
	}
	t := Trust{Signed: true}
	var sig PackageSignature
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sig); err != nil || sig.Format != signatureFormat {
		t.Problem = "its signature file is not valid"
		return t
	}
	key, err := sign.ParsePublicKey(sig.PublicKey)
	if err != nil {
		t.Problem = "its signing key is not valid"
		return t
	}
	t.Fingerprint = key.Fingerprint()
	sigBytes, err := base64.StdEncoding.DecodeString(sig.Signature)
	if err != nil || !key.Verify(signedBytes(sig.Files), sigBytes) {
		t.Problem = "its signature does not match: the list of files was changed after signing"
		return t
	}
	for name, data := range files {
		if name == SignatureFile {
			continue
		}
		want, ok := sig.Files[name]
		if !ok {
			t.Problem = fmt.Sprintf("%s was added after signing", name)
			return t
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != want {
			t.Problem = fmt.Sprintf("%s was changed after signing", name)
			return t
		}
	}
	for name := range sig.Files {
		if _, ok := files[name]; !ok {
			t.Problem = fmt.Sprintf("%s is missing", name)
			return t
		}
	}
	t.Valid = true
	for who, k := range trusted {
		if bytes.Equal(k, key) {
			t.Trusted, t.Manufacturer = true, who
			return t
		}
	}
	t.Problem = fmt.Sprintf("it is signed by an unknown key (%s), not by a trusted manufacturer", t.Fingerprint)
	return t
}

// ReadPackage reads a catalog package (a zip): its files, read with the
// same caps as any catalog zip, the verdict on its signature, and the
// catalog. A package whose signature is broken (a file changed, added or
// removed after signing) is refused with an error; an unsigned one or one
// signed by an unknown key is returned with Trust saying so, for the
// caller to refuse unless the user explicitly allows it.
func ReadPackage(name string, data []byte, trusted map[string]sign.PublicKey) (*Catalog, Trust, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, Trust{}, ErrorList{{File: name, Msg: "not a readable zip file: " + err.Error()}}
	}
	if len(zr.File) > maxAssets+16 {
		return nil, Trust{}, ErrorList{{File: name, Msg: fmt.Sprintf("the zip holds %d files; the limit is %d", len(zr.File), maxAssets)}}
	}
	files := map[string][]byte{}
	var total int64
	// With a name listed twice (files keeps the last, the zip's file
	// system opens the first and refuses the listing) the catalog is read
	// from the zip alone, as ParseZip reads it.
	twice := false
	for _, f := range zr.File {
		folder, err := zipFolderEntry(f)
		if err != nil {
			return nil, Trust{}, ErrorList{{File: name, Msg: err.Error()}}
		}
		if folder {
			continue
		}
		if !fs.ValidPath(f.Name) || strings.Contains(f.Name, `\`) || !f.Mode().IsRegular() {
			return nil, Trust{}, ErrorList{{File: name, Msg: fmt.Sprintf("the zip holds an unsafe entry %q", f.Name)}}
		}
		if f.UncompressedSize64 > maxCatalogBytes || (f.UncompressedSize64 > 64<<10 && f.UncompressedSize64 > 200*max(f.CompressedSize64, 1)) {
			return nil, Trust{}, ErrorList{{File: name, Msg: fmt.Sprintf("%s is too large or too highly compressed", f.Name)}}
		}
		rc, err := f.Open()
		if err != nil {
			return nil, Trust{}, ErrorList{{File: name, Msg: err.Error()}}
		}
		b, err := readEntry(rc, f.UncompressedSize64)
		rc.Close()
		if err != nil {
			return nil, Trust{}, ErrorList{{File: name, Msg: fmt.Sprintf("%s cannot be read in full", f.Name)}}
		}
		total += int64(len(b))
		if total > maxPackageBytes+maxCatalogBytes {
			return nil, Trust{}, ErrorList{{File: name, Msg: "the package is too large"}}
		}
		if _, ok := files[f.Name]; ok {
			twice = true
		}
		files[f.Name] = b
	}
	trust := VerifyPackage(files, trusted)
	if trust.Signed && !trust.Valid {
		return nil, trust, fmt.Errorf("%s: refused: %s", name, trust.Problem)
	}
	// The catalog is read from the files just read and checked, not
	// inflated from the zip a second time.
	read := files
	if twice {
		read = nil
	}
	cat, err := parseZip(zr, name, read)
	if err != nil {
		return nil, trust, err
	}
	return cat, trust, nil
}

// readEntry reads a zip entry that declares size bytes into a buffer of
// that size (io.ReadAll would grow one by doubling), and fails unless it
// holds exactly size bytes and its checksum, checked at its end, holds.
func readEntry(rc io.Reader, size uint64) ([]byte, error) {
	b := make([]byte, size)
	if _, err := io.ReadFull(rc, b); err != nil {
		return nil, err
	}
	rest, err := io.ReadAll(io.LimitReader(rc, 1))
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, errors.New("more bytes than the entry declares")
	}
	return b, nil
}
