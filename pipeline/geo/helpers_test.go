package geo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// Real files: the boundaries and the merges as the catalog embeds them, the
// registry of Como's comuni of the demo catalog.
var (
	comoTopo     = filepath.Join("..", "..", "datasets", "geo", "comuni-como.topo.json")
	comoMerges   = filepath.Join("..", "..", "datasets", "geo", "fusioni.csv")
	comoRegistry = filepath.Join("..", "..", "datasets", "data", "comuni-como.csv")
	sharedTopo   = filepath.Join("..", "..", "..", "shared", "data", "geo", "limits_P_13_municipalities.topo.json")
)

// comoMap reads, dissolves and projects the real boundaries.
func comoMap(t testing.TB) (*Topology, *Map) {
	t.Helper()
	f, err := os.Open(comoTopo)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	topo, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	mf, err := os.Open(comoMerges)
	if err != nil {
		t.Fatal(err)
	}
	defer mf.Close()
	merges, err := ReadMerges(mf)
	if err != nil {
		t.Fatal(err)
	}
	issues, err := topo.Dissolve("geo/comuni-como.topo.json", merges)
	if err != nil {
		t.Fatal(err)
	}
	if len(issues) > 0 {
		t.Fatalf("Dissolve: unexpected issues %v", issues)
	}
	return topo, topo.Project(DefaultWidth, DefaultMinArea)
}

// grid builds a topology of nx × ny cells over a piece of Lombardy, each
// cell a shape, each side between two corners one arc of wiggly points, so
// that neighbours share their arcs as in a real TopoJSON. Corners and
// wiggles move at random, except along the outer frame, which stays a
// straight rectangle: the tests know its segments belong to one cell only.
func grid(rng *rand.Rand, nx, ny, wiggle int) *Topology {
	const lon0, lat0, dlon, dlat = 9.0, 45.6, 0.05, 0.04
	corner := make([][]Point, nx+1)
	for i := range corner {
		corner[i] = make([]Point, ny+1)
		for j := range corner[i] {
			p := Point{lon0 + float64(i)*dlon, lat0 + float64(j)*dlat}
			if i > 0 && i < nx {
				p[0] += (rng.Float64() - 0.5) * dlon * 0.6
			}
			if j > 0 && j < ny {
				p[1] += (rng.Float64() - 0.5) * dlat * 0.6
			}
			corner[i][j] = p
		}
	}
	t := &Topology{}
	edge := func(a, b Point, onFrame bool) int {
		pts := []Point{a}
		n := rng.IntN(wiggle + 1)
		for k := 1; k <= n; k++ {
			f := float64(k) / float64(n+1)
			p := Point{a[0] + (b[0]-a[0])*f, a[1] + (b[1]-a[1])*f}
			if !onFrame {
				// Move across the side, never far enough to cross another.
				off := (rng.Float64() - 0.5) * 0.25
				p[0] += -(b[1] - a[1]) * off
				p[1] += (b[0] - a[0]) * off
			}
			pts = append(pts, p)
		}
		t.Arcs = append(t.Arcs, append(pts, b))
		return len(t.Arcs) - 1
	}
	// horiz[i][j] runs from corner (i,j) to (i+1,j); vert[i][j] from (i,j) to (i,j+1).
	horiz := make([][]int, nx)
	for i := range nx {
		horiz[i] = make([]int, ny+1)
		for j := range ny + 1 {
			horiz[i][j] = edge(corner[i][j], corner[i+1][j], j == 0 || j == ny)
		}
	}
	vert := make([][]int, nx+1)
	for i := range nx + 1 {
		vert[i] = make([]int, ny)
		for j := range ny {
			vert[i][j] = edge(corner[i][j], corner[i][j+1], i == 0 || i == nx)
		}
	}
	for i := range nx {
		for j := range ny {
			t.Shapes = append(t.Shapes, Shape{
				Code:  cellCode(i, j),
				Name:  fmt.Sprintf("Cella %d,%d", i, j),
				Rings: [][]int{{horiz[i][j], vert[i+1][j], ^horiz[i][j+1], ^vert[i][j]}},
			})
		}
	}
	return t
}

func cellCode(i, j int) string { return fmt.Sprintf("9%02d%03d", i, j) }

// parsePath reads back the path data that Path writes, one point list per
// ring, so the tests check what the browser draws.
func parsePath(t testing.TB, d string) [][][2]int {
	t.Helper()
	var rings [][][2]int
	var cur [][2]int
	var nums []int
	var cmd byte
	flush := func() {
		switch cmd {
		case 'M':
			if len(nums) != 2 {
				t.Fatalf("path %q: M with %d numbers", d, len(nums))
			}
			cur = [][2]int{{nums[0], nums[1]}}
		case 'l':
			if len(nums)%2 != 0 {
				t.Fatalf("path %q: l with %d numbers", d, len(nums))
			}
			for k := 0; k < len(nums); k += 2 {
				last := cur[len(cur)-1]
				cur = append(cur, [2]int{last[0] + nums[k], last[1] + nums[k+1]})
			}
		}
		nums = nums[:0]
	}
	for i := 0; i < len(d); {
		c := d[i]
		switch {
		case c == 'M' || c == 'l':
			flush()
			cmd = c
			i++
		case c == 'z':
			flush()
			rings = append(rings, cur)
			cur, cmd = nil, 0
			i++
		case c == ' ':
			i++
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(d) && d[j] >= '0' && d[j] <= '9' {
				j++
			}
			n, err := strconv.Atoi(d[i:j])
			if err != nil {
				t.Fatalf("path %q: %v", d, err)
			}
			nums = append(nums, n)
			i = j
		default:
			t.Fatalf("path %q: unexpected %q at %d", d, c, i)
		}
	}
	if cmd != 0 {
		t.Fatalf("path %q: last ring not closed", d)
	}
	return rings
}

// area is the even-odd area of rings given as closed point lists (the
// first point not repeated at the end).
func area(rings [][]Point) float64 {
	total := 0.0
	for _, r := range rings {
		s := 0.0
		for i := range r {
			a, b := r[i], r[(i+1)%len(r)]
			s += a[0]*b[1] - b[0]*a[1]
		}
		total += s / 2
	}
	return math.Abs(total)
}

// floatRings converts drawn rings for area.
func floatRings(rings [][][2]int) [][]Point {
	out := make([][]Point, len(rings))
	for i, r := range rings {
		for _, p := range r {
			out[i] = append(out[i], Point{float64(p[0]), float64(p[1])})
		}
	}
	return out
}

// geoRings are a topology shape's rings as point lists.
func geoRings(t *Topology, s Shape) [][]Point {
	var out [][]Point
	for _, r := range s.Rings {
		var pts []Point
		for k, a := range r {
			arc := arcPoints(t.Arcs, a)
			if k > 0 {
				arc = arc[1:]
			}
			pts = append(pts, arc...)
		}
		out = append(out, pts[:len(pts)-1])
	}
	return out
}
