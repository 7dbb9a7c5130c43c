package intake

import (
	"fmt"
	"io"
	"sort"

	"github.com/shopspring/decimal"

	"github.com/atelier-app/atelier/storage/orderfile"
)

// Summary is what a day's records add up to, per dealer: the orders
// accepted (each counted once, at its latest revision), the packages
// refused and why, and how many arrived more than once.
type Summary struct {
	Day     string
	Dealers []DealerSummary
}

// DealerSummary is one dealer's day.
type DealerSummary struct {
	Dealer     string // the folder the packages came through
	Name       string
	Accepted   []Record // one per order: its latest accepted revision
	Refused    []Record
	Duplicates int                        // deliveries beyond the first
	Net        map[string]decimal.Decimal // accepted dealer net by currency
}

// Summarize adds up one day's records (Records of that day).
func Summarize(day string, recs []Record) Summary {
	by := map[string]*DealerSummary{}
	latest := map[string]int{} // order -> index in its dealer's Accepted
	for _, r := range recs {
		d := by[r.Folder]
		if d == nil {
			d = &DealerSummary{Dealer: r.Folder, Net: map[string]decimal.Decimal{}}
			by[r.Folder] = d
		}
		if r.DealerName != "" && r.Dealer == r.Folder {
			d.Name = r.DealerName
		}
		d.Duplicates += max(r.Deliveries-1, 0)
		if r.Verdict != orderfile.Accepted {
			d.Refused = append(d.Refused, r)
			continue
		}
		net, _ := decimal.NewFromString(r.DealerNet)
		if i, ok := latest[r.Number]; ok {
			old := d.Accepted[i]
			if old.Revision >= r.Revision {
				continue
			}
			prev, _ := decimal.NewFromString(old.DealerNet)
			d.Net[old.Currency] = d.Net[old.Currency].Sub(prev)
			d.Accepted[i] = r
		} else {
			latest[r.Number] = len(d.Accepted)
			d.Accepted = append(d.Accepted, r)
		}
		d.Net[r.Currency] = d.Net[r.Currency].Add(net)
	}
	s := Summary{Day: day}
	for _, d := range by {
		s.Dealers = append(s.Dealers, *d)
	}
	sort.Slice(s.Dealers, func(i, j int) bool { return s.Dealers[i].Dealer < s.Dealers[j].Dealer })
	return s
}

// Write prints the summary for a person.
func (s Summary) Write(w io.Writer) {
	acc, ref, dup := 0, 0, 0
	for _, d := range s.Dealers {
		acc += len(d.Accepted)
		ref += len(d.Refused)
		dup += d.Duplicates
	}
	fmt.Fprintf(w, "Orders taken in on %s: %d accepted, %d refused", s.Day, acc, ref)
	if dup > 0 {
		fmt.Fprintf(w, ", %d delivered again (counted once)", dup)
	}
	fmt.Fprintln(w)
	if len(s.Dealers) == 0 {
		fmt.Fprintln(w, "Nothing arrived.")
		return
	}
	for _, d := range s.Dealers {
		fmt.Fprintln(w)
		name := d.Dealer
		if d.Name != "" {
			name += " — " + d.Name
		}
		fmt.Fprintf(w, "%s: %d accepted, %d refused\n", name, len(d.Accepted), len(d.Refused))
		for _, r := range d.Accepted {
			rev := ""
			if r.Revision > 1 {
				rev = fmt.Sprintf(" revision %d", r.Revision)
				if r.Replaces == 1 {
					rev += " (replaces the first)"
				} else if r.Replaces > 1 {
					rev += fmt.Sprintf(" (replaces revision %d)", r.Replaces)
				}
			}
			fmt.Fprintf(w, "  accepted  %s%s  %d %s  %s %s  %s\n", r.Number, rev, r.Lines, plural(r.Lines, "line", "lines"), r.DealerNet, r.Currency, r.Received.Format("15:04"))
		}
		for _, r := range d.Refused {
			what := r.File
			if r.Number != "" {
				what = r.Number
				if r.Revision > 1 {
					what += fmt.Sprintf(" revision %d", r.Revision)
				}
			}
			fmt.Fprintf(w, "  refused   %s  %s\n", what, r.Received.Format("15:04"))
			for _, why := range r.Reasons {
				fmt.Fprintf(w, "            - %s\n", why)
			}
		}
		currencies := make([]string, 0, len(d.Net))
		for c := range d.Net {
			currencies = append(currencies, c)
		}
		sort.Strings(currencies)
		for _, c := range currencies {
			fmt.Fprintf(w, "  net to the dealer: %s %s\n", d.Net[c].StringFixed(2), c)
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
