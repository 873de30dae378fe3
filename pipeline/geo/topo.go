// Package geo turns the boundaries of the comuni into small inline SVG maps
// at build time: it reads a TopoJSON topology, dissolves comuni that merged
// into one, simplifies and projects the shared borders once, and draws a
// choropleth or a locator map. It needs no script and no tile server.
//
// It works on arcs, as TopoJSON stores them, because a border shared by two
// comuni is then one arc: dissolving drops the arcs between merged comuni,
// and simplifying an arc changes both neighbours alike, so they never drift
// apart or overlap.
package geo

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Point is a position: longitude and latitude in degrees in a Topology,
// x and y in drawing units in a Map.
type Point [2]float64

// Shape is one comune: its ISTAT code, its name, and its rings. A ring is a
// closed loop of arcs; an index i >= 0 is arc i as stored, ^i (that is
// -i-1, as in TopoJSON) is arc i walked backwards. Outer rings and holes
// are not told apart: drawn with the even-odd rule they come out right.
type Shape struct {
	Code  string
	Name  string
	Rings [][]int
}

// Topology is a set of shapes over shared arcs, in geographic coordinates.
type Topology struct {
	Arcs   [][]Point
	Shapes []Shape // sorted by code
}

// Shape returns the shape with the given ISTAT code.
func (t *Topology) Shape(code string) (Shape, bool) {
	return findShape(t.Shapes, code)
}

func findShape(shapes []Shape, code string) (Shape, bool) {
	i, ok := slices.BinarySearchFunc(shapes, code, func(s Shape, c string) int { return strings.Compare(s.Code, c) })
	if !ok {
		return Shape{}, false
	}
	return shapes[i], true
}

// The subset of TopoJSON the openpolis files use: one object, a collection
// of Polygon and MultiPolygon geometries, quantised or not.
type topoFile struct {
	Type      string                `json:"type"`
	Arcs      [][][]float64         `json:"arcs"`
	Transform *topoTransform        `json:"transform"`
	Objects   map[string]topoObject `json:"objects"`
}

type topoTransform struct {
	Scale     [2]float64 `json:"scale"`
	Translate [2]float64 `json:"translate"`
}

type topoObject struct {
	Type       string         `json:"type"`
	Geometries []topoGeometry `json:"geometries"`
}

type topoGeometry struct {
	Type       string          `json:"type"`
	Arcs       json.RawMessage `json:"arcs"`
	Properties struct {
		Code string `json:"com_istat_code"`
		Name string `json:"name"`
	} `json:"properties"`
}

// Read decodes a TopoJSON topology with one object whose geometries are the
// comuni, each with the properties com_istat_code and name (openpolis's
// names). Quantised arcs are decoded to degrees.
func Read(r io.Reader) (*Topology, error) {
	var f topoFile
	if err := json.NewDecoder(r).Decode(&f); err != nil {
		return nil, fmt.Errorf("geo: read topojson: %w", err)
	}
	if f.Type != "Topology" {
		return nil, fmt.Errorf("geo: read topojson: type %q, want \"Topology\"", f.Type)
	}
	if len(f.Objects) != 1 {
		return nil, fmt.Errorf("geo: read topojson: %d objects, want one", len(f.Objects))
	}
	t := &Topology{Arcs: make([][]Point, len(f.Arcs))}
	for i, a := range f.Arcs {
		if len(a) < 2 {
			return nil, fmt.Errorf("geo: read topojson: arc %d has %d points", i, len(a))
		}
		pts := make([]Point, len(a))
		var x, y float64
		for j, p := range a {
			if len(p) < 2 {
				return nil, fmt.Errorf("geo: read topojson: arc %d point %d has %d coordinates", i, j, len(p))
			}
			if f.Transform == nil {
				pts[j] = Point{p[0], p[1]}
				continue
			}
			// Quantised arcs are delta-encoded integers.
			x += p[0]
			y += p[1]
			pts[j] = Point{
				x*f.Transform.Scale[0] + f.Transform.Translate[0],
				y*f.Transform.Scale[1] + f.Transform.Translate[1],
			}
		}
		t.Arcs[i] = pts
	}
	for name, obj := range f.Objects {
		for gi, g := range obj.Geometries {
			if g.Properties.Code == "" {
				return nil, fmt.Errorf("geo: read topojson: %s geometry %d has no com_istat_code", name, gi)
			}
			var polys [][][]int
			switch g.Type {
			case "Polygon":
				var rings [][]int
				if err := json.Unmarshal(g.Arcs, &rings); err != nil {
					return nil, fmt.Errorf("geo: read topojson: %s: %w", g.Properties.Code, err)
				}
				polys = [][][]int{rings}
			case "MultiPolygon":
				if err := json.Unmarshal(g.Arcs, &polys); err != nil {
					return nil, fmt.Errorf("geo: read topojson: %s: %w", g.Properties.Code, err)
				}
			default:
				return nil, fmt.Errorf("geo: read topojson: %s: geometry type %q, want Polygon or MultiPolygon", g.Properties.Code, g.Type)
			}
			s := Shape{Code: g.Properties.Code, Name: g.Properties.Name}
			for _, rings := range polys {
				for _, ring := range rings {
					for _, a := range ring {
						if arcIndex(a) >= len(t.Arcs) {
							return nil, fmt.Errorf("geo: read topojson: %s: arc %d out of range", s.Code, a)
						}
					}
					if len(ring) > 0 {
						s.Rings = append(s.Rings, ring)
					}
				}
			}
			t.Shapes = append(t.Shapes, s)
		}
	}
	slices.SortFunc(t.Shapes, func(a, b Shape) int { return strings.Compare(a.Code, b.Code) })
	for i := 1; i < len(t.Shapes); i++ {
		if t.Shapes[i].Code == t.Shapes[i-1].Code {
			return nil, fmt.Errorf("geo: read topojson: code %s appears twice", t.Shapes[i].Code)
		}
	}
	return t, nil
}

// arcIndex is the stored arc an index refers to, whichever the direction.
func arcIndex(a int) int {
	if a < 0 {
		return ^a
	}
	return a
}

// arcPoints returns the points of arc a in the direction a says, sharing
// storage when forward.
func arcPoints[P any](arcs [][]P, a int) []P {
	if a >= 0 {
		return arcs[a]
	}
	src := arcs[^a]
	out := make([]P, len(src))
	for i, p := range src {
		out[len(src)-1-i] = p
	}
	return out
}
