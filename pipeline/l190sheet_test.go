package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/internal/l190book"
	"github.com/provincia-como/opendata/pipeline/catalog"
	l190read "github.com/provincia-como/opendata/pipeline/ingest/l190"
)

var l190SheetLotti = [][]any{
	{"Z1234567AB", "80005370137", "COMUNE DI COMO", "MANUTENZIONE DEL VERDE", "04", "12.500,00", "01/03/2024", "30/11/2024", 12500, 2024},
	{"0000000000", "80005370137", "COMUNE DI COMO", "CANCELLERIA", "23", 480.5, "", "", 480.5, 2024},
	{"0000000000", "80005370137", "COMUNE DI COMO", "TONER", "affidamento diretto", 120, "", "", 0, 2023},
}

var l190SheetBidders = [][]any{
	{"", "Z1234567AB", "01234567890", "", "ALFA SRL", "", "", "no"},
	{"", "Z1234567AB", "09876543210", "", "BETA SPA", 1, "02", "sì"},
	{"", "Z1234567AB", "", "FR12345678901", "GAMMA SARL", 1, "01-MANDANTE", ""},
	{3, "0000000000", "01234567890", "", "ALFA SRL", "", "", "sì"},
	{4, "", "09876543210", "", "BETA SPA", "", "", "sì"},
}

// A dataset of schema l190 whose source is the clerks' workbook is judged
// like the XML: published with its bidders, turned into ANAC's files (one
// per year, valid against the v1.3 XSD) with the template beside them; a
// workbook whose bidder cannot find its lotto is refused with the sheet,
// row and column, and the last good version stays.
func TestRunL190Workbook(t *testing.T) {
	dir := t.TempDir()
	cat := filepath.Join(dir, "catalog")
	write := func(name string, body []byte) {
		t.Helper()
		p := filepath.Join(cat, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("portal.yaml", []byte(portalYAML))
	write("contratti.yaml", []byte(`id: contratti
title: {it: Contratti pubblici}
description: {it: Contratti del comune (L. 190/2012).}
publisher: "013075"
theme: GOVE
frequency: ANNUAL
schema: l190
source: {path: data/contratti.xlsx}
keywords: [contratti]
`))
	write("data/contratti.xlsx", l190book.Fill(t, map[string][][]any{l190read.SheetLotti: l190SheetLotti, l190read.SheetPartecipanti: l190SheetBidders}))
	cfg := Config{Catalog: os.DirFS(cat), OutDir: filepath.Join(dir, "public"), StateDir: filepath.Join(dir, "state")}
	run := func() catalog.DatasetState {
		t.Helper()
		res, err := Run(context.Background(), cfg, Deps{})
		if err != nil {
			t.Fatal(err)
		}
		return res.Build.Datasets[0]
	}
	st := run()
	if st.Status != catalog.Accepted || st.Current == nil || st.Current.Rows != 3 {
		t.Fatalf("workbook: %s, %+v, issues %v", st.Status, st.Current, st.Latest.Issues)
	}
	paths := map[string]string{}
	for _, d := range st.Downloads {
		paths[d.Path] = d.Format
	}
	anacDir := filepath.Join(cfg.OutDir, "datasets", "contratti", "anac")
	for name, format := range map[string]string{"2023.xml": ANACFormat, "2024.xml": ANACFormat, "indice.xml": ANACFormat, l190read.TemplateName: TemplateFormat} {
		if paths["datasets/contratti/anac/"+name] != format {
			t.Errorf("no %s download %s", format, name)
		}
	}
	y2024, err := os.ReadFile(filepath.Join(anacDir, "2024.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<importoAggiudicazione>12500</importoAggiudicazione>",
		"<sceltaContraente>04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE</sceltaContraente>",
		"<identificativoFiscaleEstero>FR12345678901</identificativoFiscaleEstero>",
		"<aggiudicatarioRaggruppamento>",
		"<dataInizio>2024-03-01</dataInizio>",
		"<entePubblicatore>COMUNE DI COMO</entePubblicatore>",
	} {
		if !bytes.Contains(y2024, []byte(want)) {
			t.Errorf("2024.xml lacks %s", want)
		}
	}
	// The winner marked on one member brings the whole grouping.
	if n := bytes.Count(y2024, []byte("<membro>")); n != 4 {
		t.Errorf("%d grouping members in 2024.xml, want 2 bidders and 2 winners", n)
	}
	xmllintANAC(t, "datasetAppaltiL190.xsd", filepath.Join(anacDir, "2024.xml"))
	xmllintANAC(t, "datasetAppaltiL190.xsd", filepath.Join(anacDir, "2023.xml"))
	xmllintANAC(t, "datasetIndiceAppaltiL190.xsd", filepath.Join(anacDir, "indice.xml"))

	// The same CIG on two lotti and a bidder naming it without its row.
	bad := append([][]any{}, l190SheetBidders...)
	bad[3] = []any{"", "0000000000", "01234567890", "", "ALFA SRL", "", "", "sì"}
	write("data/contratti.xlsx", l190book.Fill(t, map[string][][]any{l190read.SheetLotti: l190SheetLotti, l190read.SheetPartecipanti: bad}))
	first := st.Current.ID
	st = run()
	if st.Status != catalog.Refused || st.Current == nil || st.Current.ID != first {
		t.Fatalf("bad workbook: %s, current %+v", st.Status, st.Current)
	}
	if r := catalog.FirstReason(st.Latest.Issues); !strings.Contains(r.It, "contratti.xlsx!partecipanti!B5") || !strings.Contains(r.It, "Riga lotto") {
		t.Errorf("reason %q does not point at the cell", r.It)
	}
}
