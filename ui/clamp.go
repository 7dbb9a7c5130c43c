package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// clampedText is text wrapped at word boundaries to at most a number of
// lines; the last line ends with an ellipsis when the text is longer.
// (Fyne's label truncates a wrapped text to one line.) It is as high as
// its most lines, or, with fit, as the lines the text needs at its width.
type clampedText struct {
	widget.BaseWidget
	text  string
	lines int
	size  fyne.ThemeSizeName
	color fyne.ThemeColorName
	style fyne.TextStyle
	fit   bool
	width float32 // fit: the width the height is for (the last laid out)
}

func newClampedText(text string, lines int) *clampedText {
	t := &clampedText{text: text, lines: lines, size: theme.SizeNameText, color: theme.ColorNameForeground}
	t.ExtendBaseWidget(t)
	return t
}

// CreateRenderer implements fyne.Widget.
func (t *clampedText) CreateRenderer() fyne.WidgetRenderer {
	r := &clampedRenderer{t: t}
	for range t.lines {
		r.rows = append(r.rows, canvas.NewText("", color.Transparent))
	}
	return r
}

type clampedRenderer struct {
	t     *clampedText
	rows  []*canvas.Text
	width float32
}

// The sizes and colours are those of the theme in force for the text
// (the showroom's is larger than the app's).
func (r *clampedRenderer) lineHeight() float32 {
	return fyne.MeasureText("Mg", r.t.Theme().Size(r.t.size), r.t.style).Height
}

// heightAt is the height of the text at a width.
func (t *clampedText) heightAt(width float32) float32 {
	th := t.Theme()
	pad := th.Size(theme.SizeNameInnerPadding)
	lh := fyne.MeasureText("Mg", th.Size(t.size), t.style).Height
	n := t.lines
	if t.fit && width <= 0 {
		n = 1 // not laid out yet
	} else if t.fit {
		n = max(1, len(clampLines(t.text, width-pad*2, th.Size(t.size), t.style, t.lines)))
	}
	return lh*float32(n) + pad
}

func (r *clampedRenderer) Layout(size fyne.Size) {
	th := r.t.Theme()
	r.width = size.Width
	r.t.width = size.Width
	pad := th.Size(theme.SizeNameInnerPadding)
	lines := clampLines(r.t.text, size.Width-pad*2, th.Size(r.t.size), r.t.style, r.t.lines)
	lh := r.lineHeight()
	for i, row := range r.rows {
		row.Text = ""
		if i < len(lines) {
			row.Text = lines[i]
		}
		row.TextSize = th.Size(r.t.size)
		row.TextStyle = r.t.style
		row.Color = th.Color(r.t.color, fyne.CurrentApp().Settings().ThemeVariant())
		row.Move(fyne.NewPos(pad, pad/2+float32(i)*lh))
		row.Resize(fyne.NewSize(size.Width-pad*2, lh))
		row.Refresh()
	}
}

func (r *clampedRenderer) MinSize() fyne.Size {
	pad := r.t.Theme().Size(theme.SizeNameInnerPadding)
	if r.t.fit {
		return fyne.NewSize(pad*2, r.t.heightAt(r.t.width))
	}
	return fyne.NewSize(pad*2, r.lineHeight()*float32(r.t.lines)+pad)
}

func (r *clampedRenderer) Refresh() { r.Layout(r.t.Size()) }

func (r *clampedRenderer) Objects() []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, len(r.rows))
	for i, row := range r.rows {
		out[i] = row
	}
	return out
}

func (r *clampedRenderer) Destroy() {}

// clampLines wraps text to width at the given text size and style, at most n lines,
// the last one ending in "…" when text goes on.
func clampLines(text string, width, size float32, style fyne.TextStyle, n int) []string {
	measure := func(s string) float32 { return fyne.MeasureText(s, size, style).Width }
	words := strings.Fields(text)
	var lines []string
	cur := ""
	for i, w := range words {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if cur == "" || measure(next) <= width {
			cur = next
			continue
		}
		if len(lines) == n-1 {
			// The last line: as much as fits, then the ellipsis.
			rest := cur + " " + strings.Join(words[i:], " ")
			lines = append(lines, ellipsize(rest, width, measure))
			return lines
		}
		lines = append(lines, cur)
		cur = w
	}
	if cur != "" {
		if len(lines) == n-1 || n == 1 {
			cur = ellipsize(cur, width, measure)
		}
		lines = append(lines, cur)
	}
	return lines
}

// ellipsize cuts s to width, at a word if it can, with "…".
func ellipsize(s string, width float32, measure func(string) float32) string {
	if measure(s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && measure(string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	out := strings.TrimRight(string(r), " ,.;:")
	if i := strings.LastIndex(out, " "); i > len(out)/2 {
		out = out[:i]
	}
	return strings.TrimRight(out, " ,.;:") + "…"
}
