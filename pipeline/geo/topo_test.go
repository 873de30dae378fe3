package geo

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestReadComo(t *testing.T) {
	b, err := os.ReadFile(comoTopo)
	if err != nil {
		t.Fatal(err)
	}
	// The catalog's copy is the publisher's file, byte for byte.
	if shared, err := os.ReadFile(sharedTopo); err == nil && !bytes.Equal(b, shared) {
		t.Errorf("%s differs from %s", comoTopo, sharedTopo)
	}
	topo, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(topo.Shapes) != 148 {
		t.Fatalf("got %d shapes, want 148", len(topo.Shapes))
	}
	for _, s := range topo.Shapes {
		if !strings.HasPrefix(s.Code, "013") || len(s.Code) != 6 || s.Name == "" || len(s.Rings) == 0 {
			t.Errorf("shape %q %q with %d rings", s.Code, s.Name, len(s.Rings))
		}
	}
	for code, name := range map[string]string{"013003": "Albavilla", "013075": "Como", "013199": "Ronago", "013228": "Uggiate-Trevano"} {
		if s, ok := topo.Shape(code); !ok || s.Name != name {
			t.Errorf("Shape(%s) = %q, %v; want %q", code, s.Name, ok, name)
		}
	}
	// Dequantised coordinates fall in the file's bounding box.
	for _, a := range topo.Arcs {
		for _, p := range a {
			if p[0] < 8.89 || p[0] > 9.45 || p[1] < 45.64 || p[1] > 46.24 {
				t.Fatalf("point %v outside Como's box", p)
			}
		}
	}
}

func TestDissolveComo(t *testing.T) {
	f, err := os.Open(comoTopo)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	before, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	topo, m := comoMap(t)
	if len(topo.Shapes) != 147 || len(m.Shapes) != 147 {
		t.Fatalf("got %d shapes, %d on the map, want 147", len(topo.Shapes), len(m.Shapes))
	}
	for _, gone := range []string{"013199", "013228"} {
		if _, ok := m.Shape(gone); ok {
			t.Errorf("%s is still on the map", gone)
		}
	}
	uggiate, ok := topo.Shape("013256")
	if !ok || uggiate.Name != "Uggiate con Ronago" {
		t.Fatalf("Shape(013256) = %q, %v", uggiate.Name, ok)
	}
	if len(uggiate.Rings) != 1 {
		t.Errorf("Uggiate con Ronago has %d rings, want one outline", len(uggiate.Rings))
	}
	// No arc of the border between the two old comuni is left.
	ronago, _ := before.Shape("013199")
	trevano, _ := before.Shape("013228")
	shared := map[int]bool{}
	for _, r := range ronago.Rings {
		for _, a := range r {
			for _, r2 := range trevano.Rings {
				for _, b := range r2 {
					if arcIndex(a) == arcIndex(b) {
						shared[arcIndex(a)] = true
					}
				}
			}
		}
	}
	if len(shared) == 0 {
		t.Fatal("Ronago and Uggiate-Trevano share no arc in the source")
	}
	for _, r := range uggiate.Rings {
		for _, a := range r {
			if shared[arcIndex(a)] {
				t.Errorf("arc %d between Ronago and Uggiate-Trevano is still drawn", arcIndex(a))
			}
		}
	}
	// The union covers exactly the two old comuni.
	got := area(geoRings(topo, uggiate))
	want := area(geoRings(before, ronago)) + area(geoRings(before, trevano))
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("area of Uggiate con Ronago %g, want %g", got, want)
	}
}

// TestComoRegistryOnMap: every comune of the demo registry has a shape.
func TestComoRegistryOnMap(t *testing.T) {
	_, m := comoMap(t)
	registry := readRegistry(t)
	if len(registry) != 147 {
		t.Fatalf("registry has %d comuni, want 147", len(registry))
	}
	if issues := m.Check("geo/comuni-como.topo.json", registry); len(issues) > 0 {
		t.Errorf("Check: %v", issues)
	}
}

func readRegistry(t testing.TB) []string {
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
	var codes []string
	for _, row := range rows[1:] {
		codes = append(codes, row[0])
	}
	return codes
}

