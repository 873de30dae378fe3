package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/provincia-como/opendata/desk"
	"github.com/provincia-como/opendata/pipeline"
	"github.com/provincia-como/opendata/pipeline/publish"
)

func runServe(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "serve", "serve [--dir public] [--addr 127.0.0.1:8080] [--inbox DIR --accounts FILE] | serve --hash-password")
	c := addCommon(f)
	dir := f.String("dir", "public", "built portal `folder` to serve")
	addr := f.String("addr", "127.0.0.1:8080", "`address` to listen on")
	accounts := f.String("accounts", "accounts.yaml", "with --inbox: the clerks' accounts `file` (YAML with bcrypt password hashes)")
	retention := f.Duration("quarantine", 30*24*time.Hour, "with --inbox: how long refused files are kept in quarantine")
	secure := f.Bool("secure-cookies", false, "with --inbox: mark cookies Secure (behind a TLS proxy)")
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
		mux.Handle("/", typed(http.FileServer(http.Dir(*dir))))
	} else if c.inbox == "" {
		return usageError("nothing to serve in %s: run `opendata build` first", *dir)
	}
	if c.inbox != "" {
		h, err := newDesk(ctx, e, c, *accounts, *retention, *secure)
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

// newDesk opens the upload desk: the same checker as the pipeline, the
// clerks' accounts, and the inbox the pipeline reads.
func newDesk(ctx context.Context, e *env, c *common, accounts string, retention time.Duration, secure bool) (http.Handler, error) {
	log, err := c.loggerAt(e.stderr, slog.LevelInfo)
	if err != nil {
		return nil, err
	}
	acc, err := desk.LoadAccounts(accounts)
	if err != nil {
		return nil, usageError("accounts: %v", err)
	}
	box, err := c.deskInbox(ctx, retention)
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
	return desk.New(ctx, desk.Config{Checker: chk, Catalog: chk.Catalog, Accounts: acc, Inbox: box, Log: log, Secure: secure, BasePath: "/sportello/"})
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
