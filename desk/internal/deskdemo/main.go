// Command deskdemo serves the upload desk on the embedded default catalog,
// for the browser test until `opendata serve --inbox` is wired. It prints
// the address it listens on, then serves until interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/provincia-como/opendata/datasets"
	"github.com/provincia-como/opendata/desk"
	"github.com/provincia-como/opendata/pipeline"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "deskdemo:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:0", "`address` to listen on")
	accounts := flag.String("accounts", "desk/testdata/accounts.yaml", "accounts `file`")
	inbox := flag.String("inbox", "", "inbox `folder` (required)")
	flag.Parse()
	if *inbox == "" {
		return errors.New("--inbox is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	acc, err := desk.LoadAccounts(*accounts)
	if err != nil {
		return err
	}
	checker, err := pipeline.NewChecker(ctx, datasets.FS, log)
	if err != nil {
		return err
	}
	box, err := desk.OpenFolder(ctx, *inbox, 30*24*time.Hour)
	if err != nil {
		return err
	}
	d, err := desk.New(desk.Config{Checker: checker, Catalog: checker.Catalog, Accounts: acc, Inbox: box, Log: log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: d, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("listening on http://%s/\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shut)
}
