package source

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
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/provincia-como/opendata/internal/hang"
	"github.com/provincia-como/opendata/pipeline/catalog"
)

func testFetcher() *Fetcher {
	f := New(fstest.MapFS{"data/comuni.csv": {Data: []byte("a;b\n1;2\n")}}, nil)
	f.Backoff = time.Millisecond
	f.Timeout = 2 * time.Second
	return f
}

func TestPath(t *testing.T) {
	f := testFetcher()
	res, err := f.Fetch(context.Background(), catalog.Source{Path: "data/comuni.csv"}, catalog.Provenance{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Name != "comuni.csv" || string(res.Data) != "a;b\n1;2\n" || len(res.Prov.Checksum) != 64 || res.Prov.Size != 8 {
		t.Errorf("result %+v", res)
	}
	_, err = f.Fetch(context.Background(), catalog.Source{Path: "data/nope.csv"}, catalog.Provenance{})
	var se *Error
	if !errors.As(err, &se) || !strings.Contains(se.Message.It, "non si trova") {
		t.Errorf("missing file: %v", err)
	}
}

func TestHTTP(t *testing.T) {
	var calls atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/etag.csv", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		io.WriteString(w, "a,b\n1,2\n")
	})
	var flaky atomic.Int32
	mux.HandleFunc("/flaky.csv", func(w http.ResponseWriter, r *http.Request) {
		if flaky.Add(1) < 3 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "a,b\n")
	})
	mux.HandleFunc("/down.csv", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux.HandleFunc("/gone.csv", http.NotFound)
	mux.HandleFunc("/hang.csv", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	mux.HandleFunc("/login.csv", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>accedi</html>")
	})
	mux.HandleFunc("/huge.csv", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		chunk := []byte(strings.Repeat("1234567,", 1024) + "\n")
		for i := 0; i < 2<<20; i++ { // would be 16 GiB: the cap must stop it early
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx := context.Background()
	f := testFetcher()
	f.MaxBytes = 1 << 20

	first, err := f.Fetch(ctx, catalog.Source{URL: srv.URL + "/etag.csv"}, catalog.Provenance{})
	if err != nil || first.NotModified || first.Prov.ETag != `"v1"` {
		t.Fatalf("first fetch: %v %+v", err, first)
	}
	second, err := f.Fetch(ctx, catalog.Source{URL: srv.URL + "/etag.csv"}, first.Prov)
	if err != nil || !second.NotModified || len(second.Data) != 0 || second.Prov.Checksum != first.Prov.Checksum {
		t.Fatalf("conditional fetch: %v %+v", err, second)
	}

	res, err := f.Fetch(ctx, catalog.Source{URL: srv.URL + "/flaky.csv"}, catalog.Provenance{})
	if err != nil || string(res.Data) != "a,b\n" || flaky.Load() != 3 {
		t.Fatalf("retry: %v (%d calls)", err, flaky.Load())
	}

	failures := map[string]string{
		"/down.csv":  "guasto",
		"/gone.csv":  "non è disponibile",
		"/hang.csv":  "il server non ha risposto entro 0,30 s",
		"/login.csv": "una pagina",
		"/huge.csv":  "supera il limite",
	}
	f.Attempts = 2
	f.Timeout = 300 * time.Millisecond
	for p, want := range failures {
		_, err := f.Fetch(ctx, catalog.Source{URL: srv.URL + p}, catalog.Provenance{})
		var se *Error
		if !errors.As(err, &se) || !strings.Contains(se.Message.It, want) {
			t.Errorf("%s: got %v, want a source error saying %q", p, err, want)
		}
	}
}

func TestPathUnchangedIsNotRead(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "progetti.csv")
	if err := os.WriteFile(p, []byte("a;b\n1;2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := New(os.DirFS(dir), nil)
	ctx := context.Background()
	first, err := f.Fetch(ctx, catalog.Source{Path: "progetti.csv"}, catalog.Provenance{})
	if err != nil || first.NotModified || first.Prov.Modified.IsZero() {
		t.Fatalf("first read: %v %+v", err, first)
	}
	again, err := f.Fetch(ctx, catalog.Source{Path: "progetti.csv"}, first.Prov)
	if err != nil || !again.NotModified || again.Data != nil || again.Prov.Checksum != first.Prov.Checksum {
		t.Fatalf("untouched file: %v %+v", err, again)
	}
	// Rewritten with the same size: the new time says it must be read.
	later := first.Prov.Modified.Add(time.Second)
	os.WriteFile(p, []byte("a;b\n3;4\n"), 0o644)
	os.Chtimes(p, later, later)
	third, err := f.Fetch(ctx, catalog.Source{Path: "progetti.csv"}, first.Prov)
	if err != nil || third.NotModified || string(third.Data) != "a;b\n3;4\n" {
		t.Fatalf("rewritten file: %v %+v", err, third)
	}
}

// TestRetries: a server that says nothing is tried less than one that says
// it is busy, Retry-After is honoured within the source's budget, and a
// server that answers at once is asked once.
func TestRetries(t *testing.T) {
	hang, hangConns := hang.Server(t)
	var calls sync.Map // path -> *atomic.Int32
	count := func(p string) *atomic.Int32 {
		c, _ := calls.LoadOrStore(p, new(atomic.Int32))
		return c.(*atomic.Int32)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := count(r.URL.Path).Add(1)
		busy := func(status int, retry string) {
			if retry != "" {
				w.Header().Set("Retry-After", retry)
			}
			http.Error(w, "busy", status)
		}
		switch r.URL.Path {
		case "/busy.csv":
			busy(http.StatusServiceUnavailable, "")
			return
		case "/busy-then-ok.csv":
			if n == 1 {
				busy(http.StatusServiceUnavailable, "")
				return
			}
		case "/too-many-then-ok.csv":
			if n == 1 {
				busy(http.StatusTooManyRequests, "1")
				return
			}
		case "/come-back-tomorrow.csv":
			busy(http.StatusServiceUnavailable, "86400")
			return
		case "/broken.csv":
			busy(http.StatusInternalServerError, "")
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		io.WriteString(w, "a,b\n1,2\n")
	}))
	defer srv.Close()

	small := catalog.Timeout{Attempt: 100 * time.Millisecond, Total: 10 * time.Second}
	tests := []struct {
		name     string
		url      string
		timeout  catalog.Timeout
		attempts func() int32
		want     int32
		fail     string // in the Italian message; "" means the file comes
	}{
		{"answers at once", srv.URL + "/ok.csv", small, count("/ok.csv").Load, 1, ""},
		{"busy, then the file", srv.URL + "/busy-then-ok.csv", small, count("/busy-then-ok.csv").Load, 2, ""},
		{"429 with Retry-After, then the file", srv.URL + "/too-many-then-ok.csv", small, count("/too-many-then-ok.csv").Load, 2, ""},
		{"always busy", srv.URL + "/busy.csv", small, count("/busy.csv").Load, 4, "il sito del comune è occupato (errore 503)"},
		{"always failing", srv.URL + "/broken.csv", small, count("/broken.csv").Load, 4, "ha un guasto (errore 500)"},
		{"Retry-After beyond the budget", srv.URL + "/come-back-tomorrow.csv", small, count("/come-back-tomorrow.csv").Load, 1, "chiede di riprovare tra 86400 s"},
		{"never answers", hang + "/comune.csv", small, hangConns.Load, 2, "il server non ha risposto entro 0,10 s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New(nil, nil)
			f.Backoff = time.Millisecond
			res, err := f.Fetch(context.Background(), catalog.Source{URL: tt.url, Timeout: tt.timeout}, catalog.Provenance{})
			if got := tt.attempts(); got != tt.want {
				t.Errorf("%d attempts, want %d", got, tt.want)
			}
			if tt.fail == "" {
				if err != nil || string(res.Data) != "a,b\n1,2\n" {
					t.Errorf("got %v, want the file", err)
				}
				return
			}
			var se *Error
			if !errors.As(err, &se) || !strings.Contains(se.Message.It, tt.fail) || se.Message.En == "" {
				t.Errorf("got %v, want a source error saying %q", err, tt.fail)
			}
		})
	}
}

// TestBudgets: the source's total budget, and a deadline of the caller (the
// pull phase), end the wait for a server that never answers with the same
// message; a cancelled run is an error, not the source's fault.
func TestBudgets(t *testing.T) {
	hang, conns := hang.Server(t)
	src := catalog.Source{URL: hang + "/comune.csv", Timeout: catalog.Timeout{Attempt: time.Hour, Total: 150 * time.Millisecond}}
	f := New(nil, nil)
	_, err := f.Fetch(context.Background(), src, catalog.Provenance{})
	var se *Error
	if !errors.As(err, &se) || !strings.Contains(se.Message.En, "the server did not answer within 0.15 s") || conns.Load() != 1 {
		t.Errorf("source budget: %v after %d attempts", err, conns.Load())
	}

	src.Timeout.Total = time.Hour
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err = f.Fetch(ctx, src, catalog.Provenance{})
	if !errors.As(err, &se) || !strings.Contains(se.Message.En, "the server did not answer within") {
		t.Errorf("pull phase deadline: %v", err)
	}
	_, err = f.Fetch(ctx, src, catalog.Provenance{})
	if !errors.As(err, &se) || !strings.Contains(se.Message.En, "ran out before this source was tried") {
		t.Errorf("after the pull phase deadline: %v", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err = f.Fetch(ctx, src, catalog.Provenance{}); !errors.Is(err, context.Canceled) || errors.As(err, &se) {
		t.Errorf("cancelled run: %v", err)
	}
}
