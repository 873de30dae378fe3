package geo

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
)

// Choropleth describes a map that colours each comune by a value.
type Choropleth struct {
	// ID prefixes the ids inside the SVG; it must be unique on the page.
	ID    string
	Title string // the accessible name
	Desc  string // a sentence on what the colours mean
	// Values by ISTAT code. A comune absent from Values has no entry (for
	// funding: no projects) and is drawn hatched, not as zero; NaN is an
	// entry whose amount is not given.
	Values map[string]float64
	// Breaks are fixed upper bounds of every class but the last; without
	// them the values are split at quantiles into Classes classes (at most
	// MaxClasses; 0 means MaxClasses).
	Breaks  []float64
	Classes int
	// Format writes a number for the legend and the tooltips; nil writes
	// it the Italian way.
	Format       func(float64) string
	LegendTitle  string
	NoneLabel    string // legend entry of the comuni with no entry; "nessun dato" if empty
	UnknownLabel string // legend entry of the NaN values; "non indicato" if empty
	// LegendAt is the top left corner of the legend in map units; the
	// default, the top left corner of the map, is empty in Como's.
	LegendAt [2]int
}

// Figure is what the map shows for one comune, for the table beside it:
// the same value and the same class as its colour.
type Figure struct {
	Code  string
	Name  string // empty for a comune not on the map
	Kind  Kind
	Value float64 // NaN unless Kind is Valued
	Class int     // index of its entry in Result.Legend
	OnMap bool
}

// Result is a drawn choropleth.
type Result struct {
	SVG     string
	Legend  []Class // the ranges, light to dark, then Unknown and None if any
	Figures []Figure
}

// Choropleth draws every comune coloured by its class. Figures lists every
// comune of the map and every code of Values, those not on the map too
// (OnMap false), sorted by code, so nothing the caller gave is lost.
func (m *Map) Choropleth(c Choropleth) Result {
	format := c.Format
	if format == nil {
		format = italian
	}
	if c.NoneLabel == "" {
		c.NoneLabel = "nessun dato"
	}
	if c.UnknownLabel == "" {
		c.UnknownLabel = "non indicato"
	}
	n := c.Classes
	if n <= 0 {
		n = MaxClasses
	}
	var nums []float64
	for _, v := range c.Values {
		if !math.IsNaN(v) {
			nums = append(nums, v)
		}
	}
	legend := ranges(nums, c.Breaks, n)
	for j := range legend {
		legend[j].Label = format(legend[j].Lo) + " – " + format(legend[j].Hi)
		if legend[j].Lo == legend[j].Hi {
			legend[j].Label = format(legend[j].Hi)
		}
	}
	var hasUnknown, hasNone bool
	codes := make([]string, 0, len(m.Shapes)+len(c.Values))
	for _, s := range m.Shapes {
		codes = append(codes, s.Code)
	}
	for code := range c.Values {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)
	res := Result{}
	for _, code := range codes {
		f := Figure{Code: code, Value: math.NaN()}
		if s, ok := m.Shape(code); ok {
			f.Name, f.OnMap = s.Name, true
		}
		v, ok := c.Values[code]
		switch {
		case !ok:
			f.Kind, hasNone = None, true
		case math.IsNaN(v):
			f.Kind, hasUnknown = Unknown, true
		default:
			f.Kind, f.Value = Valued, v
			f.Class = classOf(legend, v)
		}
		res.Figures = append(res.Figures, f)
	}
	// The entries that are not ranges come after them, each only if used.
	pattern := c.ID + "-none"
	unknown, none := -1, -1
	if hasUnknown {
		unknown = len(legend)
		legend = append(legend, Class{Kind: Unknown, Fill: unknownFill, Label: c.UnknownLabel})
	}
	if hasNone {
		none = len(legend)
		legend = append(legend, Class{Kind: None, Fill: "url(#" + pattern + ")", Label: c.NoneLabel})
	}
	for i := range res.Figures {
		switch res.Figures[i].Kind {
		case Unknown:
			res.Figures[i].Class = unknown
		case None:
			res.Figures[i].Class = none
		}
		legend[res.Figures[i].Class].Count++
	}
	res.Legend = legend

	var b strings.Builder
	m.open(&b, c.ID, c.Title, c.Desc)
	if hasNone {
		// Hatching tells "no entry" from the lightest class without colour.
		fmt.Fprintf(&b, `<defs><pattern id="%s" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><path d="M0 0v6" stroke="%s" stroke-width="2"/></pattern></defs>`, esc(pattern), noneInk)
	}
	fmt.Fprintf(&b, `<g stroke="%s" stroke-width="1" stroke-linejoin="round" fill-rule="evenodd">`, borderLine)
	for j, cl := range legend {
		grouped := false
		for _, f := range res.Figures {
			if f.Class != j || !f.OnMap {
				continue
			}
			if !grouped {
				// One group per class: the fill is written once.
				fmt.Fprintf(&b, `<g fill="%s">`, esc(cl.Fill))
				grouped = true
			}
			s, _ := m.Shape(f.Code)
			what := cl.Label
			if f.Kind == Valued {
				what = format(f.Value)
			}
			fmt.Fprintf(&b, `<path data-istat="%s" d="%s"><title>%s: %s</title></path>`, esc(s.Code), m.Path(s), esc(s.Name), esc(what))
		}
		if grouped {
			b.WriteString(`</g>`)
		}
	}
	b.WriteString(`</g>`)
	m.legend(&b, c.LegendAt, c.LegendTitle, legend)
	b.WriteString(`</svg>`)
	res.SVG = b.String()
	return res
}

