package validate

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestReportGolden(t *testing.T) {
	all := loadSchemas(t)
	reg := comoRegistry(t)
	tests := []struct {
		name   string
		schema string
		table  *catalog.Table
	}{
		{
			// A projects workbook with the mistakes clerks make most.
			name: "progetti", schema: "progetti",
			table: newTable("progetti.xlsx", "Foglio1", progettiCols,
				progetto("P-11", nil),
				progetto("P-12", map[int]any{1: "G91B2100447000"}),
				progetto("P-12", map[int]any{6: 1200.0}),
				progetto("P-14", map[int]any{10: bad("31/02/2026"), 4: bad("12,3,4")}),
				progetto("P-15", map[int]any{2: nil, 3: "13075", 8: "finito", 9: 120.0}),
				progetto("P-16", map[int]any{3: "013999", 7: -300.0})),
		},
		{
			// A comuni list saved as CSV, where the leading zeros were lost.
			name: "comuni", schema: "comuni",
			table: newTable("comuni.csv", "", comuniCols,
				[]any{"013075", "Como", "CO", "C933", 83320},
				[]any{"13041", "Cantù", "co", "B639", 39935},
				[]any{"013095", nil, "CO", "D416", 16.5},
				[]any{"013075", "Como", "CO", "C933", 83320}),
		},
		{
			name: "tabella", schema: "tabella",
			table: newTable("elenco.csv", "", []col{{"Nome", "Nome"}, {"Indirizzo", "Indirizzo"}},
				[]any{"Biblioteca", "Via Mentana 3"}, []any{nil, nil}, []any{"Museo", bad("#RIF!")}),
		},
		{
			name: "vuoto", schema: "progetti",
			table: newTable("progetti.xlsx", "Foglio1", progettiCols),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issues := Table(context.Background(), tt.table, all[tt.schema], reg)
			if len(issues) == 0 {
				t.Fatal("no issues in a bad table")
			}
			golden(t, tt.name+".it.golden", []byte(Report(issues, "it")))
			golden(t, tt.name+".en.golden", []byte(Report(issues, "en")))
			js, err := json.MarshalIndent(issues, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".json.golden", append(js, '\n'))
		})
	}
}

func TestReportOneLinePerIssue(t *testing.T) {
	issues := []catalog.Issue{
		{Ref: catalog.Ref{File: "a.xlsx", Sheet: "Foglio1", Row: 14, Col: 3}, Rule: "type",
			Message: catalog.Text{It: "Nella cella C14 c'è «1\n2»", En: "Cell C14 contains \"1\n2\""}},
		{Ref: catalog.Ref{File: "a.csv", Row: 2}, Rule: "required", Message: catalog.Text{It: "solo italiano"}},
	}
	got := Report(issues, "en")
	want := "a.xlsx!Foglio1!C14  [type]  Cell C14 contains \"1 2\"\na.csv:2  [required]  solo italiano\n"
	if got != want {
		t.Errorf("Report:\n%q\nwant\n%q", got, want)
	}
	if Report(nil, "it") != "" {
		t.Error("Report of no issue is not empty")
	}
}