func TestCheckReportsMissing(t *testing.T) {
	_, m := comoMap(t)
	registry := append(readRegistry(t), "013999")
	registry = slices.DeleteFunc(registry, func(c string) bool { return c == "013075" })
	issues := m.Check("geo/comuni-como.topo.json", registry)
	var got []string
	for _, i := range issues {
		got = append(got, i.Rule+" "+i.Value)
		if i.Ref.File != "geo/comuni-como.topo.json" || i.Message.It == "" || i.Message.En == "" || !strings.Contains(i.Message.It, i.Value) {
			t.Errorf("issue %+v", i)
		}
	}
	want := []string{"geo-missing 013999", "geo-unknown 013075"}
	if !slices.Equal(got, want) {
		t.Errorf("Check = %v, want %v", got, want)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"not json", `{`, "read topojson"},
		{"not a topology", `{"type":"FeatureCollection"}`, `type "FeatureCollection"`},
		{"two objects", `{"type":"Topology","arcs":[],"objects":{"a":{},"b":{}}}`, "2 objects"},
		{"short arc", `{"type":"Topology","arcs":[[[0,0]]],"objects":{"a":{}}}`, "arc 0 has 1 points"},
		{"no code", `{"type":"Topology","arcs":[[[0,0],[1,0],[0,1],[0,0]]],"objects":{"a":{"geometries":[{"type":"Polygon","arcs":[[0]],"properties":{}}]}}}`, "no com_istat_code"},
		{"point", `{"type":"Topology","arcs":[],"objects":{"a":{"geometries":[{"type":"Point","properties":{"com_istat_code":"1"}}]}}}`, `geometry type "Point"`},
		{"arc out of range", `{"type":"Topology","arcs":[[[0,0],[1,0],[0,1],[0,0]]],"objects":{"a":{"geometries":[{"type":"Polygon","arcs":[[-2]],"properties":{"com_istat_code":"1"}}]}}}`, "arc -2 out of range"},
		{"code twice", `{"type":"Topology","arcs":[[[0,0],[1,0],[0,1],[0,0]]],"objects":{"a":{"geometries":[{"type":"Polygon","arcs":[[0]],"properties":{"com_istat_code":"1"}},{"type":"Polygon","arcs":[[0]],"properties":{"com_istat_code":"1"}}]}}}`, "code 1 appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Read: %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestReadQuantised(t *testing.T) {
	// Delta-encoded integers times the scale plus the translation.
	in := `{"type":"Topology","transform":{"scale":[0.5,2],"translate":[10,40]},
	"arcs":[[[0,0],[2,0],[-2,1],[0,-1]]],
	"objects":{"m":{"type":"GeometryCollection","geometries":[
	{"type":"MultiPolygon","arcs":[[[0]]],"properties":{"com_istat_code":"013001","name":"A"}}]}}}`
	topo, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Point{{10, 40}, {11, 40}, {10, 42}, {10, 40}}
	if !slices.Equal(topo.Arcs[0], want) {
		t.Errorf("arc = %v, want %v", topo.Arcs[0], want)
	}
	if s := topo.Shapes[0]; s.Code != "013001" || s.Name != "A" || len(s.Rings) != 1 {
		t.Errorf("shape = %+v", s)
	}
}

func TestReadMerges(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Merge
		err      string
	}{
		{"one", "codice_istat;denominazione;codici_origine\n013256;Uggiate con Ronago;013199 013228\n",
			[]Merge{{Successor: "013256", Name: "Uggiate con Ronago", Predecessors: []string{"013199", "013228"}}}, ""},
		{"none", "codice_istat;denominazione;codici_origine\n", nil, ""},
		{"bad header", "codice;nome;origine\n", nil, "header"},
		{"no predecessors", "codice_istat;denominazione;codici_origine\n013256;Uggiate con Ronago; \n", nil, "line 2"},
		{"short row", "codice_istat;denominazione;codici_origine\n013256;x\n", nil, "wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadMerges(strings.NewReader(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i].Successor != tt.want[i].Successor || got[i].Name != tt.want[i].Name || !slices.Equal(got[i].Predecessors, tt.want[i].Predecessors) {
					t.Errorf("got %+v, want %+v", got[i], tt.want[i])
				}
			}
		})
	}
}
