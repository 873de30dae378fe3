package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline"
	"github.com/provincia-como/opendata/pipeline/catalog"
)

// check --schema takes a schema file of the catalog, a schema file on disk
// and refuses a broken one with its line.
func TestCheckSchemaFiles(t *testing.T) {
	demo := filepath.Join("..", "..", "datasets", "data", "localizzazione-pnrr-como.csv")
	data, err := os.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	// Bulgarograsso's project (line 3): the ISTAT code without its leading
	// zero, as a spreadsheet that took it for a number writes it.
	row := "E51B21005980006;M1C2I5.01.01;013034;Bulgarograsso;;22070"
	if !strings.Contains(string(data), row) {
		t.Fatal("the demo file changed: pick another row")
	}
	bad := writeFile(t, "localizzazione.csv", strings.Replace(string(data), row, strings.Replace(row, ";013034;", ";13034;", 1), 1))
	onDisk := writeFile(t, "permessi.json", `{"fields": [{"name": "cup", "title": "CUP", "constraints": {"required": true, "pattern": "[A-Z0-9]{15}"}}]}`)
	broken := writeFile(t, "rotto.json", "{\"fields\": [\n  {\"name\": \"a\", \"type\": \"decimale\"}\n]}")

	tests := []struct {
		name   string
		schema string
		file   string
		code   int
		words  []string
	}{
		{"catalog file, good data", "schemas/localizzazione-pnrr.json", demo, exitOK, []string{"valido (37 righe, schema schemas/localizzazione-pnrr.json)"}},
		{"catalog file, bad cell", "schemas/localizzazione-pnrr.json", bad, exitFailure, []string{"NON valido", "localizzazione.csv:3:3", "«13034»", "013075 per Como"}},
		{"file on disk", onDisk, demo, exitOK, []string{"valido (37 righe"}},
		{"broken file on disk", broken, demo, exitUsage, []string{"rotto.json:2:", `unknown type "decimale"`}},
		{"missing file", "schemas/nessuno.json", demo, exitUsage, []string{"schemas/nessuno.json", "catalog folder, then on disk"}},
		{"http address", "http://example.org/s.json", demo, exitUsage, []string{"https://"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runMain(t, "check", "--schema", tt.schema, tt.file)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, out, errs)
			}
			for _, w := range tt.words {
				if !strings.Contains(out+errs, w) {
					t.Errorf("output does not say %q:\n%s%s", w, out, errs)
				}
			}
		})
	}
}

// The build summary says when a schema address served its last good copy
// and when a published version no longer passes a changed schema.
func TestSummarySchemaWarnings(t *testing.T) {
	v := catalog.Version{ID: "abc123"}
	src := &catalog.SchemaSource{Ref: "https://schemi.example.it/permessi.json", Kind: "url", Warning: catalog.Text{En: "the last good copy serves"}}
	res := &pipeline.Result{Rendered: true, Build: &catalog.Build{Datasets: []catalog.DatasetState{
		{Dataset: catalog.Dataset{ID: "permessi-como"}, Status: catalog.Accepted, Current: &v, SchemaSource: src,
			Recheck: &catalog.Recheck{Reason: catalog.Text{En: "permessi.csv:3:3: too small"}}},
		{Dataset: catalog.Dataset{ID: "permessi-erba"}, Status: catalog.Accepted, SchemaSource: src},
	}}, Outcomes: []pipeline.Outcome{{ID: "permessi-como", Status: catalog.Accepted}, {ID: "permessi-erba", Status: catalog.Accepted}}}
	var out strings.Builder
	printSummary(&out, res, "public")
	got := out.String()
	if strings.Count(got, "last good copy serves") != 1 || !strings.Contains(got, "recheck  permessi-como (version abc123 stays published") {
		t.Errorf("summary:\n%s", got)
	}
}
