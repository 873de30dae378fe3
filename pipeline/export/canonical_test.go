package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// typedTable is a free table as ingest reads it since tables carry types:
// the values of ISTAT's workbook of comuni and of a reconstruction office's
// requests (see testdata/README.md), with the shapes that trip writers.
func typedTable() *catalog.Table {
	col := func(name string, typ catalog.FieldType) catalog.Column {
		return catalog.Column{Header: name, Field: name, Type: typ}
	}
	return &catalog.Table{File: "comuni.xlsx", Sheet: "Foglio1", Columns: []catalog.Column{
		col("codice_comune", catalog.TypeString),
		col("denominazione", catalog.TypeString),
		col("popolazione", catalog.TypeInteger),
		col("superficie_kmq", catalog.TypeNumber),
		col("importo_richiesto", catalog.TypeNumber),
		col("anno", catalog.TypeInteger),
		col("data_domanda", catalog.TypeDate),
		col("aggiornato", catalog.TypeDatetime),
		col("attivo", catalog.TypeBoolean),
		col("note", catalog.TypeString),
	}, Rows: []catalog.Row{
		{Line: 2, Cells: cells("001001", "Agliè", 2562.0, 13.1462, 158913.91, 2024.0, "2024-12-31", "2024-12-31T14:30:05", true, "Rete \"fibra\", lotto 2\nseconda riga")},
		{Line: 3, Cells: cells("013075", "Como", 83320.0, 37.12, 1234567.5, 2023.0, "2023-03-01", "2024-01-02T10:00:00+01:00", false, "=HYPERLINK(\"http://x\")")},
		{Line: 4, Cells: cells("013047", "Brunate", 1746.0, 8.0, 0.1, 2022.0, "1999-01-01", "2024-06-30T23:59:59Z", nil, "-5")},
		{Line: 5, Cells: cells("097000", "", -3.0, nil, -0.000123, 1999.0, nil, nil, true, "@SUM(A1)")},
	}}
}

func cells(values ...any) []catalog.Cell {
	out := make([]catalog.Cell, len(values))
	for i, v := range values {
		out[i] = catalog.Cell{Value: v}
		if v != nil {
			out[i].Raw = fmt.Sprint(v)
		}
	}
	return out
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n got %s\nwant %s", name, got, want)
	}
}

func write(t *testing.T, w func(*bytes.Buffer, *catalog.Table, []string) error, tb *catalog.Table) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := w(&buf, tb, Fields(tb, nil)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCanonicalCSV(t *testing.T) {
	data := write(t, WriteCSV, typedTable())
	golden(t, "typed.csv", data)
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"codice_comune", "denominazione", "popolazione", "superficie_kmq", "importo_richiesto", "anno", "data_domanda", "aggiornato", "attivo", "note"},
		{"001001", "Agliè", "2562", "13.1462", "158913.91", "2024", "2024-12-31", "2024-12-31T14:30:05", "true", "Rete \"fibra\", lotto 2\nseconda riga"},
		{"013075", "Como", "83320", "37.12", "1234567.5", "2023", "2023-03-01", "2024-01-02T10:00:00+01:00", "false", "'=HYPERLINK(\"http://x\")"},
		{"013047", "Brunate", "1746", "8", "0.1", "2022", "1999-01-01", "2024-06-30T23:59:59Z", "", "'-5"},
		// A negative number is a number, not a formula: no apostrophe.
		{"097000", "", "-3", "", "-0.000123", "1999", "", "", "true", "'@SUM(A1)"},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("csv:\n got %q\nwant %q", recs, want)
	}
}

