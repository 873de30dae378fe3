package site

import (
	"testing"
	"time"
)

func TestFormatter(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	it, en := formatter{"it", rome}, formatter{"en", rome}
	at := time.Date(2026, 7, 3, 22, 30, 0, 0, time.UTC) // 4 July in Rome
	tests := []struct {
		name, got, want string
	}{
		{"number it", it.number(1234567.891, 2), "1.234.567,89"},
		{"number en", en.number(1234567.891, 2), "1,234,567.89"},
		{"small", it.number(999, 0), "999"},
		{"thousand", it.number(1000, 0), "1.000"},
		{"negative", it.number(-1234.5, 1), "-1.234,5"},
		{"negative zero", it.number(-0.001, 2), "0,00"},
		{"auto integer", it.auto(83320), "83.320"},
		{"auto decimals", it.auto(37.12), "37,12"},
		{"auto decimals en", en.auto(1234.5), "1,234.5"},
		{"auto keeps every decimal", it.auto(13.1462), "13,1462"},
		{"auto cents", it.auto(158913.91), "158.913,91"},
		{"auto small", it.auto(-0.000123), "-0,000123"},
		{"auto spreadsheet digits", it.auto(0.1 + 0.2), "0,3"},
		{"plain year", it.plain(2024), "2024"},
		{"cell date it", it.cellDate("2024-12-31"), "31/12/2024"},
		{"cell date en", en.cellDate("2024-12-31"), "31 December 2024"},
		{"cell datetime naive", it.cellDateTime("2024-12-31T14:30:05"), "31/12/2024 14:30:05"},
		{"cell datetime zoned", it.cellDateTime("2024-07-03T22:30:00Z"), "04/07/2024 00:30"},
		{"cell datetime en", en.cellDateTime("2024-12-31T14:30:00"), "31 December 2024, 14:30"},
		{"cell not a date", it.cellDate("31/12"), "31/12"},
		{"money it", it.money(1234567.89), "1.234.567,89\u00a0€"},
		{"money en", en.money(1234567.89), "€1,234,567.89"},
		{"money en negative", en.money(-5), "-€5.00"},
		{"percent it", it.percent(45), "45\u00a0%"},
		{"percent en", en.percent(12.5), "12.5%"},
		{"size bytes", it.size(512), "512 byte"},
		{"size kB", it.size(1536), "1,5\u00a0kB"},
		{"size MB en", en.size(2_500_000), "2.5\u00a0MB"},
		{"date it", it.date(at), "4 luglio 2026"},
		{"date en", en.date(at), "4 July 2026"},
		{"date time it", it.dateTime(at), "4 luglio 2026, ore 00:30"},
		{"zero date", it.date(time.Time{}), ""},
		{"iso date it", it.isoDate("2023-03-01"), "1 marzo 2023"},
		{"iso date en", en.isoDate("2023-03-01"), "1 March 2023"},
		{"one row", it.rows(1), "1 riga"},
		{"rows", it.rows(1234), "1.234 righe"},
		{"rows en", en.rows(2), "2 rows"},
		{"not a date", it.isoDate("marzo"), "marzo"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"M5C2I2.1-2022-001", "m5c2i2-1-2022-001"},
		{"  CUP: H17H21000050006 ", "cup-h17h21000050006"},
		{"Città__di//Como", "citta-di-como"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := slugify(tt.in); got != tt.want {
			t.Errorf("slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
