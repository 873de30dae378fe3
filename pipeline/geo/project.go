package geo

import (
	"math"
)

// Defaults for Project that fit the province in an inline SVG well under
// 40 KB: 600 units across (about 70 m a unit for Como), and triangles under
// two square units dropped, which is below what a screen shows.
const (
	DefaultWidth   = 600
	DefaultMinArea = 2.0
)

// Map is a topology ready to draw: arcs projected, simplified and rounded
// to whole units of an SVG viewBox Width × Height, y growing downwards.
type Map struct {
	Width, Height int
	Arcs          [][][2]int
	Shapes        []Shape // sorted by code
}

// Shape returns the shape with the given ISTAT code.
func (m *Map) Shape(code string) (Shape, bool) {
	return findShape(m.Shapes, code)
}

// Project draws the topology width units wide: an equirectangular
// projection with longitudes scaled by the cosine of the middle latitude,
// which keeps shapes true at the scale of a province. Each arc is then
// simplified once (Visvalingam–Whyatt: points whose triangle with their
// neighbours is under minArea square units go) and rounded to whole units,
// so two comuni always draw their common border with the same points.
func (t *Topology) Project(width int, minArea float64) *Map {
	used := make([]bool, len(t.Arcs))
	// minPts keeps rings from collapsing: a closed arc keeps a triangle, and
	// the arcs of a ring made of one or two arcs keep a point between their
	// ends, else two straightened arcs would draw a ring with no area.
	minPts := make([]int, len(t.Arcs))
	for _, s := range t.Shapes {
		for _, r := range s.Rings {
			for _, a := range r {
				i := arcIndex(a)
				used[i] = true
				if len(r) <= 2 {
					minPts[i] = max(minPts[i], 3)
				}
			}
		}
	}
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for i, a := range t.Arcs {
		if !used[i] {
			continue
		}
		for _, p := range a {
			minX, maxX = min(minX, p[0]), max(maxX, p[0])
			minY, maxY = min(minY, p[1]), max(maxY, p[1])
		}
	}
	m := &Map{Width: width, Arcs: make([][][2]int, len(t.Arcs)), Shapes: t.Shapes}
	if minX > maxX {
		return m
	}
	kx := math.Cos((minY + maxY) / 2 * math.Pi / 180)
	scale := 1.0
	if maxX > minX {
		scale = float64(width) / ((maxX - minX) * kx)
	}
	m.Height = int(math.Ceil((maxY - minY) * scale))
	for i, a := range t.Arcs {
		if !used[i] {
			continue
		}
		pts := make([]Point, len(a))
		for j, p := range a {
			pts[j] = Point{(p[0] - minX) * kx * scale, (maxY - p[1]) * scale}
		}
		n := max(minPts[i], 2)
		if a[0] == a[len(a)-1] {
			n = 4
		}
		pts = simplify(pts, minArea, n)
		q := make([][2]int, 0, len(pts))
		for j, p := range pts {
			r := [2]int{int(math.Round(p[0])), int(math.Round(p[1]))}
			// Rounding may put two points on one unit; the ends always stay.
			if j > 0 && j < len(pts)-1 && r == q[len(q)-1] {
				continue
			}
			if j == len(pts)-1 && len(q) > 1 && r == q[len(q)-1] {
				q = q[:len(q)-1]
			}
			q = append(q, r)
		}
		m.Arcs[i] = q
	}
	return m
}

// simplify drops, one at a time, the interior point whose triangle with its
// neighbours is smallest, until every triangle is at least minArea or only
// keep points are left. The ends never move. Arcs are short (tens of
// points), so the quadratic search is cheaper than a heap.
func simplify(pts []Point, minArea float64, keep int) []Point {
	if minArea <= 0 || len(pts) <= keep {
		return pts
	}
	out := append([]Point(nil), pts...)
	for len(out) > keep {
		best, bestArea := -1, minArea
		for i := 1; i < len(out)-1; i++ {
			if a := triangle(out[i-1], out[i], out[i+1]); a < bestArea {
				best, bestArea = i, a
			}
		}
		if best < 0 {
			break
		}
		out = append(out[:best], out[best+1:]...)
	}
	return out
}

func triangle(a, b, c Point) float64 {
	return math.Abs((b[0]-a[0])*(c[1]-a[1])-(c[0]-a[0])*(b[1]-a[1])) / 2
}
