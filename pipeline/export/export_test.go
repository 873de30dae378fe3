package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/xuri/excelize/v2"
)

var projects = &catalog.Schema{Name: "progetti", Fields: []catalog.Field{
	{Name: "codice_progetto"}, {Name: "codice_comune", Code: true}, {Name: "titolo"}, {Name: "finanziamento_totale", Type: catalog.TypeNumber}, {Name: "data_convenzione", Type: catalog.TypeDate},
}, JSON: []byte(`{"type":"object"}`)}

func sample() *catalog.Table {
	return &catalog.Table{File: "p.xlsx", Sheet: "Foglio1", Columns: []catalog.Column{
		{Header: "Titolo", Field: "titolo", Index: 1},
		{Header: "Codice", Field: "codice_progetto", Index: 2},
		{Header: "ISTAT", Field: "codice_comune", Index: 3},
		{Header: "Totale", Field: "finanziamento_totale", Index: 4},
		{Header: "Note", Field: "", Index: 5},
	}, Rows: []catalog.Row{
		{Line: 2, Cells: []catalog.Cell{{Value: "=HYPERLINK(\"http://x\")"}, {Value: "P-1"}, {Value: "013075"}, {Value: 2500000.0}, {Value: "ignored"}}},
		{Line: 3, Cells: []catalog.Cell{{Value: "Rete \"fibra\", lotto 2"}, {Value: "-P2"}, {Value: "013047"}, {Value: 1234.56}, {}}},
		{Line: 4, Cells: []catalog.Cell{{Value: "@SUM(A1)"}, {Value: "P3"}, {}, {Value: -5.0}, {}}},
	}}
}

func TestCSVNeutralisesFormulasAndKeepsCodes(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sample(), Fields(sample(), projects)); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"codice_progetto", "codice_comune", "titolo", "finanziamento_totale", "data_convenzione"},
		{"P-1", "013075", "'=HYPERLINK(\"http://x\")", "2500000", ""},
		{"'-P2", "013047", "Rete \"fibra\", lotto 2", "1234.56", ""},
		{"P3", "", "'@SUM(A1)", "-5", ""},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("csv:\n got %q\nwant %q", recs, want)
	}
}

func TestJSONIsValidAndTyped(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sample(), Fields(sample(), projects)); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(rows) != 3 || rows[0]["codice_comune"] != "013075" || rows[1]["finanziamento_totale"] != 1234.56 || rows[2]["codice_comune"] != nil {
		t.Errorf("rows: %v", rows)
	}
	if _, has := rows[0]["data_convenzione"]; !has {
		t.Error("a schema field missing from the file must still be a key (null)")
	}
	// JSON is data, not a spreadsheet: no apostrophes added.
	if rows[0]["titolo"] != "=HYPERLINK(\"http://x\")" {
		t.Errorf("titolo = %v", rows[0]["titolo"])
	}
}

func TestXLSXKeepsTypes(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, sample(), Fields(sample(), projects)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checks := map[string]struct {
		value string
		typ   excelize.CellType
	}{
		"B2": {"013075", excelize.CellTypeInlineString},
		"D2": {"2500000", excelize.CellTypeUnset},
		"D3": {"1234.56", excelize.CellTypeUnset},
		"A1": {"codice_progetto", excelize.CellTypeInlineString},
	}
	for cell, want := range checks {
		got, err := f.GetCellValue("dati", cell, excelize.Options{RawCellValue: true})
		if err != nil || got != want.value {
			t.Errorf("%s = %q (%v), want %q", cell, got, err, want.value)
		}
		typ, _ := f.GetCellType("dati", cell)
		if typ != want.typ {
			t.Errorf("%s type %v, want %v", cell, typ, want.typ)
		}
	}
}

func TestWritersAreDeterministic(t *testing.T) {
	for _, f := range formats {
		var a, b bytes.Buffer
		if err := f.write(&a, sample(), Fields(sample(), projects)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1100 * time.Millisecond) // let a clock-stamped writer show itself
		if err := f.write(&b, sample(), Fields(sample(), projects)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two writes of the same table differ: every run would republish it", f.ext)
		}
	}
}

func TestDatasetWritesVersionsOnce(t *testing.T) {
	out := t.TempDir()
	v1 := catalog.Version{ID: "aaaaaaaaaaaa", Rows: 3}
	v0 := catalog.Version{ID: "000000000000", Rows: 3}
	st := &catalog.DatasetState{
		Dataset: catalog.Dataset{ID: "pnrr", Schema: "progetti"},
		Status:  catalog.Refused, Current: &v1, History: []catalog.Version{v1, v0}, Table: sample(),
		Latest: &catalog.Attempt{Status: catalog.Refused, Issues: []catalog.Issue{{Ref: catalog.Ref{File: "p.xlsx", Sheet: "Foglio1", Row: 4, Col: 3}, Rule: "required", Message: catalog.Text{It: "manca", En: "missing"}}}},
	}
	loads := 0
	load := func(string) (*catalog.Table, error) { loads++; return sample(), nil }
	d, err := Dataset(context.Background(), out, st, projects, load)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, x := range d {
		paths = append(paths, x.Path)
		if x.Size == 0 || len(x.Checksum) != 64 {
			t.Errorf("%s: size %d checksum %q", x.Path, x.Size, x.Checksum)
		}
	}
	want := []string{
		"datasets/pnrr/pnrr.csv", "datasets/pnrr/pnrr.json", "datasets/pnrr/pnrr.xlsx",
		"datasets/pnrr/aaaaaaaaaaaa/pnrr.csv", "datasets/pnrr/aaaaaaaaaaaa/pnrr.json", "datasets/pnrr/aaaaaaaaaaaa/pnrr.xlsx",
		"datasets/pnrr/000000000000/pnrr.csv", "datasets/pnrr/000000000000/pnrr.json", "datasets/pnrr/000000000000/pnrr.xlsx",
		"datasets/pnrr/schema.json", "datasets/pnrr/report.json",
	}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("paths\n got %v\nwant %v", paths, want)
	}
	report, _ := os.ReadFile(filepath.Join(out, "datasets/pnrr/report.json"))
	if !strings.Contains(string(report), `"p.xlsx"`) || !strings.Contains(string(report), `"error": 1`) {
		t.Errorf("report: %s", report)
	}
	if _, err := Dataset(context.Background(), out, st, projects, load); err != nil {
		t.Fatal(err)
	}
	// The published version's folder gets the bytes already made; an older
	// version's table is read once, the first time its files are written.
	if loads != 1 {
		t.Errorf("the older version's table was read %d times; once is enough", loads)
	}
	latest, _ := os.ReadFile(filepath.Join(out, "datasets/pnrr/pnrr.xlsx"))
	pinned, _ := os.ReadFile(filepath.Join(out, "datasets/pnrr/aaaaaaaaaaaa/pnrr.xlsx"))
	if len(latest) == 0 || !bytes.Equal(latest, pinned) {
		t.Error("the published version's permanent copy differs from the latest download")
	}
}
