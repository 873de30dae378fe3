package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPortalFiles: serve gives the portal's pages and files, and neither
// folder listings nor anything whose name starts with a dot.
func TestPortalFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.html":                   "<h1>Portale</h1>",
		"404.html":                     "<h1>Pagina non trovata</h1>",
		"css/portal.css":               "body{}",
		"datasets/index.html":          "<h1>Dati</h1>",
		"datasets/comuni/comuni.csv":   "codice;nome\n",
		"datasets/comuni/index.html":   "<h1>Comuni</h1>",
		"catalog.rdf":                  "<rdf:RDF/>",
		".opendata/hashes.json":        `{"index.html":{"mtime":"2026-11-26T10:00:00Z"}}`,
		".opendata/state/history.json": "{}",
		".htaccess":                    "Deny from all",
		"datasets/.DS_Store":           "x",
		"datasets/comuni/.tmp-123":     "half a file",
		".git/config":                  "[core]",
		".well-known/index.html":       "hidden folder with an index",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(typed(portalFiles(dir)))
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		path   string
		status int
		want   string // in the body, or the Location of a redirect
	}{
		{"/", 200, "Portale"},
		{"/index.html", 301, "./"},
		{"/datasets/", 200, "<h1>Dati</h1>"},
		{"/datasets", 301, "datasets/"},
		{"/datasets/comuni/comuni.csv", 200, "codice;nome"},
		{"/catalog.rdf", 200, "<rdf:RDF/>"},
		{"/css/portal.css", 200, "body{}"},
		// a folder without index.html is not listed
		{"/css/", 404, "Pagina non trovata"},
		{"/css", 404, "Pagina non trovata"},
		// nothing whose name starts with a dot, at any depth
		{"/.opendata/hashes.json", 404, "Pagina non trovata"},
		{"/.opendata/", 404, "Pagina non trovata"},
		{"/.opendata", 404, "Pagina non trovata"},
		{"/.opendata/state/history.json", 404, "Pagina non trovata"},
		{"/%2eopendata/hashes.json", 404, "Pagina non trovata"},
		{"/datasets/../.opendata/hashes.json", 404, "Pagina non trovata"},
		{"/.htaccess", 404, "Pagina non trovata"},
		{"/datasets/.DS_Store", 404, "Pagina non trovata"},
		{"/datasets/comuni/.tmp-123", 404, "Pagina non trovata"},
		{"/.git/config", 404, "Pagina non trovata"},
		{"/.well-known/", 404, "Pagina non trovata"},
		{"/no/such/page", 404, "Pagina non trovata"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			req, err := http.NewRequest("GET", srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.status, body)
			}
			got := string(body)
			if tt.status == 301 {
				got = resp.Header.Get("Location")
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("answer %q lacks %q", got, tt.want)
			}
			if strings.Contains(string(body), "hashes.json") || strings.Contains(string(body), "<pre>") {
				t.Errorf("answer shows a listing or a cache:\n%s", body)
			}
		})
	}
	// without a 404 page of its own, a plain 404
	os.Remove(filepath.Join(dir, "404.html"))
	resp, err := http.Get(srv.URL + "/.opendata/hashes.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || strings.Contains(string(body), "mtime") {
		t.Errorf("without 404.html: status %d\n%s", resp.StatusCode, body)
	}
}

func TestParseProxy(t *testing.T) {
	tests := []struct {
		in, want string // want "" for an error
	}{
		{"10.0.0.0/8", "10.0.0.0/8"},
		{"10.1.2.3/8", "10.0.0.0/8"},
		{"192.168.1.10", "192.168.1.10/32"},
		{"::ffff:192.168.1.10", "192.168.1.10/32"},
		{"fd00::/8", "fd00::/8"},
		{"2001:db8::1", "2001:db8::1/128"},
		{"proxy.example", ""},
		{"10.0.0.0/33", ""},
		{"", ""},
	}
	for _, tt := range tests {
		p, err := parseProxy(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("parseProxy(%q) = %v, want an error", tt.in, p)
		case tt.want != "" && (err != nil || p != netip.MustParsePrefix(tt.want)):
			t.Errorf("parseProxy(%q) = %v, %v; want %s", tt.in, p, err, tt.want)
		}
	}
	if code, out, errs := runMain(t, "serve", "--trusted-proxy", "proxy.example"); code != exitUsage || !strings.Contains(out+errs, "neither a CIDR range") {
		t.Errorf("serve --trusted-proxy proxy.example: exit %d\n%s%s", code, out, errs)
	}
}
