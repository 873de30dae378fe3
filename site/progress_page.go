package site

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/geo"
)

// The pages of project progress: the state and timeline of a project, the
// overview's filters and map, each comune's projects by state and locator
// map, the home page's totals by state.

// today is the build's time: what "late" and the timeline's mark mean.
func (w *writer) today() time.Time { return w.m.b.Generated }

// stateKey is the state a project is counted under: one of ours, or ""
// when not stated or not mapped.
func (w *writer) stateKey(f formatter, p *project) catalog.ProjectState {
	return p.progress(f, w.today()).Current.State
}

var noState = catalog.Text{It: "Stato non indicato", En: "Status not stated"}

func stateLabel(f formatter, e stateEvent) string {
	if e.State == "" && e.Raw != "" {
		return e.Raw + map[string]string{"it": " (codice della fonte)", "en": " (the source's code)"}[f.lang]
	}
	if e.State == "" {
		return noState.In(f.lang)
	}
	return e.State.Label().In(f.lang)
}

func stateURL(s catalog.ProjectState) string {
	if s == "" {
		return "progetti/filtri/stato-non-indicato/"
	}
	return "progetti/filtri/stato-" + slugify(string(s)) + "/"
}

// byState groups projects by state, in the vocabulary's order, the
// projects with no state last.
func (w *writer) byState(f formatter, ps []*project) []map[string]any {
	groups := map[catalog.ProjectState][]*project{}
	for _, p := range ps {
		s := w.stateKey(f, p)
		groups[s] = append(groups[s], p)
	}
	var out []map[string]any
	for _, s := range append(catalog.ProjectStates(), "") {
		g := groups[s]
		if len(g) == 0 {
			continue
		}
		sum := sumFunding(g)
		label := noState.In(f.lang)
		if s != "" {
			label = s.Label().In(f.lang)
		}
		e := map[string]any{
			"label": label, "code": string(s),
			"count": f.integer(sum.Count), "total": moneyOr(f, sum.Total, sum.Known > 0),
			"counts": counted(f, sum),
		}
		// Each state has its list of projects, unless it is every one's.
		if w.stateCounts(f)[s] < len(w.m.projects) {
			e["url"] = stateURL(s)
		}
		out = append(out, e)
	}
	return out
}

// stateCounts counts the portal's projects in each state, once.
func (w *writer) stateCounts(f formatter) map[catalog.ProjectState]int {
	if w.m.states == nil {
		w.m.states = map[catalog.ProjectState]int{}
		for _, p := range w.m.all() {
			w.m.states[w.stateKey(f, p)]++
		}
	}
	return w.m.states
}

// homeProgress adds the Province's totals by state to the home page.
func (w *writer) homeProgress(f formatter, params map[string]any) {
	if len(w.m.projects) == 0 {
		return
	}
	params["byState"] = w.byState(f, w.m.all())
	params["byStateTitle"] = map[string]string{"it": "Progetti per stato di attuazione", "en": "Projects by status"}[f.lang]
}

// facet is one way to filter the projects overview: by state, programme
// or measure, each value a page of its own, so no script is needed.
type facet struct {
	key   string // in the URL: per-<key>-<value>
	label catalog.Text
	value func(w *writer, f formatter, p *project) (code, label string)
}

func facets() []facet {
	return []facet{
		{"stato", catalog.Text{It: "Stato", En: "Status"}, func(w *writer, f formatter, p *project) (string, string) {
			e := p.progress(f, w.today()).Current
			if e.State == "" {
				return "non-indicato", noState.In(f.lang)
			}
			return slugify(string(e.State)), e.State.Label().In(f.lang)
		}},
		{"programma", catalog.Text{It: "Programma", En: "Programme"}, func(w *writer, f formatter, p *project) (string, string) {
			v := strings.TrimSpace(p.text("programma"))
			if v == "" && p.Dataset.Dataset.Schema == catalog.GrantsSchema {
				v = "PNRR"
			}
			return slugify(v), v
		}},
		{"misura", catalog.Text{It: "Misura", En: "Measure"}, func(w *writer, f formatter, p *project) (string, string) {
			v := strings.TrimSpace(p.text("misura"))
			return slugify(v), v
		}},
	}
}

