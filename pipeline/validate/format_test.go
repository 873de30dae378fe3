package validate

import "testing"

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		in       float64
		decimals int
		want     string
	}{
		{0, 2, "0,00"},
		{0, -1, "0"},
		{12, -1, "12"},
		{123, 0, "123"},
		{1234, 0, "1.234"},
		{1234.5, 2, "1.234,50"},
		{1234.56, -1, "1.234,56"},
		{999999.999, 2, "1.000.000,00"},
		{1250000, 2, "1.250.000,00"},
		{-1234.5, 2, "-1.234,50"},
		{-0.001, 2, "0,00"},
		{0.5, -1, "0,5"},
		{100, -1, "100"},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.in, tt.decimals); got != tt.want {
			t.Errorf("formatNumber(%v, %d) = %q, want %q", tt.in, tt.decimals, got, tt.want)
		}
	}
}

func TestFormatEuroAndInt(t *testing.T) {
	if got := formatEuro(1250); got != "1.250,00 €" {
		t.Errorf("formatEuro(1250) = %q", got)
	}
	if got := formatInt(2345); got != "2.345" {
		t.Errorf("formatInt(2345) = %q", got)
	}
}
