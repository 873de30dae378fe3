package l190_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/provincia-como/opendata/internal/l190book"
	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/ingest"
	"github.com/provincia-como/opendata/pipeline/ingest/l190"
)

func readWorkbook(t testing.TB, name string, data []byte) (*l190.Tables, []catalog.Issue) {
	t.Helper()
	tabs, issues, err := l190.ReadWorkbook(context.Background(), name, data, ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return tabs, issues
}

// summary is a table's rows as text, field=value, for comparing.
func summary(tb *catalog.Table, fields ...string) []string {
	var out []string
	for _, r := range tb.Rows {
		var b strings.Builder
		for _, f := range fields {
			fmt.Fprintf(&b, "%s=%v|", f, r.Cells[tb.ColumnOf(f)].Value)
		}
		out = append(out, b.String())
	}
	return out
}

var (
	lottoFields = []string{l190.FieldLotto, l190.FieldCIG, l190.FieldCodiceFiscaleProp, l190.FieldDenominazione, l190.FieldOggetto, l190.FieldSceltaContraente,
		l190.FieldImportoAggiudicazione, l190.FieldDataInizio, l190.FieldDataUltimazione, l190.FieldImportoSommeLiquidate, l190.FieldAnnoRiferimento}
	partyFields = []string{l190.FieldLotto, l190.FieldRaggruppamento, l190.FieldRuolo, l190.FieldCodiceFiscale, l190.FieldIdentificativoEstero, l190.FieldRagioneSociale}
)

// TestWorkbookLikeXML: the real Interporto 2021 file written out as the
// clerks' workbook (its bidders, winners marked on them) reads into the
// same lotti and bidders as the XML, and the same winners wherever each
// winner is among the lotto's bidders.
func TestWorkbookLikeXML(t *testing.T) {
	name := "SITO-Interporto-Torino_2021.xml"
	f, err := os.Open(filepath.Join("..", "..", "..", "..", "shared", "corpus", "l190", name))
	if os.IsNotExist(err) {
		t.Skipf("%s is absent", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x, err := l190.ReadTables(context.Background(), name, f, l190.Options{})
	if err != nil {
		t.Fatal(err)
	}
	val := func(tb *catalog.Table, r catalog.Row, field string) any {
		v := r.Cells[tb.ColumnOf(field)].Value
		if v == nil {
			return ""
		}
		return v
	}
	// The winners of each lotto, by fiscal code and name, counted: each
	// marks one bidder row (the file lists some bidders twice).
	won := map[any]map[string]int{}
	winners := map[any]int{}
	for _, r := range x.Aggiudicatari.Rows {
		n := val(x.Aggiudicatari, r, l190.FieldLotto)
		if won[n] == nil {
			won[n] = map[string]int{}
		}
		won[n][fmt.Sprint(val(x.Aggiudicatari, r, l190.FieldCodiceFiscale), "/", val(x.Aggiudicatari, r, l190.FieldRagioneSociale))]++
		winners[n]++
	}
	var lotti, bidders [][]any
	for _, r := range x.Lotti.Rows {
		row := []any{}
		for _, fl := range lottoFields[1:] {
			row = append(row, val(x.Lotti, r, fl))
		}
		lotti = append(lotti, row)
	}
	lineOf := map[any]int{} // lotto -> its row in sheet lotti
	for i, r := range x.Lotti.Rows {
		lineOf[val(x.Lotti, r, l190.FieldLotto)] = i + 2
	}
	matched := map[any]int{}
	for _, r := range x.Partecipanti.Rows {
		n := val(x.Partecipanti, r, l190.FieldLotto)
		who := fmt.Sprint(val(x.Partecipanti, r, l190.FieldCodiceFiscale), "/", val(x.Partecipanti, r, l190.FieldRagioneSociale))
		winner := "no"
		if won[n][who] > 0 {
			won[n][who]--
			winner = "sì"
			matched[n]++
		}
		bidders = append(bidders, []any{lineOf[n], val(x.Partecipanti, r, l190.FieldCIG), val(x.Partecipanti, r, l190.FieldCodiceFiscale),
			val(x.Partecipanti, r, l190.FieldIdentificativoEstero), val(x.Partecipanti, r, l190.FieldRagioneSociale),
			val(x.Partecipanti, r, l190.FieldRaggruppamento), val(x.Partecipanti, r, l190.FieldRuolo), winner})
	}
	w, issues := readWorkbook(t, "interporto.xlsx", l190book.Fill(t, map[string][][]any{l190.SheetLotti: lotti, l190.SheetPartecipanti: bidders}))
	if catalog.Blocking(issues) {
		t.Fatalf("issues: %v", issues)
	}
	if w.File.Kind != l190.Dataset || w.File.Lotti != len(x.Lotti.Rows) {
		t.Fatalf("file %+v", w.File)
	}
	if got, want := summary(w.Lotti, lottoFields...), summary(x.Lotti, lottoFields...); !slices.Equal(got, want) {
		t.Errorf("lotti differ:\n got %v\nwant %v", got, want)
	}
	// Groupings are renumbered per lotto as the XML numbers them.
	if got, want := summary(w.Partecipanti, partyFields...), summary(x.Partecipanti, partyFields...); !slices.Equal(got, want) {
		t.Errorf("bidders differ:\n got %v\nwant %v", got, want)
	}
	// Winners: compared on the lotti whose winners are all among the
	// bidders (others cannot be marked in the workbook).
	complete := func(tb *catalog.Table) []string {
		var out []string
		for i, s := range summary(tb, partyFields...) {
			n := tb.Rows[i].Cells[tb.ColumnOf(l190.FieldLotto)].Value
			if winners[n] > 0 && matched[n] == winners[n] {
				out = append(out, s)
			}
		}
		slices.Sort(out)
		return out
	}
	if got, want := complete(w.Aggiudicatari), complete(x.Aggiudicatari); len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("winners differ (%d compared):\n got %v\nwant %v", len(want), got, want)
	}
	// Every party joins its lotto by the lotto's row in sheet lotti.
	for _, r := range w.Partecipanti.Rows {
		n := r.Cells[w.Partecipanti.ColumnOf(l190.FieldLotto)]
		if lineOf[n.Value] != n.Line {
			t.Fatalf("party of row %d: lotto %v at line %d, want %d", r.Line, n.Value, n.Line, lineOf[n.Value])
		}
	}
}

// TestWorkbookRows: what a clerk writes, read as the XML would be; the
// bidders find their lotto by row or CIG; every problem points at the
// sheet, row and column.
func TestWorkbookRows(t *testing.T) {
	lotti := [][]any{
		// CIG, CF, denominazione, oggetto, procedura, importo agg., inizio, ultimazione, liquidato, anno
		{"z1a0b2c3d4 ", "00000000000", "Comune  di Prova", "Cancelleria", "4", "1.234,56", "01/03/2024", "", 1000.5, 2024},
		{"0000000000", "00000000000", "Comune di Prova", "Pulizie", "procedura aperta", 5000, "", "", 0, 2024},
		{"0000000000", "00000000000", "Comune di Prova", "Manutenzione", "04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE DEL BANDO", 0, "", "", 0, ""},
	}
	bidders := [][]any{
		// riga lotto, CIG, CF, estero, ragione sociale, raggruppamento, ruolo, aggiudicatario
		{"", "Z1A0B2C3D4", "01234567890", "", "Alfa srl", "", "", "sì"},
		{3, "", "01234567891", "", "Beta spa", 7, "mandataria", "no"},
		{3, "0000000000", "", "FR123", "Gamma sarl", 7, "01", "sì"},
		{"", "0000000000", "01234567892", "", "Delta", "", "", "no"},
		{3, "Z1A0B2C3D4", "01234567893", "", "Epsilon", "", "", "no"},
		{9, "", "01234567894", "", "Zeta", "", "", "forse"},
		{"", "AAAAAAAAAA", "01234567895", "", "Eta", "", "", "no"},
	}
	tabs, issues := readWorkbook(t, "contratti.xlsx", l190book.Fill(t, map[string][][]any{l190.SheetLotti: lotti, l190.SheetPartecipanti: bidders}))

	l := tabs.Lotti
	at := func(tb *catalog.Table, row int, field string) catalog.Cell {
		return tb.Rows[row].Cells[tb.ColumnOf(field)]
	}
	for _, c := range []struct {
		row   int
		field string
		want  any
	}{
		{0, l190.FieldCIG, "Z1A0B2C3D4"},
		{0, l190.FieldDenominazione, "Comune di Prova"},
		{0, l190.FieldSceltaContraente, "04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE"},
		{0, l190.FieldImportoAggiudicazione, 1234.56},
		{0, l190.FieldDataInizio, "2024-03-01"},
		{0, l190.FieldImportoSommeLiquidate, 1000.5},
		{0, l190.FieldAnnoRiferimento, 2024.0},
		{1, l190.FieldSceltaContraente, "01-PROCEDURA APERTA"},
		{2, l190.FieldSceltaContraente, "04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE"},
	} {
		if got := at(l, c.row, c.field); got.Value != c.want {
			t.Errorf("lotto %d %s = %#v, want %#v", c.row+1, c.field, got.Value, c.want)
		}
	}
	// The code alone and the current wording are read silently; v1.0's
	// wording keeps its text, for the checks' warning.
	if c := at(l, 0, l190.FieldSceltaContraente); c.Raw != c.Value {
		t.Errorf("code alone kept raw %q", c.Raw)
	}
	if c := at(l, 2, l190.FieldSceltaContraente); c.Raw == c.Value {
		t.Errorf("old wording read as the current one: %q", c.Raw)
	}
	if c := at(l, 0, l190.FieldImportoAggiudicazione); c.Raw != "1234.56" {
		t.Errorf("amount raw %q, want the plain number", c.Raw)
	}
	if ref := l.Ref(0, l.ColumnOf(l190.FieldOggetto)); ref.String() != "contratti.xlsx!lotti!D2" {
		t.Errorf("ref %s", ref)
	}

	// Bidders: by CIG (row 2), by row (rows 3, 4: a grouping renumbered 1),
	// refused: an ambiguous CIG, a row whose CIG disagrees, a row that is
	// no lotto, an unknown CIG.
	p := tabs.Partecipanti
	if got := summary(p, l190.FieldLotto, l190.FieldRaggruppamento, l190.FieldRuolo, l190.FieldCodiceFiscale, l190.FieldIdentificativoEstero); !slices.Equal(got, []string{
		"lotto=1|raggruppamento=<nil>|ruolo=<nil>|codice_fiscale=01234567890|identificativo_fiscale_estero=<nil>|",
		"lotto=2|raggruppamento=1|ruolo=02-MANDATARIA|codice_fiscale=01234567891|identificativo_fiscale_estero=<nil>|",
		"lotto=2|raggruppamento=1|ruolo=01-MANDANTE|codice_fiscale=<nil>|identificativo_fiscale_estero=FR123|",
	}) {
		t.Errorf("bidders:\n%s", strings.Join(got, "\n"))
	}
	if ref := p.Ref(1, p.ColumnOf(l190.FieldRuolo)); ref.String() != "contratti.xlsx!partecipanti!G3" {
		t.Errorf("ref %s", ref)
	}
	if c := at(p, 1, l190.FieldCIG); c.Value != "0000000000" {
		t.Errorf("bidder by row: CIG %v, want the lotto's", c.Value)
	}
	// The grouping won as a whole though one member is marked.
	if got := summary(tabs.Aggiudicatari, l190.FieldLotto, l190.FieldRaggruppamento, l190.FieldRagioneSociale); !slices.Equal(got, []string{
		"lotto=1|raggruppamento=<nil>|ragione_sociale=Alfa srl|",
		"lotto=2|raggruppamento=1|ragione_sociale=Beta spa|",
		"lotto=2|raggruppamento=1|ragione_sociale=Gamma sarl|",
	}) {
		t.Errorf("winners:\n%s", strings.Join(got, "\n"))
	}
	var where []string
	for _, is := range issues {
		if is.Severity != catalog.Error {
			continue
		}
		where = append(where, is.Ref.String()+" "+is.Rule)
		if is.Message.It == "" || is.Message.En == "" {
			t.Errorf("%s: message missing", is.Ref)
		}
	}
	want := []string{
		"contratti.xlsx!lotti!J4 required",
		"contratti.xlsx!partecipanti!B5 lotto-partecipante",
		"contratti.xlsx!partecipanti!B6 lotto-partecipante",
		"contratti.xlsx!partecipanti!A7 lotto-partecipante",
		"contratti.xlsx!partecipanti!B8 lotto-partecipante",
	}
	if !slices.Equal(where, want) {
		t.Errorf("errors:\n%s\nwant\n%s", strings.Join(where, "\n"), strings.Join(want, "\n"))
	}
	var ambiguous string
	for _, is := range issues {
		if is.Ref.Row == 5 && is.Ref.Sheet == l190.SheetPartecipanti {
			ambiguous = is.Message.It
		}
	}
	if !strings.Contains(ambiguous, "righe 3, 4") || !strings.Contains(ambiguous, "Riga lotto") {
		t.Errorf("ambiguous CIG message: %q", ambiguous)
	}
}

// TestWorkbookCSV: a CSV holds the lotti only.
func TestWorkbookCSV(t *testing.T) {
	csv := "CIG;Codice fiscale struttura proponente;Denominazione struttura proponente;Oggetto;Scelta del contraente;Importo aggiudicazione;Data inizio;Data ultimazione;Importo somme liquidate;Anno\n" +
		"Z1A0B2C3D4;00000000000;Comune di Prova;Cancelleria;23;1.234,50;01/03/2024;;0;2024\n"
	tabs, issues := readWorkbook(t, "lotti.csv", []byte(csv))
	if catalog.Blocking(issues) {
		t.Fatalf("issues %v", issues)
	}
	if len(tabs.Lotti.Rows) != 1 || len(tabs.Partecipanti.Rows) != 0 {
		t.Fatalf("%d lotti, %d bidders", len(tabs.Lotti.Rows), len(tabs.Partecipanti.Rows))
	}
	if got := summary(tabs.Lotti, l190.FieldSceltaContraente, l190.FieldImportoAggiudicazione)[0]; got != "scelta_contraente=23-AFFIDAMENTO DIRETTO|importo_aggiudicazione=1234.5|" {
		t.Errorf("lotto %s", got)
	}
	if ref := tabs.Lotti.Ref(0, tabs.Lotti.ColumnOf(l190.FieldOggetto)); ref.String() != "lotti.csv:2:4" {
		t.Errorf("ref %s", ref)
	}
}

// TestTemplate: the template has the headers the reader wants, reads as an
// empty workbook with no issue, and is the same bytes every time.
func TestTemplate(t *testing.T) {
	a, err := l190.Template()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := l190.Template()
	if !bytes.Equal(a, b) {
		t.Error("the template differs from one call to the next")
	}
	tabs, issues := readWorkbook(t, l190.TemplateName, a)
	if len(issues) != 0 || len(tabs.Lotti.Rows) != 0 {
		t.Errorf("blank template: %d lotti, issues %v", len(tabs.Lotti.Rows), issues)
	}
	for _, c := range tabs.Lotti.Columns {
		if c.Field != l190.FieldLotto && c.Index == 0 {
			t.Errorf("lotti: no column for %s", c.Field)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"lotti", "partecipanti", "istruzioni", "elenchi"}) {
		t.Errorf("sheets %v", got)
	}
	if v, _ := f.GetCellValue("elenchi", "A4"); v != "04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE" {
		t.Errorf("procedure list A4 = %q", v)
	}
}

// BenchmarkReadWorkbook reads a workbook of 5,000 lotti with two bidders
// each (synthetic, made here).
func BenchmarkReadWorkbook(b *testing.B) {
	var lotti, bidders [][]any
	for i := range 5000 {
		cig := fmt.Sprintf("Z%09d", i)
		lotti = append(lotti, []any{cig, "80005370137", "COMUNE DI COMO", "FORNITURA N. " + fmt.Sprint(i), "23", 1000.5, "01/03/2024", "", 0, 2024})
		bidders = append(bidders,
			[]any{"", cig, "01234567890", "", "ALFA SRL", "", "", "sì"},
			[]any{"", cig, "09876543210", "", "BETA SPA", "", "", "no"})
	}
	data := l190book.Fill(b, map[string][][]any{l190.SheetLotti: lotti, l190.SheetPartecipanti: bidders})
	b.ResetTimer()
	for b.Loop() {
		tabs, issues := readWorkbook(b, "bench.xlsx", data)
		if len(tabs.Lotti.Rows) != 5000 || catalog.Blocking(issues) {
			b.Fatalf("%d lotti, issues %v", len(tabs.Lotti.Rows), issues)
		}
	}
	b.ReportMetric(float64(5000*b.N)/b.Elapsed().Seconds(), "lotti/s")
}
