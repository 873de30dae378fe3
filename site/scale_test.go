package site

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

var scale = flag.Int("scale", 0, "TestRenderScale: render a synthetic portal of this many comuni × 10 datasets (1500 is a Region: 15,000 datasets)")

// scaleFixture grows the fixture to n comuni, each publishing a projects
// file of 17 projects and perComune-1 open tables: the shapes and page
// counts of the synthetic catalogs of internal/synth, with short tables
// (the portal shows only the first rows of a table).
func scaleFixture(n, perComune int) *catalog.Build {
	b := fixture()
	reg := b.Datasets[0]
	proj, tab := b.Datasets[1], b.Datasets[3]
	t := *reg.Table
	t.Rows = nil
	themes := []string{"ECON", "SOCI", "REGI", "ENVI", "GOVE", "TRAN", "EDUC"}
	var out []catalog.DatasetState
	for i := range n {
		code := fmt.Sprintf("%03d%03d", 101+i/999, 1+i%999)
		name := fmt.Sprintf("Comune sintetico %d", i+1)
		t.Rows = append(t.Rows, catalog.Row{Line: i + 2, Cells: []catalog.Cell{
			{Raw: code, Value: code}, {Raw: name, Value: name}, {Raw: "SX", Value: "SX"},
			{Raw: "1000", Value: float64(1000 + i)}, {Raw: "10", Value: 10.5}}})
		d := proj
		d.Dataset.ID = "s" + code + "-progetti"
		d.Dataset.Publisher = code
		d.Dataset.Title = catalog.Text{It: "Progetti PNRR del " + name, En: "PNRR projects of " + name}
		pt := *proj.Table
		pt.Rows = nil
		for j := range 17 {
			cells := append([]catalog.Cell(nil), proj.Table.Rows[j%2].Cells...)
			pc := fmt.Sprintf("S%s-%04d", code, j+1)
			cells[0] = catalog.Cell{Raw: pc, Value: pc}
			cup := fmt.Sprintf("Z%s%08d", code, j+1) // one CUP per project
			cells[1] = catalog.Cell{Raw: cup, Value: cup}
			cells[8] = catalog.Cell{Raw: code, Value: code}
			cells[9] = catalog.Cell{}
			cells[14] = catalog.Cell{Raw: "1", Value: float64(1000*i + j)}
			pt.Rows = append(pt.Rows, catalog.Row{Line: j + 2, Cells: cells})
		}
		d.Table = &pt
		if i%50 == 7 {
			d.Status, d.Latest = catalog.Refused, b.Datasets[2].Latest
		}
		out = append(out, d)
		for k := 1; k < perComune; k++ {
			d := tab
			d.Dataset.ID = fmt.Sprintf("s%s-tabella-%d", code, k)
			d.Dataset.Publisher = code
			d.Dataset.Theme = themes[k%len(themes)]
			d.Dataset.Title = catalog.Text{It: fmt.Sprintf("Tabella %d del %s", k, name), En: fmt.Sprintf("Table %d of %s", k, name)}
			d.Dataset.Description = catalog.Text{It: "Dati sintetici per le prove di scala: " + strings.Repeat("valori inventati, ", 4)}
			out = append(out, d)
		}
	}
	reg.Table = &t
	b.Datasets = append([]catalog.DatasetState{reg}, out...)
	return b
}

