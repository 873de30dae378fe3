package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/provincia-como/opendata/pipeline"
	"github.com/provincia-como/opendata/pipeline/config"
	"github.com/robfig/cron/v3"
)

func runSchedule(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "schedule", "schedule [--catalog datasets] [--out public] [--to s3://bucket/prefix] [--status-addr 127.0.0.1:8081]")
	c := addCommon(f)
	out := f.String("out", "public", "`folder` where the portal is built before each publish")
	p := addPublish(f)
	statusAddr := f.String("status-addr", "127.0.0.1:8081", "`address` of /healthz and the status page; empty to disable")
	grace := f.Duration("shutdown-timeout", 2*time.Minute, "on SIGTERM, how long a running job may go on before it is cancelled")
	lockTTL := f.Duration("lock-ttl", time.Hour, "how long the target stays locked if a job dies without releasing it")
	now := f.Bool("now", false, "also run every job once at start")
	if err := parse(f, args); err != nil {
		return err
	}
	log, err := c.logger(e.stderr)
	if err != nil {
		return err
	}
	if !c.verbose {
		// A daemon's log is its only voice: say what each tick did.
		log, _ = (&common{logFormat: c.logFormat, verbose: false}).loggerAt(e.stderr, slog.LevelInfo)
	}
	d := &daemon{env: e, common: c, out: *out, publish: p, log: log, grace: *grace, runPipeline: pipeline.Run, lockTTL: *lockTTL}
	return d.run(ctx, *statusAddr, *now)
}

// daemon runs the pipeline on the catalog's cron schedules: one job per
// distinct spec, pulling the datasets that share it. Jobs never overlap:
// a job still running when its next tick comes skips that tick, and jobs of
// different specs wait for each other, because they share the store.
type daemon struct {
	env     *env
	common  *common
	out     string
	publish *publishFlags
	log     *slog.Logger
	grace   time.Duration
	// runPipeline is pipeline.Run; tests replace it.
	runPipeline runFunc
	lockTTL     time.Duration

	run1 sync.Mutex // one pipeline run at a time

	mu        sync.Mutex
	statusURL string
	cron      *cron.Cron
	jobs      []*job
	started   time.Time
	lastTick  tickStatus
	ticks     int
}

type job struct {
	spec     string
	datasets []string
	entry    cron.EntryID
	last     tickStatus
	failures int
}

type tickStatus struct {
	At       time.Time `json:"at,omitzero"`
	Duration string    `json:"duration,omitempty"`
	Changed  bool      `json:"changed"`
	Refused  int       `json:"refused"`
	Error    string    `json:"error,omitempty"`
}

func (d *daemon) run(ctx context.Context, statusAddr string, runNow bool) error {
	catFS, err := d.common.catalogFS()
	if err != nil {
		return err
	}
	cat, err := config.Load(catFS)
	if err != nil {
		return err
	}
	bySpec := map[string][]string{}
	for _, ds := range cat.Datasets {
		bySpec[ds.Schedule] = append(bySpec[ds.Schedule], ds.ID)
	}
	specs := make([]string, 0, len(bySpec))
	for s := range bySpec {
		specs = append(specs, s)
	}
	sort.Strings(specs)

	// Jobs run with their own context: SIGTERM stops new ticks at once but
	// lets a running job finish until the grace period ends.
	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()

	cl := cronLogger{d.log}
	// Recover must sit inside SkipIfStillRunning: cron v3.0.1's skip wrapper
	// does not release its slot when the job panics through it, and every
	// later tick would be skipped.
	d.cron = cron.New(cron.WithChain(cron.SkipIfStillRunning(cl), cron.Recover(cl)), cron.WithLogger(cl))
	for _, spec := range specs {
		j := &job{spec: spec, datasets: bySpec[spec]}
		id, err := d.cron.AddFunc(spec, func() { d.tick(jobCtx, j) })
		if err != nil {
			return usageError("schedule %q (datasets %s): %v", spec, strings.Join(j.datasets, ", "), err)
		}
		j.entry = id
		d.jobs = append(d.jobs, j)
	}
	d.started = time.Now()

	if statusAddr != "" {
		ln, err := net.Listen("tcp", statusAddr)
		if err != nil {
			return fmt.Errorf("status address: %w", err)
		}
		srv := &http.Server{Handler: d.handler(), ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		d.mu.Lock()
		d.statusURL = "http://" + ln.Addr().String() + "/"
		d.mu.Unlock()
		d.log.Info("status page", "url", d.statusURL)
	}
	d.cron.Start()
	d.log.Info("scheduler started", "jobs", len(d.jobs))
	if runNow {
		for _, j := range d.jobs {
			go d.cron.Entry(j.entry).WrappedJob.Run()
		}
	}

	<-ctx.Done()
	d.log.Info("stopping: no new ticks; waiting for the running job", "grace", d.grace)
	stopped := d.cron.Stop()
	select {
	case <-stopped.Done():
	case <-time.After(d.grace):
		d.log.Warn("grace period over: cancelling the running job")
		cancelJobs()
		<-stopped.Done()
	}
	d.log.Info("scheduler stopped")
	return nil
}

// tick pulls the datasets of one job; if anything changed it rebuilds the
// portal and publishes it once.
func (d *daemon) tick(ctx context.Context, j *job) {
	d.run1.Lock()
	defer d.run1.Unlock()
	start := time.Now()
	st := tickStatus{At: start.UTC()}
	defer func() {
		if p := recover(); p != nil {
			d.record(j, tickStatus{At: st.At, Duration: time.Since(start).Round(time.Millisecond).String(), Error: fmt.Sprint("panic: ", p)})
			panic(p) // for cron.Recover, which logs the stack
		}
	}()
	err := func() error {
		var out strings.Builder
		te := &env{stdout: &out, stderr: io.Discard, getenv: d.env.getenv}
		res, err := runOnce(ctx, te, d.log, d.common, d.out, d.publish, d.lockTTL, pipeline.Config{Only: j.datasets}, d.runPipeline)
		if err != nil {
			return err
		}
		st.Changed, st.Refused = res.Rendered, res.Refused()
		if !res.Rendered {
			d.log.Info("tick: nothing changed", "spec", j.spec, "datasets", len(j.datasets))
			return nil
		}
		d.log.Info("tick: rebuilt and published", "spec", j.spec, "refused", res.Refused(), "report", strings.TrimSpace(out.String()))
		return nil
	}()
	st.Duration = time.Since(start).Round(time.Millisecond).String()
	if err != nil {
		st.Error = err.Error()
		d.log.Error("tick failed", "spec", j.spec, "error", err)
	}
	d.record(j, st)
}

func (d *daemon) record(j *job, st tickStatus) {
	d.mu.Lock()
	defer d.mu.Unlock()
	j.last = st
	if st.Error != "" {
		j.failures++
	}
	d.lastTick = st
	d.ticks++
}

// Ticks is how many ticks have ended, for tests.
func (d *daemon) Ticks() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ticks
}

