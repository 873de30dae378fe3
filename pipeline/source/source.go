// Package source fetches the raw files of datasets: a path in the catalog
// folder or an HTTP(S) URL, with the provenance of what it got.
package source

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Result is what a fetch got.
type Result struct {
	// Name is the file name, as the clerk knows it.
	Name string
	Data []byte
	Prov catalog.Provenance
	// NotModified is true when an HTTP source answered 304: Data is empty
	// and the previous file still stands.
	NotModified bool
}

// Error is a source that could not give a file. Message says why in words
// for the people who run the portal and the comune's clerks.
type Error struct {
	Source  string
	Message catalog.Text
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("source %s: %s: %v", e.Source, e.Message.En, e.Err)
	}
	return fmt.Sprintf("source %s: %s", e.Source, e.Message.En)
}

func (e *Error) Unwrap() error { return e.Err }

// Fetcher gets files. Its zero value fetches nothing over HTTP; use New.
type Fetcher struct {
	// Catalog is the folder source paths are relative to.
	Catalog fs.FS
	Client  *http.Client
	// MaxBytes caps the size of a file.
	MaxBytes int64
	// Attempts is how many times an HTTP request is tried when the server
	// says it is busy (5xx, 429) or the connection fails; HangAttempts when
	// the server took the request and said nothing: one that answered
	// "busy" may answer soon, one that said nothing usually will not.
	// Backoff is the first wait, doubled each time, unless the server's
	// Retry-After asks for another.
	Attempts     int
	HangAttempts int
	Backoff      time.Duration
	// Timeout bounds one HTTP attempt, body included, and Budget all the
	// attempts at one source, waits included, for a source whose
	// catalog.Source.Timeout does not say (the catalog's always does).
	Timeout time.Duration
	Budget  time.Duration
	Log     *slog.Logger
	Now     func() time.Time
	// JSON makes the fetcher ask for JSON documents (schemas) instead of
	// spreadsheets: see wantJSON.
	JSON bool
	// XML makes the fetcher ask for XML files (L. 190 contracts) instead
	// of spreadsheets: see xmlContent.
	XML bool
}

// New returns a fetcher with the defaults a scheduled run wants.
func New(catalog fs.FS, log *slog.Logger) *Fetcher {
	return &Fetcher{
		Catalog:      catalog,
		Client:       &http.Client{CheckRedirect: limitRedirects(5)},
		MaxBytes:     defaultMaxBytes,
		Attempts:     4,
		HangAttempts: 2,
		Backoff:      time.Second,
		Log:          log,
		Now:          time.Now,
	}
}

func limitRedirects(n int) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= n {
			return fmt.Errorf("stopped after %d redirects", n)
		}
		if req.URL.Scheme != "https" && req.URL.Scheme != "http" {
			return fmt.Errorf("redirect to %s refused", req.URL.Scheme)
		}
		return nil
	}
}

// Fetch gets the file of a source. prev is what the last fetch recorded, for
// a conditional request.
func (f *Fetcher) Fetch(ctx context.Context, src catalog.Source, prev catalog.Provenance) (*Result, error) {
	switch {
	case src.URL != "":
		return f.fetchHTTP(ctx, src.URL, f.timeout(src.Timeout), prev)
	case src.Path != "":
		return f.fetchPath(ctx, src.Path, prev)
	}
	return nil, &Error{Message: catalog.Text{It: "il dataset non indica da dove prendere il file", En: "the dataset names no source"}}
}

