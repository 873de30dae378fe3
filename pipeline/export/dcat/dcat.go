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
		{Name: "xsd", NS: rdf.XSDNS},
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
	x.add(cat, FOAF+"homepage", rdf.NewIRI(x.base))
	x.add(cat, DCAT+"themeTaxonomy", rdf.NewIRI(ThemeScheme))
	langs := p.Languages
	if len(langs) == 0 {
		langs = []string{"it"}
	}
	for _, l := range langs {
		if code := map[string]string{"it": "ITA", "en": "ENG"}[l]; code != "" {
			x.add(cat, DCT+"language", rdf.NewIRI(language+code))
		}
	}
	// The catalog changes when a dataset does: its date is that of the
	// newest version, so that an unchanged portal gives unchanged files.
	var modified time.Time
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
	}
	if modified.IsZero() {
		modified = b.Generated
	}
	x.add(cat, DCT+"modified", date(modified))
	return x.g.Sorted(), nil
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

// agent describes an administration by its IPA code.
func (x *builder) agent(ipa string, name catalog.Text) rdf.Term {
	a := rdf.NewIRI(x.base + "#org-" + ipa)
	x.typ(a, DCATAPIT+"Agent", FOAF+"Agent")
	x.text(a, FOAF+"name", name)
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

func (x *builder) contact() rdf.Term {
	pub := x.b.Portal.Publisher
	c := rdf.NewIRI(x.base + "#contact")
	x.typ(c, DCATAPIT+"Organization", VCARD+"Organization", VCARD+"Kind")
	x.add(c, VCARD+"fn", rdf.NewString(pub.Name.It))
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
	x.add(l, FOAF+"name", rdf.NewString(name))
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
	if n := len(st.History); n > 0 {
		x.add(ds, DCT+"issued", date(st.History[n-1].Accepted))
	}
	x.add(ds, OWL+"versionInfo", rdf.NewString(st.Current.ID))
	if d.Theme != "" {
		x.add(ds, DCAT+"theme", rdf.NewIRI(themeBase+d.Theme))
	}
	if d.Frequency != "" {
		x.add(ds, DCT+"accrualPeriodicity", rdf.NewIRI(frequency+d.Frequency))
	}
	pub := x.b.Portal.Publisher
	x.add(ds, DCT+"publisher", x.agent(pub.IPA, pub.Name))
	x.add(ds, DCT+"rightsHolder", x.holder(d.Publisher))
	x.add(ds, DCAT+"contactPoint", x.contact())
	x.add(ds, DCT+"spatial", x.spatial(d.Publisher))
	x.add(ds, DCAT+"landingPage", rdf.NewIRI(page))
	x.add(ds, DCT+"language", rdf.NewIRI(language+"ITA"))
	for _, k := range d.Keywords {
		x.add(ds, DCAT+"keyword", rdf.NewLang(k, "it"))
	}
	if d.Temporal != nil && d.Temporal.Start != "" {
		t := rdf.NewIRI(page + "#temporal")
		x.typ(t, DCT+"PeriodOfTime")
		x.add(t, DCATAPIT+"startDate", rdf.NewTyped(string(d.Temporal.Start), rdf.XSDDate))
		if d.Temporal.End != "" {
			x.add(t, DCATAPIT+"endDate", rdf.NewTyped(string(d.Temporal.End), rdf.XSDDate))
		}
		x.add(ds, DCT+"temporal", t)
	}
	lic, err := x.license(d.License)
	if err != nil {
		return rdf.Term{}, fmt.Errorf("dataset %s: %w", d.ID, err)
	}
	accepted := map[string]time.Time{st.Current.ID: st.Current.Accepted}
	for _, v := range st.History {
		accepted[v.ID] = v.Accepted
	}
	for _, dl := range st.Downloads {
		code, ok := fileCode(dl.Format)
		if !ok {
			continue
		}
		version, when := dl.Version, accepted[dl.Version]
		if version == "" {
			when = st.Current.Accepted
		}
		frag := "#" + dl.Format
		title := catalog.Text{It: d.Title.It + " – " + code, En: d.Title.In("en") + " – " + code}
		if version != "" {
			frag = "#" + version + "-" + dl.Format
			day := when.UTC().Format(time.DateOnly)
			title.It += ", versione " + version + " del " + day
			title.En += ", version " + version + " of " + day
		}
		dist := rdf.NewIRI(page + frag)
		x.typ(dist, DCATAPIT+"Distribution", DCAT+"Distribution")
		x.text(dist, DCT+"title", title)
		if version != "" {
			x.text(dist, DCT+"description", catalog.Text{
				It: "Copia permanente dei dati come erano nella versione " + version + ": questo indirizzo non cambia, anche quando il dataset viene aggiornato.",
				En: "Permanent copy of the data as they were in version " + version + ": this address never changes, even when the dataset is updated.",
			})
		}
		x.add(dist, DCT+"format", rdf.NewIRI(fileType+code))
		if media, _, _ := strings.Cut(dl.MediaType, ";"); media != "" {
			x.add(dist, DCAT+"mediaType", rdf.NewIRI(ianaMedia+strings.TrimSpace(media)))
		}
		x.add(dist, DCAT+"accessURL", rdf.NewIRI(page))
		x.add(dist, DCAT+"downloadURL", rdf.NewIRI(x.base+dl.Path))
		x.add(dist, DCT+"license", lic)
		x.add(dist, DCAT+"byteSize", rdf.NewTyped(strconv.FormatInt(dl.Size, 10), rdf.XSDDecimal))
		if !when.IsZero() {
			x.add(dist, DCT+"issued", date(when))
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
	return ds, nil
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
