package publish

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// testTarget is a fresh, empty target with a way to count its writes.
type testTarget struct {
	tg Target
	// puts counts PUT requests on the wire (S3) or Put calls (folder).
	puts  func() int
	reset func()
	// s3 is set for S3 targets, to read the stored headers.
	s3 *S3
	// noCacheControl: the server drops Cache-Control (gofakes3 does).
	noCacheControl bool
}

// countingTarget counts the Put calls of a target that has no wire.
type countingTarget struct {
	Target
	n atomic.Int64
}

func (c *countingTarget) Put(ctx context.Context, key string, body io.ReadSeeker, size int64, meta Meta) (Object, error) {
	c.n.Add(1)
	return c.Target.Put(ctx, key, body, size, meta)
}

type targetKind struct {
	name  string
	start func(t *testing.T) func(t *testing.T) testTarget
}

// targetKinds are the targets every conformance case runs against.
var targetKinds = []targetKind{
	{"folder", func(t *testing.T) func(t *testing.T) testTarget {
		return func(t *testing.T) testTarget {
			f, err := OpenFolder(filepath.Join(t.TempDir(), "site"))
			if err != nil {
				t.Fatal(err)
			}
			c := &countingTarget{Target: f}
			return testTarget{tg: c, puts: func() int { return int(c.n.Load()) }, reset: func() { c.n.Store(0) }}
		}
	}},
	{"gofakes3", func(t *testing.T) func(t *testing.T) testTarget { return s3Kind(newGofakes3(t), true) }},
	{"versitygw", func(t *testing.T) func(t *testing.T) testTarget { return s3Kind(newVersity(t), false) }},
}

func s3Kind(srv *s3Server, noCacheControl bool) func(t *testing.T) testTarget {
	return func(t *testing.T) testTarget {
		b, px := srv.bucket(t)
		return testTarget{tg: b, puts: func() int { return px.count("PUT") }, reset: px.reset, s3: b, noCacheControl: noCacheControl}
	}
}

func TestConformance(t *testing.T) {
	cases := []struct {
		name string
		run  func(t *testing.T, tt testTarget)
	}{
		{"target", testTargetContract},
		{"first sync uploads everything", testFirstSync},
		{"second sync puts nothing", testSecondSync},
		{"new run uploads only what changed", testChangedRun},
		{"headers", testHeaders},
		{"delete guard", testDeleteGuard},
		{"dry run", testDryRun},
		{"changes behind the manifest", testOutOfBand},
		{"lost manifest", testLostManifest},
		{"large file", testLargeFile},
		{"sub lists its prefix only", testSubList},
	}
	for _, kind := range targetKinds {
		t.Run(kind.name, func(t *testing.T) {
			open := kind.start(t)
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
			}
		})
	}
}

func mustSync(t *testing.T, dir string, tg Target, opt Options) Summary {
	t.Helper()
	sum, err := Sync(context.Background(), dir, tg, opt)
	if err != nil {
		t.Fatalf("sync %s: %v", dir, err)
	}
	return sum
}