func (f *Fetcher) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// fetchPath reads a file of the catalog folder. A file with the size and
// modification time recorded last time is not read again: like a 304, it
// costs one stat.
func (f *Fetcher) fetchPath(ctx context.Context, p string, prev catalog.Provenance) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	file, err := f.Catalog.Open(p)
	if err != nil {
		return nil, &Error{Source: p, Message: catalog.Text{It: "il file non si trova nel catalogo", En: "the file is not in the catalog folder"}, Err: err}
	}
	defer file.Close()
	var modified time.Time
	if info, err := file.Stat(); err == nil {
		if max := cmp.Or(f.MaxBytes, defaultMaxBytes); info.Size() > max {
			// Refused from its size, before a byte is read.
			return nil, &Error{Source: p, Message: tooBig(max), Err: errTooBig}
		}
		modified = info.ModTime().UTC()
		if !modified.IsZero() && prev.Source == p && modified.Equal(prev.Modified) && info.Size() == prev.Size {
			unchanged := prev
			unchanged.Fetched = f.now().UTC()
			return &Result{Name: path.Base(p), Prov: unchanged, NotModified: true}, nil
		}
	}
	data, err := readCapped(file, f.MaxBytes)
	if err != nil {
		return nil, &Error{Source: p, Message: tooBig(f.MaxBytes), Err: err}
	}
	prov := provenance(p, data, f.now())
	prov.Modified = modified
	return &Result{Name: path.Base(p), Data: data, Prov: prov}, nil
}

func provenance(src string, data []byte, at time.Time) catalog.Provenance {
	sum := sha256.Sum256(data)
	return catalog.Provenance{Source: src, Fetched: at.UTC(), Checksum: hex.EncodeToString(sum[:]), Size: int64(len(data))}
}

var errTooBig = errors.New("file too large")

// defaultMaxBytes caps a file when the fetcher sets no cap.
const defaultMaxBytes = 50 << 20

func readCapped(r io.Reader, max int64) ([]byte, error) {
	if max <= 0 {
		max = defaultMaxBytes
	}
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if n > max {
		return nil, errTooBig
	}
	return buf.Bytes(), nil
}

func tooBig(max int64) catalog.Text {
	mb := strconv.FormatInt(max>>20, 10)
	return catalog.Text{It: "il file supera il limite di " + mb + " MB", En: "the file is larger than the " + mb + " MB limit"}
}

// timeout fills what the source does not say from the fetcher, then from
// the catalog's defaults.
func (f *Fetcher) timeout(t catalog.Timeout) catalog.Timeout {
	if t.Attempt <= 0 {
		t.Attempt = cmp.Or(f.Timeout, catalog.DefaultAttemptTimeout)
	}
	if t.Total <= 0 {
		t.Total = max(cmp.Or(f.Budget, catalog.DefaultSourceTimeout), t.Attempt)
	}
	return t
}

// failure is an attempt that may be worth another.
type failure struct {
	// hang: the server said nothing within the attempt's time; else it
	// said it was busy (5xx, 429) or the connection failed.
	hang bool
	// retryAfter is the server's Retry-After, when it sent one.
	retryAfter time.Duration
	err        error
}

func (e *failure) Error() string { return e.err.Error() }
func (e *failure) Unwrap() error { return e.err }

