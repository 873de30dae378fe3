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
	return refusals(res)
}

// refusals is the verdict of a build for its exit code: 3 when a real
// dataset's latest file was refused or could not be fetched. Datasets marked
// `example: true` do not count: the demo plants errors in one on purpose,
// and a scheduled job must not raise an alarm for what the portal shows.
func refusals(res *pipeline.Result) error {
	if unexpected(res) > 0 {
		return &exitError{code: exitRejected}
	}
	return nil
}

// unexpected counts the datasets not accepted that are not examples.
func unexpected(res *pipeline.Result) int {
	n := 0
	for _, o := range res.Outcomes {
		if o.Status != catalog.Accepted && !isExample(res, o.ID) {
			n++
		}
	}
	return n
}

func isExample(res *pipeline.Result, id string) bool {
	if res.Build == nil {
		return false
	}
	for _, d := range res.Build.Datasets {
		if d.Dataset.ID == id {
			return d.Dataset.Example
		}
	}
	return false
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

// printSummary writes what a person reads at a glance after a build: the
// counts, then each dataset not accepted, in English and in Italian, with
// what stays published.
func printSummary(w io.Writer, res *pipeline.Result, out string) {
	accepted := len(res.Outcomes) - res.Refused()
	counts := fmt.Sprintf("%d datasets, %d accepted, %d refused", len(res.Outcomes), accepted, res.Refused())
	if n := res.Refused() - unexpected(res); n > 0 {
		counts += fmt.Sprintf(" (%d expected: example data)", n)
	}
	secs := res.Duration.Round(100 * time.Millisecond).Seconds()
	if res.Rendered {
		fmt.Fprintf(w, "Portal built in %s/: %s; %d rows, %d pages, %.1f s\n", strings.TrimSuffix(out, "/"), counts, res.Rows(), res.Pages, secs)
	} else {
		fmt.Fprintf(w, "No source changed: the portal in %s/ is left as it was (%s; %.1f s)\n", strings.TrimSuffix(out, "/"), counts, secs)
	}
	for _, o := range res.Outcomes {
		if o.Status == catalog.Accepted {
			continue
		}
		var d *catalog.DatasetState
		if res.Build != nil {
			for i := range res.Build.Datasets {
				if res.Build.Datasets[i].Dataset.ID == o.ID {
					d = &res.Build.Datasets[i]
				}
			}
		}
		reason := o.Reason
		if reason.IsZero() && d != nil && d.Latest != nil {
			reason = d.Latest.Reason
		}
		if reason.IsZero() {
			reason = catalog.Text{It: "vedere la pagina della qualità dei dati", En: "see the data quality page"}
		}
		kept := catalog.Text{It: "nessuna versione è ancora pubblicata", En: "no version is published yet"}
		if d != nil && d.Current != nil {
			at := d.Current.Accepted
			kept = catalog.Text{It: "resta pubblicata la versione del " + at.Format("02/01/2006"), En: "the version of " + at.Format(time.DateOnly) + " stays published"}
		}
		id := o.ID
		if d != nil && d.Dataset.Example {
			id += " (example: expected / esempio: previsto)"
		}
		en, it := strings.TrimSuffix(reason.En, "."), strings.TrimSuffix(reason.It, ".")
		fmt.Fprintf(w, "  %-8s %s\n           %s; %s\n           %s; %s\n", o.Status, id, en, kept.En, it, kept.It)
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
