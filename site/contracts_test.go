package site

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// contractsBuild is the fixture with a small L. 190 dataset published by
// the Province: three lotti of two comuni, built to raise each red flag
// (synthetic values shaped like the AVCP export's rows).
func contractsBuild() *catalog.Build {
	b := fixture()
	str := func(s string) catalog.Cell { return catalog.Cell{Raw: s, Value: s} }
	num := func(v float64) catalog.Cell { return catalog.Cell{Raw: "x", Value: v} }
	none := catalog.Cell{}
	fields := []string{"cig", "codice_fiscale_prop", "denominazione", "oggetto", "codice_procedura", "scelta_contraente",
		"importo_aggiudicazione", "importo_somme_liquidate", "data_inizio", "data_ultimazione", "numero_partecipanti",
		"aggiudicatari", "codici_fiscali_aggiudicatari", "anno_riferimento", "riga_xml"}
	cols := make([]catalog.Column, len(fields))
	for i, f := range fields {
		cols[i] = catalog.Column{Header: f, Field: f, Index: i + 1}
	}
	v := catalog.Version{ID: "a190a190a190a190a190", Checksum: "sha256:190", Accepted: b.Generated.AddDate(0, 0, -3), Rows: 4}
	b.Datasets = append(b.Datasets, catalog.DatasetState{
		Dataset: catalog.Dataset{ID: "contratti-2013", Title: catalog.Text{It: "Contratti pubblici 2013", En: "Public contracts 2013"},
			Publisher: "013", Theme: "GOVE", Frequency: "NEVER", Schema: "l190"},
		Status: catalog.Accepted, Current: &v, History: []catalog.Version{v},
		Latest: &catalog.Attempt{At: v.Accepted, Status: catalog.Accepted},
		Table: &catalog.Table{File: "contratti.xml", Columns: cols, Rows: []catalog.Row{
			// Direct award, one bidder, paid above awarded, two winners.
			{Line: 12, Cells: []catalog.Cell{str("Z0A1B2C3D4"), str("00417080132"), str("COMUNE DI COMO"), str("Manutenzione del verde"),
				str("23"), str("23-AFFIDAMENTO DIRETTO"), num(1000), num(1200), str("2013-01-10"), str("2013-06-30"), num(1),
				str("ALFA SRL; BETA SPA"), str("01234567890; 09876543210"), num(2013), num(12)}},
			// No CIG, awarded with no winner, overdue.
			{Line: 30, Cells: []catalog.Cell{str("0000000000"), str("00417080132"), str("COMUNE DI COMO"), str("Pulizia degli uffici"),
				str("01"), str("01-PROCEDURA APERTA"), num(5000), num(0), str("2013-02-01"), str("2014-01-01"), num(3),
				none, none, num(2013), num(30)}},
			{Line: 50, Cells: []catalog.Cell{str("1234567890"), str("00233930130"), str("COMUNE DI CANTU'"), str("Fornitura di arredi"),
				str("04"), str("04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE"), num(2500.5), num(2500.5), str("2013-03-01"), str("2013-04-01"), num(2),
				str("ALFA S.R.L."), str("01234567890"), num(2013), num(50)}},
			// A body of another province whose name is also a comune's:
			// not matched to the registry (its fiscal code is Trento's).
			{Line: 70, Cells: []catalog.Cell{str("7777777777"), str("83002860225"), str("COMUNE DI LIVO"), str("Sgombero neve"),
				none, none, num(100), num(0), none, none, num(0), none, none, num(2013), num(70)}},
		}},
	})
	return b
}

