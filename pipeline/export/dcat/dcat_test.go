package dcat_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/provincia-como/opendata/datasets"
	"github.com/provincia-como/opendata/pipeline"
	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/export/dcat"
	"github.com/provincia-como/opendata/pipeline/export/dcat/rdf"
)

// demo runs the real pipeline on the embedded catalog, without rendering.
func demo(t testing.TB) (*catalog.Build, string) {
	t.Helper()
	out := t.TempDir()
	now := func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	res, err := pipeline.Run(context.Background(), pipeline.Config{Catalog: datasets.FS, OutDir: out, StateDir: t.TempDir()}, pipeline.Deps{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return res.Build, out
}

func parse(t *testing.T, file string) rdf.Graph {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var g rdf.Graph
	switch path.Ext(file) {
	case ".rdf":
		g, err = rdf.ParseRDFXML(f, "")
	case ".ttl":
		g, err = rdf.ParseTurtle(f, "")
	case ".jsonld":
		g, err = rdf.ParseJSONLD(f)
	}
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return g
}

func diff(t *testing.T, name string, got, want rdf.Graph) {
	t.Helper()
	g, w := got.NTriples(), want.NTriples()
	if g == w {
		return
	}
	gl, wl := strings.Split(g, "\n"), strings.Split(w, "\n")
	n := 0
	for _, l := range wl {
		if !slices.Contains(gl, l) && n < 5 {
			t.Errorf("%s lacks %s", name, l)
			n++
		}
	}
	for _, l := range gl {
		if !slices.Contains(wl, l) && n < 10 {
			t.Errorf("%s has extra %s", name, l)
			n++
		}
	}
	if n == 0 {
		t.Errorf("%s: same lines, different text", name)
	}
}

// TestDemoSerialisationsAgree parses each published file back and finds
// exactly the triples of the catalog.
func TestDemoSerialisationsAgree(t *testing.T) {
	b, out := demo(t)
	written, err := dcat.Write(context.Background(), out, b)
	if err != nil {
		t.Fatal(err)
	}
	want, err := dcat.Graph(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 300 {
		t.Fatalf("only %d triples for the demo catalog", len(want))
	}
	for _, f := range []string{dcat.FileRDF, dcat.FileTurtle, dcat.FileJSONLD} {
		if !slices.Contains(written, f) {
			t.Errorf("%s not written", f)
		}
		diff(t, f, parse(t, filepath.Join(out, f)), want)
	}
	published := 0
	for i := range b.Datasets {
		st := &b.Datasets[i]
		p := path.Join("datasets", st.Dataset.ID, st.Dataset.ID+".rdf")
		if !dcat.Published(st) {
			if slices.Contains(written, p) {
				t.Errorf("%s written for a dataset that is not published", p)
			}
			continue
		}
		published++
		got := parse(t, filepath.Join(out, filepath.FromSlash(p)))
		diff(t, p, got, want.Closure(rdf.NewIRI(dcat.DatasetIRI(b.Portal.BaseURL, st.Dataset.ID))))
		// The file of one dataset describes no other.
		if ds := subjectsOfType(got, dcat.DCAT+"Dataset"); len(ds) != 1 {
			t.Errorf("%s describes %d datasets", p, len(ds))
		}
	}
	if published == 0 || published == len(b.Datasets) {
		t.Errorf("the demo should publish some datasets and refuse one; published %d of %d", published, len(b.Datasets))
	}
}

func subjectsOfType(g rdf.Graph, typ string) []rdf.Term {
	var out []rdf.Term
	for _, t := range g.Sorted() {
		if t.P.Value == rdf.RDFType && t.O.Value == typ {
			out = append(out, t.S)
		}
	}
	return out
}

// check reports the properties a resource lacks, each with the kind of
// object it needs.
type check struct {
	g   rdf.Graph
	t   *testing.T
	who string
}

func (c check) objects(s rdf.Term, p string) []rdf.Term { return c.g.Objects(s, p) }

func (c check) iri(s rdf.Term, p string) []rdf.Term {
	c.t.Helper()
	objs := c.objects(s, p)
	if len(objs) == 0 {
		c.t.Errorf("%s %s: missing %s", c.who, s.Value, p)
	}
	for _, o := range objs {
		if o.Kind != rdf.IRI {
			c.t.Errorf("%s %s: %s is %s, want an IRI", c.who, s.Value, p, o)
		}
	}
	return objs
}

func (c check) literal(s rdf.Term, p, datatype string) []rdf.Term {
	c.t.Helper()
	objs := c.objects(s, p)
	if len(objs) == 0 {
		c.t.Errorf("%s %s: missing %s", c.who, s.Value, p)
	}
	for _, o := range objs {
		if o.Kind != rdf.Literal || (datatype != "" && o.Datatype != datatype) || o.Value == "" {
			c.t.Errorf("%s %s: %s is %s, want a %s literal", c.who, s.Value, p, o, datatype)
		}
	}
	return objs
}

func (c check) langs(s rdf.Term, p string, langs ...string) {
	c.t.Helper()
	var got []string
	for _, o := range c.literal(s, p, rdf.LangString) {
		got = append(got, o.Lang)
	}
	for _, l := range langs {
		if !slices.Contains(got, l) {
			c.t.Errorf("%s %s: %s has no %q text", c.who, s.Value, p, l)
		}
	}
}

func (c check) types(s rdf.Term, types ...string) {
	c.t.Helper()
	got := c.objects(s, rdf.RDFType)
	for _, typ := range types {
		if !slices.Contains(got, rdf.NewIRI(typ)) {
			c.t.Errorf("%s %s: not a %s", c.who, s.Value, typ)
		}
	}
}

func (c check) one(s rdf.Term, p string) rdf.Term {
	c.t.Helper()
	objs := c.iri(s, p)
	if len(objs) != 1 {
		c.t.Errorf("%s %s: %d values of %s, want 1", c.who, s.Value, len(objs), p)
		return rdf.Term{}
	}
	return objs[0]
}

// TestDemoMandatoryProperties checks every property DCAT-AP_IT requires of
// the catalog, of each dataset and of each distribution, with the kind of
// value it must have.
func TestDemoMandatoryProperties(t *testing.T) {
	b, out := demo(t)
	if _, err := dcat.Write(context.Background(), out, b); err != nil {
		t.Fatal(err)
	}
	// What dati.gov.it harvests: the RDF/XML file.
	g := parse(t, filepath.Join(out, dcat.FileRDF))
	const (
		DCAT, DCT, DCATAPIT, FOAF, VCARD = dcat.DCAT, dcat.DCT, dcat.DCATAPIT, dcat.FOAF, dcat.VCARD
	)
	cats := subjectsOfType(g, DCAT+"Catalog")
	if len(cats) != 1 {
		t.Fatalf("%d catalogs", len(cats))
	}
	cat := cats[0]
	c := check{g, t, "catalog"}
	c.types(cat, DCATAPIT+"Catalog", DCAT+"Catalog")
	c.langs(cat, DCT+"title", "it", "en")
	c.langs(cat, DCT+"description", "it", "en")
	c.literal(cat, DCT+"modified", rdf.XSDDate)
	c.iri(cat, FOAF+"homepage")
	c.iri(cat, DCT+"language")
	if tax := c.one(cat, DCAT+"themeTaxonomy"); tax.Value != dcat.ThemeScheme {
		t.Errorf("theme taxonomy %s", tax.Value)
	}
	pub := c.one(cat, DCT+"publisher")
	agent := check{g, t, "agent"}
	agent.types(pub, DCATAPIT+"Agent")
	agent.literal(pub, FOAF+"name", "")
	if id := agent.literal(pub, DCT+"identifier", rdf.XSDString); len(id) > 0 && id[0].Value != b.Portal.Publisher.IPA {
		t.Errorf("publisher identifier %s", id[0].Value)
	}

	// One dcat:dataset per published dataset, and no other.
	var want []rdf.Term
	for i := range b.Datasets {
		if dcat.Published(&b.Datasets[i]) {
			want = append(want, rdf.NewIRI(dcat.DatasetIRI(b.Portal.BaseURL, b.Datasets[i].Dataset.ID)))
		}
	}
	got := c.iri(cat, DCAT+"dataset")
	slices.SortFunc(got, rdf.Compare)
	slices.SortFunc(want, rdf.Compare)
	if !slices.Equal(got, want) || !slices.Equal(subjectsOfType(g, DCATAPIT+"Dataset"), want) {
		t.Errorf("datasets %v, want %v", got, want)
	}

	regions := map[string]bool{}
	for _, ds := range want {
		id := strings.TrimSuffix(strings.TrimPrefix(ds.Value, b.Portal.BaseURL+"datasets/"), "/")
		var st *catalog.DatasetState
		for i := range b.Datasets {
			if b.Datasets[i].Dataset.ID == id {
				st = &b.Datasets[i]
			}
		}
		d := check{g, t, "dataset " + id}
		d.types(ds, DCATAPIT+"Dataset", DCAT+"Dataset")
		if ident := d.literal(ds, DCT+"identifier", rdf.XSDString); len(ident) != 1 || ident[0].Value != b.Portal.Publisher.IPA+":"+id {
			t.Errorf("dataset %s: identifier %v", id, ident)
		}
		d.langs(ds, DCT+"title", "it", "en")
		d.langs(ds, DCT+"description", "it", "en")
		d.literal(ds, DCT+"modified", rdf.XSDDate)
		if theme := d.one(ds, DCAT+"theme"); theme.Value != dcat.ThemeScheme+"/"+st.Dataset.Theme {
			t.Errorf("dataset %s: theme %s", id, theme.Value)
		}
		if f := d.one(ds, DCT+"accrualPeriodicity"); f.Value != "http://publications.europa.eu/resource/authority/frequency/"+st.Dataset.Frequency {
			t.Errorf("dataset %s: frequency %s", id, f.Value)
		}
		holder := d.one(ds, DCT+"rightsHolder")
		h := check{g, t, "rights holder of " + id}
		h.types(holder, DCATAPIT+"Agent")
		h.literal(holder, FOAF+"name", "")
		if ipa := h.literal(holder, DCT+"identifier", rdf.XSDString); len(ipa) == 1 && !(ipa[0].Value == "p_co" || strings.HasPrefix(ipa[0].Value, "c_")) {
			t.Errorf("dataset %s: rights holder identifier %q is not an IPA code", id, ipa[0].Value)
		}
		cp := d.one(ds, DCAT+"contactPoint")
		k := check{g, t, "contact point of " + id}
		k.types(cp, DCATAPIT+"Organization")
		k.literal(cp, VCARD+"fn", "")
		if mail := k.iri(cp, VCARD+"hasEmail"); len(mail) > 0 && !strings.HasPrefix(mail[0].Value, "mailto:") {
			t.Errorf("dataset %s: email %s", id, mail[0].Value)
		}
		d.literal(ds, DCAT+"keyword", "")
		if st.Dataset.Temporal != nil {
			per := d.one(ds, DCT+"temporal")
			p := check{g, t, "period of " + id}
			p.types(per, DCT+"PeriodOfTime")
			if start := p.literal(per, DCATAPIT+"startDate", rdf.XSDDate); len(start) == 1 && start[0].Value != string(st.Dataset.Temporal.Start) {
				t.Errorf("dataset %s: start %s", id, start[0].Value)
			}
		}
		sp := d.one(ds, DCT+"spatial")
		s := check{g, t, "place of " + id}
		s.types(sp, DCT+"Location")
		code := s.literal(sp, DCT+"identifier", rdf.XSDString)
		if len(code) == 1 && code[0].Value != st.Dataset.Publisher {
			t.Errorf("dataset %s: place %s, publisher %s", id, code[0].Value, st.Dataset.Publisher)
		}
		name := s.literal(sp, dcat.SKOS+"prefLabel", rdf.LangString)
		if len(code) == 1 && len(name) == 1 {
			regions[code[0].Value+" "+name[0].Value] = true
		}

		// Distributions: every download of every version, no other.
		var urls []string
		for _, dist := range d.iri(ds, DCAT+"distribution") {
			x := check{g, t, "distribution " + dist.Value}
			x.types(dist, DCATAPIT+"Distribution", DCAT+"Distribution")
			if f := x.one(dist, DCT+"format"); !strings.HasPrefix(f.Value, "http://publications.europa.eu/resource/authority/file-type/") {
				t.Errorf("%s: format %s", dist.Value, f.Value)
			}
			x.one(dist, DCAT+"accessURL")
			urls = append(urls, x.one(dist, DCAT+"downloadURL").Value)
			lic := x.one(dist, DCT+"license")
			l := check{g, t, "licence"}
			l.types(lic, DCATAPIT+"LicenseDocument")
			l.literal(lic, FOAF+"name", "")
			if !strings.HasPrefix(lic.Value, "https://w3id.org/italia/controlled-vocabulary/licences/") {
				t.Errorf("%s: licence %s is not in the AgID vocabulary", dist.Value, lic.Value)
			}
			x.langs(dist, DCT+"title", "it", "en")
			x.literal(dist, DCAT+"byteSize", rdf.XSDDecimal)
			sum := x.one(dist, dcat.SPDX+"checksum")
			y := check{g, t, "checksum"}
			y.literal(sum, dcat.SPDX+"checksumValue", rdf.XSDNS+"hexBinary")
			if alg := y.one(sum, dcat.SPDX+"algorithm"); alg.Value != dcat.SPDX+"checksumAlgorithm_sha256" {
				t.Errorf("%s: algorithm %s", dist.Value, alg.Value)
			}
		}
		var wantURLs []string
		for _, dl := range st.Downloads {
			// Tables in three formats, and the OCDS packages of a
			// contracts dataset.
			if dl.Format == "csv" || dl.Format == "json" || dl.Format == "xlsx" || dl.Format == "ocds" {
				wantURLs = append(wantURLs, b.Portal.BaseURL+dl.Path)
			}
		}
		slices.Sort(urls)
		slices.Sort(wantURLs)
		if !slices.Equal(urls, wantURLs) {
			t.Errorf("dataset %s: download URLs %v, want %v", id, urls, wantURLs)
		}
		for _, u := range urls {
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(u, b.Portal.BaseURL)))); err != nil {
				t.Errorf("dataset %s: %v", id, err)
			}
		}
	}
	// Places come from the registry of comuni; the Province's own data
	// cover the Province.
	for _, want := range []string{"013 Provincia di Como", "013041 Cantù", "013075 Como"} {
		if !regions[want] {
			t.Errorf("no dataset covers %q: %v", want, regions)
		}
	}
}