// filterPage is one value of a facet with its projects.
type filterPage struct {
	dir, label, facet string
	projects          []*project
}

// filters lists the filter pages of the overview, for one language.
func (w *writer) filters(f formatter, projects []*project) []filterPage {
	var out []filterPage
	for _, fc := range facets() {
		byCode := map[string]*filterPage{}
		var codes []string
		for _, p := range projects {
			code, label := fc.value(w, f, p)
			if code == "" {
				continue
			}
			fp := byCode[code]
			if fp == nil {
				fp = &filterPage{dir: "progetti/filtri/" + fc.key + "-" + code, label: label, facet: fc.label.In(f.lang)}
				byCode[code] = fp
				codes = append(codes, code)
			}
			fp.projects = append(fp.projects, p)
		}
		if fc.key == "stato" {
			order := map[string]int{"non-indicato": 99}
			for i, s := range catalog.ProjectStates() {
				order[slugify(string(s))] = i
			}
			slices.SortFunc(codes, func(a, b string) int { return cmp.Compare(order[a], order[b]) })
		} else {
			slices.SortFunc(codes, func(a, b string) int { return cmp.Compare(byCode[a].label, byCode[b].label) })
		}
		for _, c := range codes {
			// A value every project has filters nothing: its page would
			// repeat the whole list.
			if len(byCode[c].projects) < len(projects) {
				out = append(out, *byCode[c])
			}
		}
	}
	return out
}

// filterPages adds a page for every value of each filter: its largest
// projects, and the comuni that have projects with that value, each
// linking to the comune's page, which lists all of its own. One page per
// value, not a paginated copy of the whole list: removing a dataset
// redoes one page per value it touches, not every page after it.
func (w *writer) filterPages(add func(key, rel, lang string, fm frontMatter), f formatter, projects []*project) {
	for _, fp := range w.filters(f, projects) {
		sum := sumFunding(fp.projects)
		var items []map[string]any
		for _, p := range fp.projects[:min(listPage, len(fp.projects))] {
			items = append(items, w.projectItem(f, p))
		}
		perComune := map[string][]*project{}
		for _, p := range fp.projects {
			perComune[p.mainPlace()] = append(perComune[p.mainPlace()], p)
		}
		codes := make([]string, 0, len(perComune))
		for c := range perComune {
			codes = append(codes, c)
		}
		slices.SortFunc(codes, func(a, b string) int {
			return cmp.Or(cmp.Compare(len(perComune[b]), len(perComune[a])), cmp.Compare(a, b))
		})
		var comuni []map[string]any
		for _, c := range codes[:min(topComuni, len(codes))] {
			s := sumFunding(perComune[c])
			e := map[string]any{"name": w.m.placeName(c, f.lang), "count": f.integer(s.Count), "total": moneyOr(f, s.Total, s.Known > 0)}
			if w.m.byCode[c] != nil {
				e["url"] = "comuni/" + c + "/"
			}
			comuni = append(comuni, e)
		}
		params := map[string]any{
			"count": f.integer(len(fp.projects)), "total": moneyOr(f, sum.Total, sum.Known > 0),
			"counts": countsLine(f, sum), "filter": fp.facet + ": " + fp.label,
			"back":  map[string]string{"it": "Tutti i progetti", "en": "All projects"}[f.lang],
			"items": items, "first": true, "filterComuni": comuni,
			"filterComuniTitle": map[string]string{"it": "Comuni con più progetti", "en": "Municipalities with most projects"}[f.lang],
		}
		if n := len(fp.projects) - len(items); n > 0 {
			params["more"] = fmt.Sprintf(map[string]string{
				"it": "Qui sono elencati i %s progetti con il finanziamento maggiore; gli altri %s sono nelle pagine dei comuni, ciascuna con tutti i progetti del comune per stato.",
				"en": "Listed here are the %s projects with the largest funding; the other %s are on the municipalities' pages, each listing all of its projects by status.",
			}[f.lang], f.integer(len(items)), f.integer(n))
		}
		add(fp.dir, fp.dir+"/_index", f.lang, frontMatter{
			Title:  fmt.Sprintf("%s: %s", map[string]string{"it": "Progetti", "en": "Projects"}[f.lang], fp.label),
			Params: params,
		})
	}
	if nav := w.filterNav(f); len(nav) > 0 {
		add("progetti/filtri", "progetti/filtri/_index", f.lang, frontMatter{
			Title:  map[string]string{"it": "Filtra i progetti", "en": "Filter the projects"}[f.lang],
			Layout: "filtri",
			Params: map[string]any{"filters": nav, "filtersTitle": map[string]string{"it": "Filtra i progetti", "en": "Filter the projects"}[f.lang],
				"filterComune": map[string]string{"it": "Per comune: ogni comune ha la sua pagina con i propri progetti per stato.", "en": "By municipality: each municipality's page lists its projects by status."}[f.lang]},
		})
	}
}

