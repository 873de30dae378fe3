package export

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// A version's related tables get their own CSV, JSON and XLSX beside the
// main files, written canonically from their typed columns; the metadata
// table is stored, not published.
func TestDatasetWritesRelatedTables(t *testing.T) {
	out := t.TempDir()
	main := sample()
	bidders := &catalog.Table{Name: "partecipanti", File: "c.xml", Columns: []catalog.Column{
		{Header: "lotto", Field: "lotto", Type: catalog.TypeInteger},
		{Header: "cf", Field: "codice_fiscale", Type: catalog.TypeString},
		{Header: "nome", Field: "ragione_sociale", Type: catalog.TypeString},
		{Header: "riga", Field: "riga_xml", Type: catalog.TypeInteger},
	}, Rows: []catalog.Row{
		{Line: 20, Cells: []catalog.Cell{{Value: 1.0}, {Raw: "00123456789 ", Value: "00123456789"}, {Value: "=ALFA SRL"}, {Value: 14.0}}},
		{Line: 25, Cells: []catalog.Cell{{Value: 1.0}, {}, {Value: "BETA, SPA"}, {Value: 14.0}}},
	}}
	meta := &catalog.Table{Name: "metadata", Columns: []catalog.Column{{Field: "titolo"}}, Rows: []catalog.Row{{Cells: []catalog.Cell{{Value: "x"}}}}}
	main.Related = []*catalog.Table{meta, bidders}
	v := catalog.Version{ID: "aaaaaaaaaaaa", Rows: 3}
	st := &catalog.DatasetState{Dataset: catalog.Dataset{ID: "contratti"}, Status: catalog.Accepted, Current: &v, History: []catalog.Version{v}, Table: main}
	d, err := Dataset(context.Background(), out, st, projects, func(string) (*catalog.Table, error) { return main, nil })
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range d {
		if x.Table != "" {
			got = append(got, x.Format+" "+x.Table+" "+x.Path)
			if x.Version != "" || len(x.Checksum) != 64 {
				t.Errorf("%s: version %q checksum %q", x.Path, x.Version, x.Checksum)
			}
		}
	}
	want := []string{
		"csv partecipanti datasets/contratti/contratti-partecipanti.csv",
		"json partecipanti datasets/contratti/contratti-partecipanti.json",
		"xlsx partecipanti datasets/contratti/contratti-partecipanti.xlsx",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("related downloads\n got %q\nwant %q", got, want)
	}
	f, err := os.Open(filepath.Join(out, "datasets/contratti/contratti-partecipanti.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantCSV := [][]string{
		{"lotto", "codice_fiscale", "ragione_sociale", "riga_xml"},
		{"1", "00123456789", "'=ALFA SRL", "14"},
		{"1", "", "BETA, SPA", "14"},
	}
	if !reflect.DeepEqual(recs, wantCSV) {
		t.Errorf("csv\n got %q\nwant %q", recs, wantCSV)
	}
	b, _ := os.ReadFile(filepath.Join(out, "datasets/contratti/contratti-partecipanti.json"))
	var rows []map[string]any
	if err := json.Unmarshal(b, &rows); err != nil || len(rows) != 2 || rows[0]["riga_xml"] != 14.0 || rows[0]["codice_fiscale"] != "00123456789" {
		t.Errorf("json: %v %s", err, b)
	}
	if _, err := os.Stat(filepath.Join(out, "datasets/contratti/contratti-metadata.csv")); err == nil {
		t.Error("the metadata table was published")
	}
}
