package geo

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func readTiny(t *testing.T) *Topology {
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
	return topo
}

func TestDissolve(t *testing.T) {
	// On the hand-made grid: Alfa 0–10 × 0–10 with a hole 3–6 × 3–6 where
	// Sant'Isola lies, Beta 10–20 × 0–5, Gamma 10–20 × 5–10 (0,01° units).
	tests := []struct {
		name   string
		merges []Merge
		codes  []string // the shapes after
		rules  []string // the issues, rule and code
		rings  int      // rings of the first merge's successor
		area   float64  // its area in square units
	}{
		{"two rectangles", []Merge{{Successor: "099005", Predecessors: []string{"099002", "099003"}}},
			[]string{"099001", "099004", "099005"}, nil, 1, 100},
		{"an island fills its hole", []Merge{{Successor: "099005", Predecessors: []string{"099001", "099004"}}},
			[]string{"099002", "099003", "099005"}, nil, 1, 100},
		{"three around a hole", []Merge{{Successor: "099005", Predecessors: []string{"099001", "099002", "099003"}}},
			[]string{"099004", "099005"}, nil, 2, 200 - 9},
		{"everything", []Merge{{Successor: "099005", Predecessors: []string{"099001", "099002", "099003", "099004"}}},
			[]string{"099005"}, nil, 1, 200},
		{"already merged", []Merge{{Successor: "099005", Predecessors: []string{"099990", "099991"}}},
			[]string{"099001", "099002", "099003", "099004"}, nil, 0, 0},
		{"successor beside its predecessors", []Merge{{Successor: "099001", Predecessors: []string{"099002", "099003"}}},
			[]string{"099001", "099002", "099003", "099004"}, []string{"geo-merge 099001"}, 0, 0},
		{"a predecessor missing", []Merge{{Successor: "099005", Predecessors: []string{"099002", "099991"}}},
			[]string{"099001", "099002", "099003", "099004"}, []string{"geo-merge 099005"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			topo := readTiny(t)
			issues, err := topo.Dissolve("tiny.topo.json", tt.merges)
			if err != nil {
				t.Fatal(err)
			}
			var rules []string
			for _, i := range issues {
				rules = append(rules, i.Rule+" "+i.Value)
				if i.Ref.File != "tiny.topo.json" || i.Message.It == "" || i.Message.En == "" {
					t.Errorf("issue %+v", i)
				}
			}
			if !slices.Equal(rules, tt.rules) {
				t.Errorf("issues %v, want %v", rules, tt.rules)
			}
			var codes []string
			for _, s := range topo.Shapes {
				codes = append(codes, s.Code)
			}
			if !slices.Equal(codes, tt.codes) {
				t.Errorf("shapes %v, want %v", codes, tt.codes)
			}
			if tt.rings == 0 {
				return
			}
			s, _ := topo.Shape(tt.merges[0].Successor)
			if s.Name != s.Code {
				t.Errorf("name %q: with no name in the table the code stands in", s.Name)
			}
			if len(s.Rings) != tt.rings {
				t.Errorf("%d rings, want %d", len(s.Rings), tt.rings)
			}
			// Square units of the grid: 0,01° by 0,01°.
			if got := area(geoRings(topo, s)) * 1e4; got < tt.area-1e-6 || got > tt.area+1e-6 {
				t.Errorf("area %g, want %g", got, tt.area)
			}
		})
	}
}

func TestDissolveBrokenTopology(t *testing.T) {
	topo := readTiny(t)
	// A ring of one open arc cannot be closed once its neighbour is gone.
	topo.Shapes = append(topo.Shapes, Shape{Code: "099009", Rings: [][]int{{1}}})
	_, err := topo.Dissolve("tiny.topo.json", []Merge{{Successor: "099010", Predecessors: []string{"099009", "099004"}}})
	if err == nil || !strings.Contains(err.Error(), "099010") {
		t.Errorf("Dissolve: %v, want an error naming 099010", err)
	}
}
