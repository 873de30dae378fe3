package site

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// The pages of the contracts section: the overview per comune and year
// with its chart and red flags, one page per lotto, one per supplier.

// tx picks the page's language from an Italian and English pair.
func tx(f formatter, it, en string) string {
	if f.lang == "en" {
		return en
	}
	return it
}

// laidOut is one language's contracts pages, laid out.
type laidOut struct {
	pages []keyedPage
	// stamps are the pages to stamp (stamp.go), as stampLotto lays them out.
	stamps []stampJob
	err    error
}

type keyedPage struct {
	key  string
	page page
}

// contractsLaidOut lays out the contracts section in every language at
// once: its pages are most of a Province's portal, and their layout
// (front matter encoded and packed) only reads the model, which is built
// first.
func (w *writer) contractsLaidOut(langs []string) map[string]*laidOut {
	out := map[string]*laidOut{}
	for _, lang := range langs {
		out[lang] = &laidOut{}
	}
	if _, err := w.m.contracts(); err != nil {
		out[langs[0]].err = err
		return out
	}
	var wg sync.WaitGroup
	for _, lang := range langs {
		lo := out[lang]
		lw := *w // its own list of stamps
		lw.stamps = nil
		wg.Go(func() {
			add := func(key, rel, lang string, fm frontMatter) {
				p, err := newPage(rel, lang, fm)
				if err != nil {
					lo.err = cmp.Or(lo.err, err)
					return
				}
				lo.pages = append(lo.pages, keyedPage{key, p})
			}
			if err := lw.contractPages(add, formatter{lang: lang, loc: w.loc}); err != nil {
				lo.err = cmp.Or(lo.err, err)
			}
			lo.stamps = lw.stamps
		})
	}
	wg.Wait()
	return out
}

// contractPages adds the section's pages, when the catalog has contracts.
func (w *writer) contractPages(add func(key, rel, lang string, fm frontMatter), f formatter) error {
	c, err := w.m.contracts()
	if err != nil || !hasContracts(w.m.b) {
		return err
	}
	add("contratti", "contratti/_index", f.lang, w.contractsIndex(f, c))
	for _, l := range c.lotti {
		w.stampLotto(f, l)
	}
	for _, s := range c.suppliers {
		w.supplierPages(add, f, s)
	}
	w.searchPages(add, f, c)
	w.bodyPages(add, f, c)
	return nil
}

// lottoRow is a lotto in a list (a body's, a supplier's, a flag's). It is
// a struct, not a map, for speed: a Province's lists hold a million of
// them, each encoded into its page's front matter on every build.
type lottoRow struct {
	URL     string `json:"url"`
	CIG     string `json:"cig"`
	Object  string `json:"object"`
	Body    string `json:"body"`
	Proc    string `json:"proc"`
	Awarded string `json:"awarded"`
	Paid    string `json:"paid"`
	Year    string `json:"year"`
	Outcome string `json:"outcome,omitempty"`
}

// lottiRows writes the rows of a table of lotti (_partials/contracts-lotti.html)
// for a page in f's language. The lists are most of the contracts pages'
// weight, and Hugo's templates took some 30 µs a row: Go writes the rows,
// escaping every text, and the template puts them in the table.
func (w *writer) lottiRows(f formatter, rows []lottoRow, withBody, withOutcome bool) string {
	var b bytes.Buffer
	m, links := markup{&b}, w.linker(f.lang)
	for _, r := range rows {
		m.raw(`<tr><th scope="row">`)
		m.raw(`<a href="`)
		m.text(links.url(r.URL))
		m.raw(`">`)
		m.code(r.CIG)
		m.raw(`</a></th>`)
		m.cell(r.Object)
		if withBody {
			m.cell(r.Body)
		}
		m.cell(r.Year)
		m.raw(`<td class="num">`)
		m.text(r.Awarded)
		m.raw(`</td><td class="num">`)
		m.text(r.Paid)
		m.raw(`</td>`)
		if withOutcome {
			m.cell(r.Outcome)
		}
		m.raw(`</tr>`)
	}
	return b.String()
}

