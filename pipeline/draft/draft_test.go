package draft_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/draft"
	"github.com/provincia-como/opendata/pipeline/ingest"
	"github.com/provincia-como/opendata/pipeline/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// drafted reads a file as a free table and drafts its schema.
func drafted(t *testing.T, name string, data []byte, sheet string) (*draft.Schema, *catalog.Table) {
	t.Helper()
	tb, issues, err := ingest.Read(context.Background(), name, data, ingest.Options{Schema: &catalog.Schema{Open: true}, Sheet: sheet})
	if err != nil {
		t.Fatal(err)
	}
	if catalog.Blocking(issues) {
		t.Fatalf("issues %+v", issues)
	}
	return draft.FromTable(strings.TrimSuffix(name, filepath.Ext(name)), tb), tb
}

type source struct {
	name, path, sheet string
	shared            bool // in ../shared: skipped when absent
}

var sources = []source{
	{name: "contributi.csv", path: "testdata/contributi.csv"},
	{name: "istat-comuni.csv", path: "testdata/istat-elenco-comuni-como.csv"},
	{name: "pnrr-progetti.csv", path: "testdata/pnrr-progetti-excerpt.csv"},
	{name: "pnc.csv", path: "testdata/pnc-quadro-finanziario.csv"},
	{name: "comuni.xlsx", path: "../../../shared/data/istat/istat_Classificazioni-statistiche-e-dimensione-dei-comuni_01_01_2023.xlsx", shared: true},
	{name: "PNRR_Progetti.csv", path: "../../../shared/corpus/real/italia-domani/PNRR_Progetti.csv", shared: true},
	{name: "candidature.csv", path: "../../../shared/data/padigitale2026/candidature_finanziate_131.csv", shared: true},
	{name: "nascite.csv", path: "../../../shared/corpus/real/comune-foggia/Nascite_Elenco_Nascite_Residenti_Foggia_2024.csv", shared: true},
	{name: "bandi.csv", path: "../../../shared/corpus/real/italia-domani/PNRR_Bandi e Avvisi.csv", shared: true},
}

// TestInferThenCheck: a file checked against the schema drafted from it
// passes, with the portal's own code (ingest with the compiled schema,
// then validate.Table): zero errors, and every column matched.
func TestInferThenCheck(t *testing.T) {
	for _, src := range sources {
		t.Run(src.name, func(t *testing.T) {
			data, err := os.ReadFile(src.path)
			if err != nil {
				if src.shared {
					t.Skipf("no shared file: %v", err)
				}
				t.Fatal(err)
			}
			d, free := drafted(t, src.name, data, src.sheet)
			doc, err := d.JSONSchema()
			if err != nil {
				t.Fatal(err)
			}
			s, err := validate.Compile(d.Name, doc)
			if err != nil {
				t.Fatalf("the draft does not compile: %v\n%s", err, doc)
			}
			info := s.Info()
			if !slices.Equal(info.PrimaryKey, d.PrimaryKey) || !slices.Equal(info.ComuneFields, d.ComuneFields) || len(info.Fields) != len(d.Fields) {
				t.Errorf("loader read key %v comune %v %d fields, draft has %v %v %d", info.PrimaryKey, info.ComuneFields, len(info.Fields), d.PrimaryKey, d.ComuneFields, len(d.Fields))
			}
			tb, issues, err := ingest.Read(context.Background(), src.name, data, ingest.Options{Schema: info, Sheet: src.sheet})
			if err != nil {
				t.Fatal(err)
			}
			issues = append(issues, validate.Table(context.Background(), tb, s, nil)...)
			for _, is := range issues {
				if is.Severity != catalog.Warning || is.Rule == "column-unknown" {
					t.Errorf("%s %s %s: %s", is.Where(), is.Severity, is.Rule, is.Message.En)
				}
			}
			if len(tb.Rows) != len(free.Rows) {
				t.Errorf("%d rows with the draft, %d as a free table", len(tb.Rows), len(free.Rows))
			}
			// the Table Schema is JSON with a field per column
			ts, err := d.TableSchema()
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Fields []struct{ Name, Type string }
			}
			if err := json.Unmarshal(ts, &got); err != nil || len(got.Fields) != len(d.Fields) {
				t.Errorf("table schema: %v, %d fields", err, len(got.Fields))
			}
		})
	}
}

