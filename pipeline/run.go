// Package pipeline runs the stages in order: pull each dataset's source,
// read it, validate it, keep the good versions, export the downloads and
// render the portal. The stages live in the sub-packages; only this package
// knows their order.
package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/config"
	"github.com/provincia-como/opendata/pipeline/export"
	"github.com/provincia-como/opendata/pipeline/export/datapackage"
	"github.com/provincia-como/opendata/pipeline/export/dcat"
	"github.com/provincia-como/opendata/pipeline/ingest"
	"github.com/provincia-como/opendata/pipeline/source"
	"github.com/provincia-como/opendata/pipeline/store"
	"github.com/provincia-como/opendata/pipeline/validate"
)

// Config says what to build and where.
type Config struct {
	// Catalog is the catalog folder: portal.yaml, one YAML file per dataset
	// and the files their sources name.
	Catalog fs.FS
	// OutDir receives the portal.
	OutDir string
	// StateDir keeps versions and history between runs.
	StateDir string
	// Workers bounds how many datasets are processed at once; 0 means the
	// number of cores.
	Workers int
	// Only, when set, limits pulling to these dataset IDs (a scheduled tick
	// pulls the sources that are due); the others keep their stored state.
	Only []string
	// Incremental skips exporting and rendering when no dataset changed and
	// the portal in OutDir is already built.
	Incremental bool
	// Fetchers bounds how many remote sources are downloaded at once; 0
	// means 8. Downloads wait on other servers, not on this machine's cores.
	Fetchers int
	// Inbox is the upload desk's folder: a dataset with an upload there
	// takes its newest upload as its file, before its catalog source.
	// Deps.Inbox, when set, is used instead (an inbox in a bucket).
	Inbox string
}

// Inbox gives the newest upload of a dataset, or nil when there is none.
type Inbox interface {
	Latest(ctx context.Context, dataset string) (*source.Result, error)
}

// Fetcher gets a dataset's raw file.
type Fetcher interface {
	Fetch(ctx context.Context, src catalog.Source, prev catalog.Provenance) (*source.Result, error)
}

// RenderFunc renders the portal of a build into outDir and returns the
// number of pages written.
type RenderFunc func(ctx context.Context, b *catalog.Build, outDir string) (pages int, err error)

// Deps are the parts a run uses that the caller chooses.
type Deps struct {
	Log *slog.Logger
	// Fetcher defaults to a source.Fetcher over Config.Catalog.
	Fetcher Fetcher
	// SchemaFetcher gets schemas at https:// addresses; it defaults to a
	// copy of Fetcher (when it is a *source.Fetcher) asking for JSON.
	SchemaFetcher Fetcher
	// Render renders the portal; nil skips rendering (exports only).
	Render RenderFunc
	// Inbox is the upload desk's inbox when it is not a folder.
	Inbox Inbox
	// Progress, if set, is told when each dataset is done.
	Progress func(done, total int, id string)
	Now      func() time.Time
}

// Outcome is what happened to one dataset in a run.
type Outcome struct {
	ID     string
	Status catalog.Status
	// Rows of the published version.
	Rows int
	// New is true when the run published a new version.
	New bool
	// Changed is true when the dataset's published version or status
	// changed: the portal must be rebuilt.
	Changed bool
	// Pulled is false for a dataset the run did not pull (Config.Only).
	Pulled bool
	// Exported is true when the run already wrote the dataset's downloads.
	Exported bool
	// Reason is the first blocking issue or the fetch error.
	Reason catalog.Text
}

// Result is what a run did.
type Result struct {
	Build    *catalog.Build
	Outcomes []Outcome
	Pages    int
	Duration time.Duration
	// Rendered is false when an incremental run found nothing changed and
	// left the portal as it was.
	Rendered bool
}

// Changed reports whether any dataset changed in the run.
func (r *Result) Changed() bool {
	for _, o := range r.Outcomes {
		if o.Changed {
			return true
		}
	}
	return false
}

