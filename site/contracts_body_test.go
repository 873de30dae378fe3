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

	"github.com/provincia-como/opendata/pipeline/catalog"
)

func renderContracts(t *testing.T, b *catalog.Build) string {
	t.Helper()
	out := t.TempDir()
	var logs strings.Builder
	if _, err := Render(context.Background(), b, out, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatalf("Render: %v\n%s", err, logs.String())
	}
	if strings.Contains(logs.String(), "level=WARN") || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("Hugo complained:\n%s", logs.String())
	}
	return out
}

// section is the markup of the element whose id is given, up to the next
// </section>.
func section(page, id string) string {
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(page[i:], "</section>")
	if j < 0 {
		return page[i:]
	}
	return page[i : i+j]
}

// pageCheck is what a rendered page must hold and must not, by its path.
type pageCheck struct {
	path    string
	want    []string
	notWant []string
}

// checkPages checks each page: what it must hold and must not, and that
// its links lead to pages of the render.
func checkPages(t *testing.T, out string, pages []pageCheck) {
	t.Helper()
	for _, c := range pages {
		page := read(t, out, c.path)
		for _, w := range c.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: missing %q", c.path, w)
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(page, w) {
				t.Errorf("%s: has %q", c.path, w)
			}
		}
		linksLead(t, out, c.path, page)
	}
}

// linksLead checks that every link of a page to the portal leads to a page
// of the render.
func linksLead(t *testing.T, out, path, page string) {
	t.Helper()
	for _, m := range regexp.MustCompile(`href="/([^"#]*)(#[^"]*)?"`).FindAllStringSubmatch(page, -1) {
		target := m[1]
		if target == "" || strings.Contains(target, ".") {
			continue // the home, or a file (CSS, feeds, downloads)
		}
		if _, err := os.Stat(filepath.Join(out, target, "index.html")); err != nil {
			t.Errorf("%s links to /%s, which is not rendered", path, target)
		}
		if m[2] != "" {
			anchor := strings.TrimPrefix(m[2], "#")
			if !strings.Contains(read(t, out, target+"index.html"), `id="`+anchor+`"`) {
				t.Errorf("%s links to /%s%s, which has no such anchor", path, target, m[2])
			}
		}
	}
}

