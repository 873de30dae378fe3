// Package dcat writes the portal's catalog in the DCAT-AP_IT profile that
// dati.gov.it harvests: catalog.rdf (RDF/XML), catalog.ttl (Turtle) and
// catalog.jsonld (JSON-LD) at the root of the portal, always the same
// triples, and datasets/<id>/<id>.rdf with the part about one dataset.
//
// Every accepted version of a dataset is listed as distributions of the
// dataset, with its permanent address (datasets/<id>/<version>/...), beside
// the distributions of the latest version. Versions are not separate
// dcat:Dataset resources linked by dcat:hasVersion: the CKAN harvester of
// dati.gov.it turns every dcat:Dataset it finds into a catalog entry, so
// each version would show up as a dataset of its own, while distributions
// show up as the dataset's downloadable files, which is what a reader
// looking for the file of a given date needs.
package dcat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/config"
	"github.com/provincia-como/opendata/pipeline/export"
	"github.com/provincia-como/opendata/pipeline/export/dcat/rdf"
	"github.com/provincia-como/opendata/pipeline/export/ocds"
)

// Namespaces of the vocabularies the catalog uses.
const (
	DCAT     = "http://www.w3.org/ns/dcat#"
	DCT      = "http://purl.org/dc/terms/"
	DCATAPIT = "http://dati.gov.it/onto/dcatapit#"
	FOAF     = "http://xmlns.com/foaf/0.1/"
	VCARD    = "http://www.w3.org/2006/vcard/ns#"
	SKOS     = "http://www.w3.org/2004/02/skos/core#"
	LOCN     = "http://www.w3.org/ns/locn#"
	SPDX     = "http://spdx.org/rdf/terms#"
	OWL      = "http://www.w3.org/2002/07/owl#"
	SCHEMA   = "http://schema.org/"
)

// Controlled vocabularies of the EU Publications Office.
const (
	ThemeScheme = "http://publications.europa.eu/resource/authority/data-theme"
	themeBase   = ThemeScheme + "/"
	frequency   = "http://publications.europa.eu/resource/authority/frequency/"
	fileType    = "http://publications.europa.eu/resource/authority/file-type/"
	language    = "http://publications.europa.eu/resource/authority/language/"
	ianaMedia   = "https://www.iana.org/assignments/media-types/"
)

// Prefixes lists the prefixes the Turtle, RDF/XML and JSON-LD files use.
func Prefixes() []rdf.Prefix {
	return []rdf.Prefix{
		{Name: "dcatapit", NS: DCATAPIT}, {Name: "dcat", NS: DCAT}, {Name: "dct", NS: DCT},
		{Name: "foaf", NS: FOAF}, {Name: "vcard", NS: VCARD}, {Name: "skos", NS: SKOS},
		{Name: "locn", NS: LOCN}, {Name: "spdx", NS: SPDX}, {Name: "owl", NS: OWL},
		{Name: "schema", NS: SCHEMA}, {Name: "xsd", NS: rdf.XSDNS},
	}
}

// Published reports whether a dataset goes into the catalog: it needs a
// published version to offer, and an example dataset is not real data to
// send to the national catalogue.
func Published(st *catalog.DatasetState) bool {
	return st.Current != nil && !st.Dataset.Example && len(latest(st)) > 0
}

// fileCode returns the EU file-type code of a download format offered as
// a distribution; false for the other downloads (schema, report).
func fileCode(format string) (string, bool) {
	switch format {
	case "csv", "json", "xlsx":
		return strings.ToUpper(format), true
	}
	return "", false
}

// latest returns the downloads of the published version.
func latest(st *catalog.DatasetState) []catalog.Download {
	var out []catalog.Download
	for _, d := range st.Downloads {
		if _, ok := fileCode(d.Format); ok && d.Version == "" {
			out = append(out, d)
		}
	}
	return out
}

// DatasetIRI is the IRI of a dataset: its page on the portal, as CKAN
// names datasets.
func DatasetIRI(baseURL, id string) string { return base(baseURL) + "datasets/" + id + "/" }

func base(u string) string {
	if !strings.HasSuffix(u, "/") {
		return u + "/"
	}
	return u
}

