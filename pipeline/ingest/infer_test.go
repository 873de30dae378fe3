package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

func TestClassifyText(t *testing.T) {
	tests := []struct {
		in    string
		shape shape
		value any
	}{
		{"", shMissing, nil},
		{"N/D", shMissing, nil},
		{"n.d.", shMissing, nil},
		{"ND", shMissing, nil},
		{"-", shMissing, nil},
		{"--", shMissing, nil},
		{"n.a.", shMissing, nil},
		{"2562", shInt, 2562.0},
		{"0", shInt, 0.0},
		{"001001", shCode, "001001"},
		{"1234567890123456", shCode, "1234567890123456"}, // more digits than a float64 keeps
		{"14.880", shAmbig, 14880.0},
		{"1.234", shAmbig, 1234.0},
		{"12.345.678", shGroup, 12345678.0},
		{"13,15", shDecComma, 13.15},
		{"1.234,56", shDecComma, 1234.56},
		{"€ 1.234,56", shDecComma, 1234.56},
		{"1.234,56 EUR", shDecComma, 1234.56},
		{"-1.234,5", shDecComma, -1234.5},
		{"12,5%", shDecComma, 12.5},
		{"12%", shInt, 12.0},
		{"1.5", shDecDot, 1.5},
		{"3.14159", shDecDot, 3.14159},
		{"0.125", shDecDot, 0.125},
		{"1234.567", shDecDot, 1234.567},
		{"1,234.56", shDecDot, 1234.56},
		{"1.5E+06", shDecDot, 1.5e6},
		{"1,234,567", shGroupComma, 1234567.0},
		{"31/12/2024", shDate, "2024-12-31"},
		{"2024-12-31", shDate, "2024-12-31"},
		{"05/10/22", shDate, "2022-10-05"},
		{"31/12/2024 10:30", shDatetime, "2024-12-31T10:30:00"},
		{"2024-12-31T10:30:15", shDatetime, "2024-12-31T10:30:15"},
		{"2024-12-31 10:30:15.250", shDatetime, "2024-12-31T10:30:15"},
		{"2024-12-31T10:30:00Z", shDatetime, "2024-12-31T10:30:00Z"},
		{"2024-12-31T10:30:00+01:00", shDatetime, "2024-12-31T10:30:00+01:00"},
		{"2024-12-31T10:30:00+0100", shDatetime, "2024-12-31T10:30:00+01:00"},
		{"31/02/2024", shText, "31/02/2024"},
		{"2024-12-31T25:00", shText, "2024-12-31T25:00"},
		{"sì", shBool, true},
		{"No", shBool, false},
		{"VERO", shBool, true},
		{"falso", shBool, false},
		{"Agliè", shText, "Agliè"},
		{"F11B22000000001", shText, "F11B22000000001"},
		{"031 123456", shText, "031 123456"},
		{"12,3,4", shGroupComma, 1234.0}, // 1,234 style with a short group is refused below
		{"10:30", shText, "10:30"},
	}
	for _, tt := range tests {
		if tt.in == "12,3,4" {
			continue // not a number at all: see the check below
		}
		sh, v := classifyText(tt.in)
		if sh != tt.shape || v != tt.value {
			t.Errorf("classifyText(%q) = %d %#v, want %d %#v", tt.in, sh, v, tt.shape, tt.value)
		}
	}
	if sh, _ := classifyText("12,3,4"); sh != shText {
		t.Errorf("12,3,4 is %d, want text", sh)
	}
}

// freeCase is a one-column CSV read as a free table.
type freeCase struct {
	name   string
	header string
	values []string
	typ    catalog.FieldType
	want   []any // values of the rows
	unsure bool
}

