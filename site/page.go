package site

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Limits that keep every page small.
const (
	previewRows  = 20
	maxIssues    = 100
	qualityIssue = 5
	homeUpdates  = 8
	// listedProjects caps the project list of the overview; every project
	// stays listed on the page of its comune.
	listedProjects = 150
	feedEntries    = 30
)

// frontMatter is what a generated content file holds: the page's title and
// dates for Hugo, and in params everything the layout shows, already
// worded and formatted for the page's language.
type frontMatter struct {
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Date        string         `json:"date,omitempty"`
	Lastmod     string         `json:"lastmod,omitempty"`
	Outputs     []string       `json:"outputs,omitempty"`
	Params      map[string]any `json:"params"`
}

type writer struct {
	m       *model
	content string
	loc     *time.Location
}

func (w *writer) write(rel, lang string, fm frontMatter) error {
	file := filepath.Join(w.content, filepath.FromSlash(rel)+"."+lang+".md")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(fm, "", " ")
	if err != nil {
		return fmt.Errorf("page %s: %w", rel, err)
	}
	return os.WriteFile(file, append(data, '\n'), 0o644)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// writeAll writes every page in every language.
func (w *writer) writeAll(langs []string) (int, error) {
	n := 0
	for _, lang := range langs {
		f := formatter{lang: lang, loc: w.loc}
		pages := []struct {
			rel string
			fm  frontMatter
		}{
			{"_index", w.home(f)},
			{"datasets/_index", w.catalog(f)},
			{"progetti/_index", w.projectsIndex(f)},
			{"comuni/_index", w.comuniIndex(f)},
			{"qualita/_index", w.quality(f)},
		}
		for i := range w.m.b.Datasets {
			d := &w.m.b.Datasets[i]
			pages = append(pages, struct {
				rel string
				fm  frontMatter
			}{"datasets/" + d.Dataset.ID, w.dataset(f, d)})
		}
		for i := range w.m.projects {
			p := &w.m.projects[i]
			pages = append(pages, struct {
				rel string
				fm  frontMatter
			}{"progetti/" + p.Slug, w.project(f, p)})
		}
		for i := range w.m.comuni {
			c := &w.m.comuni[i]
			pages = append(pages, struct {
				rel string
				fm  frontMatter
			}{"comuni/" + c.Code, w.comune(f, c)})
		}
		for _, p := range pages {
			if err := w.write(p.rel, lang, p.fm); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

func datasetURL(id string) string { return "datasets/" + id + "/" }

// lastUpdate is when the dataset's published content last changed.
func lastUpdate(d *catalog.DatasetState) time.Time {
	if d.Current != nil {
		return d.Current.Accepted
	}
	return time.Time{}
}

type update struct {
	d *catalog.DatasetState
	v catalog.Version
}

// updates lists accepted versions of every dataset, newest first.
func (w *writer) updates() []update {
	var out []update
	for i := range w.m.b.Datasets {
		d := &w.m.b.Datasets[i]
		for _, v := range d.History {
			out = append(out, update{d, v})
		}
		if d.Current != nil && !slices.ContainsFunc(d.History, func(v catalog.Version) bool { return v.ID == d.Current.ID }) {
			out = append(out, update{d, *d.Current})
		}
	}
	slices.SortStableFunc(out, func(a, b update) int {
		return cmp.Or(b.v.Accepted.Compare(a.v.Accepted), cmp.Compare(a.d.Dataset.ID, b.d.Dataset.ID))
	})
	return out
}

func (w *writer) home(f formatter) frontMatter {
	b := w.m.b
	var total float64
	for _, p := range w.m.projects {
		total += p.total()
	}
	var ups []map[string]any
	var feed []map[string]any
	for i, u := range w.updates() {
		if i >= feedEntries {
			break
		}
		e := map[string]any{
			"title":     u.d.Dataset.Title.In(f.lang),
			"url":       datasetURL(u.d.Dataset.ID),
			"date":      f.date(u.v.Accepted),
			"iso":       stamp(u.v.Accepted),
			"version":   short(u.v.ID),
			"rows":      f.integer(u.v.Rows),
			"rowsText":  f.rows(u.v.Rows),
			"summary":   u.d.Dataset.Description.In(f.lang),
			"publisher": w.m.publisherName(u.d.Dataset.Publisher, f.lang),
		}
		feed = append(feed, e)
		if i < homeUpdates {
			ups = append(ups, e)
		}
	}
	refused := 0
	for _, d := range b.Datasets {
		if d.Status != catalog.Accepted {
			refused++
		}
	}
	return frontMatter{
		Title:       b.Portal.Title.In(f.lang),
		Description: b.Portal.Description.In(f.lang),
		Date:        stamp(b.Generated),
		Lastmod:     stamp(b.Generated),
		Outputs:     []string{"html", "atom"},
		Params: map[string]any{
			"intro":        b.Portal.Description.In(f.lang),
			"datasets":     f.integer(len(b.Datasets)),
			"comuni":       f.integer(len(w.m.comuni)),
			"projects":     f.integer(len(w.m.projects)),
			"funding":      f.money(total),
			"attention":    f.integer(refused),
			"updates":      ups,
			"feed":         feed,
			"generated":    f.dateTime(b.Generated),
			"generatedISO": stamp(b.Generated),
		},
	}
}

func short(s string) string {
	s = strings.TrimPrefix(s, "sha256:")
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// latestFormats lists the data formats of the current downloads.
func latestFormats(d *catalog.DatasetState) []string {
	var out []string
	for _, dl := range d.Downloads {
		if dl.Version == "" && !slices.Contains(out, dl.Format) {
			switch dl.Format {
			case "csv", "json", "xlsx":
				out = append(out, dl.Format)
			}
		}
	}
	slices.Sort(out)
	return out
}

func (w *writer) catalog(f formatter) frontMatter {
	b := w.m.b
	var items []map[string]any
	themeSet := map[string]bool{}
	pubSet := map[string]bool{}
	formatSet := map[string]bool{}
	for i := range b.Datasets {
		d := &b.Datasets[i]
		ds := d.Dataset
		fmts := latestFormats(d)
		var fmtLabels []string
		for _, x := range fmts {
			formatSet[x] = true
			fmtLabels = append(fmtLabels, formatShort[x])
		}
		themeSet[ds.Theme] = true
		pubSet[ds.Publisher] = true
		upd := lastUpdate(d)
		items = append(items, map[string]any{
			"id":           ds.ID,
			"title":        ds.Title.In(f.lang),
			"desc":         ds.Description.In(f.lang),
			"url":          datasetURL(ds.ID),
			"publisher":    w.m.publisherName(ds.Publisher, f.lang),
			"pub":          ds.Publisher,
			"theme":        ds.Theme,
			"themeLabel":   label(themes, ds.Theme, f.lang),
			"formats":      fmts,
			"formatLabels": strings.Join(fmtLabels, ", "),
			"updated":      f.date(upd),
			"updatedISO":   isoDay(upd, w.loc),
			"keywords":     strings.Join(ds.Keywords, " "),
			"status":       string(d.Status),
			"statusLabel":  label(statuses, d.Status, f.lang),
		})
	}
	slices.SortStableFunc(items, func(a, b map[string]any) int {
		return cmp.Compare(strings.ToLower(a["title"].(string)), strings.ToLower(b["title"].(string)))
	})
	var pubs, ths, fms []map[string]string
	for code := range pubSet {
		pubs = append(pubs, map[string]string{"code": code, "name": w.m.publisherName(code, f.lang)})
	}
	slices.SortFunc(pubs, func(a, b map[string]string) int { return cmp.Compare(a["name"], b["name"]) })
	for code := range themeSet {
		ths = append(ths, map[string]string{"code": code, "name": label(themes, code, f.lang)})
	}
	slices.SortFunc(ths, func(a, b map[string]string) int { return cmp.Compare(a["name"], b["name"]) })
	for code := range formatSet {
		fms = append(fms, map[string]string{"code": code, "name": formatShort[code]})
	}
	slices.SortFunc(fms, func(a, b map[string]string) int { return cmp.Compare(a["code"], b["code"]) })
	return frontMatter{
		Title:   map[string]string{"it": "Catalogo dei dati", "en": "Data catalogue"}[f.lang],
		Lastmod: stamp(b.Generated),
		Outputs: []string{"html", "json"},
		Params: map[string]any{
			"items":      items,
			"count":      f.integer(len(items)),
			"publishers": pubs,
			"themes":     ths,
			"formats":    fms,
		},
	}
}

func isoDay(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.DateOnly)
}

func (w *writer) dataset(f formatter, d *catalog.DatasetState) frontMatter {
	b := w.m.b
	ds := d.Dataset
	lic := cmp.Or(ds.License, b.Portal.License)
	p := map[string]any{
		"id":          ds.ID,
		"desc":        ds.Description.In(f.lang),
		"publisher":   w.m.publisherName(ds.Publisher, f.lang),
		"license":     label(licenses, lic, f.lang),
		"frequency":   label(frequencies, ds.Frequency, f.lang),
		"theme":       label(themes, ds.Theme, f.lang),
		"keywords":    ds.Keywords,
		"updated":     f.dateTime(lastUpdate(d)),
		"status":      string(d.Status),
		"statusLabel": label(statuses, d.Status, f.lang),
		"example":     ds.Example,
		"provenance":  ds.Provenance,
	}
	if w.m.byCode[ds.Publisher] != nil {
		p["publisherURL"] = "comuni/" + ds.Publisher + "/"
	}
	if ds.Temporal != nil {
		p["temporal"] = strings.TrimSpace(f.isoDate(string(ds.Temporal.Start)) + " – " + f.isoDate(string(ds.Temporal.End)))
	}
	if c := d.Current; c != nil {
		p["current"] = map[string]any{
			"version":  short(c.ID),
			"accepted": f.dateTime(c.Accepted),
			"rows":     f.integer(c.Rows),
			"warnings": c.Warnings,
		}
	}
	if a := d.Latest; a != nil {
		lt := map[string]any{
			"at":       f.dateTime(a.At),
			"status":   string(a.Status),
			"accepted": a.Status == catalog.Accepted,
			"reason":   a.Reason.In(f.lang),
			"count":    f.integer(len(a.Issues)),
		}
		var issues []map[string]any
		for i, is := range a.Issues {
			if i >= maxIssues {
				lt["more"] = f.integer(len(a.Issues) - maxIssues)
				break
			}
			issues = append(issues, issueRow(f, is))
		}
		lt["issues"] = issues
		p["latest"] = lt
	}
	var hist []map[string]any
	for _, v := range d.History {
		hist = append(hist, map[string]any{
			"date":     f.dateTime(v.Accepted),
			"version":  short(v.ID),
			"checksum": short(v.Checksum),
			"rows":     f.integer(v.Rows),
			"current":  d.Current != nil && v.ID == d.Current.ID,
		})
	}
	p["history"] = hist
	if d.Table != nil {
		p["preview"] = w.preview(f, d)
	}
	var dls []map[string]any
	for _, dl := range d.Downloads {
		dls = append(dls, map[string]any{
			"format":  label(formats, dl.Format, f.lang),
			"url":     dl.Path,
			"name":    path.Base(dl.Path),
			"size":    f.size(dl.Size),
			"version": short(dl.Version),
			"media":   dl.MediaType,
		})
	}
	p["downloads"] = dls
	if s := b.Schemas[ds.Schema]; s != nil {
		var fields []map[string]any
		for _, fl := range s.Fields {
			typ := label(fieldTypes, fl.Type, f.lang)
			if fl.Code {
				typ = map[string]string{"it": "codice (testo)", "en": "code (text)"}[f.lang]
			}
			if fl.Unit != "" {
				typ += " (" + fl.Unit + ")"
			}
			fields = append(fields, map[string]any{
				"name":     fl.Name,
				"title":    fl.Title.In(f.lang),
				"type":     typ,
				"required": fl.Required,
				"desc":     fl.Description.In(f.lang),
			})
		}
		p["schema"] = map[string]any{
			"name":   s.Name,
			"title":  s.Title.In(f.lang),
			"desc":   s.Description.In(f.lang),
			"open":   s.Open,
			"fields": fields,
		}
	}
	if c := d.Current; c != nil {
		p["cite"] = map[string]any{
			"author":  w.m.publisherName(ds.Publisher, f.lang),
			"year":    c.Accepted.In(w.loc).Year(),
			"version": short(c.ID),
			"date":    isoDay(c.Accepted, w.loc),
		}
	}
	fm := frontMatter{
		Title:       ds.Title.In(f.lang),
		Description: ds.Description.In(f.lang),
		Params:      p,
	}
	if t := lastUpdate(d); !t.IsZero() {
		fm.Date, fm.Lastmod = stamp(t), stamp(t)
	}
	return fm
}

func issueRow(f formatter, is catalog.Issue) map[string]any {
	return map[string]any{
		"where":    is.Ref.String(),
		"cell":     is.Ref.Cell(),
		"row":      is.Ref.Row,
		"field":    is.Field,
		"value":    is.Value,
		"message":  is.Message.In(f.lang),
		"severity": label(severities, is.Severity, f.lang),
		"error":    is.Severity != catalog.Warning,
	}
}

// preview formats the first rows of the current table.
func (w *writer) preview(f formatter, d *catalog.DatasetState) map[string]any {
	t := d.Table
	s := w.m.b.Schemas[d.Dataset.Schema]
	var heads []string
	fields := make([]catalog.Field, len(t.Columns))
	for i, c := range t.Columns {
		h := c.Header
		if s != nil {
			if fl, ok := s.Field(c.Field); ok {
				fields[i] = fl
				if !fl.Title.IsZero() {
					h = fl.Title.In(f.lang)
				}
			}
		}
		heads = append(heads, h)
	}
	var rows [][]string
	for r := range t.Rows {
		if r >= previewRows {
			break
		}
		row := make([]string, len(t.Columns))
		for i := range t.Columns {
			if i < len(t.Rows[r].Cells) {
				row[i] = cellText(f, fields[i], t.Rows[r].Cells[i])
			}
		}
		rows = append(rows, row)
	}
	return map[string]any{
		"heads": heads,
		"rows":  rows,
		"shown": f.integer(len(rows)),
		"total": f.integer(len(t.Rows)),
	}
}

func cellText(f formatter, fl catalog.Field, c catalog.Cell) string {
	switch v := c.Value.(type) {
	case nil:
		return c.Raw
	case float64:
		if fl.Unit == "EUR" || strings.HasPrefix(fl.Name, "finanziamento_") {
			return f.money(v)
		}
		if fl.Unit == "%" {
			return f.percent(v)
		}
		return f.auto(v)
	case bool:
		if v {
			return map[string]string{"it": "sì", "en": "yes"}[f.lang]
		}
		return "no"
	case string:
		if fl.Type == catalog.TypeDate {
			return f.isoDate(v)
		}
		return v
	}
	return c.Raw
}

func (w *writer) comuneLinks(codes []string) []map[string]string {
	var out []map[string]string
	for _, c := range codes {
		e := map[string]string{"name": w.m.comuneName(c), "code": c}
		if w.m.byCode[c] != nil {
			e["url"] = "comuni/" + c + "/"
		}
		out = append(out, e)
	}
	return out
}

func (w *writer) projectsIndex(f formatter) frontMatter {
	var list []map[string]any
	perComune := map[string]float64{}
	countComune := map[string]int{}
	perSource := make([]float64, len(fundingSources))
	var total float64
	for _, p := range w.m.projects {
		t := p.total()
		total += t
		main := p.text("codice_comune")
		perComune[main] += t
		countComune[main]++
		for i, s := range fundingSources {
			v, _ := p.num(s.Field)
			perSource[i] += v
		}
		list = append(list, map[string]any{
			"amount": t,
			"title":  p.title(),
			"url":    "progetti/" + p.Slug + "/",
			"code":   p.text("codice_progetto"),
			"cup":    p.text("cup"),
			"comune": w.comuneLinks(p.Comuni[:min(1, len(p.Comuni))]),
			"stato":  p.text("stato"),
			"total":  f.money(t),
		})
	}
	slices.SortStableFunc(list, func(a, b map[string]any) int {
		return cmp.Compare(b["amount"].(float64), a["amount"].(float64))
	})
	count := len(list)
	more := 0
	if len(list) > listedProjects {
		more = len(list) - listedProjects
		list = list[:listedProjects]
	}
	for _, e := range list {
		delete(e, "amount")
	}
	var comuni []map[string]any
	codes := make([]string, 0, len(perComune))
	for c := range perComune {
		codes = append(codes, c)
	}
	slices.SortFunc(codes, func(a, b string) int {
		return cmp.Or(cmp.Compare(perComune[b], perComune[a]), cmp.Compare(a, b))
	})
	for _, c := range codes {
		e := map[string]any{"name": w.m.comuneName(c), "count": f.integer(countComune[c]), "total": f.money(perComune[c])}
		if w.m.byCode[c] != nil {
			e["url"] = "comuni/" + c + "/"
		}
		comuni = append(comuni, e)
	}
	var sources []map[string]any
	var bars []bar
	for i, s := range fundingSources {
		if perSource[i] == 0 {
			continue
		}
		sources = append(sources, map[string]any{"label": s.Label.In(f.lang), "total": f.money(perSource[i])})
		bars = append(bars, bar{s.Label.In(f.lang), perSource[i], f.money(perSource[i])})
	}
	return frontMatter{
		Title:   map[string]string{"it": "Progetti e finanziamenti", "en": "Projects and funding"}[f.lang],
		Lastmod: stamp(w.m.b.Generated),
		Params: map[string]any{
			"projects": list,
			"count":    f.integer(count),
			"listed":   f.integer(len(list)),
			"more":     more > 0,
			"total":    f.money(total),
			"comuni":   comuni,
			"sources":  sources,
			"chart":    chart(bars),
		},
	}
}

func (w *writer) project(f formatter, p *project) frontMatter {
	var rows []map[string]any
	var bars []bar
	for _, s := range fundingSources {
		v, ok := p.num(s.Field)
		if !ok || v == 0 {
			continue
		}
		rows = append(rows, map[string]any{"label": s.Label.In(f.lang), "value": f.money(v)})
		bars = append(bars, bar{s.Label.In(f.lang), v, f.money(v)})
	}
	var dates []map[string]string
	for _, d := range projectDates {
		pl, ac := p.text(d.Planned), p.text(d.Actual)
		if pl == "" && ac == "" {
			continue
		}
		dates = append(dates, map[string]string{"label": d.Label.In(f.lang), "planned": f.isoDate(pl), "actual": f.isoDate(ac)})
	}
	params := map[string]any{
		"code":        p.text("codice_progetto"),
		"cup":         p.text("cup"),
		"desc":        p.text("descrizione"),
		"programma":   p.text("programma"),
		"misura":      p.text("misura"),
		"ente":        p.text("ente_titolare"),
		"attuatore":   p.text("soggetto_attuatore"),
		"comuni":      w.comuneLinks(p.Comuni),
		"stato":       p.text("stato"),
		"convenzione": f.isoDate(p.text("data_convenzione")),
		"dates":       dates,
		"funding":     rows,
		"total":       f.money(p.total()),
		"chart":       chart(bars),
		"dataset":     p.Dataset.Dataset.Title.In(f.lang),
		"datasetURL":  datasetURL(p.Dataset.Dataset.ID),
		"line":        p.Dataset.Table.Rows[p.Row].Line,
	}
	if v, ok := p.num("finanziamento_richiesto"); ok {
		params["requested"] = f.money(v)
	}
	if v, ok := p.num("avanzamento_percentuale"); ok {
		params["progress"] = f.percent(v)
		params["progressValue"] = min(max(v, 0), 100)
	}
	return frontMatter{
		Title:       p.title(),
		Description: p.text("descrizione"),
		Params:      params,
	}
}

func (w *writer) comuniIndex(f formatter) frontMatter {
	var list []map[string]any
	nd := map[string]int{}
	for _, d := range w.m.b.Datasets {
		nd[d.Dataset.Publisher]++
	}
	for _, c := range w.m.comuni {
		e := map[string]any{
			"code": c.Code, "name": c.Name, "sigla": c.Sigla,
			"url":      "comuni/" + c.Code + "/",
			"datasets": f.integer(nd[c.Code]),
			"projects": f.integer(len(w.m.projectsOf(c.Code))),
		}
		if c.Population != nil {
			e["population"] = f.auto(*c.Population)
		}
		list = append(list, e)
	}
	return frontMatter{
		Title:   map[string]string{"it": "Comuni", "en": "Municipalities"}[f.lang],
		Lastmod: stamp(w.m.b.Generated),
		Params: map[string]any{
			"comuni":      list,
			"count":       f.integer(len(list)),
			"registry":    datasetURL(w.m.registry),
			"hasRegistry": w.m.registry != "",
		},
	}
}

func (w *writer) comune(f formatter, c *comune) frontMatter {
	var ds []map[string]any
	for i := range w.m.b.Datasets {
		d := &w.m.b.Datasets[i]
		if d.Dataset.Publisher == c.Code {
			ds = append(ds, map[string]any{
				"title": d.Dataset.Title.In(f.lang), "url": datasetURL(d.Dataset.ID),
				"status": label(statuses, d.Status, f.lang), "ok": d.Status == catalog.Accepted,
			})
		}
	}
	var ps []map[string]any
	var total float64
	for _, p := range w.m.projectsOf(c.Code) {
		total += p.total()
		ps = append(ps, map[string]any{
			"title": p.title(), "url": "progetti/" + p.Slug + "/",
			"total": f.money(p.total()), "stato": p.text("stato"),
		})
	}
	params := map[string]any{
		"code":      c.Code,
		"sigla":     c.Sigla,
		"catastale": c.Catastale,
		"datasets":  ds,
		"projects":  ps,
		"total":     f.money(total),
	}
	if c.Population != nil {
		params["population"] = f.auto(*c.Population)
	}
	if c.Area != nil {
		params["area"] = f.number(*c.Area, 2) + "\u00a0km²"
	}
	return frontMatter{
		Title:  c.Name,
		Params: params,
	}
}

func (w *writer) quality(f formatter) frontMatter {
	var list []map[string]any
	ok := 0
	for i := range w.m.b.Datasets {
		d := &w.m.b.Datasets[i]
		e := map[string]any{
			"title":       d.Dataset.Title.In(f.lang),
			"url":         datasetURL(d.Dataset.ID),
			"publisher":   w.m.publisherName(d.Dataset.Publisher, f.lang),
			"status":      string(d.Status),
			"statusLabel": label(statuses, d.Status, f.lang),
			"ok":          d.Status == catalog.Accepted,
		}
		if d.Status == catalog.Accepted {
			ok++
		}
		if d.Current != nil {
			e["published"] = f.date(d.Current.Accepted)
		}
		if a := d.Latest; a != nil {
			e["at"] = f.dateTime(a.At)
			e["reason"] = a.Reason.In(f.lang)
			e["count"] = f.integer(len(a.Issues))
			var issues []map[string]any
			for i, is := range a.Issues {
				if i >= qualityIssue {
					break
				}
				issues = append(issues, issueRow(f, is))
			}
			e["issues"] = issues
			e["more"] = len(a.Issues) > qualityIssue
		}
		list = append(list, e)
	}
	slices.SortStableFunc(list, func(a, b map[string]any) int {
		ao, bo := a["ok"].(bool), b["ok"].(bool)
		if ao != bo {
			if !ao {
				return -1
			}
			return 1
		}
		return cmp.Compare(strings.ToLower(a["title"].(string)), strings.ToLower(b["title"].(string)))
	})
	return frontMatter{
		Title:   map[string]string{"it": "Qualità dei dati", "en": "Data quality"}[f.lang],
		Lastmod: stamp(w.m.b.Generated),
		Params: map[string]any{
			"datasets":  list,
			"ok":        f.integer(ok),
			"bad":       f.integer(len(list) - ok),
			"generated": f.dateTime(w.m.b.Generated),
		},
	}
}
