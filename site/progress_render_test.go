package site

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestRenderProgress renders the fixture with the real PA digitale rows
// and the catalog's boundaries: the pages of progress, the maps, the
// selection of the national file, and the report of a row with no comune.
func TestRenderProgress(t *testing.T) {
	b := padigitaleBuild(t)
	// The national file's selection, as the pipeline records it.
	d := &b.Datasets[len(b.Datasets)-1]
	d.Table.Selection = &selectionOf7707
	out := t.TempDir()
	var logs strings.Builder
	if _, err := Render(context.Background(), b, out, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatalf("Render: %v\n%s", err, logs.String())
	}
	if strings.Contains(logs.String(), "level=WARN") || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("Hugo complained:\n%s", logs.String())
	}
	tests := []struct {
		path string
		want []string
	}{
		{"progetti/j81f22003870006/index.html", []string{"Revocato o rinunciato", "19 aprile 2024", "Uggiate con Ronago", `href="/comuni/013256/"`,
			"Cronologia del progetto", "oggi: 26 novembre 2026", "Finanziamento assegnato"}},
		{"en/progetti/h51f22002960006/index.html", []string{"Funding paid out", "since", "13 August 2025", "Paid against funded", "€32,589.00 / €32,589.00", "100%"}},
		// The fixture's project planned to end on 30 June 2026 and still in
		// progress on the build's day is late.
		{"progetti/m5c2i2-1-2022-001/index.html", []string{"In ritardo: la fine era prevista il 30 giugno 2026", "Tempo trascorso rispetto a quello previsto"}},
		{"progetti/index.html", []string{`class="geo-map"`, "funding-map-table", "Filtra i progetti", `href="/progetti/filtri/stato-erogato/"`,
			"Progetti per stato di attuazione", "€ per abitante"}},
		{"en/progetti/index.html", []string{"Filter the projects", "€ per resident", "Funding paid out"}},
		{"progetti/filtri/stato-revocato/index.html", []string{"Stato: Revocato o rinunciato", "Tutti i progetti", "Comuni con più progetti"}},
		{"progetti/filtri/index.html", []string{"Filtra i progetti", "Misura"}},
		{"comuni/013256/index.html", []string{"Dove si trova Uggiate con Ronago", "Progetti per stato di attuazione"}},
		{"index.html", []string{"Progetti per stato di attuazione", "Finanziamento erogato"}},
		{"datasets/padigitale-145/index.html", []string{"Righe tenute", "6 delle 7.707 righe del file candidature_finanziate_145.csv", "cod_provincia = «013»"}},
		{"qualita/index.html", []string{"Avvisi della costruzione del portale", "Albaredo Arnaboldi", "non è attribuito a nessun comune"}},
	}
	for _, tt := range tests {
		page := readFile(t, out, tt.path)
		for _, w := range tt.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: missing %q", tt.path, w)
			}
		}
	}

	// The map and its table give each comune the same figure.
	page := readFile(t, out, "progetti/index.html")
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	onMap, inTable := map[string]string{}, map[string]string{}
	var walk func(n *html.Node, inTbl bool)
	walk = func(n *html.Node, inTbl bool) {
		if n.Type == html.ElementNode && n.Data == "table" && attr(n, "id") == "funding-map-table" {
			inTbl = true
		}
		if n.Type == html.ElementNode && n.Data == "path" && n.FirstChild != nil && n.FirstChild.Data == "title" {
			name, value, _ := strings.Cut(text(n.FirstChild), ": ")
			if value != "nessun progetto" {
				onMap[name] = value
			}
		}
		if inTbl && n.Type == html.ElementNode && n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" {
			var cells []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode {
					cells = append(cells, strings.TrimSpace(text(c)))
				}
			}
			inTable[cells[0]] = cells[len(cells)-1]
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inTbl)
		}
	}
	walk(doc, false)
	// Pienza's row (not Como's: the fixture keeps it) has a code the map
	// lacks: listed in the table, not dropped.
	if _, ok := inTable["052021 (fuori dalla mappa)"]; !ok {
		t.Errorf("the comune not on the map is not in the table: %v", inTable)
	}
	delete(inTable, "052021 (fuori dalla mappa)")
	if len(inTable) < 3 || len(onMap) != len(inTable) {
		t.Fatalf("map %v, table %v", onMap, inTable)
	}
	for name, v := range inTable {
		if onMap[name] != v {
			t.Errorf("%s: map %q, table %q", name, onMap[name], v)
		}
	}
	svg := regexp.MustCompile(`(?s)<svg[^>]*class="geo-map".*?</svg>`).FindString(page)
	if len(svg) == 0 || len(svg) > 40*1000 {
		t.Errorf("the map weighs %d bytes inline", len(svg))
	}
	// Every shape keeps its ISTAT code as written, leading zeros included:
	// a minifier that reads codes as numbers would drop them.
	codes := regexp.MustCompile(`data-istat="([^"]*)"`).FindAllStringSubmatch(svg, -1)
	if len(codes) == 0 {
		t.Fatal("the map's shapes carry no data-istat")
	}
	for _, c := range codes {
		if len(c[1]) != 6 {
			t.Errorf("shape with data-istat=%q: an ISTAT code has 6 digits", c[1])
		}
	}
}

func readFile(t *testing.T, out, p string) string { return read(t, out, p) }

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
