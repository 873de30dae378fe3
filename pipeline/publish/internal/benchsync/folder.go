package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	iofs "io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/provincia-como/opendata/pipeline/publish"
)

// runFolder times publish.Sync to a local folder at a Province's scale: a
// synthetic portal of n files (~16 KB pages, one per directory, with links
// between them, plus downloads) is published to an empty folder, then
// again with nothing changed, then after changing or adding `change` files
// and deleting `del` of them. Each publish is followed by a PushState of a
// small state folder, as `opendata run` does.
//
//	benchsync folder [-n 378000] [-change 3000] [-delete 100] [-keep] [DIR]
func runFolder(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("folder", flag.ExitOnError)
	n := fs.Int("n", 378000, "files in the portal")
	change := fs.Int("change", 3000, "files changed or added before the third publish")
	del := fs.Int("delete", 100, "files deleted before the third publish")
	parallel := fs.Int("parallel", 0, "uploads in flight (0: the publisher's default)")
	keep := fs.Bool("keep", false, "keep the work folder")
	verbose := fs.Bool("v", false, "log the publisher's steps and their times")
	verify := fs.Bool("verify", false, "check after each publish that the target holds the portal's files, byte for byte, and nothing else")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the publishes to this file")
	profileWarm := fs.Bool("profile-warm", false, "profile only the publishes after the first")
	fs.Parse(args)
	dir := fs.Arg(0)
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "benchsync-folder-"); err != nil {
			return err
		}
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	src, dst, state := filepath.Join(dir, "public"), filepath.Join(dir, "site"), filepath.Join(dir, "state")
	for _, d := range []string{src, dst, state} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
	}
	g := &portal{root: src, pages: (*n * 96) / 100}
	start := time.Now()
	if err := g.write(*n); err != nil {
		return err
	}
	for i := range 200 {
		p := filepath.Join(state, "versions", fmt.Sprintf("ds-%03d.json", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(fmt.Sprintf(`{"id":%d}`+"\n", i)), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("generated %d files in %s (%.1f s)\n", *n, src, time.Since(start).Seconds())

	startProfile := func() error {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		return nil
	}
	if *profile != "" {
		defer pprof.StopCPUProfile()
		if !*profileWarm {
			if err := startProfile(); err != nil {
				return err
			}
		}
	}
	target, err := publish.OpenFolder(dst)
	if err != nil {
		return err
	}
	opt := publish.Options{Parallel: *parallel}
	if *verbose {
		opt.Log = slog.New(stepsOnly{slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})})
	}
	step := func(name string) error {
		t0 := time.Now()
		sum, err := publish.Sync(ctx, src, target, opt)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		t1 := time.Now()
		if _, err := publish.PushState(ctx, target, state, opt); err != nil {
			return fmt.Errorf("%s: push state: %w", name, err)
		}
		t2 := time.Now()
		fmt.Printf("%-10s sync %6.2f s  push-state %5.2f s  total %6.2f s  (%s)\n", name,
			t1.Sub(t0).Seconds(), t2.Sub(t1).Seconds(), t2.Sub(t0).Seconds(), sum)
		if *verify {
			if err := sameTree(src, dst); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			fmt.Printf("%-10s verified: the target matches the portal\n", name)
		}
		return nil
	}
	if err := step("cold"); err != nil {
		return err
	}
	if *profile != "" && *profileWarm {
		if err := startProfile(); err != nil {
			return err
		}
	}
	if err := step("unchanged"); err != nil {
		return err
	}
	if err := g.mutate(*change, *del); err != nil {
		return err
	}
	if err := step("changed"); err != nil {
		return err
	}
	return nil
}

// portal generates the synthetic tree: pages contratti/lotti/<id>/index.html
// (and their English twins), list pages of 50 lotti, one download per 25
// pages, a home page, styles and feeds.
type portal struct {
	root  string
	pages int
}

func (g *portal) lotto(i int) string { return fmt.Sprintf("contratti/lotti/%07d/", i) }

func (g *portal) page(i, rev int) string {
	lang, id := "", i
	if i >= g.pages/2 {
		lang, id = "en/", i-g.pages/2
	}
	r := rand.New(rand.NewPCG(uint64(i), uint64(rev)))
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html>\n<html lang=\"it\"><head><meta charset=\"utf-8\"><title>Lotto %d</title>\n", id)
	b.WriteString("<link rel=\"stylesheet\" href=\"/css/site.0123456789abcdef.css\"><script src=\"/js/site.js\" defer></script></head>\n<body>\n")
	fmt.Fprintf(&b, "<nav><a href=\"/%s\">Home</a> <a href=\"/%scontratti/lotti/page/%d/\">Elenco</a></nav>\n", lang, lang, id/50)
	for k := 1; k <= 3; k++ {
		fmt.Fprintf(&b, "<a href=\"../%07d/\">Lotto %d</a>\n", (id+k*7919)%(g.pages/2), k)
	}
	if id%25 == 0 {
		fmt.Fprintf(&b, "<a href=\"/downloads/lotto-%07d.csv\">CSV</a> <a href=\"/downloads/lotto-%07d.xlsx\">XLSX</a>\n", id, id)
	}
	fmt.Fprintf(&b, "<p>Revisione %d</p>\n<table>\n", rev)
	rows := 150 + r.IntN(70)
	for k := range rows {
		fmt.Fprintf(&b, "<tr><td>%d</td><td>Fornitore %d S.r.l.</td><td>CIG %010d</td><td>&euro; %d,%02d</td></tr>\n",
			k, r.IntN(5000), r.Int64N(1e10), r.IntN(1e6), r.IntN(100))
	}
	b.WriteString("</table></body></html>\n")
	return b.String()
}

