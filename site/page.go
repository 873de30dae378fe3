package site

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Limits that keep every page small.
const (
	previewRows  = 20
	maxIssues    = 100
	qualityIssue = 5
	homeUpdates  = 8
	feedEntries  = 30
)

// frontMatter is what a generated content file holds: the page's title and
// dates for Hugo, and in params everything the layout shows, already
// worded and formatted for the page's language.
type frontMatter struct {
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Date        string         `json:"date,omitempty"`
	Lastmod     string         `json:"lastmod,omitempty"`
	Layout      string         `json:"layout,omitempty"`
	Build       map[string]any `json:"build,omitempty"`
	Outputs     []string       `json:"outputs,omitempty"`
	Params      map[string]any `json:"params"`
}

type writer struct {
	m   *model
	loc *time.Location
	// base is the portal's base URL, for the links that Go writes.
	base string
	// stamps are the pages laid out to be stamped (stamp.go), not
	// rendered by Hugo.
	stamps []stampJob
}

// linker resolves the links Go writes into a page in lang.
func (w *writer) linker(lang string) linker { return newLinker(cmp.Or(w.base, "/"), lang) }

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// page is one content file: a page in one language. Its front matter is
// kept encoded and compressed (packed, incremental.go), which takes a
// fraction of the memory of the maps it comes from: a Region's portal has
// some 90,000 pages, a Province's ten years of contracts 300,000.
type page struct {
	rel, lang string
	data      []byte   // packed: unpack gives the front matter
	sum       [32]byte // of the front matter, for the manifest
	size      int      // of the front matter, unpacked
	// What the sitemap and the frame pages need from the front matter.
	title, modified string
	outputs         []string
}

func newPage(rel, lang string, fm frontMatter) (page, error) {
	// Without HTML escaping: the rows of the contracts' tables are HTML
	// (lottiRows), which encoding/json would write \u003c for <, twice the
	// bytes to encode, pack and parse. It is front matter, not a script.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fm); err != nil {
		return page{}, fmt.Errorf("page %s: %w", rel, err)
	}
	data := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	return page{rel: rel, lang: lang, data: pack(data), sum: sha256.Sum256(data), size: len(data), title: fm.Title, modified: cmp.Or(fm.Lastmod, fm.Date), outputs: fm.Outputs}, nil
}

// group is a page in every language: what is rendered together, since each
// language version links to the others.
type group struct {
	key   string
	pages []page
}

// Page sizes of the paginated lists.
const (
	catalogPage = 50
	comuniPage  = 100
	listPage    = 50
)

