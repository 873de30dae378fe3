package site

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Honest totals: an amount nobody gave is "not stated", never 0; every
// total says how many projects it counts; the parts by source add up to
// the total, with the part no source accounts for shown as such.

// amount is the project's total funding: the declared total, or else the
// sum of the sources given. ok is false when neither is given.
func (p project) amount() (float64, bool) {
	if v, ok := p.num("finanziamento_totale"); ok {
		return v, true
	}
	var sum float64
	any := false
	for _, s := range fundingSources {
		if v, ok := p.num(s.Field); ok {
			sum += v
			any = true
		}
	}
	return sum, any
}

// sources is the sum of the funding sources the project gives.
func (p project) sources() float64 {
	var sum float64
	for _, s := range fundingSources {
		v, _ := p.num(s.Field)
		sum += v
	}
	return sum
}

// cent is the rounding under which two amounts in euro are the same.
const cent = 0.005

// funding is what a set of projects adds up to.
type funding struct {
	Count int // projects
	Known int // projects whose amount is given
	Total float64
	// BySource is the sum of each of fundingSources.
	BySource []float64
	// Unsourced is the part of Total no source accounts for (a project
	// whose total exceeds its sources, or that gives no source at all).
	Unsourced float64
	// Over is by how much sources exceed their projects' totals: bad data,
	// shown rather than hidden.
	Over float64
}

// sumFunding adds up the projects. Whatever the data, the sources plus
// Unsourced minus Over equal Total.
func sumFunding(ps []*project) funding {
	s := funding{Count: len(ps), BySource: make([]float64, len(fundingSources))}
	for _, p := range ps {
		a, ok := p.amount()
		if !ok {
			continue
		}
		s.Known++
		s.Total += a
		var parts float64
		for i, src := range fundingSources {
			v, _ := p.num(src.Field)
			s.BySource[i] += v
			parts += v
		}
		switch d := a - parts; {
		case d > cent:
			s.Unsourced += d
		case d < -cent:
			s.Over -= d
		}
	}
	return s
}

// Words of the totals, in the page's language.
var (
	notStated = catalog.Text{It: "non indicato", En: "not stated"}
	unsourced = catalog.Text{It: "Senza fonte indicata", En: "No source stated"}
	overText  = catalog.Text{It: "Fonti oltre il totale dichiarato", En: "Sources above the stated total"}
)

// moneyOr writes an amount, or "not stated" when it is not given.
func moneyOr(f formatter, v float64, ok bool) string {
	if !ok || math.IsNaN(v) {
		return notStated.In(f.lang)
	}
	return f.money(v)
}

// counted says what a total counts: "3 progetti" or "3 progetti con
// importo indicato su 4".
func counted(f formatter, s funding) string {
	switch {
	case s.Known == s.Count && s.Count == 1:
		return map[string]string{"it": "1 progetto", "en": "1 project"}[f.lang]
	case s.Known == s.Count:
		return f.integer(s.Count) + map[string]string{"it": " progetti", "en": " projects"}[f.lang]
	}
	if f.lang == "en" {
		return f.integer(s.Known) + " of " + f.integer(s.Count) + " projects (the others state no amount)"
	}
	return f.integer(s.Known) + " progetti su " + f.integer(s.Count) + " (gli altri non indicano l'importo)"
}

// countsLine is the sentence under a total: what it counts.
func countsLine(f formatter, s funding) string {
	if f.lang == "en" {
		return "Sum of the funding of " + counted(f, s) + "."
	}
	return "Somma dei finanziamenti di " + counted(f, s) + "."
}

// sourceRows are the rows of a table of funding by source, each source
// that is not zero, then the part with no source and the excess of
// sources, so that the rows add up to the total.
func sourceRows(f formatter, s funding) ([]map[string]any, []bar) {
	var rows []map[string]any
	var bars []bar
	add := func(label string, v float64, extra map[string]any) {
		r := map[string]any{"label": label, "total": f.money(v), "value": f.money(v)}
		for k, x := range extra {
			r[k] = x
		}
		rows = append(rows, r)
		bars = append(bars, bar{label, v, f.money(v)})
	}
	for i, src := range fundingSources {
		if s.BySource[i] != 0 {
			add(src.Label.In(f.lang), s.BySource[i], nil)
		}
	}
	if s.Unsourced > cent && len(rows) > 0 {
		add(unsourced.In(f.lang), s.Unsourced, map[string]any{"unsourced": true})
	}
	if s.Over > cent {
		r := map[string]any{"label": overText.In(f.lang), "total": "−" + f.money(s.Over), "value": "−" + f.money(s.Over), "over": true}
		rows = append(rows, r)
	}
	return rows, bars
}

// placeName names where a project is: the comune of the registry, or the
// Province for its own projects (no comune, or the Province's code).
func (m *model) placeName(code, lang string) string {
	if c := m.byCode[code]; c != nil {
		return c.Name
	}
	if code == "" || code == m.b.Portal.Publisher.ISTAT || len(code) == 3 {
		return m.b.Portal.Publisher.Name.In(lang)
	}
	return code
}

// mainPlace is the code of the comune a project is counted in, "" for the
// Province's own projects.
func (p *project) mainPlace() string {
	if len(p.Comuni) == 0 {
		return ""
	}
	if len(p.Comuni[0]) == 3 {
		return ""
	}
	return p.Comuni[0]
}

// places links the comuni of a project, or names the Province.
func (w *writer) places(f formatter, p *project, all bool) []map[string]string {
	codes := p.Comuni
	if !all {
		codes = codes[:min(1, len(codes))]
	}
	if len(codes) == 0 {
		return []map[string]string{{"name": w.m.placeName("", f.lang)}}
	}
	var out []map[string]string
	for _, c := range codes {
		e := map[string]string{"name": w.m.placeName(c, f.lang), "code": c}
		if w.m.byCode[c] != nil {
			e["url"] = "comuni/" + c + "/"
		}
		out = append(out, e)
	}
	return out
}

// all lists every project.
func (m *model) all() []*project {
	out := make([]*project, len(m.projects))
	for i := range m.projects {
		out[i] = &m.projects[i]
	}
	return out
}

// amountText writes the project's amount, or "not stated".
func (p project) amountText(f formatter) string {
	v, ok := p.amount()
	return moneyOr(f, v, ok)
}

// selection says which rows of the source file a dataset keeps, when it
// keeps only some (a national file filtered for the Province): nil else.
func selection(f formatter, d *catalog.DatasetState, t *catalog.Table) map[string]any {
	s := t.Selection
	if s == nil || d.Current == nil {
		return nil
	}
	keys := make([]string, 0, len(s.Filter))
	for k := range s.Filter {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var conds []string
	for _, k := range keys {
		conds = append(conds, fmt.Sprintf("%s = «%s»", k, s.Filter[k]))
	}
	file := cmp.Or(t.File, d.Dataset.Source.Path, d.Dataset.Source.URL)
	if f.lang == "en" {
		return map[string]any{"label": "Rows kept", "text": fmt.Sprintf("%s of the %s rows of the file %s: those with %s.",
			f.integer(d.Current.Rows), f.integer(s.Read), file, strings.Join(conds, " and "))}
	}
	return map[string]any{"label": "Righe tenute", "text": fmt.Sprintf("%s delle %s righe del file %s: quelle con %s.",
		f.integer(d.Current.Rows), f.integer(s.Read), file, strings.Join(conds, " e "))}
}
