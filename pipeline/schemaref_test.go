package pipeline

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provincia-como/opendata/datasets"
	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/config"
	"github.com/provincia-como/opendata/pipeline/source"
	"github.com/provincia-como/opendata/pipeline/store"
)

// The permits of two comuni, checked against a Table Schema of the
// Province: codes must be in the registry of comuni (a foreign key).
const permessiCSV = "Numero;Codice comune;Superficie\nPC-1;013075;120,5\nPC-2;013041;80\n"

const permessiTS = `{
  "title": "Permessi di costruire",
  "fields": [
    {"name": "numero", "title": "Numero", "constraints": {"required": true}},
    {"name": "codice_comune", "title": "Codice comune", "x-code": true, "constraints": {"pattern": "[0-9]{6}"}},
    {"name": "superficie", "title": "Superficie", "type": "number", "constraints": {"minimum": 0}}
  ],
  "primaryKey": "numero",
  "foreignKeys": [
    {"fields": "codice_comune", "reference": {"resource": "comuni", "fields": "codice_istat"}}
  ]
}`

// permessiStricter is the same schema after the Province raised the least
// surface: the published PC-2 (80) no longer passes.
var permessiStricter = strings.Replace(permessiTS, `"minimum": 0`, `"minimum": 100`, 1)

// schemaServer serves a schema document over TLS, like a ministry's site.
type schemaServer struct {
	mu          sync.Mutex
	body, etag  string
	status      int
	contentType string
	gets        int
	notModified int
}

func (s *schemaServer) set(body, etag string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.etag, s.status, s.contentType = body, etag, 0, "application/json"
}

func (s *schemaServer) fail(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = status
}

func (s *schemaServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.status != 0 {
		http.Error(w, "servizio non disponibile", s.status)
		return
	}
	if s.etag != "" && r.Header.Get("If-None-Match") == s.etag {
		s.notModified++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.gets++
	w.Header().Set("ETag", s.etag)
	w.Header().Set("Content-Type", s.contentType)
	io.WriteString(w, s.body)
}

type refFixture struct {
	t       *testing.T
	dir     string
	cfg     Config
	srv     *httptest.Server
	schemas *schemaServer
	now     time.Time
}

// newRefFixture writes a catalog with the registry of comuni and one
// dataset of permits whose schema is ref.
func newRefFixture(t *testing.T, ref string, extra map[string]string) *refFixture {
	t.Helper()
	f := &refFixture{t: t, dir: t.TempDir(), schemas: &schemaServer{}, now: time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)}
	f.schemas.set(permessiTS, `"s1"`)
	f.srv = httptest.NewTLSServer(f.schemas)
	t.Cleanup(f.srv.Close)
	ref = strings.ReplaceAll(ref, "{srv}", f.srv.URL)
	files := map[string]string{
		"portal.yaml":       portalYAML,
		"data/comuni.csv":   comuniCSV,
		"data/permessi.csv": permessiCSV,
		"comuni.yaml": `id: comuni
title: {it: Comuni}
description: {it: Elenco dei comuni.}
publisher: "013"
theme: REGI
frequency: ANNUAL
schema: comuni
source: {path: data/comuni.csv}
`,
		"permessi.yaml": `id: permessi
title: {it: Permessi di costruire}
description: {it: Permessi rilasciati dai comuni.}
publisher: "013"
theme: REGI
frequency: MONTHLY
schema: ` + ref + `
source: {path: data/permessi.csv}
`,
		"schemas/permessi.json": permessiTS,
	}
	for name, body := range extra {
		files[name] = body
	}
	for name, body := range files {
		f.write(name, body)
	}
	f.cfg = Config{Catalog: os.DirFS(filepath.Join(f.dir, "catalog")), OutDir: filepath.Join(f.dir, "public"), StateDir: filepath.Join(f.dir, "state")}
	return f
}

