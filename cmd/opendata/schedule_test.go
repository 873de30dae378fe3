package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/provincia-como/opendata/datasets"
	"github.com/provincia-como/opendata/pipeline"
)

// secondsCatalog copies the demo catalog into a folder with every source
// due each second, so a test sees ticks quickly.
func secondsCatalog(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(datasets.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(datasets.FS, p)
		if err != nil {
			return err
		}
		if p == "portal.yaml" {
			b = []byte(strings.Replace(string(b), `schedule: "0 3 * * *"`, `schedule: "@every 1s"`, 1))
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func newTestDaemon(t *testing.T, catalogDir string) (*daemon, *bytes.Buffer) {
	var logs bytes.Buffer
	tmp := t.TempDir()
	log := slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	return &daemon{
		env:         &env{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }},
		common:      &common{catalog: catalogDir, state: filepath.Join(tmp, "state"), logFormat: "text"},
		out:         filepath.Join(tmp, "public"),
		publish:     &publishFlags{to: filepath.Join(tmp, "published"), maxDelete: 0.5, parallel: 4},
		log:         log,
		grace:       time.Minute,
		runPipeline: pipeline.Run,
		lockTTL:     time.Hour,
	}, &logs
}

// syncWriter lets the daemon's goroutines log into one buffer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func waitFor(t *testing.T, logs fmt.Stringer, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s after %s\n%s", what, limit, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestDaemonTicksPublishesOnceAndStopsCleanly(t *testing.T) {
	d, logs := newTestDaemon(t, secondsCatalog(t))
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.run(ctx, "127.0.0.1:0", false) }()

	waitFor(t, logs, "two ticks", 2*time.Minute, func() bool { return d.Ticks() >= 2 })

	// The first tick built and published; the next found nothing changed.
	if _, err := os.Stat(filepath.Join(d.publish.to, "index.html")); err != nil {
		t.Errorf("the portal was not published: %v", err)
	}
	if !strings.Contains(logs.String(), "tick: rebuilt and published") || !strings.Contains(logs.String(), "tick: nothing changed") {
		t.Errorf("logs do not show one rebuild then an idle tick:\n%s", logs.String())
	}

	d.mu.Lock()
	url := d.statusURL
	d.mu.Unlock()
	resp, err := http.Get(url + "healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health map[string]any
	json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if resp.StatusCode != 200 || health["status"] != "ok" {
		t.Errorf("healthz: %d %v", resp.StatusCode, health)
	}
	resp, err = http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "@every 1s") || !strings.Contains(string(page), "pnrr-cantu") {
		t.Errorf("status page lacks the job:\n%s", page)
	}

	stop() // as SIGTERM does
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("daemon: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the daemon did not stop after the signal")
	}
	if !strings.Contains(logs.String(), "scheduler stopped") {
		t.Error("no clean stop in the logs")
	}
}

func TestDaemonSurvivesAPanickingJob(t *testing.T) {
	d, logs := newTestDaemon(t, secondsCatalog(t))
	var calls atomic.Int32
	d.runPipeline = func(ctx context.Context, cfg pipeline.Config, deps pipeline.Deps) (*pipeline.Result, error) {
		if calls.Add(1) == 1 {
			panic("boom in a job")
		}
		return pipeline.Run(ctx, cfg, deps)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.run(ctx, "", false) }()
	waitFor(t, logs, "a good tick after the panic", 2*time.Minute, func() bool { return d.Ticks() >= 2 })
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "boom in a job") {
		t.Errorf("the panic was not logged:\n%s", logs.String())
	}
	if st := d.status(); st.Jobs[0].Failures != 1 || st.Jobs[0].Last.Error != "" {
		t.Errorf("status after a panic then a good tick: %+v", st.Jobs[0])
	}
}

func TestDaemonGraceCancelsAHangingJob(t *testing.T) {
	d, logs := newTestDaemon(t, secondsCatalog(t))
	d.grace = 200 * time.Millisecond
	started := make(chan struct{}, 1)
	d.runPipeline = func(ctx context.Context, cfg pipeline.Config, deps pipeline.Deps) (*pipeline.Result, error) {
		select {
		case started <- struct{}{}:
		default:
		}
		<-ctx.Done() // a job that would never end by itself
		return nil, ctx.Err()
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.run(ctx, "", false) }()
	select {
	case <-started:
	case <-time.After(time.Minute):
		t.Fatal("no job started")
	}
	stop()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the daemon waited for a hanging job past its grace period")
	}
	if !strings.Contains(logs.String(), "grace period over") {
		t.Errorf("logs:\n%s", logs.String())
	}
}
