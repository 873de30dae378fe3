package pipeline

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/provincia-como/opendata/internal/hang"
	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/source"
)

// projectsServer serves goodProjects; the first busy requests get a 503.
func projectsServer(t *testing.T, busy int32) (url string, requests *atomic.Int32) {
	t.Helper()
	requests = new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) <= busy {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "occupato", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		io.WriteString(w, goodProjects)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/progetti.csv", requests
}

func projectsYAML(id, url, extra string) string {
	return `id: ` + id + `
title: {it: Progetti}
description: {it: Progetti pubblicati dal comune sul suo sito.}
publisher: "013075"
theme: GOVE
frequency: MONTHLY
schema: progetti
source:
  url: "` + url + `"
` + extra + `keywords: [progetti]
`
}

// pullCatalog writes a catalog: the registry of comuni (a local file) and
// one dataset per remote source.
func pullCatalog(t *testing.T, portalExtra string, datasets map[string]string) Config {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"portal.yaml":     portalBase + portalExtra,
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
	}
	for id, body := range datasets {
		files[id+".yaml"] = body
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
	return Config{Catalog: os.DirFS(filepath.Join(dir, "catalog")), OutDir: filepath.Join(dir, "public"), StateDir: filepath.Join(dir, "state"), Fetchers: 2}
}

func outcome(t *testing.T, res *Result, id string) Outcome {
	t.Helper()
	for _, o := range res.Outcomes {
		if o.ID == id {
			return o
		}
	}
	t.Fatalf("no outcome for %s", id)
	return Outcome{}
}

// TestPullHangingSource: one server that never answers costs its own
// attempts (fewer than a busy server gets) and its dataset goes stale with
// the reason in words; the other datasets are built.
func TestPullHangingSource(t *testing.T) {
	hang, conns := hang.Server(t)
	busy, busyRequests := projectsServer(t, 1)
	quick, quickRequests := projectsServer(t, 0)
	// The portal's attempt is long; the hanging dataset sets its own.
	cfg := pullCatalog(t, "source_timeout:\n  attempt: 1h\n  total: 1h\n", map[string]string{
		"progetti-hang":  projectsYAML("progetti-hang", hang, "  timeout:\n    attempt: 100ms\n    total: 1h\n"),
		"progetti-busy":  projectsYAML("progetti-busy", busy, ""),
		"progetti-quick": projectsYAML("progetti-quick", quick, ""),
	})
	fetch := source.New(cfg.Catalog, nil)
	fetch.Backoff = 0
	res, err := Run(context.Background(), cfg, Deps{Fetcher: fetch})
	if err != nil {
		t.Fatal(err)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("the silent server was tried %d times, want 2", n)
	}
	if n := busyRequests.Load(); n != 2 {
		t.Errorf("the busy server was asked %d times, want 2 (503, then the file)", n)
	}
	if n := quickRequests.Load(); n != 1 {
		t.Errorf("the quick server was asked %d times, want 1", n)
	}
	for _, id := range []string{"comuni", "progetti-busy", "progetti-quick"} {
		if o := outcome(t, res, id); o.Status != catalog.Accepted {
			t.Errorf("%s: %s (%s), want accepted", id, o.Status, o.Reason.En)
		}
	}
	o := outcome(t, res, "progetti-hang")
	if o.Status != catalog.Stale || o.Reason.It != "il server non ha risposto entro 0,10 s" || o.Reason.En != "the server did not answer within 0.10 s" {
		t.Errorf("hanging source: %s %+v", o.Status, o.Reason)
	}
	var ids []string
	for _, o := range res.Outcomes {
		ids = append(ids, o.ID)
	}
	if got := strings.Join(ids, " "); got != "comuni progetti-busy progetti-hang progetti-quick" {
		t.Errorf("outcomes in the order %s, want the catalog's", got)
	}
}

// TestPullPhaseBudget: the portal's pull_timeout ends the wait for a server
// that never answers, whatever its own timeouts, and the run goes on.
func TestPullPhaseBudget(t *testing.T) {
	hang, conns := hang.Server(t)
	quick, _ := projectsServer(t, 0)
	cfg := pullCatalog(t, "source_timeout:\n  attempt: 1h\n  total: 1h\npull_timeout: 200ms\n", map[string]string{
		"progetti-hang":  projectsYAML("progetti-hang", hang, ""),
		"progetti-quick": projectsYAML("progetti-quick", quick, ""),
	})
	res, err := Run(context.Background(), cfg, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if o := outcome(t, res, "progetti-quick"); o.Status != catalog.Accepted {
		t.Errorf("quick source: %s %s", o.Status, o.Reason.En)
	}
	o := outcome(t, res, "progetti-hang")
	if o.Status != catalog.Stale || !strings.HasPrefix(o.Reason.En, "the server did not answer within") || conns.Load() != 1 {
		t.Errorf("hanging source: %s %+v after %d attempts", o.Status, o.Reason, conns.Load())
	}
}
