package ocds

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // ANAC dates are Italian dates, on any machine

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// The field names of pipeline/ingest/l190's tables.
const (
	fieldLotto                   = "lotto"
	fieldCIG                     = "cig"
	fieldCodiceFiscaleProp       = "codice_fiscale_prop"
	fieldDenominazione           = "denominazione"
	fieldOggetto                 = "oggetto"
	fieldSceltaContraente        = "scelta_contraente"
	fieldImportoAggiudicazione   = "importo_aggiudicazione"
	fieldDataInizio              = "data_inizio"
	fieldDataUltimazione         = "data_ultimazione"
	fieldImportoSommeLiquidate   = "importo_somme_liquidate"
	fieldAnnoRiferimento         = "anno_riferimento"
	fieldRaggruppamento          = "raggruppamento"
	fieldRuolo                   = "ruolo"
	fieldCodiceFiscale           = "codice_fiscale"
	fieldIdentificativoEstero    = "identificativo_fiscale_estero"
	fieldRagioneSociale          = "ragione_sociale"
	fieldDataPubblicazione       = "data_pubblicazione"
	fieldEntePubblicatore        = "ente_pubblicatore"
	fieldDataUltimoAggiornamento = "data_ultimo_aggiornamento"
)

// FieldNames lists the fields read, for a test that keeps them equal to
// the reader's.
func FieldNames() []string {
	return []string{fieldLotto, fieldCIG, fieldCodiceFiscaleProp, fieldDenominazione, fieldOggetto,
		fieldSceltaContraente, fieldImportoAggiudicazione, fieldDataInizio, fieldDataUltimazione,
		fieldImportoSommeLiquidate, fieldAnnoRiferimento, fieldRaggruppamento, fieldRuolo,
		fieldCodiceFiscale, fieldIdentificativoEstero, fieldRagioneSociale, fieldDataPubblicazione,
		fieldEntePubblicatore, fieldDataUltimoAggiornamento}
}

// Version is the OCDS version the packages declare.
const Version = "1.1"

// PackageSchema is the release package schema the packages follow (the
// one in ../shared/reference/ocds), for catalogs that say so.
const PackageSchema = "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json"

// MediaType is the media type of a package.
const MediaType = "application/json"

// MemberOfExtension is the extension that adds Organization.memberOf, used
// for the members of a grouping.
const MemberOfExtension = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_memberOf_extension/master/extension.json"

// File is one L. 190 dataset file as tables. Partecipanti and
// Aggiudicatari may be nil.
type File struct {
	Metadata      *catalog.Table
	Lotti         *catalog.Table
	Partecipanti  *catalog.Table
	Aggiudicatari *catalog.Table
}

// Options are the portal's settings for the packages.
type Options struct {
	// Prefix is the ocid prefix registered with the Open Contracting
	// Partnership ("ocds-abc123"); required.
	Prefix string
	// BaseURL, when set, is the absolute URL of the folder where the
	// packages are published: a package's uri is BaseURL + "/" + its Name.
	BaseURL string
	// Published is the package's publishedDate: pass the time the data were
	// accepted, not the clock, so that the same data give the same bytes.
	Published time.Time
}

// Package is one release package.
type Package struct {
	// Body is the contracting body's fiscal code, "ND" when unknown.
	Body string
	// Year is the reference year (annoRiferimento), 0 when unknown.
	Year int
	// Name is the file name: "ocds-" + Body + "-" + year + ".json".
	Name string
	// Releases is the number of releases (lotti).
	Releases int
	// JSON is the package: its head, then one release a line.
	JSON []byte
}

// Build writes the packages of files, sorted by body and year; the
// releases of a package are in file order, files in the order given.
func Build(files []File, opt Options) ([]Package, error) {
	if strings.TrimSpace(opt.Prefix) == "" {
		return nil, errors.New("ocds: the ocid prefix is not set")
	}
	if opt.Published.IsZero() {
		return nil, errors.New("ocds: the publication time is not set")
	}
	if opt.BaseURL != "" {
		if u, err := url.Parse(opt.BaseURL); err != nil || !u.IsAbs() || u.Host == "" {
			return nil, fmt.Errorf("ocds: the base URL %q is not an absolute URL", opt.BaseURL)
		}
	}
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return nil, fmt.Errorf("ocds: %w", err)
	}
	b := &builder{opt: opt, rome: rome, groups: map[groupKey]*group{}}
	for i, f := range files {
		if err := b.file(f); err != nil {
			return nil, fmt.Errorf("ocds: file %d: %w", i+1, err)
		}
	}
	keys := make([]groupKey, 0, len(b.groups))
	for k := range b.groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].body != keys[j].body {
			return keys[i].body < keys[j].body
		}
		return keys[i].year < keys[j].year
	})
	out := make([]Package, 0, len(keys))
	for _, k := range keys {
		g := b.groups[k]
		name := fmt.Sprintf("ocds-%s-%04d.json", fileSafe(k.body), k.year)
		head := packageHead{
			PublishedDate: opt.Published.UTC().Format(time.RFC3339),
			Publisher:     g.publisher,
			Version:       Version,
		}
		if opt.BaseURL != "" {
			head.URI = strings.TrimRight(opt.BaseURL, "/") + "/" + name
		}
		if g.members {
			head.Extensions = []string{MemberOfExtension}
		}
		data, err := encode(head, g.releases)
		if err != nil {
			return nil, fmt.Errorf("ocds: %s: %w", name, err)
		}
		out = append(out, Package{Body: k.body, Year: k.year, Name: name, Releases: len(g.releases), JSON: data})
	}
	return out, nil
}

