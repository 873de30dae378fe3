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
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

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
		"/hang.csv":  "non risponde",
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