func (f *refFixture) write(name, body string) {
	f.t.Helper()
	p := filepath.Join(f.dir, "catalog", name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f *refFixture) run() (*Result, error) {
	fetch := source.New(f.cfg.Catalog, nil)
	fetch.Client = f.srv.Client()
	fetch.Backoff = time.Millisecond
	fetch.Attempts = 2
	clock := func() time.Time { return f.now }
	fetch.Now = clock
	return Run(context.Background(), f.cfg, Deps{Fetcher: fetch, Now: clock})
}

func (f *refFixture) mustRun() *Result {
	f.t.Helper()
	res, err := f.run()
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

func (f *refFixture) permessi(res *Result) catalog.DatasetState {
	f.t.Helper()
	for _, d := range res.Build.Datasets {
		if d.Dataset.ID == "permessi" {
			return d
		}
	}
	f.t.Fatal("no dataset permessi")
	return catalog.DatasetState{}
}

// published checks that the permits' published version and its download
// are still there.
func (f *refFixture) published(version string) {
	f.t.Helper()
	st, err := store.Open(f.cfg.StateDir)
	if err != nil {
		f.t.Fatal(err)
	}
	rec, err := st.Load("permessi")
	if err != nil || rec.Current != version {
		f.t.Fatalf("published version %q, want %q (%v)", rec.Current, version, err)
	}
	if _, err := os.Stat(filepath.Join(f.cfg.OutDir, "datasets", "permessi", "permessi.csv")); err != nil {
		f.t.Fatalf("the published download is gone: %v", err)
	}
}

func TestSchemaAtHTTPSAddress(t *testing.T) {
	f := newRefFixture(t, "{srv}/schemi/permessi.json", nil)
	url := f.srv.URL + "/schemi/permessi.json"

	res := f.mustRun()
	p := f.permessi(res)
	src := p.SchemaSource
	if p.Status != catalog.Accepted || src == nil || src.Kind != config.SchemaURL || src.Format != "tableschema" || src.Checksum != checksum([]byte(permessiTS)) || !src.Fetched.Equal(f.now) {
		t.Fatalf("first run: %s, schema %+v", p.Status, src)
	}
	if s := res.Build.Schemas[url]; s == nil || len(s.Fields) != 3 {
		t.Fatalf("the build does not describe the schema at %s: %+v", url, s)
	}
	version := p.Current.ID

	// Unchanged: a conditional request answered 304, the copy serves.
	f.now = f.now.Add(time.Hour)
	gets := f.schemas.gets
	p = f.permessi(f.mustRun())
	if f.schemas.gets != gets || f.schemas.notModified != 1 || p.SchemaSource.Checksum != src.Checksum || p.Recheck != nil {
		t.Fatalf("unchanged schema: %d downloads, %d 304s, %+v", f.schemas.gets-gets, f.schemas.notModified, p.SchemaSource)
	}

	// A new title only: the data passes again, same version, but the page
	// describing the schema must be rebuilt.
	retitled := strings.Replace(permessiTS, "Permessi di costruire", "Permessi di costruire rilasciati", 1)
	f.schemas.set(retitled, `"s1b"`)
	res = f.mustRun()
	p = f.permessi(res)
	if p.Current.ID != version || p.Recheck != nil || p.SchemaSource.Checksum != checksum([]byte(retitled)) || !res.Changed() || res.Build.Schemas[url].Title.It != "Permessi di costruire rilasciati" {
		t.Fatalf("retitled schema: current %s, changed %v, %+v", p.Current.ID, res.Changed(), p.SchemaSource)
	}

	// Changed: the published version is checked again; it no longer passes
	// and stays published with a warning.
	f.schemas.set(permessiStricter, `"s2"`)
	f.now = f.now.Add(time.Hour)
	p = f.permessi(f.mustRun())
	if p.SchemaSource.Checksum != checksum([]byte(permessiStricter)) || !p.SchemaSource.Fetched.Equal(f.now) {
		t.Fatalf("changed schema not taken: %+v", p.SchemaSource)
	}
	if p.Status != catalog.Accepted || p.Current.ID != version || p.Recheck == nil || !strings.Contains(p.Recheck.Reason.It, "permessi.csv:3:3") {
		t.Fatalf("recheck: status %s, current %v, recheck %+v", p.Status, p.Current, p.Recheck)
	}
	f.published(version)

	// Down: the last good copy (the changed one) serves, with a warning.
	f.schemas.fail(http.StatusServiceUnavailable)
	p = f.permessi(f.mustRun())
	if p.SchemaSource.Checksum != checksum([]byte(permessiStricter)) || p.SchemaSource.Warning.IsZero() || !strings.Contains(p.SchemaSource.Warning.En, "503") {
		t.Fatalf("schema address down: %+v", p.SchemaSource)
	}
	if p.Status != catalog.Accepted || p.Recheck == nil {
		t.Fatalf("schema address down: %s, recheck %+v", p.Status, p.Recheck)
	}

	// Back, and the Province relaxes the schema again: the published
	// version passes and the warning goes.
	f.schemas.set(permessiTS, `"s3"`)
	res = f.mustRun()
	p = f.permessi(res)
	if p.Recheck != nil || !p.SchemaSource.Warning.IsZero() || p.Current.ID != version || !res.Changed() {
		t.Fatalf("relaxed schema: recheck %+v, source %+v", p.Recheck, p.SchemaSource)
	}
}

// An address that cannot give a schema, and of which no copy is kept,
// stops the build with a message naming it.
func TestSchemaAddressWithoutCopy(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*schemaServer)
		words string
	}{
		{"down", func(s *schemaServer) { s.fail(http.StatusBadGateway) }, "502"},
		{"web page", func(s *schemaServer) {
			s.set("<!doctype html><html><body>Accedi</body></html>", `"p"`)
			s.contentType = "text/html; charset=utf-8"
		}, "web page"},
		{"web page sent as JSON", func(s *schemaServer) {
			s.set("<!doctype html><html><body>Accedi</body></html>", `"p"`)
		}, "web page (HTML)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newRefFixture(t, "{srv}/permessi.json", nil)
			tt.setup(f.schemas)
			_, err := f.run()
			var ce *config.Error
			if !errors.As(err, &ce) || ce.File != f.srv.URL+"/permessi.json" || !strings.Contains(ce.Message.En, tt.words) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

// A broken schema file stops the build with its file and line, and nothing
// published is lost.
func TestBrokenSchemaFileStopsTheBuild(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		lines []int
		words []string
	}{
		{"not JSON", strings.Replace(permessiTS, `"Numero",`, `"Numero"`, 1), []int{4}, []string{"not valid JSON (line 4"}},
		{"unknown type", strings.Replace(permessiTS, `"type": "number"`, `"type": "decimale"`, 1), []int{6}, []string{`unknown type "decimale"`}},
		{"foreign key to a missing dataset", strings.Replace(permessiTS, `"resource": "comuni"`, `"resource": "comuni-italia"`, 1), []int{10}, []string{`"comuni-italia", which is not in the catalog`}},
		{"foreign key to a missing field", strings.Replace(permessiTS, `"fields": "codice_istat"`, `"fields": "istat"`, 1), []int{10}, []string{`field "istat"`}},
		{"JSON Schema that does not compile", `{
  "type": "object",
  "properties": {
    "numero": {"type": "text"}
  }
}`, []int{4}, []string{`"/properties/numero/type"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newRefFixture(t, "schemas/permessi.json", nil)
			res := f.mustRun()
			p := f.permessi(res)
			if p.Status != catalog.Accepted || p.SchemaSource.Kind != config.SchemaFile {
				t.Fatalf("first run: %s %+v", p.Status, p.SchemaSource)
			}
			f.write("schemas/permessi.json", tt.doc)
			_, err := f.run()
			if err == nil {
				t.Fatal("the build went on with a broken schema")
			}
			var got []*config.Error
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var ce *config.Error
				if !errors.As(e, &ce) {
					t.Fatalf("%v is not a *config.Error", e)
				}
				got = append(got, ce)
			}
			if len(got) != len(tt.lines) {
				t.Fatalf("got %v", err)
			}
			for i, ce := range got {
				if ce.File != "schemas/permessi.json" || ce.Line != tt.lines[i] || !strings.Contains(ce.Message.En, tt.words[i]) || ce.Message.It == "" {
					t.Errorf("got %s:%d %s", ce.File, ce.Line, ce.Message.En)
				}
			}
			f.published(p.Current.ID)
		})
	}
}

// A dataset is checked after the datasets its foreign keys point to, even
// when its id comes first; a cycle is an error of the catalog.
func TestForeignKeysOrderTheRun(t *testing.T) {
	// "a-sportelli" points to "z-uffici", which sorts and would run after it.
	uffici := `{"fields": [{"name": "codice"}, {"name": "nome"}], "primaryKey": "codice"}`
	sportelli := `{"fields": [{"name": "ufficio", "constraints": {"required": true}}, {"name": "orario"}],
  "foreignKeys": [{"fields": "ufficio", "reference": {"resource": "z-uffici", "fields": "codice"}}]}`
	ds := func(id, schema, path string) string {
		return "id: " + id + "\ntitle: {it: " + id + "}\ndescription: {it: Prova.}\npublisher: \"013\"\ntheme: GOVE\nfrequency: ANNUAL\nschema: " + schema + "\nsource: {path: " + path + "}\n"
	}
	extra := map[string]string{
		"schemas/uffici.json":    uffici,
		"schemas/sportelli.json": sportelli,
		"data/uffici.csv":        "Codice;Nome\nURP;Ufficio relazioni con il pubblico\nTRIB;Tributi\n",
		"data/sportelli.csv":     "Ufficio;Orario\nURP;9-12\nANAG;14-16\n",
		"z-uffici.yaml":          ds("z-uffici", "schemas/uffici.json", "data/uffici.csv"),
		"a-sportelli.yaml":       ds("a-sportelli", "schemas/sportelli.json", "data/sportelli.csv"),
	}
	f := newRefFixture(t, "schemas/permessi.json", extra)
	res := f.mustRun()
	var got catalog.DatasetState
	for _, d := range res.Build.Datasets {
		if d.Dataset.ID == "a-sportelli" {
			got = d
		}
	}
	if got.Status != catalog.Refused || got.Latest == nil || len(got.Latest.Issues) != 1 {
		t.Fatalf("a-sportelli: %s %+v", got.Status, got.Latest)
	}
	if is := got.Latest.Issues[0]; is.Rule != "foreign-key" || is.Ref.String() != "sportelli.csv:3:1" || !strings.Contains(is.Message.It, "«ANAG»") {
		t.Errorf("issue: %s [%s] %s", is.Ref, is.Rule, is.Message.It)
	}

	// Uffici now points back at sportelli: a cycle.
	f.write("schemas/uffici.json", `{"fields": [{"name": "codice"}, {"name": "nome"}],
  "foreignKeys": [{"fields": "codice", "reference": {"resource": "a-sportelli", "fields": "ufficio"}}]}`)
	_, err := f.run()
	var ce *config.Error
	if !errors.As(err, &ce) || !strings.Contains(ce.Message.En, "cycle (a-sportelli, z-uffici)") {
		t.Fatalf("cycle: %v", err)
	}
}

// Table Schema's missingValues are blanks: "N/D" in a number column is no
// value, not a bad number.
func TestMissingValuesOfTableSchema(t *testing.T) {
	extra := map[string]string{
		"data/permessi.csv":     "Numero;Codice comune;Superficie\nPC-1;013075;N/D\nPC-2;N/D;80\n",
		"schemas/permessi.json": strings.Replace(permessiTS, `"primaryKey"`, `"missingValues": ["", "N/D"], "primaryKey"`, 1),
	}
	f := newRefFixture(t, "schemas/permessi.json", extra)
	p := f.permessi(f.mustRun())
	if p.Status != catalog.Accepted || p.Preview == nil {
		t.Fatalf("N/D as missing: %s %+v", p.Status, p.Latest)
	}
	for _, r := range p.Preview.Rows {
		for _, c := range r.Cells {
			if c.Raw == "N/D" && c.Value != nil {
				t.Errorf("N/D read as %v", c.Value)
			}
		}
	}
}

// The demo catalog's dataset checked with a Table Schema file of the
// catalog is published, its ISTAT codes found in the registry (a foreign
// key) and the address the source leaves blank read as missing.
func TestDemoCatalogSchemaFile(t *testing.T) {
	dir := t.TempDir()
	res, err := Run(context.Background(), Config{Catalog: datasets.FS, OutDir: filepath.Join(dir, "public"), StateDir: filepath.Join(dir, "state")}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Build.Datasets {
		if d.Dataset.ID != "localizzazione-pnrr-como" {
			continue
		}
		if d.Status != catalog.Accepted || d.Current == nil || d.Current.Rows != 37 {
			t.Fatalf("status %s, latest %+v", d.Status, d.Latest)
		}
		if src := d.SchemaSource; src == nil || src.Kind != config.SchemaFile || src.Format != "tableschema" || src.Ref != "schemas/localizzazione-pnrr.json" {
			t.Errorf("schema source %+v", d.SchemaSource)
		}
		if d.Latest != nil && len(d.Latest.Issues) > 0 {
			t.Errorf("issues: %+v", d.Latest.Issues)
		}
		t2, err := d.LoadTable()
		if err != nil {
			t.Fatal(err)
		}
		codes := t2.ColumnOf("codice_istat")
		addr := t2.ColumnOf("indirizzo")
		if codes < 0 || addr < 0 || t2.Rows[0].Cells[codes].Value != "013010" || t2.Rows[0].Cells[addr].Value != nil {
			t.Errorf("first row: %+v (codes %d, address %d)", t2.Rows[0].Cells, codes, addr)
		}
		return
	}
	t.Fatal("the demo catalog has no localizzazione-pnrr-como")
}

// The checker behind `opendata check` and the upload desk takes a schema at
// an https address, and checks foreign keys against the registry file of
// the catalog.
func TestCheckerSchemaAtAddress(t *testing.T) {
	f := newRefFixture(t, "schemas/permessi.json", nil)
	fetch := source.New(f.cfg.Catalog, nil)
	fetch.Client, fetch.Backoff, fetch.Attempts, fetch.JSON = f.srv.Client(), time.Millisecond, 2, true
	c, err := NewCheckerWith(context.Background(), f.cfg.Catalog, nil, fetch)
	if err != nil {
		t.Fatal(err)
	}
	url := f.srv.URL + "/permessi.json"
	if _, err := c.Use(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	issues, _, err := c.Check(context.Background(), url, "permessi.csv", []byte("Numero;Codice comune;Superficie\nPC-1;013075;12\nPC-2;013999;-1\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, is := range issues {
		got = append(got, is.Ref.String()+" "+is.Rule)
	}
	if strings.Join(got, ", ") != "permessi.csv:3:2 foreign-key, permessi.csv:3:3 minimum" {
		t.Errorf("issues: %v", got)
	}
	f.schemas.set("<html>Accesso negato</html>", `"x"`)
	f.schemas.contentType = "text/html"
	if _, err := c.Use(context.Background(), f.srv.URL+"/altro.json"); err == nil || !strings.Contains(err.Error(), f.srv.URL+"/altro.json") {
		t.Errorf("a web page in place of a schema: %v", err)
	}
}
