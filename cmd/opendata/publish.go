package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/provincia-como/opendata/pipeline"

	"github.com/provincia-como/opendata/pipeline/publish"
)

// publishFlags are the flags of publish and run.
type publishFlags struct {
	to, endpoint, region string
	dryRun, force        bool
	maxDelete            float64
	parallel             int
}

func addPublish(f interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
	Float64Var(*float64, string, float64, string)
	IntVar(*int, string, int, string)
}) *publishFlags {
	p := &publishFlags{}
	f.StringVar(&p.to, "to", "published", "target: a `folder`, or s3://bucket/prefix")
	f.StringVar(&p.endpoint, "endpoint", "", "S3 endpoint `URL` for MinIO, Ceph and other S3 servers (path-style addressing)")
	f.StringVar(&p.region, "region", "", "S3 region (default: from the AWS configuration, else us-east-1)")
	f.BoolVar(&p.dryRun, "dry-run", false, "print the plan, change nothing")
	f.BoolVar(&p.force, "force", false, "allow deleting more than --max-delete of the target")
	f.Float64Var(&p.maxDelete, "max-delete", 0.5, "refuse to delete more than this `share` of the target's files unless --force")
	f.IntVar(&p.parallel, "parallel", 8, "uploads in flight at once")
	return p
}

func (p *publishFlags) options(log *slog.Logger) publish.Options {
	return publish.Options{
		Endpoint:       p.endpoint,
		Region:         p.region,
		DryRun:         p.dryRun,
		Force:          p.force,
		MaxDeleteShare: p.maxDelete,
		Parallel:       p.parallel,
		Log:            log,
	}
}

func runPublish(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "publish", "publish [--from public] [--to s3://bucket/prefix] [--endpoint URL] [--dry-run]")
	from := f.String("from", "public", "built portal `folder` to publish")
	p := addPublish(f)
	logFormat := f.String("log-format", "text", "log format: text or json")
	verbose := f.Bool("v", false, "verbose: log every step")
	if err := parse(f, args); err != nil {
		return err
	}
	log, err := (&common{logFormat: *logFormat, verbose: *verbose}).logger(e.stderr)
	if err != nil {
		return err
	}
	return doPublish(ctx, e, log, *from, p)
}

func doPublish(ctx context.Context, e *env, log *slog.Logger, from string, p *publishFlags) error {
	if info, err := os.Stat(from); err != nil || !info.IsDir() {
		return usageError("nothing to publish in %s: run `opendata build` first", from)
	}
	opt := p.options(log)
	if isTerminal(e.stderr) {
		opt.Progress = e.stderr
	}
	target, err := publish.Open(ctx, p.to, opt)
	if err != nil {
		return err
	}
	sum, err := publish.Sync(ctx, from, target, opt)
	if p.dryRun {
		for _, a := range sum.Plan {
			fmt.Fprintln(e.stdout, a)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Published %s to %s: %s\n", from, p.to, sum)
	return nil
}

func runRun(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "run", "run [--catalog datasets] [--out public] [--to s3://bucket/prefix] [--endpoint URL]")
	c := addCommon(f)
	out := f.String("out", "public", "`folder` that receives the portal before it is published")
	p := addPublish(f)
	lockTTL := f.Duration("lock-ttl", time.Hour, "how long the target stays locked if this run dies without releasing it")
	if err := parse(f, args); err != nil {
		return err
	}
	log, err := c.logger(e.stderr)
	if err != nil {
		return err
	}
	res, err := runOnce(ctx, e, log, c, *out, p, *lockTTL, pipeline.Config{}, pipeline.Run)
	if err != nil {
		return err
	}
	return refusals(res)
}

// runFunc is pipeline.Run; the scheduler's tests replace it.
type runFunc func(context.Context, pipeline.Config, pipeline.Deps) (*pipeline.Result, error)

// runOnce is one scheduled job: lock the target, bring its state here,
// build, publish what changed, send the state back, unlock. The state lives
// beside the portal so that any runner carries on where the last stopped.
// extra sets the pipeline options of a scheduled tick (Only).
func runOnce(ctx context.Context, e *env, log *slog.Logger, c *common, out string, p *publishFlags, lockTTL time.Duration, extra pipeline.Config, run runFunc) (*pipeline.Result, error) {
	opt := p.options(log)
	target, err := publish.Open(ctx, p.to, opt)
	if err != nil {
		return nil, err
	}
	if !p.dryRun {
		host, _ := os.Hostname()
		lock, err := publish.Acquire(ctx, target, fmt.Sprintf("%s pid %d", host, os.Getpid()), lockTTL, nil)
		if err != nil {
			return nil, err
		}
		defer func() {
			// Unlock even when the run was cancelled.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if err := lock.Release(rctx); err != nil {
				log.Warn("could not release the lock; it expires by itself", "error", err)
			}
		}()
	}
	pulled, err := publish.PullState(ctx, target, c.state)
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	log.Info("state pulled from the target", "files", pulled)

	cat, err := c.catalogFS()
	if err != nil {
		return nil, err
	}
	cfg := extra
	cfg.Catalog, cfg.OutDir, cfg.StateDir, cfg.Incremental = cat, out, c.state, true
	deps := pipeline.Deps{Log: log, Render: render(log), Progress: progress(e.stderr, log)}
	if err := c.pipelineInbox(ctx, &cfg, &deps); err != nil {
		return nil, err
	}
	res, err := run(ctx, cfg, deps)
	if err != nil {
		return nil, err
	}
	printSummary(e.stdout, res, out)
	if res.Rendered {
		if isTerminal(e.stderr) {
			opt.Progress = e.stderr
		}
		sum, err := publish.Sync(ctx, out, target, opt)
		if p.dryRun {
			for _, a := range sum.Plan {
				fmt.Fprintln(e.stdout, a)
			}
		}
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(e.stdout, "Published %s to %s: %s\n", out, p.to, sum)
	}
	if p.dryRun || !res.Rendered {
		// With nothing changed there is nothing to send: what the state
		// gained (when each source was last confirmed, a new ETag) goes
		// with the next run that changes something.
		return res, nil
	}
	if _, err := publish.PushState(ctx, target, c.state, opt); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	return res, nil
}
