package site

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// formatter writes numbers, money, sizes and dates the way readers of one
// language expect them: "1.234.567,89 €" in Italian, "€1,234,567.89" in English.
type formatter struct {
	lang string
	loc  *time.Location
}

func (f formatter) seps() (thousands, decimal string) {
	if f.lang == "en" {
		return ",", "."
	}
	return ".", ","
}

// number writes v with exactly decimals digits after the separator.
func (f formatter) number(v float64, decimals int) string {
	th, dec := f.seps()
	neg := v < 0
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg && strings.Trim(s, "0.") != "" {
		b.WriteString("-")
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(th)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(dec)
		b.WriteString(frac)
	}
	return b.String()
}

// auto writes v as an integer when it is one, else with every decimal it
// has, up to the 15 significant digits a spreadsheet keeps: 13,1462 km²,
// never a rounding of it.
func (f formatter) auto(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return f.number(v, 0)
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	if err != nil {
		r = v
	}
	s := strconv.FormatFloat(r, 'f', -1, 64)
	_, frac, _ := strings.Cut(s, ".")
	return f.number(r, len(frac))
}

// plain writes a whole number without a thousands separator: years and
// other counts that read as labels (2024, not 2.024).
func (f formatter) plain(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return f.auto(v)
}

func (f formatter) integer(n int) string { return f.number(float64(n), 0) }

// money writes an amount in euro with cents.
func (f formatter) money(v float64) string {
	if f.lang == "en" {
		if v < 0 {
			return "-€" + f.number(-v, 2)
		}
		return "€" + f.number(v, 2)
	}
	return f.number(v, 2) + "\u00a0€"
}

// percent writes a percentage with at most one decimal.
func (f formatter) percent(v float64) string {
	s := f.number(v, 1)
	_, dec := f.seps()
	s = strings.TrimSuffix(s, dec+"0")
	if f.lang == "en" {
		return s + "%"
	}
	return s + "\u00a0%"
}

// size writes a file size in bytes, kB or MB (powers of 1000).
func (f formatter) size(n int64) string {
	switch {
	case n < 1000:
		if f.lang == "en" {
			return fmt.Sprintf("%d bytes", n)
		}
		return fmt.Sprintf("%d byte", n)
	case n < 1000*1000:
		return f.number(float64(n)/1000, 1) + "\u00a0kB"
	default:
		return f.number(float64(n)/1e6, 1) + "\u00a0MB"
	}
}

var monthsIt = [...]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
	"luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}

// date writes a calendar day: "26 novembre 2026", "26 November 2026".
func (f formatter) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(f.loc)
	if f.lang == "en" {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d %s %d", t.Day(), monthsIt[t.Month()-1], t.Year())
}

// dateTime writes a day and the time of day in the portal's time zone.
func (f formatter) dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(f.loc)
	if f.lang == "en" {
		return f.date(t) + ", " + t.Format("15:04")
	}
	return f.date(t) + ", ore " + t.Format("15:04")
}

// isoDate reads a "2006-01-02" value and writes it as a readable day; any
// other text is returned as it is.
func (f formatter) isoDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	if f.lang == "en" {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d %s %d", t.Day(), monthsIt[t.Month()-1], t.Year())
}

// cellDate writes an ISO day for a table cell: 31/12/2024 in Italian,
// the readable day in English; any other text as it is.
func (f formatter) cellDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	if f.lang == "en" {
		return f.isoDate(s)
	}
	return t.Format("02/01/2006")
}

// cellDateTime writes an ISO datetime for a table cell: a time with a zone
// in the portal's time zone, one without as written; seconds only when
// there are some.
func (f formatter) cellDateTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil {
		t = t.In(f.loc)
	} else if t, err = time.Parse("2006-01-02T15:04:05.999999999", s); err != nil {
		return s
	}
	clock := "15:04"
	if t.Second() != 0 {
		clock = "15:04:05"
	}
	if f.lang == "en" {
		return t.Format("2 January 2006, " + clock)
	}
	return t.Format("02/01/2006 " + clock)
}

// rows writes a count of rows with the right plural: "1 riga", "3 righe".
func (f formatter) rows(n int) string {
	one, many := "riga", "righe"
	if f.lang == "en" {
		one, many = "row", "rows"
	}
	if n == 1 {
		return "1 " + one
	}
	return f.integer(n) + " " + many
}
