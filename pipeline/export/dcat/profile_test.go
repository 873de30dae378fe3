package dcat_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/config"
	"github.com/provincia-como/opendata/pipeline/export/dcat"
	"github.com/provincia-como/opendata/pipeline/export/dcat/rdf"
)

const (
	DCAT, DCT, DCATAPIT, FOAF, VCARD, SKOS = dcat.DCAT, dcat.DCT, dcat.DCATAPIT, dcat.FOAF, dcat.VCARD, dcat.SKOS
	OWL, SCHEMA                            = dcat.OWL, dcat.SCHEMA
	anyURI                                 = rdf.XSDNS + "anyURI"
	skosConcept                            = SKOS + "Concept"
)

// vocabularies are copies of the controlled vocabularies the catalog
// draws its terms from (testdata/PROVENANCE.md).
type vocabularies struct{ themes, frequencies, fileTypes, licences rdf.Graph }

func readVocabularies(t *testing.T) vocabularies {
	t.Helper()
	return vocabularies{
		themes:      parse(t, filepath.Join("testdata", "eu-data-theme.rdf")),
		frequencies: parse(t, filepath.Join("testdata", "eu-frequency.rdf")),
		fileTypes:   parse(t, filepath.Join("testdata", "eu-file-type-excerpt.rdf")),
		licences:    parse(t, filepath.Join("rdf", "testdata", "agid-licences.ttl")),
	}
}

// inVocabulary reports whether term is a concept of the vocabulary v.
func inVocabulary(v rdf.Graph, term rdf.Term) bool {
	return slices.Contains(v.Objects(term, rdf.RDFType), rdf.NewIRI(skosConcept))
}

func (c check) oneLiteral(s rdf.Term, p, datatype string) rdf.Term {
	c.t.Helper()
	objs := c.literal(s, p, datatype)
	if len(objs) != 1 {
		c.t.Errorf("%s %s: %d values of %s, want 1", c.who, s.Value, len(objs), p)
		return rdf.Term{}
	}
	return objs[0]
}

func (c check) atMostOne(s rdf.Term, p string) {
	c.t.Helper()
	if n := len(c.objects(s, p)); n > 1 {
		c.t.Errorf("%s %s: %d values of %s, want at most 1", c.who, s.Value, n, p)
	}
}

// sameLabels checks that s has, for p, the Italian and English labels that
// the vocabulary gives term for q.
func (c check) sameLabels(s rdf.Term, p string, vocab rdf.Graph, term rdf.Term, q string) {
	c.t.Helper()
	for _, lang := range []string{"it", "en"} {
		var got, want []string
		for _, o := range c.objects(s, p) {
			if o.Lang == lang {
				got = append(got, o.Value)
			}
		}
		for _, o := range vocab.Objects(term, q) {
			if o.Lang == lang {
				want = append(want, o.Value)
			}
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			c.t.Errorf("%s %s: %s@%s %q, the vocabulary says %q", c.who, s.Value, p, lang, got, want)
		}
	}
}

// agent checks a dcatapit:Agent: an identifier and exactly one name.
func agent(t *testing.T, g rdf.Graph, who string, a rdf.Term) string {
	t.Helper()
	c := check{g, t, who}
	c.types(a, DCATAPIT+"Agent", FOAF+"Agent")
	c.oneLiteral(a, FOAF+"name", rdf.LangString)
	return c.oneLiteral(a, DCT+"identifier", rdf.XSDString).Value
}

// licenceDocument checks a licence: its class, AgID IRI, names, version,
// reference text and ADMS type.
func licenceDocument(t *testing.T, g rdf.Graph, l rdf.Term) {
	t.Helper()
	c := check{g, t, "licence"}
	c.types(l, DCATAPIT+"LicenseDocument", DCT+"LicenseDocument")
	if !strings.HasPrefix(l.Value, "https://w3id.org/italia/controlled-vocabulary/licences/") {
		t.Errorf("licence %s is not in AgID's vocabulary", l.Value)
	}
	c.langs(l, FOAF+"name", "it", "en")
	c.oneLiteral(l, OWL+"versionInfo", rdf.XSDString)
	c.oneLiteral(l, DCATAPIT+"referenceDoc", anyURI)
	typ := c.one(l, DCT+"type")
	if !strings.HasPrefix(typ.Value, "http://purl.org/adms/licencetype/") {
		t.Errorf("licence %s: type %s is not an ADMS licence type", l.Value, typ.Value)
	}
	c.types(typ, skosConcept)
	c.langs(typ, SKOS+"prefLabel", "it", "en")
}

