// Package recommend learns, on the device, what customers choose together
// and proposes for each open feature the value this customer most likely
// wants given the choices made so far — only values the configuration
// engine still allows. It is trained on the dealer's own history (saved
// designs; ordered ones weigh more) and the manufacturer's priors in the
// catalog (catalog.Option.Popularity). Pure: history in, ranked values out;
// no SQL, no Fyne, nothing leaves the machine. See docs/recommendations.md.
package recommend

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// Example is one past configuration of a product: feature id -> value as
// atelierctl --set writes it (catalog.Value.String(): an option id, a
// number, a comma-separated set). A feature missing was not decided.
type Example struct {
	Values map[string]string `json:"values"`
	// Weight is how much it counts: 1 for a saved design, more for an
	// ordered one (OrderedWeight); 0 means 1.
	Weight float64 `json:"weight,omitempty"`
}

// OrderedWeight is the weight of a design that was ordered.
const OrderedWeight = 3

// Recommendation is the value proposed for one open feature.
type Recommendation struct {
	Feature    string  `json:"feature"`
	Value      string  `json:"value"`      // as --set takes it
	Confidence float64 `json:"confidence"` // the model's probability of it, 0..1
}

// MaxHistoryLine bounds one line of a history file.
const MaxHistoryLine = 1 << 20

// ReadHistory reads a history file: JSON lines, one Example each.
func ReadHistory(r io.Reader) ([]Example, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxHistoryLine)
	var out []Example
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var e Example
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("history line %d: %w", n, err)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// WriteHistory writes a history file (ReadHistory reads it back).
func WriteHistory(w io.Writer, h []Example) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for _, e := range h {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return bw.Flush()
}