func (f *Fetcher) fetchHTTP(ctx context.Context, rawURL string, t catalog.Timeout, prev catalog.Provenance) (*Result, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, &Error{Source: rawURL, Message: catalog.Text{It: "l'indirizzo della fonte non è valido", En: "the source address is not valid"}, Err: err}
	}
	if err := ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			// The pull phase's time ran out while this source waited its turn.
			return nil, &Error{Source: rawURL, Message: catalog.Text{
				It: "il tempo per scaricare i file è finito prima di provare questa fonte",
				En: "the time allowed for downloading ran out before this source was tried"}, Err: err}
		}
		return nil, err
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, t.Total)
	defer cancel()
	busyTries, hangTries := max(f.Attempts, 1), max(f.HangAttempts, 1)
	wait := f.Backoff
	var busy, hangs int
	var waited time.Duration // the longest a hanging attempt was given
	for {
		limit := t.Attempt
		if dl, ok := ctx.Deadline(); ok {
			limit = min(limit, time.Until(dl))
		}
		res, err := f.get(ctx, u, prev, limit)
		if err == nil {
			return res, nil
		}
		if perr := parent.Err(); perr != nil && !errors.Is(perr, context.DeadlineExceeded) {
			return nil, perr // the run was cancelled: not the source's fault
		}
		var fl *failure
		if !errors.As(err, &fl) {
			return nil, err // a final answer: 404, a web page, too large
		}
		if fl.hang {
			hangs++
			waited = max(waited, limit)
		} else {
			busy++
		}
		pause := wait
		if fl.retryAfter > 0 {
			pause = fl.retryAfter
		}
		left := time.Duration(0)
		if dl, ok := ctx.Deadline(); ok {
			left = time.Until(dl)
		}
		// Stop when the kind of failure had its tries, or when the wait and
		// a useful attempt no longer fit in the source's budget.
		if hangs >= hangTries || busy+hangs >= busyTries || pause >= left {
			return nil, f.giveUp(rawURL, fl, waited, busy+hangs, pause, left)
		}
		f.log().Info("source: retrying", "url", rawURL, "attempt", busy+hangs+1, "after", pause, "error", err)
		select {
		case <-ctx.Done():
			if perr := parent.Err(); perr != nil && !errors.Is(perr, context.DeadlineExceeded) {
				return nil, perr
			}
			return nil, f.giveUp(rawURL, fl, waited, busy+hangs, pause, 0)
		case <-time.After(pause):
		}
		wait *= 2
	}
}

// giveUp turns the last failure into the words the portal shows.
func (f *Fetcher) giveUp(src string, fl *failure, waited time.Duration, tries int, pause, left time.Duration) error {
	err := fmt.Errorf("%d attempts: %w", tries, fl.err)
	if fl.hang {
		n := seconds(waited)
		return &Error{Source: src, Message: catalog.Text{
			It: "il server non ha risposto entro " + n.It,
			En: "the server did not answer within " + n.En}, Err: err}
	}
	var se *Error
	if errors.As(fl.err, &se) {
		se.Err = err
		if fl.retryAfter > 0 && pause >= left {
			// It asked to come back later than the budget allows.
			n := seconds(fl.retryAfter)
			se.Message.It += " e chiede di riprovare tra " + n.It
			se.Message.En += " and asks to try again in " + n.En
		}
		return se
	}
	return &Error{Source: src, Message: catalog.Text{It: "il sito del comune non risponde", En: "the comune's server does not answer"}, Err: err}
}