// TestDemoProfile reads the demo's catalog back from each of its three
// files with the package's parsers and checks every mandatory and
// recommended property of DCAT-AP_IT, class by class, for the catalog,
// every dataset and every distribution, plus the optional ones the
// catalog gives. Where the data allow a property only for some datasets
// (keywords, temporal coverage), it is required exactly there.
func TestDemoProfile(t *testing.T) {
	b, out := demo(t)
	if _, err := dcat.Write(context.Background(), out, b); err != nil {
		t.Fatal(err)
	}
	v := readVocabularies(t)
	for _, file := range []string{dcat.FileRDF, dcat.FileTurtle, dcat.FileJSONLD} {
		t.Run(file, func(t *testing.T) {
			profile(t, parse(t, filepath.Join(out, file)), b, out, v)
		})
	}
}

func profile(t *testing.T, g rdf.Graph, b *catalog.Build, out string, v vocabularies) {
	p := b.Portal
	cats := subjectsOfType(g, DCATAPIT+"Catalog")
	if len(cats) != 1 {
		t.Fatalf("%d catalogs", len(cats))
	}
	cat := cats[0]
	c := check{g, t, "catalog"}

	// Catalog, mandatory.
	c.types(cat, DCATAPIT+"Catalog", DCAT+"Catalog")
	c.langs(cat, DCT+"title", "it", "en")
	c.langs(cat, DCT+"description", "it", "en")
	if ipa := agent(t, g, "catalog publisher", c.one(cat, DCT+"publisher")); ipa != p.Publisher.IPA {
		t.Errorf("catalog publisher %q", ipa)
	}
	modified := c.oneLiteral(cat, DCT+"modified", rdf.XSDDate)
	datasets := c.iri(cat, DCAT+"dataset")
	// Catalog, recommended.
	if home := c.one(cat, FOAF+"homepage"); home.Value != p.BaseURL {
		t.Errorf("home page %s", home.Value)
	} else {
		c.types(home, FOAF+"Document")
	}
	var langs []string
	for _, l := range c.iri(cat, DCT+"language") {
		c.types(l, DCT+"LinguisticSystem")
		langs = append(langs, strings.TrimPrefix(l.Value, "http://publications.europa.eu/resource/authority/language/"))
	}
	if slices.Sort(langs); !slices.Equal(langs, []string{"ENG", "ITA"}) {
		t.Errorf("catalog languages %v", langs)
	}
	if issued := c.oneLiteral(cat, DCT+"issued", rdf.XSDDate); issued.Value > modified.Value {
		t.Errorf("catalog issued %s after its last change %s", issued.Value, modified.Value)
	}
	tax := c.one(cat, DCAT+"themeTaxonomy")
	if tax.Value != dcat.ThemeScheme {
		t.Errorf("theme taxonomy %s", tax.Value)
	}
	c.types(tax, SKOS+"ConceptScheme")
	c.langs(tax, DCT+"title", "it")

	if len(datasets) < 5 {
		t.Fatalf("only %d datasets", len(datasets))
	}
	nDist := 0
	for _, ds := range datasets {
		var st *catalog.DatasetState
		for i := range b.Datasets {
			if dcat.DatasetIRI(p.BaseURL, b.Datasets[i].Dataset.ID) == ds.Value {
				st = &b.Datasets[i]
			}
		}
		if st == nil {
			t.Errorf("dataset %s not in the build", ds.Value)
			continue
		}
		d := st.Dataset
		x := check{g, t, "dataset " + d.ID}

		// Dataset, mandatory.
		x.types(ds, DCATAPIT+"Dataset", DCAT+"Dataset")
		if id := x.oneLiteral(ds, DCT+"identifier", rdf.XSDString); id.Value != p.Publisher.IPA+":"+d.ID {
			t.Errorf("dataset %s: identifier %q", d.ID, id.Value)
		}
		x.langs(ds, DCT+"title", "it", "en")
		x.langs(ds, DCT+"description", "it", "en")
		dsModified := x.oneLiteral(ds, DCT+"modified", rdf.XSDDate)
		for _, th := range x.iri(ds, DCAT+"theme") {
			if !inVocabulary(v.themes, th) {
				t.Errorf("dataset %s: theme %s not in the EU vocabulary", d.ID, th.Value)
			}
			x.types(th, skosConcept)
			x.sameLabels(th, SKOS+"prefLabel", v.themes, th, SKOS+"prefLabel")
		}
		holder := agent(t, g, "rights holder of "+d.ID, x.one(ds, DCT+"rightsHolder"))
		if !(holder == p.Publisher.IPA || strings.HasPrefix(holder, "c_")) {
			t.Errorf("dataset %s: rights holder %q is not an IPA code", d.ID, holder)
		}
		freq := x.one(ds, DCT+"accrualPeriodicity")
		if !inVocabulary(v.frequencies, freq) || !strings.HasSuffix(freq.Value, "/"+d.Frequency) {
			t.Errorf("dataset %s: frequency %s", d.ID, freq.Value)
		}
		x.types(freq, DCT+"Frequency")

		// Dataset, recommended.
		cp := x.one(ds, DCAT+"contactPoint")
		k := check{g, t, "contact point of " + d.ID}
		k.types(cp, DCATAPIT+"Organization", VCARD+"Organization", VCARD+"Kind")
		if fn := k.oneLiteral(cp, VCARD+"fn", rdf.XSDString); fn.Value != p.Publisher.Contact {
			t.Errorf("dataset %s: contact %q, want %q", d.ID, fn.Value, p.Publisher.Contact)
		}
		if mail := k.one(cp, VCARD+"hasEmail"); mail.Value != "mailto:"+p.Publisher.Email {
			t.Errorf("dataset %s: e-mail %s", d.ID, mail.Value)
		}
		if ipa := agent(t, g, "publisher of "+d.ID, x.one(ds, DCT+"publisher")); ipa != p.Publisher.IPA {
			t.Errorf("dataset %s: publisher %q", d.ID, ipa)
		}
		if len(d.Keywords) > 0 {
			var kw []string
			for _, o := range x.literal(ds, DCAT+"keyword", rdf.LangString) {
				kw = append(kw, o.Value)
			}
			want := slices.Clone(d.Keywords)
			slices.Sort(kw)
			slices.Sort(want)
			if !slices.Equal(kw, want) {
				t.Errorf("dataset %s: keywords %q, want %q", d.ID, kw, want)
			}
		}
		sp := x.one(ds, DCT+"spatial")
		s := check{g, t, "place of " + d.ID}
		s.types(sp, DCT+"Location")
		if code := s.oneLiteral(sp, DCT+"identifier", rdf.XSDString); code.Value != d.Publisher {
			t.Errorf("dataset %s: place %s", d.ID, code.Value)
		}
		s.oneLiteral(sp, SKOS+"prefLabel", rdf.LangString)
		s.oneLiteral(sp, dcat.LOCN+"geographicName", rdf.LangString)
		if d.Temporal != nil {
			per := x.one(ds, DCT+"temporal")
			pc := check{g, t, "period of " + d.ID}
			pc.types(per, DCT+"PeriodOfTime")
			for _, prop := range []string{DCATAPIT + "startDate", SCHEMA + "startDate"} {
				if start := pc.oneLiteral(per, prop, rdf.XSDDate); start.Value != string(d.Temporal.Start) {
					t.Errorf("dataset %s: %s %s", d.ID, prop, start.Value)
				}
			}
			for _, prop := range []string{DCATAPIT + "endDate", SCHEMA + "endDate"} {
				if d.Temporal.End == "" {
					pc.atMostOne(per, prop)
					if len(g.Objects(per, prop)) > 0 {
						t.Errorf("dataset %s: %s without an end in the catalog", d.ID, prop)
					}
				} else if end := pc.oneLiteral(per, prop, rdf.XSDDate); end.Value != string(d.Temporal.End) {
					t.Errorf("dataset %s: %s %s", d.ID, prop, end.Value)
				}
			}
		} else if len(x.objects(ds, DCT+"temporal")) > 0 {
			t.Errorf("dataset %s: a period the catalog does not give", d.ID)
		}

		// Dataset, optional ones the catalog gives.
		if issued := x.oneLiteral(ds, DCT+"issued", rdf.XSDDate); issued.Value > dsModified.Value {
			t.Errorf("dataset %s: issued %s after modified %s", d.ID, issued.Value, dsModified.Value)
		}
		if lang := x.one(ds, DCT+"language"); !strings.HasSuffix(lang.Value, "/ITA") {
			t.Errorf("dataset %s: language %s", d.ID, lang.Value)
		} else {
			x.types(lang, DCT+"LinguisticSystem")
		}
		if page := x.one(ds, DCAT+"landingPage"); page.Value != ds.Value {
			t.Errorf("dataset %s: landing page %s", d.ID, page.Value)
		} else {
			x.types(page, FOAF+"Document")
		}
		if ver := x.oneLiteral(ds, OWL+"versionInfo", rdf.XSDString); ver.Value != st.Current.ID {
			t.Errorf("dataset %s: version %s", d.ID, ver.Value)
		}
		std := x.one(ds, DCT+"conformsTo")
		sc := check{g, t, "standard of " + d.ID}
		sc.types(std, DCATAPIT+"Standard", DCT+"Standard")
		if id := sc.oneLiteral(std, DCT+"identifier", rdf.XSDString); id.Value != d.Schema {
			t.Errorf("dataset %s: standard %q, schema %q", d.ID, id.Value, d.Schema)
		}
		sc.langs(std, DCT+"title", "it")
		sc.atMostOne(std, DCT+"description")
		for _, prop := range []string{DCATAPIT + "referenceDoc", DCATAPIT + "referenceDocumentation"} {
			ref := sc.oneLiteral(std, prop, anyURI)
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(ref.Value, p.BaseURL)))); err != nil {
				t.Errorf("dataset %s: the schema %s is not published: %v", d.ID, ref.Value, err)
			}
		}

		// Distributions.
		for _, dist := range x.iri(ds, DCAT+"distribution") {
			nDist++
			y := check{g, t, "distribution " + dist.Value}
			// Mandatory.
			y.types(dist, DCATAPIT+"Distribution", DCAT+"Distribution")
			format := y.one(dist, DCT+"format")
			if !inVocabulary(v.fileTypes, format) {
				t.Errorf("%s: format %s not in the EU file types", dist.Value, format.Value)
			}
			y.types(format, DCT+"MediaTypeOrExtent")
			if acc := y.one(dist, DCAT+"accessURL"); acc != ds {
				t.Errorf("%s: access URL %s", dist.Value, acc.Value)
			}
			licenceDocument(t, g, y.one(dist, DCT+"license"))
			// Recommended.
			y.langs(dist, DCT+"description", "it", "en")
			dl := y.one(dist, DCAT+"downloadURL")
			info, err := os.Stat(filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(dl.Value, p.BaseURL))))
			if err != nil {
				t.Errorf("%s: %v", dist.Value, err)
			}
			size := y.oneLiteral(dist, DCAT+"byteSize", rdf.XSDDecimal)
			if info != nil && size.Value != strconv.FormatInt(info.Size(), 10) {
				t.Errorf("%s: byte size %s, file of %d", dist.Value, size.Value, info.Size())
			}
			// Optional ones the catalog gives.
			y.langs(dist, DCT+"title", "it", "en")
			if mod := y.oneLiteral(dist, DCT+"modified", rdf.XSDDate); mod.Value > dsModified.Value {
				t.Errorf("%s: modified %s after its dataset", dist.Value, mod.Value)
			}
			y.types(y.one(dist, DCAT+"mediaType"), DCT+"MediaType")
		}
	}
	if nDist < 3*len(datasets) {
		t.Errorf("%d distributions for %d datasets", nDist, len(datasets))
	}
}

