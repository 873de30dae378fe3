package site

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/geo"
)

// model is the catalog build read into what the pages need: the registry of
// comuni, the projects, and lookups between them.
type model struct {
	b        *catalog.Build
	comuni   []comune
	byCode   map[string]*comune
	projects []project
	// registry is the id of the dataset the comuni come from.
	registry string
	// byComune and byPublisher index projects and datasets by ISTAT code.
	byComune    map[string][]*project
	byPublisher map[string][]*catalog.DatasetState
	// ceased maps names of comuni merged into others to their successor;
	// unplaced lists rows whose comune could not be found (progress_model.go).
	ceased   map[string]string
	unplaced []unplacedRow
	// The map of the comuni, loaded once (progress_page.go).
	geo       *geo.Map
	geoDone   bool
	geoIssues []catalog.Issue
	geoErr    error
	states    map[catalog.ProjectState]int
	// con is the contracts section's lotti, read once (contracts.go).
	con    *contracts
	bySlug map[string]*comune
}

type comune struct {
	Code, Name, Sigla, Catastale string
	Population, Area             *float64
}

type project struct {
	Slug    string
	Dataset *catalog.DatasetState
	Row     int
	// Line is the row's line in the file the clerk sent.
	Line int
	rec  map[string]any
	raw  map[string]string
	// Comuni are the ISTAT codes of the comuni concerned, main one first.
	Comuni []string
	// Also lists the other datasets that report the same project (the
	// Province's list and the comune's own file often both do): the
	// project has one page, and the totals count it once.
	Also []source
}

// source is a row of a dataset that reports a project.
type source struct {
	Dataset *catalog.DatasetState
	Line    int
	// rec and raw are the row's values, for the facts it reports.
	rec map[string]any
	raw map[string]string
}

// identity is what makes two rows the same project: the CUP, the national
// code of public investment projects, or else the project's own code.
func (p project) identity() string {
	if cup := strings.ToUpper(strings.TrimSpace(p.text("cup"))); cup != "" {
		return "cup:" + cup
	}
	if code := strings.TrimSpace(p.text("codice_progetto")); code != "" {
		return "code:" + code
	}
	return ""
}

func (p project) text(field string) string {
	switch v := p.rec[field].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return p.raw[field]
}

func (p project) num(field string) (float64, bool) {
	v, ok := p.rec[field].(float64)
	return v, ok
}

func (p project) title() string {
	if t := p.text("titolo"); t != "" {
		return t
	}
	return p.text("codice_progetto")
}

// published reports whether the dataset has a version on the portal: the
// last good version stays published even when the latest file was refused.
func published(d *catalog.DatasetState) bool {
	return d.Current != nil && (d.Table != nil || d.LoadTable != nil)
}

var codeList = regexp.MustCompile(`\d{6}`)

