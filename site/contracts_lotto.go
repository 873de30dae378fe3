package site

import (
	"cmp"
	"fmt"
)

// lottoView is what a lotto's page shows (stamps/lotto.html): what it is,
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
		key: rel, rel: rel, lang: f.lang, tmpl: "lotto.html",
		view: func(links linker) (string, any) {
			v := w.lottoView(f, links, l)
			return v.Title, v
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
