package site

import (
	"cmp"
	"fmt"
	"strconv"
)

// lottoView is what a lotto's page shows (write): what it is,
// who bid and won, the amounts and dates, and where in the source file it
// comes from, worded and formatted for the page's language, with its
// links already resolved (a stamped page has no Hugo to resolve them).
type lottoView struct {
	W                   *lottoWords
	Title               string
	ContractsURL        string
	NoCIG               string
	CIG, Object         string
	Body, BodyCF        string
	BodyURL, ComuneURL  string
	Proc, Bidders       string
	HasBids             bool
	Bids, Winners       []partyView
	Awarded, Paid       string
	Start, End, Year    string
	Projects            []linkView
	Dataset, DatasetURL string
	XMLSource, File     string
	Line                int
	Flags               []string
}

// partyView is one party alone or a grouping, whose members are listed
// together with their roles; Won marks a bidder among the winners.
type partyView struct {
	Group   string
	Members []memberView
	Won     bool
}

// memberView is a party; a party without a fiscal code has no supplier
// page, so no URL: only its name.
type memberView struct {
	Name, CF, Role, URL string
}

type linkView struct{ Title, URL string }

// lottoWords are the words of a lotto's page in one language.
type lottoWords struct {
	All, Facts, CIG, Object, Body, Comune, Proc, Bidders, Bids, NoBids, Won,
	Winners, NoWinners, Awarded, Paid, Start, End, Project, Year, Source,
	File, Line, FileLine, Flags string
}

var lottoWordsIn = map[string]*lottoWords{
	"it": {
		All: "Tutti i contratti", Facts: "Dati del lotto", CIG: "CIG", Object: "Oggetto",
		Body: "Stazione appaltante", Comune: "scheda del comune", Proc: "Procedura",
		Bidders: "Numero di offerenti", Bids: "Partecipanti", NoBids: "Nessun partecipante nel file.",
		Won: "aggiudicatario", Winners: "Aggiudicatari", NoWinners: "Nessun aggiudicatario nel file.",
		Awarded: "Importo aggiudicato", Paid: "Somme pagate", Start: "Inizio", End: "Ultimazione",
		Project: "Progetto", Year: "Anno", Source: "Fonte", File: "file", Line: "riga", FileLine: "file:riga",
		Flags: "Segnali da verificare",
	},
	"en": {
		All: "All contracts", Facts: "Lot details", CIG: "CIG", Object: "Object",
		Body: "Contracting body", Comune: "page of the municipality", Proc: "Procedure",
		Bidders: "Number of bidders", Bids: "Bidders", NoBids: "No bidder in the file.",
		Won: "winner", Winners: "Winners", NoWinners: "No winner in the file.",
		Awarded: "Amount awarded", Paid: "Sums paid", Start: "Start", End: "Completion",
		Project: "Project", Year: "Year", Source: "Source", File: "file", Line: "line", FileLine: "file:line",
		Flags: "Red flags",
	},
}

// stampLotto lays out a lotto's page in f's language, to be stamped.
func (w *writer) stampLotto(f formatter, l *lotto) {
	rel := "contratti/lotti/" + l.ID
	w.stamps = append(w.stamps, stampJob{
		key: rel, rel: rel, lang: f.lang,
		render: func(m markup, links linker) string {
			v := w.lottoView(f, links, l)
			v.write(m)
			return v.Title
		},
	})
}

func (w *writer) lottoView(f formatter, links linker, l *lotto) *lottoView {
	date := func(s string) string {
		if t, ok := parseDay(s); ok {
			return f.date(t)
		}
		return cmp.Or(s, "–")
	}
	v := &lottoView{
		W:            lottoWordsIn[f.lang],
		Title:        fmt.Sprintf("%s %s", tx(f, "Lotto", "Lot"), cmp.Or(l.CIG, l.ID)) + titleTail(l.Object),
		ContractsURL: links.url("contratti/"),
		CIG:          cmp.Or(l.CIG, "–"), Object: l.Object, Body: l.Body, BodyCF: l.BodyCF,
		Proc:    cmp.Or(l.Proc, tx(f, "Procedura non indicata", "Procedure not stated")),
		Bidders: f.integer(l.bidders()), HasBids: l.hasBids,
		Bids: partyViews(f, links, l, l.Bids, true), Winners: partyViews(f, links, l, l.Winners, false),
		Awarded: amountOr(f, l.Awarded, l.HasAwarded), Paid: amountOr(f, l.Paid, l.HasPaid),
		Start: date(l.Start), End: date(l.End), Year: cmp.Or(l.Year, "–"),
		Dataset: l.Dataset.Dataset.Title.In(f.lang), DatasetURL: links.url(datasetURL(l.Dataset.Dataset.ID)),
		File: l.File, Line: l.Line,
	}
	if l.group != nil {
		v.BodyURL = links.url(l.group.page())
		if l.group.URL != "" {
			v.ComuneURL = links.url(l.group.URL)
		}
	}
	for _, fg := range flags() {
		if fg.test(l, w.today()) {
			v.Flags = append(v.Flags, fg.label.In(f.lang)+": "+fg.about.In(f.lang))
		}
	}
	for _, p := range l.projects {
		v.Projects = append(v.Projects, linkView{Title: p.title(), URL: links.url("progetti/" + p.Slug + "/")})
	}
	if l.XMLFile != "" {
		v.XMLSource = fmt.Sprintf("%s:%d", l.XMLFile, l.Line)
	}
	if l.CIG == "" || l.CIG == noCIG {
		v.NoCIG = tx(f, "Il contratto non ha un CIG: la pagina è identificata dal dataset e dalla riga del file.", "The contract has no CIG: the page is identified by the dataset and the file's line.")
	}
	return v
}