func TestInferCSVColumns(t *testing.T) {
	tests := []freeCase{
		{name: "integers", header: "Popolazione", values: []string{"2562", "14.880", "104.597", "N/D"},
			typ: catalog.TypeInteger, want: []any{2562.0, 14880.0, 104597.0, nil}},
		{name: "lone 1.234 with a decimal comma: thousands", header: "Importo", values: []string{"1.234", "13,15"},
			typ: catalog.TypeNumber, want: []any{1234.0, 13.15}},
		{name: "lone 1.234 with 12.345.678: thousands", header: "Importo", values: []string{"1.234", "12.345.678"},
			typ: catalog.TypeInteger, want: []any{1234.0, 12345678.0}},
		{name: "lone 1.234 with 1.5: decimal", header: "Indice", values: []string{"1.234", "1.5", "3.14159", "2"},
			typ: catalog.TypeNumber, want: []any{1.234, 1.5, 3.14159, 2.0}},
		{name: "lone 1.234 alone: thousands", header: "Abitanti", values: []string{"1.234", "-", "987"},
			typ: catalog.TypeInteger, want: []any{1234.0, nil, 987.0}},
		{name: "italian decimals", header: "Superficie", values: []string{"13,15", "1.234,56", "7"},
			typ: catalog.TypeNumber, want: []any{13.15, 1234.56, 7.0}},
		{name: "money and percent", header: "Quota", values: []string{"€ 1.200,00", "12,5%", "n.d."},
			typ: catalog.TypeNumber, want: []any{1200.0, 12.5, nil}},
		{name: "english", header: "Amount", values: []string{"1,234.56", "12.5"},
			typ: catalog.TypeNumber, want: []any{1234.56, 12.5}},
		{name: "dot and comma decimals mixed", header: "Valore", values: []string{"1.5", "2,5", "3"},
			typ: catalog.TypeString, want: []any{"1.5", "2,5", "3"}, unsure: true},
		{name: "numbers with a word", header: "Numero richieste", values: []string{"12", "13", "circa 40"},
			typ: catalog.TypeString, want: []any{"12", "13", "circa 40"}, unsure: true},
		{name: "numbers and dates", header: "Valore", values: []string{"12", "31/12/2024"},
			typ: catalog.TypeString, want: []any{"12", "31/12/2024"}, unsure: true},
		{name: "text with a number", header: "Note", values: []string{"da rivedere", "ok", "12"},
			typ: catalog.TypeString, want: []any{"da rivedere", "ok", "12"}},
		{name: "codes with leading zeros", header: "Comune", values: []string{"001001", "13075", "013075"},
			typ: catalog.TypeString, want: []any{"001001", "13075", "013075"}},
		{name: "code by header", header: "Codice ISTAT", values: []string{"13075", "13041"},
			typ: catalog.TypeString, want: []any{"13075", "13041"}},
		{name: "CUP", header: "CUP", values: []string{"F11B22000000001", "J51B21002940006"},
			typ: catalog.TypeString, want: []any{"F11B22000000001", "J51B21002940006"}},
		{name: "CIG of digits", header: "CIG", values: []string{"8123456789", "9012345678"},
			typ: catalog.TypeString, want: []any{"8123456789", "9012345678"}},
		{name: "partita IVA", header: "Partita IVA", values: []string{"12345678901", "00123456789"},
			typ: catalog.TypeString, want: []any{"12345678901", "00123456789"}},
		{name: "codice fiscale", header: "Codice fiscale", values: []string{"80012345678", "RSSMRA80A01C933X"},
			typ: catalog.TypeString, want: []any{"80012345678", "RSSMRA80A01C933X"}},
		{name: "an amount named IVA", header: "Importo IVA", values: []string{"1.234,56", "22"},
			typ: catalog.TypeNumber, want: []any{1234.56, 22.0}},
		{name: "C.F. of digits", header: "C.F.", values: []string{"80012345678", "12345678901"},
			typ: catalog.TypeString, want: []any{"80012345678", "12345678901"}},
		{name: "P. IVA", header: "P. IVA", values: []string{"12345678901"},
			typ: catalog.TypeString, want: []any{"12345678901"}},
		{name: "dates", header: "Data", values: []string{"31/12/2024", "2024-01-15", "", "05/10/22"},
			typ: catalog.TypeDate, want: []any{"2024-12-31", "2024-01-15", nil, "2022-10-05"}},
		{name: "datetimes and dates", header: "Quando", values: []string{"31/12/2024 10:30", "2024-01-15"},
			typ: catalog.TypeDatetime, want: []any{"2024-12-31T10:30:00", "2024-01-15T00:00:00"}},
		{name: "booleans", header: "Attivo", values: []string{"sì", "no", "Si", "NO", "-"},
			typ: catalog.TypeBoolean, want: []any{true, false, true, false, nil}},
		{name: "0 and 1 are numbers", header: "Flag", values: []string{"0", "1"},
			typ: catalog.TypeInteger, want: []any{0.0, 1.0}},
		{name: "all missing", header: "Vuota", values: []string{"N/D", "-"},
			typ: catalog.TypeString, want: []any{nil, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("Riga;" + tt.header + "\n")
			for i, v := range tt.values {
				fmt.Fprintf(&b, "%d;%s\n", i+1, v)
			}
			tb, issues := read(t, "t.csv", []byte(b.String()), Options{Schema: openSchema})
			if got := tb.Columns[1].Type; got != tt.typ {
				t.Errorf("type %q, want %q", got, tt.typ)
			}
			if tb.Columns[0].Type != catalog.TypeInteger {
				t.Errorf("Riga typed %q", tb.Columns[0].Type)
			}
			for i, w := range tt.want {
				if got := tb.Rows[i].Cells[1].Value; got != w {
					t.Errorf("row %d (%q): %#v, want %#v", i, tt.values[i], got, w)
				}
				if tb.Rows[i].Cells[1].Raw != tt.values[i] {
					t.Errorf("row %d: raw %q, want %q", i, tb.Rows[i].Cells[1].Raw, tt.values[i])
				}
			}
			var unsure []catalog.Issue
			for _, is := range issues {
				if is.Rule == "type-unsure" {
					unsure = append(unsure, is)
				}
			}
			if tt.unsure != (len(unsure) == 1) || len(unsure) > 1 {
				t.Fatalf("type-unsure issues %+v, want %v", unsure, tt.unsure)
			}
			if tt.unsure {
				is := unsure[0]
				if is.Severity != catalog.Warning || is.Ref.String() != "t.csv:1:2" || is.Field != slugify(tt.header) ||
					!strings.Contains(is.Message.It, "«"+tt.header+"»") || !strings.Contains(is.Message.En, "“"+tt.header+"”") {
					t.Errorf("issue %+v", is)
				}
			}
		})
	}
}

