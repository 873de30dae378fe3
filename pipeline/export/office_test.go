package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/xuri/excelize/v2"
)

// A real client reads our workbooks: LibreOffice, headless, converts each
// XLSX download to CSV the way an Italian clerk sees the cells (numbers,
// dates and booleans as the cell formats show them, in the it-IT locale),
// and every value must be the one our CSV download holds. Skipped when
// soffice is missing, unless OPENDATA_REQUIRE_OFFICE=1 (CI).

// Soffice returns the LibreOffice program, or skips the test.
func Soffice(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("OPENDATA_REQUIRE_OFFICE") == "1" {
		t.Fatal("soffice is missing and OPENDATA_REQUIRE_OFFICE=1: install libreoffice-calc-nogui (scripts/setup.sh does)")
	}
	t.Skip("soffice is missing: install libreoffice-calc-nogui to run the real-client test")
	return ""
}

// OfficeCSV converts workbooks to CSV with LibreOffice, in one run: the
// cells as shown, comma-separated, UTF-8. Each call has its own profile
// folder so that parallel runs do not share a lock.
func OfficeCSV(t testing.TB, soffice string, workbooks ...[]byte) [][][]string {
	t.Helper()
	dir := t.TempDir()
	args := []string{"-env:UserInstallation=" + (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(dir, "profile"))}).String(),
		"--headless", "--norestore",
		// Filter options: comma, double quote, UTF-8 (76), from line 1;
		// the last token saves the cell contents as shown.
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
		"--outdir", filepath.Join(dir, "out")}
	for i, b := range workbooks {
		in := filepath.Join(dir, fmt.Sprintf("w%d.xlsx", i))
		if err := os.WriteFile(in, b, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, in)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=it_IT.UTF-8", "LANG=it_IT.UTF-8", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	var all [][][]string
	for i := range workbooks {
		data, err := os.ReadFile(filepath.Join(dir, "out", fmt.Sprintf("w%d.csv", i)))
		if err != nil {
			t.Fatalf("soffice wrote no CSV: %v\n%s", err, out)
		}
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatalf("soffice's CSV: %v\n%s", err, data)
		}
		all = append(all, recs)
	}
	return all
}

// SameAsOurs compares LibreOffice's view of a workbook with our CSV
// download of the same table, cell by cell, by each column's type.
// It returns one line per difference.
func SameAsOurs(theirs, ours [][]string, types []catalog.FieldType) []string {
	var diffs []string
	if len(theirs) != len(ours) {
		diffs = append(diffs, fmt.Sprintf("LibreOffice has %d rows, our CSV %d", len(theirs), len(ours)))
	}
	for r := range min(len(theirs), len(ours)) {
		for c := range ours[r] {
			var got string
			if c < len(theirs[r]) {
				got = theirs[r][c]
			}
			want := ours[r][c]
			typ := catalog.TypeString
			if r > 0 && c < len(types) {
				typ = types[c]
			}
			if !sameValue(got, want, typ) {
				diffs = append(diffs, fmt.Sprintf("row %d column %d (%s): LibreOffice shows %q, our CSV has %q", r+1, c+1, typ, got, want))
			}
		}
	}
	return diffs
}

func sameValue(shown, ours string, typ catalog.FieldType) bool {
	if ours == "" || shown == "" {
		return ours == shown
	}
	switch typ {
	case catalog.TypeInteger, catalog.TypeNumber:
		// it-IT: a dot groups thousands, a comma marks decimals.
		got, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(shown, ".", ""), ",", "."), 64)
		if err != nil {
			return false
		}
		want, err := strconv.ParseFloat(ours, 64)
		if err != nil {
			return false
		}
		// A spreadsheet keeps 15 significant digits.
		want, _ = strconv.ParseFloat(strconv.FormatFloat(want, 'g', 15, 64), 64)
		return got == want
	case catalog.TypeDate:
		d, err := time.Parse(time.DateOnly, ours)
		if err != nil || d.Before(excelFirst) {
			return shown == ours // a date a workbook cannot hold stays text
		}
		return shown == d.Format("02/01/2006")
	case catalog.TypeDatetime:
		d, err := time.Parse(time.RFC3339, ours)
		if err != nil {
			if d, err = time.Parse("2006-01-02T15:04:05", ours); err != nil {
				return shown == ours
			}
		}
		if d.Year() < 1900 || (d.Year() == 1900 && d.Month() < time.March) {
			return shown == ours // before the workbook's first day: text
		}
		// The clock time as written; minutes alone when no value of the
		// column has seconds.
		want := d.Format("02/01/2006 15:04:05")
		return shown == want || (d.Second() == 0 && shown == want[:16])
	case catalog.TypeBoolean:
		return shown == map[string]string{"true": "VERO", "false": "FALSO"}[ours]
	}
	// Text: the CSV's apostrophe before what a spreadsheet would run is
	// not needed in a workbook, whose text cells are never formulas (a
	// leading CR is a LF by then, as every line end).
	return shown == ours || (ours == "'"+shown && strings.ContainsRune("=+-@\t\r\n", rune(shown[0])))
}

