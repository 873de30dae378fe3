package site

// bar is one bar of a horizontal bar chart.
type bar struct {
	Label string
	Value float64
	Text  string
}

// Geometry of the funding chart, in SVG user units.
const (
	chartWidth  = 720
	chartLabelW = 230
	chartBarMax = 300
	chartRow    = 34
	chartBarH   = 22
)

// chart lays out a horizontal bar chart at build time: the layout draws
// what this returns, so the page needs no script to show it.
func chart(bars []bar) map[string]any {
	if len(bars) == 0 {
		return nil
	}
	maxV := 0.0
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	var out []map[string]any
	for i, b := range bars {
		w := 0.0
		if maxV > 0 && b.Value > 0 {
			w = max(b.Value/maxV*chartBarMax, 1)
		}
		y := i*chartRow + 6
		out = append(out, map[string]any{
			"label": b.Label,
			"text":  b.Text,
			"y":     y,
			"ty":    y + chartBarH/2 + 5,
			"w":     int(w + 0.5),
			"tx":    chartLabelW + int(w+0.5) + 8,
		})
	}
	return map[string]any{
		"width":  chartWidth,
		"height": len(bars)*chartRow + 8,
		"x":      chartLabelW,
		"lx":     chartLabelW - 8,
		"barH":   chartBarH,
		"bars":   out,
	}
}