func TestInferClosedColumnsKeepTheirType(t *testing.T) {
	tb, _ := read(t, "p.csv", []byte("CUP;FINANZIAMENTO _UE;Data inizio;Note\nF11B22000000001;1.234,56;31/12/2024;12\n"), Options{Schema: progettiSchema})
	want := []catalog.FieldType{catalog.TypeString, catalog.TypeNumber, catalog.TypeDate, catalog.TypeString}
	for i, c := range tb.Columns {
		if c.Type != want[i] {
			t.Errorf("%s: %q, want %q", c.Header, c.Type, want[i])
		}
	}
}

// TestInferWorkbook: stored values at full precision, whatever the
// display; date cells of both date systems; codes.
func TestInferWorkbook(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		t.Run(fmt.Sprint("1904=", date1904), func(t *testing.T) {
			f := excelize.NewFile()
			defer f.Close()
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			if date1904 {
				must(f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}))
			}
			s := "Sheet1"
			must(f.SetSheetRow(s, "A1", &[]any{"Richiesta", "Superficie", "Data", "Ora", "Codice", "Cod", "Vero", "Quota"}))
			serial := 45657.0 // 31/12/2024 in the 1900 system
			if date1904 {
				serial -= 1462
			}
			must(f.SetSheetRow(s, "A2", &[]any{158913.91, 13.1462, serial, serial + 0.4375, "001001", 1001, true, 0.125}))
			must(f.SetSheetRow(s, "A3", &[]any{1200, 7, serial + 1, serial + 1.5, "013075", 13075, false, 1}))
			thousands, err := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
			must(err)
			twoDec, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
			must(err)
			day, err := f.NewStyle(&excelize.Style{NumFmt: 14})
			must(err)
			stamp, err := f.NewStyle(&excelize.Style{NumFmt: 22})
			must(err)
			zeros, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("000000")})
			must(err)
			pct, err := f.NewStyle(&excelize.Style{NumFmt: 10})
			must(err)
			must(f.SetCellStyle(s, "A2", "A3", thousands))
			must(f.SetCellStyle(s, "B2", "B3", twoDec))
			must(f.SetCellStyle(s, "C2", "C3", day))
			must(f.SetCellStyle(s, "D2", "D3", stamp))
			must(f.SetCellStyle(s, "F2", "F3", zeros))
			must(f.SetCellStyle(s, "H2", "H3", pct))
			buf, err := f.WriteToBuffer()
			must(err)

			tb, issues := read(t, "ricostruzione.xlsx", buf.Bytes(), Options{Schema: openSchema})
			if len(issues) > 0 {
				t.Errorf("issues %+v", issues)
			}
			wantTypes := []catalog.FieldType{catalog.TypeNumber, catalog.TypeNumber, catalog.TypeDate, catalog.TypeDatetime,
				catalog.TypeString, catalog.TypeString, catalog.TypeBoolean, catalog.TypeNumber}
			wantRows := [][]any{
				{158913.91, 13.1462, "2024-12-31", "2024-12-31T10:30:00", "001001", "001001", true, 0.125},
				{1200.0, 7.0, "2025-01-01", "2025-01-01T12:00:00", "013075", "013075", false, 1.0},
			}
			for j, c := range tb.Columns {
				if c.Type != wantTypes[j] {
					t.Errorf("%s: type %q, want %q", c.Header, c.Type, wantTypes[j])
				}
				for i, w := range wantRows {
					if got := tb.Rows[i].Cells[j]; got.Value != w[j] {
						t.Errorf("%s row %d (shown %q): %#v, want %#v", c.Header, i, got.Raw, got.Value, w[j])
					}
				}
			}
			if raw := tb.Rows[0].Cells[0].Raw; raw != "158.914" {
				t.Errorf("158913.91 shown as %q, want 158.914 (the display stays in Raw)", raw)
			}
		})
	}
}

