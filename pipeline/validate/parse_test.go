package validate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// demoTableSchema is a Table Schema written for the PA digitale 2026 open
// data (candidature_finanziate_*.csv of the Department for Digital
// Transformation): every type, constraint and table key a Province uses.
func demoTableSchema(tb testing.TB) []byte {
	tb.Helper()
	doc, err := os.ReadFile(filepath.Join("testdata", "padigitale-candidature.json"))
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

// A JSON Schema file of the catalog, in the form the built-in schemas take.
const permessiJSONSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Permessi di costruire",
  "x-title-en": "Building permits",
  "x-primaryKey": ["numero"],
  "x-comuneFields": ["codice_comune"],
  "x-foreignKeys": [
    {"fields": ["codice_comune"], "reference": {"resource": "comuni", "fields": ["codice_istat"]}}
  ],
  "type": "object",
  "required": ["numero", "codice_comune"],
  "properties": {
    "numero": {"type": "string", "title": "Numero", "x-aliases": ["N. permesso"]},
    "codice_comune": {"type": "string", "pattern": "^[0-9]{6}$", "title": "Codice comune", "x-code": true},
    "superficie": {"type": "number", "minimum": 0, "title": "Superficie", "x-unit": "m²"},
    "rilascio": {"type": "string", "format": "date", "title": "Data di rilascio"}
  }
}`

// padColumns are the headers of candidature_finanziate_131.csv.
var padColumns = []col{
	{"codice_ipa", "codice_ipa"}, {"ente", "ente"}, {"tipologia_ente", "tipologia_ente"},
	{"comune", "comune"}, {"cod_comune", "cod_comune"}, {"provincia", "provincia"},
	{"cod_provincia", "cod_provincia"}, {"regione", "regione"}, {"cod_regione", "cod_regione"},
	{"importo_finanziamento", "importo_finanziamento"}, {"avviso", "avviso"},
	{"data_invio_candidatura", "data_invio_candidatura"}, {"data_finanziamento", "data_finanziamento"},
	{"codice_cup", "codice_cup"}, {"numero_finestra_temporale", "numero_finestra_temporale"},
	{"numero_di_protocollo", "numero_di_protocollo"}, {"decreto_finanziamento", "decreto_finanziamento"},
	{"stato_candidatura", "stato_candidatura"}, {"data_stato_candidatura", "data_stato_candidatura"},
	{"misura", "misura"},
}

// padRow is a row of candidature_finanziate_131.csv (Bulgarograsso, line
// 3 of the excerpt in datasets/data), with changes applied.
func padRow(change map[int]any) []any {
	r := []any{"c_b262", "Comune di Bulgarograsso", "Comuni", "Bulgarograsso", "013034", "CO", "013", "Lombardia", "03",
		10172.0, "1.3.1 Piattaforma Digitale Nazionale Dati - Comuni Ottobre 2022", "2022-10-21T07:26:34.000+0000",
		date("2023-01-30"), "J51F22006170006", 1, 152, "Decreto n.152 - 1 / 2022 - PNRR", "E", date("2024-08-18"),
		"1.3.1 Piattaforma Digitale Nazionale Dati"}
	for i, v := range change {
		r[i] = v
	}
	return r
}

func registryTable() *catalog.Table {
	return newTable("comuni-como.csv", "", []col{{"Codice", "codice_istat"}, {"Nome", "denominazione"}},
		[]any{"013034", "Bulgarograsso"}, []any{"013075", "Como"})
}

func TestParseTableSchema(t *testing.T) {
	s, err := Parse("schemas/padigitale-candidature.json", demoTableSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	info := s.Info()
	if info.Format != FormatTableSchema || len(info.Fields) != 20 || info.Fields[0].Name != "codice_ipa" || info.Fields[19].Name != "misura" {
		t.Fatalf("format %q, %d fields: %+v", info.Format, len(info.Fields), info.Fields)
	}
	want := map[string]catalog.FieldType{
		"importo_finanziamento": catalog.TypeNumber, "numero_di_protocollo": catalog.TypeInteger,
		"data_finanziamento": catalog.TypeDate, "data_invio_candidatura": catalog.TypeDatetime, "cod_comune": catalog.TypeString,
	}
	for name, typ := range want {
		if f, _ := info.Field(name); f.Type != typ {
			t.Errorf("%s: type %q, want %q", name, f.Type, typ)
		}
	}
	if f, _ := info.Field("stato_candidatura"); !f.Required || !slices.Equal(f.Enum, []string{"A", "R", "E"}) {
		t.Errorf("stato_candidatura: %+v", f)
	}
	if f, _ := info.Field("codice_cup"); !f.Code || f.Title.En != "CUP" {
		t.Errorf("codice_cup: %+v", f)
	}
	if !slices.Equal(info.PrimaryKey, []string{"codice_cup"}) || !slices.Equal(info.MissingValues, []string{"", "N/D"}) {
		t.Errorf("primary key %v, missing values %q", info.PrimaryKey, info.MissingValues)
	}
	keys := s.ForeignKeys()
	if len(keys) != 1 || keys[0].Resource != "comuni" || keys[0].RefFields[0] != "codice_istat" || keys[0].Line != 49 {
		t.Errorf("foreign keys: %+v", keys)
	}
	if !strings.Contains(string(s.Source()), `"fields"`) {
		t.Error("Source should give the Table Schema as written")
	}
}

// Both formats refuse a bad cell and name it.
func TestSchemaFilesRefuseBadCells(t *testing.T) {
	ts, err := Parse("schemas/padigitale-candidature.json", demoTableSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	// The demo schema, with the PNRR's start as the least grant date.
	bounded := strings.Replace(string(demoTableSchema(t)), `"title": "Data finanziamento",`, `"title": "Data finanziamento", "constraints": {"minimum": "2020-01-01"},`, 1)
	tsBounded, err := Parse("schemas/padigitale-candidature.json", []byte(bounded))
	if err != nil {
		t.Fatal(err)
	}
	js, err := Parse("schemas/permessi.json", []byte(permessiJSONSchema))
	if err != nil {
		t.Fatal(err)
	}
	if js.Info().Format != FormatJSONSchema || js.Info().Title.En != "Building permits" {
		t.Fatalf("JSON Schema file read as %+v", js.Info())
	}
	refs := Refs{"comuni": registryTable()}
	permessi := []col{{"N. permesso", "numero"}, {"Codice comune", "codice_comune"}, {"Superficie", "superficie"}, {"Rilascio", "rilascio"}}
	tests := []struct {
		name      string
		s         *Schema
		table     *catalog.Table
		refs      Refs
		where     string
		rule      string
		severity  catalog.Severity
		wantWords string
	}{
		{"table schema enum", ts, newTable("pad.csv", "", padColumns, padRow(nil), padRow(map[int]any{13: "D51F23001960006", 17: "X"})),
			refs, "pad.csv:3:18", "enum", catalog.Error, "«A», «R», «E»"},
		{"table schema pattern with hint", ts, newTable("pad.csv", "", padColumns, padRow(map[int]any{13: "J51F2200617000"})),
			refs, "pad.csv:2:14", "pattern", catalog.Error, "15 caratteri"},
		{"table schema minimum", ts, newTable("pad.csv", "", padColumns, padRow(map[int]any{9: -5.0})),
			refs, "pad.csv:2:10", "minimum", catalog.Error, "minore di 0"},
		{"table schema primary key", ts, newTable("pad.csv", "", padColumns, padRow(nil), padRow(nil)),
			refs, "pad.csv:3:14", "unique", catalog.Error, "già usato alla riga 2"},
		{"table schema foreign key", ts, newTable("pad.csv", "", padColumns, padRow(map[int]any{4: "013999"})),
			refs, "pad.csv:2:5", "foreign-key", catalog.Error, "«comuni»"},
		{"table schema datetime", ts, newTable("pad.csv", "", padColumns, padRow(map[int]any{11: "21/10/2022 ore 7"})),
			refs, "pad.csv:2:12", "format", catalog.Error, "21/10/2022 ore 7"},
		{"table schema date bound", tsBounded, newTable("pad.csv", "", padColumns, padRow(map[int]any{12: date("2019-12-31")})),
			refs, "pad.csv:2:13", "minimum", catalog.Error, "precedente al 01/01/2020"},
		{"foreign key without the referenced table", ts, newTable("pad.csv", "", padColumns, padRow(nil)),
			nil, "pad.csv", "foreign-key", catalog.Warning, "non sono stati confrontati"},
		{"json schema minimum", js, newTable("permessi.xlsx", "Foglio1", permessi, []any{"12/2024", "013075", -3.5, date("2024-03-01")}),
			refs, "permessi.xlsx!Foglio1!C2", "minimum", catalog.Error, "minore di 0"},
		{"json schema foreign key", js, newTable("permessi.xlsx", "Foglio1", permessi, []any{"12/2024", "013034", 10.0}, []any{"13/2024", "013041", 10.0}),
			refs, "permessi.xlsx!Foglio1!B3", "foreign-key", catalog.Error, "codice_istat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issues := TableRefs(context.Background(), tt.table, tt.s, nil, tt.refs)
			if len(issues) != 1 {
				t.Fatalf("want one issue, got %d: %+v", len(issues), issues)
			}
			is := issues[0]
			if is.Ref.String() != tt.where || is.Rule != tt.rule || is.Severity != tt.severity || !strings.Contains(is.Message.It, tt.wantWords) || is.Message.En == "" {
				t.Errorf("got %s [%s %s] %s", is.Ref, is.Rule, is.Severity, is.Message.It)
			}
		})
	}
	// A good row passes both.
	if issues := TableRefs(context.Background(), newTable("pad.csv", "", padColumns, padRow(nil), padRow(map[int]any{4: nil, 13: "D51F23001960006"})), ts, nil, refs); len(issues) != 0 {
		t.Errorf("good rows: %+v", issues)
	}
}

// Every broken schema file is refused with the line to look at.
func TestParseErrorsNameTheLine(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		lines []int
		words []string
	}{
		{"not JSON", "{\n  \"fields\": [\n    {\"name\": \"a\" \"type\": \"string\"}\n  ]\n}", []int{3}, []string{"not valid JSON (line 3, column 18"}},
		{"empty", "  \n", []int{0}, []string{"empty"}},
		{"not an object", "[1, 2]", []int{1}, []string{"JSON object"}},
		{"unknown type", "{\"fields\": [\n {\"name\": \"a\", \"type\": \"string\"},\n {\"name\": \"b\",\n  \"type\": \"numero\"}\n]}", []int{4}, []string{`unknown type "numero"`}},
		{"two problems", "{\"fields\": [\n {\"name\": \"a\", \"type\": \"text\"},\n {\"name\": \"b\", \"constraints\": {\"minimum\": 3}}\n],\n\"primaryKey\": \"c\"}", []int{2, 3, 5},
			[]string{`unknown type "text"`, "numeric fields and dates", `"c" is not a field`}},
		{"unsupported type", "{\"fields\": [{\"name\": \"a\", \"type\": \"object\"}]}", []int{1}, []string{"cannot be read from a spreadsheet cell"}},
		{"bad pattern", "{\"fields\": [\n{\"name\": \"a\"},\n{\"name\": \"b\", \"constraints\": {\"pattern\": \"[0-9\"}}]}", []int{3}, []string{`"/fields/1/constraints/pattern": '^(?:[0-9)$' is not valid regex`}},
		{"json schema that does not compile", "{\n \"type\": \"object\",\n \"properties\": {\n  \"a\": {\"type\": \"strin\"}\n }\n}", []int{4}, []string{"not valid at \"/properties/a/type\""}},
		{"json schema annotation", "{\n \"type\": \"object\",\n \"x-primaryKey\": [\"id\"],\n \"properties\": {\"a\": {\"type\": \"string\"}}\n}", []int{3}, []string{`"id"`}},
		{"date bound that is not a date", "{\"fields\": [\n{\"name\": \"d\", \"type\": \"date\",\n \"constraints\": {\"minimum\": \"1/1/2020\"}}]}", []int{3}, []string{"YYYY-MM-DD"}},
		{"bad foreign key", "{\"fields\": [{\"name\": \"a\"}],\n\"foreignKeys\": [{\"fields\": \"a\"}]}", []int{2}, []string{"foreign key needs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.json", []byte(tt.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			var got []*DocError
			collect(err, &got)
			if len(got) != len(tt.lines) {
				t.Fatalf("want %d problems, got %d: %v", len(tt.lines), len(got), err)
			}
			for i, de := range got {
				if de.Line != tt.lines[i] || !strings.Contains(de.Message.En, tt.words[i]) || de.Message.It == "" {
					t.Errorf("problem %d: line %d %q, want line %d with %q", i, de.Line, de.Message.En, tt.lines[i], tt.words[i])
				}
			}
		})
	}
}

func collect(err error, out *[]*DocError) {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			collect(e, out)
		}
		return
	}
	var de *DocError
	if errors.As(err, &de) {
		*out = append(*out, de)
	}
}
