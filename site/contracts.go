package site

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// The contracts section reads the lotti tables of the catalog's L. 190/2012
// datasets (schema l190): one lotto per row, with its winners joined.

// l190Schema is the built-in schema name of public-contract datasets
// (pipeline.L190Schema; the site does not import the pipeline).
const l190Schema = "l190"

// noCIG is what ANAC's files carry for a contract without a CIG.
const noCIG = "0000000000"

type lotto struct {
	ID      string // in the URL: contratti/lotti/<ID>/
	CIG     string
	Dataset *catalog.DatasetState
	File    string
	Line    int
	// XMLFile is the lotto's XML file when the dataset comes from several
	// (an ANAC index): its source is then XMLFile:Line.
	XMLFile string
	// Body is the contracting body: its fiscal code and name as written.
	BodyCF, Body        string
	Object              string
	ProcCode, Proc      string
	Awarded, Paid       float64
	HasAwarded, HasPaid bool
	Start, End          string // ISO dates, "" when missing
	Bidders             int
	Winners             []winner
	// Bids are the bidders of the partecipanti table, when the dataset
	// has it (hasBids): one entry per party alone or member of a grouping.
	Bids    []winner
	hasBids bool
	Year    string
	group   *buyer
	// projects are those that name the lotto's CIG (contracts_projects.go).
	projects []*project
}

// winner is a party of a lotto (a bidder or a winner): its fiscal code
// (or foreign identifier), name, and for a member of a grouping the
// grouping's number within the lotto and its role.
type winner struct {
	Name, CF, Role string
	Group          int
}

// units counts the bidders of a lotto as the tender sees them: a grouping
// is one bidder however many members it has.
func units(ps []winner) int {
	n, groups := 0, map[int]bool{}
	for _, p := range ps {
		if p.Group == 0 {
			n++
		} else if !groups[p.Group] {
			groups[p.Group] = true
			n++
		}
	}
	return n
}

// won reports whether a party is among the lotto's winners: by fiscal
// code, or by name when it has none.
func (l *lotto) won(p winner) bool {
	for _, w := range l.Winners {
		if (p.CF != "" && w.CF == p.CF) || (p.CF == "" && w.CF == "" && strings.EqualFold(w.Name, p.Name)) {
			return true
		}
	}
	return false
}

// bidders is the number of bidders: the partecipanti table's when present,
// else the count the lotti table gives.
func (l *lotto) bidders() int {
	if l.hasBids {
		return units(l.Bids)
	}
	return l.Bidders
}

// buyer is a contracting body the overview totals by: a comune of the
// registry when the dataset's publisher is one, else the body's fiscal
// code with the name the file gives it.
type buyer struct {
	Key, Name, URL string
	// Slug names the body's pages: contratti/enti/<Slug>/; CFs are the
	// fiscal codes its lotti give it.
	Slug  string
	CFs   []string
	lotti []*lotto
}

// page is the body's contracts page; flagsPage its red flags.
func (b *buyer) page() string      { return "contratti/enti/" + b.Slug + "/" }
func (b *buyer) flagsPage() string { return b.page() + "segnali/" }

// supplier is a bidder or winner by fiscal code, with every name it
// appears under and every lotto it bid for or won (won marks the latter).
type supplier struct {
	CF, Slug string
	Names    []string
	lotti    []*lotto
	won      map[*lotto]bool
}

type contracts struct {
	lotti     []*lotto
	buyers    []*buyer
	byBuyer   map[string]*buyer
	suppliers []*supplier
	bySupp    map[string]*supplier
	byCIG     map[string][]*lotto
}