// filterNav is the overview's list of filters: a link per value.
func (w *writer) filterNav(f formatter) []map[string]any {
	var out []map[string]any
	var cur map[string]any
	for _, fp := range w.filters(f, w.m.all()) {
		if cur == nil || cur["label"] != fp.facet {
			cur = map[string]any{"label": fp.facet}
			out = append(out, cur)
		}
		links, _ := cur["links"].([]map[string]any)
		cur["links"] = append(links, map[string]any{"label": fp.label, "url": fp.dir + "/", "count": f.integer(len(fp.projects))})
	}
	return out
}

// overview adds the filters and the map of funding per resident to the
// projects overview.
func (w *writer) overview(f formatter, params map[string]any) {
	if len(w.m.projects) == 0 {
		return
	}
	params["filters"] = w.filterNav(f)
	params["filtersTitle"] = map[string]string{"it": "Filtra i progetti", "en": "Filter the projects"}[f.lang]
	params["filterComune"] = map[string]string{"it": "Per comune: ogni comune ha la sua pagina con i propri progetti per stato.", "en": "By municipality: each municipality's page lists its projects by status."}[f.lang]
	params["byState"] = w.byState(f, w.m.all())
	params["byStateTitle"] = map[string]string{"it": "Progetti per stato di attuazione", "en": "Projects by status"}[f.lang]
	if m := w.m.geoMap(); m != nil {
		params["map"] = w.fundingMap(f, m)
	}
}

// fundingMap is the choropleth of funding per resident, with its table.
func (w *writer) fundingMap(f formatter, m *geo.Map) map[string]any {
	perComune := map[string][]*project{}
	var province []*project
	for _, p := range w.m.all() {
		if c := p.mainPlace(); c != "" {
			perComune[c] = append(perComune[c], p)
		} else {
			province = append(province, p)
		}
	}
	values := map[string]float64{}
	for code, ps := range perComune {
		c := w.m.byCode[code]
		s := sumFunding(ps)
		if c == nil || c.Population == nil || *c.Population <= 0 || s.Known == 0 {
			values[code] = math.NaN() // projects, but no amount or no residents to divide by
			continue
		}
		values[code] = s.Total / *c.Population
	}
	euro := func(v float64) string {
		if f.lang == "en" {
			return "€" + f.number(v, 2)
		}
		return f.number(v, 2) + "\u00a0€"
	}
	title := map[string]string{"it": "Mappa dei finanziamenti per abitante nei comuni della provincia", "en": "Map of funding per resident in the municipalities of the province"}[f.lang]
	res := m.Choropleth(geo.Choropleth{
		ID: "funding-map", Title: title, Values: values,
		Desc: map[string]string{
			"it": "Ogni comune è colorato secondo il finanziamento dei suoi progetti diviso per i residenti; tratteggiati i comuni senza progetti, in grigio quelli i cui progetti non indicano l'importo. Gli stessi dati sono nella tabella che segue.",
			"en": "Each municipality is coloured by the funding of its projects divided by its residents; hatched, those with no projects; grey, those whose projects state no amount. The same figures are in the table below.",
		}[f.lang],
		Format:       euro,
		LegendTitle:  map[string]string{"it": "€ per abitante", "en": "€ per resident"}[f.lang],
		NoneLabel:    map[string]string{"it": "nessun progetto", "en": "no projects"}[f.lang],
		UnknownLabel: notStated.In(f.lang),
	})
	var rows []map[string]any
	for _, fg := range res.Figures {
		if fg.Kind == geo.None {
			continue // listed in the legend's count, not one by one
		}
		e := map[string]any{"name": cmp.Or(fg.Name, w.m.placeName(fg.Code, f.lang)), "code": fg.Code, "onMap": fg.OnMap}
		if !fg.OnMap {
			e["name"] = fmt.Sprint(e["name"], map[string]string{"it": " (fuori dalla mappa)", "en": " (not on the map)"}[f.lang])
		}
		if fg.Kind == geo.Valued {
			e["value"] = euro(fg.Value)
		} else {
			e["value"] = res.Legend[fg.Class].Label
		}
		s := sumFunding(perComune[fg.Code])
		e["total"] = moneyOr(f, s.Total, s.Known > 0)
		e["count"] = f.integer(s.Count)
		if w.m.byCode[fg.Code] != nil {
			e["url"] = "comuni/" + fg.Code + "/"
		}
		rows = append(rows, e)
	}
	var legend []map[string]any
	for _, cl := range res.Legend {
		legend = append(legend, map[string]any{"label": cl.Label, "count": f.integer(cl.Count)})
	}
	out := map[string]any{"svg": res.SVG, "rows": rows, "legend": legend, "title": title,
		"perResident": map[string]string{"it": "€ per abitante", "en": "€ per resident"}[f.lang],
		"tableTitle":  map[string]string{"it": "Finanziamenti per abitante, comune per comune", "en": "Funding per resident, municipality by municipality"}[f.lang],
	}
	if len(province) > 0 {
		s := sumFunding(province)
		out["province"] = fmt.Sprintf(map[string]string{
			"it": "Non sono sulla mappa i progetti della %s stessa: %s, %s.",
			"en": "The map leaves out the projects of the %s itself: %s, %s.",
		}[f.lang], w.m.b.Portal.Publisher.Name.In(f.lang), counted(f, s), moneyOr(f, s.Total, s.Known > 0))
	}
	return out
}

