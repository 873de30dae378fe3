package validate

import (
	"math"
	"strconv"
	"strings"
)

// formatNumber writes f the Italian way: "." between thousands and ","
// before decimals. decimals < 0 uses as many decimals as needed.
func formatNumber(f float64, decimals int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if f < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	// The first group is shorter when the digits are not a multiple of 3.
	first := len(intPart) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(intPart[:first])
	for i := first; i < len(intPart); i += 3 {
		b.WriteByte('.')
		b.WriteString(intPart[i : i+3])
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// formatEuro writes an amount with two decimals and the euro sign:
// "1.250,00 €".
func formatEuro(f float64) string {
	return formatNumber(f, 2) + " €"
}

// formatInt writes a count with thousands separators: "2.345".
func formatInt(n int) string {
	return formatNumber(float64(n), 0)
}