func TestInferODS(t *testing.T) {
	row := func(cells ...string) string {
		return `<table:table-row>` + strings.Join(cells, "") + `</table:table-row>`
	}
	str := func(s string) string { return odsCell(`office:value-type="string"`, s) }
	content := odsHead + `<table:table table:name="Foglio1">` +
		row(str("Importo"), str("Data"), str("Quando"), str("Codice"), str("Fatto")) +
		row(odsCell(`office:value-type="currency" office:value="158913.91"`, "158.914 €"),
			odsCell(`office:value-type="date" office:date-value="2024-12-31"`, "31/12/24"),
			odsCell(`office:value-type="date" office:date-value="2024-12-31T10:30:00"`, "31/12/24 10:30"),
			odsCell(`office:value-type="float" office:value="1001"`, "001001"),
			odsCell(`office:value-type="boolean" office:boolean-value="true"`, "VERO")) +
		row(odsCell(`office:value-type="percentage" office:value="0.125"`, "13%"),
			str("01/01/2025"),
			str("2025-01-01 08:00"),
			str("013075"),
			odsCell(`office:value-type="boolean" office:boolean-value="false"`, "FALSO")) +
		`</table:table>` + odsTail
	tb, issues := read(t, "t.ods", odsOf(t, content), Options{Schema: openSchema})
	if len(issues) > 0 {
		t.Errorf("issues %+v", issues)
	}
	wantTypes := []catalog.FieldType{catalog.TypeNumber, catalog.TypeDate, catalog.TypeDatetime, catalog.TypeString, catalog.TypeBoolean}
	wantRows := [][]any{
		{158913.91, "2024-12-31", "2024-12-31T10:30:00", "001001", true},
		{0.125, "2025-01-01", "2025-01-01T08:00:00", "013075", false},
	}
	for j, c := range tb.Columns {
		if c.Type != wantTypes[j] {
			t.Errorf("%s: type %q, want %q", c.Header, c.Type, wantTypes[j])
		}
		for i, w := range wantRows {
			if got := tb.Rows[i].Cells[j]; got.Value != w[j] {
				t.Errorf("%s row %d (shown %q): %#v, want %#v", c.Header, i, got.Raw, got.Value, w[j])
			}
		}
	}
}