// TestDraftContributi checks what the draft says of a small Italian file,
// then compares both formats with their golden files.
func TestDraftContributi(t *testing.T) {
	data, err := os.ReadFile("testdata/contributi.csv")
	if err != nil {
		t.Fatal(err)
	}
	d, _ := drafted(t, "contributi.csv", data, "")
	if !slices.Equal(d.PrimaryKey, []string{"codice_istat"}) || !slices.Equal(d.ComuneFields, []string{"codice_istat"}) {
		t.Errorf("key %v comune %v", d.PrimaryKey, d.ComuneFields)
	}
	want := map[string]struct {
		typ      catalog.FieldType
		required bool
		enum     []string
	}{
		"codice_istat":  {catalog.TypeString, true, nil},
		"comune":        {catalog.TypeString, true, nil},
		"tipo":          {catalog.TypeString, true, []string{"Scuola", "Strada"}},
		"importo":       {catalog.TypeNumber, true, nil},
		"abitanti":      {catalog.TypeInteger, true, nil},
		"data_delibera": {catalog.TypeDate, true, nil},
		"pagato":        {catalog.TypeBoolean, true, nil},
		"note":          {catalog.TypeString, false, nil},
	}
	for _, f := range d.Fields {
		w, ok := want[f.Name]
		if !ok {
			t.Errorf("unexpected field %q", f.Name)
			continue
		}
		if f.Type != w.typ || f.Required != w.required || !slices.Equal(f.Enum, w.enum) {
			t.Errorf("%s: %s required %v enum %v, want %s %v %v", f.Name, f.Type, f.Required, f.Enum, w.typ, w.required, w.enum)
		}
	}
	if f := d.Fields[3]; f.Title != "Importo (€)" || f.Unit != "EUR" || f.DecimalChar != "," || f.GroupChar != "." {
		t.Errorf("importo: %+v", f)
	}
	for _, format := range []string{"jsonschema", "tableschema"} {
		var out []byte
		if format == "jsonschema" {
			out, err = d.JSONSchema()
		} else {
			out, err = d.TableSchema()
		}
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "contributi."+format+".json", out)
	}
}

// TestAliasesAndDuplicates: the alias drops what changes between
// editions; two columns with one header stay distinct fields, but a file
// checked against a schema may not name a column twice (ingest's rule), so
// the check says exactly that and nothing else.
func TestAliasesAndDuplicates(t *testing.T) {
	csv := "Superficie (kmq) al 01/01/2023;Città;Città;Importo\n13,15;Como;Cantù;1\n7,5;Lecco;Erba;2\n"
	d, _ := drafted(t, "a.csv", []byte(csv), "")
	if f := d.Fields[0]; !slices.Equal(f.Alias, []string{"Superficie"}) {
		t.Errorf("aliases %v", f.Alias)
	}
	if d.Fields[1].Title == d.Fields[2].Title || d.Fields[2].Required {
		t.Errorf("duplicate headers: %+v %+v", d.Fields[1], d.Fields[2])
	}
	doc, err := d.JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	s, err := validate.Compile("a", doc)
	if err != nil {
		t.Fatal(err)
	}
	tb, issues, err := ingest.Read(context.Background(), "a.csv", []byte(csv), ingest.Options{Schema: s.Info()})
	if err != nil {
		t.Fatal(err)
	}
	if len(issues) != 1 || issues[0].Rule != "header-duplicate" || issues[0].Ref.Col != 3 {
		t.Errorf("issues %+v, want the duplicate header of column 3", issues)
	}
	fixed := strings.Replace(csv, "Città;Città", "Città;Città (citta_2)", 1)
	tb, issues, err = ingest.Read(context.Background(), "a.csv", []byte(fixed), ingest.Options{Schema: s.Info()})
	if err != nil {
		t.Fatal(err)
	}
	issues = append(issues, validate.Table(context.Background(), tb, s, nil)...)
	if len(issues) > 0 || tb.Rows[0].Cells[2].Value != "Cantù" {
		t.Errorf("renamed as the draft says: issues %+v, cell %+v", issues, tb.Rows[0].Cells[2])
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from its golden file (run go test -update and review the diff):\n%s", name, got)
	}
}
