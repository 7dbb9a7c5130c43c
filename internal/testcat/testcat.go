// Package testcat makes catalogs for tests of more than one package (the
// CLI's and the app's): small, generated, and the same bytes everywhere.
package testcat

import (
	"fmt"
	"strings"
)

// Insisting is a catalog with one product, "desk": a top (glass, oak or
// marble; marble is sold out: no configuration has it) and n yes/no
// features x00, x01… (options a and b), of which the first need must be
// b with an oak top. Deciding every x to a and then insisting on oak
// needs need changes: the case of repairs with many earlier decisions.
func Insisting(n, need int) []byte {
	fs := []string{`{"id": "top", "kind": "choice", "name": "Top", "options": [{"id": "glass", "name": "Glass"}, {"id": "oak", "name": "Oak"}, {"id": "marble", "name": "Marble"}]}`}
	rs := []string{`{"id": "nomarble", "kind": "constraint", "expr": "top != 'marble'", "message": "Marble is sold out."}`}
	for i := 0; i < n; i++ {
		fs = append(fs, fmt.Sprintf(`{"id": "x%02d", "kind": "choice", "name": "X%d", "options": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]}`, i, i))
		if i < need {
			rs = append(rs, fmt.Sprintf(`{"id": "r%d", "kind": "excludes", "when": "top == 'oak'", "then": "x%02d == 'a'", "message": "Oak needs B on X%d."}`, i, i, i))
		}
	}
	return fmt.Appendf(nil, `{"format": "atelier-catalog/1", "id": "wide", "version": "1", "name": "Wide",
 "manufacturer": {"id": "m", "name": "M"}, "currency": "EUR", "units": "mm", "validFrom": "2026-01-01",
 "materials": [{"id": "m", "name": "M", "color": "#888", "finish": "matte"}],
 "products": [{"id": "desk", "name": "Desk", "sku": "D", "basePrice": "100", "features": [%s], "rules": [%s],
   "geometry": {"parts": [{"shape": "box", "size": [100, 100, 100], "position": [0, 0, 0], "material": "m"}]}}]}`,
		strings.Join(fs, ",\n"), strings.Join(rs, ",\n"))
}
