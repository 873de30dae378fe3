package ingest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Free tables. A column of an open schema that matches no field gets its
// type from all its values: each cell is given a shape as it is read, and
// when the sheet ends the shapes of the column decide its type, after which
// the few cells whose value depends on that decision are read again. A
// column of mixed shapes stays text, with a warning, rather than being
// guessed.

// shape is what one cell looks like.
type shape uint8

const (
	shMissing     shape = iota
	shText              // anything that is not one of the shapes below
	shCode              // digits with a leading zero, or too many for a number
	shInt               // digits, no separator: 2562
	shAmbig             // one dot before three digits: 1.234, thousands or decimals
	shGroup             // dots as thousands only: 12.345.678
	shDecDot            // a decimal dot: 1.5, 3.14159, 1,234.56, 1.5E+06
	shDecComma          // a decimal comma: 13,15, 1.234,56
	shGroupComma        // commas as thousands only: 1,234,567
	shStored            // a number a workbook stores: exact as it is
	shStoredAmbig       // a stored 1.234 shown as written: a number, or a text cell meaning 1234
	shDate
	shDatetime
	shBool
	nShapes
)

// inferCol gathers the shapes of one free column.
type inferCol struct {
	n [nShapes]int
	// first is the row index (+1) of the first cell of each shape, for the
	// warning's examples.
	first [nShapes]int32
	// ambig lists the rows holding 1.234-like text, read again when the
	// column turns out to use a decimal dot; storedAmbig the workbook
	// cells holding 1.234 as written, read again as thousands when the
	// column's text cells write thousands that way.
	ambig, storedAmbig []int32
	// frac is set when a stored number has a fractional part.
	frac bool
	// code is set when the header names an identifier (codice, CUP, CIG,
	// partita IVA…): its values stay text whatever they look like.
	code bool
	// date1904 tells how the workbook counts serial dates.
	date1904 bool
}

// codeWords are header words naming identifiers that look like numbers.
var codeWords = map[string]bool{
	"codice": true, "cod": true, "istat": true, "cup": true, "cig": true,
	"cf": true, "piva": true, "cap": true,
	"telefono": true, "tel": true, "cellulare": true, "fax": true, "iban": true,
	"matricola": true, "pod": true, "pdr": true, "catastale": true, "nuts": true,
}

func newInferCol(header string, date1904 bool) *inferCol {
	return &inferCol{date1904: date1904, code: codeHeader(header)}
}

// codeHeader reports a header naming an identifier: "Codice ISTAT", "CUP",
// "Partita IVA", "P. IVA", "C.F." (but "Importo IVA" is an amount).
func codeHeader(header string) bool {
	ws := words(clip(header))
	for i, w := range ws {
		prev := ""
		if i > 0 {
			prev = ws[i-1]
		}
		switch {
		case codeWords[w]:
			return true
		case w == "iva" && (prev == "partita" || prev == "p"):
			return true
		case w == "f" && prev == "c":
			return true
		}
	}
	return false
}

// cell reads one cell of the column; row is its index in Table.Rows. Text
// and codes get their text as value, typed shapes their typed value; the
// column's decision may change them later.
// The cell is written in place: a slab of cells is live heap, and copying
// a whole Cell into it costs more than setting its two fields.
func (ic *inferCol) cell(cell *catalog.Cell, row int, text, raw string, k byte) {
	cell.Raw = text
	sh, v := classify(text, raw, k, ic.date1904)
	ic.n[sh]++
	if ic.first[sh] == 0 {
		ic.first[sh] = int32(row + 1)
	}
	switch sh {
	case shMissing:
		return
	case shAmbig:
		ic.ambig = append(ic.ambig, int32(row))
	case shStoredAmbig:
		ic.storedAmbig = append(ic.storedAmbig, int32(row))
	case shStored:
		if f, _ := v.(float64); f != math.Trunc(f) {
			ic.frac = true
		}
	}
	cell.Value = v
}

