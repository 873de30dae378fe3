package ingest

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

type kind uint8

const (
	kindString kind = iota
	kindCode
	kindNumber
	kindInteger
	kindDate
	kindDatetime
	kindBool
	// kindInfer marks a free column: its type comes from all its values
	// (see infer.go).
	kindInfer
)

// conv reads the cells of one column.
type conv struct {
	kind     kind
	pct      bool // the field's unit is "%": an XLSX/ODS 12% (stored 0.12) reads 12
	date1904 bool // workbook serial dates count from 1904
}

func convFor(f field) conv {
	if f.Code {
		return conv{kind: kindCode}
	}
	c := conv{pct: f.Unit == "%"}
	switch f.Type {
	case catalog.TypeNumber:
		c.kind = kindNumber
	case catalog.TypeInteger:
		c.kind = kindInteger
	case catalog.TypeDate:
		c.kind = kindDate
	case catalog.TypeDatetime:
		c.kind = kindDatetime
	case catalog.TypeBoolean:
		c.kind = kindBool
	default:
		c.kind = kindString
	}
	return c
}

// Problems set on cells whose text does not read as the field's type.
const (
	problemNumber  = "number"
	problemInteger = "integer"
	problemDate    = "date"
	problemBoolean = "boolean"
)

// cell normalises one cell. text is the cell as shown; raw and k are the
// typed value a workbook stores, when there is one.
func (c conv) cell(text, raw string, k byte) catalog.Cell {
	cell := catalog.Cell{Raw: text}
	switch c.kind {
	case kindNumber, kindInteger:
		if k == 'n' {
			if f, err := strconv.ParseFloat(raw, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				if c.pct && strings.HasSuffix(strings.TrimSpace(text), "%") {
					f, _ = strconv.ParseFloat(strconv.FormatFloat(f*100, 'g', 15, 64), 64)
				}
				return c.number(cell, f)
			}
		}
	case kindDate:
		switch k {
		case 'd':
			if d, ok := parseDate(raw); ok {
				cell.Value = d
				return cell
			}
		case 'n':
			if f, err := strconv.ParseFloat(raw, 64); err == nil {
				if d, ok := serialDate(f, c.date1904); ok {
					cell.Value = d
					return cell
				}
			}
		}
	case kindDatetime:
		switch k {
		case 'd':
			if v, ok := datetimeValue(raw); ok {
				cell.Value = v
				return cell
			}
		case 'n':
			if f, err := strconv.ParseFloat(raw, 64); err == nil {
				if v, _, ok := serialDateTime(f, c.date1904, true); ok {
					cell.Value = v
					return cell
				}
			}
		}
	case kindBool:
		if k == 'b' {
			switch raw {
			case "1", "true", "TRUE":
				cell.Value = true
				return cell
			case "0", "false", "FALSE":
				cell.Value = false
				return cell
			}
		}
	}
	t := strings.TrimSpace(text)
	if isMissing(t) {
		return cell
	}
	switch c.kind {
	case kindNumber, kindInteger:
		f, ok := parseNumber(t)
		if !ok {
			return problem(cell, problemNumber, c.kind)
		}
		return c.number(cell, f)
	case kindDate:
		d, ok := parseDate(t)
		if !ok {
			return problem(cell, problemDate, c.kind)
		}
		cell.Value = d
	case kindDatetime:
		v, ok := datetimeValue(t)
		if !ok {
			return problem(cell, problemDate, c.kind)
		}
		cell.Value = v
	case kindBool:
		b, ok := parseBool(t)
		if !ok {
			return problem(cell, problemBoolean, c.kind)
		}
		cell.Value = b
	default:
		cell.Value = t
	}
	return cell
}

func (c conv) number(cell catalog.Cell, f float64) catalog.Cell {
	if c.kind == kindInteger && f != math.Trunc(f) {
		return problem(cell, problemInteger, c.kind)
	}
	cell.Value = f
	return cell
}

// datetimeValue reads a datetime field's text as "2006-01-02T15:04:05" with
// the zone it was written with; a date alone is that day's midnight.
func datetimeValue(t string) (string, bool) {
	v, withTime, ok := parseDateTime(t)
	if !ok {
		return "", false
	}
	if !withTime {
		v += "T00:00:00"
	}
	return v, true
}

func problem(cell catalog.Cell, p string, k kind) catalog.Cell {
	if k == kindInteger {
		p = problemInteger
	}
	cell.Problem = p
	cell.Value = cell.Raw
	return cell
}

// isMissing reports the placeholders that mean "no value".
func isMissing(t string) bool {
	if len(t) > 4 {
		return false
	}
	switch strings.ToLower(t) {
	case "", "n/d", "n.d.", "n.d", "nd", "-", "--", "n/a", "n.a.", "n.a", "—", "–":
		return true
	}
	return false
}