// TestRenderContracts renders the contracts section: its pages exist, the
// per-body totals are the sums of the lotti, the chart says what the
// table says, and every winner links to its supplier's page.
func TestRenderContracts(t *testing.T) {
	b := contractsBuild()
	out := t.TempDir()
	var logs strings.Builder
	if _, err := Render(context.Background(), b, out, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatalf("Render: %v\n%s", err, logs.String())
	}
	if strings.Contains(logs.String(), "level=WARN") || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("Hugo complained:\n%s", logs.String())
	}
	tests := []struct {
		path string
		want []string
	}{
		{"contratti/index.html", []string{"Contratti pubblici", `href="/comuni/013075/">Como</a>`, `href="/comuni/013041/">Cantù</a>`, "COMUNE DI LIVO", "Procedura non indicata", "6.000,00\u00a0€", "1.200,00\u00a0€", "2.500,50\u00a0€",
			"Un solo offerente", "Affidamenti diretti", "1 (50\u00a0%)", "Pagato più dell'aggiudicato", "Importo senza aggiudicatario", "In ritardo",
			"26 novembre 2026", `role="img"`, `href="/contratti/lotti/z0a1b2c3d4/"`}},
		{"en/contratti/index.html", []string{"Public contracts", "Single bidder", "Direct awards", "Paid above awarded", "Awarded with no winner", "Overdue"}},
		{"contratti/lotti/z0a1b2c3d4/index.html", []string{"Z0A1B2C3D4", "Manutenzione del verde", "23-AFFIDAMENTO DIRETTO", "contratti.xml", "riga 12", `href="/comuni/013075/"`,
			`href="/datasets/contratti-2013/"`, `href="/contratti/fornitori/01234567890/"`, `href="/contratti/fornitori/09876543210/"`, "1.000,00\u00a0€", "30 giugno 2013"}},
		{"contratti/lotti/contratti-2013-30/index.html", []string{"non ha un CIG", "Nessun aggiudicatario", "In ritardo"}},
		{"en/contratti/lotti/1234567890/index.html", []string{"Fornitura di arredi", "line 50", "€2,500.50"}},
		{"contratti/fornitori/01234567890/index.html", []string{"ALFA SRL", "ALFA S.R.L.", "3.500,50\u00a0€", "3.700,50\u00a0€", "senza vincere",
			`href="/contratti/lotti/z0a1b2c3d4/"`, `href="/contratti/lotti/1234567890/"`}},
		{"en/contratti/fornitori/09876543210/index.html", []string{"BETA SPA", "without winning"}},
		{"index.html", []string{`href="/contratti/"`}},
	}
	for _, tt := range tests {
		page := read(t, out, tt.path)
		for _, w := range tt.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: missing %q", tt.path, w)
			}
		}
	}

	// Each winner on a lotto's page links to a supplier page that exists.
	for _, p := range []string{"contratti/lotti/z0a1b2c3d4/index.html", "contratti/lotti/1234567890/index.html"} {
		page := read(t, out, p)
		links := regexp.MustCompile(`<ul class="winners">.*?</ul>`).FindString(page)
		hrefs := regexp.MustCompile(`href="/(contratti/fornitori/[^"]+)"`).FindAllStringSubmatch(links, -1)
		if len(hrefs) == 0 || len(hrefs) != strings.Count(links, "<li>") {
			t.Errorf("%s: winners %q", p, links)
		}
		for _, h := range hrefs {
			read(t, out, h[1]+"index.html")
		}
	}

	// The per-body table: the sums of the lotti; the chart: the same figures.
	page := read(t, out, "contratti/index.html")
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	inTable := map[string][]string{}
	var chartTitle string
	var walk func(n *html.Node, inTbl bool)
	walk = func(n *html.Node, inTbl bool) {
		if n.Type == html.ElementNode && n.Data == "table" && attr(n, "id") == "contracts-table" {
			inTbl = true
		}
		if n.Type == html.ElementNode && n.Data == "title" && n.Parent != nil && n.Parent.Data == "svg" {
			chartTitle = text(n)
		}
		if inTbl && n.Type == html.ElementNode && n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" {
			var cells []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode {
					cells = append(cells, strings.TrimSpace(text(c)))
				}
			}
			inTable[cells[0]+" "+cells[1]] = cells[2:]
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inTbl)
		}
	}
	walk(doc, false)
	want := map[string][]string{
		"Como 2013":           {"2", "6.000,00\u00a0€", "1.200,00\u00a0€"},
		"Cantù 2013":          {"1", "2.500,50\u00a0€", "2.500,50\u00a0€"},
		"COMUNE DI LIVO 2013": {"1", "100,00\u00a0€", "0,00\u00a0€"},
	}
	if len(inTable) != len(want) {
		t.Fatalf("table %v, want %v", inTable, want)
	}
	for k, w := range want {
		if strings.Join(inTable[k], "|") != strings.Join(w, "|") {
			t.Errorf("%s: table %v, want %v", k, inTable[k], w)
		}
	}
	_, bars, _ := strings.Cut(chartTitle, ": ")
	onChart := map[string]string{}
	for _, e := range strings.Split(bars, "; ") {
		i := strings.LastIndex(e, " 2013 ")
		onChart[e[:i+5]] = e[i+6:]
	}
	if len(onChart) != len(inTable) {
		t.Fatalf("chart %q, table %v", chartTitle, inTable)
	}
	for k, row := range inTable {
		if onChart[k] != row[1] {
			t.Errorf("%s: chart %q, table %q", k, onChart[k], row[1])
		}
	}
	// Como's red flags: of its 2 lotti, one single-bidder direct award paid
	// above awarded; one with no winner, overdue at the build's day.
	if !strings.Contains(page, `<th scope="row">Como</th><td class="num">2</td><td class="num">1</td><td class="num">1 (50`+"\u00a0"+`%)</td><td class="num">1</td><td class="num">1</td><td class="num">1</td>`) {
		t.Errorf("Como's red flags are not counted right")
	}
	if !strings.Contains(page, "<tfoot><tr><th scope=\"row\">Totale</th><td></td><td class=\"num\">4</td><td class=\"num\">8.600,50\u00a0€</td><td class=\"num\">3.700,50\u00a0€</td>") {
		t.Errorf("the total row is not the sum of the lotti")
	}
}

// TestContractsMenu: the menu links to the section only when the catalog
// publishes a contracts dataset.
func TestContractsMenu(t *testing.T) {
	if hasContracts(fixture()) {
		t.Error("the fixture without contracts has a contracts section")
	}
	if !hasContracts(contractsBuild()) {
		t.Error("the fixture with contracts has none")
	}
}
