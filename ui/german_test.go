package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/atelier-app/atelier/assets"
)

// TestGermanSpeaksGermanEverywhere: in German the product cards said
// "Desk · ab 689,00 €", number features "3 pcs", lengths "1230 mm", and the
// library showed product names in the language they were saved in.
func TestGermanSpeaksGermanEverywhere(t *testing.T) {
	UseLanguage("de")
	defer UseLanguage("en")
	test.NewTempApp(t)
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	q := make(uiQueue, 1024)
	d := buildDesigner(cat, "de", q.do, false)
	w := test.NewTempWindow(t, d.Content())
	w.Resize(fyne.NewSize(1366, 768))
	d.SetWindow(w)

	t.Run("product cards", func(t *testing.T) {
		d.ShowProducts()
		got := texts(d.chooser.card("lift-desk"))
		if !strings.Contains(got, "Schreibtische · ab 689,00") {
			t.Errorf("the desk's card says:\n%s\nwant its category in German", got)
		}
	})
	t.Run("units and numbers", func(t *testing.T) {
		for _, tc := range []struct{ value, unit, want string }{
			{"3", "pcs", "3 Stk."},
			{"1230", "mm", "1230 mm"},
			{"12400", "mm", "12.400 mm"},
			{"742.5", "mm", "742,5 mm"},
			{"0.8", "m", "0,8 m"},
			{"12", "", "12"},
		} {
			if got := d.app.Length(tc.value, tc.unit); got != tc.want {
				t.Errorf("Length(%s, %s) = %q, want %q", tc.value, tc.unit, got, tc.want)
			}
		}
		if got, want := groupDigits("25000000000000000000000"), "25.000.000.000.000.000.000.000"; got != want {
			t.Errorf("a count of variants reads %q, want %q", got, want)
		}
		d.SelectProduct("kolme-sofa")
		eventually(t, q, "the sofa's options", func() bool { return strings.Contains(texts(d.Content()), "Stk.") })
		if got := texts(d.Content()); strings.Contains(got, "pcs") {
			t.Errorf("the option panel still says pcs:\n%s", got)
		}
	})
	t.Run("library product names", func(t *testing.T) {
		db := openTestDB(t, filepath.Join(t.TempDir(), "atelier.db"))
		attach(t, d, db)
		seed(t, d, db, "Wohnzimmer") // saved under its English product name
		l := openLibrary(t, d, q)
		if len(l.cards) != 1 {
			t.Fatalf("%d cards, want the one saved", len(l.cards))
		}
		if got := texts(l.cards[0]); !strings.Contains(got, "Höhe Hubschreibtisch") || strings.Contains(got, "Höhe Lift Desk") {
			t.Errorf("the library card says:\n%s\nwant the product's German name", got)
		}
		// And in the order: a line names its product in the app's language.
		d.OpenDesign(l.cards[0].s.ID)
		eventually(t, q, "the design open", func() bool { return d.DesignID() == l.cards[0].s.ID })
		added := false
		d.OnAdded = func() { added = true }
		d.AddToOrder()
		eventually(t, q, "the design in the order", func() bool { return added })
		d.draft.Lines[0].ProductName = "Höhe Lift Desk" // as added while the app spoke English
		d.ShowOrder()
		eventually(t, q, "the order line", func() bool {
			return strings.Contains(texts(d.order.content), "Höhe Hubschreibtisch · Stand 1")
		})
	})
}

// TestMenusSayStrgInGerman: Fyne writes "Ctrl+" before every menu
// shortcut, whatever the language. In German the menus say "Strg+" and
// "Umschalt+", and the shortcuts still work: Ctrl+Z as the driver delivers
// it undoes, Ctrl+S saves.
func TestMenusSayStrgInGerman(t *testing.T) {
	UseLanguage("de")
	defer UseLanguage("en")
	d, w, q := newDesignerQueue(t)
	w.SetMainMenu(d.MainMenu())
	labels := map[string]string{}
	for _, m := range d.MainMenu().Items {
		for _, it := range m.Items {
			if k, ok := it.Shortcut.(fyne.KeyboardShortcut); ok {
				if k.Mod() != 0 {
					t.Errorf("%s: the menu would write Fyne's English modifiers before %q", it.Label, k.Key())
				}
				labels[it.Label] = string(k.Key())
			}
		}
	}
	for item, want := range map[string]string{
		"Rückgängig":                "Strg+Z",
		"Wiederholen":               "Strg+Umschalt+Z",
		"Speichern":                 "Strg+S",
		"Einstellungen":             "Strg+,",
		"Zur Bestellung hinzufügen": "Strg+Umschalt+D",
	} {
		if got := labels[item]; got != want {
			t.Errorf("%s: shortcut shown as %q, want %q (all: %v)", item, got, want, labels)
		}
	}
	waitEngine(t, d, q)
	before := d.Decisions()
	d.Decide("top", choice("walnut"))
	eventually(t, q, "the choice", func() bool { return d.Decisions()["top"].Str == "walnut" })
	pressShortcut(w, fyne.KeyZ, fyne.KeyModifierControl)
	eventually(t, q, "Strg+Z to undo", func() bool { return d.Decisions()["top"].Str == before["top"].Str })
}
