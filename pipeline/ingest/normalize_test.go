package ingest

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

func TestParseNumber(t *testing.T) {
	cases := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1234.5", 1234.5, true},
		{"1234", 1234, true},
		{"-12", -12, true},
		{"1.234,56", 1234.56, true},
		{"114.000.000", 114000000, true},
		{"350,00", 350, true},
		{"0,5", 0.5, true},
		{"€ 1.200", 1200, true},
		{"1.200 €", 1200, true},
		{"EUR 1.234.567,89", 1234567.89, true},
		{"-€ 10,50", -10.5, true},
		{"12%", 12, true},
		{"12,5 %", 12.5, true},
		{"1,234.56", 1234.56, true},
		{"1,234,567", 1234567, true},
		{"0.125", 0.125, true},
		{"1.5", 1.5, true},
		{"1.200", 1200, true}, // Italian thousands
		{"1 234,5", 1234.5, true},
		{"1\u00a0234,5", 1234.5, true},
		{"1'234.50", 1234.5, true},
		{"1.5E+06", 1500000, true},
		{"−3", -3, true},
		{"12,3,4", 0, false},
		{"1.23.4", 0, false},
		{"1.234.56", 0, false},
		{"12a", 0, false},
		{"abc", 0, false},
		{"€", 0, false},
		{".", 0, false},
		{"1,2.3,4", 0, false},
		{"1e999", 0, false},
	}
	for _, tc := range cases {
		got, ok := parseNumber(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("parseNumber(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseDate(t *testing.T) {
	cases := []struct{ in, want string }{
		{"31/12/2024", "2024-12-31"},
		{"1/2/2024", "2024-02-01"},
		{"05/10/22", "2022-10-05"},
		{"05/10/69", "2069-10-05"},
		{"05/10/70", "1970-10-05"},
		{"31-12-2024", "2024-12-31"},
		{"31.12.2024", "2024-12-31"},
		{"2024-12-31", "2024-12-31"},
		{"2024/12/31", "2024-12-31"},
		{"2024-12-31T10:00:00+01:00", "2024-12-31"},
		{"2024-12-31T23:30:00-05:00", "2024-12-31"}, // its own zone's date
		{"31/12/2024 10:30", "2024-12-31"},
		{"29/02/2024", "2024-02-29"},
		{"29/02/2023", ""},
		{"31/04/2024", ""},
		{"13/13/2024", ""},
		{"31/12-2024", ""},
		{"2024", ""},
		{"31/12/2024 e poi", ""},
		{"ieri", ""},
		{"2024-13-01", ""},
	}
	for _, tc := range cases {
		got, ok := parseDate(tc.in)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("parseDate(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

func TestSerialDate(t *testing.T) {
	cases := []struct {
		serial float64
		d1904  bool
		want   string
	}{
		{1, false, "1900-01-01"},
		{59, false, "1900-02-28"},
		{61, false, "1900-03-01"},
		{45657, false, "2024-12-31"},
		{45657.75, false, "2024-12-31"},
		{17816.607951388887, true, "1952-10-11"}, // POI DateFormatTests.xlsx, a 1904 workbook
		{2958465, false, "9999-12-31"},
		{44195, true, "2024-12-31"},
		{0, false, ""},
		{2958466, false, ""},
	}
	for _, tc := range cases {
		got, ok := serialDate(tc.serial, tc.d1904)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("serialDate(%v, %v) = %q, %v; want %q", tc.serial, tc.d1904, got, ok, tc.want)
		}
	}
}

func TestConvCell(t *testing.T) {
	num := conv{kind: kindNumber}
	pct := conv{kind: kindNumber, pct: true}
	integer := conv{kind: kindInteger}
	date := conv{kind: kindDate}
	datetime := conv{kind: kindDatetime}
	boolean := conv{kind: kindBool}
	code := conv{kind: kindCode}
	str := conv{kind: kindString}
	cases := []struct {
		name      string
		c         conv
		text, raw string
		k         byte
		want      any
		problem   string
	}{
		{"missing N/D", num, "N/D", "", 0, nil, ""},
		{"missing n.d.", str, " n.d. ", "", 0, nil, ""},
		{"missing ND", date, "ND", "", 0, nil, ""},
		{"missing dash", boolean, "-", "", 0, nil, ""},
		{"missing double dash", code, "--", "", 0, nil, ""},
		{"missing n/a", integer, "N/A", "", 0, nil, ""},
		{"empty", num, "  ", "", 0, nil, ""},
		{"number italian", num, "1.234,56", "", 0, 1234.56, ""},
		{"number bad", num, "12 euro circa", "", 0, "12 euro circa", "number"},
		{"number full precision over display", num, "1,234.57", "1234.5678", 'n', 1234.5678, ""},
		{"number stored shown as dash", num, " - ", "0", 'n', 0.0, ""},
		{"percent stored as fraction", pct, "12%", "0.12", 'n', 12.0, ""},
		{"percent text", pct, "12%", "", 0, 12.0, ""},
		{"integer", integer, "1.000", "", 0, 1000.0, ""},
		{"integer not whole", integer, "2,5", "", 0, "2,5", "integer"},
		{"integer not a number", integer, "tre", "", 0, "tre", "integer"},
		{"date serial", date, "12/31/24", "45657", 'n', "2024-12-31", ""},
		{"date ods", date, "31/12/24", "2024-12-31T00:00:00", 'd', "2024-12-31", ""},
		{"date text", date, "31.12.2024", "", 0, "2024-12-31", ""},
		{"date stored text", date, "31/12/2024", "31/12/2024", 'n', "2024-12-31", ""},
		{"date bad", date, "31/02/2024", "", 0, "31/02/2024", "date"},
		// PA digitale 2026 writes its datetimes as Java does.
		{"datetime publisher's zone", datetime, "2022-09-13T14:28:22.000+0000", "", 0, "2022-09-13T14:28:22+00:00", ""},
		{"datetime italian", datetime, "13/09/2022 14:28", "", 0, "2022-09-13T14:28:00", ""},
		{"datetime date alone", datetime, "13/09/2022", "", 0, "2022-09-13T00:00:00", ""},
		{"datetime serial", datetime, "13/09/2022 14:28", "44817.6027777778", 'n', "2022-09-13T14:28:00", ""},
		{"datetime ods", datetime, "13/09/22 14:28", "2022-09-13T14:28:00", 'd', "2022-09-13T14:28:00", ""},
		{"datetime bad", datetime, "13/09/2022 25:61", "", 0, "13/09/2022 25:61", "date"},
		{"bool sì", boolean, "Sì", "", 0, true, ""},
		{"bool x", boolean, "x", "", 0, true, ""},
		{"bool FALSO", boolean, "FALSO", "", 0, false, ""},
		{"bool 0", boolean, "0", "", 0, false, ""},
		{"bool stored", boolean, "VERO", "1", 'b', true, ""},
		{"bool bad", boolean, "boh", "", 0, "boh", "boolean"},
		{"code keeps zeros", code, " 003 ", "", 0, "003", ""},
		{"code stored number as shown", code, "13041", "13041", 'n', "13041", ""},
		{"string trimmed newline kept", str, "  Scuola\nprimaria ", "", 0, "Scuola\nprimaria", ""},
	}
	for _, tc := range cases {
		got := tc.c.cell(tc.text, tc.raw, tc.k)
		if got.Raw != tc.text || got.Value != tc.want || got.Problem != tc.problem {
			t.Errorf("%s: cell(%q, %q) = %+v, want value %#v problem %q", tc.name, tc.text, tc.raw, got, tc.want, tc.problem)
		}
	}
}

func TestHeaderMatching(t *testing.T) {
	m := newMatcher(&catalog.Schema{Fields: []catalog.Field{
		{Name: "finanziamento_ue", Aliases: []string{"finanziamento ue"}},
		{Name: "codice_istat", Title: catalog.Text{It: "Codice ISTAT del comune", En: "Municipality code"}, Aliases: []string{"cod. istat"}},
		{Name: "citta", Title: catalog.Text{It: "Città"}},
	}})
	cases := []struct{ header, want string }{
		{"FINANZIAMENTO _UE", "finanziamento_ue"},
		{"Finanziamento UE", "finanziamento_ue"},
		{" finanziamento\n  ue ", "finanziamento_ue"},
		{"finanziamento_ue", "finanziamento_ue"},
		{"Cod.ISTAT", "codice_istat"},
		{"COD ISTAT", "codice_istat"},
		{"codice istat del comune", "codice_istat"},
		{"Municipality Code", "codice_istat"},
		{"CITTA'", "citta"},
		{"città", "citta"},
		{"\ufeffCittà", "citta"},
		{"Finanziamento", ""},
		{"", ""},
	}
	for _, tc := range cases {
		f, ok := m.match(tc.header)
		if (tc.want == "") == ok || f.Name != tc.want {
			t.Errorf("match(%q) = %q, %v; want %q", tc.header, f.Name, ok, tc.want)
		}
	}
	slugs := map[string]string{
		"Codice dell'Unità territoriale \n(valida a fini statistici)": "codice_dell_unita_territoriale_valida_a_fini_statistici",
		"FINANZIAMENTO _UE": "finanziamento_ue",
		"Importo (€)":       "importo",
		"  ":                "",
		"Città":             "citta",
	}
	for in, want := range slugs {
		if got := slugify(in); got != want {
			t.Errorf("slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestItalianDisplay(t *testing.T) {
	cases := []struct{ text, raw, want string }{
		{"1,234.57", "1234.5678", "1.234,57"},
		{"12.50%", "0.125", "12,50%"},
		{"€ 1,200.00", "1200", "€ 1.200,00"},
		{"(1,234.00)", "-1234", "(1.234,00)"},
		{"2,562", "2562", "2.562"},
		{"13.15", "13.1462", "13,15"},
		{"1.5E+03", "1500", "1,5E+03"},
		{"31.12.2024", "45657", "31.12.2024"},
		{"31/12/2024", "45657", "31/12/2024"},
		{"14:35:27.000", "0.6", "14:35:27.000"},
		{"Scuola", "Scuola", "Scuola"},
		{"1,234.57", "testo", "1,234.57"}, // not a stored number
		{"12,34,5", "1234", "12,34,5"},
	}
	for _, tc := range cases {
		if got := italianDisplay(tc.text, tc.raw); got != tc.want {
			t.Errorf("italianDisplay(%q, %q) = %q, want %q", tc.text, tc.raw, got, tc.want)
		}
	}
}

// TestParseNumberExact: the arithmetic fast path gives the float64 that
// strconv gives for the same digits, for Italian and plain spellings.
func TestParseNumberExact(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 12))
	for range 20000 {
		intPart := strconv.FormatUint(r.Uint64N(1_000_000_000_000), 10)
		frac := strconv.FormatUint(r.Uint64N(1_000_000_000), 10)
		frac = frac[:1+r.IntN(len(frac))]
		want, err := strconv.ParseFloat(intPart+"."+frac, 64)
		if err != nil {
			t.Fatal(err)
		}
		// Italian: dot thousands, decimal comma
		var it []byte
		for i := range len(intPart) {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				it = append(it, '.')
			}
			it = append(it, intPart[i])
		}
		for _, s := range []string{string(it) + "," + frac, intPart + "," + frac, "€ " + string(it) + "," + frac} {
			if got, ok := parseNumber(s); !ok || got != want {
				t.Fatalf("parseNumber(%q) = %v %v, want %v", s, got, ok, want)
			}
		}
		if got, ok := parseNumber("-" + intPart + "," + frac); !ok || got != -want {
			t.Fatalf("parseNumber(-%s,%s) = %v", intPart, frac, got)
		}
	}
}