// geoMap loads the map of the comuni once per build: nil when the catalog
// has no boundaries; its issues go to the quality page.
func (m *model) geoMap() *geo.Map {
	if m.geoDone {
		return m.geo
	}
	m.geoDone = true
	if m.b.Files == nil || len(m.comuni) == 0 {
		return nil
	}
	codes := make([]string, len(m.comuni))
	for i, c := range m.comuni {
		codes[i] = c.Code
	}
	gm, issues, err := geo.Load(m.b.Files, codes)
	m.geoIssues = issues
	if err != nil {
		m.geoErr = err
		return nil
	}
	m.geo = gm
	return gm
}

// comuneProgress adds a comune's projects by state and its locator map.
func (w *writer) comuneProgress(f formatter, c *comune, params map[string]any) {
	ps := w.m.projectsOf(c.Code)
	if len(ps) > 0 {
		params["byState"] = w.byState(f, ps)
		params["byStateTitle"] = map[string]string{"it": "Progetti per stato di attuazione", "en": "Projects by status"}[f.lang]
		items, _ := params["projects"].([]map[string]any)
		for i, p := range ps {
			if i < len(items) {
				items[i]["stato"] = stateLabel(f, p.progress(f, w.today()).Current)
			}
		}
	}
	if m := w.m.geoMap(); m != nil {
		svg, err := m.Locator(geo.Locator{
			ID: "locator", Code: c.Code,
			Title: fmt.Sprintf(map[string]string{"it": "Dove si trova %s nella provincia", "en": "Where %s lies in the province"}[f.lang], c.Name),
			Desc:  fmt.Sprintf(map[string]string{"it": "Mappa dei comuni della provincia con %s evidenziato.", "en": "Map of the province's municipalities with %s highlighted."}[f.lang], c.Name),
		})
		if err == nil {
			params["locator"] = svg
		}
	}
}

