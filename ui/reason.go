package ui

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// minContrast is WCAG 2's AA level for body text: the contrast ratio a
// greyed reason must keep against its background.
const minContrast = 4.5

// luminance is a colour's relative luminance (WCAG 2).
func luminance(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).RGBA()
	lin := func(v uint32) float64 {
		s := float64(v>>8) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrastRatio is WCAG 2's contrast ratio of two colours (1 to 21).
func contrastRatio(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// readableDisabled is the theme's greyed text colour, moved towards its
// foreground just as far as it takes to be read against its background
// (WCAG AA): Fyne's dark theme greys text to #39393a on #171718, 1.6:1,
// which hides the very reason an option is greyed.
func readableDisabled(th fyne.Theme, v fyne.ThemeVariant) color.Color {
	grey := th.Color(theme.ColorNameDisabled, v)
	bg := th.Color(theme.ColorNameBackground, v)
	fg := th.Color(theme.ColorNameForeground, v)
	if contrastRatio(grey, bg) >= minContrast {
		return grey
	}
	g, f := color.NRGBAModel.Convert(grey).(color.NRGBA), color.NRGBAModel.Convert(fg).(color.NRGBA)
	mix := func(t float64) color.NRGBA {
		m := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t)) }
		return color.NRGBA{R: m(g.R, f.R), G: m(g.G, f.G), B: m(g.B, f.B), A: 0xff}
	}
	for t := 0.05; t < 1; t += 0.05 {
		if c := mix(t); contrastRatio(c, bg) >= minContrast {
			return c
		}
	}
	return fg
}

// readableTheme is the app's theme (or the scope's, when given) with
// greyed text readable (see readableDisabled): the option panel is in
// it, so that what cannot be chosen, and why, can still be read.
type readableTheme struct {
	appTheme
	inner fyne.Theme // the theme to change; nil: the app's
}

func (t readableTheme) theme() fyne.Theme {
	if t.inner != nil {
		return t.inner
	}
	return t.base()
}

func (t readableTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameDisabled {
		return readableDisabled(t.theme(), v)
	}
	return t.theme().Color(n, v)
}

func (t readableTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.theme().Font(s) }
func (t readableTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.theme().Icon(n) }
func (t readableTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == sizeNameTouchTarget && t.inner == nil {
		return 0 // the app's theme knows no such size: not asked
	}
	return t.theme().Size(n)
}

// reasonLine is why an option cannot be chosen, shown under it while the
// pointer is on it: greyed, small, wrapped, and readable in the dark.
type reasonLine struct {
	label   *widget.Label
	content *container.ThemeOverride
}

func newReasonLine() *reasonLine {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.LowImportance
	l.SizeName = theme.SizeNameCaptionText
	r := &reasonLine{label: l, content: container.NewThemeOverride(l, readableTheme{})}
	r.content.Hide()
	return r
}

// show shows a reason in the theme of the option it explains (the
// showroom's sizes, the designer's), with greyed text made readable.
func (r *reasonLine) show(text string, scope fyne.Widget) {
	r.label.SetText(text)
	if scope != nil {
		r.content.Theme = readableTheme{inner: theme.CurrentForWidget(scope)}
		r.content.Refresh()
	}
	r.content.Show()
}

func (r *reasonLine) hide() {
	if r.content.Visible() {
		r.content.Hide()
	}
}
