// Package source fetches the raw files of datasets: a path in the catalog
// folder or an HTTP(S) URL, with the provenance of what it got.
package source

import (
	"bytes"
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
	// Attempts is how many times an HTTP request is tried on a 5xx answer or
	// a network error; Backoff is the first wait, doubled each time.
	Attempts int
	Backoff  time.Duration
	// Timeout bounds one HTTP attempt, body included.
	Timeout time.Duration
	Log     *slog.Logger
	Now     func() time.Time
	// JSON makes the fetcher ask for JSON documents (schemas) instead of
	// spreadsheets: see wantJSON.
	JSON bool
}

// New returns a fetcher with the defaults a scheduled run wants.
func New(catalog fs.FS, log *slog.Logger) *Fetcher {
	return &Fetcher{
		Catalog:  catalog,
		Client:   &http.Client{CheckRedirect: limitRedirects(5)},
		MaxBytes: 50 << 20,
		Attempts: 4,
		Backoff:  time.Second,
		Timeout:  2 * time.Minute,
		Log:      log,
		Now:      time.Now,
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
		return f.fetchHTTP(ctx, src.URL, prev)
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

func readCapped(r io.Reader, max int64) ([]byte, error) {
	if max <= 0 {
		max = 50 << 20
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

// retryable marks failures worth another attempt.
type retryable struct{ error }

func (r retryable) Unwrap() error { return r.error }

func (f *Fetcher) fetchHTTP(ctx context.Context, rawURL string, prev catalog.Provenance) (*Result, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, &Error{Source: rawURL, Message: catalog.Text{It: "l'indirizzo della fonte non è valido", En: "the source address is not valid"}, Err: err}
	}
	attempts := max(f.Attempts, 1)
	wait := f.Backoff
	var last error
	for i := range attempts {
		if i > 0 {
			f.log().Info("source: retrying", "url", rawURL, "attempt", i+1, "after", wait, "error", last)
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(wait):
			}
			wait *= 2
		}
		res, err := f.get(ctx, u, prev)
		if err == nil {
			return res, nil
		}
		last = err
		var r retryable
		if !errors.As(err, &r) {
			break
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var se *Error
	if errors.As(last, &se) {
		return nil, se
	}
	return nil, &Error{Source: rawURL, Message: catalog.Text{It: "il sito del comune non risponde", En: "the comune's server does not answer"}, Err: last}
}

func (f *Fetcher) log() *slog.Logger {
	if f.Log != nil {
		return f.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (f *Fetcher) get(ctx context.Context, u *url.URL, prev catalog.Provenance) (*Result, error) {
	if f.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.Timeout)
		defer cancel()
	}
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
		if ctx.Err() != nil && f.Timeout > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, retryable{fmt.Errorf("no answer within %s: %w", f.Timeout, err)}
		}
		return nil, retryable{err}
	}
	defer resp.Body.Close()
	src := u.String()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		p := prev
		p.Fetched = f.now().UTC()
		return &Result{Name: fileName(u, resp), Prov: p, NotModified: true}, nil
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return nil, retryable{&Error{Source: src, Message: catalog.Text{It: "il sito del comune ha un guasto (errore " + strconv.Itoa(resp.StatusCode) + ")", En: "the comune's server failed (status " + strconv.Itoa(resp.StatusCode) + ")"}}}
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
		return nil, retryable{err}
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
