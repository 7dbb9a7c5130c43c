package orderfile

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/atelier-app/atelier/catalog/sign"
)

// AnswerFormat is the version of an answer.
const AnswerFormat = "atelier-order-answer/1"

// Verdicts of an answer.
const (
	Accepted = "accepted"
	Refused  = "refused"
)

// Answer is the manufacturer's word on one package it received: accepted
// (filed for production) or refused, with the reasons in plain words. The
// intake writes it back to the dealer's answers folder, signed with the
// manufacturer's key; the dealer's outbox trusts it only when that key is
// the one that signed the catalog the order was made with.
type Answer struct {
	Format   string   `json:"format"`
	Order    string   `json:"order"`    // the order number ("" for a refused package that does not say)
	Revision int      `json:"revision"` // 1, 2, …
	Package  string   `json:"package"`  // SHA-256 of the package answered, hex
	Dealer   string   `json:"dealer"`
	Verdict  string   `json:"verdict"`           // accepted or refused
	Reasons  []string `json:"reasons,omitempty"` // why refused, or warnings
	// Reference is the manufacturer's own reference for the order (its
	// intake's), shown to the dealer.
	Reference string `json:"reference,omitempty"`
	// Duplicate: the package had been received before; this answer
	// repeats the first one.
	Duplicate bool   `json:"duplicate,omitempty"`
	Answered  string `json:"answered"` // RFC 3339, UTC
}

// signedAnswer is the file: the answer's exact bytes, and the signature over
// them by the key it names.
type signedAnswer struct {
	Answer    string `json:"answer"` // base64 of the answer's JSON
	Key       string `json:"key"`    // ed25519, base64
	Signature string `json:"signature"`
}

// MaxAnswerBytes bounds an answer file; a real one is under 4 KB.
const MaxAnswerBytes = 64 << 10

// Limits on what an answer may say.
const (
	maxReasons      = 50
	maxReasonLength = 2000
)

var (
	orderNumber = regexp.MustCompile(`^[A-Z0-9][A-Z0-9._-]{0,31}-[0-9]{5,12}$`)
	hexSHA256   = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// AnswerName is the file name of the answer to a package.
func AnswerName(number string, revision int, pkgSHA string) string {
	if number == "" {
		number = "package"
	}
	return fmt.Sprintf("%s-r%d-%s.answer.json", number, max(revision, 1), pkgSHA[:min(12, len(pkgSHA))])
}

// SignAnswer checks an answer and writes its file, signed with key.
func SignAnswer(a Answer, key *sign.Key) ([]byte, error) {
	a.Format = AnswerFormat
	if err := a.check(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(signedAnswer{
		Answer:    base64.StdEncoding.EncodeToString(body),
		Key:       key.Public().String(),
		Signature: base64.StdEncoding.EncodeToString(key.Sign(body)),
	}, "", "  ")
	if err != nil {
		return nil, err
	}
	if len(out)+1 > MaxAnswerBytes {
		return nil, fmt.Errorf("the answer to order %s is too long (%d bytes)", a.Order, len(out))
	}
	return append(out, '\n'), nil
}

// ReadAnswer reads an answer file and checks that one of trusted signed it:
// an answer signed by any other key is refused, whatever it says.
func ReadAnswer(data []byte, trusted []sign.PublicKey) (Answer, error) {
	if len(data) > MaxAnswerBytes {
		return Answer{}, fmt.Errorf("an answer of %d bytes: larger than any real one (%d)", len(data), MaxAnswerBytes)
	}
	var s signedAnswer
	if err := strictJSON(data, &s); err != nil {
		return Answer{}, fmt.Errorf("not an answer file: %s", prefix(oneLine(err), 200))
	}
	key, err := sign.ParsePublicKey(s.Key)
	if err != nil {
		return Answer{}, fmt.Errorf("the answer's key is not an ed25519 public key")
	}
	known := false
	for _, k := range trusted {
		if bytes.Equal(k, key) {
			known = true
		}
	}
	if !known {
		return Answer{}, fmt.Errorf("the answer is signed by %s, which is not the manufacturer's key: ignored", key.Fingerprint())
	}
	body, err1 := base64.StdEncoding.DecodeString(s.Answer)
	sig, err2 := base64.StdEncoding.DecodeString(s.Signature)
	if err1 != nil || err2 != nil || !key.Verify(body, sig) {
		return Answer{}, fmt.Errorf("the answer's signature does not match it: it was changed after signing")
	}
	var a Answer
	if err := strictJSON(body, &a); err != nil {
		return Answer{}, fmt.Errorf("the answer does not read: %s", prefix(oneLine(err), 200))
	}
	if err := a.check(); err != nil {
		return Answer{}, err
	}
	return a, nil
}

func (a Answer) check() error {
	switch {
	case a.Format != AnswerFormat:
		return fmt.Errorf("an answer of format %q, not %s", prefix(a.Format, 40), AnswerFormat)
	case !orderNumber.MatchString(a.Order) && (a.Order != "" || a.Verdict != Refused):
		return fmt.Errorf("the answer names no order number (%q)", prefix(a.Order, 40))
	case a.Revision < 0 || a.Revision > 999 || a.Revision == 0 && a.Order != "":
		return fmt.Errorf("the answer to order %s names revision %d", a.Order, a.Revision)
	case !hexSHA256.MatchString(a.Package):
		return fmt.Errorf("the answer to order %s names no package hash", a.Order)
	case a.Verdict != Accepted && a.Verdict != Refused:
		return fmt.Errorf("the answer to order %s says %q, neither accepted nor refused", a.Order, prefix(a.Verdict, 40))
	case len(a.Reasons) > maxReasons:
		return fmt.Errorf("the answer to order %s gives %d reasons (at most %d)", a.Order, len(a.Reasons), maxReasons)
	case len(a.Reference) > 200 || len(a.Dealer) > 64:
		return fmt.Errorf("the answer to order %s has a field that is too long", a.Order)
	}
	for _, r := range a.Reasons {
		if len(r) > maxReasonLength || strings.TrimSpace(r) == "" {
			return fmt.Errorf("the answer to order %s has an empty or overlong reason", a.Order)
		}
	}
	if _, err := time.Parse(time.RFC3339, a.Answered); err != nil {
		return fmt.Errorf("the answer to order %s is not dated", a.Order)
	}
	return nil
}