func TestCanonicalJSON(t *testing.T) {
	data := write(t, WriteJSON, typedTable())
	golden(t, "typed.json", data)
	var rows []map[string]any
	if err := json.Unmarshal(data, &rows); err != nil {
		t.Fatal(err)
	}
	first := rows[0]
	want := map[string]any{
		"codice_comune": "001001", "denominazione": "Agliè", "popolazione": 2562.0, "superficie_kmq": 13.1462,
		"importo_richiesto": 158913.91, "anno": 2024.0, "data_domanda": "2024-12-31", "aggiornato": "2024-12-31T14:30:05",
		"attivo": true, "note": "Rete \"fibra\", lotto 2\nseconda riga",
	}
	if !reflect.DeepEqual(first, want) {
		t.Errorf("first row:\n got %#v\nwant %#v", first, want)
	}
	// Numbers are written as numbers, never exponents, never strings.
	for _, s := range []string{`"popolazione": 2562,`, `"importo_richiesto": -0.000123,`, `"attivo": null,`} {
		if !bytes.Contains(data, []byte(s)) {
			t.Errorf("JSON lacks %s:\n%s", s, data)
		}
	}
}

// xlsxDump lists every cell of the sheet with its type, stored value and
// number format: a golden file a person can read.
func xlsxDump(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("dati", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for r, row := range rows {
		for c := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			typ, _ := f.GetCellType("dati", ref)
			raw, _ := f.GetCellValue("dati", ref, excelize.Options{RawCellValue: true})
			shown, _ := f.GetCellValue("dati", ref)
			fmt.Fprintf(&b, "%s\t%s\t%q\t%s\t%q\n", ref, cellType(typ), raw, numFmt(t, f, ref), shown)
		}
	}
	return b.String()
}

func cellType(t excelize.CellType) string {
	return map[excelize.CellType]string{
		excelize.CellTypeUnset: "number", excelize.CellTypeBool: "bool", excelize.CellTypeInlineString: "text",
		excelize.CellTypeSharedString: "shared", excelize.CellTypeNumber: "number", excelize.CellTypeDate: "date",
	}[t]
}

func numFmt(t *testing.T, f *excelize.File, ref string) string {
	id, err := f.GetCellStyle("dati", ref)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if s.CustomNumFmt != nil {
		return *s.CustomNumFmt
	}
	return "General"
}

func TestCanonicalXLSX(t *testing.T) {
	data := write(t, WriteXLSX, typedTable())
	dump := xlsxDump(t, data)
	golden(t, "typed.xlsx.txt", []byte(dump))
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tests := []struct {
		cell, typ, raw, format string
	}{
		{"A2", "text", "001001", "General"},       // a code keeps its zeros
		{"C2", "number", "2562", "#,##0"},         // an integer
		{"F2", "number", "2024", "0"},             // years: no separator
		{"D2", "number", "13.1462", "#,##0.0000"}, // each value its decimals
		{"D4", "number", "8", "#,##0"},            // ... and no invented ones
		{"E2", "number", "158913.91", "#,##0.00"}, // cents kept
		{"E5", "number", "-0.000123", "#,##0.000000"},
		{"G2", "number", "45657", "dd/mm/yyyy"}, // a real date
		{"H2", "number", "45657.6042245371", "dd/mm/yyyy hh:mm:ss"},
		{"H3", "number", "45293.4166666667", "dd/mm/yyyy hh:mm:ss"}, // the clock time as written
		{"I2", "bool", "1", "General"},
		{"J3", "text", "=HYPERLINK(\"http://x\")", "General"}, // a text cell is never a formula
		{"J4", "text", "-5", "General"},
	}
	for _, tt := range tests {
		typ, _ := f.GetCellType("dati", tt.cell)
		raw, _ := f.GetCellValue("dati", tt.cell, excelize.Options{RawCellValue: true})
		if cellType(typ) != tt.typ || raw != tt.raw || numFmt(t, f, tt.cell) != tt.format {
			t.Errorf("%s: %s %q %q, want %s %q %q", tt.cell, cellType(typ), raw, numFmt(t, f, tt.cell), tt.typ, tt.raw, tt.format)
		}
		if formula, _ := f.GetCellFormula("dati", tt.cell); formula != "" {
			t.Errorf("%s holds a formula %q", tt.cell, formula)
		}
	}
	// The day numbers are the dates: excelize reads them back.
	got, _ := f.GetCellValue("dati", "G2")
	if got != "31/12/2024" {
		t.Errorf("G2 shows %q", got)
	}
}

