// Package desk is the upload desk of `opendata serve --inbox`: a small web
// application where clerks of the comuni sign in, upload a spreadsheet for
// one of their datasets and see at once, cell by cell, whether it will be
// published. Files are checked with the pipeline's own code; accepted ones
// go to the inbox the next run reads, refused ones to a quarantine.
//
// Accounts live in a YAML file, one per clerk, with a bcrypt hash made by
// HashPassword:
//
//	accounts:
//	  - user: cantu.rossi
//	    name: Mario Rossi
//	    comune: "013041"   # ISTAT code; "013" for the Province
//	    password_hash: "$2a$12$..."
//
// A clerk may upload only to the datasets whose Publisher is their comune.
package desk

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

//go:embed web
var webFS embed.FS

// Checker validates a file with the pipeline's code; *pipeline.Checker
// implements it.
type Checker interface {
	Check(ctx context.Context, schema, name string, data []byte, sheet string) ([]catalog.Issue, *catalog.Table, error)
	Schema(name string) (*catalog.Schema, bool)
}

// Config is what the desk needs. Zero limits take the defaults listed.
type Config struct {
	Checker  Checker
	Catalog  *catalog.Catalog
	Accounts *Accounts
	Inbox    Inbox
	Log      *slog.Logger
	// BasePath is where the desk is mounted, ending in "/"; default "/".
	BasePath string
	// Secure marks cookies Secure even on plain HTTP, for a desk behind a
	// TLS proxy; over TLS they are always Secure.
	Secure bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed; from any other peer the header is ignored, since a client
	// can write anything there.
	TrustedProxies []netip.Prefix
	// MaxFileSize caps an uploaded file; default 50 MiB.
	MaxFileSize int64
	// MaxUnzipped caps the uncompressed size of the parts of an XLSX (or
	// ODS) file, against zip bombs; default 200 MiB.
	MaxUnzipped int64
	// UploadTimeout bounds receiving and checking one upload; default 2 min.
	UploadTimeout time.Duration
	// UploadsPerAccount limits uploads of one clerk; default 30 per hour.
	UploadsPerAccount Limit
	// RequestsPerAddress limits requests from one IP address; default 300
	// per minute.
	RequestsPerAddress Limit
	// SignInFailures locks an account out after that many wrong passwords
	// in the period, until the period has passed; default 5 per 15 min.
	SignInFailures Limit
	// SessionIdle signs a clerk out after that long without a request;
	// default 30 min.
	SessionIdle time.Duration
	// Sessions keeps signed-in sessions across restarts; default the
	// inbox, when it is a SessionStore (Folder and Bucket are), else none.
	Sessions SessionStore
	// Now is the clock; default time.Now.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.BasePath == "" {
		c.BasePath = "/"
	}
	if !strings.HasSuffix(c.BasePath, "/") {
		c.BasePath += "/"
	}
	if !strings.HasPrefix(c.BasePath, "/") {
		c.BasePath = "/" + c.BasePath
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.MaxFileSize <= 0 {
		c.MaxFileSize = 50 << 20
	}
	if c.MaxUnzipped <= 0 {
		c.MaxUnzipped = 200 << 20
	}
	if c.UploadTimeout <= 0 {
		c.UploadTimeout = 2 * time.Minute
	}
	if c.UploadsPerAccount.N <= 0 {
		c.UploadsPerAccount = Limit{N: 30, Per: time.Hour}
	}
	if c.RequestsPerAddress.N <= 0 {
		c.RequestsPerAddress = Limit{N: 300, Per: time.Minute}
	}
	if c.SignInFailures.N <= 0 {
		c.SignInFailures = Limit{N: 5, Per: 15 * time.Minute}
	}
	if c.SessionIdle <= 0 {
		c.SessionIdle = 30 * time.Minute
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Desk is the upload desk, an http.Handler.
type Desk struct {
	cfg       Config
	base      string
	log       *slog.Logger
	now       func() time.Time
	mux       *http.ServeMux
	pages     map[string]*template.Template
	css       []byte
	sessions  *sessions
	uploads   *limiter
	addresses *limiter
	failures  *limiter
	dummy     []byte
}

// New makes the desk and reads the sessions a previous desk left in the
// store. Checker, Catalog, Accounts and Inbox are required.
func New(ctx context.Context, cfg Config) (*Desk, error) {
	switch {
	case cfg.Checker == nil:
		return nil, errors.New("desk: no checker")
	case cfg.Catalog == nil:
		return nil, errors.New("desk: no catalog")
	case cfg.Accounts == nil:
		return nil, errors.New("desk: no accounts")
	case cfg.Inbox == nil:
		return nil, errors.New("desk: no inbox")
	}
	cfg = cfg.withDefaults()
	if cfg.Sessions == nil {
		cfg.Sessions, _ = cfg.Inbox.(SessionStore)
	}
	d := &Desk{
		cfg:       cfg,
		base:      cfg.BasePath,
		log:       cfg.Log,
		now:       cfg.Now,
		sessions:  newSessions(cfg.SessionIdle, cfg.Sessions, cfg.Log),
		uploads:   newLimiter(cfg.UploadsPerAccount),
		addresses: newLimiter(cfg.RequestsPerAddress),
		failures:  newLimiter(cfg.SignInFailures),
	}
	if err := d.sessions.load(ctx, d.now()); err != nil {
		return nil, err
	}
	var err error
	if d.dummy, err = cfg.Accounts.dummyHash(); err != nil {
		return nil, fmt.Errorf("desk: %w", err)
	}
	if d.pages, err = parsePages(); err != nil {
		return nil, err
	}
	if d.css, err = fs.ReadFile(webFS, "web/desk.css"); err != nil {
		return nil, fmt.Errorf("desk: %w", err)
	}
	b := d.base
	m := http.NewServeMux()
	m.HandleFunc("GET "+b+"{$}", d.home)
	m.HandleFunc("GET "+b+"accedi", d.signInForm)
	m.HandleFunc("POST "+b+"accedi", d.signIn)
	m.HandleFunc("POST "+b+"esci", d.signOut)
	m.HandleFunc("POST "+b+"carica", d.upload)
	m.HandleFunc("GET "+b+"esito/{id}", d.showResult)
	m.HandleFunc("GET "+b+"esito/{id}/foglio", d.annotated)
	m.HandleFunc("GET "+b+"desk.css", d.style)
	m.HandleFunc(b, d.notFound)
	d.mux = m
	return d, nil
}

func (d *Desk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	if ok, wait := d.addresses.allow(d.clientAddress(r), d.now()); !ok {
		d.tooMany(w, r, wait, catalog.Text{
			It: "Troppe richieste da questo indirizzo.",
			En: "Too many requests from this address.",
		})
		return
	}
	d.mux.ServeHTTP(w, r)
}

// clientAddress is the IP address of the client: the peer's, or, when the
// peer is a trusted proxy, the right-most address of X-Forwarded-For that
// is not itself a trusted proxy. Addresses further left were written by
// the client or by proxies nobody vouches for, so they are never used.
func (d *Desk) clientAddress(r *http.Request) string {
	peer, ok := parseAddr(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	if !d.trusted(peer) {
		return peer.String()
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseAddr(strings.TrimSpace(hops[i]))
		if !ok {
			break // garbage: keep the last address a trusted hop gave
		}
		client = a
		if !d.trusted(a) {
			break
		}
	}
	return client.String()
}

func (d *Desk) trusted(a netip.Addr) bool {
	for _, p := range d.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseAddr reads an IP address with or without a port, IPv4 in IPv6
// made plain IPv4, so that one client has one key.
func parseAddr(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}

func (d *Desk) style(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(d.css)
}

// account returns the signed-in clerk of a session.
func (d *Desk) account(ss *session) (Account, bool) {
	if ss == nil || ss.user == "" {
		return Account{}, false
	}
	return d.cfg.Accounts.find(ss.user)
}

// datasets lists the datasets a clerk may upload to: those their own
// administration publishes.
func (d *Desk) datasets(acc Account) []catalog.Dataset {
	var out []catalog.Dataset
	for _, ds := range d.cfg.Catalog.Datasets {
		if ds.Publisher == acc.Comune {
			out = append(out, ds)
		}
	}
	return out
}