// seconds writes a wait for people: "30 s", or "0,25 s" under a second.
func seconds(d time.Duration) catalog.Text {
	if d >= time.Second {
		n := strconv.Itoa(int(d.Round(time.Second) / time.Second))
		return catalog.Text{It: n + " s", En: n + " s"}
	}
	n := strconv.FormatFloat(d.Seconds(), 'f', 2, 64)
	return catalog.Text{It: strings.Replace(n, ".", ",", 1) + " s", En: n + " s"}
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func (f *Fetcher) log() *slog.Logger {
	if f.Log != nil {
		return f.Log
	}
	return slog.New(slog.DiscardHandler)
}

// get makes one attempt, bounded by limit from connecting to the last byte.
func (f *Fetcher) get(ctx context.Context, u *url.URL, prev catalog.Provenance, limit time.Duration) (*Result, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "opendata-pipeline (+portale open data)")
	if prev.Source == u.String() {
		if prev.ETag != "" {
			req.Header.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			req.Header.Set("If-Modified-Since", prev.LastModified)
		}
	}
	client := f.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, &failure{hang: true, err: fmt.Errorf("no answer within %s: %w", limit, err)}
		}
		return nil, &failure{err: err}
	}
	defer resp.Body.Close()
	src := u.String()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		p := prev
		p.Fetched = f.now().UTC()
		return &Result{Name: fileName(u, resp), Prov: p, NotModified: true}, nil
	case resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusTooManyRequests:
		return nil, &failure{retryAfter: retryAfter(resp.Header.Get("Retry-After"), f.now()), err: &Error{Source: src, Message: catalog.Text{
			It: "il sito del comune è occupato (errore " + strconv.Itoa(resp.StatusCode) + ")",
			En: "the comune's server is busy (status " + strconv.Itoa(resp.StatusCode) + ")"}}}
	case resp.StatusCode >= 500:
		return nil, &failure{err: &Error{Source: src, Message: catalog.Text{It: "il sito del comune ha un guasto (errore " + strconv.Itoa(resp.StatusCode) + ")", En: "the comune's server failed (status " + strconv.Itoa(resp.StatusCode) + ")"}}}
	case resp.StatusCode != http.StatusOK:
		return nil, &Error{Source: src, Message: catalog.Text{It: "il file non è disponibile all'indirizzo indicato (errore " + strconv.Itoa(resp.StatusCode) + ")", En: "the file is not available at the given address (status " + strconv.Itoa(resp.StatusCode) + ")"}}
	}
	if resp.ContentLength > 0 && f.MaxBytes > 0 && resp.ContentLength > f.MaxBytes {
		return nil, &Error{Source: src, Message: tooBig(f.MaxBytes)}
	}
	if msg, ok := f.content(u, resp.Header.Get("Content-Type")); !ok {
		return nil, &Error{Source: src, Message: msg}
	}
	data, err := readCapped(resp.Body, f.MaxBytes)
	if errors.Is(err, errTooBig) {
		return nil, &Error{Source: src, Message: tooBig(f.MaxBytes)}
	}
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, &failure{hang: true, err: fmt.Errorf("file not received within %s: %w", limit, err)}
		}
		return nil, &failure{err: err}
	}
	res := &Result{Name: fileName(u, resp), Data: data, Prov: provenance(src, data, f.now())}
	res.Prov.ETag = resp.Header.Get("ETag")
	res.Prov.LastModified = resp.Header.Get("Last-Modified")
	return res, nil
}

// spreadsheetTypes are the content types a spreadsheet may come with;
// generic binary types are allowed because many servers send them.
var spreadsheetTypes = map[string]bool{
	"text/csv": true, "application/csv": true, "text/plain": true, "text/comma-separated-values": true,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": true,
	"application/vnd.ms-excel":                       true,
	"application/vnd.oasis.opendocument.spreadsheet": true,
	"application/octet-stream":                       true,
	"application/zip":                                true,
	"binary/octet-stream":                            true,
	"application/x-zip-compressed":                   true,
	"application/vnd.ms-excel.sheet.macroenabled.12": true,
	"application/force-download":                     true,
	"application/download":                           true,
	"application/x-download":                         true,
}

var spreadsheetExts = map[string]bool{".csv": true, ".xlsx": true, ".xlsm": true, ".ods": true, ".txt": true, "": true}

// badContent checks both the content type and the extension of the URL: a
// web page sent in place of the file (a login or error page with status
// 200) must not be read as data.
func badContent(u *url.URL, contentType string) (catalog.Text, bool) {
	ext := strings.ToLower(path.Ext(u.Path))
	if !spreadsheetExts[ext] {
		return catalog.Text{It: "l'indirizzo non porta a un foglio di calcolo (" + ext + "): servono file .csv, .xlsx o .ods", En: "the address is not a spreadsheet (" + ext + "): .csv, .xlsx or .ods files are needed"}, false
	}
	if contentType == "" {
		return catalog.Text{}, true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || !spreadsheetTypes[strings.ToLower(mt)] {
		return catalog.Text{It: "il sito ha mandato una pagina (" + contentType + ") al posto del file: controllare l'indirizzo", En: "the server sent a page (" + contentType + ") instead of the file: check the address"}, false
	}
	return catalog.Text{}, true
}

func fileName(u *url.URL, resp *http.Response) string {
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		if name := path.Base(strings.ReplaceAll(params["filename"], "\\", "/")); name != "" && name != "." && name != "/" {
			return name
		}
	}
	if name := path.Base(u.Path); name != "" && name != "/" && name != "." {
		return name
	}
	return u.Host
}
