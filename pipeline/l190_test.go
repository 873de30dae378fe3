package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/validate"
)

func l190Schema(t testing.TB) *validate.Schema {
	t.Helper()
	all, err := LoadSchemas()
	if err != nil {
		t.Fatal(err)
	}
	s, ok := all[L190Schema]
	if !ok {
		t.Fatalf("built-in schema %s not loaded", L190Schema)
	}
	return s
}

// A lotto with bidders in a grouping and winners, written for this test in
// the shape of ANAC's v1.3 schema.
const l190Groups = `<?xml version="1.0" encoding="UTF-8"?>
<legge190:pubblicazione xmlns:legge190="legge190_1_0">
  <metadata>
    <titolo>Contratti 2024</titolo>
    <abstract>Contratti 2024</abstract>
    <dataPubblicazioneDataset>2025-01-20</dataPubblicazioneDataset>
    <entePubblicatore>Comune di Prova</entePubblicatore>
    <dataUltimoAggiornamentoDataset>2025-01-20</dataUltimoAggiornamentoDataset>
    <annoRiferimento>2024</annoRiferimento>
    <urlFile>https://example.org/l190/2024.xml</urlFile>
    <licenza>IODL 2.0</licenza>
  </metadata>
  <data>
    <lotto>
      <cig>Z1234567AB</cig>
      <strutturaProponente>
        <codiceFiscaleProp>80005370137</codiceFiscaleProp>
        <denominazione>COMUNE DI COMO</denominazione>
      </strutturaProponente>
      <oggetto>MANUTENZIONE DEL VERDE</oggetto>
      <sceltaContraente>04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE</sceltaContraente>
      <partecipanti>
        <partecipante>
          <codiceFiscale>01234567890</codiceFiscale>
          <ragioneSociale>ALFA SRL</ragioneSociale>
        </partecipante>
        <raggruppamento>
          <membro>
            <codiceFiscale>09876543210</codiceFiscale>
            <ragioneSociale>BETA SPA</ragioneSociale>
            <ruolo>02-MANDATARIA</ruolo>
          </membro>
          <membro>
            <codiceFiscale>11111111111</codiceFiscale>
            <ragioneSociale>GAMMA SNC</ragioneSociale>
            <ruolo>01-MANDANTE</ruolo>
          </membro>
        </raggruppamento>
      </partecipanti>
      <aggiudicatari>
        <aggiudicatarioRaggruppamento>
          <membro>
            <codiceFiscale>09876543210</codiceFiscale>
            <ragioneSociale>BETA SPA</ragioneSociale>
            <ruolo>02-MANDATARIA</ruolo>
          </membro>
          <membro>
            <codiceFiscale>11111111111</codiceFiscale>
            <ragioneSociale>GAMMA SNC</ragioneSociale>
            <ruolo>01-MANDANTE</ruolo>
          </membro>
        </aggiudicatarioRaggruppamento>
      </aggiudicatari>
      <importoAggiudicazione>12500.50</importoAggiudicazione>
      <tempiCompletamento>
        <dataInizio>2024-03-01</dataInizio>
        <dataUltimazione>2024-10-31</dataUltimazione>
      </tempiCompletamento>
      <importoSommeLiquidate>9000</importoSommeLiquidate>
    </lotto>
  </data>
</legge190:pubblicazione>
`

