package geo

import (
	"strconv"
)

// ring returns the points of a ring, the closing point not repeated.
func (m *Map) ring(r []int) [][2]int {
	var pts [][2]int
	for k, a := range r {
		arc := arcPoints(m.Arcs, a)
		if k > 0 && len(arc) > 0 {
			arc = arc[1:] // the junction is the previous arc's last point
		}
		pts = append(pts, arc...)
	}
	if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	return pts
}

// Path is the SVG path data of a shape: each ring an absolute move, then
// relative lines, then a close. Relative steps are short numbers, which
// keeps the whole province small enough to inline.
func (m *Map) Path(s Shape) string {
	var b []byte
	for _, r := range s.Rings {
		pts := m.ring(r)
		if len(pts) < 3 {
			continue
		}
		b = append(b, 'M')
		b = strconv.AppendInt(b, int64(pts[0][0]), 10)
		b = appendNum(b, pts[0][1])
		b = append(b, 'l')
		for i := 1; i < len(pts); i++ {
			dx, dy := pts[i][0]-pts[i-1][0], pts[i][1]-pts[i-1][1]
			if i > 1 {
				b = appendNum(b, dx)
			} else {
				b = strconv.AppendInt(b, int64(dx), 10)
			}
			b = appendNum(b, dy)
		}
		b = append(b, 'z')
	}
	return string(b)
}

// appendNum writes a number after another: a minus sign separates them
// already, a space otherwise.
func appendNum(b []byte, n int) []byte {
	if n >= 0 {
		b = append(b, ' ')
	}
	return strconv.AppendInt(b, int64(n), 10)
}
