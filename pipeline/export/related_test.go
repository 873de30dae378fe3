package export

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
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

// Every version keeps its related tables in its own folder: the published
// one gets the same bytes as the latest files, an older one is read back
// from the store, and a version recorded before related tables were named
// gets only its main files.
func TestVersionFoldersKeepRelatedTables(t *testing.T) {
	out := t.TempDir()
	bidders := func(name string) *catalog.Table {
		return &catalog.Table{Name: "partecipanti", Columns: []catalog.Column{
			{Header: "nome", Field: "ragione_sociale", Type: catalog.TypeString},
		}, Rows: []catalog.Row{{Cells: []catalog.Cell{{Value: name}}}}}
	}
	newer, older, oldest := sample(), sample(), sample()
	newer.Related = []*catalog.Table{bidders("NUOVA SRL")}
	older.Related = []*catalog.Table{bidders("VECCHIA SPA")}
	vNew := catalog.Version{ID: "bbbbbbbbbbbb", Rows: 3, Related: []string{"partecipanti"}}
	vOld := catalog.Version{ID: "aaaaaaaaaaaa", Rows: 3, Related: []string{"metadata", "partecipanti"}}
	vOldest := catalog.Version{ID: "999999999999", Rows: 3}
	tables := map[string]*catalog.Table{vNew.ID: newer, vOld.ID: older, vOldest.ID: oldest}
	var loads []string
	load := func(v string) (*catalog.Table, error) { loads = append(loads, v); return tables[v], nil }
	st := &catalog.DatasetState{Dataset: catalog.Dataset{ID: "contratti"}, Status: catalog.Accepted, Current: &vNew,
		History: []catalog.Version{vNew, vOld, vOldest}, Table: newer}
	d, err := Dataset(context.Background(), out, st, projects, load)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]catalog.Download{}
	for _, x := range d {
		byPath[x.Path] = x
	}
	for _, c := range []struct {
		path, version, table, name string
	}{
		{"datasets/contratti/contratti-partecipanti.csv", "", "partecipanti", "NUOVA SRL"},
		{"datasets/contratti/bbbbbbbbbbbb/contratti-partecipanti.csv", vNew.ID, "partecipanti", "NUOVA SRL"},
		{"datasets/contratti/aaaaaaaaaaaa/contratti-partecipanti.csv", vOld.ID, "partecipanti", "VECCHIA SPA"},
	} {
		x, ok := byPath[c.path]
		if !ok {
			t.Errorf("no download %s", c.path)
			continue
		}
		if x.Version != c.version || x.Table != c.table {
			t.Errorf("%s: version %q table %q", c.path, x.Version, x.Table)
		}
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(c.path)))
		if err != nil || !strings.Contains(string(b), c.name) {
			t.Errorf("%s: %v %q, want %s", c.path, err, b, c.name)
		}
	}
	for p := range byPath {
		if strings.Contains(p, "metadata") || strings.HasPrefix(p, "datasets/contratti/999999999999/contratti-") {
			t.Errorf("unexpected download %s", p)
		}
	}
	// The published version is never read back; the others once each.
	if !reflect.DeepEqual(loads, []string{vOld.ID, vOldest.ID}) {
		t.Errorf("versions read back: %q", loads)
	}
	// A second export finds every file written and reads nothing.
	loads = nil
	if _, err := Dataset(context.Background(), out, st, projects, load); err != nil {
		t.Fatal(err)
	}
	if len(loads) != 0 {
		t.Errorf("second export read back %q", loads)
	}
}
