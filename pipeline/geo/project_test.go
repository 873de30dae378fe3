package geo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// segment is a directed step of a drawn ring.
type segment struct{ a, b [2]int }

// TestSharedBordersProperty: over random topologies, random merges, sizes
// and tolerances, two neighbours draw their common border with the same
// points. Every drawn step of a comune, except those on the outer frame,
// is walked the other way by exactly one other comune, and by no one else;
// a simplifier that worked ring by ring would leave gaps and overlaps
// there. Every comune keeps an area.
func TestSharedBordersProperty(t *testing.T) {
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 14))
		nx, ny := 1+rng.IntN(6), 1+rng.IntN(6)
		topo := grid(rng, nx, ny, rng.IntN(30))
		var merges []Merge
		for i := 0; i+1 < nx; i += 2 {
			if rng.IntN(2) == 0 {
				j := rng.IntN(ny)
				merges = append(merges, Merge{Successor: fmt.Sprintf("8%02d%03d", i, j), Predecessors: []string{cellCode(i, j), cellCode(i+1, j)}})
			}
		}
		if _, err := topo.Dissolve("grid", merges); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		width := 50 + rng.IntN(600)
		minArea := rng.Float64() * 40
		m := topo.Project(width, minArea)
		name := fmt.Sprintf("seed %d (%d×%d, %d merges, width %d, minArea %.1f)", seed, nx, ny, len(merges), width, minArea)

		owner := map[segment][]string{}
		maxX, maxY := 0, 0
		for _, s := range m.Shapes {
			rings := parsePath(t, m.Path(s))
			if area(floatRings(rings)) <= 0 {
				t.Errorf("%s: %s has no area", name, s.Code)
			}
			for _, r := range rings {
				for i := range r {
					p, q := r[i], r[(i+1)%len(r)]
					maxX, maxY = max(maxX, p[0]), max(maxY, p[1])
					owner[segment{p, q}] = append(owner[segment{p, q}], s.Code)
				}
			}
		}
		onFrame := func(sg segment) bool {
			for _, k := range []int{0, 1} {
				for _, v := range []int{0, maxX, maxY} {
					if (k == 0 && v == maxY) || (k == 1 && v == maxX) {
						continue
					}
					if sg.a[k] == v && sg.b[k] == v {
						return true
					}
				}
			}
			return false
		}
		for sg, codes := range owner {
			if len(codes) > 1 {
				t.Errorf("%s: step %v drawn %d times the same way by %v", name, sg, len(codes), codes)
				continue
			}
			back := owner[segment{sg.b, sg.a}]
			switch {
			case len(back) == 0 && !onFrame(sg):
				t.Errorf("%s: step %v of %s has no neighbour drawing it back", name, sg, codes[0])
			case len(back) == 1 && back[0] == codes[0]:
				t.Errorf("%s: step %v of %s is drawn back by itself", name, sg, codes[0])
			}
		}
	}
}

// TestSimplify: points go from the flattest up, the ends stay, and the
// minimum count is kept.
func TestSimplify(t *testing.T) {
	zigzag := []Point{{0, 0}, {1, 0.1}, {2, 0}, {3, 5}, {4, 0}, {5, 0.2}, {6, 0}}
	tests := []struct {
		name    string
		in      []Point
		minArea float64
		keep    int
		want    []Point
	}{
		{"nothing under zero", zigzag, 0, 2, zigzag},
		{"flat wiggles go", zigzag, 1, 2, []Point{{0, 0}, {2, 0}, {3, 5}, {4, 0}, {6, 0}}},
		{"then the smaller bends", zigzag, 6, 2, []Point{{0, 0}, {3, 5}, {6, 0}}},
		{"everything goes", zigzag, 1000, 2, []Point{{0, 0}, {6, 0}}},
		{"but the minimum", zigzag, 1000, 3, []Point{{0, 0}, {3, 5}, {6, 0}}},
		{"short arcs stay", []Point{{0, 0}, {1, 1}}, 1000, 2, []Point{{0, 0}, {1, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := simplify(tt.in, tt.minArea, tt.keep); !slices.Equal(got, tt.want) {
				t.Errorf("simplify = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestProjectKeepsSmallRings: an island drawn by one closed arc, and a
// comune of two arcs, keep an area whatever the tolerance.
func TestProjectKeepsSmallRings(t *testing.T) {
	topo := &Topology{
		Arcs: [][]Point{
			{{9, 45}, {9.1, 45}, {9.1, 45.1}, {9.05, 45.12}, {9, 45.1}, {9, 45}},
			{{9.2, 45}, {9.3, 45}, {9.3, 45.1}},
			{{9.3, 45.1}, {9.25, 45.11}, {9.2, 45.1}, {9.2, 45}},
		},
		Shapes: []Shape{{Code: "1", Rings: [][]int{{0}}}, {Code: "2", Rings: [][]int{{1, 2}}}},
	}
	m := topo.Project(300, 1e9)
	for _, s := range m.Shapes {
		rings := parsePath(t, m.Path(s))
		if len(rings) != 1 || len(rings[0]) < 3 || area(floatRings(rings)) <= 0 {
			t.Errorf("shape %s drawn as %v", s.Code, rings)
		}
	}
	if m.Width != 300 || m.Height <= 0 {
		t.Errorf("map %d×%d", m.Width, m.Height)
	}
}

// TestProjectAspect: a degree of longitude is shorter than one of
// latitude by the cosine of the latitude.
func TestProjectAspect(t *testing.T) {
	topo := &Topology{
		Arcs:   [][]Point{{{9, 45}, {10, 45}, {10, 46}, {9, 46}, {9, 45}}},
		Shapes: []Shape{{Code: "1", Rings: [][]int{{0}}}},
	}
	m := topo.Project(100, 0)
	// cos(45.5°) = 0.7009: one degree of latitude is 100/0.7009 = 142.7 units.
	if m.Height != 143 {
		t.Errorf("height %d, want 143", m.Height)
	}
	if got, want := m.Path(m.Shapes[0]), "M0 143l100 0 0-143-100 0z"; got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
}