// partyViews are a lotto's parties for its page: one entry per party
// alone or per grouping, in the file's order.
func partyViews(f formatter, links linker, l *lotto, ps []winner, markWon bool) []partyView {
	var out []partyView
	at := map[int]int{}
	for _, p := range ps {
		m := memberView{Name: cmp.Or(p.Name, p.CF), CF: p.CF, Role: p.Role}
		if p.CF != "" {
			m.URL = links.url(supplierURL(p.CF))
		}
		i, ok := at[p.Group]
		if p.Group == 0 || !ok {
			i = len(out)
			out = append(out, partyView{})
			if p.Group != 0 {
				at[p.Group] = i
				out[i].Group = fmt.Sprintf("%s %d", tx(f, "Raggruppamento", "Grouping"), p.Group)
			}
		}
		out[i].Members = append(out[i].Members, m)
		if markWon && l.won(p) {
			out[i].Won = true
		}
	}
	return out
}

// write writes the lotto's article, compact as Hugo's minifier writes the
// frame around it.
func (v *lottoView) write(m markup) {
	w := v.W
	m.raw(`<article><h1>`)
	m.text(v.Title)
	m.raw(`</h1><p>`)
	m.link(v.ContractsURL, w.All)
	m.raw(`</p><section><h2 id="lotto-h">`)
	m.text(w.Facts)
	m.raw(`</h2>`)
	if v.NoCIG != "" {
		m.raw(`<p>`)
		m.text(v.NoCIG)
		m.raw(`</p>`)
	}
	m.raw(`<dl class="facts">`)
	m.fact(w.CIG, func() { m.code(v.CIG) })
	m.fact(w.Object, func() { m.text(cmp.Or(v.Object, "–")) })
	m.fact(w.Body, func() {
		writeParty(m, v.BodyURL, v.Body, v.BodyCF)
		if v.ComuneURL != "" {
			m.raw(` · `)
			m.link(v.ComuneURL, w.Comune)
		}
	})
	m.fact(w.Proc, func() { m.text(v.Proc) })
	m.fact(w.Bidders, func() { m.text(v.Bidders) })
	if v.HasBids {
		m.fact(w.Bids, func() { writeParties(m, "bidders", v.Bids, w.Won, w.NoBids) })
	}
	m.fact(w.Winners, func() { writeParties(m, "winners", v.Winners, "", w.NoWinners) })
	m.fact(w.Awarded, func() { m.text(v.Awarded) })
	m.fact(w.Paid, func() { m.text(v.Paid) })
	m.fact(w.Start, func() { m.text(v.Start) })
	m.fact(w.End, func() { m.text(v.End) })
	if len(v.Projects) > 0 {
		m.fact(w.Project, func() {
			for i, p := range v.Projects {
				if i > 0 {
					m.raw(`; `)
				}
				m.link(p.URL, p.Title)
			}
		})
	}
	m.fact(w.Year, func() { m.text(v.Year) })
	m.fact(w.Source, func() {
		m.link(v.DatasetURL, v.Dataset)
		m.raw(` (`)
		if v.XMLSource != "" {
			m.text(w.FileLine)
			m.raw(` `)
			m.code(v.XMLSource)
		} else {
			m.text(w.File)
			m.raw(` `)
			m.code(v.File)
			m.raw(`, `)
			m.text(w.Line)
			m.raw(` `)
			m.text(strconv.Itoa(v.Line))
		}
		m.raw(`)`)
	})
	m.raw(`</dl></section>`)
	if len(v.Flags) > 0 {
		m.raw(`<section><h2 id="lflags-h">`)
		m.text(w.Flags)
		m.raw(`</h2><ul>`)
		for _, fl := range v.Flags {
			m.raw(`<li>`)
			m.text(fl)
			m.raw(`</li>`)
		}
		m.raw(`</ul></section>`)
	}
	m.raw(`</article>`)
}

// writeParties writes a list of parties (class bidders or winners), each
// party alone or a grouping with its members and their roles, won marking
// a bidder among the winners; none when the list is empty.
func writeParties(m markup, class string, ps []partyView, won, none string) {
	if len(ps) == 0 {
		m.text(none)
		return
	}
	m.raw(`<ul class="` + class + `">`)
	for _, p := range ps {
		m.raw(`<li>`)
		if p.Group != "" {
			m.text(p.Group)
			m.raw(`: `)
		}
		for i, mb := range p.Members {
			if i > 0 {
				m.raw(`; `)
			}
			writeParty(m, mb.URL, mb.Name, mb.CF)
			if mb.Role != "" {
				m.raw(` – `)
				m.text(mb.Role)
			}
		}
		if p.Won && won != "" {
			m.raw(` <strong>(`)
			m.text(won)
			m.raw(`)</strong>`)
		}
		m.raw(`</li>`)
	}
	m.raw(`</ul>`)
}

// writeParty writes a body or a firm: its name, linked to its page when it
// has one, and its fiscal code.
func writeParty(m markup, url, name, cf string) {
	if url != "" {
		m.link(url, name)
	} else {
		m.text(name)
	}
	if cf != "" {
		m.raw(` (`)
		m.code(cf)
		m.raw(`)`)
	}
}
