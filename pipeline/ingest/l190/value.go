package l190

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The readers below turn an element's decoded text into an Item's value.

// isSpace is XML white space plus the no-break space clerks paste in.
func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0'
}

func trim(s string) string { return strings.TrimFunc(s, isSpace) }

// unescape undoes one more level of XML escaping: files made by tools that
// escaped the text before handing it to an XML writer carry `&amp;apos;`,
// which decodes to "&apos;" and is meant as "'". Only the five XML entities
// and numeric references are undone, once.
func unescape(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i:]
		j := strings.IndexByte(s, ';')
		if j < 2 || j > 10 {
			b.WriteByte('&')
			s = s[1:]
			continue
		}
		r, ok := entity(s[1:j])
		if !ok {
			b.WriteByte('&')
			s = s[1:]
			continue
		}
		b.WriteRune(r)
		s = s[j+1:]
	}
}

func entity(name string) (rune, bool) {
	switch name {
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	}
	if name[0] != '#' {
		return 0, false
	}
	base, digits := 10, name[1:]
	if digits != "" && (digits[0] == 'x' || digits[0] == 'X') {
		base, digits = 16, digits[1:]
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil || n == 0 || !utf8.ValidRune(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// text reads a name or an object: entities undone, runs of white space made
// one space, trimmed. Names cut with "..." stay as they are.
func text(raw string) Item {
	it := Item{Raw: raw}
	s := unescape(raw)
	if needsCollapse(s) {
		s = strings.Join(strings.FieldsFunc(s, isSpace), " ")
	}
	if s != "" {
		it.Value = s
	}
	return it
}

func needsCollapse(s string) bool {
	prev := true // a leading space needs trimming
	for i := 0; i < len(s); i++ {
		c := s[i]
		sp := c == ' ' || c == '\t' || c == '\n' || c == '\r'
		if sp && prev || c == '\t' || c == '\n' || c == '\r' || c == 0xc2 {
			return true
		}
		prev = sp
	}
	return prev && len(s) > 0
}

// code reads a CIG or a fiscal code: trimmed, upper case, inner spaces kept
// (the check reports them). "ND", "N.D." and "-" are the field's ways of
// saying "not available".
func code(raw string) Item {
	it := Item{Raw: raw}
	s := strings.ToUpper(trim(unescape(raw)))
	switch s {
	case "", "ND", "N.D.", "N.D", "N/D", "-", "NULL":
		return it
	}
	it.Value = s
	return it
}

// amount reads an ImportoType: xsd:decimal ("1234.56"), or with a decimal
// comma ("1234,56", "1.234,56").
func amount(raw string) Item {
	it := Item{Raw: raw}
	s := trim(raw)
	if s == "" {
		return it
	}
	f, ok := parseAmount(s)
	if !ok {
		it.Value, it.Problem = s, "not an amount"
		return it
	}
	it.Value = f
	return it
}

func parseAmount(s string) (float64, bool) {
	if c := strings.IndexByte(s, ','); c >= 0 {
		if strings.Count(s, ",") > 1 {
			return 0, false
		}
		if strings.IndexByte(s[c:], '.') >= 0 {
			return 0, false // "1,234.56": neither XML nor Italian
		}
		intPart := s[:c]
		if strings.IndexByte(intPart, '.') >= 0 {
			if !thousands(intPart) {
				return 0, false
			}
			intPart = strings.ReplaceAll(intPart, ".", "")
		}
		s = intPart + "." + s[c+1:]
	}
	// xsd:decimal: optional sign, digits, optional point and digits; no
	// exponent, no "Inf".
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		case (c == '-' || c == '+') && i == 0:
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// thousands reports whether s ("1.234.567", "-1.234") groups digits by
// three with dots.
func thousands(s string) bool {
	s = strings.TrimLeft(s, "+-")
	parts := strings.Split(s, ".")
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}

// date reads an xsd:date: "2013-12-19", with a zone ("Z", "+01:00") or a
// time ("2013-12-19T00:00:00+01:00", "2013-12-19 10:00:00") after it; the
// value is the calendar date as written. "0000-00-00" is a missing date.
func date(raw string) Item {
	it := Item{Raw: raw}
	s := trim(raw)
	if s == "" || strings.HasPrefix(s, "0000-00-00") {
		return it
	}
	if d, ok := parseDate(s); ok {
		it.Value = d
		return it
	}
	it.Value, it.Problem = s, "not a date"
	return it
}

func parseDate(s string) (string, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return "", false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || !validDate(y, m, d) {
		return "", false
	}
	if !zoneOrTime(s[10:]) {
		return "", false
	}
	return s[:10], true
}

// zoneOrTime accepts what may follow the date: nothing, a zone, or a time
// of day with an optional zone.
func zoneOrTime(s string) bool {
	if s == "" || zone(s) {
		return true
	}
	if s[0] != 'T' && s[0] != ' ' {
		return false
	}
	s = s[1:]
	// hh:mm[:ss[.fff]]
	if len(s) < 5 || s[2] != ':' {
		return false
	}
	h, ok1 := digits(s[0:2])
	mi, ok2 := digits(s[3:5])
	if !ok1 || !ok2 || h > 24 || mi > 59 {
		return false
	}
	s = s[5:]
	if len(s) >= 3 && s[0] == ':' {
		if sec, ok := digits(s[1:3]); !ok || sec > 60 {
			return false
		}
		s = s[3:]
		if len(s) > 0 && s[0] == '.' {
			i := 1
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			if i == 1 {
				return false
			}
			s = s[i:]
		}
	}
	return s == "" || zone(s)
}

func zone(s string) bool {
	if s == "Z" {
		return true
	}
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return false
	}
	h, ok1 := digits(s[1:3])
	m, ok2 := digits(s[4:6])
	return ok1 && ok2 && h <= 14 && m <= 59
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

func validDate(y, m, d int) bool {
	if y < 1 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

// year reads annoRiferimento.
func year(raw string) Item {
	it := Item{Raw: raw}
	s := trim(raw)
	if s == "" {
		return it
	}
	n, ok := digits(s)
	if !ok || len(s) > 4 {
		it.Value, it.Problem = s, "not a year"
		return it
	}
	it.Value = float64(n)
	return it
}

// coded reads a procedure or a role against its list.
func coded(raw string, l *codeList) (Item, string, Match) {
	it := Item{Raw: raw}
	s := unescape(raw)
	s = strings.Join(strings.FieldsFunc(s, isSpace), " ")
	if s == "" {
		return it, "", ""
	}
	cur, c, m := l.lookup(raw, s)
	if m == Unknown {
		it.Value, it.Problem = s, "not in ANAC's list"
		return it, "", m
	}
	it.Value = cur
	return it, c, m
}