// encode writes the package with one release a line: compact, yet a
// change to a lotto is a change to one line.
func encode(head packageHead, releases []*release) ([]byte, error) {
	var buf bytes.Buffer
	h, err := marshal(head)
	if err != nil {
		return nil, err
	}
	buf.Write(h[:len(h)-1]) // without the closing brace
	buf.WriteString(`,"releases":[`)
	for i, r := range releases {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
		b, err := marshal(r)
		if err != nil {
			return nil, err
		}
		buf.Write(b)
	}
	buf.WriteString("\n]}\n")
	return buf.Bytes(), nil
}

// marshal is json.Marshal without escaping <, > and &, which names and
// objects are full of.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

type groupKey struct {
	body string
	year int
}

// group is a package being built.
type group struct {
	publisher publisher
	releases  []*release
	members   bool           // a party has memberOf
	seen      map[string]int // ocid -> releases so far, for release ids
	objects   map[string]int // hash of a lotto without CIG -> lotti so far
}

type builder struct {
	opt    Options
	rome   *time.Location
	groups map[groupKey]*group
}

// columns finds the index of each field of a table; -1 when absent.
type columns map[string]int

func columnsOf(t *catalog.Table) columns {
	c := columns{}
	if t == nil {
		return c
	}
	for i, col := range t.Columns {
		if col.Field != "" {
			c[col.Field] = i
		}
	}
	return c
}

func (c columns) cell(r catalog.Row, field string) catalog.Cell {
	i, ok := c[field]
	if !ok || i >= len(r.Cells) {
		return catalog.Cell{}
	}
	return r.Cells[i]
}

// text is a cell's text value, trimmed, "" when missing.
func (c columns) text(r catalog.Row, field string) string {
	s, _ := c.cell(r, field).Value.(string)
	return strings.TrimSpace(s)
}

// number is a cell's number, when it was read as one.
func (c columns) number(r catalog.Row, field string) (float64, bool) {
	cell := c.cell(r, field)
	f, ok := cell.Value.(float64)
	return f, ok && cell.Problem == ""
}