// randomTable makes a table of every type with values drawn from the whole
// range of each, text with the characters that trip CSV and spreadsheets.
func randomTable(r *rand.Rand, rows int) *catalog.Table {
	types := []catalog.FieldType{catalog.TypeInteger, catalog.TypeNumber, catalog.TypeNumber, catalog.TypeDate, catalog.TypeDatetime, catalog.TypeBoolean, catalog.TypeString, catalog.TypeString}
	t := &catalog.Table{}
	for i, typ := range types {
		name := fmt.Sprintf("c%d_%s", i, typ)
		t.Columns = append(t.Columns, catalog.Column{Header: name, Field: name, Type: typ})
	}
	zones := []string{"", "Z", "+01:00", "-05:30", "+14:00"}
	const alphabet = "aàZ09 ,;\"\n\r\t=+-@'.€\u00a0ß😀"
	runes := []rune(alphabet)
	for range rows {
		row := catalog.Row{Cells: make([]catalog.Cell, len(types))}
		for i, typ := range types {
			if r.IntN(8) == 0 {
				continue // missing
			}
			var v any
			switch typ {
			case catalog.TypeInteger:
				v = float64(r.Int64N(1<<53) - 1<<52)
			case catalog.TypeNumber:
				switch r.IntN(3) {
				case 0: // any finite double
					for {
						x := math.Float64frombits(r.Uint64())
						if !math.IsNaN(x) && !math.IsInf(x, 0) {
							v = x
							break
						}
					}
				case 1: // an amount with cents
					v = float64(r.Int64N(1e12)-5e11) / 100
				default: // a measure with a few decimals
					v = r.Float64() * math.Pow(10, float64(r.IntN(12)-4))
				}
			case catalog.TypeDate:
				v = time.Date(1+r.IntN(9999), 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(365)).Format(time.DateOnly)
			case catalog.TypeDatetime:
				d := time.Date(1900+r.IntN(200), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), 0, time.UTC)
				v = d.Format("2006-01-02T15:04:05") + zones[r.IntN(len(zones))]
			case catalog.TypeBoolean:
				v = r.IntN(2) == 0
			default:
				var b strings.Builder
				for range r.IntN(12) {
					b.WriteRune(runes[r.IntN(len(runes))])
				}
				v = b.String()
			}
			row.Cells[i] = catalog.Cell{Value: v}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// canonical is the text a value's canonical form has in the CSV, stated
// here apart from the writer: numbers in shortest round-trip notation,
// ISO dates as they are, booleans true/false, text with an apostrophe
// before what a spreadsheet would run and with line ends as LF.
func canonical(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		if x == 0 {
			return "0"
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case string:
		if x != "" && strings.ContainsRune("=+-@\t\r", rune(x[0])) {
			x = "'" + x
		}
		return strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(x)
	}
	panic(fmt.Sprintf("unexpected %T", v))
}

// TestCSVGivesBackCanonicalValues is the property: any typed table written
// as canonical CSV and read back gives, for every cell, its value's
// canonical text, and that text parses back to the very value.
func TestCSVGivesBackCanonicalValues(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 12))
		tb := randomTable(r, 300)
		recs, err := csv.NewReader(bytes.NewReader(write(t, WriteCSV, tb))).ReadAll()
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(recs) != len(tb.Rows)+1 {
			t.Fatalf("seed %d: %d records for %d rows", seed, len(recs), len(tb.Rows))
		}
		for i, row := range tb.Rows {
			for j, c := range row.Cells {
				got, typ := recs[i+1][j], tb.Columns[j].Type
				if want := canonical(c.Value); got != want {
					t.Fatalf("seed %d row %d %s: got %q, want %q (value %#v)", seed, i, typ, got, want, c.Value)
				}
				if err := parsesBack(got, typ, c.Value); err != nil {
					t.Fatalf("seed %d row %d %s: %v", seed, i, typ, err)
				}
			}
		}
	}
}