func TestJudgeL190Table(t *testing.T) {
	s := l190Schema(t)
	issues, tab, err := judge(context.Background(), s, nil, nil, "contratti.xml", []byte(l190Groups), "")
	if err != nil {
		t.Fatal(err)
	}
	if catalog.Blocking(issues) || tab == nil {
		t.Fatalf("refused: %v", issues)
	}
	if len(tab.Rows) != 1 {
		t.Fatalf("%d rows, want 1", len(tab.Rows))
	}
	want := map[string]any{
		"cig": "Z1234567AB", "codice_fiscale_prop": "80005370137", "codice_procedura": "04",
		"scelta_contraente":      "04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE",
		"importo_aggiudicazione": 12500.5, "importo_somme_liquidate": 9000.0,
		"data_inizio": "2024-03-01", "data_ultimazione": "2024-10-31",
		"numero_partecipanti":          2.0, // ALFA alone, and one grouping
		"aggiudicatari":                "BETA SPA; GAMMA SNC",
		"codici_fiscali_aggiudicatari": "09876543210; 11111111111",
		"anno_riferimento":             2024.0, "riga_xml": 14.0,
	}
	rec := tab.Record(0)
	for f, v := range want {
		if rec[f] != v {
			t.Errorf("%s = %#v, want %#v", f, rec[f], v)
		}
	}
	types := map[string]catalog.FieldType{
		"cig": catalog.TypeString, "codice_fiscale_prop": catalog.TypeString, "codice_procedura": catalog.TypeString,
		"importo_aggiudicazione": catalog.TypeNumber, "data_inizio": catalog.TypeDate,
		"numero_partecipanti": catalog.TypeInteger, "riga_xml": catalog.TypeInteger,
	}
	for i, c := range tab.Columns {
		if want, ok := types[c.Field]; ok && c.Type != want {
			t.Errorf("column %s type %q, want %q", c.Field, c.Type, want)
		}
		if _, ok := s.Info().Field(c.Field); !ok {
			t.Errorf("column %d (%s) is not a field of the schema", i, c.Field)
		}
	}
	if len(tab.Columns) != len(s.Info().Fields) {
		t.Errorf("%d columns, schema has %d fields", len(tab.Columns), len(s.Info().Fields))
	}
	// A reference is the file and the line of the element.
	if got := tab.Ref(0, tab.ColumnOf("importo_aggiudicazione")).String(); got != "contratti.xml:54" {
		t.Errorf("reference of the amount %q, want contratti.xml:54", got)
	}
}

// The demo's file: the lotti of Como's comuni in the AVCP export, real and
// publishable.
func TestJudgeL190Demo(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "datasets", "data", "contratti-comuni-como-2013.xml"))
	if err != nil {
		t.Fatal(err)
	}
	issues, tab, err := judge(context.Background(), l190Schema(t), nil, nil, "contratti-comuni-como-2013.xml", data, "")
	if err != nil {
		t.Fatal(err)
	}
	if catalog.Blocking(issues) {
		t.Fatalf("demo file refused: %s", validate.Report(issues, "en"))
	}
	if len(tab.Rows) != 15 {
		t.Fatalf("%d lotti, want 15", len(tab.Rows))
	}
	first := tab.Record(0)
	if first["cig"] != "5518385B5A" || first["denominazione"] != "COMUNE DI CANTU'" || first["riga_xml"] != 17.0 {
		t.Errorf("first lotto %v", first)
	}
	for i := range tab.Rows {
		cf, _ := tab.Record(i)["codice_fiscale_prop"].(string)
		if len(cf) != 11 {
			t.Errorf("row %d: body's fiscal code %q", i, cf)
		}
	}
}

// The whole AVCP export: real errors (fiscal code "ND") refuse it, each
// issue naming its line.
func TestJudgeL190RefusesANACErrors(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "corpus", "l190", "AVCP-portaletrasparenza-scrape_2013-12.xml"))
	if err != nil {
		t.Skip("corpus not available:", err)
	}
	issues, tab, err := judge(context.Background(), l190Schema(t), nil, nil, "avcp.xml", data, "")
	if err != nil {
		t.Fatal(err)
	}
	if !catalog.Blocking(issues) {
		t.Fatal("the export with fiscal codes ND was accepted")
	}
	if tab == nil || len(tab.Rows) != 5207 {
		t.Fatalf("table of the refused file: %v", tab)
	}
	for _, is := range issues {
		if is.Severity == catalog.Error && (is.Ref.Row == 0 || is.Ref.File != "avcp.xml") {
			t.Fatalf("error without a line: %+v", is)
		}
	}
}

