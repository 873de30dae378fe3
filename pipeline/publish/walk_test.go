package publish

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// TestWalk: the parallel walk finds the regular files at every depth, and
// leaves out temporary files, skipped folders and what symbolic links
// point to, as filepath.WalkDir would.
func TestWalk(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"index.html", "a/index.html", "a/b/c/d.csv", "e/" + tmpPrefix + "x", ".opendata/hashes.v2", "f/g.txt"} {
		p := filepath.Join(dir, filepath.FromSlash(k))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(k), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(dir, "empty"), 0o755)
	linked := t.TempDir()
	os.WriteFile(filepath.Join(linked, "outside.html"), []byte("x"), 0o644)
	symlinks := os.Symlink(linked, filepath.Join(dir, "link")) == nil && os.Symlink(filepath.Join(dir, "index.html"), filepath.Join(dir, "f", "alias.html")) == nil

	tests := []struct {
		name string
		skip func(string) bool
		want []string
	}{
		{"all", nil, []string{".opendata/hashes.v2", "a/b/c/d.csv", "a/index.html", "f/g.txt", "index.html"}},
		{"skip reserved", func(k string) bool { return k+"/" == reservedDir }, []string{"a/b/c/d.csv", "a/index.html", "f/g.txt", "index.html"}},
	}
	for _, tt := range tests {
		stats, err := walk(context.Background(), dir, false, tt.skip)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range stats {
			got = append(got, s.key)
			if info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(s.key))); err != nil || info.Size() != s.size || info.ModTime().UnixNano() != s.mtime {
				t.Errorf("%s: stat %+v differs from %v", tt.name, s, info)
			}
		}
		sort.Strings(got)
		if !equal(got, tt.want) {
			t.Errorf("%s (symlinks %v): walk = %v, want %v", tt.name, symlinks, got, tt.want)
		}
	}
	if stats, err := walk(context.Background(), filepath.Join(dir, "missing"), true, nil); err != nil || len(stats) != 0 {
		t.Errorf("missing folder, missingOK: %v, %v", stats, err)
	}
	if _, err := walk(context.Background(), filepath.Join(dir, "missing"), false, nil); err == nil {
		t.Error("missing folder: no error")
	}
}
