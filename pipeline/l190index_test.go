package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/source"
)

// corpusL190 reads a file of ../shared/corpus/l190, or skips.
func corpusL190(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "corpus", "l190", name))
	if err != nil {
		t.Skip("corpus not available:", err)
	}
	return data
}

// indexXML writes an index (indici, after ANAC's v1.3 XSD) listing links,
// one dataset element per line from line 13.
func indexXML(links ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<legge190:indici xmlns:legge190="legge190_1_0">
  <metadata>
    <titolo>Indice</titolo><abstract>Indice dei dataset</abstract>
    <dataPubblicazioneIndice>2025-01-20</dataPubblicazioneIndice>
    <entePubblicatore>Comune di Prova</entePubblicatore>
    <dataUltimoAggiornamentoIndice>2025-01-20</dataUltimoAggiornamentoIndice>
    <annoRiferimento>2024</annoRiferimento>
    <urlFile>https://example.org/l190/indice.xml</urlFile>
    <licenza>IODL 2.0</licenza>
  </metadata>
  <indice>
`)
	for i, l := range links {
		fmt.Fprintf(&b, "    <dataset id=\"ID_%d\"><linkDataset>%s</linkDataset><dataUltimoAggiornamento>2025-01-20</dataUltimoAggiornamento></dataset>\n", i+1, l)
	}
	b.WriteString("  </indice>\n</legge190:indici>\n")
	return b.String()
}

// linkLine is the line of the n-th (1-based) link of indexXML.
func linkLine(n int) int { return 12 + n }

// l190Server is a comune's server on loopback: files by path, with ETags,
// and handlers for the hostile ones. It counts the requests and the 304s.
type l190Server struct {
	mu       sync.Mutex
	files    map[string]string
	special  map[string]http.HandlerFunc
	requests map[string]int
	notMod   atomic.Int32
	srv      *httptest.Server
}

func newL190Server(t testing.TB) *l190Server {
	s := &l190Server{files: map[string]string{}, special: map[string]http.HandlerFunc{}, requests: map[string]int{}}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *l190Server) set(path, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[path] = body
}

func (s *l190Server) handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.special[path] = h
}

func (s *l190Server) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

func (s *l190Server) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.requests {
		n += c
	}
	return n
}

func (s *l190Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.URL.Path]++
	body, ok := s.files[r.URL.Path]
	h := s.special[r.URL.Path]
	s.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	etag := fmt.Sprintf(`"%x"`, len(body)*31+int(checksumByte(body)))
	if r.Header.Get("If-None-Match") == etag {
		s.notMod.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/xml")
	io.WriteString(w, body)
}

func checksumByte(s string) byte {
	var b byte
	for i := 0; i < len(s); i++ {
		b = b*7 + s[i]
	}
	return b
}

// l190Catalog is a catalog folder with one l190 dataset whose source is
// the given YAML source line.
type l190Catalog struct {
	t   testing.TB
	dir string
	cfg Config
	// maxBytes is the fetcher's size cap.
	maxBytes int64
}

func newL190Catalog(t testing.TB, src string) *l190Catalog {
	dir := t.TempDir()
	c := &l190Catalog{t: t, dir: dir, maxBytes: 8 << 20, cfg: Config{
		Catalog: os.DirFS(filepath.Join(dir, "catalog")), OutDir: filepath.Join(dir, "public"), StateDir: filepath.Join(dir, "state"),
	}}
	c.write("portal.yaml", portalYAML)
	c.write("contratti.yaml", `id: contratti
title: {it: Contratti pubblici}
description: {it: Contratti dell'ente (L. 190/2012).}
publisher: "013"
theme: GOVE
frequency: ANNUAL
schema: l190
source: `+src+`
keywords: [contratti]
`)
	return c
}

func (c *l190Catalog) write(name, body string) {
	c.t.Helper()
	p := filepath.Join(c.dir, "catalog", filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		c.t.Fatal(err)
	}
}

func (c *l190Catalog) run() (catalog.DatasetState, Outcome) {
	c.t.Helper()
	fetch := source.New(c.cfg.Catalog, nil)
	fetch.Backoff = time.Millisecond
	fetch.MaxBytes = c.maxBytes
	res, err := Run(context.Background(), c.cfg, Deps{Fetcher: fetch})
	if err != nil {
		c.t.Fatal(err)
	}
	return res.Build.Datasets[0], res.Outcomes[0]
}

func (c *l190Catalog) csv() string {
	b, err := os.ReadFile(filepath.Join(c.cfg.OutDir, "datasets", "contratti", "contratti.csv"))
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b)
}

// lottoLines are the lines where the lotto elements of data start.
func lottoLines(data []byte) []int {
	var out []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), "<lotto>") {
			out = append(out, n)
		}
	}
	return out
}

// Two years of a public company's real files, listed by an index (one link
// relative, one absolute), are one dataset: the lotti of both, each
// pointing at its file and line; the parties carry the same key.
func TestRunL190IndexRealFiles(t *testing.T) {
	y21, y22 := corpusL190(t, "SITO-Interporto-Torino_2021.xml"), corpusL190(t, "SITO-Interporto-Torino_2022.xml")
	s := newL190Server(t)
	s.set("/l190/2021/SITO-Interporto-Torino_2021.xml", string(y21))
	s.set("/l190/2022/SITO-Interporto-Torino_2022.xml", string(y22))
	s.set("/l190/indice.xml", indexXML("2021/SITO-Interporto-Torino_2021.xml", s.srv.URL+"/l190/2022/SITO-Interporto-Torino_2022.xml"))
	c := newL190Catalog(t, `{url: "`+s.srv.URL+`/l190/indice.xml"}`)
	st, o := c.run()
	if st.Status != catalog.Accepted || st.Current == nil {
		t.Fatalf("status %s, reason %s", st.Status, o.Reason.En)
	}
	l21, l22 := lottoLines(y21), lottoLines(y22)
	if st.Current.Rows != len(l21)+len(l22) || len(l21) != 10 || len(l22) != 200 {
		t.Fatalf("%d rows, want %d+%d", st.Current.Rows, len(l21), len(l22))
	}
	// The checks' warnings name the file they are about, not the index.
	named := map[string]int{}
	for _, is := range st.Latest.Issues {
		named[is.Ref.File]++
	}
	if len(st.Latest.Issues) == 0 || named["SITO-Interporto-Torino_2021.xml"] == 0 || named["SITO-Interporto-Torino_2022.xml"] == 0 || len(named) != 2 {
		t.Errorf("issues by file %v", named)
	}
	tab, err := st.LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	// The 11th lotto is the first of 2022: its file and its line there.
	for _, tc := range []struct {
		row  int
		file string
		line int
	}{{0, "SITO-Interporto-Torino_2021.xml", l21[0]}, {9, "SITO-Interporto-Torino_2021.xml", l21[9]}, {10, "SITO-Interporto-Torino_2022.xml", l22[0]}, {209, "SITO-Interporto-Torino_2022.xml", l22[199]}} {
		rec := tab.Record(tc.row)
		if rec["file_xml"] != tc.file || rec["riga_xml"] != float64(tc.line) {
			t.Errorf("row %d: file_xml %v riga_xml %v, want %s:%d", tc.row, rec["file_xml"], rec["riga_xml"], tc.file, tc.line)
		}
	}
	// Every party joins a lotto by (file_xml, riga_xml).
	keys := map[string]bool{}
	for i := range tab.Rows {
		rec := tab.Record(i)
		keys[fmt.Sprint(rec["file_xml"], rec["riga_xml"])] = true
	}
	files := map[string]bool{}
	for _, rel := range tab.Related {
		if rel.Name == "metadata" {
			if len(rel.Rows) != 2 {
				t.Errorf("metadata: %d rows, want one per file", len(rel.Rows))
			}
			continue
		}
		for i := range rel.Rows {
			rec := rel.Record(i)
			k := fmt.Sprint(rec["file_xml"], rec["riga_xml"])
			if !keys[k] {
				t.Fatalf("%s row %d: key %s joins no lotto", rel.Name, i, k)
			}
			files[rec["file_xml"].(string)] = true
		}
	}
	if len(files) != 2 {
		t.Errorf("parties come from %v, want both files", files)
	}
	// The downloads: the CSV has the column, OCDS packages exist.
	if csv := c.csv(); !strings.Contains(strings.SplitN(csv, "\n", 2)[0], "file_xml") {
		t.Errorf("CSV header: %s", strings.SplitN(csv, "\n", 2)[0])
	}
	var ocdsPkgs int
	for _, d := range st.Downloads {
		if d.Format == "ocds" {
			ocdsPkgs++
		}
	}
	if ocdsPkgs == 0 {
		t.Error("no OCDS package")
	}
}

// A repeated CIG across two files of the year is found, and its warning
// names the second file and its line.
func TestJudgeL190SetCrossFile(t *testing.T) {
	y21 := corpusL190(t, "SITO-Interporto-Torino_2021.xml")
	issues, tab, err := judgeL190Set(context.Background(), l190Schema(t).Info(), "indice.xml", []l190Part{{"a.xml", y21}, {"b.xml", y21}})
	if err != nil || tab == nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 20 {
		t.Fatalf("%d rows, want 20", len(tab.Rows))
	}
	first := lottoLines(y21)[0]
	found := false
	for _, is := range issues {
		if is.Rule == "cig-ripetuto" && is.Ref.File == "b.xml" && is.Ref.Row >= first {
			found = true
		}
		if is.Severity == catalog.Error {
			t.Errorf("error %+v", is)
		}
	}
	if !found {
		t.Error("no repeated-CIG warning naming b.xml")
	}
	// A broken file is named with its line and column; the good one is not.
	broken := []byte(strings.Replace(string(y21), "</oggetto>", "</ogetto>", 1))
	issues, tab, err = judgeL190Set(context.Background(), l190Schema(t).Info(), "indice.xml", []l190Part{{"a.xml", y21}, {"rotto.xml", broken}})
	if err != nil || tab != nil || len(issues) != 1 || issues[0].Ref.File != "rotto.xml" || issues[0].Ref.Row == 0 || issues[0].Ref.Col == 0 {
		t.Fatalf("broken part: %+v", issues)
	}
}

// The bad indices and files: each refused or stale with a message naming
// the index file and line (or the part, line and column), in bounded time
// and memory, and the last good version and its downloads stay published.
func TestRunL190IndexBadInput(t *testing.T) {
	good := string(corpusL190(t, "SITO-Interporto-Torino_2021.xml"))
	var served atomic.Int64 // bytes of the endless file sent
	var many []string
	for i := range 10_000 {
		many = append(many, fmt.Sprintf("parte-%05d.xml", i))
	}
	tests := []struct {
		name   string
		setup  func(s *l190Server)
		status catalog.Status
		rule   string   // of the first issue, when refused
		says   []string // in the Italian reason
		// maxParts bounds the requests for files other than the index (a.xml
		// answers 304, then is fetched in full when the year is judged).
		maxParts int
	}{
		{"itself", func(s *l190Server) { s.set("/l190/indice.xml", indexXML("a.xml", "indice.xml")) },
			catalog.Refused, "l190-indice-ciclo", []string{fmt.Sprintf("indice.xml:%d: Riga %d", linkLine(2), linkLine(2)), "in tondo"}, 0},
		{"10000 files", func(s *l190Server) { s.set("/l190/indice.xml", indexXML(many...)) },
			catalog.Refused, "l190-indice-troppi", []string{"indice.xml", "100 file"}, 0},
		{"fan-out over nested indices", func(s *l190Server) {
			var p, q []string
			for i := 1; i <= 60; i++ {
				p, q = append(p, fmt.Sprintf("p%d.xml", i)), append(q, fmt.Sprintf("q%d.xml", i))
				s.set(fmt.Sprintf("/l190/p%d.xml", i), good)
			}
			s.set("/l190/indice.xml", indexXML("n1.xml", "n2.xml"))
			s.set("/l190/n1.xml", indexXML(p...))
			s.set("/l190/n2.xml", indexXML(q...))
			// n2's 39th link is the 101st file: refused before any q is asked for.
		}, catalog.Refused, "l190-indice-troppi", []string{fmt.Sprintf("n2.xml:%d", linkLine(39)), "più di 100"}, 62},
		{"nested loop", func(s *l190Server) {
			s.set("/l190/indice.xml", indexXML("a.xml", "b/indice-b.xml"))
			s.set("/l190/b/indice-b.xml", indexXML("../indice.xml"))
		}, catalog.Refused, "l190-indice-ciclo", []string{fmt.Sprintf("indice-b.xml:%d", linkLine(1))}, 2},
		{"too deep", func(s *l190Server) {
			s.set("/l190/indice.xml", indexXML("b.xml"))
			s.set("/l190/b.xml", indexXML("c.xml"))
			s.set("/l190/c.xml", indexXML("a.xml"))
		}, catalog.Refused, "l190-indice-profondita", []string{fmt.Sprintf("b.xml:%d", linkLine(1))}, 2},
		{"file link", func(s *l190Server) { s.set("/l190/indice.xml", indexXML("a.xml", "file:///etc/passwd")) },
			catalog.Refused, "l190-indice-link", []string{fmt.Sprintf("indice.xml:%d", linkLine(2)), "file:"}, 0},
		{"data link", func(s *l190Server) { s.set("/l190/indice.xml", indexXML("data:text/xml,&lt;x/&gt;")) },
			catalog.Refused, "l190-indice-link", []string{fmt.Sprintf("indice.xml:%d", linkLine(1)), "data:"}, 0},
		{"duplicate", func(s *l190Server) { s.set("/l190/indice.xml", indexXML("a.xml", "./a.xml")) },
			catalog.Refused, "l190-indice-doppio", []string{fmt.Sprintf("indice.xml:%d", linkLine(2)), "già elencato"}, 0},
		{"empty", func(s *l190Server) { s.set("/l190/indice.xml", indexXML()) },
			catalog.Refused, "l190-indice-vuoto", []string{"non elenca nessun file"}, 0},
		{"html page", func(s *l190Server) {
			s.set("/l190/indice.xml", indexXML("a.xml", "pagina.xml"))
			s.handle("/l190/pagina.xml", func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "<!DOCTYPE html>\n<html><body>Amministrazione trasparente</body></html>")
			})
		}, catalog.Stale, "", []string{fmt.Sprintf("indice.xml, riga %d", linkLine(2)), "pagina web"}, 2},
		{"html labelled xml", func(s *l190Server) {
			s.set("/l190/indice.xml", indexXML("a.xml", "pagina.xml"))
			s.handle("/l190/pagina.xml", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/xml")
				io.WriteString(w, "<!DOCTYPE html>\n<html><body>Amministrazione trasparente</body></html>")
			})
		}, catalog.Refused, "unreadable", []string{"pagina.xml", "pagina web"}, 3},
		{"404", func(s *l190Server) { s.set("/l190/indice.xml", indexXML("a.xml", "manca.xml")) },
			catalog.Stale, "", []string{fmt.Sprintf("indice.xml, riga %d", linkLine(2)), "manca.xml", "errore 404"}, 2},
		{"malformed part", func(s *l190Server) {
			s.set("/l190/indice.xml", indexXML("a.xml", "rotto.xml"))
			s.set("/l190/rotto.xml", strings.Replace(good, "</oggetto>", "</ogetto>", 1))
		}, catalog.Refused, "unreadable", []string{"rotto.xml:", "Riga ", "colonna"}, 3},
		{"2 GB part", func(s *l190Server) {
			s.set("/l190/indice.xml", indexXML("a.xml", "enorme.xml"))
			s.handle("/l190/enorme.xml", endless(&served))
		}, catalog.Stale, "", []string{fmt.Sprintf("indice.xml, riga %d", linkLine(2)), "supera il limite"}, 2},
	}
	for _, tt := range tests {
		served.Store(0)
		t.Run(tt.name, func(t *testing.T) {
			s := newL190Server(t)
			s.set("/l190/a.xml", good)
			s.set("/l190/b.xml", good)
			s.set("/l190/indice.xml", indexXML("a.xml", "b.xml"))
			c := newL190Catalog(t, `{url: "`+s.srv.URL+`/l190/indice.xml"}`)
			c.maxBytes = 4 << 20
			first, _ := c.run()
			if first.Status != catalog.Accepted || first.Current.Rows != 20 {
				t.Fatalf("good index: %s, %+v", first.Status, first.Current)
			}
			csv := c.csv()
			before, indexBefore := s.total(), s.count("/l190/indice.xml")

			s.set("/l190/indice.xml", "")
			tt.setup(s)
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			st, o := c.run()
			runtime.ReadMemStats(&m1)

			if st.Status != tt.status {
				t.Fatalf("status %s, want %s; reason %s", st.Status, tt.status, o.Reason.En)
			}
			if tt.rule != "" && (st.Latest == nil || len(st.Latest.Issues) == 0 || st.Latest.Issues[0].Rule != tt.rule) {
				t.Errorf("issues %+v, want rule %s first", st.Latest, tt.rule)
			}
			for _, want := range tt.says {
				if !strings.Contains(o.Reason.It, want) {
					t.Errorf("reason %q does not say %q", o.Reason.It, want)
				}
			}
			if o.Reason.En == "" || o.Reason.En == o.Reason.It {
				t.Errorf("no English reason: %+v", o.Reason)
			}
			if st.Current == nil || st.Current.ID != first.Current.ID {
				t.Errorf("published version changed: %+v", st.Current)
			}
			if c.csv() != csv {
				t.Error("the published download changed")
			}
			// Bounded: besides the index, at most maxParts requests.
			if n := s.total() - before - (s.count("/l190/indice.xml") - indexBefore); n > tt.maxParts {
				t.Errorf("%d requests for listed files, want at most %d", n, tt.maxParts)
			}
			if sent := served.Load(); sent > 64<<20 {
				t.Errorf("the endless file sent %d MB: the size cap did not stop it", sent>>20)
			}
			// Bounded memory: what the run allocated is far below the 2 GB
			// the endless file would be.
			alloc := m1.TotalAlloc - m0.TotalAlloc
			if alloc > 512<<20 {
				t.Errorf("the run allocated %d MB", alloc>>20)
			}
			t.Logf("second run: %d MB allocated, %d requests, %d KB of the endless file sent", alloc>>20, s.total()-before, served.Load()>>10)
		})
	}
}

// endless serves an XML file that never ends (2 GB and more): its head,
// then lotti, until the client hangs up; sent counts the bytes written.
func endless(sent *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, `<?xml version="1.0"?><legge190:pubblicazione xmlns:legge190="legge190_1_0"><data>`)
		chunk := []byte(strings.Repeat("<lotto><cig>Z000000000</cig><oggetto>riempitivo</oggetto></lotto>\n", 1024))
		for written := 0; written < 2<<30; written += len(chunk) {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}
}

// The files of an index are asked for with their validators: when nothing
// changed they answer 304 and the dataset is not judged again; when one
// changes, the year is judged from every file's bytes.
func TestRunL190IndexConditional(t *testing.T) {
	y21 := string(corpusL190(t, "SITO-Interporto-Torino_2021.xml"))
	y22 := string(corpusL190(t, "SITO-Interporto-Torino_2022.xml"))
	s := newL190Server(t)
	s.set("/l190/a.xml", y21)
	s.set("/l190/b.xml", y22)
	s.set("/l190/indice.xml", indexXML("a.xml", "b.xml"))
	c := newL190Catalog(t, `{url: "`+s.srv.URL+`/l190/indice.xml"}`)
	st, o := c.run()
	if st.Status != catalog.Accepted || !o.New || st.Current.Rows != 210 {
		t.Fatalf("first run: %s %+v", st.Status, o)
	}
	v1 := st.Current.ID

	st, o = c.run()
	if o.Changed || o.New || st.Current.ID != v1 || s.notMod.Load() != 2 {
		t.Fatalf("unchanged run: %+v, %d answers 304", o, s.notMod.Load())
	}

	// One lotto less in b.xml: a new version of 209 lotti; a.xml, which
	// answered 304, is fetched again in full.
	lines := strings.SplitAfter(y22, "\n")
	l := lottoLines([]byte(y22))
	s.set("/l190/b.xml", strings.Join(append(cloneLines(lines[:l[0]-1]), lines[l[1]-1:]...), ""))
	aBefore := s.count("/l190/a.xml")
	st, o = c.run()
	if st.Status != catalog.Accepted || !o.New || st.Current.Rows != 209 {
		t.Fatalf("changed run: %s %+v", st.Status, o)
	}
	if got := s.count("/l190/a.xml") - aBefore; got != 2 {
		t.Errorf("a.xml asked %d times, want a conditional request and a full one", got)
	}
}

func cloneLines(s []string) []string { return append([]string(nil), s...) }

// An index in the catalog folder: its relative links are files beside it,
// never above the catalog folder; `opendata check` (CheckFile) follows the
// same links from the index's folder on disk.
func TestL190LocalIndex(t *testing.T) {
	y21 := string(corpusL190(t, "SITO-Interporto-Torino_2021.xml"))
	y22 := string(corpusL190(t, "SITO-Interporto-Torino_2022.xml"))
	c := newL190Catalog(t, `{path: data/l190/indice.xml}`)
	c.write("data/l190/2021.xml", y21)
	c.write("data/l190/anni/2022.xml", y22)
	c.write("data/l190/indice.xml", indexXML("2021.xml", "anni/2022.xml"))
	st, o := c.run()
	if st.Status != catalog.Accepted || st.Current.Rows != 210 {
		t.Fatalf("local index: %s, %s", st.Status, o.Reason.En)
	}
	tab, err := st.LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	if rec := tab.Record(10); rec["file_xml"] != "2022.xml" {
		t.Errorf("row 10: file_xml %v", rec["file_xml"])
	}
	// Unchanged local files are not judged again.
	if _, o := c.run(); o.Changed || o.New {
		t.Errorf("unchanged local index: %+v", o)
	}

	c.write("fuori.xml", y21)
	c.write("data/l190/indice.xml", indexXML("2021.xml", "../../../fuori.xml"))
	st, o = c.run()
	if st.Status != catalog.Refused || !strings.Contains(o.Reason.It, "esce dalla cartella del catalogo") || !strings.Contains(o.Reason.It, fmt.Sprintf("indice.xml:%d", linkLine(2))) {
		t.Errorf("escaping link: %s, %s", st.Status, o.Reason.It)
	}

	// The check from the disk.
	checker, err := NewChecker(context.Background(), os.DirFS(filepath.Join(c.dir, "catalog")), nil)
	if err != nil {
		t.Fatal(err)
	}
	idx := filepath.Join(c.dir, "catalog", "data", "l190", "indice-check.xml")
	body := indexXML("2021.xml", "anni/2022.xml")
	if err := os.WriteFile(idx, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	issues, tab, err := checker.CheckFile(context.Background(), L190Schema, idx, []byte(body), "")
	if err != nil || tab == nil || catalog.Blocking(issues) || len(tab.Rows) != 210 {
		t.Fatalf("check of a local index: %v, %v", err, catalog.FirstReason(issues).En)
	}
	// The check of the bytes alone (the desk) has no folder: the relative
	// links start from urlFile, an address of example.org that does not
	// answer here, so the check says the file could not be fetched.
	body = strings.Replace(indexXML("2021.xml"), "https://example.org/l190/indice.xml", "", 1)
	issues, _, err = checker.Check(context.Background(), L190Schema, "indice.xml", []byte(body), "")
	if err != nil || len(issues) != 1 || issues[0].Rule != "l190-indice-link" || !strings.Contains(issues[0].Message.En, "uploaded") {
		t.Errorf("uploaded index without urlFile: %v %+v", err, issues)
	}
}

// A version stored before file_xml (no such column) still exports its
// downloads and its OCDS packages.
func TestL190VersionWithoutFileXML(t *testing.T) {
	_, tab, err := judge(context.Background(), l190Schema(t), nil, nil, "contratti.xml", []byte(l190Groups), "")
	if err != nil || tab == nil {
		t.Fatal(err)
	}
	strip := func(src *catalog.Table) *catalog.Table {
		out := *src
		c := src.ColumnOf(fieldFileXML)
		out.Columns = append(append([]catalog.Column(nil), src.Columns[:c]...), src.Columns[c+1:]...)
		out.Rows = nil
		for _, r := range src.Rows {
			out.Rows = append(out.Rows, catalog.Row{Line: r.Line, Cells: append(append([]catalog.Cell(nil), r.Cells[:c]...), r.Cells[c+1:]...)})
		}
		return &out
	}
	old := strip(tab)
	old.Related = nil
	for _, r := range tab.Related {
		old.Related = append(old.Related, strip(r))
	}
	files, ok := ocdsFiles(old)
	if !ok || len(files) != 1 || len(files[0].Lotti.Rows) != 1 {
		t.Fatalf("old version: %v, %+v", ok, files)
	}
	out := t.TempDir()
	v := catalog.Version{ID: "bbbbbbbbbbbb", Accepted: time.Date(2025, 1, 31, 9, 0, 0, 0, time.UTC)}
	st := &catalog.DatasetState{Dataset: catalog.Dataset{ID: "contratti", Schema: L190Schema}, Current: &v, Table: old}
	d, err := writeOCDS(context.Background(), out, catalog.Portal{Publisher: catalog.Publisher{IPA: "P_CO"}}, st)
	if err != nil || len(d) != 1 {
		t.Fatalf("OCDS of an old version: %v, %+v", err, d)
	}
}

// BenchmarkFollowL190Index follows an index of 12 files (a year split by
// month; each a copy of the real 2022 file: 200 lotti, 346 KB, many
// bidders) on loopback: "fetch" only downloads them, "judge" also reads
// and checks them as one dataset, as a run does when the year changed.
func BenchmarkFollowL190Index(b *testing.B) {
	y22 := string(corpusL190(b, "SITO-Interporto-Torino_2022.xml"))
	s := newL190Server(b)
	var links []string
	for m := 1; m <= 12; m++ {
		name := fmt.Sprintf("2024-%02d.xml", m)
		s.set("/l190/"+name, y22)
		links = append(links, name)
	}
	index := indexXML(links...)
	top, err := parsePlace(s.srv.URL + "/l190/indice.xml")
	if err != nil {
		b.Fatal(err)
	}
	fetch := xmlFetcher(source.New(nil, nil))
	info := l190Schema(b).Info()
	ctx := context.Background()
	for _, judge := range []bool{false, true} {
		name := "fetch"
		if judge {
			name = "judge"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(12 * len(y22)))
			var lotti int
			for b.Loop() {
				res := &source.Result{Name: "indice.xml", Data: []byte(index), Prov: catalog.Provenance{Checksum: "top"}}
				set, err := follow(ctx, fetch, catalog.Timeout{}, top, res, nil)
				if err != nil || set == nil || len(set.issues) > 0 {
					b.Fatalf("follow: %v %+v", err, set)
				}
				parts, err := set.parts()
				if err != nil || len(parts) != 12 {
					b.Fatal(err, len(parts))
				}
				if !judge {
					continue
				}
				_, tab, err := judgeL190Set(ctx, info, "indice.xml", parts)
				if err != nil {
					b.Fatal(err)
				}
				lotti = len(tab.Rows)
			}
			if judge {
				b.ReportMetric(float64(lotti*b.N)/b.Elapsed().Seconds(), "lotti/s")
			}
		})
	}
}

// An index uploaded at the desk has no address: its relative links start
// from its metadata/urlFile. A file of it out of reach makes the dataset
// stale; when it answers again, the year is published.
func TestRunL190UploadedIndex(t *testing.T) {
	y21 := string(corpusL190(t, "SITO-Interporto-Torino_2021.xml"))
	y22 := string(corpusL190(t, "SITO-Interporto-Torino_2022.xml"))
	s := newL190Server(t)
	s.set("/l190/2021.xml", y21)
	c := newL190Catalog(t, `{url: "`+s.srv.URL+`/l190/assente.xml"}`)
	inbox := t.TempDir()
	c.cfg.Inbox = inbox
	upload := func(stamp, body string) {
		t.Helper()
		dir := filepath.Join(inbox, "contratti")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, stamp+"-0123456789ab-indice.xml"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	index := strings.Replace(indexXML("2021.xml", "2022.xml"), "https://example.org/l190/indice.xml", s.srv.URL+"/l190/indice.xml", 1)
	upload("20261126T100000Z", index)
	st, o := c.run()
	if st.Status != catalog.Stale || !strings.Contains(o.Reason.It, fmt.Sprintf("indice.xml, riga %d", linkLine(2))) || st.Current != nil {
		t.Fatalf("a file missing: %s, %s", st.Status, o.Reason.It)
	}
	s.set("/l190/2022.xml", y22)
	st, o = c.run()
	if st.Status != catalog.Accepted || st.Current.Rows != 210 || !strings.HasPrefix(st.Current.SourceRef, "inbox/contratti/") {
		t.Fatalf("the files back: %s, %s, %+v", st.Status, o.Reason.En, st.Current)
	}
}