// classify gives the shape and the value of one cell: the text shown, and
// for workbooks the stored value raw of kind k.
func classify(text, raw string, k byte, date1904 bool) (shape, any) {
	t := strings.TrimSpace(text)
	switch k {
	case 'n':
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || !numeric(raw) || textual(raw) {
			break // an XLSX text cell: read its text
		}
		switch {
		case digitsOnly(raw) && (len(raw) > 15 || len(raw) > 1 && raw[0] == '0'):
			// a text cell of digits: a code, never a number
			return shCode, t
		case t == raw && italianThousands(strings.TrimPrefix(raw, "-")):
			return shStoredAmbig, f
		case t == "" || t == raw:
			return shStored, f
		case (raw == "1" || raw == "0") && boolWord(t):
			return shBool, raw == "1"
		case len(t) > 1 && t[0] == '0' && digitsOnly(t) && f == math.Trunc(f):
			// a number shown with leading zeros (format 000000): a code
			return shCode, t
		}
		if dateDisplay(t) {
			if v, dt, ok := serialDateTime(f, date1904, strings.ContainsRune(t, ':')); ok {
				if dt {
					return shDatetime, v
				}
				return shDate, v
			}
			if f >= 0 && f < 1 {
				return shText, t // a time of day: kept as shown
			}
		}
		return shStored, f
	case 'd':
		if v, dt, ok := parseDateTime(strings.TrimSpace(raw)); ok {
			if dt {
				return shDatetime, v
			}
			return shDate, v
		}
	case 'b':
		switch raw {
		case "true", "1", "TRUE":
			return shBool, true
		case "false", "0", "FALSE":
			return shBool, false
		}
	}
	return classifyText(t)
}

// numeric reports a stored value written the way spreadsheets store
// numbers (digits, sign, dot, exponent), which strconv accepts among other
// spellings such as "Inf" or "0x1p-2".
func numeric(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'E' || c == 'e') {
			return false
		}
	}
	return s != ""
}

