package l190

import (
	"math"
	"strconv"
	"strings"
)

func validCIG(s string) bool {
	if len(s) != 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// partitaIVA checks the last digit of an 11-digit fiscal code (companies,
// bodies): the same algorithm for partita IVA and numeric fiscal codes.
func partitaIVA(s string) bool {
	sum := 0
	for i := 0; i < 10; i++ {
		d := int(s[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10-sum%10)%10 == int(s[10]-'0')
}

// personCode matches ANAC's pattern for a person's fiscal code, omocodia
// letters included: 6 letters, 2 digits, a letter, 2 digits, a letter,
// 3 digits, a letter.
func personCode(s string) bool {
	if len(s) != 16 {
		return false
	}
	const omocodia = "LMNPQRSTUV"
	for i := 0; i < 16; i++ {
		c := s[i]
		letter := c >= 'A' && c <= 'Z'
		switch i {
		case 6, 7, 9, 10, 12, 13, 14:
			if !(c >= '0' && c <= '9' || strings.IndexByte(omocodia, c) >= 0) {
				return false
			}
		default:
			if !letter {
				return false
			}
		}
	}
	return true
}

// personCheck checks the last letter of a person's fiscal code.
func personCheck(s string) bool {
	// Values of the characters in odd positions (1st, 3rd, ...), A-Z; a
	// digit counts as the letter of the same rank (0 as A).
	odd := [26]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}
	sum := 0
	for i := 0; i < 15; i++ {
		c := s[i]
		v := 0
		if c >= '0' && c <= '9' {
			v = int(c - '0')
		} else {
			v = int(c - 'A')
		}
		if i%2 == 0 {
			sum += odd[v]
		} else {
			sum += v
		}
	}
	return byte('A'+sum%26) == s[15]
}

// nameKey reduces a company name to compare bidders and winners: letters
// and digits, upper case.
func nameKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > 127 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

// decimals counts the significant decimals of an amount as written
// ("12.50" has 1, "1.234,567" has 3).
func decimals(raw string) int {
	sep := strings.LastIndexByte(raw, ',')
	if sep < 0 {
		sep = strings.LastIndexByte(raw, '.')
	}
	if sep < 0 {
		return 0
	}
	return len(strings.TrimRight(raw[sep+1:], "0"))
}

// euro writes an amount the Italian way: "1.234,56 euro".
func euro(f float64) string {
	s := strconv.FormatFloat(math.Abs(f), 'f', 2, 64)
	intPart, dec := s[:len(s)-3], s[len(s)-2:]
	var b strings.Builder
	if f < 0 {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	b.WriteString("," + dec + " euro")
	return b.String()
}

// euroEn writes an amount the English way: "EUR 1,234.56".
func euroEn(f float64) string {
	it := strings.TrimSuffix(euro(f), " euro")
	r := strings.NewReplacer(".", ",", ",", ".")
	return "EUR " + r.Replace(it)
}

func dotted(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// itDate writes "2024-12-31" as "31/12/2024".
func itDate(s string) string {
	if len(s) != 10 {
		return s
	}
	return s[8:10] + "/" + s[5:7] + "/" + s[0:4]
}
