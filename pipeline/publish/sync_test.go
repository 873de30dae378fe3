package publish

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	dir := expand(t, "portal-v1")
	var out strings.Builder
	tg, err := OpenFolder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sum := mustSync(t, dir, tg, Options{Progress: &out})
	want := fmt.Sprintf("publish: %d/%d files, %s/%s\n", sum.Uploaded, sum.Uploaded, formatBytes(sum.Bytes), formatBytes(sum.Bytes))
	if !strings.HasSuffix(out.String(), want) {
		t.Errorf("progress ends with %q, want %q", out.String(), want)
	}
}

func TestSyncRefusesItself(t *testing.T) {
	dir := expand(t, "portal-v1")
	tg, err := OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Sync(context.Background(), dir, tg, Options{}); err == nil {
		t.Error("syncing a folder onto itself: no error")
	}
	if _, err := Sync(context.Background(), filepath.Join(dir, "index.html"), tg, Options{}); err == nil {
		t.Error("syncing from a file: no error")
	}
}

func TestOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	tg, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := tg.(*Folder); !ok || f.Root() != dir {
		t.Errorf("Open(%q) = %#v", dir, tg)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("folder not created: %v", err)
	}
	s3Env(t)
	tg, err = Open(context.Background(), "s3://bucket/a/b/", Options{Endpoint: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if b, ok := tg.(*S3); !ok || b.bucket != "bucket" || b.prefix != "a/b/" {
		t.Errorf("Open(s3://bucket/a/b/) = %#v", tg)
	}
	for _, bad := range []string{"s3://", "gs://bucket/x", ""} {
		if _, err := Open(context.Background(), bad, Options{}); err == nil {
			t.Errorf("Open(%q): no error", bad)
		}
	}
}

// BenchmarkSyncUnchanged measures the cost of a publish with nothing to
// do: hashing the portal, one listing, the manifest.
func BenchmarkSyncUnchanged(b *testing.B) {
	for _, kind := range []string{"folder", "gofakes3"} {
		b.Run(kind, func(b *testing.B) {
			dir := expand(b, "portal-v1")
			var tg Target
			if kind == "folder" {
				f, err := OpenFolder(b.TempDir())
				if err != nil {
					b.Fatal(err)
				}
				tg = f
			} else {
				tg, _ = newGofakes3(b).bucket(b)
			}
			if _, err := Sync(context.Background(), dir, tg, Options{}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := Sync(context.Background(), dir, tg, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestScanReusesHashes: a second scan does not read a file whose size and
// modification time are unchanged, and hashes again one that was rewritten.
func TestScanReusesHashes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.html"), filepath.Join(dir, "b.csv")
	os.WriteFile(a, []byte("<p>uno</p>"), 0o644)
	os.WriteFile(b, []byte("x,y\n1,2\n"), 0o644)
	first, err := scan(ctx, dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	// b changes behind the cache's back (same size, same time): a scan
	// that reads it would see it, one that trusts the cache does not.
	info, _ := os.Stat(b)
	os.WriteFile(b, []byte("x,y\n3,4\n"), 0o644)
	os.Chtimes(b, info.ModTime(), info.ModTime())
	// a is rewritten as any build rewrites a page: a new time.
	os.WriteFile(a, []byte("<p>due</p>"), 0o644)
	later := info.ModTime().Add(time.Minute)
	os.Chtimes(a, later, later)

	second, err := scan(ctx, dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	if second["b.csv"].sha != first["b.csv"].sha || second["b.csv"].typ != first["b.csv"].typ {
		t.Error("the scan read a file the cache vouches for")
	}
	if second["a.html"].sha == first["a.html"].sha {
		t.Error("a rewritten file was not hashed again")
	}
}
