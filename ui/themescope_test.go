package ui

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/storage"
)

// scopeTheme is the showroom's theme with colours no other theme has, to
// tell which theme a widget painted itself with.
type scopeTheme struct{ showroomTheme }

var scopeColor = color.NRGBA{R: 1, G: 2, B: 3, A: 255}

func (t scopeTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNameInputBackground, theme.ColorNameForeground:
		return scopeColor
	}
	return t.showroomTheme.Color(n, v)
}

// Every custom widget takes its sizes and colours from the theme of its
// own scope (container.NewThemeOverride), also when it refreshes outside
// of drawing, as after a tap, where the app-wide theme is the current one.
func TestCustomWidgetsUseTheirScopesTheme(t *testing.T) {
	test.NewTempApp(t)
	cat, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	q := make(uiQueue, 1024) // the designer's background answers wait here, unread
	d := buildDesigner(cat, "en", q.do, true)
	th := scopeTheme{}
	text := th.Size(theme.SizeNameText)
	textsOf := func(o fyne.CanvasObject) []*canvas.Text {
		var out []*canvas.Text
		visibleWalk(o, func(o fyne.CanvasObject) {
			if t, ok := o.(*canvas.Text); ok && t.Text != "" {
				out = append(out, t)
			}
		})
		return out
	}
	for _, tc := range []struct {
		name   string
		widget fyne.Widget
		check  func(t *testing.T, w fyne.Widget)
	}{
		{"option row", newOptionRow("Velvet, moss green", "+€640.00", false, nil, nil), func(t *testing.T, w fyne.Widget) {
			r := w.(*optionRow)
			r.setState(true, true) // as a tap does
			for _, x := range textsOf(r) {
				if x.TextSize != text || x.Color != scopeColor {
					t.Errorf("%q: size %v colour %v, want %v %v", x.Text, x.TextSize, x.Color, text, scopeColor)
				}
			}
			if got, want := r.MinSize().Height, th.Size(sizeNameTouchTarget); got < want {
				t.Errorf("height %v, want at least %v", got, want)
			}
		}},
		{"clamped text", newClampedText("A deep, low sofa built from seat modules", 2), func(t *testing.T, w fyne.Widget) {
			w.Refresh()
			for _, x := range textsOf(w) {
				if x.TextSize != text || x.Color != scopeColor {
					t.Errorf("%q: size %v colour %v, want %v %v", x.Text, x.TextSize, x.Color, text, scopeColor)
				}
			}
		}},
		{"product card", newProductCard(d, cat.Product("kolme-sofa"), true, func(string, string) {}), func(t *testing.T, w fyne.Widget) {
			c := w.(*productCard)
			c.MouseIn(nil)
			if c.bg.FillColor != scopeColor {
				t.Errorf("background %v, want %v", c.bg.FillColor, scopeColor)
			}
			if got, want := c.name.Theme().Size(c.name.size), th.Size(theme.SizeNameSubHeadingText); got != want {
				t.Errorf("name size %v, want %v", got, want)
			}
		}},
		{"number entry", newNumberEntry(func(string) {}), func(t *testing.T, w fyne.Widget) {
			e := w.(*numberEntry)
			want := fyne.MeasureText("000000", text, fyne.TextStyle{}).Width + th.Size(theme.SizeNameInnerPadding)*2 + th.Size(theme.SizeNameInputBorder)*2
			if got := e.MinSize().Width; got < want {
				t.Errorf("width %v, want room for six digits of the scope's text: %v", got, want)
			}
		}},
		{"design card", newDesignCard(storage.DesignSummary{Design: storage.Design{Name: "Corner sofa", Status: storage.Quoted}}, nil, false, "today"), func(t *testing.T, w fyne.Widget) {
			c := w.(*designCard)
			c.MouseOut()
			if c.bg.FillColor != scopeColor {
				t.Errorf("background %v, want %v", c.bg.FillColor, scopeColor)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scope := container.NewThemeOverride(container.NewStack(tc.widget), th)
			w := test.NewTempWindow(t, scope)
			w.Resize(fyne.NewSize(600, 400))
			tc.check(t, tc.widget)
		})
	}
}

// The showroom's themes keep the app's padding between widgets: Fyne's
// own layouts read the padding from the app's theme when they are laid
// out outside of drawing (after a tap), and from the scope's while
// drawing, so another padding in a scope lays its boxes out two ways and
// rows jump (defect 1's spacing).
func TestShowroomThemesKeepTheAppsPadding(t *testing.T) {
	test.NewTempApp(t)
	app := fyne.CurrentApp().Settings().Theme().Size(theme.SizeNamePadding)
	for _, tc := range []struct {
		name string
		th   fyne.Theme
	}{
		{"showroom", showroomTheme{}},
		{"showroom's price details", showroomCompactTheme{}},
	} {
		if got := tc.th.Size(theme.SizeNamePadding); got != app {
			t.Errorf("%s: padding %v, want the app's %v", tc.name, got, app)
		}
	}
}