// TestRenderContractBody: a body's page gives per year the lotti and the
// amounts (its chart and its table say the same), the same per procedure,
// its red flags counted with links to their page, its lotti; the red-flags
// page explains each flag, lists the lotti that raise it and says so
// plainly when none does; the comune's page links to its contracts.
func TestRenderContractBody(t *testing.T) {
	out := renderContracts(t, contractsBuild())
	nb := "\u00a0"
	tests := []pageCheck{
		{"contratti/enti/como/index.html", []string{"Contratti pubblici: Como", `href="/comuni/013075/"`, `<code>00417080132</code>`,
			`<tr><th scope="row">2013</th><td class="num">2</td><td class="num">6.000,00` + nb + `€</td><td class="num">1.200,00` + nb + `€</td></tr>`,
			`<tr><td>2013</td><th scope="row">23-AFFIDAMENTO DIRETTO</th><td class="num">1</td><td class="num">1.000,00` + nb + `€</td><td class="num">1.200,00` + nb + `€</td></tr>`,
			`<tr><td>2013</td><th scope="row">01-PROCEDURA APERTA</th><td class="num">1</td><td class="num">5.000,00` + nb + `€</td><td class="num">0,00` + nb + `€</td></tr>`,
			`<a href="/contratti/enti/como/segnali/#affidamenti-diretti">Affidamenti diretti</a></th><td class="num">1 su 2 (50` + nb + `%)</td>`,
			`href="/contratti/lotti/z0a1b2c3d4/"`, `href="/contratti/lotti/contratti-2013-30/"`, `role="img"`},
			[]string{"Fornitura di arredi", "<th scope=\"col\">Ente</th>"}},
		{"en/contratti/enti/cantu/index.html", []string{"Public contracts: Cantù", "Lots and amounts by year", "04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE", "€2,500.50"}, []string{"Manutenzione"}},
		{"contratti/enti/83002860225/index.html", []string{"COMUNE DI LIVO", "Procedura non indicata", "Sgombero neve"}, []string{"Scheda del comune"}},
		{"contratti/index.html", []string{`href="/contratti/enti/como/segnali/">Como</a>`, `href="/contratti/enti/83002860225/segnali/">COMUNE DI LIVO</a>`}, nil},
		{"contratti/lotti/z0a1b2c3d4/index.html", []string{`<a href="/contratti/enti/como/">COMUNE DI COMO</a>`, `<a href="/comuni/013075/">scheda del comune</a>`}, nil},
		{"comuni/013075/index.html", []string{"Contratti pubblici", "Lotti pubblicati secondo la legge 190/2012: 2; importo aggiudicato 6.000,00" + nb + "€, somme pagate 1.200,00" + nb + "€.",
			`href="/contratti/enti/como/"`, `href="/contratti/enti/como/segnali/"`}, nil},
		{"en/comuni/013041/index.html", []string{"Public contracts", `href="/en/contratti/enti/cantu/"`}, nil},
		{"comuni/013095/index.html", nil, []string{"contratti/enti", "Lotti pubblicati"}},
	}
	checkPages(t, out, tests)

	// The chart of amounts by year says what its table says.
	page := read(t, out, "contratti/enti/como/index.html")
	title := regexp.MustCompile(`<title id="years-t">([^<]*)</title>`).FindStringSubmatch(page)
	if title == nil || title[1] != "Importo aggiudicato per anno: 2013 6.000,00"+nb+"€" {
		t.Errorf("the chart's title: %q", title)
	}

	// The red flags, each with its lotti or "none".
	flagsPage := "contratti/enti/como/segnali/index.html"
	fp := read(t, out, flagsPage)
	linksLead(t, out, flagsPage, fp)
	for slug, want := range map[string][]string{
		"un-solo-offerente":        {"Un solo offerente", "nessuna concorrenza", "Lotti con il segnale: 1 su 2", `href="/contratti/lotti/z0a1b2c3d4/"`},
		"affidamenti-diretti":      {"senza gara", "1 su 2 (50" + nb + "%)", `href="/contratti/lotti/z0a1b2c3d4/"`},
		"pagato-oltre-aggiudicato": {"superano l'importo aggiudicato", `href="/contratti/lotti/z0a1b2c3d4/"`},
		"senza-aggiudicatario":     {"nessun aggiudicatario nel file", `href="/contratti/lotti/contratti-2013-30/"`},
		"in-ritardo":               {"data di ultimazione è passata", `href="/contratti/lotti/contratti-2013-30/"`},
	} {
		s := section(fp, slug)
		for _, w := range want {
			if !strings.Contains(s, w) {
				t.Errorf("Como's flag %s: missing %q in\n%s", slug, w, s)
			}
		}
		if n := strings.Count(s, "<tr><th scope=\"row\">"); n != 1 {
			t.Errorf("Como's flag %s lists %d lotti, want 1", slug, n)
		}
	}
	if !strings.Contains(fp, "«In ritardo» è calcolato al 26 novembre 2026, giorno di costruzione del portale.") {
		t.Errorf("the flags page does not say the day overdue is reckoned on")
	}
	// Cantù raises none: each flag says so.
	cantu := read(t, out, "en/contratti/enti/cantu/segnali/index.html")
	if n := strings.Count(cantu, "None of the body's lots shows this flag."); n != len(flags()) {
		t.Errorf("Cantù's flags page says none %d times, want %d", n, len(flags()))
	}
	if strings.Contains(cantu, "<table") {
		t.Errorf("Cantù's flags page lists lotti, yet it raises no flag")
	}
}

