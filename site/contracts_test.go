package site

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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

// contractsBuildRelated is contractsBuild with the related tables a
// published L. 190 version carries (pipeline/l190.go's columns): the
// bidders and winners one by one, joined to the lotti by riga_xml. Como's
// cleaning (line 30) is won by a grouping of two members against a bidder
// who lost (GAMMA) and a party without a fiscal code; Cantù's furniture
// (line 50) has one bidder only in the bidders table.
func contractsBuildRelated() *catalog.Build {
	b := contractsBuild()
	d := &b.Datasets[len(b.Datasets)-1]
	str := func(s string) catalog.Cell { return catalog.Cell{Raw: s, Value: s} }
	num := func(v float64) catalog.Cell { return catalog.Cell{Raw: "x", Value: v} }
	none := catalog.Cell{}
	fields := []string{"lotto", "cig", "raggruppamento", "ruolo", "codice_fiscale", "identificativo_fiscale_estero", "ragione_sociale", "riga_xml"}
	cols := make([]catalog.Column, len(fields))
	for i, f := range fields {
		cols[i] = catalog.Column{Header: f, Field: f}
	}
	party := func(lotto float64, cig string, group catalog.Cell, role, cf, name string, line float64) catalog.Row {
		c := func(s string) catalog.Cell {
			if s == "" {
				return none
			}
			return str(s)
		}
		return catalog.Row{Line: int(line) + 1, Cells: []catalog.Cell{num(lotto), str(cig), group, c(role), c(cf), none, c(name), num(line)}}
	}
	grouped := []catalog.Row{
		party(2, "0000000000", num(1), "02-MANDATARIA", "11111111111", "DELTA COOP", 30),
		party(2, "0000000000", num(1), "01-MANDANTE", "22222222222", "EPSILON SRL", 30),
	}
	bids := append(slices.Clone(grouped),
		party(2, "0000000000", none, "", "33333333333", "GAMMA SNC", 30),
		party(2, "0000000000", none, "", "", "ROSSI MARIO DITTA INDIVIDUALE", 30),
		party(1, "Z0A1B2C3D4", none, "", "01234567890", "ALFA SRL", 12),
		party(1, "Z0A1B2C3D4", none, "", "09876543210", "BETA SPA", 12),
		party(3, "1234567890", none, "", "01234567890", "ALFA S.R.L.", 50),
	)
	wins := append(slices.Clone(grouped),
		party(1, "Z0A1B2C3D4", none, "", "01234567890", "ALFA SRL", 12),
		party(1, "Z0A1B2C3D4", none, "", "09876543210", "BETA SPA", 12),
		party(3, "1234567890", none, "", "01234567890", "ALFA S.R.L.", 50),
	)
	t := *d.Table
	t.Related = []*catalog.Table{
		{Name: "metadata", File: t.File},
		{Name: "partecipanti", File: t.File, Columns: cols, Rows: bids},
		{Name: "aggiudicatari", File: t.File, Columns: cols, Rows: wins},
	}
	d.Table = &t
	return b
}