// Refused counts the datasets whose latest file was refused or could not be
// fetched.
func (r *Result) Refused() int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Status != catalog.Accepted {
			n++
		}
	}
	return n
}

// Rows counts the rows published.
func (r *Result) Rows() int {
	n := 0
	for _, o := range r.Outcomes {
		n += o.Rows
	}
	return n
}

// Run runs the whole pipeline once.
func Run(ctx context.Context, cfg Config, deps Deps) (*Result, error) {
	start := time.Now()
	log := deps.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	cat, err := config.Load(cfg.Catalog)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(cfg.StateDir)
	if err != nil {
		return nil, err
	}
	fetcher := deps.Fetcher
	if fetcher == nil {
		f := source.New(cfg.Catalog, log)
		f.Now = now
		fetcher = f
	}
	loader := &schemaLoader{catalog: cfg.Catalog, store: st, fetch: schemaFetcher(deps.SchemaFetcher, fetcher, cfg.Catalog, log, now), log: log}
	set, err := loader.loadSchemaSet(ctx, cat)
	if err != nil {
		return nil, err
	}
	order, err := levels(cat, set)
	if err != nil {
		return nil, err
	}
	schemas := set.byRef
	r := &runner{cat: cat, schemas: schemas, sources: set.src, store: st, fetch: fetcher, log: log, now: now, outDir: cfg.OutDir, files: cfg.Catalog}
	switch {
	case deps.Inbox != nil:
		r.inbox = deps.Inbox
	case cfg.Inbox != "":
		r.inbox = &source.Inbox{Dir: cfg.Inbox, MaxBytes: 200 << 20}
	}

	// The registry of comuni comes first: the other datasets are checked
	// against it. Then each dataset comes after those its foreign keys
	// point to.
	only := map[string]bool{}
	for _, id := range cfg.Only {
		if _, ok := cat.Dataset(id); !ok {
			return nil, fmt.Errorf("dataset %q is not in the catalog", id)
		}
		only[id] = true
	}
	total := 0
	for i, level := range order {
		kept := level[:0:0]
		for _, d := range level {
			if len(only) == 0 || only[d.ID] {
				kept = append(kept, d)
			}
		}
		order[i] = kept
		total += len(kept)
	}
	// Remote sources are downloaded in the background from the start, so
	// that a server that never answers holds one download slot while the
	// local files are read and checked; within each level their datasets
	// are processed last.
	var all []catalog.Dataset
	for i, level := range order {
		all = append(all, level...)
		order[i] = localFirst(level)
	}
	budget := cmp.Or(cat.Portal.PullTimeout, catalog.DefaultPullTimeout)
	stopPulls := r.startPulls(ctx, all, cmp.Or(cfg.Fetchers, 8), budget)
	defer stopPulls()
	var done int
	var mu sync.Mutex
	outcomes := make(map[string]Outcome, total)
	report := func(o Outcome) {
		mu.Lock()
		defer mu.Unlock()
		outcomes[o.ID] = o
		done++
		if deps.Progress != nil {
			deps.Progress(done, total, o.ID)
		}
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	for i, level := range order {
		if i == 1 {
			if r.registry, err = r.loadRegistry(registriesOf(cat)); err != nil {
				return nil, err
			}
		}
		if r.refs, err = r.loadRefs(level); err != nil {
			return nil, err
		}
		if err := r.each(ctx, level, workers, report); err != nil {
			return nil, err
		}
	}
	if err := st.Flush(); err != nil {
		return nil, err
	}

	res := &Result{}
	for _, d := range cat.Datasets {
		o, pulled := outcomes[d.ID]
		o.ID, o.Pulled = d.ID, pulled
		res.Outcomes = append(res.Outcomes, o)
	}
	if cfg.Incremental && !res.Changed() && built(cfg.OutDir) {
		log.Info("nothing changed, portal left as it was")
		if res.Build, err = r.snapshot(cat, schemas, now, false); err != nil {
			return nil, err
		}
		r.fillOutcomes(res)
		res.Duration = time.Since(start)
		return res, nil
	}
	phase := time.Now()
	build, err := r.snapshot(cat, schemas, now, true)
	if err != nil {
		return nil, err
	}
	log.Debug("snapshot read", "took", time.Since(phase).Round(time.Millisecond))
	phase = time.Now()
	res.Build = build
	changed, exportedNow := make(map[string]bool, len(outcomes)), make(map[string]bool, len(outcomes))
	for id, o := range outcomes {
		changed[id], exportedNow[id] = o.Changed, o.Exported
	}
	var todo []*catalog.DatasetState
	for i := range build.Datasets {
		st := &build.Datasets[i]
		// An incremental run rewrites the downloads of the datasets that
		// changed; the others keep the files of their last export.
		if exportedNow[st.Dataset.ID] || cfg.Incremental && !changed[st.Dataset.ID] && exported(cfg.OutDir, st.Downloads) {
			continue
		}
		todo = append(todo, st)
	}
	if err := parallel(ctx, todo, workers, func(ctx context.Context, st *catalog.DatasetState) error {
		return r.export(ctx, st, cfg.OutDir)
	}); err != nil {
		return nil, err
	}
	log.Debug("exports written", "took", time.Since(phase).Round(time.Millisecond))
	phase = time.Now()
	if err := r.standards(ctx, build, cfg.OutDir); err != nil {
		return nil, err
	}
	log.Debug("DCAT-AP_IT and data packages written", "took", time.Since(phase).Round(time.Millisecond))
	r.fillOutcomes(res)
	if deps.Render != nil {
		pages, err := deps.Render(ctx, build, cfg.OutDir)
		if err != nil {
			return nil, fmt.Errorf("render: %w", err)
		}
		res.Pages, res.Rendered = pages, true
	}
	res.Duration = time.Since(start)
	return res, nil
}

// standards writes the Frictionless data packages and the DCAT-AP_IT
// catalog. The packages come first and are listed among each dataset's
// downloads; the catalog lists only the data files.
func (r *runner) standards(ctx context.Context, build *catalog.Build, outDir string) error {
	pkgs, err := datapackage.Write(ctx, outDir, build)
	if err != nil {
		return err
	}
	byPath := make(map[string]*catalog.DatasetState, len(build.Datasets))
	for i := range build.Datasets {
		st := &build.Datasets[i]
		byPath[path.Join("datasets", st.Dataset.ID, datapackage.FileName)] = st
	}
	for _, d := range pkgs {
		if st := byPath[d.Path]; st != nil {
			st.Downloads = append(st.Downloads, d)
		}
	}
	if _, err := dcat.Write(ctx, outDir, build); err != nil {
		return err
	}
	return nil
}

// parallel runs do on every item, at most workers at once, and stops at
// the first error.
func parallel[T any](ctx context.Context, items []T, workers int, do func(context.Context, T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, max(workers, 1))
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for _, it := range items {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := do(ctx, it); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// exported reports whether the downloads of a dataset's last export are
// all in outDir.
func exported(outDir string, downloads []catalog.Download) bool {
	if len(downloads) == 0 {
		return false
	}
	for _, d := range downloads {
		if _, err := os.Stat(filepath.Join(outDir, filepath.FromSlash(d.Path))); err != nil {
			return false
		}
	}
	return true
}

// built reports whether outDir already holds a portal.
func built(outDir string) bool {
	_, err := os.Stat(filepath.Join(outDir, "index.html"))
	return err == nil
}

func registriesOf(cat *catalog.Catalog) []catalog.Dataset {
	var out []catalog.Dataset
	for _, d := range cat.Datasets {
		if d.Schema == RegistrySchema {
			out = append(out, d)
		}
	}
	return out
}

// fillOutcomes completes each outcome with the dataset's state after the run.
func (r *runner) fillOutcomes(res *Result) {
	for i, d := range res.Build.Datasets {
		o := &res.Outcomes[i]
		o.Status = d.Status
		if d.Current != nil {
			o.Rows = d.Current.Rows
		}
		if o.Reason.IsZero() && d.Latest != nil {
			o.Reason = d.Latest.Reason
		}
	}
}

// snapshot gathers the state of every dataset from the store; the tables
// are read only with withTables, else left to each state's LoadTable.
func (r *runner) snapshot(cat *catalog.Catalog, schemas map[string]*validate.Schema, now func() time.Time, withTables bool) (*catalog.Build, error) {
	build := &catalog.Build{Portal: cat.Portal, Generated: now().UTC(), Schemas: map[string]*catalog.Schema{}, Files: r.files}
	for name, s := range schemas {
		build.Schemas[name] = s.Info()
	}
	for _, d := range cat.Datasets {
		st, err := r.state(d, withTables)
		if err != nil {
			return nil, err
		}
		build.Datasets = append(build.Datasets, *st)
	}
	return build, nil
}

type runner struct {
	// pulls are the downloads of remote sources, started before any
	// dataset is processed; read only after startPulls returns.
	pulls   map[string]*pull
	cat     *catalog.Catalog
	schemas map[string]*validate.Schema
	// sources say where each schema comes from and its version.
	sources map[string]*catalog.SchemaSource
	// refs are the published tables the foreign keys of the datasets
	// being processed point to.
	refs     validate.Refs
	store    *store.Store
	fetch    Fetcher
	inbox    Inbox
	registry validate.Registry
	log      *slog.Logger
	now      func() time.Time
	// outDir receives the downloads of a dataset as soon as a new version
	// is accepted, while its table is still in memory.
	outDir string
	// files is the catalog folder, handed to the portal (Build.Files).
	files fs.FS
	// followed holds the files of the L. 190 indices pulled, by the
	// *source.Result that stands for them (l190index.go).
	followed sync.Map
}

// each processes datasets with at most workers at once. A dataset's bad
// data is an outcome, not an error: only a broken program (a store that
// cannot be written, a cancelled run) stops the run.
func (r *runner) each(ctx context.Context, list []catalog.Dataset, workers int, report func(Outcome)) error {
	return parallel(ctx, list, workers, func(ctx context.Context, d catalog.Dataset) error {
		o, err := r.process(ctx, d)
		if err != nil {
			return err
		}
		report(o)
		return nil
	})
}

// process pulls, reads and judges one dataset, and records the verdict.
// When the dataset's schema changed since its latest file was judged, the
// file is read and judged again even if it did not change.
func (r *runner) process(ctx context.Context, d catalog.Dataset) (Outcome, error) {
	o := Outcome{ID: d.ID}
	rec, err := r.store.Load(d.ID)
	if err != nil {
		return o, err
	}
	log := r.log.With("dataset", d.ID)
	sum, recheck := r.schemaChanged(d, rec)
	// A changed filter reads the same file again, fetched in full.
	refilter := r.filterChanged(d, rec)
	res, err := r.pulled(ctx, d, rec)
	if err != nil {
		var se *source.Error
		if !errors.As(err, &se) {
			return o, fmt.Errorf("dataset %s: %w", d.ID, err)
		}
		log.Warn("source unavailable, last good version kept", "error", err)
		o.Status, o.Reason = catalog.Stale, se.Message
		o.Changed = rec.Status() != catalog.Stale
		return o, r.store.Stale(ctx, d.ID, r.now(), se.Message)
	}
	if !recheck && !refilter && (res.NotModified || (rec.Latest != nil && rec.Latest.Status != catalog.Stale && res.Prov.Checksum == rec.Source.Checksum)) {
		log.Debug("source unchanged")
		o.Changed = rec.Status() == catalog.Stale
		if err := r.store.Unchanged(ctx, d.ID, res.Prov); err != nil {
			return o, err
		}
		if rec.Schema == "" && sum != "" {
			// State kept before schemas had versions: start from here.
			if err := r.store.SetSchema(d.ID, sum, nil); err != nil {
				return o, err
			}
		}
		after, err := r.store.Load(d.ID)
		if err != nil {
			return o, err
		}
		o.Status = after.Status()
		return o, nil
	}
	issues, t, err := r.judgePulled(ctx, d, res)
	if err != nil {
		return o, fmt.Errorf("dataset %s: %w", d.ID, err)
	}
	if catalog.Blocking(issues) {
		if recheck && rec.Current != "" && res.Prov.Checksum == currentChecksum(rec) {
			// The published file itself no longer passes the changed
			// schema: it stays published, with a warning.
			o.Status, o.Changed = rec.Status(), true
			o.Reason = catalog.FirstReason(issues)
			log.Warn("schema changed: the published version no longer passes it and stays published", "issues", len(issues), "first", o.Reason.En)
			return o, r.store.SetSchema(d.ID, sum, &catalog.Recheck{At: r.now().UTC(), Schema: sum, Reason: o.Reason, Issues: issues})
		}
		o.Status, o.Changed = catalog.Refused, true
		o.Reason = catalog.FirstReason(issues)
		log.Warn("file refused, last good version kept", "issues", len(issues), "first", o.Reason.En)
		if err := r.store.Refuse(ctx, d.ID, res.Prov, issues); err != nil {
			return o, err
		}
		// A warning about the published version stands while the schema
		// it was found with does.
		keep := rec.Recheck
		if keep != nil && keep.Schema != sum {
			keep = nil
		}
		return o, r.store.SetSchema(d.ID, sum, keep)
	}
	v, isNew, err := r.store.Accept(ctx, d.ID, t, res.Prov, issues)
	if err != nil {
		return o, err
	}
	if err := r.store.SetSchema(d.ID, sum, nil); err != nil {
		return o, err
	}
	o.Status, o.New, o.Rows = catalog.Accepted, isNew, v.Rows
	// A changed schema changes the page (its fields, its version) and the
	// downloads that describe it, even when the data is the same.
	o.Changed = isNew || rec.Current != v.ID || rec.Status() != catalog.Accepted || rec.Recheck != nil || recheck
	if o.Changed {
		// Export now, with the table in memory: reading it back from the
		// store later would cost as much again.
		state, err := r.state(d, false)
		if err != nil {
			return o, err
		}
		state.Table = t
		if err := r.export(ctx, state, r.outDir); err != nil {
			return o, err
		}
		o.Exported = true
	}
	log.Info("file accepted", "version", v.ID, "new", isNew, "rows", v.Rows)
	return o, nil
}

// currentChecksum is the checksum of the file the published version came
// from.
func currentChecksum(rec *store.Record) string {
	v, _ := rec.Version(rec.Current)
	return v.Checksum
}

// schemaSum is the checksum of the dataset's schema document.
func (r *runner) schemaSum(d catalog.Dataset) string {
	if src := r.sources[d.Schema]; src != nil {
		return src.Checksum
	}
	return ""
}

// schemaFetcher is the fetcher of schemas at addresses: the one given, or
// the sources' fetcher (its client, retries and caps) asking for JSON.
func schemaFetcher(given, sources Fetcher, catalogFS fs.FS, log *slog.Logger, now func() time.Time) Fetcher {
	if given != nil {
		return given
	}
	if f, ok := sources.(*source.Fetcher); ok {
		c := *f
		c.JSON = true
		return &c
	}
	f := source.New(catalogFS, log)
	f.Now, f.JSON = now, true
	return f
}

// schemaChanged gives the checksum of the dataset's schema and whether it
// differs from the one its latest file was judged with.
func (r *runner) schemaChanged(d catalog.Dataset, rec *store.Record) (sum string, changed bool) {
	sum = r.schemaSum(d)
	return sum, rec.Schema != "" && sum != "" && rec.Schema != sum
}

// pull is the background download of one remote source.
type pull struct {
	d    catalog.Dataset
	done chan struct{} // closed when res and err are set
	res  *source.Result
	err  error
}

// startPulls starts the pull phase: it downloads the remote (URL) sources
// of list, at most n at once, all within budget (the portal's
// pull_timeout). Each result is kept under its dataset, so the run's
// outcome does not depend on which server answered first. A source the
// budget cuts off gets the fetcher's "did not answer" error, not a failed
// run. stop cancels what is left and waits for the downloads to end.
func (r *runner) startPulls(ctx context.Context, list []catalog.Dataset, n int, budget time.Duration) (stop func()) {
	r.pulls = map[string]*pull{}
	var order []*pull
	for _, d := range list {
		if d.Source.URL != "" {
			p := &pull{d: d, done: make(chan struct{})}
			r.pulls[d.ID] = p
			order = append(order, p)
		}
	}
	if len(order) == 0 {
		return func() {}
	}
	start := time.Now()
	fetchCtx, cancel := context.WithTimeout(ctx, budget)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		sem := make(chan struct{}, max(n, 1))
		var wg sync.WaitGroup
		// Every pull runs, even after the budget: the fetcher then answers
		// at once, and every done channel is closed.
		for _, p := range order {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				defer close(p.done)
				rec, err := r.store.Load(p.d.ID)
				if err != nil {
					p.err = err
					return
				}
				p.res, p.err = r.pull(ctx, fetchCtx, p.d, rec)
			}()
		}
		wg.Wait()
		r.log.Debug("remote sources pulled", "sources", len(order), "took", time.Since(start).Round(time.Millisecond))
	}()
	return func() {
		cancel()
		<-finished
	}
}

// localFirst orders datasets with a local file before those with a remote
// source, whose downloads may still be running.
func localFirst(list []catalog.Dataset) []catalog.Dataset {
	out := slices.Clone(list)
	slices.SortStableFunc(out, func(a, b catalog.Dataset) int {
		remote := func(d catalog.Dataset) int {
			if d.Source.URL != "" {
				return 1
			}
			return 0
		}
		return cmp.Compare(remote(a), remote(b))
	})
	return out
}

// pulled gives the dataset's file: the result of its background download,
// or, for a local source, the file read now.
func (r *runner) pulled(ctx context.Context, d catalog.Dataset, rec *store.Record) (*source.Result, error) {
	p, ok := r.pulls[d.ID]
	if !ok {
		return r.pull(ctx, ctx, d, rec)
	}
	select {
	case <-p.done:
		return p.res, p.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// pull gets the dataset's file: the clerks' newest upload if there is one,
// else the catalog source, fetched under fetchCtx (the pull phase's
// budget).
func (r *runner) pull(ctx, fetchCtx context.Context, d catalog.Dataset, rec *store.Record) (*source.Result, error) {
	if r.inbox != nil {
		res, err := r.inbox.Latest(ctx, d.ID)
		if err != nil || res != nil {
			return r.followL190(fetchCtx, d, rec, rec.Source, res, err)
		}
	}
	prev := rec.Source
	_, recheck := r.schemaChanged(d, rec)
	if recheck || r.filterChanged(d, rec) {
		prev = catalog.Provenance{} // the bytes are needed, not a 304
	}
	if d.Schema == L190Schema {
		// An L. 190 file is XML, and may be an index of other files.
		res, err := xmlFetcher(r.fetch).Fetch(fetchCtx, d.Source, prev)
		return r.followL190(fetchCtx, d, rec, prev, res, err)
	}
	return r.fetch.Fetch(fetchCtx, d.Source, prev)
}

// Judge reads a file and validates it against a schema: the same code for
// the pipeline, `opendata check` and the upload desk. An unreadable file is
// an issue, not an error.
func (r *runner) Judge(ctx context.Context, schema, name string, data []byte, sheet string) ([]catalog.Issue, *catalog.Table, error) {
	return judge(ctx, r.schemas[schema], r.registry, r.refs, name, data, sheet)
}

func judge(ctx context.Context, s *validate.Schema, reg validate.Registry, refs validate.Refs, name string, data []byte, sheet string) ([]catalog.Issue, *catalog.Table, error) {
	info := s.Info()
	if info.Name == L190Schema {
		return judgeL190(ctx, info, name, data)
	}
	t, issues, err := ingest.Read(ctx, name, data, ingest.Options{Schema: info, Sheet: sheet})
	if err != nil {
		var ie *ingest.Error
		if !errors.As(err, &ie) {
			return nil, nil, err
		}
		return []catalog.Issue{{Ref: ie.Ref, Severity: catalog.Error, Rule: "unreadable", Message: ie.Message}}, nil, nil
	}
	applyMissing(t, info)
	if catalog.Blocking(issues) {
		return issues, t, nil
	}
	issues = append(issues, validate.TableRefs(ctx, t, s, reg, refs)...)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return issues, t, nil
}

// state gathers what the portal shows of a dataset.
func (r *runner) state(d catalog.Dataset, withTable bool) (*catalog.DatasetState, error) {
	rec, err := r.store.Load(d.ID)
	if err != nil {
		return nil, err
	}
	st := &catalog.DatasetState{Dataset: d, Status: rec.Status(), History: rec.History, Latest: rec.Latest, LastGoodFetch: rec.LastGoodFetch, Downloads: rec.Downloads}
	if src := r.sources[d.Schema]; src != nil {
		c := *src
		st.SchemaSource = &c
	}
	if rec.Recheck != nil && rec.Current != "" {
		st.Recheck = rec.Recheck
	}
	if rec.Current != "" {
		v, _ := rec.Version(rec.Current)
		st.Current = &v
		id, version := d.ID, rec.Current
		st.LoadTable = func() (*catalog.Table, error) { return r.store.Table(id, version) }
		if !withTable {
			return st, nil
		}
		if st.Preview, err = r.store.Preview(id, version); err != nil {
			return nil, err
		}
		// The portal shows every row of the registry (a page per comune)
		// and of the projects (a page per project); of the other datasets
		// it shows a preview, and their tables stay on disk.
		if d.Schema == RegistrySchema || catalog.IsProjects(d.Schema) {
			if st.Table, err = st.LoadTable(); err != nil {
				return nil, err
			}
		}
	}
	return st, nil
}

// export writes a dataset's downloads and records them in its state.
func (r *runner) export(ctx context.Context, st *catalog.DatasetState, outDir string) error {
	var info *catalog.Schema
	if s := r.schemas[st.Dataset.Schema]; s != nil {
		info = s.Info()
	}
	id := st.Dataset.ID
	load := func(version string) (*catalog.Table, error) { return r.store.Table(id, version) }
	var err error
	if st.Downloads, err = export.Dataset(ctx, outDir, st, info, load); err != nil {
		return err
	}
	if st.Dataset.Schema == L190Schema {
		pkgs, err := writeOCDS(ctx, outDir, r.cat.Portal, st)
		if err != nil {
			return fmt.Errorf("export %s: %w", id, err)
		}
		st.Downloads = append(st.Downloads, pkgs...)
		files, err := writeANAC(ctx, outDir, r.cat.Portal, st)
		if err != nil {
			return fmt.Errorf("export %s: %w", id, err)
		}
		st.Downloads = append(st.Downloads, files...)
	}
	return r.store.SetDownloads(id, st.Downloads)
}