// TestContractBodyPaged: a body with more lotti than a page lists them in
// pages linked by a pager, every lotto on one page; a flag raised by more
// lotti than its page lists links to the flag's own pages, which list them
// all; every page stays well under the budget.
func TestContractBodyPaged(t *testing.T) {
	b := contractsBuild()
	d := &b.Datasets[len(b.Datasets)-1]
	tab := *d.Table
	tab.Rows = slices.Clone(tab.Rows)
	proto := tab.Rows[2] // Cantù's furniture
	const extra = 3*listPage + 7
	for i := range extra {
		r := catalog.Row{Line: 1000 + i, Cells: slices.Clone(proto.Cells)}
		cig := fmt.Sprintf("C%09d", i+1)
		r.Cells[0] = catalog.Cell{Raw: cig, Value: cig}
		// Objects as long as ANAC allows (250 characters): the pages'
		// weight at its worst; one bidder each, so the flag's list is long.
		obj := fmt.Sprintf("Lavori n. %d ", i) + strings.Repeat("manutenzione straordinaria è ", 8)
		r.Cells[3] = catalog.Cell{Raw: "Lavori", Value: obj}
		r.Cells[10] = catalog.Cell{Raw: "1", Value: 1.0}
		// Every flag raised by many lotti: the flags page at its heaviest.
		// A direct award with no winner, paid above awarded or overdue.
		r.Cells[4], r.Cells[5] = catalog.Cell{Raw: "23", Value: "23"}, catalog.Cell{Raw: "23-AFFIDAMENTO DIRETTO", Value: "23-AFFIDAMENTO DIRETTO"}
		r.Cells[11], r.Cells[12] = catalog.Cell{}, catalog.Cell{}
		r.Cells[7] = catalog.Cell{Raw: "x", Value: []float64{3000, 100}[i%2]}
		r.Cells[14] = catalog.Cell{Raw: "x", Value: float64(1000 + i)}
		tab.Rows = append(tab.Rows, r)
	}
	d.Table = &tab
	out := renderContracts(t, b)

	pages := (extra + 1 + listPage - 1) / listPage
	seen := map[string]bool{}
	largest, largestAt := 0, ""
	weigh := func(path, page string) {
		if len(page) > largest {
			largest, largestAt = len(page), path
		}
	}
	for p := 1; p <= pages; p++ {
		path := "contratti/enti/cantu/index.html"
		if p > 1 {
			path = fmt.Sprintf("contratti/enti/cantu/page/%d/index.html", p)
		}
		page := read(t, out, path)
		weigh(path, page)
		linksLead(t, out, path, page)
		if p < pages && !strings.Contains(page, fmt.Sprintf(`href="/contratti/enti/cantu/page/%d/" rel="next"`, p+1)) {
			t.Errorf("%s does not link to the next page", path)
		}
		for _, m := range regexp.MustCompile(`<a href="/contratti/lotti/([^/]+)/"><code>`).FindAllStringSubmatch(page, -1) {
			if seen[m[1]] {
				t.Errorf("lotto %s listed twice", m[1])
			}
			seen[m[1]] = true
		}
	}
	if len(seen) != extra+1 {
		t.Errorf("Cantù's pages list %d lotti, want %d", len(seen), extra+1)
	}

	fp := read(t, out, "contratti/enti/cantu/segnali/index.html")
	weigh("contratti/enti/cantu/segnali/index.html", fp)
	single := section(fp, "un-solo-offerente")
	if n := strings.Count(single, `<tr><th scope="row">`); n != flagList {
		t.Errorf("the flags page lists %d single-bidder lotti, want the first %d", n, flagList)
	}
	if !strings.Contains(single, fmt.Sprintf(`href="/contratti/enti/cantu/segnali/un-solo-offerente/">Tutti i %d lotti con questo segnale</a>`, extra)) {
		t.Errorf("the single-bidder flag does not link to its full list:\n%s", single)
	}
	for _, fg := range flags() {
		if n := strings.Count(section(fp, fg.slug), `<tr><th scope="row">`); n != flagList {
			t.Errorf("the flags page lists %d lotti under %s, want %d", n, fg.slug, flagList)
		}
	}
	all := 0
	for p := 1; ; p++ {
		path := "contratti/enti/cantu/segnali/un-solo-offerente/index.html"
		if p > 1 {
			path = fmt.Sprintf("contratti/enti/cantu/segnali/un-solo-offerente/page/%d/index.html", p)
		}
		if _, err := os.Stat(filepath.Join(out, path)); err != nil {
			break
		}
		page := read(t, out, path)
		weigh(path, page)
		linksLead(t, out, path, page)
		all += strings.Count(page, `<tr><th scope="row">`)
	}
	if all != extra {
		t.Errorf("the single-bidder list has %d lotti, want %d", all, extra)
	}
	// The budget counts CSS and JS too (the browser test measures them on
	// the demo): the markup keeps well under it.
	if largest > 70_000 {
		t.Errorf("%s weighs %d bytes", largestAt, largest)
	}
	t.Logf("largest page: %s, %d bytes", largestAt, largest)
}