// date is a cell's date ("2006-01-02", read without a problem).
func (c columns) date(r catalog.Row, field string) (time.Time, bool) {
	cell := c.cell(r, field)
	s, ok := cell.Value.(string)
	if !ok || cell.Problem != "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// partyRow is a bidder or winner row.
type partyRow struct {
	group int // 0 alone
	role  string
	cf    string
	est   string
	name  string
}

func (b *builder) file(f File) error {
	if f.Lotti == nil {
		return errors.New("no lotti table")
	}
	lc := columnsOf(f.Lotti)
	if _, ok := lc[fieldLotto]; !ok {
		return fmt.Errorf("the lotti table has no %q column", fieldLotto)
	}
	// The file's dates and publisher.
	var updated time.Time
	var ente string
	if f.Metadata != nil && len(f.Metadata.Rows) > 0 {
		mc, m := columnsOf(f.Metadata), f.Metadata.Rows[0]
		if d, ok := mc.date(m, fieldDataUltimoAggiornamento); ok {
			updated = d
		} else if d, ok := mc.date(m, fieldDataPubblicazione); ok {
			updated = d
		}
		ente = mc.text(m, fieldEntePubblicatore)
	}
	fileDate := b.opt.Published.UTC().Format(time.RFC3339)
	if !updated.IsZero() {
		fileDate = b.day(updated)
	}
	bidders, err := partiesByLotto(f.Partecipanti)
	if err != nil {
		return fmt.Errorf("partecipanti: %w", err)
	}
	winners, err := partiesByLotto(f.Aggiudicatari)
	if err != nil {
		return fmt.Errorf("aggiudicatari: %w", err)
	}
	for _, r := range f.Lotti.Rows {
		n, ok := lc.number(r, fieldLotto)
		if !ok {
			return fmt.Errorf("row at line %d: no lotto number", r.Line)
		}
		body := normCode(lc.text(r, fieldCodiceFiscaleProp))
		if body == "" {
			body = "ND"
		}
		year := 0
		if y, ok := lc.number(r, fieldAnnoRiferimento); ok && y >= 0 && y < 10000 {
			year = int(y)
		}
		k := groupKey{body, year}
		g := b.groups[k]
		if g == nil {
			g = &group{seen: map[string]int{}, objects: map[string]int{}}
			if body == "ND" {
				g.publisher = publisher{Name: ente}
			} else {
				g.publisher = publisher{Name: lc.text(r, fieldDenominazione), Scheme: "IT-CF", UID: body}
			}
			if g.publisher.Name == "" {
				g.publisher.Name = body
			}
			b.groups[k] = g
		}
		rel := b.release(g, k, lc, r, fileDate, bidders[int(n)], winners[int(n)])
		g.releases = append(g.releases, rel)
	}
	return nil
}

func partiesByLotto(t *catalog.Table) (map[int][]partyRow, error) {
	out := map[int][]partyRow{}
	if t == nil {
		return out, nil
	}
	c := columnsOf(t)
	if _, ok := c[fieldLotto]; !ok {
		return nil, fmt.Errorf("no %q column", fieldLotto)
	}
	for _, r := range t.Rows {
		n, ok := c.number(r, fieldLotto)
		if !ok {
			return nil, fmt.Errorf("row at line %d: no lotto number", r.Line)
		}
		p := partyRow{
			role: c.text(r, fieldRuolo),
			cf:   normCode(c.text(r, fieldCodiceFiscale)),
			est:  normCode(c.text(r, fieldIdentificativoEstero)),
			name: collapse(c.text(r, fieldRagioneSociale)),
		}
		if g, ok := c.number(r, fieldRaggruppamento); ok {
			p.group = int(g)
		}
		out[int(n)] = append(out[int(n)], p)
	}
	return out, nil
}

// day writes an ANAC date as midnight in Italy.
func (b *builder) day(d time.Time) string {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, b.rome).Format(time.RFC3339)
}

func (b *builder) release(g *group, k groupKey, lc columns, r catalog.Row, date string, bidders, winners []partyRow) *release {
	cig := normCode(lc.text(r, fieldCIG))
	oggetto := lc.text(r, fieldOggetto)
	var ocid string
	if cig == "" || strings.Trim(cig, "0") == "" {
		h := hash(k.body + "\x00" + strings.ToUpper(collapse(oggetto)))[:12]
		g.objects[h]++
		ocid = b.opt.Prefix + "-NOCIG-" + h + suffix(g.objects[h])
	} else {
		ocid = b.opt.Prefix + "-" + cig
	}
	g.seen[ocid]++
	rel := &release{
		OCID:           ocid,
		ID:             fmt.Sprintf("l190-%s-%04d", k.body, k.year) + suffix(g.seen[ocid]),
		Date:           date,
		Tag:            []string{"tender"},
		InitiationType: "tender",
		Language:       "it",
	}
	ps := &parties{byID: map[string]*party{}}

	// The buyer.
	name := lc.text(r, fieldDenominazione)
	var buyer *party
	if k.body != "ND" {
		buyer = ps.add(codeParty(k.body, "", name), "buyer")
	} else {
		buyer = ps.add(codeParty("", "", name), "buyer")
	}
	rel.Buyer = buyer.ref()

	// The tender.
	t := &tender{ID: ocid, Title: oggetto}
	if cig != "" && strings.Trim(cig, "0") != "" {
		t.ID = cig
	}
	proc := lc.text(r, fieldSceltaContraente)
	t.ProcurementMethod = method(proc)
	t.ProcurementMethodDetails = proc
	tenderers := ps.list(bidders, "tenderer", g)
	for _, p := range tenderers {
		t.Tenderers = append(t.Tenderers, p.ref())
	}
	if len(tenderers) > 0 {
		n := len(tenderers)
		t.NumberOfTenderers = &n
	}
	rel.Tender = t

	// The award and the contract.
	suppliers := ps.list(winners, "supplier", g)
	awarded, hasAwarded := lc.number(r, fieldImportoAggiudicazione)
	if len(suppliers) > 0 || (hasAwarded && awarded > 0) {
		a := &award{ID: ocid + "-aggiudicazione"}
		for _, p := range suppliers {
			a.Suppliers = append(a.Suppliers, p.ref())
		}
		if hasAwarded {
			a.Value = &value{Amount: awarded, Currency: "EUR"}
		}
		rel.Awards = []*award{a}
		rel.Tag = append(rel.Tag, "award")

		start, hasStart := lc.date(r, fieldDataInizio)
		end, hasEnd := lc.date(r, fieldDataUltimazione)
		// ANAC's amount paid is always there, 0 when nothing was paid: it
		// alone does not tell that a contract began.
		paid, hasPaid := lc.number(r, fieldImportoSommeLiquidate)
		hasPaid = hasPaid && paid > 0
		if hasStart || hasEnd || hasPaid {
			c := &contract{ID: ocid + "-contratto", AwardID: a.ID, Value: a.Value}
			if hasStart || hasEnd {
				c.Period = &period{}
				if hasStart {
					c.Period.StartDate = b.day(start)
				}
				if hasEnd {
					c.Period.EndDate = b.day(end)
				}
			}
			rel.Contracts = []*contract{c}
			rel.Tag = append(rel.Tag, "contract")
			if hasPaid {
				tr := transaction{ID: ocid + "-somme-liquidate", Date: date, Value: value{Amount: paid, Currency: "EUR"}, Payer: buyer.ref()}
				if len(suppliers) == 1 {
					tr.Payee = suppliers[0].ref()
				}
				c.Implementation = &implementation{Transactions: []transaction{tr}}
				rel.Tag = append(rel.Tag, "implementation")
			}
		}
	}
	rel.Parties = ps.order
	return rel
}