func parsesBack(s string, typ catalog.FieldType, v any) error {
	if v == nil {
		return nil
	}
	switch typ {
	case catalog.TypeInteger:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || float64(n) != v {
			return fmt.Errorf("%q is not the integer %v", s, v)
		}
	case catalog.TypeNumber:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || x != v || strings.ContainsAny(s, "eE,") {
			return fmt.Errorf("%q does not read back as %v in plain notation", s, v)
		}
	case catalog.TypeDate:
		d, err := time.Parse(time.DateOnly, s)
		if err != nil || d.Format(time.DateOnly) != v {
			return fmt.Errorf("%q is not the date %v", s, v)
		}
	case catalog.TypeDatetime:
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			if _, err := time.Parse("2006-01-02T15:04:05", s); err != nil {
				return fmt.Errorf("%q is not a datetime", s)
			}
		}
	case catalog.TypeBoolean:
		b, err := strconv.ParseBool(s)
		if err != nil || b != v {
			return fmt.Errorf("%q is not %v", s, v)
		}
	}
	return nil
}

// A version stored before tables carried types gets them from its closed
// schema; a free table keeps what ingest inferred; codes stay text.
func TestTypedFillsTypesFromTheSchema(t *testing.T) {
	old := sample() // no Column.Type, as stored before issue 12
	typed := Typed(old, projects)
	var got []catalog.FieldType
	for _, c := range typed.Columns {
		got = append(got, c.Type)
	}
	want := []catalog.FieldType{"", "", catalog.TypeString, catalog.TypeNumber, ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("types %q, want %q", got, want)
	}
	if old.Columns[3].Type != "" {
		t.Error("Typed changed the stored table")
	}
	free := typedTable()
	if Typed(free, &catalog.Schema{Name: "tabella", Open: true}) != free {
		t.Error("a free table's inferred types must be kept as they are")
	}
	// The closed schema's date field, once typed, is a real date in the workbook.
	tb := &catalog.Table{Columns: []catalog.Column{{Field: "data_convenzione"}}, Rows: []catalog.Row{{Cells: cells("2024-12-31")}}}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, Typed(tb, projects), []string{"data_convenzione"}); err != nil {
		t.Fatal(err)
	}
	if dump := xlsxDump(t, buf.Bytes()); !strings.Contains(dump, "A2\tnumber\t\"45657\"\tdd/mm/yyyy") {
		t.Errorf("closed schema date:\n%s", dump)
	}
}

// Values at the edges of what a workbook shows: more decimals than a
// format may have, dates before the workbook's first day, a lone CR.
func TestXLSXEdges(t *testing.T) {
	tb := &catalog.Table{Columns: []catalog.Column{
		{Field: "x", Type: catalog.TypeNumber}, {Field: "d", Type: catalog.TypeDate}, {Field: "s", Type: catalog.TypeString},
	}, Rows: []catalog.Row{
		{Cells: cells(8.570283558600336e-98, "1899-12-31", "a\rb")},
		{Cells: cells(0.0006224553952262382, "1900-03-01", "a\r\nb")},
	}}
	dump := xlsxDump(t, write(t, WriteXLSX, tb))
	for _, want := range []string{
		"\t0.##############E+00\t\"8.57028355860034E-98\"",
		"A3\tnumber\t\"0.000622455395226238\"\t#,##0.000000000000000000\t", // 18 decimals shown
		"B2\ttext\t\"1899-12-31\"",                                         // before 1 March 1900: text
		"B3\tnumber\t\"61\"\tdd/mm/yyyy",                                   // LibreOffice and Excel agree from here
		"C2\ttext\t\"a\\nb\"", "C3\ttext\t\"a\\nb\"",
	} {
		if !strings.Contains(dump, want) {
			t.Errorf("the workbook lacks %q:\n%s", want, dump)
		}
	}
}

// BenchmarkWriters writes a typed table of 20,000 rows in each format.
func BenchmarkWriters(b *testing.B) {
	tb := randomTable(rand.New(rand.NewPCG(1, 2)), 20000)
	fields := Fields(tb, nil)
	for _, f := range formats {
		b.Run(f.ext, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := f.write(&buf, tb, fields); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(tb.Rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