// TestContractSupplierPaged: a supplier that bid in more lotti than a page
// lists (a national firm across a Province's comuni) gets its lotti in
// pages linked by a pager, each lotto on one page with its body and
// outcome, the totals on the first page, every page under the budget.
func TestContractSupplierPaged(t *testing.T) {
	b := contractsBuild()
	d := &b.Datasets[len(b.Datasets)-1]
	tab := *d.Table
	tab.Rows = slices.Clone(tab.Rows)
	proto := tab.Rows[2] // Cantù's furniture, won by ALFA S.R.L.
	const extra = 2*listPage + 3
	for i := range extra {
		r := catalog.Row{Line: 1000 + i, Cells: slices.Clone(proto.Cells)}
		cig := fmt.Sprintf("F%09d", i+1)
		r.Cells[0] = catalog.Cell{Raw: cig, Value: cig}
		r.Cells[3] = catalog.Cell{Raw: "x", Value: fmt.Sprintf("Fornitura n. %d ", i) + strings.Repeat("arredi per le scuole primarie ", 8)}
		r.Cells[14] = catalog.Cell{Raw: "x", Value: float64(1000 + i)}
		tab.Rows = append(tab.Rows, r)
	}
	d.Table = &tab
	out := renderContracts(t, b)

	const want = extra + 2 // the clones, the furniture and Como's green
	pages := (want + listPage - 1) / listPage
	seen := map[string]bool{}
	for p := 1; p <= pages; p++ {
		path := "contratti/fornitori/01234567890/index.html"
		if p > 1 {
			path = fmt.Sprintf("contratti/fornitori/01234567890/page/%d/index.html", p)
		}
		page := read(t, out, path)
		if len(page) > 60<<10 {
			t.Errorf("%s weighs %d KB", path, len(page)>>10)
		}
		linksLead(t, out, path, page)
		if p < pages && !strings.Contains(page, fmt.Sprintf(`href="/contratti/fornitori/01234567890/page/%d/" rel="next"`, p+1)) {
			t.Errorf("%s does not link to the next page", path)
		}
		if !strings.Contains(page, "<th scope=\"col\">Esito</th>") || !strings.Contains(page, "<th scope=\"col\">Ente</th>") {
			t.Errorf("%s: the list lacks the outcome or the body column", path)
		}
		if first := strings.Contains(page, "Nomi con cui compare"); first != (p == 1) {
			t.Errorf("%s: the supplier's facts on page %d: %v", path, p, first)
		}
		for _, m := range regexp.MustCompile(`<a href="/contratti/lotti/([^/]+)/"><code>`).FindAllStringSubmatch(page, -1) {
			if seen[m[1]] {
				t.Errorf("lotto %s listed twice", m[1])
			}
			seen[m[1]] = true
		}
	}
	if len(seen) != want {
		t.Errorf("the supplier's pages list %d lotti, want %d", len(seen), want)
	}
	if _, err := os.Stat(filepath.Join(out, fmt.Sprintf("contratti/fornitori/01234567890/page/%d/index.html", pages+1))); err == nil {
		t.Errorf("a page past the last")
	}
}