// TestRenderContractBidders: with the related tables, a lotto's page lists
// its bidders (a grouping's members together, with their roles) and
// winners, a loser's supplier page lists the lotto as bid and not won with
// totals of the lots won only, a party without a fiscal code has no page,
// the single-bidder flag counts the bidders table, and the search page
// lists every CIG and fiscal code with links to pages that exist.
func TestRenderContractBidders(t *testing.T) {
	b := contractsBuildRelated()
	out := t.TempDir()
	var logs strings.Builder
	if _, err := Render(context.Background(), b, out, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatalf("Render: %v\n%s", err, logs.String())
	}
	if strings.Contains(logs.String(), "level=WARN") || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("Hugo complained:\n%s", logs.String())
	}
	lotto := read(t, out, "contratti/lotti/contratti-2013-30/index.html")
	bidders := regexp.MustCompile(`(?s)<ul class="bidders">.*?</ul>`).FindString(lotto)
	for _, w := range []string{
		// The grouping is one item: both members, their roles, won.
		`<li>Raggruppamento 1: <a href="/contratti/fornitori/11111111111/">DELTA COOP</a> (<code>11111111111</code>) – 02-MANDATARIA; <a href="/contratti/fornitori/22222222222/">EPSILON SRL</a> (<code>22222222222</code>) – 01-MANDANTE <strong>(aggiudicatario)</strong></li>`,
		`<li><a href="/contratti/fornitori/33333333333/">GAMMA SNC</a> (<code>33333333333</code>)</li>`,
		`<li>ROSSI MARIO DITTA INDIVIDUALE</li>`,
	} {
		if !strings.Contains(bidders, w) {
			t.Errorf("lotto 30's bidders: missing %q in\n%s", w, bidders)
		}
	}
	if n := strings.Count(bidders, "<li>"); n != 3 {
		t.Errorf("lotto 30 lists %d bidders, want 3 (a grouping counts once)", n)
	}
	winners := regexp.MustCompile(`(?s)<ul class="winners">.*?</ul>`).FindString(lotto)
	if !strings.Contains(winners, "DELTA COOP") || !strings.Contains(winners, "EPSILON SRL") || strings.Contains(winners, "GAMMA") {
		t.Errorf("lotto 30's winners: %s", winners)
	}
	// The lotti table said 3 bidders; the bidders table says 3 too (the
	// grouping, GAMMA, ROSSI); the lotto is no longer "awarded with no winner".
	if strings.Contains(lotto, "Importo senza aggiudicatario") {
		t.Errorf("lotto 30 has winners in the aggiudicatari table, yet is flagged as without")
	}
	if _, err := os.Stat(filepath.Join(out, "contratti/fornitori/rossi-mario-ditta-individuale/index.html")); err == nil {
		t.Errorf("a party without a fiscal code got a supplier page")
	}

	// The loser: the lotto bid for and not won, no amount to its name.
	gamma := read(t, out, "contratti/fornitori/33333333333/index.html")
	for _, w := range []string{"GAMMA SNC", `href="/contratti/lotti/contratti-2013-30/"`, "<td>non vinto</td>",
		"Lotti a cui ha partecipato o che ha vinto: 1 · vinti: 0 · Aggiudicato 0,00\u00a0€ · Pagato 0,00\u00a0€"} {
		if !strings.Contains(gamma, w) {
			t.Errorf("GAMMA's page: missing %q", w)
		}
	}
	if strings.Contains(gamma, "non sono ancora mostrate") {
		t.Errorf("GAMMA's page still says lost tenders are not shown")
	}
	// A winner of a grouping: the lotto won, its amounts in the total.
	delta := read(t, out, "en/contratti/fornitori/11111111111/index.html")
	for _, w := range []string{"DELTA COOP", "<td>won</td>", "Lots bid for or won: 1 · won: 1 · Awarded €5,000.00 · Paid €0.00"} {
		if !strings.Contains(delta, w) {
			t.Errorf("DELTA's page: missing %q", w)
		}
	}
	alfa := read(t, out, "contratti/fornitori/01234567890/index.html")
	if !strings.Contains(alfa, ": 2 · vinti: 2 · Aggiudicato 3.500,50\u00a0€ · Pagato 3.700,50\u00a0€") {
		t.Errorf("ALFA's totals are wrong")
	}

	// Single bidder: Cantù's lotto 50 has one in the bidders table (the
	// lotti table's count says 2); Como's lotto 12 has two there (it says 1).
	page := read(t, out, "contratti/index.html")
	for _, w := range []string{
		`<th scope="row"><a href="/contratti/enti/como/segnali/">Como</a></th><td class="num">2</td><td class="num">0</td>`,
		`<th scope="row"><a href="/contratti/enti/cantu/segnali/">Cantù</a></th><td class="num">1</td><td class="num">1</td>`,
		`href="/contratti/cerca/"`,
	} {
		if !strings.Contains(page, w) {
			t.Errorf("contratti/index.html: missing %q", w)
		}
	}

	// The search page: every CIG and fiscal code, each linking to a page
	// that exists.
	search := read(t, out, "contratti/cerca/index.html")
	for _, code := range []string{"Z0A1B2C3D4", "1234567890", "7777777777", "01234567890", "09876543210", "11111111111", "22222222222", "33333333333"} {
		m := regexp.MustCompile(`<a href="/([^"]+)"><code>` + code + `</code></a>`).FindStringSubmatch(search)
		if m == nil {
			t.Errorf("search page: no link for %s", code)
			continue
		}
		read(t, out, m[1]+"index.html")
	}
	for _, name := range []string{"GAMMA SNC", "DELTA COOP", "Manutenzione del verde"} {
		if !strings.Contains(search, name) {
			t.Errorf("search page: missing %q", name)
		}
	}
	read(t, out, "en/contratti/cerca/index.html")
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
		{"contratti/index.html", []string{"Contratti pubblici", `href="/contratti/enti/como/">Como</a>`, `href="/contratti/enti/cantu/">Cantù</a>`, `href="/contratti/enti/83002860225/">COMUNE DI LIVO</a>`, "COMUNE DI LIVO", "Procedura non indicata", "6.000,00\u00a0€", "1.200,00\u00a0€", "2.500,50\u00a0€",
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
	if !strings.Contains(page, `<th scope="row"><a href="/contratti/enti/como/segnali/">Como</a></th><td class="num">2</td><td class="num">1</td><td class="num">1 (50`+"\u00a0"+`%)</td><td class="num">1</td><td class="num">1</td><td class="num">1</td>`) {
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

// TestContractSearchSplit: when the entries outgrow one search page, the
// search is split by initial (a lotto under its CIG's and its object's),
// an initial too large for a page in numbered parts, each page linked and
// every CIG reachable.
func TestContractSearchSplit(t *testing.T) {
	b := contractsBuild()
	d := &b.Datasets[len(b.Datasets)-1]
	tab := *d.Table
	tab.Rows = slices.Clone(tab.Rows)
	proto := tab.Rows[2] // Cantù's furniture, with a winner
	var cigs []string
	for i := range searchPage + 40 {
		r := catalog.Row{Line: 1000 + i, Cells: slices.Clone(proto.Cells)}
		cig := fmt.Sprintf("%c%09d", "0123456789ABCDEF"[i%16], i+1) // not 0000000000: no CIG
		cigs = append(cigs, cig)
		r.Cells[0] = catalog.Cell{Raw: cig, Value: cig}
		// Objects as long as ANAC allows (250 characters): the page's
		// weight at its worst.
		obj := fmt.Sprintf("Lavori n. %d ", i) + strings.Repeat("manutenzione straordinaria è ", 9)
		r.Cells[3] = catalog.Cell{Raw: "Lavori", Value: obj}
		r.Cells[14] = catalog.Cell{Raw: "x", Value: float64(1000 + i)}
		tab.Rows = append(tab.Rows, r)
	}
	d.Table = &tab
	out := t.TempDir()
	var logs strings.Builder
	if _, err := Render(context.Background(), b, out, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatalf("Render: %v\n%s", err, logs.String())
	}
	index := read(t, out, "contratti/cerca/index.html")
	if strings.Contains(index, `id="contracts-search"`) || !strings.Contains(index, `href="/contratti/cerca/a/"`) {
		t.Fatalf("the search index is not split by initial")
	}
	// "Lavori n. …" is more than a page under L: two parts, linked.
	l1 := read(t, out, "contratti/cerca/l/index.html")
	if !strings.Contains(l1, `href="/contratti/cerca/l-2/"`) {
		t.Errorf("the first part of L does not link to the second")
	}
	l2 := read(t, out, "contratti/cerca/l-2/index.html")
	if n := strings.Count(l1, `<tr><th scope="row">`) + strings.Count(l2, `<tr><th scope="row">`); n != searchPage+40 {
		t.Errorf("L lists %d lotti in its parts, want %d", n, searchPage+40)
	}
	// Each page stays well under the 100 KB budget, which counts its CSS
	// and JS too (the browser test measures them on the demo).
	for _, p := range []string{l1, l2} {
		if len(p) > 70_000 {
			t.Errorf("a search page of %d entries weighs %d bytes", searchPage, len(p))
		}
	}
	t.Logf("a full search page: %d bytes", len(l1))
	for _, cig := range cigs {
		in := strings.ToLower(cig[:1])
		page := read(t, out, "contratti/cerca/"+in+"/index.html")
		if !strings.Contains(page, `<a href="/contratti/lotti/`+strings.ToLower(cig)+`/"><code>`+cig+`</code></a>`) {
			t.Errorf("%s is not on the page of %s", cig, in)
		}
	}
}

// TestLoadAhead reads tables ahead in order, gives each table's error with
// it, and lets a reader stop early.
func TestLoadAhead(t *testing.T) {
	var ds []*catalog.DatasetState
	for i := range 20 {
		ds = append(ds, &catalog.DatasetState{LoadTable: func() (*catalog.Table, error) {
			if i == 7 {
				return nil, fmt.Errorf("table %d damaged", i)
			}
			return &catalog.Table{File: fmt.Sprint(i)}, nil
		}})
	}
	next, stop := loadAhead(ds, 3)
	for i := range 10 {
		tb, err := next()
		if i == 7 {
			if err == nil || err.Error() != "table 7 damaged" {
				t.Errorf("table 7: err %v", err)
			}
			continue
		}
		if err != nil || tb.File != fmt.Sprint(i) {
			t.Errorf("table %d: got %v, %v", i, tb, err)
		}
	}
	stop()
	stop()
}