type jobStatus struct {
	Spec     string     `json:"spec"`
	Datasets []string   `json:"datasets"`
	Next     time.Time  `json:"next,omitzero"`
	Last     tickStatus `json:"last"`
	Failures int        `json:"failures"`
}

type daemonStatus struct {
	Started time.Time   `json:"started"`
	Ticks   int         `json:"ticks"`
	Last    tickStatus  `json:"last"`
	Jobs    []jobStatus `json:"jobs"`
}

func (d *daemon) status() daemonStatus {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := daemonStatus{Started: d.started.UTC(), Ticks: d.ticks, Last: d.lastTick}
	for _, j := range d.jobs {
		s.Jobs = append(s.Jobs, jobStatus{Spec: j.spec, Datasets: j.datasets, Next: d.cron.Entry(j.entry).Next.UTC(), Last: j.last, Failures: j.failures})
	}
	return s
}

var statusPage = template.Must(template.New("status").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>opendata scheduler</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;color:#1a1a1a}table{border-collapse:collapse}th,td{border:1px solid #999;padding:.3rem .6rem;text-align:left;vertical-align:top}.err{color:#a00}</style>
</head><body><main>
<h1>opendata scheduler</h1>
<p>Running since {{.Started.Format "2006-01-02 15:04:05"}} UTC; {{.Ticks}} ticks.</p>
<table><caption>Jobs</caption>
<thead><tr><th scope="col">Schedule</th><th scope="col">Datasets</th><th scope="col">Next run (UTC)</th><th scope="col">Last run</th><th scope="col">Failures</th></tr></thead>
<tbody>{{range .Jobs}}<tr><td><code>{{.Spec}}</code></td><td>{{range $i, $d := .Datasets}}{{if $i}}, {{end}}{{$d}}{{end}}</td>
<td>{{if not .Next.IsZero}}{{.Next.Format "2006-01-02 15:04:05"}}{{end}}</td>
<td>{{if .Last.At.IsZero}}not yet{{else}}{{.Last.At.Format "2006-01-02 15:04:05"}} ({{.Last.Duration}}){{if .Last.Changed}}, rebuilt{{end}}{{if .Last.Refused}}, {{.Last.Refused}} refused{{end}}{{if .Last.Error}} <span class="err">failed: {{.Last.Error}}</span>{{end}}{{end}}</td>
<td>{{.Failures}}</td></tr>{{end}}</tbody></table>
</main></body></html>
`))

func (d *daemon) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"status": "ok", "ticks": d.Ticks()})
	})
	mux.HandleFunc("GET /status.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(d.status())
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := statusPage.Execute(w, d.status()); err != nil {
			d.log.Error("status page", "error", err)
		}
	})
	return mux
}

// cronLogger adapts slog to cron's logger, so a recovered panic in a job is
// logged like everything else.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	if err == nil {
		err = errors.New("unknown")
	}
	l.log.Error("cron: "+msg, append(kv, "error", err)...)
}