func newModel(b *catalog.Build) (*model, error) {
	m := &model{b: b, byCode: map[string]*comune{}}
	for i := range b.Datasets {
		d := &b.Datasets[i]
		if d.Dataset.Schema != catalog.RegistrySchema || !published(d) || m.registry != "" {
			continue
		}
		m.registry = d.Dataset.ID
		t, err := d.Content()
		if err != nil {
			return nil, fmt.Errorf("site: registry %s: %w", d.Dataset.ID, err)
		}
		for r := range t.Rows {
			rec, raw := record(t, r)
			c := comune{
				Code:       str(rec["codice_istat"], raw["codice_istat"]),
				Name:       str(rec["denominazione"], raw["denominazione"]),
				Sigla:      str(rec["sigla_provincia"], raw["sigla_provincia"]),
				Catastale:  str(rec["codice_catastale"], raw["codice_catastale"]),
				Population: numPtr(rec["popolazione"]),
				Area:       numPtr(rec["superficie_kmq"]),
			}
			if c.Code == "" || m.byCode[c.Code] != nil {
				continue
			}
			m.comuni = append(m.comuni, c)
		}
	}
	slices.SortFunc(m.comuni, func(a, b comune) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Code, b.Code))
	})
	for i := range m.comuni {
		m.byCode[m.comuni[i].Code] = &m.comuni[i]
	}

	seen := map[string]int{}
	known := map[string]int{} // identity -> index in m.projects
	for i := range b.Datasets {
		d := &b.Datasets[i]
		if !catalog.IsProjects(d.Dataset.Schema) || !published(d) {
			continue
		}
		t, err := d.Content()
		if err != nil {
			return nil, fmt.Errorf("site: projects %s: %w", d.Dataset.ID, err)
		}
		for r := range t.Rows {
			rec, raw := record(t, r)
			p := project{Dataset: d, Row: r, Line: t.Rows[r].Line, rec: rec, raw: raw}
			id := p.identity()
			if k, dup := known[id]; dup && id != "" {
				first := &m.projects[k]
				first.Also = append(first.Also, source{Dataset: d, Line: p.Line, rec: rec, raw: raw})
				addParts(first, &p)
				for _, c := range m.comuniOf(&p) {
					if !slices.Contains(first.Comuni, c) {
						first.Comuni = append(first.Comuni, c)
					}
				}
				continue
			}
			slug := slugify(cmp.Or(p.text("codice_progetto"), p.text("cup")))
			if slug == "" {
				slug = slugify(d.Dataset.ID + "-" + strconv.Itoa(t.Rows[r].Line))
			}
			seen[slug]++
			if n := seen[slug]; n > 1 {
				slug += "-" + strconv.Itoa(n)
			}
			p.Slug = slug
			p.Comuni = m.comuniOf(&p)
			if id != "" {
				known[id] = len(m.projects)
			}
			m.projects = append(m.projects, p)
		}
	}
	m.byComune = map[string][]*project{}
	for i := range m.projects {
		for _, c := range m.projects[i].Comuni {
			m.byComune[c] = append(m.byComune[c], &m.projects[i])
		}
	}
	m.byPublisher = map[string][]*catalog.DatasetState{}
	for i := range b.Datasets {
		d := &b.Datasets[i]
		m.byPublisher[d.Dataset.Publisher] = append(m.byPublisher[d.Dataset.Publisher], d)
	}
	return m, nil
}

// comuni lists the ISTAT codes of the comuni the row names, main one first.
func (p project) comuni() []string {
	var out []string
	add := func(code string) {
		if code != "" && !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	add(p.text("codice_comune"))
	for _, c := range codeList.FindAllString(p.text("comuni_coinvolti"), -1) {
		add(c)
	}
	return out
}

// record returns the normalised values and the raw texts of a row by field.
func record(t *catalog.Table, row int) (map[string]any, map[string]string) {
	rec := t.Record(row)
	raw := make(map[string]string, len(t.Columns))
	for i, c := range t.Columns {
		if c.Field != "" && i < len(t.Rows[row].Cells) {
			raw[c.Field] = t.Rows[row].Cells[i].Raw
		}
	}
	return rec, raw
}

func str(v any, raw string) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return raw
}

func numPtr(v any) *float64 {
	if f, ok := v.(float64); ok {
		return &f
	}
	return nil
}

var unaccent = map[rune]rune{'à': 'a', 'á': 'a', 'è': 'e', 'é': 'e', 'ì': 'i', 'í': 'i', 'ò': 'o', 'ó': 'o', 'ù': 'u', 'ú': 'u'}

// slugify keeps lower-case letters and digits and turns every other run of
// characters into one hyphen.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if a, ok := unaccent[r]; ok {
			r = a
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}

// publisherName names the administration behind an ISTAT code.
func (m *model) publisherName(code, lang string) string {
	if c := m.byCode[code]; c != nil {
		if lang == "en" {
			return "Municipality of " + c.Name
		}
		return "Comune di " + c.Name
	}
	if code == "" || code == m.b.Portal.Publisher.ISTAT || len(code) == 3 {
		return m.b.Portal.Publisher.Name.In(lang)
	}
	return code
}

func (m *model) comuneName(code string) string {
	if c := m.byCode[code]; c != nil {
		return c.Name
	}
	return code
}

// projectsOf lists the projects concerning a comune.
func (m *model) projectsOf(code string) []*project { return m.byComune[code] }

// datasetsOf lists the datasets a comune publishes, in catalog order.
func (m *model) datasetsOf(code string) []*catalog.DatasetState { return m.byPublisher[code] }
