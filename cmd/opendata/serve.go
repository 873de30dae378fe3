package main

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"os"
	"time"
)

func runServe(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "serve", "serve [--dir public] [--addr 127.0.0.1:8080]")
	dir := f.String("dir", "public", "built portal `folder` to serve")
	addr := f.String("addr", "127.0.0.1:8080", "`address` to listen on")
	if err := parse(f, args); err != nil {
		return err
	}
	if info, err := os.Stat(*dir); err != nil || !info.IsDir() {
		return usageError("nothing to serve in %s: run `opendata build` first", *dir)
	}
	registerTypes()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(*dir)), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stdout, "Serving %s at http://%s/ (Ctrl-C to stop)\n", *dir, ln.Addr())
	return serveUntilDone(ctx, srv, ln)
}

// registerTypes teaches the file server the types harvesters and browsers
// expect for the open-data formats.
func registerTypes() {
	for ext, t := range map[string]string{
		".rdf":    "application/rdf+xml",
		".ttl":    "text/turtle; charset=utf-8",
		".jsonld": "application/ld+json",
		".csv":    "text/csv; charset=utf-8",
		".xlsx":   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	} {
		_ = mime.AddExtensionType(ext, t)
	}
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
