package publish

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// expand writes the portal of testdata/name.txtar into a new folder; a file
// whose whole content is "@xlsx" becomes testdata/Book1.xlsx.
func expand(t testing.TB, name string) string {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", name+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	xlsx, err := os.ReadFile(filepath.Join("testdata", "Book1.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		data := f.Data
		if string(data) == "@xlsx\n" {
			data = xlsx
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// readTree returns every file under dir by key, but the publisher's own
// reserved folder (its hash cache), which is never published.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if reserved(filepath.ToSlash(rel)) {
			return nil
		}
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// treeDiff lists the keys of b that are new or differ from a, and the keys
// of a missing from b: the least work to turn a into b.
func treeDiff(a, b map[string][]byte) (put, gone []string) {
	for k, v := range b {
		if old, ok := a[k]; !ok || !bytes.Equal(old, v) {
			put = append(put, k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			gone = append(gone, k)
		}
	}
	sort.Strings(put)
	sort.Strings(gone)
	return put, gone
}

// readTarget returns every object of the target (but the manifest) by key.
func readTarget(t *testing.T, tg Target) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	objs, err := tg.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for k := range objs {
		if reserved(k) {
			continue
		}
		files[k] = getBytes(t, tg, k)
	}
	return files
}

func getBytes(t *testing.T, tg Target, key string) []byte {
	t.Helper()
	r, err := tg.Get(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sameTree(t *testing.T, want, got map[string][]byte) {
	t.Helper()
	put, gone := treeDiff(got, want)
	if len(put) > 0 || len(gone) > 0 {
		t.Errorf("target differs from the portal: missing or different %v, extra %v", put, gone)
	}
}

// The crawler reads links with its own simple pattern, not with the
// package's HTML tokenizer, so a bug there cannot hide a broken link here.
var linkAttr = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

// brokenLinks crawls the HTML a visitor can reach in the target: from the
// home pages and from every page in start (the pages of the previous
// portal, which visitors may have bookmarked), following links to pages.
// It returns "page -> link" for every link to a missing file.
func brokenLinks(t *testing.T, tg Target, start []string) []string {
	t.Helper()
	objs, err := tg.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	queue := []string{"index.html", "en/index.html"}
	queue = append(queue, start...)
	seen := map[string]bool{}
	var broken []string
	for len(queue) > 0 {
		page := queue[0]
		queue = queue[1:]
		if seen[page] {
			continue
		}
		seen[page] = true
		if _, ok := objs[page]; !ok {
			continue
		}
		base := &url.URL{Path: "/" + page}
		for _, m := range linkAttr.FindAllSubmatch(getBytes(t, tg, page), -1) {
			ref, err := url.Parse(string(m[1]))
			if err != nil || ref.Scheme != "" || ref.Host != "" || ref.Path == "" {
				continue
			}
			p := base.ResolveReference(ref).Path
			if strings.HasSuffix(p, "/") {
				p += "index.html"
			}
			key := strings.TrimPrefix(p, "/")
			if _, ok := objs[key]; !ok {
				broken = append(broken, page+" -> "+key)
				continue
			}
			if path.Ext(key) == ".html" {
				queue = append(queue, key)
			}
		}
	}
	sort.Strings(broken)
	return broken
}

func htmlKeys(tree map[string][]byte) []string {
	var keys []string
	for k := range tree {
		if path.Ext(k) == ".html" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// The crawler must see a broken link when there is one.
func TestCrawlerFindsBrokenLinks(t *testing.T) {
	dir := expand(t, "portal-v1")
	tg, err := OpenFolder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := Sync(ctx, dir, tg, Options{}); err != nil {
		t.Fatal(err)
	}
	if b := brokenLinks(t, tg, nil); len(b) > 0 {
		t.Fatalf("fixture portal has broken links: %v", b)
	}
	tests := []struct {
		remove string
		want   string
	}{
		{"datasets/comuni/3f2a9c1b7d4e/comuni.csv", "datasets/comuni/index.html -> datasets/comuni/3f2a9c1b7d4e/comuni.csv"},
		{"css/site.0123456789abcdef.css", "datasets/index.html -> css/site.0123456789abcdef.css"},
		{"datasets/progetti/index.html", "index.html -> datasets/progetti/index.html"},
	}
	for _, tt := range tests {
		if err := tg.Delete(ctx, tt.remove); err != nil {
			t.Fatal(err)
		}
		if b := brokenLinks(t, tg, nil); !contains(b, tt.want) {
			t.Errorf("after deleting %s: broken links %v, want %q among them", tt.remove, b, tt.want)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
