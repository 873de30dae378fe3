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

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/source"
)

// portalYAML is the portal of the tests, with short waits for a comune's
// server.
const portalYAML = portalBase + `source_timeout:
  attempt: 500ms
  total: 5s
`

const portalBase = `title:
  it: Portale di prova
description:
  it: Catalogo per i test della pipeline.
publisher:
  name:
    it: Provincia di Como
  ipa: p_co
  istat: "013"
  email: opendata@provincia.como.it
base_url: https://dati.example.it/
license: CC-BY-4.0
`

const comuniCSV = "codice_istat;denominazione;sigla_provincia\n013075;Como;CO\n013041;Cantù;CO\n"

// comune is the file a comune's server publishes; tests change it.
type comune struct {
	mu       sync.Mutex
	body     string
	etag     string
	status   int
	hang     bool
	requests int
	gets     int // requests that got a body
}

func (c *comune) set(body, etag string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.body, c.etag, c.status, c.hang = body, etag, 0, false
}

func (c *comune) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.requests++
	body, etag, status, hang := c.body, c.etag, c.status, c.hang
	c.mu.Unlock()
	if hang {
		<-r.Context().Done()
		return
	}
	if status != 0 {
		http.Error(w, "guasto", status)
		return
	}
	if etag != "" && r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	c.mu.Lock()
	c.gets++
	c.mu.Unlock()
	if etag != "" {
		w.Header().Set("ETag", etag)
	}
	w.Header().Set("Content-Type", "text/csv")
	io.WriteString(w, body)
}

const goodProjects = "Codice progetto;Titolo;Codice ISTAT comune;Totale finanziamento\nP-1;Rete civica;013075;1.250,00\n"
const moreProjects = goodProjects + "P-2;Sportello digitale;013041;300,00\n"
const badProjects = "Codice progetto;Titolo;Codice ISTAT comune;Totale finanziamento\nP-1;Rete civica;13075;mille\n"

