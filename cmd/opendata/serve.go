package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path"
	"strings"
	"time"

	"github.com/provincia-como/opendata/desk"
	"github.com/provincia-como/opendata/pipeline"
	"github.com/provincia-como/opendata/pipeline/publish"
)

func runServe(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "serve", "serve [--dir public] [--addr 127.0.0.1:8080] [--inbox DIR --accounts FILE [--trusted-proxy CIDR]...] | serve --hash-password")
	c := addCommon(f)
	dir := f.String("dir", "public", "built portal `folder` to serve")
	addr := f.String("addr", "127.0.0.1:8080", "`address` to listen on")
	accounts := f.String("accounts", "accounts.yaml", "with --inbox: the clerks' accounts `file` (YAML with bcrypt password hashes)")
	retention := f.Duration("quarantine", 30*24*time.Hour, "with --inbox: how long refused files are kept in quarantine")
	secure := f.Bool("secure-cookies", false, "with --inbox: mark cookies Secure (behind a TLS proxy)")
	var proxies []netip.Prefix
	f.Func("trusted-proxy", "with --inbox: a reverse proxy's `CIDR` (or address) whose X-Forwarded-For names the client, for the per-address limit and the audit; repeatable", func(v string) error {
		p, err := parseProxy(v)
		if err == nil {
			proxies = append(proxies, p)
		}
		return err
	})
	hash := f.Bool("hash-password", false, "read a password on standard input, print its hash for the accounts file, and exit")
	if err := parse(f, args); err != nil {
		return err
	}
	if *hash {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return usageError("type the password on standard input")
		}
		h, err := desk.HashPassword(strings.TrimRight(line, "\r\n"))
		if err != nil {
			return usageError("%v", err)
		}
		fmt.Fprintln(e.stdout, h)
		return nil
	}
	mux := http.NewServeMux()
	if info, err := os.Stat(*dir); err == nil && info.IsDir() {
		mux.Handle("/", typed(portalFiles(*dir)))
	} else if c.inbox == "" {
		return usageError("nothing to serve in %s: run `opendata build` first", *dir)
	}
	if c.inbox != "" {
		h, err := newDesk(ctx, e, c, deskOptions{accounts: *accounts, retention: *retention, secure: *secure, proxies: proxies})
		if err != nil {
			return err
		}
		mux.Handle("/sportello/", h) // the desk routes under its base path itself
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stdout, "Serving %s at http://%s/ (Ctrl-C to stop)\n", *dir, ln.Addr())
	if c.inbox != "" {
		fmt.Fprintf(e.stdout, "Upload desk at http://%s/sportello/\n", ln.Addr())
	}
	return serveUntilDone(ctx, srv, ln)
}

// deskOptions are serve's flags for the desk.
type deskOptions struct {
	accounts  string
	retention time.Duration
	secure    bool
	proxies   []netip.Prefix
}

// parseProxy reads a --trusted-proxy: a CIDR range, or one address.
func parseProxy(v string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(v); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is neither a CIDR range (10.0.0.0/8) nor an address", v)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// newDesk opens the upload desk: the same checker as the pipeline, the
// clerks' accounts, and the inbox the pipeline reads.
func newDesk(ctx context.Context, e *env, c *common, o deskOptions) (http.Handler, error) {
	log, err := c.loggerAt(e.stderr, slog.LevelInfo)
	if err != nil {
		return nil, err
	}
	acc, err := desk.LoadAccounts(o.accounts)
	if err != nil {
		return nil, usageError("accounts: %v", err)
	}
	box, err := c.deskInbox(ctx, o.retention)
	if err != nil {
		return nil, err
	}
	cat, err := c.catalogFS()
	if err != nil {
		return nil, err
	}
	chk, err := pipeline.NewChecker(ctx, cat, log)
	if err != nil {
		return nil, err
	}
	return desk.New(ctx, desk.Config{Checker: chk, Catalog: chk.Catalog, Accounts: acc, Inbox: box, Log: log,
		Secure: o.secure, TrustedProxies: o.proxies, BasePath: "/sportello/"})
}

// portalFiles serves the built portal's pages and files, and nothing else
// of the folder: no listing of a folder without index.html, and no file or
// folder whose name starts with a dot, at any depth (.opendata holds the
// local caches, with file times; an editor or git may leave others).
// What is not served gets the portal's own 404 page.
func portalFiles(dir string) http.Handler {
	fsys := portalFS{os.DirFS(dir)}
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "."
		}
		if _, err := fs.Stat(fsys, name); errors.Is(err, fs.ErrNotExist) {
			page, err := fs.ReadFile(fsys, "404.html")
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			if r.Method != http.MethodHead {
				w.Write(page)
			}
			return
		}
		files.ServeHTTP(w, r)
	})
}

// portalFS hides from the file server what portalFiles does not serve, as
// if absent, so that the answer is a plain 404.
type portalFS struct{ fsys fs.FS }

func (p portalFS) Open(name string) (fs.File, error) {
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") && name != "." {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
	}
	f, err := p.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if info.IsDir() {
		// a folder is served by its index.html, never listed
		idx, err := fs.Stat(p.fsys, path.Join(name, "index.html"))
		if err != nil || !idx.Mode().IsRegular() {
			f.Close()
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return f, nil
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return f, nil
}

// typed serves files with the Content-Type the publisher gives them in the
// bucket (harvesters refuse RDF or Turtle served as text/plain), rather than
// what the machine's mime tables say.
func typed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t, ok := publish.KnownType(r.URL.Path); ok {
			w.Header().Set("Content-Type", t)
		}
		h.ServeHTTP(w, r)
	})
}

// serveUntilDone serves until ctx ends, then lets requests in flight finish.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