// TestRenderScale renders a Region-sized portal and reports time, memory,
// pages and the weight of the catalog page. It runs only when asked:
//
//	go test ./site -run TestRenderScale -scale 1500 -v
func TestRenderScale(t *testing.T) {
	if *scale == 0 {
		t.Skip("pass -scale N to render N comuni × 10 datasets")
	}
	b := scaleFixture(*scale, 10)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	out := t.TempDir()
	start := time.Now()
	st, err := Render(context.Background(), b, out, nil)
	took := time.Since(start)
	close(stop)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d comuni, %d datasets: %d pages, %d files in %s, peak heap %d MB",
		*scale, len(b.Datasets), st.Pages, st.Files, took.Round(time.Millisecond), peak.Load()>>20)
	for _, p := range []string{"datasets/index.html", "en/datasets/index.html", "comuni/index.html", "progetti/index.html", "qualita/index.html", "index.html"} {
		size := len(read(t, out, p))
		for _, ref := range refs(t, out, p) {
			if strings.HasSuffix(ref, ".css") || strings.HasSuffix(ref, ".js") {
				info, err := os.Stat(filepath.Join(out, filepath.FromSlash(ref)))
				if err != nil {
					t.Fatal(err)
				}
				size += int(info.Size())
			}
		}
		if size > maxPage {
			t.Errorf("%s weighs %d bytes with its CSS and JS, over %d", p, size, maxPage)
		}
		t.Logf("%s: %d bytes with CSS and JS", p, size)
	}
	// The same portal with one table changed, rendered into the same
	// folder: only the pages showing that table are rendered again.
	d := &b.Datasets[len(b.Datasets)/2]
	v := *d.Current
	v.ID, v.Rows = "feedfacefeedfacefeed", v.Rows+1
	d.Current = &v
	start = time.Now()
	again, err := Render(context.Background(), b, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("one dataset changed: %d of %d pages rendered again in %s", again.Rendered, again.Pages, time.Since(start).Round(time.Millisecond))
	info, err := os.Stat(filepath.Join(out, "datasets", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("datasets/index.json (loaded on first use of the filters): %d bytes", info.Size())
}

func TestRenderPagination(t *testing.T) {
	if testing.Short() {
		t.Skip("renders about 2,000 pages")
	}
	b := largeFixture()
	out := t.TempDir()
	if _, err := Render(context.Background(), b, out, nil); err != nil {
		t.Fatal(err)
	}
	item := regexp.MustCompile(`<li class="dataset-item" id="d-([a-z0-9-]+)"`)
	tests := []struct {
		name, first string
		pages, per  int
		want        int
		item        *regexp.Regexp
	}{
		{"catalog", "datasets/", 4, 50, len(b.Datasets), item},
		{"english catalog", "en/datasets/", 4, 50, len(b.Datasets), item},
		{"comuni", "comuni/", 2, 100, 147, regexp.MustCompile(`<tr><th scope="row"><a href="/(?:en/)?comuni/(\d{6})/">`)},
		{"projects", "progetti/", 12, 50, 2 + 147*4, regexp.MustCompile(`<tr><th scope="row"><a href="/(?:en/)?progetti/([a-z0-9-]+)/">`)},
		{"quality", "qualita/", 1, 50, 1 + 15, regexp.MustCompile(`<th scope="row"><a href="/(?:en/)?datasets/([a-z0-9-]+)/">`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]int{}
			for n := 1; n <= tt.pages; n++ {
				p := tt.first + "index.html"
				if n > 1 {
					p = fmt.Sprintf("%spage/%d/index.html", tt.first, n)
				}
				page := read(t, out, p)
				got := item.FindAllStringSubmatch(page, -1)
				if tt.item != nil {
					got = tt.item.FindAllStringSubmatch(page, -1)
				}
				if n < tt.pages && len(got) != tt.per {
					t.Errorf("%s: %d items, want %d", p, len(got), tt.per)
				}
				for _, m := range got {
					seen[m[1]]++
				}
				if tt.pages > 1 {
					for _, w := range []string{`<nav class="pager"`, fmt.Sprintf(`<span aria-current="page">%d</span>`, n)} {
						if !strings.Contains(page, w) {
							t.Errorf("%s: missing %q", p, w)
						}
					}
					if n < tt.pages && !strings.Contains(page, `rel="next"`) || n > 1 && !strings.Contains(page, `rel="prev"`) {
						t.Errorf("%s: missing link to the next or previous page", p)
					}
				}
			}
			if len(seen) != tt.want {
				t.Errorf("%d distinct items over %d pages, want %d", len(seen), tt.pages, tt.want)
			}
			for id, k := range seen {
				if k > 1 {
					t.Errorf("%s listed %d times", id, k)
				}
			}
			if _, err := os.Stat(filepath.Join(out, fmt.Sprintf("%spage/%d/index.html", tt.first, tt.pages+1))); err == nil {
				t.Errorf("page %d exists, want %d pages", tt.pages+1, tt.pages)
			}
			if _, err := os.Stat(filepath.Join(out, tt.first+"page/1/index.html")); err == nil {
				t.Errorf("%spage/1/ exists: page 1 is %s", tt.first, tt.first)
			}
		})
	}

	t.Run("themes", func(t *testing.T) {
		page := read(t, out, "datasets/index.html")
		if !strings.Contains(page, `href="/temi/econ/"`) {
			t.Errorf("catalog: no link to the page of theme ECON")
		}
		econ := 0
		for _, d := range b.Datasets {
			if d.Dataset.Theme == "ECON" {
				econ++
			}
		}
		seen := 0
		for n := 1; ; n++ {
			p := "temi/econ/index.html"
			if n > 1 {
				p = fmt.Sprintf("temi/econ/page/%d/index.html", n)
			}
			data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
			if err != nil {
				break
			}
			seen += len(item.FindAllString(string(data), -1))
		}
		if seen != econ {
			t.Errorf("theme ECON lists %d datasets over its pages, want %d", seen, econ)
		}
	})
}

// TestCatalogPublisherFilter checks that the catalog lists publishers as
// options only while they are few: a Region's comuni would weigh more than
// the rest of the page.
func TestCatalogPublisherFilter(t *testing.T) {
	tests := []struct {
		comuni  int
		options bool
	}{
		{3, true},
		{maxPublisherOptions - 1, true},
		{maxPublisherOptions + 10, false},
	}
	for _, tt := range tests {
		b := scaleFixture(tt.comuni, 1)
		m, err := newModel(b)
		if err != nil {
			t.Fatal(err)
		}
		w := &writer{m: m, loc: time.UTC}
		fm := w.catalog(formatter{lang: "it", loc: time.UTC})
		pubs, _ := fm.Params["publishers"].([]map[string]string)
		if got := len(pubs) > 0; got != tt.options {
			t.Errorf("%d comuni: publishers as options %v, want %v", tt.comuni, got, tt.options)
		}
	}
}
