package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSchemaInfer(t *testing.T) {
	csv := writeFile(t, "contributi.csv", "Codice ISTAT;Comune;Importo (€);Data;Pagato\n013075;Como;1.234,56;31/12/2024;sì\n013041;Cantù;980,5;15/01/2025;no\n")
	golden, err := os.ReadFile(filepath.Join("..", "..", "pipeline", "draft", "testdata", "golden", "contributi.jsonschema.json"))
	if err != nil {
		t.Fatal(err)
	}
	goldenCSV := filepath.Join("..", "..", "pipeline", "draft", "testdata", "contributi.csv")

	t.Run("jsonschema", func(t *testing.T) {
		// flags after the file, as people type them
		code, out, errs := runMain(t, "schema", "infer", goldenCSV, "--format", "jsonschema")
		if code != exitOK || out != string(golden) {
			t.Errorf("exit %d, stderr %q; output differs from the draft's golden file:\n%s", code, errs, out)
		}
	})
	t.Run("tableschema", func(t *testing.T) {
		code, out, errs := runMain(t, "schema", "infer", "--format", "tableschema", csv)
		var doc struct {
			Fields []struct {
				Name, Type, DecimalChar string
			}
			PrimaryKey []string
		}
		if code != exitOK || json.Unmarshal([]byte(out), &doc) != nil {
			t.Fatalf("exit %d, stderr %q, output %s", code, errs, out)
		}
		if len(doc.Fields) != 5 || doc.Fields[2].Type != "number" || doc.Fields[2].DecimalChar != "," || doc.Fields[3].Type != "date" || doc.Fields[4].Type != "boolean" {
			t.Errorf("fields %+v", doc.Fields)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		pdf := writeFile(t, "delibera.xlsx", "%PDF-1.7 not a spreadsheet")
		empty := writeFile(t, "vuoto.csv", "")
		for _, c := range []struct {
			args []string
			code int
			want string
		}{
			{[]string{"schema", "infer", pdf}, exitUsage, "non è un foglio di calcolo leggibile"},
			{[]string{"schema", "infer", "--lang", "en", pdf}, exitUsage, "not a readable spreadsheet"},
			{[]string{"schema", "infer", empty}, exitUsage, "Il file è vuoto"},
			{[]string{"schema", "infer", "/no/such/file.csv"}, exitUsage, "no such file"},
			{[]string{"schema", "infer", csv, "--sheet", "Foglio9"}, exitOK, ""}, // a CSV has no sheets
			{[]string{"schema", "infer", "--format", "yaml", csv}, exitUsage, "--format must be"},
			{[]string{"schema", "infer"}, exitUsage, "name one file"},
			{[]string{"schema", "infer", csv, csv}, exitUsage, "name one file"},
			{[]string{"schema", "draw", csv}, exitUsage, "usage: opendata schema infer"},
		} {
			code, out, errs := runMain(t, c.args...)
			if code != c.code || !strings.Contains(out+errs, c.want) {
				t.Errorf("opendata %v: exit %d, want %d; output does not say %q:\n%s%s", c.args, code, c.code, c.want, out, errs)
			}
		}
	})
}
