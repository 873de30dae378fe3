package site

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// The pages of one contracting body: its contracts year by year and by
// procedure, its lotti (paged), and its red flags with the lotti that
// raise each.

// flagList is how many lotti the red-flags page lists under each flag; the
// rest are on the flag's own pages, paged like any list, so that a body
// with thousands of direct awards keeps a small page.
const flagList = 20

// listWords are the column heads of a table of lotti.
var listWords = map[string][2]string{
	"cigW": {"CIG", "CIG"}, "objectW": {"Oggetto", "Object"}, "bodyW": {"Ente", "Body"}, "yearW": {"Anno", "Year"},
	"awardedW": {"Aggiudicato", "Awarded"}, "paidW": {"Pagato", "Paid"}, "countW": {"Lotti", "Lots"}, "totalW": {"Totale", "Total"},
	"allW": {"Tutti i contratti", "All contracts"},
}

func words(f formatter, params map[string]any, ws ...map[string][2]string) {
	for _, w := range ws {
		for k, v := range w {
			params[k] = tx(f, v[0], v[1])
		}
	}
}

// byYear groups lotti by year, the years sorted.
func byYear(ls []*lotto) ([]string, map[string][]*lotto) {
	out := map[string][]*lotto{}
	var keys []string
	for _, l := range ls {
		if out[l.Year] == nil {
			keys = append(keys, l.Year)
		}
		out[l.Year] = append(out[l.Year], l)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(blank(a), blank(b)), cmp.Compare(a, b)) })
	return keys, out
}

// bodyLotti orders a body's lotti for its list: the latest year first,
// then the largest amount awarded.
func bodyLotti(b *buyer) []*lotto {
	ls := slices.Clone(b.lotti)
	slices.SortStableFunc(ls, func(x, y *lotto) int {
		return cmp.Or(cmp.Compare(y.Year, x.Year), cmp.Compare(y.Awarded, x.Awarded))
	})
	return ls
}

// bodyPages adds the pages of every contracting body.
func (w *writer) bodyPages(add func(key, rel, lang string, fm frontMatter), f formatter, c *contracts) {
	for _, b := range c.buyers {
		ls := bodyLotti(b)
		head := w.bodyPage(f, b)
		w.lottiPages(add, f, strings.TrimSuffix(b.page(), "/"), ls, head)
		w.flagsPages(add, f, b)
	}
}

// lottiPages adds a list of lotti in pages of listPage: the first at dir/
// with head's front matter, the others at dir/page/N/ with the list only.
// Leaf pages, not a Hugo section: a section is a frame every chunk of the
// render repeats, and a Province has thousands of these lists.
func (w *writer) lottiPages(add func(key, rel, lang string, fm frontMatter), f formatter, dir string, ls []*lotto, head frontMatter) {
	w.listPages(add, f, dir, ls, head, listOptions{})
}

// listOptions say how a list of lotti differs from a body's: the body's
// column shown (lists across bodies), and an extra column made by outcome.
type listOptions struct {
	withBody bool
	outcome  func(*lotto) string
	outcomeW string
}

func (w *writer) listPages(add func(key, rel, lang string, fm frontMatter), f formatter, dir string, ls []*lotto, head frontMatter, opt listOptions) {
	total := max(1, (len(ls)+listPage-1)/listPage)
	for p := 1; p <= total; p++ {
		var items []lottoRow
		for _, l := range ls[(p-1)*listPage : min(len(ls), p*listPage)] {
			it := w.lottoItem(f, l)
			if opt.outcome != nil {
				it.Outcome = opt.outcome(l)
			}
			items = append(items, it)
		}
		fm := head
		rel := dir
		if p > 1 {
			fm = frontMatter{Title: fmt.Sprintf(tx(f, "%s (pagina %d)", "%s (page %d)"), head.Title, p), Layout: "elenco",
				Params: map[string]any{"backURL": dir + "/", "backW": head.Title}}
			words(f, fm.Params, listWords)
			rel = fmt.Sprintf("%s/page/%d", dir, p)
		}
		params := fm.Params
		params["lotti"] = w.lottiRows(f, items, opt.withBody, opt.outcome != nil)
		params["pager"] = pager(dir+"/", p, total)
		params["noBody"] = !opt.withBody
		if opt.outcome != nil {
			params["outcomeW"] = opt.outcomeW
		}
		add(rel, rel, f.lang, fm)
	}
}

