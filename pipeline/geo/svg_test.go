package geo

import (
	"encoding/csv"
	"encoding/xml"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// tinyMap reads the hand-made topology and merges Beta and Gamma.
func tinyMap(t testing.TB) *Map {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "tiny.topo.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	topo, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	issues, err := topo.Dissolve("tiny.topo.json", []Merge{{Successor: "099005", Name: "Beta con Gamma", Predecessors: []string{"099002", "099003"}}})
	if err != nil || len(issues) > 0 {
		t.Fatalf("Dissolve: %v %v", issues, err)
	}
	return topo.Project(200, DefaultMinArea)
}

func TestGolden(t *testing.T) {
	m := tinyMap(t)
	res := m.Choropleth(Choropleth{
		ID:           "mappa",
		Title:        "Finanziamento per residente",
		Desc:         "Euro per residente, in due classi; tratteggiati i comuni senza progetti.",
		Values:       map[string]float64{"099001": 12.5, "099005": 0, "099777": math.NaN()},
		Classes:      2,
		LegendTitle:  "€ per residente",
		NoneLabel:    "nessun progetto",
		UnknownLabel: "importo non indicato",
		LegendAt:     [2]int{0, 0},
	})
	loc, err := m.Locator(Locator{ID: "dove", Title: "Sant'Isola nella provincia", Desc: "La mappa mostra dove si trova Sant'Isola.", Code: "099004"})
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]string{"tiny-choropleth.svg": res.SVG, "tiny-locator.svg": loc} {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got+"\n" != string(want) {
			t.Errorf("%s differs from the golden file (rerun with -update and read the diff):\n%s", name, got)
		}
	}
	// The figures behind the golden map, for its table.
	var got []string
	for _, f := range res.Figures {
		v := "NaN"
		if !math.IsNaN(f.Value) {
			v = strconv.FormatFloat(f.Value, 'g', -1, 64)
		}
		got = append(got, strings.Join([]string{f.Code, f.Name, string(f.Kind), v, res.Legend[f.Class].Label, strconv.FormatBool(f.OnMap)}, "|"))
	}
	want := []string{
		"099001|Alfa|value|12.5|0 – 12,5|true",
		"099004|Sant'Isola|none|NaN|nessun progetto|true",
		"099005|Beta con Gamma|value|0|0|true",
		"099777||unknown|NaN|importo non indicato|false",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("figures:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// svgDoc is what the tests read back from a drawn map.
type svgDoc struct {
	Role, LabelledBy, DescribedBy, ViewBox string
	Title, Desc                            string
	IDs                                    map[string]string // id → element
	Fill                                   map[string]string // data-istat → fill it is drawn with
	Paths                                  map[string]string // data-istat → d
	Texts                                  []string
}

// parseSVG checks that s is well-formed XML and collects what the tests
// look at, each path's fill as inherited from its groups.
func parseSVG(t testing.TB, s string) svgDoc {
	t.Helper()
	doc := svgDoc{IDs: map[string]string{}, Fill: map[string]string{}, Paths: map[string]string{}}
	dec := xml.NewDecoder(strings.NewReader(s))
	var stack []xml.StartElement
	var fills []string
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			attr := map[string]string{}
			for _, a := range el.Attr {
				attr[a.Name.Local] = a.Value
			}
			if len(stack) == 0 {
				if el.Name.Local != "svg" || el.Name.Space != "http://www.w3.org/2000/svg" {
					t.Fatalf("root element %v", el.Name)
				}
				doc.Role, doc.LabelledBy, doc.DescribedBy, doc.ViewBox = attr["role"], attr["aria-labelledby"], attr["aria-describedby"], attr["viewBox"]
			}
			if id := attr["id"]; id != "" {
				if _, dup := doc.IDs[id]; dup {
					t.Errorf("id %q twice", id)
				}
				doc.IDs[id] = el.Name.Local
			}
			fill := attr["fill"]
			if fill == "" && len(fills) > 0 {
				fill = fills[len(fills)-1]
			}
			if code := attr["data-istat"]; code != "" {
				if _, dup := doc.Paths[code]; dup {
					t.Errorf("comune %s drawn twice", code)
				}
				doc.Paths[code], doc.Fill[code] = attr["d"], fill
			}
			stack = append(stack, el)
			fills = append(fills, fill)
			text.Reset()
		case xml.CharData:
			text.Write(el)
		case xml.EndElement:
			switch {
			case el.Name.Local == "title" && len(stack) == 2:
				doc.Title = text.String()
			case el.Name.Local == "desc" && len(stack) == 2:
				doc.Desc = text.String()
			case el.Name.Local == "text":
				doc.Texts = append(doc.Texts, text.String())
			}
			stack, fills = stack[:len(stack)-1], fills[:len(fills)-1]
		}
	}
	// The accessible name is the title, the description the desc.
	if el := doc.IDs[doc.LabelledBy]; el != "title" {
		t.Errorf("aria-labelledby names %q, a %q", doc.LabelledBy, el)
	}
	if el := doc.IDs[doc.DescribedBy]; el != "desc" {
		t.Errorf("aria-describedby names %q, a %q", doc.DescribedBy, el)
	}
	return doc
}

// density reads inhabitants per km² of every comune of the registry: real
// figures, spread like funding per resident, to draw the real map with.
func density(t testing.TB) map[string]float64 {
	t.Helper()
	f, err := os.Open(comoRegistry)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, row := range rows[1:] {
		pop, err1 := strconv.ParseFloat(row[4], 64)
		km2, err2 := strconv.ParseFloat(strings.ReplaceAll(row[5], ",", "."), 64)
		if err1 != nil || err2 != nil || km2 == 0 {
			t.Fatalf("registry row %v", row)
		}
		out[row[0]] = pop / km2
	}
	return out
}

const budget = 40 << 10 // the inline map's share of a page

func TestComoChoropleth(t *testing.T) {
	_, m := comoMap(t)
	values := density(t)
	delete(values, "013075")      // Como: no entry, hatched
	values["013003"] = 0          // Albavilla: zero, the lightest class
	values["013041"] = math.NaN() // Cantù: amount not given
	values["013999"] = 42         // not on the map: in the figures all the same
	res := m.Choropleth(Choropleth{
		ID: "co", Title: "Abitanti per km²", Desc: "Densità dei comuni della provincia di Como.",
		Values: values, LegendTitle: "ab./km²", NoneLabel: "nessun dato", UnknownLabel: "non indicato",
	})
	if len(res.SVG) >= budget {
		t.Errorf("choropleth is %d bytes, over %d", len(res.SVG), budget)
	}
	t.Logf("choropleth: %d bytes", len(res.SVG))
	doc := parseSVG(t, res.SVG)
	if doc.Role != "img" || doc.Title != "Abitanti per km²" || doc.Desc == "" {
		t.Errorf("role %q, title %q, desc %q", doc.Role, doc.Title, doc.Desc)
	}
	if len(doc.Paths) != 147 {
		t.Errorf("%d comuni drawn, want 147", len(doc.Paths))
	}
	if len(res.Figures) != 148 {
		t.Errorf("%d figures, want the 147 comuni and 013999", len(res.Figures))
	}
	counts := make([]int, len(res.Legend))
	for _, f := range res.Figures {
		cl := res.Legend[f.Class]
		counts[f.Class]++
		if cl.Kind != f.Kind {
			t.Errorf("%s: a %s figure in a %s class", f.Code, f.Kind, cl.Kind)
		}
		switch f.Kind {
		case Valued:
			if f.Value != values[f.Code] {
				t.Errorf("%s: figure %g, value %g", f.Code, f.Value, values[f.Code])
			}
			// In its range: above the class's floor (the first class holds
			// its floor too), at most its ceiling.
			if f.Value > cl.Hi || f.Value < cl.Lo || (f.Value == cl.Lo && f.Class > 0) {
				t.Errorf("%s: %g in class %d (%g, %g]", f.Code, f.Value, f.Class, cl.Lo, cl.Hi)
			}
		default:
			if !math.IsNaN(f.Value) {
				t.Errorf("%s: %s figure with value %g", f.Code, f.Kind, f.Value)
			}
		}
		if fill, ok := doc.Fill[f.Code]; ok != f.OnMap || (ok && fill != cl.Fill) {
			t.Errorf("%s: drawn %v with %q, figure on map %v in class %q", f.Code, ok, fill, f.OnMap, cl.Fill)
		}
	}
	for j, cl := range res.Legend {
		if cl.Count != counts[j] || cl.Count == 0 {
			t.Errorf("legend %d %q counts %d, figures %d", j, cl.Label, cl.Count, counts[j])
		}
		if !contains(doc.Texts, cl.Label) {
			t.Errorf("legend entry %q not in the SVG", cl.Label)
		}
	}
	kinds := map[string]Kind{}
	for _, f := range res.Figures {
		kinds[f.Code] = f.Kind
	}
	if kinds["013075"] != None || kinds["013003"] != Valued || kinds["013041"] != Unknown {
		t.Errorf("Como %s, Albavilla %s, Cantù %s; want none, value, unknown", kinds["013075"], kinds["013003"], kinds["013041"])
	}
	if got := len(res.Legend); got != MaxClasses+2 {
		t.Errorf("%d legend entries, want %d ranges and the two others", got, MaxClasses)
	}
	if res.Legend[0].Lo != 0 {
		t.Errorf("the first class starts at %g, want the zero of Albavilla", res.Legend[0].Lo)
	}
}

// TestChoroplethDefaults: with no labels given, the legend still names the
// comuni without a value and those whose value is not given.
func TestChoroplethDefaults(t *testing.T) {
	res := tinyMap(t).Choropleth(Choropleth{ID: "d", Title: "t", Values: map[string]float64{"099001": math.NaN()}})
	var labels []string
	for _, c := range res.Legend {
		labels = append(labels, c.Label)
	}
	if strings.Join(labels, "|") != "non indicato|nessun dato" {
		t.Errorf("legend %v", labels)
	}
	if !strings.Contains(res.SVG, "<text x=\"28\" y=\"19\">non indicato</text>") {
		t.Errorf("legend not drawn: %s", res.SVG)
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

func TestComoLocator(t *testing.T) {
	_, m := comoMap(t)
	for _, code := range []string{"013075", "013256", "013040"} {
		svg, err := m.Locator(Locator{ID: "loc", Title: "Dove si trova", Desc: "Il comune evidenziato nella provincia.", Code: code})
		if err != nil {
			t.Fatal(err)
		}
		if len(svg) >= budget {
			t.Errorf("locator is %d bytes, over %d", len(svg), budget)
		}
		doc := parseSVG(t, svg)
		if doc.Role != "img" || doc.Title == "" || len(doc.Paths) != 147 {
			t.Errorf("role %q, title %q, %d paths", doc.Role, doc.Title, len(doc.Paths))
		}
		for c, fill := range doc.Fill {
			if (c == code) != (fill == targetFill) {
				t.Errorf("locator of %s: %s filled %s", code, c, fill)
			}
		}
	}
	if _, err := m.Locator(Locator{Code: "013199"}); err == nil {
		t.Error("Locator of Ronago, merged away: no error")
	}
}

// TestComoBordersShared: on the real map too, every border step drawn by
// one comune is drawn back by at most one other, never twice the same way.
func TestComoBordersShared(t *testing.T) {
	_, m := comoMap(t)
	owner := map[segment]string{}
	for _, s := range m.Shapes {
		rings := parsePath(t, m.Path(s))
		if area(floatRings(rings)) <= 0 {
			t.Errorf("%s %s has no area", s.Code, s.Name)
		}
		for _, r := range rings {
			for i := range r {
				sg := segment{r[i], r[(i+1)%len(r)]}
				if o, dup := owner[sg]; dup {
					t.Errorf("step %v drawn the same way by %s and %s", sg, o, s.Code)
				}
				owner[sg] = s.Code
			}
		}
	}
	shared := 0
	for sg, code := range owner {
		if back, ok := owner[segment{sg.b, sg.a}]; ok {
			shared++
			if back == code {
				t.Errorf("step %v of %s drawn back by itself", sg, code)
			}
		}
	}
	if shared*2 < len(owner) {
		t.Errorf("only %d of %d steps shared between neighbours", shared, len(owner))
	}
}

func TestRanges(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		breaks []float64
		n      int
		want   [][2]float64
	}{
		{"quintiles", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, nil, 5, [][2]float64{{1, 2}, {2, 4}, {4, 6}, {6, 8}, {8, 10}}},
		{"fewer values than classes", []float64{3, 1}, nil, 5, [][2]float64{{1, 1}, {1, 3}}},
		{"ties merge classes", []float64{0, 0, 0, 0, 0, 0, 0, 1, 2, 3}, nil, 5, [][2]float64{{0, 0}, {0, 1}, {1, 3}}},
		{"one value", []float64{7}, nil, 5, [][2]float64{{7, 7}}},
		{"none", nil, nil, 5, nil},
		{"fixed breaks", []float64{5, 15, 25, 100}, []float64{10, 50}, 0, [][2]float64{{5, 10}, {10, 50}, {50, 100}}},
		{"fixed breaks above the data", []float64{1, 2}, []float64{10, 20}, 0, [][2]float64{{1, 10}, {10, 20}}},
		{"too many fixed breaks", []float64{0, 100}, []float64{1, 2, 3, 4, 5, 6, 7}, 0, [][2]float64{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 100}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cls := ranges(tt.values, tt.breaks, tt.n)
			var got [][2]float64
			for _, c := range cls {
				got = append(got, [2]float64{c.Lo, c.Hi})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("ranges = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("ranges = %v, want %v", got, tt.want)
				}
			}
			// Light to dark, ends of the ramp used when there are two or more.
			if len(cls) > 1 && (cls[0].Fill != palette[0] || cls[len(cls)-1].Fill != palette[len(palette)-1]) {
				t.Errorf("fills %s … %s", cls[0].Fill, cls[len(cls)-1].Fill)
			}
			for _, v := range tt.values {
				c := cls[classOf(cls, v)]
				if v > c.Hi || v < c.Lo {
					t.Errorf("%g in (%g, %g]", v, c.Lo, c.Hi)
				}
			}
		})
	}
}

func TestItalian(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"}, {12.5, "12,5"}, {1234.567, "1.234,57"}, {1234567, "1.234.567"}, {-0.001, "0"}, {-1500.25, "-1.500,25"}, {999.999, "1.000"},
	}
	for _, tt := range tests {
		if got := italian(tt.in); got != tt.want {
			t.Errorf("italian(%g) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