// textual reports a stored value no spreadsheet writes for a number, so
// that it must be a text cell: "14.880" (a trailing zero after the dot),
// "+5", ".5", "5.". The streaming reader gives the text of text cells
// where it gives the value of number cells.
func textual(raw string) bool {
	if raw == "" || raw[0] == '+' || raw[0] == '.' || raw[len(raw)-1] == '.' {
		return true
	}
	if hasByte(raw, 'e', 'E', 0, 0, 0) {
		return false
	}
	return strings.IndexByte(raw, '.') >= 0 && raw[len(raw)-1] == '0'
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// classifyText gives the shape and value of a cell's text (trimmed).
func classifyText(t string) (shape, any) {
	if t == "" || isMissing(t) {
		return shMissing, nil
	}
	c := t[0]
	if c >= '0' && c <= '9' {
		i := 1
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i == len(t) {
			if len(t) > 15 || len(t) > 1 && c == '0' {
				return shCode, t
			}
			f, _ := strconv.ParseFloat(t, 64)
			return shInt, f
		}
		if i <= 4 && len(t) >= 6 && (t[i] == '/' || t[i] == '-' || t[i] == '.') {
			if v, dt, ok := parseDateTime(t); ok {
				if dt {
					return shDatetime, v
				}
				return shDate, v
			}
		}
	}
	if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == ',' || c == 'E' || c == 'e' || c == 0xE2 {
		if sh, f, ok := numberShape(t); ok {
			return sh, f
		}
	}
	if len(t) <= 5 {
		if b, ok := boolText(t); ok {
			return shBool, b
		}
	}
	return shText, t
}

// numberShape reads t as a number and tells which separators it uses.
func numberShape(t string) (shape, float64, bool) {
	f, ok := parseNumber(t)
	if !ok {
		return 0, 0, false
	}
	// the digits and separators between the first and the last digit
	lo, hi := digitSpan(t)
	core := t[lo : hi+1]
	dots, commas, lastDot, lastComma := 0, 0, -1, -1
	for i := 0; i < len(core); i++ {
		switch core[i] {
		case '.':
			dots++
			lastDot = i
		case ',':
			commas++
			lastComma = i
		}
	}
	switch {
	case dots == 0 && commas == 0:
		if hasByte(core, 'e', 'E', 0, 0, 0) {
			return shDecDot, f, true
		}
		if lo > 0 && t[lo-1] == '.' || hi+1 < len(t) && t[hi+1] == '.' {
			return shDecDot, f, true // ".5"
		}
		return shInt, f, true
	case commas == 0 && dots == 1:
		if italianThousands(core) {
			return shAmbig, f, true
		}
		return shDecDot, f, true
	case commas == 0:
		return shGroup, f, true
	case dots == 0 && commas == 1:
		return shDecComma, f, true
	case dots == 0:
		return shGroupComma, f, true
	case lastComma > lastDot:
		return shDecComma, f, true
	default:
		return shDecDot, f, true
	}
}

// digitSpan returns the positions of the first and the last digit of t;
// t has at least one.
func digitSpan(t string) (lo, hi int) {
	lo, hi = -1, -1
	for i := 0; i < len(t); i++ {
		if t[i] >= '0' && t[i] <= '9' {
			if lo < 0 {
				lo = i
			}
			hi = i
		}
	}
	return lo, hi
}

// dotDecimal reads 1.234-like text with the dot as decimal separator.
func dotDecimal(t string) (float64, bool) {
	lo, hi := digitSpan(t)
	if lo < 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(t[lo:hi+1], 64)
	if err != nil {
		return 0, false
	}
	if strings.ContainsAny(t[:lo], "-−") {
		f = -f
	}
	return f, true
}

func boolText(t string) (bool, bool) {
	switch strings.ToLower(t) {
	case "si", "sì", "sí", "vero", "true":
		return true, true
	case "no", "falso", "false":
		return false, true
	}
	return false, false
}

// boolWord is how a spreadsheet shows a boolean cell.
func boolWord(t string) bool {
	switch strings.ToUpper(t) {
	case "TRUE", "FALSE", "VERO", "FALSO":
		return true
	}
	return false
}

// monthWord reports a month name or abbreviation a date format shows.
func monthWord(w string) bool {
	switch w {
	case "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
		"gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
		"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
		"jan", "jun", "jul", "aug", "sep", "oct", "dec":
		return true
	}
	return false
}

// dateDisplay reports whether a stored number is shown as a date or a
// time: the number format made it one. It looks for a date of three
// numbers (31/12/2024, 12-31-24), a time (10:30) or a month name, so that
// a fraction ("1 1/2") or a unit ("3 settimane") is not taken for one.
func dateDisplay(t string) bool {
	if t == "" || strings.IndexAny(t, "0123456789") < 0 {
		return false
	}
	if _, ok := parseNumber(t); ok {
		return false
	}
	if _, _, ok := parseDateTime(t); ok {
		return true
	}
	for _, tok := range strings.FieldsFunc(t, func(r rune) bool { return r == ' ' || r == ',' || r == 'T' }) {
		if groups := strings.FieldsFunc(tok, func(r rune) bool { return r == '/' || r == '-' || r == '.' }); len(groups) == 3 && digitsOnly(groups[0]) && digitsOnly(groups[2]) {
			return true
		}
		if i := strings.IndexByte(tok, ':'); i > 0 && i <= 2 && len(tok) >= i+3 && digitsOnly(tok[:i]) && digitsOnly(tok[i+1:i+3]) {
			return true
		}
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if monthWord(w) {
			return true
		}
	}
	return false
}

// serialDateTime turns an Excel serial into a date, or a datetime when it
// has a time of day or the display shows one.
func serialDateTime(f float64, date1904, showsTime bool) (string, bool, bool) {
	day := math.Floor(f)
	d, ok := serialDate(day, date1904)
	if !ok {
		return "", false, false
	}
	secs := int(math.Round((f - day) * 86400))
	if secs == 0 && !showsTime {
		return d, false, true
	}
	t, _ := time.Parse("2006-01-02", d)
	t = t.Add(time.Duration(secs) * time.Second)
	if t.Year() > 9999 {
		return "", false, false
	}
	return t.Format("2006-01-02T15:04:05"), true, true
}

// parseDateTime reads a date (see parseDate) optionally followed by a time
// of day ("31/12/2024 10:30", "2024-12-31T10:30:00+01:00"). A datetime
// comes back as "2006-01-02T15:04:05" with the zone of the text, if any.
func parseDateTime(s string) (string, bool, bool) {
	cut := len(s)
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') && (s[4] == '-' || s[4] == '/') {
		cut = 10
	} else if i := strings.IndexByte(s, ' '); i > 0 {
		cut = i
	}
	d, ok := parseDate(s[:cut])
	if !ok {
		return "", false, false
	}
	if cut == len(s) {
		return d, false, true
	}
	rest := strings.TrimSpace(s[cut+1:])
	var buf [40]byte
	out := append(buf[:0], d...)
	out = append(out, 'T')
	out, ok = appendClock(out, rest)
	if !ok {
		return "", false, false
	}
	if string(out) == s {
		return s, true, true // already canonical: no copy
	}
	return string(out), true, true
}