func TestWriteIsStable(t *testing.T) {
	b, out := demo(t)
	first, err := dcat.Write(context.Background(), out, b)
	if err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	second, err := dcat.Write(context.Background(), other, b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(first, second) {
		t.Fatalf("paths %v then %v", first, second)
	}
	for _, p := range first {
		a, _ := os.ReadFile(filepath.Join(out, p))
		c, _ := os.ReadFile(filepath.Join(other, p))
		if len(a) == 0 || !bytes.Equal(a, c) {
			t.Errorf("%s differs between two writes of the same build", p)
		}
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture is a small build: a dataset of a comune with two versions and a
// title that needs escaping, an example dataset, one never accepted, and
// the registry of comuni.
func fixture() *catalog.Build {
	reg := &catalog.Table{Columns: []catalog.Column{{Field: "codice_istat"}, {Field: "denominazione"}, {Field: "codice_catastale"}},
		Rows: []catalog.Row{{Cells: []catalog.Cell{{Value: "013041"}, {Value: "Cantù"}, {Value: "B639"}}}}}
	v1 := catalog.Version{ID: "aaaaaaaaaaaa", Accepted: day("2026-10-01T08:00:00Z")}
	v2 := catalog.Version{ID: "bbbbbbbbbbbb", Accepted: day("2026-11-20T08:00:00Z")}
	dl := func(id, version, format string) catalog.Download {
		p := "datasets/" + id + "/" + id + "." + format
		if version != "" {
			p = "datasets/" + id + "/" + version + "/" + id + "." + format
		}
		return catalog.Download{Format: format, Path: p, Size: 10, MediaType: "text/csv; charset=utf-8", Version: version, Checksum: strings.Repeat("ab", 32)}
	}
	return &catalog.Build{
		Portal: catalog.Portal{
			Title: catalog.Text{It: "Dati", En: "Data"}, Description: catalog.Text{It: "Portale", En: "Portal"},
			Publisher: catalog.Publisher{Name: catalog.Text{It: "Provincia di Como"}, IPA: "p_co", ISTAT: "013", Email: "dati@example.org"},
			BaseURL:   "https://dati.example.org/", Languages: []string{"it", "en"}, License: "CC-BY-4.0",
		},
		Generated: day("2026-11-26T00:00:00Z"),
		Datasets: []catalog.DatasetState{
			{Dataset: catalog.Dataset{ID: "comuni", Schema: "comuni", Publisher: "013", Theme: "REGI", Frequency: "ANNUAL", Title: catalog.Text{It: "Comuni"}},
				Current: &v1, History: []catalog.Version{v1}, Table: reg, Downloads: []catalog.Download{dl("comuni", "", "csv")}},
			{Dataset: catalog.Dataset{ID: "progetti", Schema: "progetti", Publisher: "013041", Theme: "ECON", Frequency: "IRREG", License: "CC0-1.0",
				Title:       catalog.Text{It: `Progetti "PNRR" </dct:title><x/> & più`, En: "Projects"},
				Description: catalog.Text{It: "Riga uno\nriga due \\ fine"}, Keywords: []string{"PNRR"},
				Temporal: &catalog.Period{Start: "2021-01-01", End: "2026-12-31"}},
				Current: &v2, History: []catalog.Version{v2, v1},
				Downloads: []catalog.Download{dl("progetti", "", "csv"), dl("progetti", "", "xlsx"), dl("progetti", v2.ID, "csv"), dl("progetti", v1.ID, "csv"),
					{Format: "schema", Path: "datasets/progetti/schema.json"}}},
			{Dataset: catalog.Dataset{ID: "esempio", Example: true, Publisher: "013", Theme: "GOVE", Frequency: "NEVER", Title: catalog.Text{It: "Esempio"}},
				Current: &v1, History: []catalog.Version{v1}, Downloads: []catalog.Download{dl("esempio", "", "csv")}},
			{Dataset: catalog.Dataset{ID: "mai", Publisher: "013", Theme: "GOVE", Frequency: "NEVER", Title: catalog.Text{It: "Mai accettato"}}, Status: catalog.Missing},
		},
	}
}

func TestFixture(t *testing.T) {
	b := fixture()
	out := t.TempDir()
	written, err := dcat.Write(context.Background(), out, b)
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{"catalog.rdf", "catalog.ttl", "catalog.jsonld", "datasets/comuni/comuni.rdf", "datasets/progetti/progetti.rdf"}
	if !slices.Equal(written, wantFiles) {
		t.Errorf("written %v, want %v", written, wantFiles)
	}
	g := parse(t, filepath.Join(out, "catalog.rdf"))
	want, _ := dcat.Graph(b)
	diff(t, "catalog.rdf", g, want)

	ds := rdf.NewIRI("https://dati.example.org/datasets/progetti/")
	tests := []struct {
		name string
		s    rdf.Term
		p    string
		want []rdf.Term
	}{
		{"escaped title survives", ds, dcat.DCT + "title", []rdf.Term{rdf.NewLang(`Progetti "PNRR" </dct:title><x/> & più`, "it"), rdf.NewLang("Projects", "en")}},
		{"issued is the first version", ds, dcat.DCT + "issued", []rdf.Term{rdf.NewTyped("2026-10-01", rdf.XSDDate)}},
		{"modified is the current version", ds, dcat.DCT + "modified", []rdf.Term{rdf.NewTyped("2026-11-20", rdf.XSDDate)}},
		{"rights holder is the comune by its IPA code", rdf.NewIRI("https://dati.example.org/#org-c_b639"), dcat.DCT + "identifier", []rdf.Term{rdf.NewString("c_b639")}},
		{"end of period", rdf.NewIRI(ds.Value + "#temporal"), dcat.DCATAPIT + "endDate", []rdf.Term{rdf.NewTyped("2026-12-31", rdf.XSDDate)}},
		{"licence of the dataset", rdf.NewIRI(ds.Value + "#csv"), dcat.DCT + "license", []rdf.Term{rdf.NewIRI("https://w3id.org/italia/controlled-vocabulary/licences/A11_CCO10")}},
		{"old version keeps its address", rdf.NewIRI(ds.Value + "#aaaaaaaaaaaa-csv"), dcat.DCAT + "downloadURL", []rdf.Term{rdf.NewIRI("https://dati.example.org/datasets/progetti/aaaaaaaaaaaa/progetti.csv")}},
		{"old version has its date", rdf.NewIRI(ds.Value + "#aaaaaaaaaaaa-csv"), dcat.DCT + "issued", []rdf.Term{rdf.NewTyped("2026-10-01", rdf.XSDDate)}},
		{"media type without parameters", rdf.NewIRI(ds.Value + "#csv"), dcat.DCAT + "mediaType", []rdf.Term{rdf.NewIRI("https://www.iana.org/assignments/media-types/text/csv")}},
		{"catalog date is the newest version", rdf.NewIRI("https://dati.example.org/"), dcat.DCT + "modified", []rdf.Term{rdf.NewTyped("2026-11-20", rdf.XSDDate)}},
		{"four distributions, no schema", ds, dcat.DCAT + "distribution", []rdf.Term{
			rdf.NewIRI(ds.Value + "#aaaaaaaaaaaa-csv"), rdf.NewIRI(ds.Value + "#bbbbbbbbbbbb-csv"), rdf.NewIRI(ds.Value + "#csv"), rdf.NewIRI(ds.Value + "#xlsx")}},
		{"no example nor unpublished dataset", rdf.NewIRI("https://dati.example.org/"), dcat.DCAT + "dataset", []rdf.Term{
			rdf.NewIRI("https://dati.example.org/datasets/comuni/"), ds}},
		{"catalog issued with its oldest version", rdf.NewIRI("https://dati.example.org/"), dcat.DCT + "issued", []rdf.Term{rdf.NewTyped("2026-10-01", rdf.XSDDate)}},
		{"home page is a document", rdf.NewIRI("https://dati.example.org/"), rdf.RDFType, []rdf.Term{
			rdf.NewIRI(dcat.DCATAPIT + "Catalog"), rdf.NewIRI(dcat.DCAT + "Catalog"), rdf.NewIRI(dcat.FOAF + "Document")}},
		{"one name for an agent, the official one", rdf.NewIRI("https://dati.example.org/#org-c_b639"), dcat.FOAF + "name", []rdf.Term{rdf.NewLang("Comune di Cantù", "it")}},
		{"contact named after the publisher when portal.yaml names no office", rdf.NewIRI("https://dati.example.org/#contact"), dcat.VCARD + "fn", []rdf.Term{rdf.NewString("Provincia di Como")}},
		{"CC0 is public domain", rdf.NewIRI("https://w3id.org/italia/controlled-vocabulary/licences/A11_CCO10"), dcat.DCT + "type", []rdf.Term{rdf.NewIRI("http://purl.org/adms/licencetype/PublicDomain")}},
		{"end of period for ckanext-dcatapit", rdf.NewIRI(ds.Value + "#temporal"), dcat.SCHEMA + "endDate", []rdf.Term{rdf.NewTyped("2026-12-31", rdf.XSDDate)}},
		{"old version last changed when accepted", rdf.NewIRI(ds.Value + "#aaaaaaaaaaaa-csv"), dcat.DCT + "modified", []rdf.Term{rdf.NewTyped("2026-10-01", rdf.XSDDate)}},
		{"conforms to the published schema", ds, dcat.DCT + "conformsTo", []rdf.Term{rdf.NewIRI("https://dati.example.org/datasets/progetti/schema.json")}},
		{"schema named as the catalog names it", rdf.NewIRI("https://dati.example.org/datasets/progetti/schema.json"), dcat.DCT + "identifier", []rdf.Term{rdf.NewString("progetti")}},
		{"no schema file, no standard", rdf.NewIRI("https://dati.example.org/datasets/comuni/"), dcat.DCT + "conformsTo", nil},
		{"no keywords, none made up", rdf.NewIRI("https://dati.example.org/datasets/comuni/"), dcat.DCAT + "keyword", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := g.Objects(tt.s, tt.p)
			slices.SortFunc(got, rdf.Compare)
			slices.SortFunc(tt.want, rdf.Compare)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// TestStandardByAddress: a schema given by its https address is the
// standard itself, whatever copy the portal publishes.
func TestStandardByAddress(t *testing.T) {
	b := fixture()
	const addr = "https://schemi.example.org/progetti.json"
	b.Datasets[1].Dataset.Schema = addr
	g, err := dcat.Graph(b)
	if err != nil {
		t.Fatal(err)
	}
	ds := rdf.NewIRI("https://dati.example.org/datasets/progetti/")
	if got := g.Objects(ds, dcat.DCT+"conformsTo"); !slices.Equal(got, []rdf.Term{rdf.NewIRI(addr)}) {
		t.Fatalf("conforms to %v", got)
	}
	std := rdf.NewIRI(addr)
	for _, tt := range []struct {
		p    string
		want rdf.Term
	}{
		{dcat.DCT + "identifier", rdf.NewString(addr)},
		{dcat.DCATAPIT + "referenceDoc", rdf.NewTyped(addr, rdf.XSDNS+"anyURI")},
		{dcat.DCATAPIT + "referenceDocumentation", rdf.NewTyped(addr, rdf.XSDNS+"anyURI")},
		{dcat.DCT + "title", rdf.NewLang("Schema "+addr, "it")},
	} {
		if got := g.Objects(std, tt.p); !slices.Equal(got, []rdf.Term{tt.want}) {
			t.Errorf("%s: %v, want %v", tt.p, got, tt.want)
		}
	}
}

func TestUnknownLicenceIsAnError(t *testing.T) {
	b := fixture()
	b.Datasets[1].Dataset.License = "WTFPL"
	if _, err := dcat.Graph(b); err == nil || !strings.Contains(err.Error(), "WTFPL") {
		t.Errorf("error %v, want one naming the licence", err)
	}
}

// TestRapperAgrees has Raptor's rapper, an independent RDF parser, read
// the RDF/XML and Turtle files where it is installed (Debian package
// raptor2-utils): both must give the triples of the catalog.
func TestRapperAgrees(t *testing.T) {
	rapper, err := exec.LookPath("rapper")
	if err != nil {
		t.Skip("rapper not installed (apt-get install raptor2-utils)")
	}
	b, out := demo(t)
	if _, err := dcat.Write(context.Background(), out, b); err != nil {
		t.Fatal(err)
	}
	want, _ := dcat.Graph(b)
	for _, f := range []struct{ file, syntax string }{{dcat.FileRDF, "rdfxml"}, {dcat.FileTurtle, "turtle"}} {
		nt, err := exec.Command(rapper, "-q", "-i", f.syntax, "-o", "ntriples", filepath.Join(out, f.file)).Output()
		if err != nil {
			t.Fatalf("rapper %s: %v", f.file, err)
		}
		got, err := rdf.ParseNTriples(bytes.NewReader(nt))
		if err != nil {
			t.Fatal(err)
		}
		diff(t, f.file+" read by rapper", got, want)
	}
	// The file of each dataset, which a harvester may read alone.
	for i := range b.Datasets {
		st := &b.Datasets[i]
		if !dcat.Published(st) {
			continue
		}
		p := filepath.Join(out, "datasets", st.Dataset.ID, st.Dataset.ID+".rdf")
		nt, err := exec.Command(rapper, "-q", "-i", "rdfxml", "-o", "ntriples", p).Output()
		if err != nil {
			t.Fatalf("rapper %s: %v", p, err)
		}
		got, err := rdf.ParseNTriples(bytes.NewReader(nt))
		if err != nil {
			t.Fatal(err)
		}
		diff(t, st.Dataset.ID+".rdf read by rapper", got, want.Closure(rdf.NewIRI(dcat.DatasetIRI(b.Portal.BaseURL, st.Dataset.ID))))
	}
}

func BenchmarkWrite(b *testing.B) {
	build, _ := demo(b)
	out := b.TempDir()
	for b.Loop() {
		if _, err := dcat.Write(context.Background(), out, build); err != nil {
			b.Fatal(err)
		}
	}
}
