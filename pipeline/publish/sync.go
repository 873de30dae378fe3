package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Options tune a sync and the S3 client Open builds.
type Options struct {
	// Endpoint is the address of an S3 server other than AWS (MinIO,
	// Ceph...); it turns on path-style addressing.
	Endpoint string
	// Region overrides the region of the AWS configuration.
	Region string
	// DryRun plans without changing the target.
	DryRun bool
	// MaxDeleteShare is the largest share of the target's files a sync may
	// delete without Force; default 0.5.
	MaxDeleteShare float64
	Force          bool
	// KeepGone leaves in the target the files that are gone from the
	// folder: the pipeline's state is pushed this way, so a runner with a
	// partial state folder never erases history.
	KeepGone bool
	// Parallel is the number of uploads in flight; default 8.
	Parallel int
	// Retries is the number of attempts of each S3 request; default 5.
	Retries int
	// Progress receives a progress line, redrawn in place; nil for none.
	Progress io.Writer
	Log      *slog.Logger

	maxBackoff time.Duration // S3 retry backoff cap; tests shorten it
}

func (o Options) withDefaults() Options {
	if o.MaxDeleteShare <= 0 {
		o.MaxDeleteShare = 0.5
	}
	if o.Parallel <= 0 {
		o.Parallel = 8
	}
	if o.Retries <= 0 {
		o.Retries = 5
	}
	if o.maxBackoff <= 0 {
		o.maxBackoff = 20 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// ErrTooManyDeletes is returned when a sync would delete more than
// Options.MaxDeleteShare of the target; nothing has been changed then.
var ErrTooManyDeletes = errors.New("publish: too many deletions")

// Summary is the outcome of a sync.
type Summary struct {
	Uploaded, Deleted, Unchanged int
	// Bytes uploaded (planned, in a dry run).
	Bytes    int64
	Duration time.Duration
	DryRun   bool
	// Plan lists every action in execution order (done or, in a dry run,
	// to do).
	Plan []Action
}

// String is the one-line report shown at the end of a publish.
func (s Summary) String() string {
	if s.DryRun {
		return fmt.Sprintf("dry run: %d to upload, %d to delete, %d unchanged, %s to send",
			s.Uploaded, s.Deleted, s.Unchanged, formatBytes(s.Bytes))
	}
	return fmt.Sprintf("%d uploaded, %d deleted, %d unchanged, %s in %.1f s",
		s.Uploaded, s.Deleted, s.Unchanged, formatBytes(s.Bytes), s.Duration.Seconds())
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Sync makes the target match the folder fromDir: it uploads new and
// changed files in an order that keeps every page's links working, then
// deletes files that are gone, then records the manifest. On an error it
// stops after the uploads in flight, leaving a site whose pages still link
// to files that exist; the next sync carries on from there.
func Sync(ctx context.Context, fromDir string, to Target, opt Options) (Summary, error) {
	opt = opt.withDefaults()
	start := time.Now()
	sum := Summary{DryRun: opt.DryRun}
	if f, ok := to.(*Folder); ok {
		if abs, err := filepath.Abs(fromDir); err == nil && abs == f.root {
			return sum, fmt.Errorf("publish: %s is both the source and the target", fromDir)
		}
	}
	info, err := os.Stat(fromDir)
	if err != nil {
		return sum, fmt.Errorf("publish: %w", err)
	}
	if !info.IsDir() {
		return sum, fmt.Errorf("publish: %s is not a folder", fromDir)
	}

	// The target is listed while the folder is read: both are mostly
	// waiting on system calls.
	var (
		remote      map[string]Object
		old         manifest
		oldRaw      []byte
		listErr     error
		manifestErr error
		wg          sync.WaitGroup
	)
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var listTime time.Duration
	wg.Go(func() {
		t0 := time.Now()
		if remote, listErr = to.List(lctx); listErr == nil {
			old, oldRaw, manifestErr = readManifest(lctx, to)
		}
		listTime = time.Since(t0)
	})
	_, isFolder := to.(*Folder)
	local, err := scan(ctx, fromDir, opt.Parallel, !isFolder)
	scanTime := time.Since(start)
	if err != nil {
		cancel()
		wg.Wait()
		return sum, err
	}
	wg.Wait()
	if listErr != nil {
		return sum, listErr
	}
	err = manifestErr
	if errors.Is(err, errBadManifest) {
		opt.Log.Warn("publish: manifest unreadable, comparing with the listing only")
	} else if err != nil {
		return sum, err
	}
	for k := range remote {
		if reserved(k) {
			delete(remote, k)
		}
	}

	opt.Log.Debug("publish: read", "files", len(local), "scan", scanTime, "list", listTime, "until", time.Since(start))
	acts, unchanged := plan(local, remote, old)
	opt.Log.Debug("publish: planned", "actions", len(acts), "until", time.Since(start))
	if opt.KeepGone {
		kept := acts[:0]
		for _, a := range acts {
			if a.Op == Upload {
				kept = append(kept, a)
			} else if e, ok := old.Files[a.Key]; ok {
				unchanged[a.Key] = e
			}
		}
		acts = kept
	}
	sum.Plan = acts
	sum.Unchanged = len(unchanged)
	var uploads, deletes []Action
	for _, a := range acts {
		if a.Op == Upload {
			uploads = append(uploads, a)
			sum.Bytes += a.Size
		} else {
			deletes = append(deletes, a)
		}
	}
	if len(deletes) > 0 && !opt.Force && float64(len(deletes)) > opt.MaxDeleteShare*float64(len(remote)) {
		return sum, fmt.Errorf("%w: %d of the %d files in the target would go (more than %.0f%%); check the source folder, or force",
			ErrTooManyDeletes, len(deletes), len(remote), opt.MaxDeleteShare*100)
	}
	if opt.DryRun {
		sum.Uploaded, sum.Deleted = len(uploads), len(deletes)
		sum.Duration = time.Since(start)
		return sum, nil
	}

	prog := newProgress(opt.Progress, len(uploads), sum.Bytes)
	defer prog.stop()
	done, upErr := runUploads(ctx, to, uploads, local, opt, prog)
	sum.Bytes = 0
	for k, e := range done {
		sum.Uploaded++
		sum.Bytes += e.Size
		unchanged[k] = e
	}
	opt.Log.Debug("publish: uploads done", "until", time.Since(start))
	var delErr error
	if upErr == nil {
		delErr = runDeletes(ctx, to, deletes)
		if delErr == nil {
			sum.Deleted = len(deletes)
		}
	}

	// The manifest goes last. After a failure it still records what is
	// known to be in place, and keeps the old entries of the rest: the
	// listing will tell next time whether they still hold.
	next := manifest{Version: 1, Files: unchanged}
	if upErr != nil || delErr != nil {
		for k, e := range old.Files {
			if _, ok := next.Files[k]; !ok {
				if _, ok := remote[k]; ok {
					next.Files[k] = e
				}
			}
		}
	}
	opt.Log.Debug("publish: deletions done", "until", time.Since(start))
	var manErr error
	if raw := next.encode(); !bytes.Equal(raw, oldRaw) {
		meta := Meta{ContentType: "application/json", CacheControl: "no-store"}
		// Recording what was done is worth a few seconds even when the
		// publish was interrupted.
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		_, err := to.Put(mctx, manifestKey, bytes.NewReader(raw), int64(len(raw)), meta)
		cancel()
		if err != nil {
			manErr = fmt.Errorf("publish: write manifest: %w", err)
		}
	}
	sum.Duration = time.Since(start)
	prog.stop()
	if err := errors.Join(upErr, delErr, manErr); err != nil {
		return sum, err
	}
	opt.Log.Info("publish done", "summary", sum.String())
	return sum, nil
}

// runUploads runs the uploads wave by wave, at most opt.Parallel at a
// time. After a failure it lets the uploads in flight finish, starts no
// more, and returns what was done.
func runUploads(ctx context.Context, to Target, acts []Action, local map[string]*localFile, opt Options, prog *progress) (map[string]entry, error) {
	done := make(map[string]entry)
	var mu sync.Mutex
	var errs []error
	sem := make(chan struct{}, opt.Parallel)
	for i := 0; i < len(acts); {
		j := i
		for j < len(acts) && acts[j].Phase == acts[i].Phase && acts[j].Wave == acts[i].Wave {
			j++
		}
		var wg sync.WaitGroup
		for _, a := range acts[i:j] {
			sem <- struct{}{}
			mu.Lock()
			failed := len(errs) > 0
			mu.Unlock()
			if failed || ctx.Err() != nil {
				<-sem
				break
			}
			wg.Go(func() {
				defer func() { <-sem }()
				f := local[a.Key]
				e, err := putFile(ctx, to, f)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
					return
				}
				done[a.Key] = e
				opt.Log.Debug("publish: uploaded", "key", a.Key, "reason", a.Reason, "bytes", f.size)
				prog.add(f.size)
			})
		}
		wg.Wait()
		if len(errs) > 0 {
			return done, fmt.Errorf("publish: %d uploads failed in phase %s (wave %d), nothing after it was sent: %w",
				len(errs), acts[i].Phase, acts[i].Wave, errors.Join(errs...))
		}
		if err := ctx.Err(); err != nil {
			return done, err
		}
		i = j
	}
	return done, nil
}

func putFile(ctx context.Context, to Target, f *localFile) (entry, error) {
	r, err := openFile(f.path, os.O_RDONLY, 0)
	if err != nil {
		return entry{}, fmt.Errorf("publish: %w", err)
	}
	defer r.Close()
	meta := Meta{ContentType: f.typ, CacheControl: f.cache, SHA256: f.sha, MD5: f.md5}
	obj, err := to.Put(ctx, f.key, r, f.size, meta)
	if err != nil {
		return entry{}, err
	}
	return entry{SHA256: f.sha, Size: f.size, Type: f.typ, Cache: f.cache, ETag: obj.ETag}, nil
}

// runDeletes removes pages first, then the files they may have used.
func runDeletes(ctx context.Context, to Target, acts []Action) error {
	for w := 0; w <= 1; w++ {
		var keys []string
		for _, a := range acts {
			if a.Wave == w {
				keys = append(keys, a.Key)
			}
		}
		if len(keys) == 0 {
			continue
		}
		if err := to.Delete(ctx, keys...); err != nil {
			return err
		}
	}
	return nil
}

// progress redraws "publish: 12/40 files, 1.2 MB/3.4 MB" a few times a
// second on w.
type progress struct {
	w         io.Writer
	files     int
	bytes     int64
	mu        sync.Mutex
	doneFiles int
	doneBytes int64
	quit      chan struct{}
	wg        sync.WaitGroup
	stopOnce  sync.Once
}

func newProgress(w io.Writer, files int, bytes int64) *progress {
	p := &progress{w: w, files: files, bytes: bytes, quit: make(chan struct{})}
	if w == nil || files == 0 {
		return p
	}
	p.wg.Go(func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.draw("")
			case <-p.quit:
				p.draw("\n")
				return
			}
		}
	})
	return p
}

func (p *progress) add(n int64) {
	p.mu.Lock()
	p.doneFiles++
	p.doneBytes += n
	p.mu.Unlock()
}

func (p *progress) draw(end string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r\033[Kpublish: %d/%d files, %s/%s%s", p.doneFiles, p.files, formatBytes(p.doneBytes), formatBytes(p.bytes), end)
}

func (p *progress) stop() {
	p.stopOnce.Do(func() { close(p.quit) })
	p.wg.Wait()
}