func testTargetContract(t *testing.T, tt testTarget) {
	ctx := context.Background()
	tg := tt.tg
	objs, err := tg.List(ctx)
	if err != nil || len(objs) != 0 {
		t.Fatalf("new target: list %v, %v; want empty", objs, err)
	}
	put := func(key, body string) Object {
		t.Helper()
		o, err := tg.Put(ctx, key, bytes.NewReader([]byte(body)), int64(len(body)), Meta{ContentType: "text/plain; charset=utf-8", CacheControl: cacheShort})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	a := put("a.txt", "first")
	b := put("dir/sub/b.txt", "second file")
	objs, err = tg.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Object{"a.txt": a, "dir/sub/b.txt": b}
	if len(objs) != len(want) || objs["a.txt"] != a || objs["dir/sub/b.txt"] != b {
		t.Errorf("list = %v, want what Put returned: %v", objs, want)
	}
	if a.Size != 5 || a.ETag == "" {
		t.Errorf("Put returned %+v, want size 5 and an ETag", a)
	}
	if got := getBytes(t, tg, "dir/sub/b.txt"); string(got) != "second file" {
		t.Errorf("get = %q", got)
	}
	a2 := put("a.txt", "FIRST")
	if a2.ETag == a.ETag {
		t.Errorf("rewriting a.txt kept ETag %q; the manifest could not see the change", a.ETag)
	}
	if err := tg.Delete(ctx, "a.txt", "never-there.txt"); err != nil {
		t.Errorf("delete: %v", err)
	}
	if _, err := tg.Get(ctx, "a.txt"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("get after delete: %v, want fs.ErrNotExist", err)
	}
	objs, _ = tg.List(ctx)
	if len(objs) != 1 {
		t.Errorf("after delete list = %v", objs)
	}
}

func testFirstSync(t *testing.T, tt testTarget) {
	dir := expand(t, "portal-v1")
	tree := readTree(t, dir)
	sum := mustSync(t, dir, tt.tg, Options{})
	if sum.Uploaded != len(tree) || sum.Deleted != 0 || sum.Unchanged != 0 {
		t.Errorf("summary %v, want %d uploaded", sum, len(tree))
	}
	sameTree(t, tree, readTarget(t, tt.tg))
	if b := brokenLinks(t, tt.tg, nil); len(b) > 0 {
		t.Errorf("broken links: %v", b)
	}
	if _, err := tt.tg.Get(context.Background(), manifestKey); err != nil {
		t.Errorf("no manifest after sync: %v", err)
	}
}

func testSecondSync(t *testing.T, tt testTarget) {
	dir := expand(t, "portal-v1")
	mustSync(t, dir, tt.tg, Options{})
	tt.reset()
	sum := mustSync(t, dir, tt.tg, Options{})
	if n := tt.puts(); n != 0 || sum.Uploaded != 0 || sum.Unchanged != len(readTree(t, dir)) {
		t.Errorf("second sync: %d PUTs, summary %v; want none", n, sum)
	}
}

func testChangedRun(t *testing.T, tt testTarget) {
	v1, v2 := expand(t, "portal-v1"), expand(t, "portal-v2")
	mustSync(t, v1, tt.tg, Options{})
	tt.reset()
	wantPut, wantGone := treeDiff(readTree(t, v1), readTree(t, v2))
	sum := mustSync(t, v2, tt.tg, Options{})
	var put, gone []string
	for _, a := range sum.Plan {
		if a.Op == Upload {
			put = append(put, a.Key)
		} else {
			gone = append(gone, a.Key)
		}
	}
	sort.Strings(put)
	sort.Strings(gone)
	if !equal(put, wantPut) || !equal(gone, wantGone) {
		t.Errorf("uploaded %v\ndeleted %v\nwant uploaded %v\ndeleted %v", put, gone, wantPut, wantGone)
	}
	// One PUT per changed file, and one for the manifest.
	if n := tt.puts(); n != len(wantPut)+1 {
		t.Errorf("%d PUTs, want %d", n, len(wantPut)+1)
	}
	sameTree(t, readTree(t, v2), readTarget(t, tt.tg))
	if b := brokenLinks(t, tt.tg, nil); len(b) > 0 {
		t.Errorf("broken links: %v", b)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func testHeaders(t *testing.T, tt testTarget) {
	if tt.s3 == nil {
		t.Skip("a folder keeps no headers")
	}
	mustSync(t, expand(t, "portal-v1"), tt.tg, Options{})
	const (
		short = "public, max-age=300"
		long  = "public, max-age=31536000, immutable"
	)
	tests := []struct{ key, typ, cache string }{
		{"index.html", "text/html; charset=utf-8", short},
		{"css/site.0123456789abcdef.css", "text/css; charset=utf-8", long},
		{"js/site.js", "text/javascript; charset=utf-8", short},
		{"img/logo.svg", "image/svg+xml", short},
		{"datasets/comuni/3f2a9c1b7d4e/comuni.csv", "text/csv; charset=utf-8", long},
		{"datasets/comuni/3f2a9c1b7d4e/comuni.json", "application/json", long},
		{"datasets/comuni/comuni.csv", "text/csv; charset=utf-8", short},
		{"datasets/comuni/comuni.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", short},
		{"catalog.rdf", "application/rdf+xml", short},
		{"catalog.ttl", "text/turtle; charset=utf-8", short},
		{"catalog.jsonld", "application/ld+json", short},
		{"sitemap.xml", "application/xml", short},
		{"feed.xml", "application/atom+xml", short},
		{"robots.txt", "text/plain; charset=utf-8", short},
	}
	for _, h := range tests {
		out, err := tt.s3.client.HeadObject(context.Background(), &s3.HeadObjectInput{
			Bucket: aws.String(tt.s3.bucket), Key: aws.String(tt.s3.prefix + h.key)})
		if err != nil {
			t.Errorf("head %s: %v", h.key, err)
			continue
		}
		if got := aws.ToString(out.ContentType); got != h.typ {
			t.Errorf("%s: Content-Type %q, want %q", h.key, got, h.typ)
		}
		if got := aws.ToString(out.CacheControl); got != h.cache && !tt.noCacheControl {
			t.Errorf("%s: Cache-Control %q, want %q", h.key, got, h.cache)
		}
	}
}

func testDeleteGuard(t *testing.T, tt testTarget) {
	v1 := expand(t, "portal-v1")
	mustSync(t, v1, tt.tg, Options{})
	tt.reset()
	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(empty, "index.html"), []byte("<p>vuoto</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Sync(context.Background(), empty, tt.tg, Options{})
	if !errors.Is(err, ErrTooManyDeletes) {
		t.Fatalf("sync of a nearly empty folder: %v, want ErrTooManyDeletes", err)
	}
	if n := tt.puts(); n != 0 {
		t.Errorf("refused sync made %d PUTs", n)
	}
	sameTree(t, readTree(t, v1), readTarget(t, tt.tg))
	sum := mustSync(t, empty, tt.tg, Options{Force: true})
	if sum.Deleted != len(readTree(t, v1))-1 {
		t.Errorf("forced sync: %v", sum)
	}
	sameTree(t, readTree(t, empty), readTarget(t, tt.tg))
}

func testDryRun(t *testing.T, tt testTarget) {
	v1, v2 := expand(t, "portal-v1"), expand(t, "portal-v2")
	mustSync(t, v1, tt.tg, Options{})
	tt.reset()
	sum := mustSync(t, v2, tt.tg, Options{DryRun: true})
	wantPut, wantGone := treeDiff(readTree(t, v1), readTree(t, v2))
	if sum.Uploaded != len(wantPut) || sum.Deleted != len(wantGone) || len(sum.Plan) != len(wantPut)+len(wantGone) {
		t.Errorf("dry run summary %v with %d actions, want %d uploads and %d deletions", sum, len(sum.Plan), len(wantPut), len(wantGone))
	}
	if n := tt.puts(); n != 0 {
		t.Errorf("dry run made %d PUTs", n)
	}
	sameTree(t, readTree(t, v1), readTarget(t, tt.tg))
}

// Objects changed by someone else, even with the same size, are found by
// the listing, whatever the manifest says.
func testOutOfBand(t *testing.T, tt testTarget) {
	ctx := context.Background()
	v1 := expand(t, "portal-v1")
	tree := readTree(t, v1)
	mustSync(t, v1, tt.tg, Options{})
	if err := tt.tg.Delete(ctx, "datasets/comuni/comuni.csv"); err != nil {
		t.Fatal(err)
	}
	page := bytes.ToUpper(tree["datasets/index.html"])
	if _, err := tt.tg.Put(ctx, "datasets/index.html", bytes.NewReader(page), int64(len(page)), Meta{ContentType: "text/html"}); err != nil {
		t.Fatal(err)
	}
	sum := mustSync(t, v1, tt.tg, Options{})
	if sum.Uploaded != 2 {
		t.Errorf("summary %v, want the 2 files changed behind the manifest uploaded", sum)
	}
	sameTree(t, tree, readTarget(t, tt.tg))
}

func testLostManifest(t *testing.T, tt testTarget) {
	ctx := context.Background()
	v1 := expand(t, "portal-v1")
	tree := readTree(t, v1)
	mustSync(t, v1, tt.tg, Options{})
	if err := tt.tg.Delete(ctx, manifestKey); err != nil {
		t.Fatal(err)
	}
	objs, err := tt.tg.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Only objects whose ETag is a plain MD5 can be trusted without it.
	want := 0
	for _, o := range objs {
		if !plainMD5.MatchString(o.ETag) {
			want++
		}
	}
	sum := mustSync(t, v1, tt.tg, Options{})
	if sum.Uploaded != want || sum.Unchanged != len(tree)-want {
		t.Errorf("summary %v, want %d uploads", sum, want)
	}
	sameTree(t, tree, readTarget(t, tt.tg))
}

func testLargeFile(t *testing.T, tt testTarget) {
	if tt.s3 != nil {
		tt.s3.multipartThreshold, tt.s3.multipartPart = 6<<20, 5<<20
	}
	dir := t.TempDir()
	big := make([]byte, 12<<20+123)
	rand.Read(big)
	if err := os.MkdirAll(filepath.Join(dir, "datasets/big"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "datasets/big/big.csv"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	mustSync(t, dir, tt.tg, Options{})
	if got := getBytes(t, tt.tg, "datasets/big/big.csv"); !bytes.Equal(got, big) {
		t.Fatalf("large file came back with %d bytes, different", len(got))
	}
	tt.reset()
	if sum := mustSync(t, dir, tt.tg, Options{}); sum.Uploaded != 0 || tt.puts() != 0 {
		t.Errorf("second sync of the large file: %v, %d PUTs", sum, tt.puts())
	}
}

func (c *countingTarget) Create(ctx context.Context, key string, body []byte, meta Meta) error {
	cr, ok := c.Target.(creator)
	if !ok {
		return errNoCreate
	}
	return cr.Create(ctx, key, body, meta)
}

// testSubList: a Sub lists the keys under its prefix, relative to it, and
// nothing else, nor a key that merely starts like the prefix; it is the same
// listing the whole target gives, filtered.
func testSubList(t *testing.T, tt testTarget) {
	ctx := context.Background()
	put := func(tg Target, key string) {
		t.Helper()
		if _, err := tg.Put(ctx, key, strings.NewReader(key), int64(len(key)), Meta{ContentType: "text/plain"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"index.html", ".opendata/state/a.json", ".opendata/state/v/b.json", ".opendata/stateless.json", ".opendata/manifest.json"} {
		put(tt.tg, k)
	}
	st := Sub(tt.tg, StatePrefix)
	put(st, "v/c.json")
	got, err := st.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := tt.tg.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Object{}
	for k, o := range all {
		if rest, ok := strings.CutPrefix(k, StatePrefix); ok {
			want[rest] = o
		}
	}
	if len(want) != 3 || len(got) != len(want) {
		t.Fatalf("Sub.List = %v, want %v", got, want)
	}
	for k, o := range want {
		if got[k] != o {
			t.Errorf("Sub.List[%q] = %v, want %v", k, got[k], o)
		}
	}
	empty, err := Sub(tt.tg, "nothing/here").List(ctx)
	if err != nil || len(empty) != 0 {
		t.Errorf("an empty prefix lists %v, %v", empty, err)
	}
}