// TestInferWorkbookTextCells: numbers typed as text in a workbook are read
// by their text; a stored value no spreadsheet writes for a number
// ("14.880") tells a text cell from a number cell.
func TestInferWorkbookTextCells(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	for i, v := range []string{"Abitanti", "14.880", "1.200", "104.597"} {
		if err := f.SetCellStr("Sheet1", fmt.Sprintf("A%d", i+1), v); err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStr("Sheet1", fmt.Sprintf("B%d", i+1), []string{"Nome", "a", "b", "c"}[i]); err != nil {
			t.Fatal(err)
		}
		// number cells of a General format: 1.234 is the number 1.234
		if err := f.SetCellValue("Sheet1", fmt.Sprintf("C%d", i+1), []any{"Indice", 1.234, 2.5, 3}[i]); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := read(t, "t.xlsx", buf.Bytes(), Options{Schema: openSchema})
	if tb.Columns[0].Type != catalog.TypeInteger {
		t.Errorf("type %q", tb.Columns[0].Type)
	}
	for i, w := range []float64{14880, 1200, 104597} {
		if got := tb.Rows[i].Cells[0].Value; got != w {
			t.Errorf("row %d: %#v, want %v", i, got, w)
		}
	}
	if tb.Columns[2].Type != catalog.TypeNumber {
		t.Errorf("Indice typed %q", tb.Columns[2].Type)
	}
	for i, w := range []float64{1.234, 2.5, 3} {
		if got := tb.Rows[i].Cells[2].Value; got != w {
			t.Errorf("Indice row %d: %#v, want %v", i, got, w)
		}
	}
}

// FuzzClassifyText: any text gets a shape, and a typed value is what the
// text says: a finite number its digits give, or a valid ISO date.
func FuzzClassifyText(f *testing.F) {
	for _, s := range []string{"1.234", "14.880", "1.234,56", "€ 12,5", "12%", "31/12/2024 10:30", "2024-12-31T10:30:00+0100", "sì", "001001", "1,234.5", "-", "1e5", "−3,5", "0x1p-2", "Inf", "12.345.678,9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, v := classifyText(strings.TrimSpace(s))
		switch x := v.(type) {
		case float64:
			if x != x || x > 1e308 || x < -1e308 {
				t.Fatalf("%q: %v", s, x)
			}
			p, ok1 := parseNumber(strings.TrimSpace(s))
			d, ok2 := dotDecimal(strings.TrimSpace(s))
			if !(ok1 && p == x) && !(ok2 && d == x) {
				if g, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil || g != x {
					t.Fatalf("%q read as %v, which its text does not say", s, x)
				}
			}
		case string:
			if sh == shDate || sh == shDatetime {
				if _, err := time.Parse("2006-01-02", x[:min(10, len(x))]); err != nil {
					t.Fatalf("%q: date %q", s, x)
				}
			}
		}
	})
}

func TestDateDisplay(t *testing.T) {
	for s, want := range map[string]bool{
		"31/12/2024": true, "12/31/24": true, "31-dic-24": true, "December 2024": true, "10:30": true,
		"31/12/2024 10:30": true, "2024-12-31": true,
		"1 1/2": false, "3 settimane": false, "1.234,56": false, "12%": false, "€ 1.200": false, "120 mq": false, "": false,
	} {
		if got := dateDisplay(s); got != want {
			t.Errorf("dateDisplay(%q) = %v", s, got)
		}
	}
}