type fixture struct {
	t       *testing.T
	cfg     Config
	comune  *comune
	renders int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	c := &comune{body: goodProjects, etag: `"v1"`}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	files := map[string]string{
		"portal.yaml":     portalYAML,
		"data/comuni.csv": comuniCSV,
		"comuni.yaml": `id: comuni
title: {it: Comuni}
description: {it: Elenco dei comuni.}
publisher: "013"
theme: REGI
frequency: ANNUAL
schema: comuni
source: {path: data/comuni.csv}
keywords: [comuni]
`,
		"progetti.yaml": `id: progetti-como
title: {it: Progetti del Comune di Como}
description: {it: Progetti pubblicati dal comune sul suo sito.}
publisher: "013075"
theme: GOVE
frequency: MONTHLY
schema: progetti
source: {url: "` + srv.URL + `/progetti.csv"}
keywords: [progetti]
example: true
provenance: Esempio per i test.
`,
	}
	for name, body := range files {
		p := filepath.Join(dir, "catalog", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &fixture{t: t, comune: c, cfg: Config{
		Catalog:     os.DirFS(filepath.Join(dir, "catalog")),
		OutDir:      filepath.Join(dir, "public"),
		StateDir:    filepath.Join(dir, "state"),
		Incremental: true,
	}}
}

func (f *fixture) run(ctx context.Context) (*Result, error) {
	fetch := source.New(f.cfg.Catalog, nil)
	fetch.Backoff = time.Millisecond
	fetch.MaxBytes = 1 << 20
	return Run(ctx, f.cfg, Deps{Fetcher: fetch, Render: func(ctx context.Context, b *catalog.Build, out string) (int, error) {
		f.renders++
		return 1, os.WriteFile(filepath.Join(out, "index.html"), []byte("portal"), 0o644)
	}})
}

func (f *fixture) mustRun() *Result {
	f.t.Helper()
	res, err := f.run(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

func (f *fixture) dataset(res *Result, id string) catalog.DatasetState {
	f.t.Helper()
	for _, d := range res.Build.Datasets {
		if d.Dataset.ID == id {
			return d
		}
	}
	f.t.Fatalf("no dataset %s", id)
	return catalog.DatasetState{}
}

func TestRunKeepsLastGoodAndGrowsHistory(t *testing.T) {
	f := newFixture(t)

	res := f.mustRun()
	p := f.dataset(res, "progetti-como")
	if p.Status != catalog.Accepted || p.Current == nil || len(p.History) != 1 || f.renders != 1 {
		t.Fatalf("first run: %s, history %d, renders %d", p.Status, len(p.History), f.renders)
	}
	first := p.Current.ID

	// 304: one small request, no download, no rebuild.
	gets := f.comune.gets
	res = f.mustRun()
	if f.comune.gets != gets || f.renders != 1 || res.Rendered || res.Changed() {
		t.Errorf("unchanged source: %d downloads, %d renders, rendered=%v", f.comune.gets-gets, f.renders, res.Rendered)
	}

	// A changed file: a new version, a rebuild, a longer history, and the
	// old version's downloads still there.
	f.comune.set(moreProjects, `"v2"`)
	res = f.mustRun()
	p = f.dataset(res, "progetti-como")
	if p.Current.ID == first || len(p.History) != 2 || p.Current.Rows != 2 || f.renders != 2 {
		t.Fatalf("changed file: current %s history %d rows %d renders %d", p.Current.ID, len(p.History), p.Current.Rows, f.renders)
	}
	for _, v := range []string{first, p.Current.ID} {
		if _, err := os.Stat(filepath.Join(f.cfg.OutDir, "datasets/progetti-como", v, "progetti-como.csv")); err != nil {
			t.Errorf("version %s has no permanent download: %v", v, err)
		}
	}
	second := p.Current.ID

	// A refused file: the last good version stays, the issues are shown.
	f.comune.set(badProjects, `"v3"`)
	res = f.mustRun()
	p = f.dataset(res, "progetti-como")
	if p.Status != catalog.Refused || p.Current.ID != second || len(p.History) != 2 || p.Latest == nil || len(p.Latest.Issues) == 0 {
		t.Fatalf("refused file: status %s current %v history %d", p.Status, p.Current, len(p.History))
	}
	if res.Refused() != 1 || !strings.Contains(res.Outcomes[1].Reason.It, "progetti.csv:2:") {
		t.Errorf("outcome: %+v", res.Outcomes)
	}
	csv, _ := os.ReadFile(filepath.Join(f.cfg.OutDir, "datasets/progetti-como/progetti-como.csv"))
	if !strings.Contains(string(csv), "P-2") {
		t.Errorf("the published download is not the last good version:\n%s", csv)
	}

	// The server fails, then hangs: stale, last good still published.
	f.comune.mu.Lock()
	f.comune.status = http.StatusInternalServerError
	f.comune.mu.Unlock()
	res = f.mustRun()
	p = f.dataset(res, "progetti-como")
	if p.Status != catalog.Stale || p.Current.ID != second || !strings.Contains(p.Latest.Reason.It, "guasto") {
		t.Fatalf("server down: %s %+v", p.Status, p.Latest)
	}
	f.comune.mu.Lock()
	f.comune.status, f.comune.hang = 0, true
	f.comune.mu.Unlock()
	res = f.mustRun()
	p = f.dataset(res, "progetti-como")
	if p.Status != catalog.Stale || p.Current.ID != second || p.LastGoodFetch.IsZero() {
		t.Fatalf("server hangs: %s", p.Status)
	}

	// Garbage bytes in place of the spreadsheet: refused, last good kept.
	f.comune.set("\x00\x01\x02PK\x03garbage", `"v4"`)
	res = f.mustRun()
	p = f.dataset(res, "progetti-como")
	if p.Status != catalog.Refused || p.Current.ID != second {
		t.Fatalf("garbage: %s current %s", p.Status, p.Current.ID)
	}
}

func TestCancelledRunRecovers(t *testing.T) {
	f := newFixture(t)
	f.mustRun()
	f.comune.set(moreProjects, `"v2"`)

	// Kill the run while the comune's server is answering.
	f.comune.mu.Lock()
	f.comune.hang = true
	f.comune.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for {
			f.comune.mu.Lock()
			n := f.comune.requests
			f.comune.mu.Unlock()
			if n >= 2 {
				cancel()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	if _, err := f.run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("a killed run must say it was cancelled, got %v", err)
	}

	// The next run reads the state intact and carries on.
	f.comune.set(moreProjects, `"v2"`)
	res := f.mustRun()
	p := f.dataset(res, "progetti-como")
	if p.Status != catalog.Accepted || len(p.History) != 2 || p.Current.Rows != 2 {
		t.Fatalf("after a killed run: %s history %d", p.Status, len(p.History))
	}
}

func TestInboxUploadTakesPrecedence(t *testing.T) {
	f := newFixture(t)
	f.mustRun()
	inbox := t.TempDir()
	f.cfg.Inbox = inbox
	dir := filepath.Join(inbox, "progetti-como")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "20261126T100000Z-0123456789ab-progetti-nov.csv"), []byte(badProjects), 0o644); err != nil {
		t.Fatal(err)
	}
	res := f.mustRun()
	p := f.dataset(res, "progetti-como")
	if p.Status != catalog.Refused || !strings.Contains(res.Outcomes[1].Reason.It, "progetti-nov.csv:2:") {
		t.Fatalf("the clerk's upload was not judged under its own name: %s %v", p.Status, res.Outcomes[1].Reason)
	}
	if err := os.WriteFile(filepath.Join(dir, "20261126T110000Z-ba9876543210-progetti-nov.csv"), []byte(moreProjects), 0o644); err != nil {
		t.Fatal(err)
	}
	res = f.mustRun()
	p = f.dataset(res, "progetti-como")
	if p.Status != catalog.Accepted || p.Current.Rows != 2 || !strings.HasPrefix(p.Current.SourceRef, "inbox/progetti-como/") {
		t.Fatalf("the corrected upload: %s %+v", p.Status, p.Current)
	}
}
