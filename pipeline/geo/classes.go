package geo

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// Kind says what a comune's figure is.
type Kind string

const (
	// Valued comuni have a number and fall in one of the ranges.
	Valued Kind = "value"
	// None is a comune with no entry at all (for funding: no projects),
	// which is not the same as zero.
	None Kind = "none"
	// Unknown is a comune with an entry whose amount is not given (NaN).
	Unknown Kind = "unknown"
)

// Class is one entry of the legend. Valued classes hold the values v with
// Lo < v <= Hi, the first one Lo itself too.
type Class struct {
	Kind   Kind
	Lo, Hi float64
	Fill   string // a colour, or url(#…) for a pattern
	Label  string
	Count  int
}

// palette is a sequential ramp sampled from viridis, light to dark: it
// reads in order in grey and to the common colour-vision deficiencies.
var palette = [...]string{"#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"}

// MaxClasses is the most ranges a choropleth shows.
const MaxClasses = len(palette)

// Colours of the entries that are not ranges, and of the locator map.
const (
	unknownFill = "#9e9e9e"
	noneInk     = "#8c8c8c"
	mutedFill   = "#e3e3e3"
	targetFill  = "#0066cc"
	targetLine  = "#003366"
	borderLine  = "#ffffff"
	textInk     = "#1a1a1a"
)

// ranges splits the values into classes: at the given breaks (upper bounds
// of every class but the last), or else at quantiles, n classes at most.
// Bounds that coincide merge their classes, so a class is never empty
// unless fixed breaks make it so.
func ranges(values []float64, breaks []float64, n int) []Class {
	if len(values) == 0 {
		return nil
	}
	v := slices.Clone(values)
	slices.Sort(v)
	var bounds []float64
	if len(breaks) > 0 {
		b := slices.Clone(breaks)
		slices.Sort(b)
		bounds = append(bounds, min(v[0], b[0]))
		bounds = append(bounds, b...)
		bounds = append(bounds, max(v[len(v)-1], b[len(b)-1]))
	} else {
		n = min(max(n, 1), MaxClasses, len(v))
		bounds = append(bounds, v[0])
		for j := 1; j <= n; j++ {
			bounds = append(bounds, v[(j*len(v)+n-1)/n-1])
		}
	}
	var cls []Class
	for j := 1; j < len(bounds); j++ {
		lo, hi := bounds[j-1], bounds[j]
		if hi <= lo && j > 1 {
			continue // a repeated bound: that class would hold nothing
		}
		cls = append(cls, Class{Kind: Valued, Lo: lo, Hi: hi})
	}
	if len(cls) > MaxClasses {
		cls = cls[:MaxClasses]
		cls[len(cls)-1].Hi = max(cls[len(cls)-1].Hi, v[len(v)-1])
	}
	for j := range cls {
		cls[j].Fill = palette[paletteIndex(j, len(cls))]
	}
	return cls
}

// paletteIndex spreads k classes over the ramp, ends included.
func paletteIndex(j, k int) int {
	if k == 1 {
		return len(palette) / 2
	}
	return int(math.Round(float64(j) * float64(len(palette)-1) / float64(k-1)))
}

// classOf is the index of the valued class holding v.
func classOf(cls []Class, v float64) int {
	for j, c := range cls {
		if v <= c.Hi {
			return j
		}
	}
	return len(cls) - 1
}

// italian writes a number the Italian way, 1.234,5, at most two decimals.
func italian(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && s != "0" {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}