func (w *writer) lottoItem(f formatter, l *lotto) lottoRow {
	return lottoRow{
		URL: lottoURL(l), CIG: cmp.Or(l.CIG, "–"), Object: l.Object, Body: l.Body,
		Proc: l.Proc, Awarded: amountOr(f, l.Awarded, l.HasAwarded), Paid: amountOr(f, l.Paid, l.HasPaid),
		Year: l.Year,
	}
}

func amountOr(f formatter, v float64, ok bool) string {
	if !ok {
		return "–"
	}
	return f.money(v)
}

// contractsIndex is the overview: per comune and year the lotti and their
// totals, the procedures, a chart of the amounts awarded with the same
// figures in its table, and each comune's red flags.
func (w *writer) contractsIndex(f formatter, c *contracts) frontMatter {
	var rows []map[string]any
	var bars []bar
	for _, b := range c.buyers {
		years := map[string][]*lotto{}
		var keys []string
		for _, l := range b.lotti {
			if years[l.Year] == nil {
				keys = append(keys, l.Year)
			}
			years[l.Year] = append(years[l.Year], l)
		}
		slices.Sort(keys)
		for _, y := range keys {
			t := sumLotti(years[y])
			// Long names of bodies outside the registry are cut: the chart's
			// labels have a fixed width; the table gives them whole.
			label := b.Name
			if r := []rune(label); len(r) > 26 {
				label = string(r[:25]) + "…"
			}
			if y != "" {
				label += " " + y
			}
			rows = append(rows, map[string]any{"name": b.Name, "url": b.page(), "year": cmp.Or(y, "–"),
				"count": f.integer(t.Count), "awarded": f.money(t.Awarded), "paid": f.money(t.Paid)})
			bars = append(bars, bar{Label: label, Value: t.Awarded, Text: f.money(t.Awarded)})
		}
	}
	all := sumLotti(c.lotti)
	// By procedure: the current ANAC wording, the unknown ones last.
	byProc := map[string][]*lotto{}
	for _, l := range c.lotti {
		byProc[l.Proc] = append(byProc[l.Proc], l)
	}
	procs := make([]string, 0, len(byProc))
	for p := range byProc {
		procs = append(procs, p)
	}
	slices.SortFunc(procs, func(a, b string) int { return cmp.Or(cmp.Compare(blank(a), blank(b)), cmp.Compare(a, b)) })
	var procRows []map[string]any
	for _, p := range procs {
		t := sumLotti(byProc[p])
		procRows = append(procRows, map[string]any{"label": cmp.Or(p, tx(f, "Procedura non indicata", "Procedure not stated")),
			"count": f.integer(t.Count), "awarded": f.money(t.Awarded), "paid": f.money(t.Paid)})
	}
	// Red flags: per comune, how many lotti raise each.
	today := w.today()
	var fl []map[string]any
	var flagHeads []string
	for _, fg := range flags() {
		flagHeads = append(flagHeads, fg.label.In(f.lang))
		fl = append(fl, map[string]any{"label": fg.label.In(f.lang), "about": fg.about.In(f.lang)})
	}
	var flagRows []map[string]any
	for _, b := range c.buyers {
		var cells []string
		for _, fg := range flags() {
			n := 0
			for _, l := range b.lotti {
				if fg.test(l, today) {
					n++
				}
			}
			cell := f.integer(n)
			if fg.key == "direct" && len(b.lotti) > 0 {
				cell = fmt.Sprintf("%s (%s)", f.integer(n), f.percent(float64(n)/float64(len(b.lotti))*100))
			}
			cells = append(cells, cell)
		}
		flagRows = append(flagRows, map[string]any{"name": b.Name, "url": b.flagsPage(), "cells": cells, "count": f.integer(len(b.lotti))})
	}
	// The largest lotti: a page that lists them all would outgrow the
	// page budget on a Province's years.
	largest := slices.Clone(c.lotti)
	slices.SortStableFunc(largest, func(a, b *lotto) int { return cmp.Compare(b.Awarded, a.Awarded) })
	var items []lottoRow
	for _, l := range largest[:min(listPage, len(largest))] {
		items = append(items, w.lottoItem(f, l))
	}
	chartTitle := tx(f, "Importo aggiudicato per ente e anno", "Amount awarded by body and year")
	params := map[string]any{
		"intro": tx(f, "I contratti pubblici che gli enti pubblicano ogni anno secondo la legge 190/2012: per ogni lotto (identificato dal CIG) l'ente, la procedura, gli aggiudicatari, l'importo aggiudicato e le somme pagate. Gli importi sono in euro al netto dell'IVA.",
			"The public contracts the administrations publish every year under Law 190/2012: for each lot (identified by its CIG) the body, the procedure, the winners, the amount awarded and the sums paid. Amounts are in euros net of VAT."),
		"rows": rows, "chart": chart(bars), "chartTitle": chartTitle,
		"total":    map[string]any{"count": f.integer(all.Count), "awarded": f.money(all.Awarded), "paid": f.money(all.Paid)},
		"procRows": procRows, "flags": fl, "flagHeads": flagHeads, "flagRows": flagRows, "lotti": w.lottiRows(f, items, true, false),
		"generated": f.date(today),
	}
	words := map[string][2]string{
		"byBodyTitle": {"Lotti e importi per ente e anno", "Lots and amounts by body and year"},
		"bodyW":       {"Ente", "Body"}, "yearW": {"Anno", "Year"}, "countW": {"Lotti", "Lots"},
		"awardedW": {"Aggiudicato", "Awarded"}, "paidW": {"Pagato", "Paid"}, "totalW": {"Totale", "Total"},
		"procTitle":  {"Lotti per procedura di scelta del contraente", "Lots by procedure for choosing the contractor"},
		"procW":      {"Procedura", "Procedure"},
		"flagsTitle": {"Segnali da verificare, ente per ente", "Red flags, body by body"},
		"flagsIntro": {"Ogni numero conta i lotti dell'ente che presentano il segnale; un segnale non prova nulla, indica dove guardare.",
			"Each number counts the body's lots that show the flag; a flag proves nothing, it shows where to look."},
		"flagsAbout": {"Che cosa vuol dire ciascun segnale", "What each flag means"},
		"lottiTitle": {"Lotti, dal maggiore importo aggiudicato", "Lots, largest amount awarded first"},
		"searchW":    {"Cerca per CIG, codice fiscale o nome", "Search by CIG, fiscal code or name"}, "objectW": {"Oggetto", "Object"}, "cigW": {"CIG", "CIG"},
	}
	for k, v := range words {
		params[k] = tx(f, v[0], v[1])
	}
	// ANAC's format writes 0 for the amount of a lotto not yet awarded: say
	// so, so that a total of 0 is not read as contracts worth nothing.
	unawarded := 0
	for _, l := range c.lotti {
		if l.Awarded == 0 && len(l.Winners) == 0 {
			unawarded++
		}
	}
	if unawarded > 0 {
		params["unawardedNote"] = fmt.Sprintf(tx(f,
			"%s lotti su %s non hanno ancora un aggiudicatario: il file li riporta con importo aggiudicato 0, come ANAC chiede per le gare non ancora aggiudicate. Per questo alcuni totali sono 0.",
			"%s of %s lots have no winner yet: the file gives them an amount awarded of 0, as ANAC asks for tenders not yet awarded. This is why some totals are 0."),
			f.integer(unawarded), f.integer(len(c.lotti)))
	}
	params["overdueNote"] = fmt.Sprintf(tx(f, "«In ritardo» è calcolato al %s, giorno di costruzione del portale.", "\"Overdue\" is reckoned on %s, the day the portal was built."), f.date(today))
	return frontMatter{
		Title:       tx(f, "Contratti pubblici", "Public contracts"),
		Description: tx(f, "Contratti pubblici degli enti (L. 190/2012): lotti, aggiudicatari, importi e segnali da verificare.", "Public contracts of the administrations (Law 190/2012): lots, winners, amounts and red flags."),
		Date:        stamp(w.m.b.Generated),
		Params:      params,
	}
}

