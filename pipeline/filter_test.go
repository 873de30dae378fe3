package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/ingest"
)

// national is a national list of projects: two rows of Como's, one of
// Lecco's and one of Milan's, in a column the schema does not know.
const national = "Codice progetto;Titolo;Codice ISTAT comune;Totale finanziamento;cod_provincia\n" +
	"P-1;Rete civica;013075;1.250,00;013\n" +
	"L-1;Portale;097042;500,00;097\n" +
	"P-2;Sportello digitale;013041;300,00;013\n" +
	"M-1;Anagrafe;015146;;015\n"

func TestKeepRows(t *testing.T) {
	s, err := LoadSchemas()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		filter map[string]string
		lines  []int  // the rows kept, by line of the file
		rule   string // the blocking issue, if any
	}{
		{"by header", map[string]string{"cod_provincia": "013"}, []int{2, 4}, ""},
		{"by header, other case and spaces", map[string]string{" COD_PROVINCIA ": "097"}, []int{3}, ""},
		{"by field name", map[string]string{"codice_comune": "013041"}, []int{4}, ""},
		{"two columns", map[string]string{"cod_provincia": "013", "codice_comune": "013075"}, []int{2}, ""},
		{"an empty cell", map[string]string{"finanziamento_totale": ""}, []int{5}, ""},
		{"no such column", map[string]string{"provincia": "CO"}, []int{2, 3, 4, 5}, "filter-column"},
		{"nothing kept", map[string]string{"cod_provincia": "13"}, nil, "filter-empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, issues, err := ingest.Read(context.Background(), "nazionale.csv", []byte(national), ingest.Options{Schema: s[ProjectsSchema].Info()})
			if err != nil {
				t.Fatal(err)
			}
			issues = append(keepRows(tab, tt.filter, issues), filterIssues(tab, tt.filter)...)
			var lines []int
			for _, r := range tab.Rows {
				lines = append(lines, r.Line)
			}
			if !equalInts(lines, tt.lines) {
				t.Errorf("kept lines %v, want %v", lines, tt.lines)
			}
			var rule string
			for _, is := range issues {
				if is.Severity == catalog.Error {
					rule = is.Rule
					if is.Message.It == "" || is.Message.En == "" {
						t.Errorf("issue %s not in both languages", is.Rule)
					}
				}
			}
			if rule != tt.rule {
				t.Errorf("blocking issue %q, want %q", rule, tt.rule)
			}
			if tt.rule == "" && (tab.Selection == nil || tab.Selection.Read != 4) {
				t.Errorf("selection %+v, want 4 rows read", tab.Selection)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRunFiltersRows: a dataset with source.filter publishes the rows it
// keeps, and its stored table says how many rows the file had.
func TestRunFiltersRows(t *testing.T) {
	f := newFixture(t)
	f.comune.set(national, `"n1"`)
	dir := t.TempDir()
	cat := filepath.Join(dir, "catalog")
	if err := os.CopyFS(cat, f.cfg.Catalog); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(cat, "progetti.yaml")
	y, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(y), `/progetti.csv"}`, `/progetti.csv", filter: {cod_provincia: "013"}}`, 1)
	if src == string(y) {
		t.Fatal("fixture's source line not found")
	}
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	f.cfg.Catalog = os.DirFS(cat)
	res := f.mustRun()
	d := f.dataset(res, "progetti-como")
	if d.Status != catalog.Accepted || d.Current == nil || d.Current.Rows != 2 {
		t.Fatalf("status %s, current %+v; latest %+v", d.Status, d.Current, d.Latest)
	}
	for _, tab := range []*catalog.Table{d.Table, d.Preview} {
		if tab == nil || tab.Selection == nil || tab.Selection.Read != 4 || tab.Selection.Filter["cod_provincia"] != "013" {
			t.Errorf("stored selection %+v", tab)
		}
	}

	// The same file with another filter is read again: a filter is part of
	// what the dataset publishes. A wrong column refuses the file, and
	// fixing the catalog is enough to publish again.
	for _, step := range []struct {
		filter string
		status catalog.Status
		rows   int
		line   int // of the row published
	}{
		{`{codice_comune: "013041"}`, catalog.Accepted, 1, 4},
		{`{provincia: "013"}`, catalog.Refused, 1, 4}, // the last good version stays
		{`{cod_provincia: "013", codice_comune: "013075"}`, catalog.Accepted, 1, 2},
		{`{cod_provincia: "013", codice_comune: "013075"}`, catalog.Accepted, 1, 2},
	} {
		y := strings.Replace(string(src), `{cod_provincia: "013"}`, step.filter, 1)
		if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
		d := f.dataset(f.mustRun(), "progetti-como")
		if d.Status != step.status || d.Current == nil || d.Current.Rows != step.rows {
			t.Errorf("filter %s: status %s, current %+v", step.filter, d.Status, d.Current)
		}
		tab, err := d.Content()
		if err != nil || tab == nil || len(tab.Rows) != 1 || tab.Rows[0].Line != step.line {
			t.Errorf("filter %s: published %+v (%v), want line %d", step.filter, tab, err, step.line)
		}
	}
}