// groups lays out every page of the portal. Lists are paginated here, each
// page carrying its own items, so every page can be rendered on its own:
// that is what lets Render redo only the pages whose content changed.
func (w *writer) groups(langs []string) ([]group, error) {
	var out []group
	var first error
	at := map[string]int{}
	place := func(key string, p page) {
		i, ok := at[key]
		if !ok {
			i = len(out)
			at[key] = i
			out = append(out, group{key: key})
		}
		out[i].pages = append(out[i].pages, p)
	}
	add := func(key, rel, lang string, fm frontMatter) {
		p, err := newPage(rel, lang, fm)
		if err != nil {
			first = cmp.Or(first, err)
			return
		}
		place(key, p)
	}
	contracts := w.contractsLaidOut(langs)
	byTitle := w.datasetsByTitle()
	var attention []*catalog.DatasetState
	for _, d := range byTitle {
		if d.Status != catalog.Accepted || d.Recheck != nil {
			attention = append(attention, d)
		}
	}
	projects := w.projectsByAmount()
	for _, lang := range langs {
		f := formatter{lang: lang, loc: w.loc}
		add("home", "_index", lang, w.home(f))
		w.paginate(add, f, "datasets", len(byTitle), catalogPage, w.catalog(f), func(i int) map[string]any { return w.catalogItem(f, byTitle[i]) })
		w.paginate(add, f, "comuni", len(w.m.comuni), comuniPage, w.comuniIndex(f), func(i int) map[string]any { return w.comuneItem(f, &w.m.comuni[i]) })
		w.paginate(add, f, "progetti", len(projects), listPage, w.projectsIndex(f), func(i int) map[string]any { return w.projectItem(f, projects[i]) })
		w.filterPages(add, f, projects)
		for _, k := range contracts[lang].pages {
			place(k.key, k.page)
		}
		w.stamps = append(w.stamps, contracts[lang].stamps...)
		first = cmp.Or(first, contracts[lang].err)
		w.paginate(add, f, "qualita", len(attention), listPage, w.quality(f), func(i int) map[string]any { return w.qualityItem(f, attention[i]) })
		add("temi", "temi/_index", lang, w.themesIndex(f))
		for _, th := range w.themes(f) {
			var in []*catalog.DatasetState
			for _, d := range byTitle {
				if d.Dataset.Theme == th["code"] {
					in = append(in, d)
				}
			}
			fm := frontMatter{Title: th["name"], Params: map[string]any{"code": th["code"], "count": th["count"]}}
			w.paginate(add, f, strings.TrimSuffix(th["url"], "/"), len(in), listPage, fm, func(i int) map[string]any { return w.catalogItem(f, in[i]) })
		}
		for _, d := range byTitle {
			add("datasets/"+d.Dataset.ID, "datasets/"+d.Dataset.ID, lang, w.dataset(f, d))
		}
		for _, p := range projects {
			add("progetti/"+p.Slug, "progetti/"+p.Slug, lang, w.project(f, p))
		}
		for i := range w.m.comuni {
			c := &w.m.comuni[i]
			add("comuni/"+c.Code, "comuni/"+c.Code, lang, w.comune(f, c))
		}
	}
	return out, first
}

// paginate adds the pages of a list of n items: the first is the section's
// own page (dir/), the others dir/page/2/ and on, each with its items and
// the links between pages. head is the first page's front matter.
func (w *writer) paginate(add func(key, rel, lang string, fm frontMatter), f formatter, dir string, n, size int, head frontMatter, item func(int) map[string]any) {
	total := max(1, (n+size-1)/size)
	for p := 1; p <= total; p++ {
		var items []map[string]any
		for i := (p - 1) * size; i < min(n, p*size); i++ {
			items = append(items, item(i))
		}
		fm := head
		fm.Params = maps.Clone(head.Params)
		fm.Params["items"] = items
		fm.Params["page"] = p
		fm.Params["first"] = p == 1
		fm.Params["pager"] = pager(dir+"/", p, total)
		rel := dir + "/_index"
		if p > 1 {
			rel = fmt.Sprintf("%s/page/%d", dir, p)
			fm.Title = fmt.Sprintf(map[string]string{"it": "%s (pagina %d)", "en": "%s (page %d)"}[f.lang], head.Title, p)
			fm.Outputs = nil
			fm.Layout = "paged"
		}
		add(fmt.Sprintf("%s/page/%d", dir, p), rel, f.lang, fm)
	}
}

// pager links the pages of a list: the first, the last and two either side
// of the current one, with gaps between.
func pager(base string, cur, total int) map[string]any {
	if total < 2 {
		return nil
	}
	url := func(p int) string {
		if p == 1 {
			return base
		}
		return fmt.Sprintf("%spage/%d/", base, p)
	}
	var links []map[string]any
	gap := false
	for p := 1; p <= total; p++ {
		if p == 1 || p == total || (p >= cur-2 && p <= cur+2) {
			links = append(links, map[string]any{"n": p, "url": url(p), "current": p == cur})
			gap = false
		} else if !gap {
			links = append(links, map[string]any{"gap": true})
			gap = true
		}
	}
	pg := map[string]any{"n": cur, "total": total, "links": links}
	if cur > 1 {
		pg["prev"] = url(cur - 1)
	}
	if cur < total {
		pg["next"] = url(cur + 1)
	}
	return pg
}

func (w *writer) catalogItem(f formatter, d *catalog.DatasetState) map[string]any {
	e := w.card(f, d)
	e["id"] = d.Dataset.ID
	e["title"] = d.Dataset.Title.In(f.lang)
	e["url"] = datasetURL(d.Dataset.ID)
	return e
}

