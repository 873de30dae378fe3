package publish

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestLockAndState(t *testing.T) {
	for _, kind := range targetKinds {
		t.Run(kind.name, func(t *testing.T) {
			newTarget := kind.start(t)
			t.Run("lock", func(t *testing.T) { testLock(t, newTarget(t).tg) })
			t.Run("state", func(t *testing.T) { testState(t, newTarget(t).tg) })
		})
	}
}

func testLock(t *testing.T, tg Target) {
	ctx := context.Background()
	clock := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }

	first, err := Acquire(ctx, tg, "runner-a", time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(ctx, tg, "runner-b", time.Hour, now); !errors.Is(err, ErrLocked) {
		t.Fatalf("a second runner got the lock: %v", err)
	}

	// Runner a died: after the expiry, b takes over, and a's late release
	// does not free b's lock.
	clock = clock.Add(2 * time.Hour)
	second, err := Acquire(ctx, tg, "runner-b", time.Hour, now)
	if err != nil {
		t.Fatalf("expired lock not taken over: %v", err)
	}
	if err := first.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(ctx, tg, "runner-c", time.Hour, now); !errors.Is(err, ErrLocked) {
		t.Fatalf("a stale release freed someone else's lock: %v", err)
	}
	if err := second.Release(ctx); err != nil {
		t.Fatal(err)
	}

	// Many runners at once: exactly one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := Acquire(ctx, tg, "racer", time.Hour, now); err == nil {
				mu.Lock()
				winners++
				mu.Unlock()
			} else if !errors.Is(err, ErrLocked) {
				t.Errorf("racer %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if winners != 1 {
		t.Errorf("%d runners hold the lock at once", winners)
	}
}

func testState(t *testing.T, tg Target) {
	ctx := context.Background()
	write := func(dir, name, body string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(dir, name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	a := t.TempDir()
	write(a, "pnrr/state.json", `{"current":"v1"}`)
	write(a, "pnrr/versions/v1.json", `[1]`)
	if _, err := PushState(ctx, tg, a, Options{}); err != nil {
		t.Fatal(err)
	}

	// A fresh runner pulls everything.
	b := t.TempDir()
	n, err := PullState(ctx, tg, b)
	if err != nil || n != 2 || read(b, "pnrr/state.json") != `{"current":"v1"}` {
		t.Fatalf("fresh pull: %d files, %v", n, err)
	}
	if n, _ := PullState(ctx, tg, b); n != 0 {
		t.Errorf("a second pull rewrote %d unchanged files", n)
	}

	// b moves on; its state replaces the target's; a stale runner pulls it.
	write(b, "pnrr/state.json", `{"current":"v2"}`)
	write(b, "pnrr/versions/v2.json", `[2]`)
	if _, err := PushState(ctx, tg, b, Options{}); err != nil {
		t.Fatal(err)
	}
	if n, err := PullState(ctx, tg, a); err != nil || n != 2 || read(a, "pnrr/state.json") != `{"current":"v2"}` {
		t.Fatalf("pull into a stale folder: %d %v", n, err)
	}

	// A runner with a partial state folder never erases history.
	c := t.TempDir()
	write(c, "other/state.json", `{}`)
	if _, err := PushState(ctx, tg, c, Options{}); err != nil {
		t.Fatal(err)
	}
	d := t.TempDir()
	if n, err := PullState(ctx, tg, d); err != nil || n != 4 {
		t.Fatalf("after a partial push the target has %d files (%v), want 4", n, err)
	}

	// The portal's own sync leaves the state alone.
	site := t.TempDir()
	write(site, "index.html", "<html></html>")
	if _, err := Sync(ctx, site, tg, Options{Force: true}); err != nil {
		t.Fatal(err)
	}
	if n, err := PullState(ctx, tg, t.TempDir()); err != nil || n != 4 {
		t.Fatalf("the portal sync touched the state: %d files, %v", n, err)
	}
}