// appendClock reads hh:mm[:ss[.fff]] with an optional zone (Z, ±hh:mm,
// ±hhmm, ±hh) and appends it as "15:04:05" and the zone; fractions of a
// second are dropped.
func appendClock(out []byte, s string) ([]byte, bool) {
	var v [3]int
	n, i := 0, 0
	for n < 3 {
		start := i
		for i < len(s) && i-start < 2 && s[i] >= '0' && s[i] <= '9' {
			v[n] = v[n]*10 + int(s[i]-'0')
			i++
		}
		if i == start {
			return out, false
		}
		n++
		if i < len(s) && s[i] == ':' && n < 3 {
			i++
			continue
		}
		break
	}
	if n < 2 || v[0] > 23 || v[1] > 59 || v[2] > 60 {
		return out, false
	}
	if i < len(s) && s[i] == '.' && n == 3 {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	for _, x := range v {
		out = append(out, byte('0'+x/10), byte('0'+x%10), ':')
	}
	out = out[:len(out)-1]
	zone := strings.TrimSpace(s[i:])
	switch {
	case zone == "":
	case zone == "Z":
		out = append(out, 'Z')
	case zone[0] == '+' || zone[0] == '-':
		z := zone[1:]
		switch {
		case len(z) == 5 && z[2] == ':' && digitsOnly(z[:2]) && digitsOnly(z[3:]):
		case len(z) == 4 && digitsOnly(z):
			z = z[:2] + ":" + z[2:]
		case len(z) == 2 && digitsOnly(z):
			z += ":00"
		default:
			return out, false
		}
		out = append(append(out, zone[0]), z...)
	default:
		return out, false
	}
	return out, true
}

// settle decides the type of free column j of t from its shapes, rewrites
// the values that depend on it and reports a column of mixed shapes.
func (ic *inferCol) settle(t *catalog.Table, j int) (catalog.FieldType, *catalog.Issue) {
	n := &ic.n
	num := n[shInt] + n[shAmbig] + n[shGroup] + n[shDecDot] + n[shDecComma] + n[shGroupComma] + n[shStored] + n[shStoredAmbig]
	dates := n[shDate] + n[shDatetime]
	text := n[shText] + n[shCode]
	typed := num + dates + n[shBool]
	switch {
	case typed == 0:
		return catalog.TypeString, nil
	case ic.code, n[shCode] > 0 && n[shText] == 0 && typed == n[shInt]+n[shStored] && !ic.frac:
		// identifiers, and digits some of which have leading zeros
		ic.toText(t, j)
		return catalog.TypeString, nil
	case text > 0 && text >= typed:
		// a text column where some cells look like numbers or dates
		ic.toText(t, j)
		return catalog.TypeString, nil
	}
	families := 0
	for _, c := range []int{num, dates, n[shBool]} {
		if c > 0 {
			families++
		}
	}
	italian := n[shDecComma]+n[shGroup] > 0
	dot := n[shDecDot]+n[shGroupComma] > 0
	if text > 0 || families > 1 || num > 0 && italian && dot {
		ic.toText(t, j)
		return catalog.TypeString, ic.unsure(t, j)
	}
	switch {
	case n[shBool] > 0:
		return catalog.TypeBoolean, nil
	case dates > 0:
		if n[shDatetime] == 0 {
			return catalog.TypeDate, nil
		}
		for i := range t.Rows {
			c := &t.Rows[i].Cells[j]
			if s, ok := c.Value.(string); ok && len(s) == 10 {
				c.Value = s + "T00:00:00"
			}
		}
		return catalog.TypeDatetime, nil
	}
	frac := ic.frac || n[shDecComma] > 0 || n[shDecDot] > 0
	if dot {
		// 1.234 is a decimal where the column writes 1.5 or 1,234.56
		for _, i := range ic.ambig {
			c := &t.Rows[i].Cells[j]
			if f, ok := dotDecimal(strings.TrimSpace(c.Raw)); ok {
				c.Value = f
				if f != math.Trunc(f) {
					frac = true
				}
			}
		}
	}
	if len(ic.storedAmbig) > 0 {
		if !dot && (italian || n[shAmbig] > 0) {
			// text cells of the column write thousands with a dot: so do
			// these, typed as text too
			for _, i := range ic.storedAmbig {
				c := &t.Rows[i].Cells[j]
				if f, ok := parseNumber(strings.TrimSpace(c.Raw)); ok {
					c.Value = f
				}
			}
		} else {
			frac = true // the stored 1.234
		}
	}
	if frac {
		return catalog.TypeNumber, nil
	}
	return catalog.TypeInteger, nil
}

// toText gives every value of column j its text as shown.
func (ic *inferCol) toText(t *catalog.Table, j int) {
	if ic.n[shText]+ic.n[shCode]+ic.n[shMissing] == len(t.Rows) {
		return // already text
	}
	for i := range t.Rows {
		c := &t.Rows[i].Cells[j]
		if c.Value == nil {
			continue
		}
		switch s := strings.TrimSpace(c.Raw); {
		case s != "":
			c.Value = s
		case c.Value == true || c.Value == false:
			c.Value = strconv.FormatBool(c.Value.(bool))
		default:
			if f, ok := c.Value.(float64); ok { // a workbook value shown as nothing
				c.Value = strconv.FormatFloat(f, 'f', -1, 64)
			}
		}
	}
}

// unsureOrder lists the shapes in the order the warning picks its two
// examples, each shape with its kind: the examples are of two kinds.
var unsureOrder = []struct {
	s    shape
	kind int
}{
	{shText, 1}, {shCode, 1}, {shDecComma, 2}, {shGroup, 2}, {shDecDot, 3}, {shGroupComma, 3},
	{shDate, 4}, {shDatetime, 4}, {shBool, 5}, {shInt, 6}, {shAmbig, 6}, {shStored, 6}, {shStoredAmbig, 6},
}

// unsure is the warning for a column of mixed shapes.
func (ic *inferCol) unsure(t *catalog.Table, j int) *catalog.Issue {
	var ex []int32
	kind := 0
	for _, o := range unsureOrder {
		r := ic.first[o.s]
		if r == 0 || o.kind == kind {
			continue
		}
		ex = append(ex, r-1)
		if kind != 0 {
			break
		}
		kind = o.kind
	}
	col := t.Columns[j]
	header := cleanHeader(clip(col.Header))
	exIt, exEn := "", ""
	if len(ex) == 2 {
		a, b := t.Rows[ex[0]], t.Rows[ex[1]]
		ra, rb := clip(strings.TrimSpace(a.Cells[j].Raw)), clip(strings.TrimSpace(b.Cells[j].Raw))
		exIt = fmt.Sprintf(" (per esempio «%s» alla riga %d e «%s» alla riga %d)", ra, a.Line, rb, b.Line)
		exEn = fmt.Sprintf(" (for example “%s” on row %d and “%s” on row %d)", ra, a.Line, rb, b.Line)
	}
	return &catalog.Issue{
		Ref:      catalog.Ref{File: t.File, Sheet: t.Sheet, Row: t.HeaderRow, Col: col.Index},
		Severity: catalog.Warning, Rule: "type-unsure", Field: col.Field, Value: header,
		Message: catalog.Text{
			It: fmt.Sprintf("La colonna «%s» ha valori scritti in modi diversi%s: non si capisce se sono numeri, date o testo, quindi è pubblicata come testo. Se è una colonna di numeri o di date, scrivi tutti i valori nello stesso modo (per esempio 1.234,56 o 31/12/2024) e lascia vuote le celle senza valore.", header, exIt),
			En: fmt.Sprintf("The column “%s” has values written in different ways%s: it is not clear whether they are numbers, dates or text, so it is published as text. If it is a column of numbers or dates, write every value the same way (for example 1.234,56 or 31/12/2024) and leave the cells without a value empty.", header, exEn),
		},
	}
}
