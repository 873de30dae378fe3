package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

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
	opt := publish.Options{
		Endpoint:       p.endpoint,
		Region:         p.region,
		DryRun:         p.dryRun,
		Force:          p.force,
		MaxDeleteShare: p.maxDelete,
		Parallel:       p.parallel,
		Log:            log,
	}
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
	if err := parse(f, args); err != nil {
		return err
	}
	res, err := build(ctx, e, c, *out)
	if err != nil {
		return err
	}
	log, _ := c.logger(e.stderr)
	if err := doPublish(ctx, e, log, *out, p); err != nil {
		return err
	}
	if res.Refused() > 0 {
		return &exitError{code: exitRejected}
	}
	return nil
}