func date(t time.Time) rdf.Term { return rdf.NewTyped(t.UTC().Format(time.DateOnly), rdf.XSDDate) }

// builder collects the triples of the catalog.
type builder struct {
	g      rdf.Graph
	b      *catalog.Build
	base   string
	places map[string]place
}

type place struct{ name, cadastral string }

func (x *builder) add(s rdf.Term, p string, o rdf.Term) { x.g.Add(s, rdf.NewIRI(p), o) }

func (x *builder) text(s rdf.Term, p string, t catalog.Text) {
	if t.It != "" {
		x.add(s, p, rdf.NewLang(t.It, "it"))
	}
	if t.En != "" {
		x.add(s, p, rdf.NewLang(t.En, "en"))
	}
}

func (x *builder) typ(s rdf.Term, types ...string) {
	for _, t := range types {
		x.add(s, rdf.RDFType, rdf.NewIRI(t))
	}
}

// Graph returns the triples of the catalog of a build.
func Graph(b *catalog.Build) (rdf.Graph, error) {
	p := b.Portal
	if p.BaseURL == "" || p.Publisher.IPA == "" {
		return nil, errors.New("dcat: the portal needs base_url and publisher.ipa")
	}
	x := &builder{b: b, base: base(p.BaseURL), places: places(b)}
	cat := rdf.NewIRI(x.base)
	x.typ(cat, DCATAPIT+"Catalog", DCAT+"Catalog")
	x.text(cat, DCT+"title", p.Title)
	x.text(cat, DCT+"description", p.Description)
	x.add(cat, DCT+"publisher", x.agent(p.Publisher.IPA, p.Publisher.Name))
	// The catalog's IRI is its home page on the portal, so that it opens
	// in a browser: the same resource is the catalog and its home page,
	// which DCAT-AP_IT wants typed foaf:Document.
	x.add(cat, FOAF+"homepage", x.document(x.base))
	x.add(cat, DCAT+"themeTaxonomy", x.themeTaxonomy())
	langs := p.Languages
	if len(langs) == 0 {
		langs = []string{"it"}
	}
	for _, l := range langs {
		if code := map[string]string{"it": "ITA", "en": "ENG"}[l]; code != "" {
			x.add(cat, DCT+"language", x.language(code))
		}
	}
	// The catalog changes when a dataset does: its dates are those of the
	// oldest and the newest version it offers, so that an unchanged portal
	// gives unchanged files.
	var issued, modified time.Time
	for i := range b.Datasets {
		st := &b.Datasets[i]
		if !Published(st) {
			continue
		}
		ds, err := x.dataset(st)
		if err != nil {
			return nil, err
		}
		x.add(cat, DCAT+"dataset", ds)
		if st.Current.Accepted.After(modified) {
			modified = st.Current.Accepted
		}
		if first := firstIssued(st); issued.IsZero() || first.Before(issued) {
			issued = first
		}
	}
	if modified.IsZero() {
		issued, modified = b.Generated, b.Generated
	}
	x.add(cat, DCT+"issued", date(issued))
	x.add(cat, DCT+"modified", date(modified))
	return x.g.Sorted(), nil
}

// firstIssued is when the dataset was first published: the date of its
// oldest accepted version.
func firstIssued(st *catalog.DatasetState) time.Time {
	if n := len(st.History); n > 0 && !st.History[n-1].Accepted.IsZero() {
		return st.History[n-1].Accepted
	}
	return st.Current.Accepted
}

// document is a web page of the portal.
func (x *builder) document(iri string) rdf.Term {
	d := rdf.NewIRI(iri)
	x.typ(d, FOAF+"Document")
	return d
}

// concept adds a term of a controlled vocabulary with its class, so that
// a validator that does not load the vocabulary still finds the class the
// profile asks for.
func (x *builder) concept(iri string, types ...string) rdf.Term {
	c := rdf.NewIRI(iri)
	x.typ(c, types...)
	return c
}

func (x *builder) language(code string) rdf.Term {
	return x.concept(language+code, DCT+"LinguisticSystem")
}

