package site

import (
	"regexp"
	"slices"
	"strings"
)

// Lotti and projects meet by CIG: a projects dataset whose rows carry the
// CIGs of the project's contracts (field "cig", several in a cell) links
// each such lotto to the project, and the project to its contracts.

var (
	cigSep  = regexp.MustCompile(`[;,\s]+`)
	cigForm = regexp.MustCompile(`^[A-Z0-9]{10}$`)
)

// cigsIn reads the CIGs of a cell, upper case, each once; what is not a
// CIG (ANAC's 0000000000 for none, a stray word) is left out.
func cigsIn(s string) []string {
	var out []string
	for _, c := range cigSep.Split(strings.ToUpper(s), -1) {
		if cigForm.MatchString(c) && c != noCIG && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// cigs are the CIGs every dataset reporting the project gives it.
func (p *project) cigs() []string {
	var out []string
	for _, s := range p.reports() {
		for _, c := range cigsIn(s.text("cig")) {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// linkProjects ties each lotto to the projects that name its CIG.
func (c *contracts) linkProjects(ps []project) {
	c.byCIG = map[string][]*lotto{}
	for _, l := range c.lotti {
		if l.CIG != "" && l.CIG != noCIG {
			c.byCIG[l.CIG] = append(c.byCIG[l.CIG], l)
		}
	}
	for i := range ps {
		p := &ps[i]
		for _, cig := range p.cigs() {
			for _, l := range c.byCIG[cig] {
				if !slices.Contains(l.projects, p) {
					l.projects = append(l.projects, p)
				}
			}
		}
	}
}

// lottoProjects are the links of a lotto's page to its projects.
func lottoProjects(l *lotto) []map[string]any {
	var out []map[string]any
	for _, p := range l.projects {
		out = append(out, map[string]any{"title": p.title(), "url": "progetti/" + p.Slug + "/"})
	}
	return out
}

// projectContracts gives a project's page its contracts: per CIG the
// lotti that have it, linked, with object, winners and amount awarded; a
// CIG no lotto of the portal has is shown as text, not as a dead link.
func (w *writer) projectContracts(f formatter, p *project, params map[string]any) {
	cigs := p.cigs()
	if len(cigs) == 0 {
		return
	}
	var byCIG map[string][]*lotto
	if c, err := w.m.contracts(); err == nil && c != nil {
		byCIG = c.byCIG
	}
	var rows []map[string]any
	for _, cig := range cigs {
		ls := byCIG[cig]
		if len(ls) == 0 {
			rows = append(rows, map[string]any{"cig": cig, "missing": tx(f, "nessun contratto con questo CIG tra quelli pubblicati nel portale", "no contract with this CIG among those the portal publishes")})
			continue
		}
		for _, l := range ls {
			var names []string
			for _, wn := range l.Winners {
				if n := wn.Name; n != "" {
					names = append(names, n)
				} else if wn.CF != "" {
					names = append(names, wn.CF)
				}
			}
			winners := strings.Join(names, "; ")
			if winners == "" {
				winners = "–"
			}
			rows = append(rows, map[string]any{"cig": cig, "url": lottoURL(l), "object": l.Object, "winners": winners,
				"awarded": amountOr(f, l.Awarded, l.HasAwarded)})
		}
	}
	params["contracts"] = map[string]any{
		"rows": rows, "title": tx(f, "Contratti", "Contracts"),
		"intro": tx(f, "I contratti pubblici (L. 190/2012) che il progetto indica con il loro CIG.", "The public contracts (Law 190/2012) the project names by their CIG."),
		"cigW":  "CIG", "objectW": tx(f, "Oggetto", "Object"), "winnersW": tx(f, "Aggiudicatari", "Winners"),
		"awardedW": tx(f, "Importo aggiudicato", "Amount awarded"),
	}
}