// bodyPage is a body's contracts: per year the lotti and the amounts, as a
// chart and as the table that says the same; per year and procedure; the
// red flags counted, linking to their page.
func (w *writer) bodyPage(f formatter, b *buyer) frontMatter {
	years, in := byYear(b.lotti)
	var rows, procRows []map[string]any
	var bars []bar
	for _, y := range years {
		t := sumLotti(in[y])
		rows = append(rows, map[string]any{"year": cmp.Or(y, "–"), "count": f.integer(t.Count), "awarded": f.money(t.Awarded), "paid": f.money(t.Paid)})
		bars = append(bars, bar{Label: cmp.Or(y, "–"), Value: t.Awarded, Text: f.money(t.Awarded)})
		byProc := map[string][]*lotto{}
		var procs []string
		for _, l := range in[y] {
			if byProc[l.Proc] == nil {
				procs = append(procs, l.Proc)
			}
			byProc[l.Proc] = append(byProc[l.Proc], l)
		}
		slices.SortFunc(procs, func(a, b string) int { return cmp.Or(cmp.Compare(blank(a), blank(b)), cmp.Compare(a, b)) })
		for _, p := range procs {
			t := sumLotti(byProc[p])
			r := map[string]any{"label": cmp.Or(p, tx(f, "Procedura non indicata", "Procedure not stated")),
				"count": f.integer(t.Count), "awarded": f.money(t.Awarded), "paid": f.money(t.Paid)}
			r["year"] = cmp.Or(y, "–")
			procRows = append(procRows, r)
		}
	}
	all := sumLotti(b.lotti)
	today := w.today()
	var fl []map[string]any
	for _, fg := range flags() {
		n := 0
		for _, l := range b.lotti {
			if fg.test(l, today) {
				n++
			}
		}
		fl = append(fl, map[string]any{"label": fg.label.In(f.lang), "count": flagCount(f, fg, n, len(b.lotti)), "url": b.flagsPage() + "#" + fg.slug})
	}
	params := map[string]any{
		"name": b.Name, "cfs": b.CFs, "comuneURL": b.URL, "flagsURL": b.flagsPage(),
		"total": map[string]any{"count": f.integer(all.Count), "awarded": f.money(all.Awarded), "paid": f.money(all.Paid)},
		"rows":  rows, "chart": chart(bars), "chartTitle": tx(f, "Importo aggiudicato per anno", "Amount awarded by year"),
		"procRows": procRows, "flags": fl,
	}
	if un := unawarded(b.lotti); un > 0 {
		params["unawardedNote"] = fmt.Sprintf(tx(f,
			"%s lotti su %s non hanno un aggiudicatario: il file li riporta con importo aggiudicato 0, come ANAC chiede per le gare non ancora aggiudicate.",
			"%s of %s lots have no winner: the file gives them an amount awarded of 0, as ANAC asks for tenders not yet awarded."),
			f.integer(un), f.integer(len(b.lotti)))
	}
	words(f, params, listWords, map[string][2]string{
		"cfW": {"Codice fiscale", "Fiscal code"}, "comuneW": {"Scheda del comune", "Page of the municipality"},
		"yearsTitle": {"Lotti e importi per anno", "Lots and amounts by year"},
		"procTitle":  {"Per anno e procedura di scelta del contraente", "By year and procedure for choosing the contractor"},
		"procW":      {"Procedura", "Procedure"},
		"flagsTitle": {"Segnali da verificare", "Red flags"},
		"flagsIntro": {"Quanti lotti dell'ente presentano ciascun segnale; la pagina dei segnali spiega che cosa vuol dire ed elenca i lotti.",
			"How many of the body's lots show each flag; the red-flags page explains what each means and lists the lots."},
		"flagW": {"Segnale", "Flag"}, "flagsLinkW": {"Tutti i segnali, spiegati, con i lotti", "Every flag, explained, with its lots"},
		"lottiTitle": {"Lotti, dall'anno più recente", "Lots, latest year first"},
		"intro": {"I contratti pubblici che l'ente ha pubblicato secondo la legge 190/2012. Gli importi sono in euro al netto dell'IVA.",
			"The public contracts the body published under Law 190/2012. Amounts are in euros net of VAT."},
	})
	return frontMatter{
		Title:       fmt.Sprintf(tx(f, "Contratti pubblici: %s", "Public contracts: %s"), b.Name),
		Description: fmt.Sprintf(tx(f, "Lotti, importi, procedure e segnali da verificare dei contratti pubblici di %s (L. 190/2012).", "Lots, amounts, procedures and red flags of the public contracts of %s (Law 190/2012)."), b.Name),
		Layout:      "ente",
		Params:      params,
	}
}

// flagCount says how many lotti of a body raise a flag; for direct awards
// also their share, which is what the flag is about.
func flagCount(f formatter, fg redFlag, n, of int) string {
	s := fmt.Sprintf(tx(f, "%s su %s", "%s of %s"), f.integer(n), f.integer(of))
	if fg.key == "direct" && of > 0 {
		s += fmt.Sprintf(" (%s)", f.percent(float64(n)/float64(of)*100))
	}
	return s
}

// unawarded counts the lotti with an amount of 0 and no winner: ANAC's
// format for a tender not yet awarded.
func unawarded(ls []*lotto) int {
	n := 0
	for _, l := range ls {
		if l.Awarded == 0 && len(l.Winners) == 0 {
			n++
		}
	}
	return n
}

