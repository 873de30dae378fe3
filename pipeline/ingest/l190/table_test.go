package l190

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

func tablesOf(t testing.TB, path string) *Tables {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	tb, err := ReadTables(context.Background(), filepath.Base(path), fh, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// cellRef is where a report points for a cell: the file and the element's
// line.
func cellRef(t *catalog.Table, row, col int) string {
	line := t.Rows[row].Cells[col].Line
	if line == 0 {
		line = t.Rows[row].Line
	}
	return catalog.Ref{File: t.File, Row: line}.String()
}

func TestTables(t *testing.T) {
	tb := tablesOf(t, filepath.Join("testdata", "interporto-2021-excerpt.xml"))
	if len(tb.Metadata.Rows) != 1 || len(tb.Lotti.Rows) != 3 || len(tb.Partecipanti.Rows) != 2+11+19+2 || len(tb.Aggiudicatari.Rows) != 2+1 {
		t.Fatalf("rows: %d %d %d %d", len(tb.Metadata.Rows), len(tb.Lotti.Rows), len(tb.Partecipanti.Rows), len(tb.Aggiudicatari.Rows))
	}
	for _, tab := range []*catalog.Table{tb.Metadata, tb.Lotti, tb.Partecipanti, tb.Aggiudicatari} {
		for _, r := range tab.Rows {
			if len(r.Cells) != len(tab.Columns) || r.Line == 0 {
				t.Fatalf("%s: row %+v", tab.Columns[0].Header, r)
			}
		}
		for _, c := range tab.Columns {
			if c.Index != 0 || c.Field == "" || c.Header == "" {
				t.Fatalf("column %+v", c)
			}
		}
		if tab.File != "interporto-2021-excerpt.xml" || tab.Sheet != "" {
			t.Fatalf("file %q sheet %q", tab.File, tab.Sheet)
		}
	}
	l := tb.Lotti
	col := func(tab *catalog.Table, f string) int {
		i := tab.ColumnOf(f)
		if i < 0 {
			t.Fatalf("no column %s", f)
		}
		return i
	}
	if got := cellRef(l, 0, col(l, FieldImportoSommeLiquidate)); got != "interporto-2021-excerpt.xml:85" {
		t.Errorf("ref %s", got)
	}
	if got := l.Ref(0, col(l, FieldImportoSommeLiquidate)).String(); got != "interporto-2021-excerpt.xml:85" {
		t.Errorf("Table.Ref %s", got)
	}
	if got := l.Ref(0, -1).String(); got != "interporto-2021-excerpt.xml:14" {
		t.Errorf("row ref %s", got)
	}
	want := map[string]any{
		FieldLotto: 1.0, FieldCIG: "4870827D95", FieldCodiceFiscaleProp: "03717710010",
		FieldSceltaContraente: "04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE", FieldImportoAggiudicazione: 78616.17,
		FieldDataInizio: "2013-04-12", FieldDataUltimazione: "2014-05-06", FieldImportoSommeLiquidate: 117049.54, FieldAnnoRiferimento: 2021.0,
	}
	rec := l.Record(0)
	for f, v := range want {
		if rec[f] != v {
			t.Errorf("%s: %#v, want %#v", f, rec[f], v)
		}
	}
	// The grouping of bidders: two members of grouping 1, with roles.
	p := tb.Partecipanti
	g, r, name := col(p, FieldRaggruppamento), col(p, FieldRuolo), col(p, FieldRagioneSociale)
	if p.Rows[0].Cells[g].Value != 1.0 || p.Rows[0].Cells[r].Value != "02-MANDATARIA" || p.Rows[1].Cells[r].Value != "01-MANDANTE" ||
		p.Rows[2].Cells[g].Value != nil || p.Rows[2].Cells[name].Value != "DAVID GIUSEPPE & C. S.A.S." {
		t.Errorf("bidders: %+v / %+v / %+v", p.Rows[0].Cells, p.Rows[1].Cells, p.Rows[2].Cells)
	}
	if p.Rows[0].Line != 24 || cellRef(p, 0, name) != "interporto-2021-excerpt.xml:25" {
		t.Errorf("member lines: row %d cell %s", p.Rows[0].Line, cellRef(p, 0, name))
	}
	a := tb.Aggiudicatari
	if a.Rows[0].Cells[col(a, FieldLotto)].Value != 1.0 || a.Rows[2].Cells[col(a, FieldCIG)].Value != "50685099EF" ||
		!strings.HasPrefix(a.Columns[col(a, FieldRaggruppamento)].Header, "aggiudicatari/aggiudicatarioRaggruppamento") {
		t.Errorf("winners: %+v", a.Rows)
	}
	m := tb.Metadata
	if m.Record(0)[FieldDataPubblicazione] != "2022-06-20" || m.Columns[col(m, FieldDataPubblicazione)].Header != "metadata/dataPubblicazioneDataset" {
		t.Errorf("metadata %+v", m.Record(0))
	}
}

func TestTablesV10AndIndex(t *testing.T) {
	tb := tablesOf(t, filepath.Join("testdata", "avcp-2013-12-excerpt.xml"))
	m := tb.Metadata
	if m.Columns[m.ColumnOf(FieldDataPubblicazione)].Header != "metadata/dataPubbicazioneDataset" || m.Record(0)[FieldDataPubblicazione] != "2013-12-31" {
		t.Errorf("v1.0 spelling: %+v", m.Columns)
	}
	ix := tablesOf(t, filepath.Join("testdata", "indice-synthetic.xml"))
	if ix.File.Kind != Index || len(ix.Lotti.Rows) != 0 || len(ix.Metadata.Rows) != 0 || len(ix.File.Links) != 2 {
		t.Errorf("index: %+v", ix.File)
	}
}

func TestTablesCorpus(t *testing.T) {
	tb := tablesOf(t, corpus(t, "AVCP-portaletrasparenza-scrape_2013-12.xml"))
	if len(tb.Lotti.Rows) != 5207 || len(tb.Aggiudicatari.Rows) != 124 || len(tb.Partecipanti.Rows) != 0 {
		t.Errorf("rows %d %d %d", len(tb.Lotti.Rows), len(tb.Aggiudicatari.Rows), len(tb.Partecipanti.Rows))
	}
	last := tb.Lotti.Rows[len(tb.Lotti.Rows)-1]
	if last.Cells[tb.Lotti.ColumnOf(FieldAnnoRiferimento)].Value != 2013.0 {
		t.Errorf("year %+v", last.Cells)
	}
}