// contracts reads the lotti of every published l190 dataset, once.
func (m *model) contracts() (*contracts, error) {
	if m.con != nil {
		return m.con, nil
	}
	c := &contracts{bySupp: map[string]*supplier{}, byBuyer: map[string]*buyer{}}
	buyers := c.byBuyer
	slugs := map[string]int{}
	seen := map[string]int{}
	var ds []*catalog.DatasetState
	for i := range m.b.Datasets {
		if d := &m.b.Datasets[i]; d.Dataset.Schema == l190Schema && published(d) {
			ds = append(ds, d)
		}
	}
	next, stop := loadAhead(ds, runtime.GOMAXPROCS(0)+1)
	defer stop()
	for _, d := range ds {
		t, err := next()
		if err != nil {
			return nil, fmt.Errorf("site: contracts %s: %w", d.Dataset.ID, err)
		}
		if t == nil {
			continue
		}
		bids, bidsByFile := parties(t, "partecipanti")
		wins, winsByFile := parties(t, "aggiudicatari")
		for r := range t.Rows {
			rec, raw := record(t, r)
			s := func(k string) string { return strings.TrimSpace(str(rec[k], raw[k])) }
			n := func(k string) (float64, bool) { v, ok := rec[k].(float64); return v, ok }
			l := &lotto{Dataset: d, File: t.File, Line: t.Rows[r].Line, CIG: strings.ToUpper(s("cig")),
				BodyCF: strings.ToUpper(s("codice_fiscale_prop")), Body: s("denominazione"), Object: s("oggetto"),
				ProcCode: s("codice_procedura"), Proc: s("scelta_contraente"),
				Start: s("data_inizio"), End: s("data_ultimazione"), Year: s("anno_riferimento")}
			line := l.Line // the join key of the related tables, with the file
			if v, ok := n("riga_xml"); ok {
				line = int(v)
				if l.Line == 0 {
					l.Line = line
				}
			}
			l.XMLFile = s("file_xml")
			if l.XMLFile != "" {
				l.Line = line
			}
			l.Awarded, l.HasAwarded = n("importo_aggiudicazione")
			l.Paid, l.HasPaid = n("importo_somme_liquidate")
			if v, ok := n("numero_partecipanti"); ok {
				l.Bidders = int(v)
			}
			names, codes := splitList(s("aggiudicatari")), splitList(s("codici_fiscali_aggiudicatari"))
			// The names and codes pair up only when each winner has both.
			if len(names) == len(codes) {
				for i := range names {
					l.Winners = append(l.Winners, winner{Name: names[i], CF: strings.ToUpper(codes[i])})
				}
			} else {
				for _, nm := range names {
					l.Winners = append(l.Winners, winner{Name: nm})
				}
				for _, cf := range codes {
					l.Winners = append(l.Winners, winner{CF: strings.ToUpper(cf)})
				}
			}
			// The related tables, when the version has them, list the
			// parties one by one with their groupings: they replace the
			// lotti table's joined lists.
			// Versions stored before a dataset could span several XML files
			// have no file_xml column: the line alone is the key there.
			join := func(byFile bool) partyKey {
				if byFile {
					return partyKey{l.XMLFile, line}
				}
				return partyKey{"", line}
			}
			if wins != nil {
				l.Winners = wins[join(winsByFile)]
			}
			if bids != nil {
				l.Bids, l.hasBids = bids[join(bidsByFile)], true
			}
			// A stable id: the CIG, or the dataset, XML file and line when
			// the lotto has none.
			id := slugify(l.CIG)
			if id == "" || l.CIG == noCIG {
				id = slugify(d.Dataset.ID + "-" + strings.TrimSuffix(strings.ToLower(l.XMLFile), ".xml") + "-" + strconv.Itoa(l.Line))
			}
			seen[id]++
			if k := seen[id]; k > 1 {
				id += "-" + strconv.Itoa(k)
			}
			l.ID = id
			key, name, url, slug := "cf:"+l.BodyCF, cmp.Or(l.Body, l.BodyCF), "", slugify(cmp.Or(l.BodyCF, l.Body))
			if cm := m.comuneOfBody(l.BodyCF, l.Body, d.Dataset.Publisher); cm != nil {
				key, name, url, slug = "istat:"+cm.Code, cm.Name, "comuni/"+cm.Code+"/", slugify(cm.Name)
			}
			b := buyers[key]
			if b == nil {
				// A comune by its name, another body by its fiscal code.
				slug = cmp.Or(slug, "ente")
				slugs[slug]++
				if k := slugs[slug]; k > 1 {
					slug += "-" + strconv.Itoa(k)
				}
				b = &buyer{Key: key, Name: name, URL: url, Slug: slug}
				buyers[key] = b
				c.buyers = append(c.buyers, b)
			}
			if l.BodyCF != "" && !slices.Contains(b.CFs, l.BodyCF) {
				b.CFs = append(b.CFs, l.BodyCF)
			}
			b.lotti = append(b.lotti, l)
			l.group = b
			for i, wn := range slices.Concat(l.Winners, l.Bids) {
				if wn.CF == "" {
					continue
				}
				sp := c.bySupp[wn.CF]
				if sp == nil {
					sp = &supplier{CF: wn.CF, Slug: slugify(wn.CF), won: map[*lotto]bool{}}
					c.bySupp[wn.CF] = sp
					c.suppliers = append(c.suppliers, sp)
				}
				if wn.Name != "" && !slices.Contains(sp.Names, wn.Name) {
					sp.Names = append(sp.Names, wn.Name)
				}
				if !slices.Contains(sp.lotti, l) {
					sp.lotti = append(sp.lotti, l)
				}
				if i < len(l.Winners) {
					sp.won[l] = true
				}
			}
			c.lotti = append(c.lotti, l)
		}
	}
	slices.SortFunc(c.buyers, func(a, b *buyer) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	c.linkProjects(m.projects)
	m.con = c
	return c, nil
}

// partyKey joins a party to its lotto: the lotto's XML file (when the
// dataset comes from several) and its line in that file.
type partyKey struct {
	file string
	line int
}

// parties reads a related table of parties (partecipanti, aggiudicatari)
// by the XML file and line of their lotto; nil when the version has no
// such table. byFile tells whether the table has the file_xml column:
// versions stored before have the line alone.
func parties(t *catalog.Table, name string) (out map[partyKey][]winner, byFile bool) {
	var rt *catalog.Table
	for _, r := range t.Related {
		if r != nil && r.Name == name {
			rt = r
		}
	}
	if rt == nil {
		return nil, false
	}
	byFile = slices.ContainsFunc(rt.Columns, func(c catalog.Column) bool { return c.Field == "file_xml" })
	out = map[partyKey][]winner{}
	for r := range rt.Rows {
		rec, raw := record(rt, r)
		s := func(k string) string { return strings.TrimSpace(str(rec[k], raw[k])) }
		line, ok := rec["riga_xml"].(float64)
		if !ok {
			continue
		}
		p := winner{Name: s("ragione_sociale"), CF: strings.ToUpper(cmp.Or(s("codice_fiscale"), s("identificativo_fiscale_estero"))), Role: s("ruolo")}
		if g, ok := rec["raggruppamento"].(float64); ok {
			p.Group = int(g)
		}
		k := partyKey{line: int(line)}
		if byFile {
			k.file = s("file_xml")
		}
		out[k] = append(out[k], p)
	}
	return out, byFile
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// supplierURL is the page of a winner's fiscal code.
func supplierURL(cf string) string { return "contratti/fornitori/" + slugify(cf) + "/" }

func lottoURL(l *lotto) string { return "contratti/lotti/" + l.ID + "/" }

// direct reports whether the procedure is one of ANAC's direct awards
// (codes 17, 23–26, 31, 36, 39: every wording that says "affidamento
// diretto"), the ones made without a competition.
func (l *lotto) direct() bool {
	switch l.ProcCode {
	case "17", "23", "24", "25", "26", "31", "36", "39":
		return true
	}
	return strings.Contains(strings.ToUpper(l.Proc), "AFFIDAMENTO DIRETTO")
}

// overdue: the planned end is before the build's day and less than the
// amount awarded has been paid.
func (l *lotto) overdue(today time.Time) bool {
	end, err := time.Parse("2006-01-02", l.End)
	if err != nil || !l.HasAwarded {
		return false
	}
	return end.Before(today) && l.Paid < l.Awarded
}

// flag is a red flag: a test on one lotto, named and explained.
type redFlag struct {
	// key names the flag in code; slug in the address of its list.
	key, slug    string
	label, about catalog.Text
	test         func(l *lotto, today time.Time) bool
}

func flags() []redFlag {
	return []redFlag{
		{"single", "un-solo-offerente", catalog.Text{It: "Un solo offerente", En: "Single bidder"},
			catalog.Text{It: "Lotti con un solo partecipante: nessuna concorrenza sul prezzo. Non è un illecito, ma se capita spesso vale la pena chiedere perché.",
				En: "Lots with only one bidder: no competition on price. It is not wrongdoing in itself, but when it happens often it is worth asking why."},
			func(l *lotto, _ time.Time) bool { return l.bidders() == 1 }},
		{"direct", "affidamenti-diretti", catalog.Text{It: "Affidamenti diretti", En: "Direct awards"},
			catalog.Text{It: "Lotti assegnati con affidamento diretto, cioè senza gara: la legge lo permette sotto certe soglie; una quota alta merita attenzione.",
				En: "Lots awarded directly, without a tender: the law allows it below certain thresholds; a high share deserves attention."},
			func(l *lotto, _ time.Time) bool { return l.direct() }},
		{"overpaid", "pagato-oltre-aggiudicato", catalog.Text{It: "Pagato più dell'aggiudicato", En: "Paid above awarded"},
			catalog.Text{It: "Lotti per cui le somme pagate superano l'importo aggiudicato: può dipendere da varianti o da errori nel file.",
				En: "Lots where the sums paid exceed the amount awarded: it may come from variations or from mistakes in the file."},
			func(l *lotto, _ time.Time) bool { return l.HasPaid && l.HasAwarded && l.Paid > l.Awarded }},
		{"nowinner", "senza-aggiudicatario", catalog.Text{It: "Importo senza aggiudicatario", En: "Awarded with no winner"},
			catalog.Text{It: "Lotti con un importo aggiudicato ma nessun aggiudicatario nel file: non si sa a chi vanno i soldi.",
				En: "Lots with an amount awarded but no winner in the file: one cannot tell who gets the money."},
			func(l *lotto, _ time.Time) bool { return l.HasAwarded && l.Awarded > 0 && len(l.Winners) == 0 }},
		{"overdue", "in-ritardo", catalog.Text{It: "In ritardo", En: "Overdue"},
			catalog.Text{It: "Lotti la cui data di ultimazione è passata, alla data di costruzione del portale, ma con pagamenti inferiori all'importo aggiudicato.",
				En: "Lots whose completion date had passed on the day the portal was built, but with less paid than awarded."},
			func(l *lotto, today time.Time) bool { return l.overdue(today) }},
	}
}

// totals sums lotti: how many, the amounts awarded and paid.
type totals struct {
	Count         int
	Awarded, Paid float64
}

func sumLotti(ls []*lotto) totals {
	var t totals
	for _, l := range ls {
		t.Count++
		t.Awarded += l.Awarded
		t.Paid += l.Paid
	}
	return t
}

// hasContracts reports whether the catalog publishes a contracts dataset:
// only then does the menu link to the section.
func hasContracts(b *catalog.Build) bool {
	for i := range b.Datasets {
		d := &b.Datasets[i]
		if d.Dataset.Schema == l190Schema && published(d) {
			return true
		}
	}
	return false
}

// comuneOfBody finds the comune of the registry behind a contracting body:
// the dataset's publisher when it is a comune, else the body's name when
// it reads "Comune di <a registry name>" and its fiscal code was issued in
// the portal's province (digits 8 to 10 of a body's code). The name alone
// is a trap: "COMUNE DI LIVO" is also a comune of Trento, and bodies of
// Lecco still carry codes issued in Como under names Como's registry lacks.
func (m *model) comuneOfBody(cf, name, publisher string) *comune {
	if c := m.byCode[publisher]; c != nil {
		return c
	}
	prov := m.b.Portal.Publisher.ISTAT
	if len(cf) != 11 || len(prov) != 3 || cf[7:10] != prov {
		return nil
	}
	up := strings.ToUpper(strings.TrimSpace(name))
	if !strings.HasPrefix(up, "COMUNE DI ") {
		return nil
	}
	want := slugify(up[len("COMUNE DI "):])
	if m.bySlug == nil {
		m.bySlug = map[string]*comune{}
		for i := range m.comuni {
			m.bySlug[slugify(m.comuni[i].Name)] = &m.comuni[i]
		}
	}
	return m.bySlug[want]
}

// loadAhead reads the tables of ds in the background, up to ahead of them
// before the one next returns, in order: a Province's ten years are 1,500
// tables whose decoding is most of the time the contracts take to lay out.
// stop ends the reading when the caller stops early.
func loadAhead(ds []*catalog.DatasetState, ahead int) (next func() (*catalog.Table, error), stop func()) {
	type loaded struct {
		t   *catalog.Table
		err error
	}
	results := make([]chan loaded, len(ds))
	for i := range results {
		results[i] = make(chan loaded, 1)
	}
	slots := make(chan struct{}, ahead)
	done := make(chan struct{})
	go func() {
		for i, d := range ds {
			select {
			case slots <- struct{}{}:
			case <-done:
				return
			}
			go func() {
				t, err := d.Content()
				results[i] <- loaded{t, err}
			}()
		}
	}()
	i := 0
	next = func() (*catalog.Table, error) {
		r := <-results[i]
		i++
		<-slots
		return r.t, r.err
	}
	var once sync.Once
	return next, func() { once.Do(func() { close(done) }) }
}