func TestJudgeL190Unreadable(t *testing.T) {
	tests := []struct {
		name, data string
		rule       string // the reader's message must be kept
		line       int
	}{
		{"page.html", "<!DOCTYPE html>\n<html><body>Amministrazione trasparente</body></html>", "pagina web", 0},
		{"broken.xml", "<?xml version=\"1.0\"?>\n<legge190:pubblicazione xmlns:legge190=\"legge190_1_0\">\n<metadata>\n<titolo>x</metadata>\n", "Riga 4", 4},
		{"empty.xml", "", "vuoto", 0},
		{"bomb.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<p>&b;</p>\n", "Riga", 2},
		{"deep.xml", "<?xml version=\"1.0\"?>\n<legge190:pubblicazione xmlns:legge190=\"legge190_1_0\">\n" + strings.Repeat("<x>", 100) + "\n", "Riga 3", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issues, tab, err := judge(context.Background(), l190Schema(t), nil, nil, tt.name, []byte(tt.data), "")
			if err != nil {
				t.Fatal(err)
			}
			if len(issues) != 1 || tab != nil {
				t.Fatalf("issues %v, table %v", issues, tab)
			}
			is := issues[0]
			if is.Rule != "unreadable" || is.Severity != catalog.Error || is.Ref.Row != tt.line || !strings.Contains(is.Message.It, tt.rule) || is.Message.En == "" {
				t.Errorf("issue %+v", is)
			}
			if tt.line > 0 && is.Ref.Col == 0 {
				t.Errorf("no column in %+v", is.Ref)
			}
		})
	}
}

func TestJudgeL190Index(t *testing.T) {
	index := `<?xml version="1.0" encoding="UTF-8"?>
<legge190:indici xmlns:legge190="legge190_1_0">
  <metadata>
    <titolo>Indice</titolo><abstract>Indice</abstract>
    <dataPubblicazioneIndice>2025-01-20</dataPubblicazioneIndice>
    <entePubblicatore>Comune di Prova</entePubblicatore>
    <dataUltimoAggiornamentoIndice>2025-01-20</dataUltimoAggiornamentoIndice>
    <annoRiferimento>2024</annoRiferimento>
    <urlFile>https://example.org/l190/indice.xml</urlFile>
    <licenza>IODL 2.0</licenza>
  </metadata>
  <indice>
    <dataset id="1"><linkDataset>https://example.org/l190/2024.xml</linkDataset><dataUltimoAggiornamento>2025-01-20</dataUltimoAggiornamento></dataset>
  </indice>
</legge190:indici>
`
	issues, tab, err := judge(context.Background(), l190Schema(t), nil, nil, "indice.xml", []byte(index), "")
	if err != nil {
		t.Fatal(err)
	}
	if tab != nil || len(issues) != 1 || issues[0].Rule != "l190-indice" || !catalog.Blocking(issues) {
		t.Errorf("index: issues %v, table %v", issues, tab)
	}
}

// BenchmarkJudgeL190 reads, checks and tabulates the 3.4 MB AVCP export
// (5,207 lotti), as the pipeline does with a new file.
func BenchmarkJudgeL190(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "corpus", "l190", "AVCP-portaletrasparenza-scrape_2013-12.xml"))
	if err != nil {
		b.Skip("corpus not available:", err)
	}
	all, err := LoadSchemas()
	if err != nil {
		b.Fatal(err)
	}
	s := all[L190Schema]
	b.SetBytes(int64(len(data)))
	var lotti int
	for b.Loop() {
		_, tab, err := judge(context.Background(), s, nil, nil, "avcp.xml", data, "")
		if err != nil {
			b.Fatal(err)
		}
		lotti = len(tab.Rows)
	}
	b.ReportMetric(float64(lotti*b.N)/b.Elapsed().Seconds(), "lotti/s")
}