func (w *writer) comuneItem(f formatter, c *comune) map[string]any {
	e := map[string]any{
		"code": c.Code, "name": c.Name, "sigla": c.Sigla,
		"url":      "comuni/" + c.Code + "/",
		"datasets": f.integer(len(w.m.datasetsOf(c.Code))),
		"projects": f.integer(len(w.m.projectsOf(c.Code))),
	}
	if c.Population != nil {
		e["population"] = f.auto(*c.Population)
	}
	return e
}

func (w *writer) projectItem(f formatter, p *project) map[string]any {
	return map[string]any{
		"title":  p.title(),
		"url":    "progetti/" + p.Slug + "/",
		"code":   p.text("codice_progetto"),
		"cup":    p.text("cup"),
		"comune": w.places(f, p, false),
		"stato":  stateLabel(f, p.progress(f, w.today()).Current),
		"total":  p.amountText(f),
	}
}

func (w *writer) qualityItem(f formatter, d *catalog.DatasetState) map[string]any {
	e := w.qualityRow(f, d)
	e["title"] = d.Dataset.Title.In(f.lang)
	e["url"] = datasetURL(d.Dataset.ID)
	return e
}

// datasetsByTitle orders the datasets as the catalog lists them.
func (w *writer) datasetsByTitle() []*catalog.DatasetState {
	out := make([]*catalog.DatasetState, len(w.m.b.Datasets))
	for i := range w.m.b.Datasets {
		out[i] = &w.m.b.Datasets[i]
	}
	slices.SortStableFunc(out, func(a, b *catalog.DatasetState) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Dataset.Title.It), strings.ToLower(b.Dataset.Title.It)), cmp.Compare(a.Dataset.ID, b.Dataset.ID))
	})
	return out
}