func parseBool(t string) (bool, bool) {
	switch strings.ToLower(t) {
	case "si", "sì", "sí", "vero", "true", "x", "1":
		return true, true
	case "no", "falso", "false", "0":
		return false, true
	}
	return false, false
}

// trimCurrency removes a euro sign or word before or after the amount.
func trimCurrency(s string) string {
	if s == "" {
		return s
	}
	// a cheap look at both ends first: "€" starts with 0xE2 and ends with
	// 0xAC, the words start with E or e and end with R, r, O or o
	switch s[0] {
	case 0xE2, 'E', 'e':
	default:
		switch s[len(s)-1] {
		case 0xAC, 'R', 'r', 'O', 'o':
		default:
			return s
		}
	}
	for _, c := range []string{"€", "EUR", "eur", "Euro", "euro", "EURO"} {
		if strings.HasPrefix(s, c) {
			s = strings.TrimSpace(s[len(c):])
		}
		if strings.HasSuffix(s, c) {
			s = strings.TrimSpace(s[:len(s)-len(c)])
		}
	}
	return s
}

// parseNumber reads a number written the Italian way ("1.234,56",
// "114.000.000", "350,00", "€ 1.200", "12%"), the English way when it
// cannot be Italian ("1,234.56"), or plainly ("1234.5", "1.5E+06").
//
// A single dot followed by exactly three digits, after one to three digits
// not starting with 0, is a thousands separator: "1.200" is 1200, as
// Italian files mean it. A single comma is always the decimal separator.
func parseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	// Fast path: plain digits with at most one dot.
	if f, ok := plainNumber(s); ok {
		return f, true
	}
	// "€" starts with the byte 0xE2; EUR, eur, Euro: E, e, U, u
	currency := hasByte(s, 0xE2, 'E', 'e', 'U', 'u')
	if currency {
		s = trimCurrency(s)
	}
	s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	neg := false
	switch {
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "+"):
		neg = s[0] == '-'
		s = s[1:]
	case strings.HasPrefix(s, "−"): // U+2212 minus sign
		neg = true
		s = s[len("−"):]
	}
	s = strings.TrimSpace(s)
	if currency {
		s = trimCurrency(s)
	}
	if s == "" {
		return 0, false
	}
	if hasByte(s, 'e', 'E', 0, 0, 0) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, false
		}
		if neg {
			f = -f
		}
		return f, true
	}
	dots, commas, lastDot, lastComma := 0, 0, -1, -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.':
			dots++
			lastDot = i
		case ',':
			commas++
			lastComma = i
		}
	}
	var dec byte // decimal separator, 0 for none
	switch {
	case dots > 0 && commas > 0:
		dec = ','
		if lastDot > lastComma {
			dec = '.'
		}
		if (dec == ',' && commas > 1) || (dec == '.' && dots > 1) {
			return 0, false
		}
	case commas == 1:
		dec = ','
	case dots == 1 && !italianThousands(s):
		dec = '.'
	}
	var buf [80]byte
	n := 0
	if neg {
		buf[0] = '-'
		n = 1
	}
	seg, grouped, afterDec, digits := 0, false, false, 0
	// mant and decimals give the value exactly while the digits fit in 53
	// bits (Clinger's fast path): no string to build and parse
	var mant uint64
	decimals, exact := 0, true
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= '0' && ch <= '9':
			if n >= len(buf) {
				return 0, false
			}
			buf[n] = ch
			n++
			seg++
			digits++
			if mant < 1<<49 {
				mant = mant*10 + uint64(ch-'0')
				if afterDec {
					decimals++
				}
			} else {
				exact = false
			}
		case ch == dec && !afterDec:
			if grouped && seg != 3 {
				return 0, false
			}
			if n >= len(buf) {
				return 0, false
			}
			buf[n] = '.'
			n++
			afterDec = true
			seg = 0
		case !afterDec && (ch == '.' || ch == ',' || ch == ' ' || ch == '\''):
			if (!grouped && (seg < 1 || seg > 3)) || (grouped && seg != 3) {
				return 0, false
			}
			grouped = true
			seg = 0
		case !afterDec && ch >= 0x80:
			// non-breaking or thin space, or a typographic apostrophe, as
			// thousands separators
			sep := ""
			for _, sp := range []string{"\u00a0", "\u202f", "\u2009", "’"} {
				if strings.HasPrefix(s[i:], sp) {
					sep = sp
					break
				}
			}
			if sep == "" || (!grouped && (seg < 1 || seg > 3)) || (grouped && seg != 3) {
				return 0, false
			}
			grouped = true
			seg = 0
			i += len(sep) - 1
		default:
			return 0, false
		}
	}
	if digits == 0 || (grouped && !afterDec && seg != 3) {
		return 0, false
	}
	if exact && decimals < len(pow10) {
		f := float64(mant) / pow10[decimals]
		if neg {
			f = -f
		}
		return f, true
	}
	f, err := strconv.ParseFloat(string(buf[:n]), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// hasByte reports whether s holds one of the bytes a to e: a loop over
// bytes is several times faster than strings.ContainsAny with a non-ASCII
// set, and numbers are read for every cell.
func hasByte(s string, a, b, c, d, e byte) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case a, b, c, d, e:
			if s[i] != 0 {
				return true
			}
		}
	}
	return false
}

