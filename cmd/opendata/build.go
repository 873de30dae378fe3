package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/provincia-como/opendata/pipeline"
	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/site"
)

func runBuild(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "build", "build [--catalog datasets] [--out public] [--state .opendata/state]")
	c := addCommon(f)
	out := f.String("out", "public", "`folder` that receives the portal")
	if err := parse(f, args); err != nil {
		return err
	}
	res, err := build(ctx, e, c, *out)
	if err != nil {
		return err
	}
	if res.Refused() > 0 {
		return &exitError{code: exitRejected}
	}
	return nil
}

// build runs the pipeline and prints its summary.
func build(ctx context.Context, e *env, c *common, out string) (*pipeline.Result, error) {
	cat, err := c.catalogFS()
	if err != nil {
		return nil, err
	}
	log, err := c.logger(e.stderr)
	if err != nil {
		return nil, err
	}
	cfg := pipeline.Config{Catalog: cat, OutDir: out, StateDir: c.state}
	deps := pipeline.Deps{Log: log, Render: render(log), Progress: progress(e.stderr, log)}
	if err := c.pipelineInbox(ctx, &cfg, &deps); err != nil {
		return nil, err
	}
	res, err := pipeline.Run(ctx, cfg, deps)
	if err != nil {
		return nil, err
	}
	printSummary(e.stdout, res, out)
	return res, nil
}

func render(log *slog.Logger) pipeline.RenderFunc {
	return func(ctx context.Context, b *catalog.Build, outDir string) (int, error) {
		stats, err := site.Render(ctx, b, outDir, log)
		return stats.Pages, err
	}
}

// printSummary writes what a person reads at a glance after a build.
func printSummary(w io.Writer, res *pipeline.Result, out string) {
	accepted := len(res.Outcomes) - res.Refused()
	if res.Rendered {
		fmt.Fprintf(w, "Portal built in %s/: %d datasets, %d accepted, %d refused; %d rows, %d pages, %.1f s\n",
			strings.TrimSuffix(out, "/"), len(res.Outcomes), accepted, res.Refused(), res.Rows(), res.Pages, res.Duration.Round(100*time.Millisecond).Seconds())
	} else {
		fmt.Fprintf(w, "No source changed: the portal in %s/ is left as it was (%d datasets, %d accepted, %d refused; %.1f s)\n",
			strings.TrimSuffix(out, "/"), len(res.Outcomes), accepted, res.Refused(), res.Duration.Round(100*time.Millisecond).Seconds())
	}
	for _, o := range res.Outcomes {
		if o.Status == catalog.Accepted {
			continue
		}
		kept, reason := "no version published yet", o.Reason.En
		for _, d := range res.Build.Datasets {
			if d.Dataset.ID != o.ID {
				continue
			}
			if d.Current != nil {
				kept = "version " + d.Current.ID + " stays published"
			}
			if reason == "" && d.Latest != nil {
				reason = d.Latest.Reason.En
			}
		}
		if reason == "" {
			reason = "see the data quality page"
		}
		fmt.Fprintf(w, "  %-8s %s (%s): %s\n", o.Status, o.ID, kept, reason)
	}
	printSchemaWarnings(w, res)
}

// printSchemaWarnings lists schema addresses served from their last good
// copy, and published versions that no longer pass a changed schema.
func printSchemaWarnings(w io.Writer, res *pipeline.Result) {
	if res.Build == nil {
		return
	}
	told := map[string]bool{}
	for _, d := range res.Build.Datasets {
		if s := d.SchemaSource; s != nil && !s.Warning.IsZero() && !told[s.Ref] {
			told[s.Ref] = true
			fmt.Fprintf(w, "  schema   %s: %s\n", s.Ref, s.Warning.En)
		}
		if rc := d.Recheck; rc != nil && d.Current != nil {
			fmt.Fprintf(w, "  recheck  %s (version %s stays published, but no longer passes its changed schema): %s\n", d.Dataset.ID, d.Current.ID, rc.Reason.En)
		}
	}
}