func (x *builder) themeTaxonomy() rdf.Term {
	s := x.concept(ThemeScheme, SKOS+"ConceptScheme")
	x.text(s, DCT+"title", catalog.Text{It: "Vocabolario dei temi dei dati (EU Data Theme)", En: "Data Theme Vocabulary"})
	return s
}

// theme is a theme of the EU vocabulary, with its names.
func (x *builder) theme(code string) rdf.Term {
	t := x.concept(themeBase+code, SKOS+"Concept")
	x.add(t, SKOS+"inScheme", x.themeTaxonomy())
	x.text(t, SKOS+"prefLabel", themeLabel(code))
	return t
}

// places reads the names and cadastral codes of the comuni from the
// registry dataset of the build.
func places(b *catalog.Build) map[string]place {
	out := map[string]place{}
	for _, st := range b.Datasets {
		if st.Dataset.Schema != catalog.RegistrySchema {
			continue
		}
		t, err := st.Content()
		if err != nil || t == nil {
			continue
		}
		code, name, cad := t.ColumnOf("codice_istat"), t.ColumnOf("denominazione"), t.ColumnOf("codice_catastale")
		if code < 0 {
			continue
		}
		for _, row := range t.Rows {
			c, _ := row.Cells[code].Value.(string)
			if c == "" {
				continue
			}
			var pl place
			if name >= 0 {
				pl.name, _ = row.Cells[name].Value.(string)
			}
			if cad >= 0 {
				pl.cadastral, _ = row.Cells[cad].Value.(string)
			}
			out[c] = pl
		}
	}
	return out
}

// agent describes an administration by its IPA code. DCAT-AP_IT wants
// exactly one foaf:name, the official name in the Indice PA: the Italian
// one.
func (x *builder) agent(ipa string, name catalog.Text) rdf.Term {
	a := rdf.NewIRI(x.base + "#org-" + ipa)
	x.typ(a, DCATAPIT+"Agent", FOAF+"Agent")
	x.add(a, FOAF+"name", rdf.NewLang(name.It, "it"))
	x.add(a, DCT+"identifier", rdf.NewString(ipa))
	return a
}

// holder is the administration that owns a dataset: the portal's own
// publisher, or the comune with the ISTAT code the dataset names. The IPA
// code of a comune is "c_" and its cadastral code, as the Indice PA
// assigns them.
func (x *builder) holder(code string) rdf.Term {
	pub := x.b.Portal.Publisher
	if code == pub.ISTAT || code == "" {
		return x.agent(pub.IPA, pub.Name)
	}
	pl := x.places[code]
	ipa := "istat_" + code
	if pl.cadastral != "" {
		ipa = "c_" + strings.ToLower(pl.cadastral)
	}
	name := catalog.Text{It: "Comune " + code, En: "Municipality " + code}
	if pl.name != "" {
		name = catalog.Text{It: "Comune di " + pl.name, En: "Municipality of " + pl.name}
	}
	return x.agent(ipa, name)
}

// spatial is the place a dataset covers: the territory of its publisher.
// The place has no dcatapit:geographicalIdentifier: that wants the IRI of
// the place in a gazetteer (GeoNames, the EU places list), which the
// registry of comuni does not give; the ISTAT code is its dct:identifier.
// Nor has it a locn:geometry: the build holds no boundaries.
func (x *builder) spatial(code string) rdf.Term {
	pub := x.b.Portal.Publisher
	if code == "" {
		code = pub.ISTAT
	}
	loc := rdf.NewIRI(x.base + "#istat-" + code)
	x.typ(loc, DCT+"Location")
	x.add(loc, DCT+"identifier", rdf.NewString(code))
	name := x.places[code].name
	if code == pub.ISTAT {
		name = pub.Name.It
	}
	if name != "" {
		x.add(loc, SKOS+"prefLabel", rdf.NewLang(name, "it"))
		x.add(loc, LOCN+"geographicName", rdf.NewLang(name, "it"))
	}
	return loc
}