// flagsPages adds a body's red-flags page: every flag explained in plain
// words, the lotti that raise it (the first flagList, the others on the
// flag's own pages), and "none" said when none does.
func (w *writer) flagsPages(add func(key, rel, lang string, fm frontMatter), f formatter, b *buyer) {
	today := w.today()
	ls := bodyLotti(b)
	var fl []map[string]any
	for _, fg := range flags() {
		var hit []*lotto
		for _, l := range ls {
			if fg.test(l, today) {
				hit = append(hit, l)
			}
		}
		e := map[string]any{"slug": fg.slug, "label": fg.label.In(f.lang), "about": fg.about.In(f.lang),
			"count": flagCount(f, fg, len(hit), len(ls))}
		var items []lottoRow
		for _, l := range hit[:min(flagList, len(hit))] {
			// Objects cut as on the search pages: five lists share a page.
			it := w.lottoItem(f, l)
			if r := []rune(l.Object); len(r) > searchName {
				it.Object = string(r[:searchName-1]) + "…"
			}
			items = append(items, it)
		}
		e["lotti"] = w.lottiRows(f, items, false, false)
		if len(hit) > flagList {
			dir := strings.TrimSuffix(b.flagsPage(), "/") + "/" + fg.slug
			e["more"] = dir + "/"
			e["moreW"] = fmt.Sprintf(tx(f, "Tutti i %s lotti con questo segnale", "All %s lots with this flag"), f.integer(len(hit)))
			head := frontMatter{Title: fmt.Sprintf("%s – %s", fg.label.In(f.lang), b.Name), Layout: "elenco",
				Params: map[string]any{"backURL": b.flagsPage(), "intro": fg.about.In(f.lang)}}
			words(f, head.Params, listWords, map[string][2]string{"backW": {"Segnali da verificare", "Red flags"}})
			w.lottiPages(add, f, dir, hit, head)
		}
		fl = append(fl, e)
	}
	params := map[string]any{
		"name": b.Name, "bodyURL": b.page(), "flags": fl, "noBody": true,
		"overdueNote": fmt.Sprintf(tx(f, "«In ritardo» è calcolato al %s, giorno di costruzione del portale.", "\"Overdue\" is reckoned on %s, the day the portal was built."), f.date(today)),
	}
	words(f, params, listWords, map[string][2]string{
		"intro": {"Cinque segnali che chi segue i contratti pubblici guarda per primi. Un segnale non prova nulla: indica i lotti su cui fare domande.",
			"Five flags that those who follow public contracts look at first. A flag proves nothing: it points at the lots worth asking about."},
		"noneW":     {"Nessun lotto dell'ente presenta questo segnale.", "None of the body's lots shows this flag."},
		"bodyLinkW": {"Tutti i contratti dell'ente", "All the body's contracts"}, "countW": {"Lotti con il segnale", "Lots with the flag"},
		"shownW": {"Sono elencati i primi %d.", "The first %d are listed."},
	})
	params["shownW"] = fmt.Sprintf(params["shownW"].(string), flagList)
	rel := strings.TrimSuffix(b.flagsPage(), "/")
	add(rel, rel, f.lang, frontMatter{
		Title:       fmt.Sprintf(tx(f, "Segnali da verificare: %s", "Red flags: %s"), b.Name),
		Description: fmt.Sprintf(tx(f, "I segnali da verificare nei contratti pubblici di %s, spiegati, con i lotti che li presentano.", "The red flags in the public contracts of %s, explained, with the lots that show them."), b.Name),
		Layout:      "segnali",
		Params:      params,
	})
}

// comuneContracts gives a comune's page a short account of its public
// contracts, linking to its contracts page, when it has lotti.
func (w *writer) comuneContracts(f formatter, c *comune, params map[string]any) {
	con, err := w.m.contracts()
	if err != nil || con == nil {
		return // contractPages reports the error
	}
	b := con.byBuyer["istat:"+c.Code]
	if b == nil {
		return
	}
	t := sumLotti(b.lotti)
	params["contracts"] = map[string]any{
		"title": tx(f, "Contratti pubblici", "Public contracts"),
		"summary": fmt.Sprintf(tx(f, "Lotti pubblicati secondo la legge 190/2012: %s; importo aggiudicato %s, somme pagate %s.",
			"Lots published under Law 190/2012: %s; amount awarded %s, sums paid %s."), f.integer(t.Count), f.money(t.Awarded), f.money(t.Paid)),
		"url": b.page(), "linkW": tx(f, "I contratti del comune, anno per anno", "The municipality's contracts, year by year"),
		"flagsURL": b.flagsPage(), "flagsW": tx(f, "Segnali da verificare", "Red flags"),
	}
}