// plainNumber reads digits with an optional leading minus and at most one
// dot that is not a thousands separator, without allocating.
func plainNumber(s string) (float64, bool) {
	dot := -1
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= '0' && ch <= '9':
		case ch == '-' && i == 0 && len(s) > 1:
		case ch == '.' && dot < 0:
			dot = i
		default:
			return 0, false
		}
	}
	if dot >= 0 && italianThousands(strings.TrimPrefix(s, "-")) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// italianThousands reports whether a number with a single dot uses it as a
// thousands separator: "1.200", "12.500", "100.000" but not "0.125" or
// "1.5".
func italianThousands(s string) bool {
	i := strings.IndexByte(s, '.')
	if i < 1 || i > 3 || len(s)-i-1 != 3 || s[0] == '0' {
		return false
	}
	for j := 0; j < len(s); j++ {
		if j != i && (s[j] < '0' || s[j] > '9') {
			return false
		}
	}
	return true
}

// parseDate reads 31/12/2024, 31-12-2024, 31.12.2024, 05/10/22 (00-69 are
// 20xx), ISO 2024-12-31 and ISO with a time and zone (the date is kept as
// written, in its own zone). It returns the date as "2006-01-02".
func parseDate(s string) (string, bool) {
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' || len(s) >= 10 && s[4] == '/' && s[7] == '/' {
		y, ok1 := atoi(s[0:4])
		m, ok2 := atoi(s[5:7])
		d, ok3 := atoi(s[8:10])
		if !ok1 || !ok2 || !ok3 || !validDate(y, m, d) || !timeRest(s[10:]) {
			return "", false
		}
		if s[4] == '-' {
			return s[:10], true
		}
		return isoDate(y, m, d), true
	}
	// day, month, year
	i := 0
	num := func(maxLen int) (int, int) { // value, digits
		start := i
		for i < len(s) && i-start < maxLen && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		v, _ := atoi(s[start:i])
		return v, i - start
	}
	d, nd := num(2)
	if nd == 0 || i >= len(s) {
		return "", false
	}
	sep := s[i]
	if sep != '/' && sep != '-' && sep != '.' {
		return "", false
	}
	i++
	m, nm := num(2)
	if nm == 0 || i >= len(s) || s[i] != sep {
		return "", false
	}
	i++
	y, ny := num(4)
	switch ny {
	case 2:
		if y < 70 {
			y += 2000
		} else {
			y += 1900
		}
	case 4:
	default:
		return "", false
	}
	if !validDate(y, m, d) || !timeRest(s[i:]) {
		return "", false
	}
	return isoDate(y, m, d), true
}

// timeRest accepts what may follow a date: nothing, or a time.
func timeRest(s string) bool {
	if s == "" {
		return true
	}
	if s[0] != 'T' && s[0] != ' ' {
		return false
	}
	s = strings.TrimSpace(s[1:])
	return s == "" || (len(s) >= 4 && s[0] >= '0' && s[0] <= '9' && strings.ContainsRune(s[:min(3, len(s))], ':'))
}

func atoi(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func validDate(y, m, d int) bool {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

func isoDate(y, m, d int) string {
	var b [10]byte
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4], b[7] = '-', '-'
	b[5], b[6] = byte('0'+m/10), byte('0'+m%10)
	b[8], b[9] = byte('0'+d/10), byte('0'+d%10)
	return string(b[:])
}

// serialDate turns an Excel serial day number into an ISO date. In the
// 1900 system Excel counts a 29 February 1900 that never was: serials from
// 61 on are one day ahead.
func serialDate(f float64, date1904 bool) (string, bool) {
	if f < 1 || f >= 2958466 {
		return "", false
	}
	days := int(math.Floor(f))
	var t time.Time
	switch {
	case date1904:
		t = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	case days >= 61:
		t = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	case days == 60:
		t = time.Date(1900, 2, 28, 0, 0, 0, 0, time.UTC)
	default:
		t = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	}
	if t.Year() > 9999 {
		return "", false
	}
	return isoDate(t.Year(), int(t.Month()), t.Day()), true
}
