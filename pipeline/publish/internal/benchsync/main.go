// Command benchsync is the helper of scripts/bench-publish.sh, until
// `opendata publish` exists: it publishes a folder with publish.Sync,
// generates a synthetic portal, and runs a proxy that counts the requests
// an S3 client makes, so publish and rclone are measured the same way.
//
//	benchsync sync -from DIR -to s3://bucket/prefix [-endpoint URL]
//	benchsync gen -datasets N DIR
//	benchsync proxy -addr 127.0.0.1:PORT -upstream URL
//	benchsync folder [-n 378000] [-change 3000] [-delete 100] [DIR]
//
// The proxy answers GET /__bench/counts with "PUT=n POST=n ..." and resets
// the counts with GET /__bench/counts?reset=1 (no bucket can be called
// "__bench").
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/provincia-como/opendata/pipeline/publish"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchsync sync|gen|proxy|folder [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "sync":
		err = runSync(ctx, os.Args[2:])
	case "gen":
		err = runGen(os.Args[2:])
	case "proxy":
		err = runProxy(ctx, os.Args[2:])
	case "folder":
		err = runFolder(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchsync:", err)
		os.Exit(1)
	}
}

func runSync(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("sync", flag.ExitOnError)
	from := fs.String("from", "public", "built portal")
	to := fs.String("to", "", "s3://bucket/prefix or a folder")
	endpoint := fs.String("endpoint", "", "S3 endpoint other than AWS")
	dry := fs.Bool("dry-run", false, "print the plan only")
	force := fs.Bool("force", false, "allow large deletions")
	parallel := fs.Int("parallel", 8, "uploads in flight")
	fs.Parse(args)
	opt := publish.Options{
		Endpoint: *endpoint, DryRun: *dry, Force: *force, Parallel: *parallel,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		opt.Progress = os.Stderr
	}
	tg, err := publish.Open(ctx, *to, opt)
	if err != nil {
		return err
	}
	sum, err := publish.Sync(ctx, *from, tg, opt)
	if *dry {
		for _, a := range sum.Plan {
			fmt.Println(a)
		}
	}
	fmt.Println(sum)
	return err
}

func runProxy(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("proxy", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	upstream := fs.String("upstream", "", "S3 server")
	fs.Parse(args)
	u, err := url.Parse(*upstream)
	if err != nil || u.Host == "" {
		return fmt.Errorf("bad -upstream %q", *upstream)
	}
	var mu sync.Mutex
	counts := map[string]int{}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(u)
		r.Out.Host = r.In.Host // requests are signed for the proxy's host
	}}
	srv := &http.Server{Addr: *addr, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/__bench/counts" {
			mu.Lock()
			var parts []string
			for _, m := range []string{"PUT", "POST", "DELETE", "GET", "HEAD"} {
				parts = append(parts, fmt.Sprintf("%s=%d", m, counts[m]))
			}
			if r.URL.Query().Get("reset") != "" {
				counts = map[string]int{}
			}
			mu.Unlock()
			fmt.Fprintln(w, strings.Join(parts, " "))
			return
		}
		mu.Lock()
		counts[r.Method]++
		mu.Unlock()
		rp.ServeHTTP(w, r)
	})}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// runGen writes a synthetic portal shaped like the built one: per dataset a
// page, a version page, three versioned downloads and three latest ones.
func runGen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	n := fs.Int("datasets", 36, "number of datasets (8 files each)")
	fs.Parse(args)
	dir := fs.Arg(0)
	if dir == "" {
		return errors.New("gen: no folder given")
	}
	files := map[string]string{}
	var ids []string
	for i := range *n {
		ids = append(ids, fmt.Sprintf("dataset-%03d", i))
	}
	page := func(title string, links ...string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "<!doctype html>\n<html lang=\"it\"><head><meta charset=\"utf-8\"><title>%s</title>\n<link rel=\"stylesheet\" href=\"/css/site.0123456789abcdef.css\"><script src=\"/js/site.js\" defer></script></head>\n<body><h1>%s</h1><nav>\n", title, title)
		for _, l := range links {
			fmt.Fprintf(&b, "<a href=\"%s\">%s</a>\n", l, l)
		}
		b.WriteString(strings.Repeat("<p>Testo della pagina del portale dei dati aperti.</p>\n", 40))
		b.WriteString("</nav></body></html>\n")
		return b.String()
	}
	var list []string
	for i, id := range ids {
		ver := fmt.Sprintf("%012x", uint64(i+1)*0x9e3779b97f4a7c15>>16)
		var csv strings.Builder
		csv.WriteString("codice;comune;anno;importo\n")
		for r := range 200 + i*10 {
			fmt.Fprintf(&csv, "%06d;Comune %d;%d;%d\n", 13000+r, r, 2020+r%6, (r*7919+i)%100000)
		}
		d := "datasets/" + id + "/"
		files[d+ver+"/"+id+".csv"] = csv.String()
		files[d+ver+"/"+id+".json"] = fmt.Sprintf("{\"id\":%q,\"rows\":%d}\n", id, 200+i*10)
		files[d+ver+"/"+id+".xlsx"] = "PK\x03\x04" + csv.String()
		files[d+id+".csv"] = csv.String()
		files[d+id+".json"] = fmt.Sprintf("{\"id\":%q,\"rows\":%d}\n", id, 200+i*10)
		files[d+id+".xlsx"] = "PK\x03\x04" + csv.String()
		files[d+ver+"/index.html"] = page(id+" "+ver, "../", id+".csv", id+".json", id+".xlsx")
		files[d+"index.html"] = page(id, "/", "/datasets/", ver+"/", id+".csv", id+".json", id+".xlsx")
		list = append(list, "/"+d)
	}
	files["datasets/index.html"] = page("Dataset", append([]string{"/"}, list...)...)
	files["index.html"] = page("Dati aperti", append([]string{"/datasets/", "/en/", "/feed.xml", "/catalog.rdf"}, list...)...)
	files["en/index.html"] = page("Open data", "/datasets/", "/")
	files["css/site.0123456789abcdef.css"] = strings.Repeat("body{font-family:sans-serif}\n", 200)
	files["js/site.js"] = strings.Repeat("console.log('ok');\n", 50)
	files["feed.xml"] = "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Dati</title></feed>\n"
	files["sitemap.xml"] = "<?xml version=\"1.0\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"></urlset>\n"
	files["catalog.rdf"] = "<?xml version=\"1.0\"?>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>\n"
	files["catalog.ttl"] = "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
	files["catalog.jsonld"] = "{\"@graph\":[]}\n"
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := filepath.Join(dir, filepath.FromSlash(k))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(files[k]), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("%d files in %s\n", len(keys), dir)
	return nil
}