func parseDay(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

func titleTail(s string) string {
	if s == "" {
		return ""
	}
	r := []rune(s)
	if len(r) > 80 {
		return ": " + string(r[:79]) + "…"
	}
	return ": " + s
}

// supplierPage is one winner by fiscal code: its names and every lotto it
// won in the portal's files, with totals.
// supplierPages are a supplier's page and, past listPage lotti, the pages
// that list the rest: a national firm bids in every comune of a Province.
func (w *writer) supplierPages(add func(key, rel, lang string, fm frontMatter), f formatter, s *supplier) {
	var won []*lotto
	// The lotti won first, then the others, each in the files' order.
	ls := slices.Clone(s.lotti)
	slices.SortStableFunc(ls, func(a, b *lotto) int { return cmp.Compare(blank(won2(s.won[a])), blank(won2(s.won[b]))) })
	for _, l := range ls {
		if s.won[l] {
			won = append(won, l)
		}
	}
	// The amounts are those of the lotti it won: a lost tender's money
	// went to someone else.
	t := sumLotti(won)
	params := map[string]any{
		"cf": s.CF, "names": s.Names,
		"total": map[string]any{"count": f.integer(t.Count), "awarded": f.money(t.Awarded), "paid": f.money(t.Paid),
			"bid": f.integer(len(s.lotti))},
	}
	words(f, params, listWords, map[string][2]string{
		"cfW": {"Codice fiscale", "Fiscal code"}, "namesW": {"Nomi con cui compare", "Names it appears under"},
		"lottiTitle": {"Lotti a cui ha partecipato o che ha vinto", "Lots it bid for or won"},
		"bidW":       {"Lotti a cui ha partecipato o che ha vinto", "Lots bid for or won"}, "wonW": {"vinti", "won"},
		"bidNote": {"Sono elencati, in tutti gli enti del portale, i lotti che l'operatore ha vinto e quelli a cui ha partecipato senza vincere; gli importi del totale sono quelli dei lotti vinti.",
			"Listed are, across every body of the portal, the lots this supplier won and those it bid for without winning; the total's amounts are those of the lots won."},
	})
	head := frontMatter{
		Title:  fmt.Sprintf("%s %s", tx(f, "Fornitore", "Supplier"), cmp.Or(strings.Join(s.Names, " / "), s.CF)),
		Layout: "fornitore",
		Params: params,
	}
	outcome := func(l *lotto) string {
		if s.won[l] {
			return tx(f, "vinto", "won")
		}
		return tx(f, "non vinto", "not won")
	}
	dir := strings.TrimSuffix(supplierURL(s.CF), "/")
	w.listPages(add, f, dir, ls, head, listOptions{withBody: true, outcome: outcome, outcomeW: tx(f, "Esito", "Outcome")})
}

func blank(s string) int {
	if s == "" {
		return 1
	}
	return 0
}

// won2 is "x" for a lotto won, "" else: blank then sorts the won first.
func won2(b bool) string {
	if b {
		return "x"
	}
	return ""
}

// searchPage is how many entries one search page lists: at most about
// 270 bytes each (names and objects cut at searchName runes) keeps a page,
// with its CSS and JS, under the 100 KB budget.
const searchPage, searchName = 200, 120

// searchPages publish the section's search: static pages that list every
// supplier (names, fiscal code) and every lotto (CIG, object), sorted, for
// the browser's find-in-page. A static page, not the portal's search
// script: that script's index is loaded by every page of the portal, and
// a Province's 150,000 lotti would weigh on each of them; these pages
// cost only who opens them, and work without JavaScript. When the entries
// outgrow one page they are split by initial (a supplier under the initial
// of each name and of its code, a lotto under its CIG's and its object's).
func (w *writer) searchPages(add func(key, rel, lang string, fm frontMatter), f formatter, c *contracts) {
	type entry struct {
		sort, kind, code, name, url string
		keys                        []string
	}
	var all []entry
	for _, s := range c.suppliers {
		names := strings.Join(s.Names, "; ")
		all = append(all, entry{sort: strings.ToUpper(cmp.Or(names, s.CF)), kind: tx(f, "Fornitore", "Supplier"), code: s.CF, name: names,
			url: supplierURL(s.CF), keys: append(slices.Clone(s.Names), s.CF)})
	}
	for _, l := range c.lotti {
		all = append(all, entry{sort: strings.ToUpper(cmp.Or(l.CIG, l.ID)), kind: tx(f, "Lotto", "Lot"), code: cmp.Or(l.CIG, "–"), name: l.Object,
			url: lottoURL(l), keys: []string{l.CIG, l.Object}})
	}
	slices.SortStableFunc(all, func(a, b entry) int { return cmp.Compare(a.sort, b.sort) })
	// A row is written here, as lottiRows writes a lotto's: a Province's
	// search pages list 150,000 lotti and their suppliers.
	lk := w.linker(f.lang)
	row := func(e entry) string {
		name := e.name
		if r := []rune(name); len(r) > searchName {
			name = string(r[:searchName-1]) + "…"
		}
		var b bytes.Buffer
		m := markup{&b}
		m.raw(`<tr><th scope="row"><a href="`)
		m.text(lk.url(e.url))
		m.raw(`">`)
		m.code(e.code)
		m.raw(`</a></th>`)
		m.cell(name)
		m.cell(e.kind)
		m.raw(`</tr>`)
		return b.String()
	}
	words := map[string]any{
		"intro": tx(f, "Tutti i fornitori e tutti i lotti del portale, in ordine. Per cercare un CIG, un codice fiscale o un nome usate la ricerca nella pagina del browser (Ctrl+F o ⌘F).",
			"Every supplier and every lot of the portal, in order. To look for a CIG, a fiscal code or a name use the browser's find in page (Ctrl+F or ⌘F)."),
		"kindW": tx(f, "Tipo", "Kind"), "codeW": tx(f, "CIG o codice fiscale", "CIG or fiscal code"), "nameW": tx(f, "Nome od oggetto", "Name or object"),
		"allW": tx(f, "Tutti i contratti", "All contracts"), "initialsW": tx(f, "Per iniziale", "By initial"), "nextW": tx(f, "Pagina seguente", "Next page"),
	}
	title := tx(f, "Cerca nei contratti", "Search the contracts")
	desc := tx(f, "Fornitori e lotti dei contratti pubblici per CIG, codice fiscale o nome.", "Suppliers and lots of the public contracts by CIG, fiscal code or name.")
	params := func() map[string]any {
		p := map[string]any{}
		for k, v := range words {
			p[k] = v
		}
		return p
	}
	if len(all) <= searchPage {
		p := params()
		var rows strings.Builder
		for _, e := range all {
			rows.WriteString(row(e))
		}
		p["rows"] = rows.String()
		add("contratti/cerca", "contratti/cerca", f.lang, frontMatter{Title: title, Description: desc, Layout: "cerca", Params: p})
		return
	}
	byInitial := map[string][]string{}
	for _, e := range all {
		seen := map[string]bool{}
		for _, k := range e.keys {
			in := initial(k)
			if in == "" || seen[in] {
				continue
			}
			seen[in] = true
			byInitial[in] = append(byInitial[in], row(e))
		}
	}
	initials := make([]string, 0, len(byInitial))
	for in := range byInitial {
		initials = append(initials, in)
	}
	slices.Sort(initials)
	var links []map[string]any
	for _, in := range initials {
		links = append(links, map[string]any{"label": in, "url": "contratti/cerca/" + strings.ToLower(in) + "/"})
	}
	p := params()
	p["initials"] = links
	add("contratti/cerca", "contratti/cerca", f.lang, frontMatter{Title: title, Description: desc, Layout: "cerca", Params: p})
	for _, in := range initials {
		// An initial with more entries than a page is split in parts.
		rows := byInitial[in]
		for part := 0; part*searchPage < len(rows); part++ {
			p := params()
			p["initials"] = links
			p["rows"] = strings.Join(rows[part*searchPage:min(len(rows), (part+1)*searchPage)], "")
			rel := "contratti/cerca/" + strings.ToLower(in)
			t := title + " – " + in
			if part > 0 {
				rel += "-" + fmt.Sprint(part+1)
				t += fmt.Sprintf(" (%d)", part+1)
			}
			if (part+1)*searchPage < len(rows) {
				p["next"] = "contratti/cerca/" + strings.ToLower(in) + "-" + fmt.Sprint(part+2) + "/"
			}
			add(rel, rel, f.lang, frontMatter{Title: t, Description: desc, Layout: "cerca", Params: p})
		}
	}
}

// initial is a key's first letter or digit, upper case; "" when it has none.
func initial(s string) string {
	for _, r := range strings.ToUpper(slugify(s)) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return string(r)
		}
	}
	return ""
}