// progress adds to a project's page its state and since when, the states
// it went through, paid against funded, its dates against the build's
// day, and the facts its sources disagree on.
func (w *writer) progress(f formatter, p *project, params map[string]any) {
	today := w.today()
	g := p.progress(f, today)
	if g.Current.State != "" || g.Current.Raw != "" {
		params["stato"] = stateLabel(f, g.Current)
		if !g.Current.Since.IsZero() {
			params["since"] = f.date(g.Current.Since)
		}
		params["stateSource"] = g.Current.From.Dataset.Dataset.Title.In(f.lang)
	} else {
		params["stato"] = noState.In(f.lang)
	}
	var hist []map[string]any
	for _, e := range g.History {
		hist = append(hist, map[string]any{
			"state": stateLabel(f, e), "since": cmp.Or(f.date(e.Since), "–"),
			"source": e.From.Dataset.Dataset.Title.In(f.lang), "url": datasetURL(e.From.Dataset.Dataset.ID), "line": e.From.Line,
		})
	}
	params["history"] = hist
	if g.PaidOK {
		pay := map[string]any{"paid": f.money(g.Paid), "funded": p.amountText(f)}
		if g.Amount > 0 {
			pct := min(max(g.Paid/g.Amount*100, 0), 100)
			pay["percent"] = f.percent(g.Paid / g.Amount * 100)
			pay["value"] = pct
		}
		if g.Derived {
			pay["derived"] = map[string]string{"it": "Lo stato «erogato» vuol dire finanziamento pagato per intero.", "en": "The status \"paid out\" means the funding was paid in full."}[f.lang]
		}
		params["payment"] = pay
	}
	if g.Late {
		params["late"] = fmt.Sprintf(map[string]string{
			"it": "In ritardo: la fine era prevista il %s e al %s non risulta conclusa.",
			"en": "Late: the end was planned for %s and by %s it is not reported as finished.",
		}[f.lang], f.date(g.PlannedEnd), f.date(today))
	}
	if start, end := cmp.Or(g.ActualStart, g.PlannedStart), g.PlannedEnd; !start.IsZero() && end.After(start) && g.ActualEnd.IsZero() {
		pct := min(max(float64(today.Sub(start))/float64(end.Sub(start))*100, 0), 100)
		params["timeProgress"] = f.percent(pct)
		params["timeValue"] = pct
	}
	params["timeline"] = timeline(f, g, today)
	var conflicts []map[string]any
	for _, c := range g.Conflicts {
		var vals []map[string]any
		for _, v := range c.Values {
			vals = append(vals, map[string]any{"text": v.Text, "source": v.From.Dataset.Dataset.Title.In(f.lang), "url": datasetURL(v.From.Dataset.Dataset.ID), "line": v.From.Line})
		}
		conflicts = append(conflicts, map[string]any{"fact": c.Fact.In(f.lang), "values": vals})
	}
	params["conflicts"] = conflicts
	words := map[string][2]string{
		"sinceWord":      {"dal", "since"},
		"paymentTitle":   {"Pagato rispetto al finanziato", "Paid against funded"},
		"timeTitle":      {"Tempo trascorso rispetto a quello previsto", "Time elapsed against time planned"},
		"historyTitle":   {"Stati del progetto, con la data in cui è iniziato ciascuno", "States of the project, with the day each began"},
		"sinceTitle":     {"Dal", "Since"},
		"conflictsTitle": {"Dati diversi secondo le fonti", "Facts the sources disagree on"},
		"factTitle":      {"Dato", "Fact"},
		"valuesTitle":    {"Valori e fonti", "Values and sources"},
	}
	for k, v := range words {
		params[k] = v[map[bool]int{true: 1, false: 0}[f.lang == "en"]]
	}
}

