package publish

import (
	"context"
	"crypto/md5"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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
	// Built a while before the publish: files modified in the second
	// before a scan are not cached (TestScanRacyFiles).
	built := time.Now().Add(-time.Hour)
	os.Chtimes(a, built, built)
	os.Chtimes(b, built, built)
	first, err := scan(ctx, dir, 2, true)
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

	second, err := scan(ctx, dir, 2, true)
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

// TestScanCacheKeys: what the hash cache notices. A file replaced by a
// rename (a new inode) is hashed again even with the same size and time; a
// file modified just before the scan is not cached, so a rewrite within
// the same clock tick cannot hide behind it; a damaged cache means a full
// scan, never a wrong hash.
func TestScanCacheKeys(t *testing.T) {
	ctx := context.Background()
	type step struct {
		name    string
		change  func(t *testing.T, p string, when time.Time)
		seen    bool // the second scan must see the new content
		recent  bool // the file was written just before the first scan
		damaged bool // the cache file is cut short before the second scan
	}
	rewrite := func(t *testing.T, p string, when time.Time) {
		os.WriteFile(p, []byte("x,y\n3,4\n"), 0o644)
		os.Chtimes(p, when, when)
	}
	replace := func(t *testing.T, p string, when time.Time) {
		tmp := p + ".new"
		os.WriteFile(tmp, []byte("x,y\n3,4\n"), 0o644)
		os.Chtimes(tmp, when, when)
		if err := os.Rename(tmp, p); err != nil {
			t.Fatal(err)
		}
	}
	steps := []step{
		{name: "renamed into place, same size and time", change: replace, seen: runtime.GOOS != "windows" && runtime.GOOS != "plan9"},
		{name: "rewritten in place, same size and time", change: rewrite, seen: false},
		{name: "rewritten in place just after being written", change: rewrite, recent: true, seen: true},
		{name: "damaged cache", change: rewrite, damaged: true, seen: true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "b.csv")
			os.WriteFile(p, []byte("x,y\n1,2\n"), 0o644)
			when := time.Now().Add(-time.Hour)
			if st.recent {
				when = time.Now()
			}
			os.Chtimes(p, when, when)
			first, err := scan(ctx, dir, 2, true)
			if err != nil {
				t.Fatal(err)
			}
			st.change(t, p, when)
			if st.damaged {
				c := filepath.Join(dir, filepath.FromSlash(hashCacheFile))
				b, _ := os.ReadFile(c)
				os.WriteFile(c, b[:len(b)-5], 0o644)
			}
			second, err := scan(ctx, dir, 2, true)
			if err != nil {
				t.Fatal(err)
			}
			if seen := second["b.csv"].sha != first["b.csv"].sha; seen != st.seen {
				t.Errorf("new content seen = %v, want %v", seen, st.seen)
			}
		})
	}
}

// TestHashCacheRoundTrip: the cache reads back what it wrote, keys and
// types with tabs, quotes and newlines included.
func TestHashCacheRoundTrip(t *testing.T) {
	dir := t.TempDir()
	sum := make([]byte, 16)
	sum[3] = 0xfe
	files := []*localFile{
		{key: "a/b.html", size: 12, mtime: 1700000000123456789, ino: 42, sha: strings.Repeat("ab", 32), md5: sum, typ: "text/html; charset=utf-8"},
		{key: "strano\t\"nome\"\n.csv", size: 0, mtime: -5, ino: 0, sha: strings.Repeat("01", 32), md5: sum, typ: "text/csv; charset=utf-8"},
	}
	writeHashCache(dir, files, time.Now().UnixNano())
	got := readHashCache(dir)
	if len(got) != len(files) {
		t.Fatalf("read %d entries, want %d", len(got), len(files))
	}
	for _, f := range files {
		e := got[f.key]
		if e.Size != f.size || e.MTime != f.mtime || e.Ino != f.ino || e.SHA256 != f.sha || string(e.MD5) != string(f.md5) || e.Type != f.typ {
			t.Errorf("%q: read %+v", f.key, e)
		}
	}
}

// TestScanMD5: a scan for a folder target skips the MD5; a later scan for
// an S3 target computes it rather than trusting a cache that lacks it.
func TestScanMD5(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "a.csv")
	os.WriteFile(p, []byte("x,y\n1,2\n"), 0o644)
	built := time.Now().Add(-time.Hour)
	os.Chtimes(p, built, built)
	want := md5.Sum([]byte("x,y\n1,2\n"))
	for i, withMD5 := range []bool{false, true, false} {
		files, err := scan(ctx, dir, 2, withMD5)
		if err != nil {
			t.Fatal(err)
		}
		got := files["a.csv"].md5
		if withMD5 && string(got) != string(want[:]) {
			t.Errorf("scan %d with MD5: md5 = %x, want %x", i, got, want)
		}
		if !withMD5 && i == 0 && got != nil {
			t.Errorf("scan %d without MD5: md5 = %x", i, got)
		}
	}
}