// TestRunL190KeepsLastGood runs the pipeline on a catalog with an l190
// dataset: the demo's file is published, one lotto per row; a new file with
// an ANAC error (a body's fiscal code "ND", as 409 lotti of the AVCP export
// have) and then a web page are refused, naming the XML line, and the last
// good version stays published.
func TestRunL190KeepsLastGood(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "datasets", "data", "contratti-comuni-como-2013.xml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cat := filepath.Join(dir, "catalog")
	write := func(name, body string) {
		t.Helper()
		p := filepath.Join(cat, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("portal.yaml", portalYAML)
	write("contratti.yaml", `id: contratti
title: {it: Contratti pubblici}
description: {it: Contratti dei comuni (L. 190/2012).}
publisher: "013"
theme: GOVE
frequency: ANNUAL
schema: l190
source: {path: data/contratti.xml}
keywords: [contratti]
`)
	write("data/contratti.xml", string(good))
	cfg := Config{Catalog: os.DirFS(cat), OutDir: filepath.Join(dir, "public"), StateDir: filepath.Join(dir, "state")}
	run := func() catalog.DatasetState {
		t.Helper()
		res, err := Run(context.Background(), cfg, Deps{})
		if err != nil {
			t.Fatal(err)
		}
		return res.Build.Datasets[0]
	}
	csvPath := filepath.Join(cfg.OutDir, "datasets", "contratti", "contratti.csv")

	st := run()
	if st.Status != catalog.Accepted || st.Current == nil || st.Current.Rows != 15 {
		t.Fatalf("demo file: %s, %+v", st.Status, st.Current)
	}
	first := st.Current.ID
	csv, _ := os.ReadFile(csvPath)
	if !strings.Contains(string(csv), "5518385B5A,00233930130,COMUNE DI CANTU'") {
		t.Errorf("download:\n%s", csv)
	}

	// The first lotto's body code replaced by "ND" (line 20 of the file).
	nd := strings.Replace(string(good), "<codiceFiscaleProp>00233930130</codiceFiscaleProp>", "<codiceFiscaleProp>ND</codiceFiscaleProp>", 1)
	write("data/contratti.xml", nd)
	st = run()
	if st.Status != catalog.Refused || st.Current == nil || st.Current.ID != first || st.Latest == nil {
		t.Fatalf("file with ND: %s, current %+v", st.Status, st.Current)
	}
	if r := catalog.FirstReason(st.Latest.Issues); !strings.Contains(r.It, "contratti.xml:20") || !strings.Contains(r.It, "5518385B5A") {
		t.Errorf("reason %q does not name the line and the CIG", r.It)
	}

	write("data/contratti.xml", "<!DOCTYPE html>\n<html><body>Bandi di gara e contratti</body></html>\n")
	st = run()
	if st.Status != catalog.Refused || st.Current.ID != first || !unreadableIssue(st.Latest.Issues) {
		t.Fatalf("web page: %s, issues %+v", st.Status, st.Latest.Issues)
	}
	if csv2, _ := os.ReadFile(csvPath); string(csv2) != string(csv) {
		t.Error("the published download changed after refused files")
	}
}

func unreadableIssue(issues []catalog.Issue) bool {
	for _, i := range issues {
		if i.Rule == "unreadable" {
			return true
		}
	}
	return false
}

// The bidders and winners travel with the lotti as related tables, typed,
// joined to the lotti by the lotto's XML line.
func TestJudgeL190Related(t *testing.T) {
	_, tab, err := judge(context.Background(), l190Schema(t), nil, nil, "contratti.xml", []byte(l190Groups), "")
	if err != nil || tab == nil {
		t.Fatalf("judge: %v", err)
	}
	var names []string
	byName := map[string]*catalog.Table{}
	for _, r := range tab.Related {
		names = append(names, r.Name)
		byName[r.Name] = r
	}
	if strings.Join(names, ",") != "metadata,partecipanti,aggiudicatari" {
		t.Fatalf("related tables %v", names)
	}
	if n := len(byName["metadata"].Rows); n != 1 {
		t.Errorf("metadata has %d rows, want 1", n)
	}
	lotto := tab.Record(0)["riga_xml"]
	for _, name := range []string{"partecipanti", "aggiudicatari"} {
		r := byName[name]
		if len(r.Rows) == 0 {
			t.Fatalf("%s: no rows", name)
		}
		for i := range r.Rows {
			if got := r.Record(i)["riga_xml"]; got != lotto {
				t.Errorf("%s row %d: riga_xml %v, want the lotto's %v", name, i, got, lotto)
			}
		}
		types := map[string]catalog.FieldType{"riga_xml": catalog.TypeInteger, "raggruppamento": catalog.TypeInteger, "codice_fiscale": catalog.TypeString, "cig": catalog.TypeString}
		for _, c := range r.Columns {
			if want, ok := types[c.Field]; ok && c.Type != want {
				t.Errorf("%s.%s type %q, want %q", name, c.Field, c.Type, want)
			}
		}
	}
	if got := byName["aggiudicatari"].Record(0)["ragione_sociale"]; got != "BETA SPA" {
		t.Errorf("first winner %v, want BETA SPA", got)
	}
}