// contact is the office that answers about the data. It has no
// vcard:hasTelephone (portal.yaml holds no number) and no vcard:hasURL
// (DCAT-AP_IT asks for a contact page or form, not the home page of the
// administration, and the portal has neither).
func (x *builder) contact() rdf.Term {
	pub := x.b.Portal.Publisher
	c := rdf.NewIRI(x.base + "#contact")
	x.typ(c, DCATAPIT+"Organization", VCARD+"Organization", VCARD+"Kind")
	// config fills Contact in; a build made otherwise still needs the
	// mandatory name.
	name := pub.Contact
	if name == "" {
		name = pub.Name.It
	}
	x.add(c, VCARD+"fn", rdf.NewString(name))
	if pub.Email != "" {
		x.add(c, VCARD+"hasEmail", rdf.NewIRI("mailto:"+pub.Email))
	}
	return c
}

func (x *builder) license(id string) (rdf.Term, error) {
	if id == "" {
		id = x.b.Portal.License
	}
	uri, name, ok := config.License(id)
	if !ok {
		return rdf.Term{}, fmt.Errorf("dcat: unknown licence %q", id)
	}
	l := rdf.NewIRI(uri)
	x.typ(l, DCATAPIT+"LicenseDocument", DCT+"LicenseDocument")
	facts, ok := licences()[uri]
	if !ok {
		// A licence config knows but this table does not: say what we can.
		x.add(l, FOAF+"name", rdf.NewString(name))
		return l, nil
	}
	x.text(l, FOAF+"name", facts.name)
	x.add(l, OWL+"versionInfo", rdf.NewString(facts.version))
	x.add(l, DCATAPIT+"referenceDoc", rdf.NewTyped(facts.doc, rdf.XSDNS+"anyURI"))
	typ := x.concept(facts.typ, SKOS+"Concept")
	x.text(typ, SKOS+"prefLabel", licenceTypeLabel(facts.typ))
	x.add(l, DCT+"type", typ)
	return l, nil
}