func suffix(n int) string {
	if n <= 1 {
		return ""
	}
	return "-" + strconv.Itoa(n)
}

// parties are the parties of one release, by id, in order of appearance.
type parties struct {
	byID  map[string]*party
	order []*party
}

func (ps *parties) add(p *party, role string) *party {
	if q, ok := ps.byID[p.ID]; ok {
		q.addRole(role)
		return q
	}
	p.addRole(role)
	ps.byID[p.ID] = p
	ps.order = append(ps.order, p)
	return p
}

// list adds the parties of a list of bidders or winners with role and
// returns the tenderers or suppliers: parties alone and groupings.
// A party listed twice (the same bidder twice in a file) is one tenderer:
// the schema wants the references unique.
func (ps *parties) list(rows []partyRow, role string, g *group) []*party {
	var out []*party
	listed := map[string]bool{}
	for i := 0; i < len(rows); {
		r := rows[i]
		var p *party
		if r.group == 0 {
			p = ps.add(codeParty(r.cf, r.est, r.name), role)
			i++
		} else {
			j := i
			for j < len(rows) && rows[j].group == r.group {
				j++
			}
			p = ps.grouping(rows[i:j], role)
			g.members = true
			i = j
		}
		if !listed[p.ID] {
			listed[p.ID] = true
			out = append(out, p)
		}
	}
	return out
}

// grouping adds a grouping and its members.
func (ps *parties) grouping(rows []partyRow, role string) *party {
	members := make([]*party, len(rows))
	ids := make([]string, len(rows))
	names := make([]string, len(rows))
	for i, r := range rows {
		members[i] = codeParty(r.cf, r.est, r.name)
		ids[i] = members[i].ID
		names[i] = members[i].Name
		if names[i] == "" {
			names[i] = ids[i]
		}
	}
	sorted := append([]string(nil), ids...)
	sort.Strings(sorted)
	gp := &party{
		ID:      "raggruppamento-" + hash(strings.Join(sorted, "\x00"))[:12],
		Name:    "Raggruppamento: " + strings.Join(names, " / "),
		Details: &details{Raggruppamento: true},
	}
	gp = ps.add(gp, role)
	for i, m := range members {
		m = ps.add(m, "")
		m.memberOf(gp.ref(), rows[i].role)
	}
	return gp
}

// codeParty makes a party from a fiscal code, a foreign identifier or a
// name, in that order of preference.
func codeParty(cf, est, name string) *party {
	p := &party{Name: name}
	switch {
	case cf != "":
		p.ID = "IT-CF-" + cf
		p.Identifier = &identifier{Scheme: "IT-CF", ID: cf, LegalName: name}
	case est != "":
		p.ID = "estero-" + est
		p.Identifier = &identifier{ID: est, LegalName: name}
	default:
		p.ID = "nome-" + hash(strings.ToUpper(name))[:12]
		if name != "" {
			p.Identifier = &identifier{LegalName: name}
		}
	}
	return p
}

// fileSafe keeps a code that the checks would refuse ("AB/12") from
// making a path of a file name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, s)
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// normCode trims a code and puts it in upper case.
func normCode(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