// Legend geometry, in map units.
const (
	legendRow   = 26
	legendBox   = 18
	legendFont  = 17
	legendInset = 4
)

func (m *Map) legend(b *strings.Builder, at [2]int, title string, legend []Class) {
	x, y := at[0]+legendInset, at[1]+legendInset
	fmt.Fprintf(b, `<g font-size="%d" fill="%s">`, legendFont, textInk)
	if title != "" {
		fmt.Fprintf(b, `<text x="%d" y="%d" font-weight="bold">%s</text>`, x, y+legendBox-3, esc(title))
		y += legendRow
	}
	for _, cl := range legend {
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="%s"/><text x="%d" y="%d">%s</text>`,
			x, y, legendBox, legendBox, esc(cl.Fill), noneInk, x+legendBox+6, y+legendBox-3, esc(cl.Label))
		y += legendRow
	}
	b.WriteString(`</g>`)
}

// Locator describes a map that shows where one comune is.
type Locator struct {
	ID    string // prefixes the ids inside the SVG, unique on the page
	Title string // the accessible name
	Desc  string
	Code  string // the comune to show
}

// Locator draws the whole map muted with one comune highlighted. The error
// says the comune is not on the map; the caller shows no map then, and the
// registry check has reported it.
func (m *Map) Locator(l Locator) (string, error) {
	target, ok := m.Shape(l.Code)
	if !ok {
		return "", fmt.Errorf("geo: locator: comune %s is not on the map", l.Code)
	}
	var b strings.Builder
	m.open(&b, l.ID, l.Title, l.Desc)
	fmt.Fprintf(&b, `<g fill="%s" stroke="%s" stroke-width="1" stroke-linejoin="round" fill-rule="evenodd">`, mutedFill, borderLine)
	for _, s := range m.Shapes {
		if s.Code == l.Code {
			continue
		}
		fmt.Fprintf(&b, `<path data-istat="%s" d="%s"/>`, esc(s.Code), m.Path(s))
	}
	// Drawn last so that its outline lies over its neighbours'.
	fmt.Fprintf(&b, `<path data-istat="%s" fill="%s" stroke="%s" stroke-width="2" d="%s"/>`, esc(target.Code), targetFill, targetLine, m.Path(target))
	b.WriteString(`</g></svg>`)
	return b.String(), nil
}

// open writes the svg element with its accessible name and description.
func (m *Map) open(b *strings.Builder, id, title, desc string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t" aria-describedby="%s-d" class="geo-map">`,
		m.Width, m.Height, esc(id), esc(id))
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
}

// esc escapes text for an XML attribute or element; HTML's five escapes
// are XML's too.
func esc(s string) string { return html.EscapeString(s) }
