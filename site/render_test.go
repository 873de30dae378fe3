package site

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// maxPage is the budget of an HTML page with its CSS and scripts.
const maxPage = 100 * 1000

// render renders the fixture into a fresh folder that already holds
// downloads, as the export stage leaves it.
func render(t testing.TB) string {
	t.Helper()
	out := t.TempDir()
	b := fixture()
	pre := []string{"datasets/x/x.csv"}
	for _, d := range b.Datasets {
		for _, dl := range d.Downloads {
			pre = append(pre, dl.Path)
		}
	}
	for _, p := range pre {
		f := filepath.Join(out, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte("export "+p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	st, err := Render(context.Background(), b, out, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatalf("Render: %v\n%s", err, logs.String())
	}
	if strings.Contains(logs.String(), "level=WARN") || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("Hugo complained:\n%s", logs.String())
	}
	if st.Pages == 0 || st.Files < st.Pages {
		t.Errorf("stats = %+v", st)
	}
	return out
}

func read(t *testing.T, out, p string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
	if err != nil {
		t.Fatalf("page %s: %v", p, err)
	}
	return string(data)
}

func TestRenderSite(t *testing.T) {
	out := render(t)

	t.Run("pages", func(t *testing.T) {
		tests := []struct {
			path string
			want []string
		}{
			{"index.html", []string{`<html lang="it">`, "Dati aperti della Provincia di Como", `action="/datasets/"`,
				"1.584.567,89\u00a0€", "2 righe", "1 riga", `hreflang="en"`, `href="/en/"`, "Progetti finanziati del Comune di Como"}},
			{"en/index.html", []string{`<html lang="en">`, "Open data of the Province of Como", `action="/en/datasets/"`, "€1,584,567.89", `href="/"`}},
			{"datasets/index.html", []string{"Catalogo dei dati", `href="/datasets/comuni/"`, `href="/datasets/progetti-erba/"`,
				`href="/datasets/parcheggi-cantu/"`, `<option value="013075">Comune di Como</option>`, `name="since"`, "<script src=\"/js/catalog"}},
			{"en/datasets/index.html", []string{"Data catalogue", `href="/en/datasets/comuni/"`, "Municipality of Erba"}},
			{"datasets/index.json", []string{`"id":"progetti-como"`, `"p":"013075"`, `"u":"2026-11-25"`, `"f":["csv","json","xlsx"]`}},
			{"en/datasets/index.json", []string{`"t":"Funded projects of Como"`}},
			{"datasets/progetti-erba/index.html", []string{"Ultimo file rifiutato", "24 novembre 2026, ore 12:15",
				"progetti-erba.xlsx!Foglio1!C14", "<code>C14</code>", "progetti-erba.xlsx!Foglio1!U15", "Il CUP deve avere 15 caratteri",
				`<th scope="col">Cella</th>`}},
			{"en/datasets/progetti-erba/index.html", []string{"Latest file refused", "24 November 2026, 12:15", "The CUP must be 15 characters long", "<code>U15</code>"}},
			{"datasets/progetti-como/index.html", []string{"Comune di Como", "Mensile", "Creative Commons Attribuzione 4.0",
				"babe1234babe", "b0b0b0b0b0b0", "555566667777", "1.234.567,89\u00a0€", `href="/datasets/progetti-como/progetti-como.csv"`,
				"1,5\u00a0kB", "<code>finanziamento_totale</code>", "Obbligatorio", "Come citare", "Comune di Como (2026)",
				"https://dati.provincia.como.it/datasets/progetti-como/", "<td>01/03/2023</td>"}},
			{"en/datasets/progetti-como/index.html", []string{"Monthly", "€1,234,567.89", "1.5\u00a0kB", "Municipality of Como (2026)", "1 March 2023"}},
			{"datasets/comuni/index.html", []string{"83.320", "37,12", "Provincia di Como", "Prime 3 righe su 3"}},
			{"en/datasets/comuni/index.html", []string{"83,320", "37.12", "Province of Como"}},
			{"datasets/parcheggi-cantu/index.html", []string{"Piazza Garibaldi", "Nome", "Creative Commons CC0", "esempio",
				// The preview writes a free table's values the Italian way...
				"<td>13,1462</td>", "<td>158.913,91</td>", "<td>1.234,5</td>", "<td>2.500</td>", "<td>2024</td>", "<td>1.234</td>",
				"<td>31/12/2024</td>", "<td>31/12/2024 15:30</td>", "<td>01/03/2019 08:15:05</td>", "<td>sì</td>", "<td>000123</td>",
				// ... and the schema table names the inferred types.
				"<code>superficie_mq</code></th><td>Superficie (mq)</td><td>numero</td>", "<code>anno</code></th><td>Anno</td><td>numero intero</td>",
				"<td>data (AAAA-MM-GG)</td>", "<td>data e ora (AAAA-MM-GGThh:mm:ss)</td>", "<td>sì/no</td>", "<code>codice</code></th><td>Codice</td><td>testo</td>",
				"con il tipo letto dai suoi valori", "il punto decimale"}},
			{"en/datasets/parcheggi-cantu/index.html", []string{"<td>13.1462</td>", "<td>158,913.91</td>", "<td>31 December 2024</td>",
				"<td>31 December 2024, 15:30</td>", "<td>whole number</td>", "<td>date and time (YYYY-MM-DDThh:mm:ss)</td>"}},
			{"progetti/index.html", []string{"Progetti e finanziamenti", `role="img"`, "<title id=\"sources-t\">",
				"1.314.567,89\u00a0€", "250.000,00\u00a0€", "Cantù", `href="/progetti/m5c2i2-1-2022-001/"`}},
			{"progetti/m5c2i2-1-2022-001/index.html", []string{"Riqualificazione della biblioteca comunale", "H17H21000050006",
				`<svg role="img"`, "<title id=\"funding-t\">Finanziamento per fonte: PNRR 1.234.567,89\u00a0€; Comune 250.000,00\u00a0€</title>",
				`<th scope="row">PNRR</th><td class="num">1.234.567,89`, "45\u00a0%", "In corso", "15 aprile 2023",
				`href="/comuni/013075/"`, `href="/comuni/013041/"`}},
			{"en/progetti/m1c1i1-4-2023-017/index.html", []string{"Region", "€20,000.00", "€100,000.00", "28 February 2025", "100%"}},
			{"comuni/index.html", []string{"Como", "Cantù", "Erba", "013075", "83.320", `href="/comuni/013095/"`}},
			{"comuni/013075/index.html", []string{"013075", "83.320", "37,12\u00a0km²", "Progetti finanziati del Comune di Como", "Riqualificazione"}},
			{"comuni/013041/index.html", []string{"Parcheggi pubblici di Cantù", "Digitalizzazione", "Riqualificazione"}},
			{"en/comuni/013095/index.html", []string{"Erba", "Funded projects of Erba"}},
			{"qualita/index.html", []string{"Qualità dei dati", "progetti-erba.xlsx!Foglio1!C14", "Il CUP nella cella C14 non è valido", "3 in regola, 1 da controllare"}},
			{"en/qualita/index.html", []string{"Data quality", "The CUP must be 15 characters long", "3 fine, 1 needing attention"}},
			{"404.html", []string{"Pagina non trovata"}},
			{"en/404.html", []string{"Page not found"}},
			{"robots.txt", []string{"Sitemap: https://dati.provincia.como.it/sitemap.xml"}},
			{"sitemap.xml", []string{"sitemap"}},
			{"feed.xml", []string{`<feed xmlns="http://www.w3.org/2005/Atom"`, "<updated>2026-11-26T07:00:00Z</updated>",
				"https://dati.provincia.como.it/datasets/progetti-como/#babe1234babe", "Progetti finanziati del Comune di Como", "(2 righe)"}},
			{"en/feed.xml", []string{"https://dati.provincia.como.it/en/datasets/comuni/", "Funded projects of Como"}},
			{"datasets/x/x.csv", []string{"export datasets/x/x.csv"}},
			{"datasets/comuni/comuni.csv", []string{"export datasets/comuni/comuni.csv"}},
		}
		for _, tt := range tests {
			page := read(t, out, tt.path)
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("%s: missing %q", tt.path, w)
				}
			}
		}
	})

	t.Run("feeds and index parse", func(t *testing.T) {
		for _, p := range []string{"feed.xml", "en/feed.xml", "sitemap.xml", "it/sitemap.xml", "en/sitemap.xml"} {
			var doc struct {
				XMLName xml.Name
				Entries []struct {
					ID string `xml:"id"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal([]byte(read(t, out, p)), &doc); err != nil {
				t.Errorf("%s: %v", p, err)
			}
			if strings.HasSuffix(p, "feed.xml") && len(doc.Entries) != 4 {
				t.Errorf("%s: %d entries, want one per accepted version (4)", p, len(doc.Entries))
			}
		}
		for _, p := range []string{"datasets/index.json", "en/datasets/index.json"} {
			var index []map[string]any
			if err := json.Unmarshal([]byte(read(t, out, p)), &index); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if len(index) != len(fixture().Datasets) {
				t.Errorf("%s: %d datasets, want %d", p, len(index), len(fixture().Datasets))
			}
		}
	})

	htmlFiles := files(t, out, ".html")
	if len(htmlFiles) < 30 {
		t.Fatalf("only %d HTML files", len(htmlFiles))
	}

	t.Run("links", func(t *testing.T) {
		for _, p := range htmlFiles {
			for _, ref := range refs(t, out, p) {
				u, err := url.Parse(ref)
				if err != nil {
					t.Errorf("%s: bad URL %q", p, ref)
					continue
				}
				if u.Scheme == "mailto" || (u.Path == "" && u.Host == "") {
					continue
				}
				if u.Host != "" && u.Host != "dati.provincia.como.it" {
					// A link a reader follows may lead elsewhere (a
					// licence, the publisher's site); what a page loads
					// may not: see "no other hosts".
					if u.Scheme != "https" {
						t.Errorf("%s: link to another host without https %q", p, ref)
					}
					continue
				}
				target := u.Path
				if !strings.HasPrefix(target, "/") {
					target = path.Join("/", path.Dir(p), target)
				}
				if strings.HasSuffix(target, "/") {
					target += "index.html"
				}
				if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(target))); err != nil {
					t.Errorf("%s: broken link %q", p, ref)
				}
			}
		}
	})

	t.Run("no other hosts", func(t *testing.T) {
		// Nothing a page loads (scripts, styles, images, frames, fetched
		// data) comes from another host; plain <a href> links may point
		// elsewhere.
		abs := regexp.MustCompile(`(?i)(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
		ours := func(m string) bool { return strings.HasSuffix(m, "//dati.provincia.como.it") }
		for _, ext := range []string{".css", ".js", ".json"} {
			for _, p := range files(t, out, ext) {
				for _, m := range abs.FindAllString(read(t, out, p), -1) {
					if !ours(m) {
						t.Errorf("%s: address of another host %q", p, m)
					}
				}
			}
		}
		cssURL := regexp.MustCompile(`(?i)url\(\s*['"]?([^'")\s]+)`)
		for _, p := range htmlFiles {
			for _, l := range loads(t, out, p) {
				if m := abs.FindString(l.val); m != "" && !ours(m) && strings.HasPrefix(l.val, m) {
					t.Errorf("%s: <%s %s> loads from another host: %q", p, l.tag, l.attr, l.val)
				}
			}
			for _, m := range cssURL.FindAllStringSubmatch(read(t, out, p), -1) {
				if h := abs.FindString(m[1]); h != "" && !ours(h) {
					t.Errorf("%s: url() from another host: %q", p, m[1])
				}
			}
		}
	})

	t.Run("links to licences and publisher", func(t *testing.T) {
		page := read(t, out, "datasets/progetti-como/index.html")
		if !strings.Contains(page, `<a href="https://creativecommons.org/licenses/by/4.0/deed.it" rel="license">Creative Commons Attribuzione 4.0`) {
			t.Errorf("datasets/progetti-como: the licence is not a link to its deed")
		}
		if !strings.Contains(read(t, out, "en/datasets/parcheggi-cantu/index.html"), `href="https://creativecommons.org/publicdomain/zero/1.0/deed.en"`) {
			t.Errorf("en/datasets/parcheggi-cantu: the CC0 licence is not a link to its English deed")
		}
		if !strings.Contains(read(t, out, "index.html"), `<a href="https://www.provincia.como.it/">Provincia di Como</a>`) {
			t.Errorf("index.html: the publisher's name is not a link to its site")
		}
	})

	t.Run("page weight", func(t *testing.T) {
		largest, name := 0, ""
		for _, p := range htmlFiles {
			size := len(read(t, out, p))
			for _, ref := range refs(t, out, p) {
				if strings.HasSuffix(ref, ".css") || strings.HasSuffix(ref, ".js") {
					size += len(read(t, out, strings.TrimPrefix(ref, "/")))
				}
			}
			if size > maxPage {
				t.Errorf("%s weighs %d bytes with its CSS and JS, over %d", p, size, maxPage)
			}
			if size > largest {
				largest, name = size, p
			}
		}
		t.Logf("largest page: %s, %d bytes with CSS and JS", name, largest)
	})

	t.Run("no template holes", func(t *testing.T) {
		for _, ext := range []string{".html", ".xml", ".json"} {
			for _, p := range files(t, out, ext) {
				page := read(t, out, p)
				for _, hole := range []string{"<no value>", "&lt;no value&gt;", "%!", "[i18n]", "map["} {
					if strings.Contains(page, hole) {
						t.Errorf("%s: contains %q", p, hole)
					}
				}
			}
		}
	})

	t.Run("accessibility basics", func(t *testing.T) {
		for _, p := range htmlFiles {
			page := read(t, out, p)
			for _, w := range []string{`class="skip-link" href="#main"`, `<main id="main"`, `<nav class="langs"`, `<html lang="`} {
				if !strings.Contains(page, w) {
					t.Errorf("%s: missing %q", p, w)
				}
			}
			if strings.Contains(page, "<th>") {
				t.Errorf("%s: table header without scope", p)
			}
		}
	})
}

func TestRenderDeterministic(t *testing.T) {
	a, b := render(t), render(t)
	fa, fb := files(t, a, ""), files(t, b, "")
	if strings.Join(fa, "\n") != strings.Join(fb, "\n") {
		t.Fatalf("the two renders wrote different files:\n%v\n%v", fa, fb)
	}
	for _, p := range fa {
		if read(t, a, p) != read(t, b, p) {
			t.Errorf("%s differs between two renders", p)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	build := fixture()
	for b.Loop() {
		out := b.TempDir()
		if _, err := Render(context.Background(), build, out, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// files lists the files of out with the given suffix, as slash paths.
func files(t *testing.T, out, suffix string) []string {
	t.Helper()
	var list []string
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, suffix) {
			return err
		}
		rel, err := filepath.Rel(out, p)
		list = append(list, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// load is an attribute by which a page loads something.
type load struct{ tag, attr, val string }

// loads returns what an HTML file loads: src and srcset of any element,
// href of link elements, data of object, the search index of the script,
// and url() in style attributes.
func loads(t *testing.T, out, p string) []load {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(read(t, out, p)))
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	var list []load
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch {
				case a.Key == "src" || a.Key == "srcset" || a.Key == "data-index" || a.Key == "poster",
					a.Key == "href" && (n.Data == "link" || n.Data == "base"),
					a.Key == "data" && n.Data == "object",
					a.Key == "style" && strings.Contains(a.Val, "url("):
					list = append(list, load{n.Data, a.Key, a.Val})
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return list
}

// refs returns the href and src attributes of an HTML file.
func refs(t *testing.T, out, p string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(read(t, out, p)))
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	var list []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "href" || a.Key == "src" || a.Key == "action" || a.Key == "data-index" {
					list = append(list, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return list
}