// TestVocabularyTerms builds a small catalog with every licence and every
// theme a catalog file may name, and checks what the catalog says of them
// against the vocabularies themselves: AgID's licences (names, version,
// text, and dct:type the ADMS type AgID matches one level up) and the EU
// data themes (names).
func TestVocabularyTerms(t *testing.T) {
	v := readVocabularies(t)
	for _, id := range config.Licenses() {
		t.Run(id, func(t *testing.T) {
			b := fixture()
			b.Datasets[1].Dataset.License = id
			g, err := dcat.Graph(b)
			if err != nil {
				t.Fatal(err)
			}
			uri, _, _ := config.License(id)
			l := rdf.NewIRI(uri)
			if !slices.Contains(v.licences.Objects(l, rdf.RDFType), rdf.NewIRI(DCATAPIT+"LicenseDocument")) {
				t.Fatalf("%s is not a licence of AgID's vocabulary", uri)
			}
			licenceDocument(t, g, l)
			c := check{g, t, "licence"}
			c.sameLabels(l, FOAF+"name", v.licences, l, FOAF+"name")
			for _, p := range []string{OWL + "versionInfo", DCATAPIT + "referenceDoc"} {
				if got, want := g.Objects(l, p), v.licences.Objects(l, p); !slices.Equal(got, want) {
					t.Errorf("%s: %v, AgID says %v", p, got, want)
				}
			}
			broader := v.licences.Objects(l, SKOS+"broader")
			if len(broader) != 1 {
				t.Fatalf("broader %v", broader)
			}
			if got, want := g.Objects(l, DCT+"type"), v.licences.Objects(broader[0], SKOS+"exactMatch"); !slices.Equal(got, want) {
				t.Errorf("type %v, AgID matches %v", got, want)
			}
			if typ := g.Objects(l, DCT+"type"); len(typ) == 1 {
				c.sameLabels(typ[0], SKOS+"prefLabel", v.licences, broader[0], SKOS+"prefLabel")
			}
		})
	}
	for _, code := range config.Themes() {
		t.Run(code, func(t *testing.T) {
			b := fixture()
			b.Datasets[1].Dataset.Theme = code
			g, err := dcat.Graph(b)
			if err != nil {
				t.Fatal(err)
			}
			th := rdf.NewIRI(dcat.ThemeScheme + "/" + code)
			if !inVocabulary(v.themes, th) {
				t.Fatalf("%s not in the EU vocabulary", th.Value)
			}
			check{g, t, "theme"}.sameLabels(th, SKOS+"prefLabel", v.themes, th, SKOS+"prefLabel")
		})
	}
}