// key of the i-th page.
func (g *portal) key(i int) string {
	if i >= g.pages/2 {
		return "en/" + g.lotto(i-g.pages/2) + "index.html"
	}
	return g.lotto(i) + "index.html"
}

func (g *portal) put(key, body string) error {
	p := filepath.Join(g.root, filepath.FromSlash(key))
	if err := os.WriteFile(p, []byte(body), 0o644); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(body), 0o644)
}

func (g *portal) write(n int) error {
	type job struct{ key, body string }
	var others []job
	half := g.pages / 2
	for _, lang := range []string{"", "en/"} {
		for p := 0; p*50 < half; p++ {
			var b strings.Builder
			fmt.Fprintf(&b, "<!doctype html><html><body><h1>Lotti %d</h1>\n", p)
			for i := p * 50; i < min(half, p*50+50); i++ {
				fmt.Fprintf(&b, "<a href=\"/%s%s\">%d</a>\n", lang, g.lotto(i), i)
			}
			b.WriteString("</body></html>\n")
			others = append(others, job{fmt.Sprintf("%scontratti/lotti/page/%d/index.html", lang, p), b.String()})
		}
		others = append(others, job{lang + "index.html", "<!doctype html><html><body><a href=\"/" + lang + "contratti/lotti/page/0/\">Lotti</a></body></html>\n"})
	}
	others = append(others,
		job{"css/site.0123456789abcdef.css", strings.Repeat("body{font-family:sans-serif}\n", 200)},
		job{"js/site.js", strings.Repeat("console.log('ok');\n", 50)},
		job{"feed.xml", "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>\n"},
		job{"sitemap.xml", "<?xml version=\"1.0\"?>\n<urlset></urlset>\n"},
		job{"catalog.rdf", "<?xml version=\"1.0\"?>\n<rdf:RDF/>\n"})
	for i := 0; i < half && len(others)+g.pages < n; i += 25 {
		var csv strings.Builder
		csv.WriteString("cig;fornitore;importo\n")
		for r := range 300 {
			fmt.Fprintf(&csv, "%010d;Fornitore %d;%d\n", i*1000+r, r, (r*7919+i)%100000)
		}
		others = append(others, job{fmt.Sprintf("downloads/lotto-%07d.csv", i), csv.String()})
		if len(others)+g.pages < n {
			others = append(others, job{fmt.Sprintf("downloads/lotto-%07d.xlsx", i), "PK\x03\x04" + csv.String()})
		}
	}
	pages := max(0, min(g.pages, n-len(others)))
	g.pages = pages - pages%2
	jobs := make(chan func() error, 64)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range runtime.NumCPU() {
		wg.Go(func() {
			for j := range jobs {
				if err := j(); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
				}
			}
		})
	}
	for _, o := range others {
		jobs <- func() error { return g.put(o.key, o.body) }
	}
	for i := range g.pages {
		jobs <- func() error { return g.put(g.key(i), g.page(i, 0)) }
	}
	close(jobs)
	wg.Wait()
	return firstErr
}

// mutate rewrites change-change/3 pages, adds change/3 new ones (linked
// from rewritten ones) and deletes del pages.
func (g *portal) mutate(change, del int) error {
	added := change / 3
	for i := range change - added {
		k := (i * 104729) % g.pages
		body := g.page(k, 1)
		if i < added {
			body = strings.Replace(body, "</body>", fmt.Sprintf("<a href=\"/contratti/nuovi/%07d/\">nuovo</a></body>", i), 1)
		}
		if err := g.put(g.key(k), body); err != nil {
			return err
		}
	}
	for i := range added {
		if err := g.put(fmt.Sprintf("contratti/nuovi/%07d/index.html", i), g.page(i, 2)); err != nil {
			return err
		}
	}
	for i := range del {
		k := (i*7 + 3) % g.pages
		if err := os.Remove(filepath.Join(g.root, filepath.FromSlash(g.key(g.pages-1-k)))); err != nil {
			return err
		}
	}
	return nil
}

// stepsOnly drops the publisher's line per uploaded file, keeping the
// lines that time its steps.
type stepsOnly struct{ slog.Handler }

func (h stepsOnly) Handle(ctx context.Context, r slog.Record) error {
	perFile := false
	r.Attrs(func(a slog.Attr) bool {
		perFile = perFile || a.Key == "key"
		return !perFile
	})
	if perFile {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

// sameTree checks that every file of src is in dst with the same bytes and
// that dst has no other file, the publisher's .opendata/ folders aside.
func sameTree(src, dst string) error {
	files := func(root string) (map[string]bool, error) {
		out := map[string]bool{}
		err := filepath.WalkDir(root, func(p string, d iofs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == ".opendata" {
				return filepath.SkipDir
			}
			if d.Type().IsRegular() {
				rel, _ := filepath.Rel(root, p)
				out[rel] = true
			}
			return nil
		})
		return out, err
	}
	a, err := files(src)
	if err != nil {
		return err
	}
	b, err := files(dst)
	if err != nil {
		return err
	}
	for k := range a {
		if !b[k] {
			return fmt.Errorf("%s missing from the target", k)
		}
		x, err1 := os.ReadFile(filepath.Join(src, k))
		y, err2 := os.ReadFile(filepath.Join(dst, k))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			return fmt.Errorf("%s differs in the target (%v, %v)", k, err1, err2)
		}
	}
	for k := range b {
		if !a[k] {
			return fmt.Errorf("%s is in the target only", k)
		}
	}
	return nil
}