// timeline lays out, at build time, the project's planned and actual
// spans and its states on one time axis, with today marked.
func timeline(f formatter, g progressOf, today time.Time) map[string]any {
	type span struct {
		label    string
		from, to time.Time
		planned  bool
		open     bool // runs to today
	}
	var spans []span
	if !g.PlannedStart.IsZero() || !g.PlannedEnd.IsZero() {
		spans = append(spans, span{label: map[string]string{"it": "Previsto", "en": "Planned"}[f.lang], from: cmp.Or(g.PlannedStart, g.PlannedEnd), to: cmp.Or(g.PlannedEnd, g.PlannedStart), planned: true})
	}
	if !g.ActualStart.IsZero() {
		end, open := g.ActualEnd, false
		if end.IsZero() {
			end, open = today, true
		}
		spans = append(spans, span{label: map[string]string{"it": "Effettivo", "en": "Actual"}[f.lang], from: g.ActualStart, to: end, open: open})
	}
	type mark struct {
		label string
		at    time.Time
	}
	var marks []mark
	if !g.Applied.IsZero() {
		marks = append(marks, mark{map[string]string{"it": "Candidatura", "en": "Application"}[f.lang], g.Applied})
	}
	for _, e := range g.History {
		if !e.Since.IsZero() {
			marks = append(marks, mark{stateLabel(f, e), e.Since})
		}
	}
	if len(spans) == 0 && len(marks) == 0 {
		return nil
	}
	lo, hi := today, today
	for _, s := range spans {
		lo, hi = minTime(lo, s.from), maxTime(hi, s.to)
	}
	for _, m := range marks {
		lo, hi = minTime(lo, m.at), maxTime(hi, m.at)
	}
	lo, hi = lo.AddDate(0, -2, 0), hi.AddDate(0, 2, 0)
	const width, left, right, rowH = 640, 90, 20, 28
	x := func(t time.Time) int {
		return left + int(float64(t.Sub(lo))/float64(hi.Sub(lo))*float64(width-left-right))
	}
	var rows []map[string]any
	y := 30
	for _, s := range spans {
		rows = append(rows, map[string]any{"label": s.label, "x": x(s.from), "w": max(x(s.to)-x(s.from), 3), "y": y, "ty": y + 14,
			"planned": s.planned, "text": f.date(s.from) + " – " + map[bool]string{true: map[string]string{"it": "oggi", "en": "today"}[f.lang], false: f.date(s.to)}[s.open]})
		y += rowH
	}
	var dots []map[string]any
	for i, m := range marks {
		dots = append(dots, map[string]any{"label": m.label, "date": f.date(m.at), "x": x(m.at), "y": y + 8, "ty": y + 26 + (i%2)*14})
	}
	y += 30 + 14*min(len(marks), 2)
	// Years along the axis.
	var years []map[string]any
	for yr := lo.Year() + 1; yr <= hi.Year(); yr++ {
		t := time.Date(yr, 1, 1, 0, 0, 0, 0, time.UTC)
		years = append(years, map[string]any{"x": x(t), "label": yr})
	}
	var desc []string
	for _, r := range rows {
		desc = append(desc, fmt.Sprint(r["label"], ": ", r["text"]))
	}
	for _, d := range dots {
		desc = append(desc, fmt.Sprint(d["label"], ": ", d["date"]))
	}
	todayLabel := map[string]string{"it": "oggi", "en": "today"}[f.lang]
	desc = append(desc, todayLabel+": "+f.date(today))
	return map[string]any{
		"width": width, "height": y + 20, "rows": rows, "dots": dots, "years": years,
		"today": x(today), "todayLabel": todayLabel, "axisY": y, "left": left,
		"title": map[string]string{"it": "Cronologia del progetto", "en": "Project timeline"}[f.lang],
		"desc":  strings.Join(desc, "; "),
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// qualityProgress adds to the quality page what the build itself found:
// the map's issues and rows whose comune could not be placed.
func (w *writer) qualityProgress(f formatter, params map[string]any) {
	w.m.geoMap()
	var notes []map[string]any
	for _, is := range w.m.geoIssues {
		notes = append(notes, issueRow(f, is))
	}
	if w.m.geoErr != nil {
		notes = append(notes, map[string]any{"where": catalogBoundaries, "message": w.m.geoErr.Error(), "severity": label(severities, catalog.Error, f.lang), "error": true})
	}
	for _, u := range w.m.unplaced {
		notes = append(notes, map[string]any{
			"where": u.Dataset.Dataset.ID + fmt.Sprintf(map[string]string{"it": ", riga %d", "en": ", row %d"}[f.lang], u.Line),
			"message": fmt.Sprintf(map[string]string{
				"it": "Il comune «%s» (codice «%s») non è nell'anagrafe né tra i comuni cessati (%s): il progetto non è attribuito a nessun comune.",
				"en": "The municipality “%s” (code “%s”) is neither in the registry nor among the ceased municipalities (%s): the project is not counted in any municipality.",
			}[f.lang], u.Name, u.Code, CessatiFile),
			"severity": label(severities, catalog.Warning, f.lang),
		})
	}
	if len(notes) > 0 {
		params["buildNotes"] = notes
		params["buildNotesTitle"] = map[string]string{"it": "Avvisi della costruzione del portale", "en": "Notes from building the portal"}[f.lang]
	}
}

const catalogBoundaries = geo.BoundariesFile