// projectsByAmount orders the projects as their list shows them: largest
// total funding first.
func (w *writer) projectsByAmount() []*project {
	out := make([]*project, len(w.m.projects))
	for i := range w.m.projects {
		out[i] = &w.m.projects[i]
	}
	// Projects whose amount is not stated come last, not as zero.
	slices.SortStableFunc(out, func(a, b *project) int {
		va, oka := a.amount()
		vb, okb := b.amount()
		if oka != okb {
			if oka {
				return -1
			}
			return 1
		}
		return cmp.Compare(vb, va)
	})
	return out
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
	sum := sumFunding(w.m.all())
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
	params := map[string]any{
		"intro":         b.Portal.Description.In(f.lang),
		"datasets":      f.integer(len(b.Datasets)),
		"comuni":        f.integer(len(w.m.comuni)),
		"projects":      f.integer(len(w.m.projects)),
		"funding":       moneyOr(f, sum.Total, sum.Known > 0),
		"fundingCounts": countsLine(f, sum),
		"attention":     f.integer(refused),
		"updates":       ups,
		"feed":          feed,
		"generated":     f.dateTime(b.Generated),
		"generatedISO":  stamp(b.Generated),
	}
	w.homeProgress(f, params)
	return frontMatter{
		Title:       b.Portal.Title.In(f.lang),
		Description: b.Portal.Description.In(f.lang),
		Date:        stamp(b.Generated),
		Lastmod:     stamp(b.Generated),
		Outputs:     []string{"html", "atom"},
		Params:      params,
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

// indexEntry is one dataset in the search index the catalog's script loads
// when someone starts filtering: short keys and no description keep it
// compact at 15,000 datasets.
type indexEntry struct {
	ID        string   `json:"id"`
	Title     string   `json:"t"`
	Keywords  string   `json:"k,omitempty"`
	Publisher string   `json:"p"`
	PubName   string   `json:"pn"`
	Theme     string   `json:"th"`
	Formats   []string `json:"f,omitempty"`
	Updated   string   `json:"u,omitempty"`
	Status    string   `json:"s,omitempty"`
}

// index lists the datasets for the catalog's search, in catalog order.
func (w *writer) index(f formatter) []indexEntry {
	out := []indexEntry{}
	for _, d := range w.datasetsByTitle() {
		ds := d.Dataset
		e := indexEntry{
			ID: ds.ID, Title: ds.Title.In(f.lang), Keywords: strings.Join(ds.Keywords, " "),
			Publisher: ds.Publisher, PubName: w.m.publisherName(ds.Publisher, f.lang),
			Theme: ds.Theme, Formats: latestFormats(d), Updated: isoDay(lastUpdate(d), w.loc),
		}
		if d.Status != catalog.Accepted {
			e.Status = string(d.Status)
		}
		out = append(out, e)
	}
	return out
}

// maxPublisherOptions is how many publishers the catalog's filter lists as
// options; beyond, the filter is a text field matched against their names,
// so the page stays light with a whole Region's comuni.
const maxPublisherOptions = 200

// themes lists the themes in use with their labels and listing pages.
func (w *writer) themes(f formatter) []map[string]string {
	set := map[string]int{}
	for _, d := range w.m.b.Datasets {
		set[d.Dataset.Theme]++
	}
	var ths []map[string]string
	for code, n := range set {
		if code == "" {
			continue
		}
		ths = append(ths, map[string]string{"code": code, "name": label(themes, code, f.lang),
			"url": themeURL(code), "count": f.integer(n)})
	}
	slices.SortFunc(ths, func(a, b map[string]string) int { return cmp.Compare(a["name"], b["name"]) })
	return ths
}

func themeURL(code string) string { return "temi/" + strings.ToLower(code) + "/" }

func (w *writer) catalog(f formatter) frontMatter {
	b := w.m.b
	pubSet := map[string]bool{}
	formatSet := map[string]bool{}
	for i := range b.Datasets {
		d := &b.Datasets[i]
		for _, x := range latestFormats(d) {
			formatSet[x] = true
		}
		pubSet[d.Dataset.Publisher] = true
	}
	var pubs, fms []map[string]string
	if len(pubSet) <= maxPublisherOptions {
		for code := range pubSet {
			pubs = append(pubs, map[string]string{"code": code, "name": w.m.publisherName(code, f.lang)})
		}
		slices.SortFunc(pubs, func(a, b map[string]string) int { return cmp.Compare(a["name"], b["name"]) })
	}
	for code := range formatSet {
		fms = append(fms, map[string]string{"code": code, "name": formatShort[code]})
	}
	slices.SortFunc(fms, func(a, b map[string]string) int { return cmp.Compare(a["code"], b["code"]) })
	return frontMatter{
		Title: map[string]string{"it": "Catalogo dei dati", "en": "Data catalogue"}[f.lang],
		Params: map[string]any{
			"count":      f.integer(len(b.Datasets)),
			"publishers": pubs,
			"themes":     w.themes(f),
			"formats":    fms,
			"comuni":     len(w.m.comuni) > 0,
		},
	}
}

func (w *writer) themesIndex(f formatter) frontMatter {
	return frontMatter{
		Title:  map[string]string{"it": "Temi", "en": "Themes"}[f.lang],
		Params: map[string]any{"themes": w.themes(f)},
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
	if u := licenseURL(lic, f.lang); u != "" {
		p["licenseURL"] = u
	}
	p["themeCode"] = ds.Theme
	p["themeURL"] = themeURL(ds.Theme)

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
		if kept := keptDate(f, d); kept != "" {
			lt["kept"], lt["reason"] = kept, sentence(a.Reason.In(f.lang))
		}
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
	if t := previewOf(d); t != nil {
		p["preview"] = w.preview(f, d, t)
		p["selection"] = selection(f, d, t)
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
		if t := previewOf(d); s.Open && t != nil {
			// A free table's columns, with the types read from their values.
			for _, c := range t.Columns {
				if c.Field == "" {
					continue
				}
				fields = append(fields, map[string]any{
					"name":  c.Field,
					"title": c.Header,
					"type":  label(fieldTypes, cmp.Or(c.Type, catalog.TypeString), f.lang),
				})
			}
		}
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
			"name":    s.Name,
			"title":   s.Title.In(f.lang),
			"desc":    s.Description.In(f.lang),
			"open":    s.Open,
			"fields":  fields,
			"version": schemaVersion(f, d),
			"recheck": recheckText(f, d),
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

// alsoIn lists the other datasets that report the project.
func alsoIn(p *project, f formatter) []map[string]any {
	var out []map[string]any
	for _, s := range p.Also {
		out = append(out, map[string]any{"dataset": s.Dataset.Dataset.Title.In(f.lang), "datasetURL": datasetURL(s.Dataset.Dataset.ID), "line": s.Line})
	}
	return out
}

// previewOf returns the first rows of the current version: the preview the
// pipeline read, or the table itself when it is in memory.
func previewOf(d *catalog.DatasetState) *catalog.Table {
	if d.Current == nil {
		return nil
	}
	if d.Preview != nil {
		return d.Preview
	}
	return d.Table
}

// preview formats the first rows of the current table for people: numbers
// and dates the way the page's language writes them, by the type of each
// column (the schema's field, or the type ingest inferred for a free table).
func (w *writer) preview(f formatter, d *catalog.DatasetState, t *catalog.Table) map[string]any {
	s := w.m.b.Schemas[d.Dataset.Schema]
	var heads []string
	cols := make([]previewColumn, len(t.Columns))
	for i, c := range t.Columns {
		h := c.Header
		cols[i].typ = c.Type
		if s != nil {
			if fl, ok := s.Field(c.Field); ok {
				cols[i].field = fl
				if cols[i].typ == "" {
					cols[i].typ = fl.Type
				}
				if !fl.Title.IsZero() {
					h = fl.Title.In(f.lang)
				}
			}
		}
		heads = append(heads, h)
	}
	shown := t.Rows[:min(len(t.Rows), previewRows)]
	for i := range cols {
		cols[i].years = cols[i].typ == catalog.TypeInteger && yearsOnly(shown, i)
	}
	var rows [][]string
	for _, r := range shown {
		row := make([]string, len(t.Columns))
		for i := range t.Columns {
			if i < len(r.Cells) {
				row[i] = cols[i].text(f, r.Cells[i])
			}
		}
		rows = append(rows, row)
	}
	return map[string]any{
		"heads": heads,
		"rows":  rows,
		"shown": f.integer(len(rows)),
		"total": f.integer(d.Current.Rows),
	}
}

// previewColumn is what the preview knows of a column.
type previewColumn struct {
	field catalog.Field
	typ   catalog.FieldType
	// years marks an integer column whose values all read as years,
	// written without a thousands separator.
	years bool
}

func yearsOnly(rows []catalog.Row, col int) bool {
	seen := false
	for _, r := range rows {
		if col >= len(r.Cells) {
			continue
		}
		if v, ok := r.Cells[col].Value.(float64); ok {
			if v != math.Trunc(v) || v < 1800 || v > 2100 {
				return false
			}
			seen = true
		}
	}
	return seen
}

func (pc previewColumn) text(f formatter, c catalog.Cell) string {
	fl := pc.field
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
		if pc.years {
			return f.plain(v)
		}
		return f.auto(v)
	case bool:
		if v {
			return map[string]string{"it": "sì", "en": "yes"}[f.lang]
		}
		return "no"
	case string:
		switch pc.typ {
		case catalog.TypeDate:
			return f.cellDate(v)
		case catalog.TypeDatetime:
			return f.cellDateTime(v)
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

// topComuni is how many comuni the project overview ranks by funding; the
// page of each comune has its own figures.
const topComuni = 20

// projectsIndex is the overview of funding; the layout lists the projects,
// paginated, from their own pages.
func (w *writer) projectsIndex(f formatter) frontMatter {
	perComune := map[string][]*project{}
	for _, p := range w.m.all() {
		main := p.mainPlace()
		perComune[main] = append(perComune[main], p)
	}
	sum := sumFunding(w.m.all())
	sums := make(map[string]funding, len(perComune))
	codes := make([]string, 0, len(perComune))
	for c, ps := range perComune {
		codes = append(codes, c)
		sums[c] = sumFunding(ps)
	}
	slices.SortFunc(codes, func(a, b string) int {
		return cmp.Or(cmp.Compare(sums[b].Total, sums[a].Total), cmp.Compare(a, b))
	})
	var comuni []map[string]any
	for _, c := range codes[:min(topComuni, len(codes))] {
		s := sums[c]
		e := map[string]any{"name": w.m.placeName(c, f.lang), "count": f.integer(s.Count), "total": moneyOr(f, s.Total, s.Known > 0)}
		if s.Known < s.Count {
			e["unknown"] = f.integer(s.Count-s.Known) + map[string]string{"it": " senza importo indicato", "en": " with no amount stated"}[f.lang]
		}
		if w.m.byCode[c] != nil {
			e["url"] = "comuni/" + c + "/"
		}
		comuni = append(comuni, e)
	}
	sources, bars := sourceRows(f, sum)
	params := map[string]any{
		"count":      f.integer(len(w.m.projects)),
		"total":      moneyOr(f, sum.Total, sum.Known > 0),
		"counts":     countsLine(f, sum),
		"comuni":     comuni,
		"moreComuni": len(codes) > topComuni,
		"sources":    sources,
		"chart":      chart(bars),
	}
	w.overview(f, params)
	return frontMatter{
		Title:  map[string]string{"it": "Progetti e finanziamenti", "en": "Projects and funding"}[f.lang],
		Params: params,
	}
}

func (w *writer) project(f formatter, p *project) frontMatter {
	rows, bars := sourceRows(f, sumFunding([]*project{p}))
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
		"comuni":      w.places(f, p, true),
		"stato":       p.text("stato"),
		"convenzione": f.isoDate(p.text("data_convenzione")),
		"dates":       dates,
		"funding":     rows,
		"total":       p.amountText(f),
		"chart":       chart(bars),
		"dataset":     p.Dataset.Dataset.Title.In(f.lang),
		"datasetURL":  datasetURL(p.Dataset.Dataset.ID),
		"line":        p.Line,
		"also":        alsoIn(p, f),
	}
	if v, ok := p.num("finanziamento_richiesto"); ok {
		params["requested"] = f.money(v)
	}
	if v, ok := p.num("avanzamento_percentuale"); ok {
		params["progress"] = f.percent(v)
		params["progressValue"] = min(max(v, 0), 100)
	}
	w.progress(f, p, params)
	w.projectContracts(f, p, params)
	return frontMatter{
		Title:       p.title(),
		Description: p.text("descrizione"),
		Params:      params,
	}
}

func (w *writer) comuniIndex(f formatter) frontMatter {
	return frontMatter{
		Title: map[string]string{"it": "Comuni", "en": "Municipalities"}[f.lang],
		Params: map[string]any{
			"count":       f.integer(len(w.m.comuni)),
			"registry":    datasetURL(w.m.registry),
			"hasRegistry": w.m.registry != "",
		},
	}
}

func (w *writer) comune(f formatter, c *comune) frontMatter {
	var ds []map[string]any
	for _, d := range w.m.datasetsOf(c.Code) {
		ds = append(ds, map[string]any{
			"title": d.Dataset.Title.In(f.lang), "url": datasetURL(d.Dataset.ID),
			"status": label(statuses, d.Status, f.lang), "ok": d.Status == catalog.Accepted,
		})
	}
	var ps []map[string]any
	sum := sumFunding(w.m.projectsOf(c.Code))
	for _, p := range w.m.projectsOf(c.Code) {
		ps = append(ps, map[string]any{
			"title": p.title(), "url": "progetti/" + p.Slug + "/",
			"total": p.amountText(f), "stato": p.text("stato"),
		})
	}
	params := map[string]any{
		"code":      c.Code,
		"sigla":     c.Sigla,
		"catastale": c.Catastale,
		"datasets":  ds,
		"projects":  ps,
		"total":     moneyOr(f, sum.Total, sum.Known > 0),
		"counts":    countsLine(f, sum),
	}
	w.comuneProgress(f, c, params)
	w.comuneContracts(f, c, params)
	if c.Population != nil {
		params["population"] = f.auto(*c.Population)
	}
	if c.Area != nil {
		params["area"] = f.auto(*c.Area) + "\u00a0km²"
	}
	return frontMatter{
		Title:  c.Name,
		Params: params,
	}
}

// card is what a list shows of a dataset.
func (w *writer) card(f formatter, d *catalog.DatasetState) map[string]any {
	var labels []string
	for _, x := range latestFormats(d) {
		labels = append(labels, formatShort[x])
	}
	return map[string]any{
		"desc":         d.Dataset.Description.In(f.lang),
		"publisher":    w.m.publisherName(d.Dataset.Publisher, f.lang),
		"themeLabel":   label(themes, d.Dataset.Theme, f.lang),
		"formatLabels": strings.Join(labels, ", "),
		"updated":      f.date(lastUpdate(d)),
		"status":       string(d.Status),
		"statusLabel":  label(statuses, d.Status, f.lang),
	}
}

// qualityRow is what the quality report shows of a dataset needing
// attention.
func (w *writer) qualityRow(f formatter, d *catalog.DatasetState) map[string]any {
	e := map[string]any{
		"publisher":   w.m.publisherName(d.Dataset.Publisher, f.lang),
		"status":      string(d.Status),
		"statusLabel": label(statuses, d.Status, f.lang),
	}
	if d.Current != nil {
		e["published"] = f.date(d.Current.Accepted)
	}
	e["recheck"] = recheckText(f, d)
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
		if kept := keptDate(f, d); kept != "" {
			e["kept"], e["reason"] = kept, sentence(a.Reason.In(f.lang))
		}
	}
	return e
}

// quality is the report of the datasets needing attention; the layout
// lists them, paginated, from their own pages.
func (w *writer) quality(f formatter) frontMatter {
	ok := 0
	for i := range w.m.b.Datasets {
		if w.m.b.Datasets[i].Status == catalog.Accepted {
			ok++
		}
	}
	params := map[string]any{
		"ok":  f.integer(ok),
		"bad": f.integer(len(w.m.b.Datasets) - ok),
	}
	w.qualityProgress(f, params)
	return frontMatter{
		Title:  map[string]string{"it": "Qualità dei dati", "en": "Data quality"}[f.lang],
		Params: params,
	}
}

// schemaVersion names the schema a dataset is checked with and its version
// (the first digits of its SHA-256, and for an address the day fetched).
func schemaVersion(f formatter, d *catalog.DatasetState) string {
	src := d.SchemaSource
	if src == nil {
		return ""
	}
	v := map[string]string{"it": "Schema " + src.Ref + ", versione " + short(src.Checksum), "en": "Schema " + src.Ref + ", version " + short(src.Checksum)}[f.lang]
	if !src.Fetched.IsZero() {
		v += map[string]string{"it": " scaricata il ", "en": " fetched on "}[f.lang] + f.date(src.Fetched)
	}
	if !src.Warning.IsZero() {
		v += " (" + src.Warning.In(f.lang) + ")"
	}
	return v
}

// recheckText warns that the published version no longer passes its
// changed schema.
func recheckText(f formatter, d *catalog.DatasetState) string {
	rc := d.Recheck
	if rc == nil {
		return ""
	}
	return map[string]string{
		"it": "Lo schema è cambiato e la versione pubblicata non lo rispetta più: resta pubblicata finché il file non viene corretto. ",
		"en": "The schema changed and the published version no longer passes it: it stays published until the file is corrected. ",
	}[f.lang] + rc.Reason.In(f.lang)
}

// keptDate is the date of the version that stays published while a source
// cannot be fetched ("the server did not answer within 30 s; the version of
// DATE stays published"); empty for any other state.
func keptDate(f formatter, d *catalog.DatasetState) string {
	if d.Latest == nil || d.Latest.Status != catalog.Stale || d.Current == nil {
		return ""
	}
	return f.date(d.Current.Accepted)
}

// sentence capitalises a reason that starts a sentence on the page.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
