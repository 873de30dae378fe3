package desk_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/provincia-como/opendata/datasets"
	"github.com/provincia-como/opendata/desk"
	"github.com/provincia-como/opendata/pipeline"
)

const password = "sportello-di-prova"

var (
	checkerOnce sync.Once
	checker     *pipeline.Checker
	checkerErr  error
)

// realChecker is the pipeline's checker on the embedded default catalog,
// loaded once for all tests.
func realChecker(t testing.TB) *pipeline.Checker {
	t.Helper()
	checkerOnce.Do(func() {
		checker, checkerErr = pipeline.NewChecker(context.Background(), datasets.FS, slog.New(slog.DiscardHandler))
	})
	if checkerErr != nil {
		t.Fatal(checkerErr)
	}
	return checker
}

// clock is a settable clock for lock-out and rate tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a desk served by httptest with its inbox in a temp folder.
type fixture struct {
	t       testing.TB
	srv     *httptest.Server
	inbox   string
	clock   *clock
	cfg     desk.Config
	handler atomic.Pointer[desk.Desk]
	// open opens the inbox again, as a restarted desk would.
	open func() desk.Inbox
}

func newFixture(t testing.TB, tweak func(*desk.Config)) *fixture {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "inbox")
	f := newFixtureOn(t, func(k desk.Keeping) desk.Inbox {
		box, err := desk.OpenFolder(context.Background(), dir, k)
		if err != nil {
			t.Fatal(err)
		}
		return box
	}, tweak)
	f.inbox = dir
	return f
}

// newFixtureOn is a desk on the inbox open makes.
func newFixtureOn(t testing.TB, open func(desk.Keeping) desk.Inbox, tweak func(*desk.Config)) *fixture {
	t.Helper()
	c := realChecker(t)
	acc, err := desk.LoadAccounts("testdata/accounts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The desk stamps entries and the inbox ages them by this one clock,
	// never the machine's: the fixture behaves alike on any day it runs.
	clk := &clock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	f := &fixture{t: t, clock: clk}
	f.open = func() desk.Inbox { return open(desk.Keeping{Retention: 24 * time.Hour, Now: clk.now}) }
	f.cfg = desk.Config{Checker: c, Catalog: c.Catalog, Accounts: acc, Inbox: f.open(), Now: clk.now}
	if tweak != nil {
		tweak(&f.cfg)
	}
	f.start()
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.handler.Load().ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) start() {
	f.t.Helper()
	d, err := desk.New(context.Background(), f.cfg)
	if err != nil {
		f.t.Fatal(err)
	}
	f.handler.Store(d)
}

// restart replaces the desk by a new one on the same inbox, opened again,
// at the same address: what a clerk's browser sees when the server restarts.
func (f *fixture) restart() {
	f.t.Helper()
	f.cfg.Inbox = f.open()
	f.start()
}

// browser is one client with its cookies, which does not follow redirects
// so that tests see them.
type browser struct {
	f      *fixture
	client *http.Client
	last   string // body of the last page
}

func (f *fixture) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{f: f, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.f.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.f.t.Fatal(err)
	}
	b.last = string(body)
	return resp, b.last
}

func (b *browser) get(path string) (*http.Response, string) {
	b.f.t.Helper()
	req, _ := http.NewRequest("GET", b.f.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.f.t.Helper()
	req, _ := http.NewRequest("POST", b.f.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the token of the forms of the last page.
func (b *browser) csrf() string {
	m := csrfRE.FindStringSubmatch(b.last)
	if m == nil {
		return ""
	}
	return m[1]
}

// signIn opens the sign-in page and sends the form.
func (b *browser) signIn(user, pw string) *http.Response {
	b.f.t.Helper()
	b.get("/accedi")
	resp, _ := b.post("/accedi", url.Values{"csrf": {b.csrf()}, "user": {user}, "password": {pw}})
	return resp
}

// mustSignIn signs in and opens the home page, whose forms carry the token.
func (b *browser) mustSignIn(user string) {
	b.f.t.Helper()
	if resp := b.signIn(user, password); resp.StatusCode != http.StatusSeeOther {
		b.f.t.Fatalf("sign-in of %s: status %d, want 303\n%s", user, resp.StatusCode, b.last)
	}
	if resp, _ := b.get("/"); resp.StatusCode != http.StatusOK {
		b.f.t.Fatalf("home: status %d", resp.StatusCode)
	}
}

// upload sends the upload form; an empty csrf leaves the field out.
func (b *browser) upload(csrf, dataset, name string, data []byte) (*http.Response, string) {
	b.f.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if csrf != "" {
		mw.WriteField("csrf", csrf)
	}
	mw.WriteField("dataset", dataset)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", b.f.srv.URL+"/carica", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// audit reads the audit log of the inbox.
func (f *fixture) audit() []desk.AuditRecord {
	f.t.Helper()
	data, err := os.ReadFile(filepath.Join(f.inbox, desk.AuditFile))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		f.t.Fatal(err)
	}
	var recs []desk.AuditRecord
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r desk.AuditRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			f.t.Fatalf("audit line %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	return recs
}

// accepted lists the files under the inbox, relative to it, leaving out
// the audit log, the sessions file and quarantine.
func (f *fixture) accepted() []string {
	f.t.Helper()
	var out []string
	filepath.WalkDir(f.inbox, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(f.inbox, p)
		if d.IsDir() && rel == desk.QuarantineDir {
			return filepath.SkipDir
		}
		if !d.IsDir() && rel != desk.AuditFile && rel != desk.SessionsFile {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

// quarantined lists the files in quarantine, relative to the inbox.
func (f *fixture) quarantined() []string {
	f.t.Helper()
	var out []string
	filepath.WalkDir(filepath.Join(f.inbox, desk.QuarantineDir), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(f.inbox, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	return out
}

// zipOf makes a zip archive of the given entries.
func zipOf(t testing.TB, entries map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
