package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"

	"github.com/provincia-como/opendata/datasets"
)

// common holds the flags every pipeline command shares.
type common struct {
	catalog   string
	state     string
	inbox     string
	logFormat string
	verbose   bool
}

func addCommon(f *flag.FlagSet) *common {
	c := &common{}
	f.StringVar(&c.catalog, "catalog", "", "catalog `folder` (portal.yaml and one YAML file per dataset); default: the embedded demo catalog")
	f.StringVar(&c.state, "state", ".opendata/state", "`folder` that keeps versions and history between runs")
	f.StringVar(&c.inbox, "inbox", "", "upload desk inbox, a `folder` or s3://bucket/prefix: a dataset's newest upload there comes before its catalog source")
	f.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	f.BoolVar(&c.verbose, "v", false, "verbose: log every step")
	return c
}

// catalogFS opens the catalog folder, or the embedded demo catalog.
func (c *common) catalogFS() (fs.FS, error) {
	if c.catalog == "" {
		return datasets.FS, nil
	}
	info, err := os.Stat(c.catalog)
	if err != nil {
		return nil, usageError("catalog: %v", err)
	}
	if !info.IsDir() {
		return nil, usageError("catalog: %s is not a folder", c.catalog)
	}
	return os.DirFS(c.catalog), nil
}

func (c *common) logger(w io.Writer) (*slog.Logger, error) {
	level := slog.LevelWarn
	if c.verbose {
		level = slog.LevelDebug
	}
	return c.loggerAt(w, level)
}

func (c *common) loggerAt(w io.Writer, level slog.Level) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: level}
	switch c.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError("--log-format must be text or json, not %q", c.logFormat)
}

// isTerminal reports whether w is a terminal, where progress is drawn on
// one line; elsewhere (CI logs, files) plain log lines are written.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// progress draws "[ 3/12] dataset" on a terminal, or logs a line.
func progress(w io.Writer, log *slog.Logger) func(done, total int, id string) {
	if isTerminal(w) {
		return func(done, total int, id string) {
			fmt.Fprintf(w, "\r\033[K[%*d/%d] %s", len(fmt.Sprint(total)), done, total, id)
			if done == total {
				fmt.Fprint(w, "\r\033[K")
			}
		}
	}
	return func(done, total int, id string) {
		log.Info("dataset done", "dataset", id, "done", done, "total", total)
	}
}
