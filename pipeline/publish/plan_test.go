package publish

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestDecide(t *testing.T) {
	sum := append([]byte{0xab, 0xcd}, make([]byte, 14)...)
	md5hex := hex.EncodeToString(sum)
	f := &localFile{key: "a.csv", size: 10, sha: "s1", md5: sum, typ: "text/csv; charset=utf-8", cache: cacheShort}
	good := entry{SHA256: "s1", Size: 10, Type: f.typ, Cache: f.cache, ETag: "e1"}
	with := func(change func(*entry)) entry { e := good; change(&e); return e }
	tests := []struct {
		name     string
		remote   Object
		inRemote bool
		old      entry
		inOld    bool
		want     string // "" for no upload
	}{
		{"absent", Object{}, false, good, true, "new"},
		{"manifest vouches", Object{10, "e1"}, true, good, true, ""},
		{"other size", Object{11, "e1"}, true, good, true, "changed"},
		{"new content", Object{10, "e1"}, true, with(func(e *entry) { e.SHA256 = "s0" }), true, "changed"},
		{"new content type", Object{10, "e1"}, true, with(func(e *entry) { e.Type = "text/plain" }), true, "headers"},
		{"new cache rule", Object{10, "e1"}, true, with(func(e *entry) { e.Cache = cacheImmutable }), true, "headers"},
		{"rewritten behind the manifest", Object{10, "e2"}, true, good, true, "unverified"},
		{"no manifest, no MD5", Object{10, "e2-3"}, true, entry{}, false, "unverified"},
		{"no manifest, same MD5", Object{10, md5hex}, true, entry{}, false, ""},
		{"no manifest, other MD5", Object{10, strings.Repeat("1", 32)}, true, entry{}, false, "changed"},
		{"stale manifest, same MD5", Object{10, md5hex}, true, with(func(e *entry) { e.SHA256 = "s0" }), true, ""},
		{"stale manifest, same MD5, old headers", Object{10, md5hex}, true, with(func(e *entry) { e.Type = "x" }), true, "headers"},
		{"manifest with MD5 ETag, rewritten", Object{10, strings.Repeat("1", 32)}, true, with(func(e *entry) { e.ETag = md5hex }), true, "changed"},
	}
	for _, tt := range tests {
		reason, up := decide(f, tt.remote, tt.inRemote, tt.old, tt.inOld)
		if up != (tt.want != "") || reason != tt.want {
			t.Errorf("%s: decide = %q, %v; want %q", tt.name, reason, up, tt.want)
		}
	}
}

