package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestHostileCorpus reads every file of the shared corpus of odd and
// broken spreadsheets (and the real files) with an open schema: each must
// give a table or an *Error, never a panic or a hang.
func TestHostileCorpus(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "corpus")
	if _, err := os.Stat(filepath.Join(root, "hostile")); err != nil {
		t.Skipf("no corpus at %s: %v", root, err)
	}
	var files []string
	for _, dir := range []string{"hostile", "real"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var readable, unreadableN int
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(p)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		type result struct {
			rows int
			err  error
		}
		done := make(chan result, 1)
		go func() {
			tb, _, err := Read(ctx, name, data, Options{Schema: openSchema})
			r := result{err: err}
			if err == nil {
				if tb == nil {
					r.err = errors.New("nil table and nil error")
				} else {
					r.rows = len(tb.Rows)
				}
			}
			done <- r
		}()
		select {
		case r := <-done:
			switch {
			case r.err == nil:
				readable++
			case errors.Is(r.err, ErrUnreadable):
				unreadableN++
				var ie *Error
				if !errors.As(r.err, &ie) || ie.Message.It == "" || ie.Ref.File != name {
					t.Errorf("%s: error without a clerk message: %v", p, r.err)
				}
			case errors.Is(r.err, context.DeadlineExceeded):
				// Read gave up when told to (slow machine, -race): fine
				t.Logf("%s: stopped by its 10 s context", p)
			default:
				t.Errorf("%s: %v (want a table or an *ingest.Error)", p, r.err)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("%s: Read still running a minute after its 10 s context", p)
		}
		cancel()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > 1<<30 {
			t.Errorf("%s: %d MiB of heap in use after reading", p, ms.HeapAlloc>>20)
		}
	}
	t.Logf("%d files: %d read, %d refused as unreadable", len(files), readable, unreadableN)
}