func (x *builder) dataset(st *catalog.DatasetState) (rdf.Term, error) {
	d := st.Dataset
	page := DatasetIRI(x.base, d.ID)
	ds := rdf.NewIRI(page)
	x.typ(ds, DCATAPIT+"Dataset", DCAT+"Dataset")
	x.add(ds, DCT+"identifier", rdf.NewString(x.b.Portal.Publisher.IPA+":"+d.ID))
	x.text(ds, DCT+"title", d.Title)
	x.text(ds, DCT+"description", d.Description)
	x.add(ds, DCT+"modified", date(st.Current.Accepted))
	x.add(ds, DCT+"issued", date(firstIssued(st)))
	x.add(ds, OWL+"versionInfo", rdf.NewString(st.Current.ID))
	// config requires theme and frequency; an empty one would be a build
	// made by hand, which gets no made-up value. No dcatapit:subTheme nor
	// dct:subject: catalog files give the EU theme only, not a EuroVoc
	// sub-theme.
	if d.Theme != "" {
		x.add(ds, DCAT+"theme", x.theme(d.Theme))
	}
	if d.Frequency != "" {
		x.add(ds, DCT+"accrualPeriodicity", x.concept(frequency+d.Frequency, DCT+"Frequency"))
	}
	pub := x.b.Portal.Publisher
	x.add(ds, DCT+"publisher", x.agent(pub.IPA, pub.Name))
	x.add(ds, DCT+"rightsHolder", x.holder(d.Publisher))
	// No dct:creator: the catalog knows who owns and who publishes a
	// dataset, not who made the data (the provenance is free text, such
	// as "Italia Domani" or "ISTAT", with no IPA code to name an agent by).
	x.add(ds, DCAT+"contactPoint", x.contact())
	x.add(ds, DCT+"spatial", x.spatial(d.Publisher))
	// The dataset's IRI is its page on the portal: it is its own landing
	// page, a foaf:Document.
	x.add(ds, DCAT+"landingPage", x.document(page))
	// The data are in Italian (column names, values) whatever the
	// languages of the portal.
	x.add(ds, DCT+"language", x.language("ITA"))
	for _, k := range d.Keywords {
		x.add(ds, DCAT+"keyword", rdf.NewLang(k, "it"))
	}
	if d.Temporal != nil && d.Temporal.Start != "" {
		x.add(ds, DCT+"temporal", x.period(page, *d.Temporal))
	}
	if std, ok := x.standard(st); ok {
		x.add(ds, DCT+"conformsTo", std)
	}
	// No adms:identifier: a dataset of the portal has no identifier in
	// another scheme (DOI, a national register) to give.
	lic, err := x.license(d.License)
	if err != nil {
		return rdf.Term{}, fmt.Errorf("dataset %s: %w", d.ID, err)
	}
	accepted := map[string]time.Time{st.Current.ID: st.Current.Accepted}
	for _, v := range st.History {
		accepted[v.ID] = v.Accepted
	}
	for _, dl := range st.Downloads {
		if dl.Format == "ocds" {
			x.ocds(ds, page, d, dl, st.Current.Accepted, lic)
			continue
		}
		code, ok := fileCode(dl.Format)
		if !ok {
			continue
		}
		version, when := dl.Version, accepted[dl.Version]
		if version == "" {
			when = st.Current.Accepted
		}
		frag := dl.Format
		title := catalog.Text{It: d.Title.It + " – " + code, En: d.Title.In("en") + " – " + code}
		if dl.Table != "" {
			// A related table of the version (the bidders of a
			// contracts file) is a distribution of the same dataset.
			frag = dl.Table + "-" + frag
			title = catalog.Text{It: d.Title.It + " – " + dl.Table + " – " + code, En: d.Title.In("en") + " – " + dl.Table + " – " + code}
		}
		if version != "" {
			frag = version + "-" + frag
			day := when.UTC().Format(time.DateOnly)
			title.It += ", versione " + version + " del " + day
			title.En += ", version " + version + " of " + day
		}
		frag = "#" + frag
		dist := rdf.NewIRI(page + frag)
		x.typ(dist, DCATAPIT+"Distribution", DCAT+"Distribution")
		x.text(dist, DCT+"title", title)
		desc := describe(dl.Format, version)
		if dl.Table != "" {
			desc.It = "Tabella «" + dl.Table + "» del dataset. " + desc.It
			desc.En = "The dataset's «" + dl.Table + "» table. " + desc.En
		}
		x.text(dist, DCT+"description", desc)
		x.add(dist, DCT+"format", x.concept(fileType+code, DCT+"MediaTypeOrExtent"))
		if media, _, _ := strings.Cut(dl.MediaType, ";"); media != "" {
			x.add(dist, DCAT+"mediaType", x.concept(ianaMedia+strings.TrimSpace(media), DCT+"MediaType"))
		}
		x.file(ds, dist, page, frag, dl, when, lic)
	}
	return ds, nil
}

// ocds adds an Open Contracting release package of a contracts dataset
// as a distribution: JSON that conforms to the OCDS release package schema.
func (x *builder) ocds(ds rdf.Term, page string, d catalog.Dataset, dl catalog.Download, when time.Time, lic rdf.Term) {
	name := strings.TrimSuffix(path.Base(dl.Path), ".json")
	frag := "#" + name
	dist := rdf.NewIRI(page + frag)
	x.typ(dist, DCATAPIT+"Distribution", DCAT+"Distribution")
	x.text(dist, DCT+"title", catalog.Text{It: d.Title.It + " – OCDS " + name, En: d.Title.In("en") + " – OCDS " + name})
	x.text(dist, DCT+"description", catalog.Text{
		It: "Pacchetto di rilasci Open Contracting (OCDS 1.1) di un ente e un anno: un rilascio per lotto (CIG), con partecipanti, aggiudicatari, importi e date. Contiene sempre la versione più recente dei dati.",
		En: "Open Contracting (OCDS 1.1) release package of one body and year: one release per lotto (CIG), with bidders, winners, amounts and dates. It always holds the latest version of the data.",
	})
	x.add(dist, DCT+"format", x.concept(fileType+"JSON", DCT+"MediaTypeOrExtent"))
	x.add(dist, DCAT+"mediaType", x.concept(ianaMedia+ocds.MediaType, DCT+"MediaType"))
	std := rdf.NewIRI(ocds.PackageSchema)
	x.typ(std, DCATAPIT+"Standard", DCT+"Standard")
	x.add(std, DCT+"identifier", rdf.NewString("OCDS 1.1"))
	x.text(std, DCT+"title", catalog.Text{It: "Schema dei pacchetti di rilasci OCDS 1.1", En: "OCDS 1.1 release package schema"})
	ref := rdf.NewTyped(ocds.PackageSchema, rdf.XSDNS+"anyURI")
	x.add(std, DCATAPIT+"referenceDoc", ref)
	x.add(std, DCATAPIT+"referenceDocumentation", ref)
	x.add(dist, DCT+"conformsTo", std)
	x.file(ds, dist, page, frag, dl, when, lic)
}