func TestPhaseOf(t *testing.T) {
	tests := []struct {
		key  string
		want Phase
	}{
		{"datasets/a/3f2a9c1b7d4e/a.csv", PhaseFiles},
		{"datasets/a/a.xlsx", PhaseFiles},
		{"img/logo.svg", PhaseFiles},
		{"css/site.css", PhaseAssets},
		{"js/site.js", PhaseAssets},
		{"datasets/index.html", PhasePages},
		{"datasets/a/index.html", PhasePages},
		{"404.html", PhasePages},
		{"index.html", PhaseTop},
		{"en/index.html", PhaseTop},
		{"feed.xml", PhaseTop},
		{"en/index.xml", PhaseTop},
		{"sitemap.xml", PhaseTop},
		{"catalog.rdf", PhaseTop},
		{"catalog.ttl", PhaseTop},
		{"catalog.jsonld", PhaseTop},
		{"robots.txt", PhaseTop},
	}
	for _, tt := range tests {
		if got := phaseOf(tt.key); got != tt.want {
			t.Errorf("phaseOf(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestPageLinks(t *testing.T) {
	page := `<!doctype html><html><head>
<link rel="stylesheet" href="/css/site.css"><script src="../js/a.js"></script>
<meta http-equiv="refresh" content="0; url=/datasets/nuovo/">
</head><body>
<a href="./">qui</a> <a href="altro/">altro</a> <a href="3f2a9c1b7d4e/a.csv?x=1#top">csv</a>
<a href="#sezione">salta</a> <a href="mailto:dati@example.org">posta</a>
<a href="https://dati.provincia.como.it/datasets/b/">assoluto</a>
<img srcset="img/a.png 1x, img/b.png 2x"><a href="../../../fuori">fuori</a>
</body></html>`
	got := pageLinks("datasets/a/index.html", strings.NewReader(page))
	sort.Strings(got)
	want := []string{
		"css/site.css",
		"datasets/a/3f2a9c1b7d4e/a.csv",
		"datasets/a/altro/index.html",
		"datasets/a/img/a.png",
		"datasets/a/img/b.png",
		"datasets/a/index.html",
		"datasets/b/index.html",
		"datasets/js/a.js",
		"datasets/nuovo/index.html",
		"fuori", // a browser stops at the root too
	}
	if !equal(got, want) {
		t.Errorf("pageLinks =\n%v\nwant\n%v", got, want)
	}
}

// A new page waits for the new pages it links to; links to pages that
// exist already do not hold anything up; a cycle of new pages shares a wave
// and what links to it comes after.
func TestWaves(t *testing.T) {
	dir := t.TempDir()
	pages := map[string]string{
		"datasets/index.html":           `<a href="n/">n</a> <a href="old/">old</a>`,
		"datasets/n/index.html":         `<a href="v1/">v1</a> <a href="/datasets/">up</a>`,
		"datasets/n/v1/index.html":      `<a href="../">up</a> <a href="leaf.html">leaf</a>`,
		"datasets/n/v1/leaf.html":       `<p>leaf</p>`,
		"datasets/old/index.html":       `<a href="/datasets/n/v1/leaf.html">leaf</a>`,
		"datasets/unrelated/index.html": `<a href="/">home</a>`,
	}
	reason := map[string]string{"datasets/index.html": "changed", "datasets/old/index.html": "changed", "datasets/unrelated/index.html": "changed"}
	local := map[string]*localFile{}
	var acts []*Action
	for k, body := range pages {
		p := filepath.Join(dir, filepath.FromSlash(k))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		local[k] = &localFile{key: k, path: p}
		r := reason[k]
		if r == "" {
			r = "new"
		}
		acts = append(acts, &Action{Op: Upload, Key: k, Reason: r})
	}
	waves(acts, local)
	wave := map[string]int{}
	for _, a := range acts {
		wave[a.Key] = a.Wave
	}
	before := [][2]string{
		{"datasets/n/v1/leaf.html", "datasets/n/v1/index.html"},
		{"datasets/n/v1/leaf.html", "datasets/old/index.html"},
		{"datasets/n/index.html", "datasets/index.html"},
	}
	for _, b := range before {
		if wave[b[0]] >= wave[b[1]] {
			t.Errorf("%s in wave %d, not before %s in wave %d", b[0], wave[b[0]], b[1], wave[b[1]])
		}
	}
	if wave["datasets/n/index.html"] != wave["datasets/n/v1/index.html"] {
		t.Errorf("the cycle n <-> n/v1 is split: waves %v", wave)
	}
	if wave["datasets/unrelated/index.html"] != 0 {
		t.Errorf("a page with no new links waits: waves %v", wave)
	}
}

func TestSummaryString(t *testing.T) {
	tests := []struct {
		s    Summary
		want string
	}{
		{Summary{Uploaded: 12, Unchanged: 340, Bytes: 1258291, Duration: 800 * time.Millisecond}, "12 uploaded, 0 deleted, 340 unchanged, 1.2 MB in 0.8 s"},
		{Summary{Deleted: 3, Unchanged: 7, Bytes: 512}, "0 uploaded, 3 deleted, 7 unchanged, 512 B in 0.0 s"},
		{Summary{DryRun: true, Uploaded: 2, Deleted: 1, Bytes: 2048}, "dry run: 2 to upload, 1 to delete, 0 unchanged, 2.0 kB to send"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}
