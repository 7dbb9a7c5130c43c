package orderfile

import (
	"strings"
	"testing"
	"time"

	"github.com/atelier-app/atelier/catalog/sign"
)

func testAnswer() Answer {
	return Answer{Order: "BER01-00017", Revision: 2, Package: strings.Repeat("ab", 32), Dealer: "BER01", Verdict: Refused,
		Reasons: []string{"line 2: the price differs", "ünïcode ✓"}, Answered: "2026-12-07T10:00:00Z"}
}

func TestAnswerRoundTrip(t *testing.T) {
	key := newTestKey(t)
	data, err := SignAnswer(testAnswer(), key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadAnswer(data, []sign.PublicKey{key.Public()})
	want := testAnswer()
	want.Format = AnswerFormat
	if err != nil || strings.Join(got.Reasons, "|") != strings.Join(want.Reasons, "|") || got.Order != want.Order || got.Revision != 2 ||
		got.Package != want.Package || got.Verdict != Refused || got.Answered != want.Answered {
		t.Fatalf("read back %+v, %v; want %+v", got, err, want)
	}
	if AnswerName("BER01-00017", 2, want.Package) != "BER01-00017-r2-abababababab.answer.json" {
		t.Fatalf("name %s", AnswerName("BER01-00017", 2, want.Package))
	}
}

func TestAnswerTrustAndShape(t *testing.T) {
	key, other := newTestKey(t), newTestKey(t)
	data, err := SignAnswer(testAnswer(), key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadAnswer(data, []sign.PublicKey{other.Public()}); err == nil || !strings.Contains(err.Error(), "not the manufacturer's key") {
		t.Fatalf("an answer by another key: %v", err)
	}
	changed := strings.Replace(string(data), `"answer": "`, `"answer": "e`, 1)
	if _, err := ReadAnswer([]byte(changed), []sign.PublicKey{key.Public()}); err == nil {
		t.Fatal("a changed answer was taken")
	}
	for name, edit := range map[string]func(*Answer){
		"verdict":  func(a *Answer) { a.Verdict = "maybe" },
		"number":   func(a *Answer) { a.Order = "../../etc" },
		"hash":     func(a *Answer) { a.Package = "x" },
		"reasons":  func(a *Answer) { a.Reasons = make([]string, 51); a.Reasons[0] = "x" },
		"empty":    func(a *Answer) { a.Reasons = []string{" "} },
		"date":     func(a *Answer) { a.Answered = "yesterday" },
		"accepted": func(a *Answer) { a.Order, a.Revision, a.Verdict = "", 0, Accepted },
	} {
		a := testAnswer()
		edit(&a)
		if _, err := SignAnswer(a, key); err == nil {
			t.Errorf("%s: an answer that is not one was signed", name)
		}
	}
	// A refused package that names no order is still answered.
	a := testAnswer()
	a.Order, a.Revision = "", 0
	if _, err := SignAnswer(a, key); err != nil {
		t.Errorf("a refusal of an unreadable package: %v", err)
	}
	if _, err := ReadAnswer(make([]byte, MaxAnswerBytes+1), nil); err == nil {
		t.Error("an oversized answer was read")
	}
}

// FuzzReadAnswer: whatever lands in the answers folder, reading it never
// panics, and nothing is taken that the trusted key did not sign.
func FuzzReadAnswer(f *testing.F) {
	key := newTestKey(f)
	good, err := SignAnswer(testAnswer(), key)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"answer":"","key":"","signature":""}`))
	f.Add([]byte(`{}`))
	trusted := []sign.PublicKey{key.Public()}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ReadAnswer(data, trusted)
		if err != nil {
			return
		}
		if _, perr := time.Parse(time.RFC3339, a.Answered); perr != nil || (a.Verdict != Accepted && a.Verdict != Refused) {
			t.Fatalf("took an answer that is not one: %+v", a)
		}
	})
}

func newTestKey(t testing.TB) *sign.Key {
	k, err := sign.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return k
}