// file adds what every distribution says of its file (where to get it,
// licence, size, dates, checksum) and links it to its dataset.
func (x *builder) file(ds, dist rdf.Term, page, frag string, dl catalog.Download, when time.Time, lic rdf.Term) {
	x.add(dist, DCAT+"accessURL", rdf.NewIRI(page))
	x.add(dist, DCAT+"downloadURL", rdf.NewIRI(x.base+dl.Path))
	x.add(dist, DCT+"license", lic)
	x.add(dist, DCAT+"byteSize", rdf.NewTyped(strconv.FormatInt(dl.Size, 10), rdf.XSDDecimal))
	// A file of the portal never changes once written: it was issued and
	// last modified when its version was accepted.
	if !when.IsZero() {
		x.add(dist, DCT+"issued", date(when))
		x.add(dist, DCT+"modified", date(when))
	}
	if dl.Checksum != "" {
		sum := rdf.NewIRI(page + frag + "-checksum")
		x.typ(sum, SPDX+"Checksum")
		x.add(sum, SPDX+"algorithm", rdf.NewIRI(SPDX+"checksumAlgorithm_sha256"))
		x.add(sum, SPDX+"checksumValue", rdf.NewTyped(strings.TrimPrefix(dl.Checksum, "sha256:"), rdf.XSDNS+"hexBinary"))
		x.add(dist, SPDX+"checksum", sum)
	}
	x.add(ds, DCAT+"distribution", dist)
}

// describe says what a distribution is: the latest data in a format, or
// the permanent copy of one version.
func describe(format, version string) catalog.Text {
	var t catalog.Text
	switch format {
	case "csv":
		t = catalog.Text{It: "File CSV in UTF-8, separato da virgole, con una riga di intestazione; numeri con il punto decimale e date nel formato AAAA-MM-GG.",
			En: "CSV file in UTF-8, comma-separated, with a header row; numbers with a decimal point and dates as YYYY-MM-DD."}
	case "json":
		t = catalog.Text{It: "File JSON: un elenco di oggetti, uno per riga della tabella, con i nomi delle colonne come chiavi.",
			En: "JSON file: a list of objects, one per row of the table, keyed by column name."}
	case "xlsx":
		t = catalog.Text{It: "Foglio di calcolo Excel (XLSX) con una riga di intestazione.",
			En: "Excel spreadsheet (XLSX) with a header row."}
	}
	if version == "" {
		t.It += " Contiene sempre la versione più recente dei dati."
		t.En += " It always holds the latest version of the data."
	} else {
		t.It += " Copia permanente dei dati come erano nella versione " + version + ": questo indirizzo non cambia, anche quando il dataset viene aggiornato."
		t.En += " Permanent copy of the data as they were in version " + version + ": this address never changes, even when the dataset is updated."
	}
	return t
}

// period is the time the data cover. DCAT-AP_IT names its ends
// dcatapit:startDate and dcatapit:endDate, sub-properties of schema.org's
// startDate and endDate, which are what the harvester of dati.gov.it
// (ckanext-dcatapit) reads: the catalog gives both, as no harvester
// infers one from the other.
func (x *builder) period(page string, p catalog.Period) rdf.Term {
	t := rdf.NewIRI(page + "#temporal")
	x.typ(t, DCT+"PeriodOfTime")
	start := rdf.NewTyped(string(p.Start), rdf.XSDDate)
	x.add(t, DCATAPIT+"startDate", start)
	x.add(t, SCHEMA+"startDate", start)
	if p.End != "" {
		end := rdf.NewTyped(string(p.End), rdf.XSDDate)
		x.add(t, DCATAPIT+"endDate", end)
		x.add(t, SCHEMA+"endDate", end)
	}
	return t
}

