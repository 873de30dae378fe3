package publish

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