func typesOf(t *catalog.Table, fields []string) []catalog.FieldType {
	out := make([]catalog.FieldType, len(fields))
	for i, c := range columnIndex(t, fields) {
		out[i] = catalog.TypeString
		if c >= 0 && t.Columns[c].Type != "" {
			out[i] = t.Columns[c].Type
		}
	}
	return out
}

// officeCheck writes each table as XLSX and CSV and compares LibreOffice's
// reading of the one with the other.
func officeCheck(t *testing.T, soffice string, tables map[string]*catalog.Table) {
	t.Helper()
	var names []string
	var workbooks [][]byte
	ours := map[string][][]string{}
	for name, tb := range tables {
		fields := Fields(tb, nil)
		var x, c bytes.Buffer
		if err := WriteXLSX(&x, tb, fields); err != nil {
			t.Fatal(err)
		}
		if err := WriteCSV(&c, tb, fields); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&c).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		names, workbooks, ours[name] = append(names, name), append(workbooks, x.Bytes()), recs
	}
	for i, theirs := range OfficeCSV(t, soffice, workbooks...) {
		name := names[i]
		for _, d := range SameAsOurs(theirs, ours[name], typesOf(tables[name], Fields(tables[name], nil))) {
			t.Errorf("%s: %s", name, d)
		}
	}
}

func TestOfficeReadsOurWorkbook(t *testing.T) {
	officeCheck(t, Soffice(t), map[string]*catalog.Table{
		"typed": typedTable(), "istat": istatTable(t),
		// Values from the whole range of each type, as the CSV property
		// test draws them.
		"random": randomTable(rand.New(rand.NewPCG(7, 12)), 200),
	})
}

// istatTable reads ISTAT's workbook of comuni (../shared/data/istat, see
// testdata/README.md) as a free table with the types ingest infers: the
// stored values at full precision (13.1462 km², not the 13,15 the sheet
// shows), codes as text. The comuni of Como and the first of Piedmont.
func istatTable(t *testing.T) *catalog.Table {
	t.Helper()
	file := filepath.Join("..", "..", "..", "shared", "data", "istat", "istat_Classificazioni-statistiche-e-dimensione-dei-comuni_01_01_2023.xlsx")
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Comuni 01-01-2023", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	// Columns of the sheet: B code (text), D name, F area, G legal
	// population, J altitude.
	tb := &catalog.Table{File: filepath.Base(file), Sheet: "Comuni 01-01-2023", Columns: []catalog.Column{
		{Header: rows[0][1], Field: "codice_comune", Index: 2, Type: catalog.TypeString},
		{Header: rows[0][3], Field: "denominazione", Index: 4, Type: catalog.TypeString},
		{Header: rows[0][5], Field: "superficie_kmq", Index: 6, Type: catalog.TypeNumber},
		{Header: rows[0][6], Field: "popolazione_legale", Index: 7, Type: catalog.TypeInteger},
		{Header: rows[0][9], Field: "altitudine", Index: 10, Type: catalog.TypeInteger},
	}}
	for i, r := range rows[1:] {
		if len(r) < 10 || !(strings.HasPrefix(r[1], "013") || i < 5) {
			continue
		}
		row := catalog.Row{Line: i + 2}
		for _, col := range tb.Columns {
			raw := r[col.Index-1]
			cell := catalog.Cell{Raw: raw, Value: raw}
			if col.Type != catalog.TypeString {
				v, err := strconv.ParseFloat(raw, 64)
				if err != nil {
					t.Fatalf("row %d: %q", i+2, raw)
				}
				cell.Value = v
			}
			row.Cells = append(row.Cells, cell)
		}
		tb.Rows = append(tb.Rows, row)
	}
	if len(tb.Rows) < 150 {
		t.Fatalf("only %d rows read", len(tb.Rows))
	}
	return tb
}

// The ISTAT values the issue names come out of our CSV as stored.
func TestISTATValuesKeepTheirPrecision(t *testing.T) {
	tb := istatTable(t)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tb, Fields(tb, nil)); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"001001,Agliè,13.1462,2562,315", "001003,Ala di Stura,46.3315,467,1080"} {
		if !strings.Contains(buf.String(), "\r\n"+line+"\r\n") {
			t.Errorf("the CSV lacks %q", line)
		}
	}
}