// standard is the schema the dataset's data follow, as published beside
// the data (datasets/<id>/schema.json); false when the dataset offers no
// schema file. A schema given by its https address is that address;
// otherwise the published file is the standard's IRI and its reference
// document. The reference is written both as dcatapit:referenceDoc, the
// property of the ontology, and as dcatapit:referenceDocumentation, the
// one its examples use and ckanext-dcatapit reads.
func (x *builder) standard(st *catalog.DatasetState) (rdf.Term, bool) {
	name := st.Dataset.Schema
	var file string
	for _, dl := range st.Downloads {
		if dl.Format == "schema" && dl.Version == "" {
			file = x.base + dl.Path
		}
	}
	iri := file
	if strings.HasPrefix(name, "https://") {
		iri = name
	}
	if iri == "" {
		return rdf.Term{}, false
	}
	s := rdf.NewIRI(iri)
	x.typ(s, DCATAPIT+"Standard", DCT+"Standard")
	x.add(s, DCT+"identifier", rdf.NewString(name))
	title := catalog.Text{It: "Schema " + name}
	var desc string
	if sc := x.b.Schemas[name]; sc != nil {
		if sc.Title.It != "" {
			title = catalog.Text{It: "Schema «" + sc.Title.It + "»"}
			if sc.Title.En != "" {
				title.En = "Schema \"" + sc.Title.En + "\""
			}
		}
		desc = sc.Description.It
	}
	x.text(s, DCT+"title", title)
	// At most one description, says DCAT-AP_IT: the Italian one.
	if desc != "" {
		x.add(s, DCT+"description", rdf.NewLang(desc, "it"))
	}
	ref := rdf.NewTyped(iri, rdf.XSDNS+"anyURI")
	x.add(s, DCATAPIT+"referenceDoc", ref)
	x.add(s, DCATAPIT+"referenceDocumentation", ref)
	return s, true
}

// Files of the catalog at the root of the portal.
const (
	FileRDF    = "catalog.rdf"
	FileTurtle = "catalog.ttl"
	FileJSONLD = "catalog.jsonld"
)

// Write writes catalog.rdf, catalog.ttl and catalog.jsonld at the root of
// outDir and datasets/<id>/<id>.rdf for each published dataset, and
// returns their paths from the portal root, with slashes.
func Write(ctx context.Context, outDir string, b *catalog.Build) ([]string, error) {
	g, err := Graph(b)
	if err != nil {
		return nil, err
	}
	prefixes := Prefixes()
	var written []string
	put := func(p string, write func(*bytes.Buffer) error) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			return fmt.Errorf("dcat %s: %w", p, err)
		}
		if err := export.WriteFile(outDir, p, buf.Bytes()); err != nil {
			return fmt.Errorf("dcat %s: %w", p, err)
		}
		written = append(written, p)
		return nil
	}
	files := []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{FileRDF, func(w *bytes.Buffer) error { return rdf.WriteRDFXML(w, g, prefixes) }},
		{FileTurtle, func(w *bytes.Buffer) error { return rdf.WriteTurtle(w, g, prefixes) }},
		{FileJSONLD, func(w *bytes.Buffer) error { return rdf.WriteJSONLD(w, g, prefixes) }},
	}
	for _, f := range files {
		if err := put(f.name, f.write); err != nil {
			return nil, err
		}
	}
	for i := range b.Datasets {
		st := &b.Datasets[i]
		if !Published(st) {
			continue
		}
		id := st.Dataset.ID
		sub := g.Closure(rdf.NewIRI(DatasetIRI(b.Portal.BaseURL, id)))
		p := path.Join("datasets", id, id+".rdf")
		if err := put(p, func(w *bytes.Buffer) error { return rdf.WriteRDFXML(w, sub, prefixes) }); err != nil {
			return nil, err
		}
	}
	return written, nil
}
