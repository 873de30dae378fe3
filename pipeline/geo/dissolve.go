package geo

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Merge says that the comuni Predecessors became the comune Successor: the
// boundaries may still show the old comuni, the registry shows the new one.
type Merge struct {
	Successor    string
	Name         string
	Predecessors []string
}

// ReadMerges reads the table of merged comuni: a CSV with ";" and the
// header codice_istat;denominazione;codici_origine, the last column being
// the predecessors' codes separated by spaces.
func ReadMerges(r io.Reader) ([]Merge, error) {
	cr := csv.NewReader(r)
	cr.Comma = ';'
	cr.FieldsPerRecord = 3
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("geo: read merges: %w", err)
	}
	if strings.Join(head, ";") != "codice_istat;denominazione;codici_origine" {
		return nil, fmt.Errorf("geo: read merges: header %q, want codice_istat;denominazione;codici_origine", strings.Join(head, ";"))
	}
	var out []Merge
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("geo: read merges: %w", err)
		}
		m := Merge{Successor: rec[0], Name: rec[1], Predecessors: strings.Fields(rec[2])}
		if m.Successor == "" || len(m.Predecessors) == 0 {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("geo: read merges: line %d: a successor code and at least one predecessor are needed", line)
		}
		out = append(out, m)
	}
}

// Dissolve replaces the shapes of each merge's predecessors by one shape of
// the successor whose rings are their union: the borders between them
// disappear. A merge whose predecessors are all absent is skipped (the
// boundaries are already up to date); one only partly present, or whose
// successor is already drawn beside its predecessors, is reported and left
// as it is. file names the boundaries in the issues. The error is for a
// topology that cannot be stitched back into closed rings.
func (t *Topology) Dissolve(file string, merges []Merge) ([]catalog.Issue, error) {
	var issues []catalog.Issue
	for _, m := range merges {
		var found []Shape
		var missing []string
		for _, p := range m.Predecessors {
			if s, ok := t.Shape(p); ok {
				found = append(found, s)
			} else {
				missing = append(missing, p)
			}
		}
		if len(found) == 0 {
			continue
		}
		if _, ok := t.Shape(m.Successor); ok {
			issues = append(issues, mergeIssue(file, m.Successor,
				fmt.Sprintf("il comune %s compare nei confini insieme ai comuni da cui è nato (%s): i confini vanno controllati", m.Successor, strings.Join(m.Predecessors, ", ")),
				fmt.Sprintf("comune %s is in the boundaries together with the comuni it was formed from (%s): check the boundaries", m.Successor, strings.Join(m.Predecessors, ", "))))
			continue
		}
		if len(missing) > 0 {
			issues = append(issues, mergeIssue(file, m.Successor,
				fmt.Sprintf("per unire i comuni che formano %s mancano nei confini i codici %s: restano separati", m.Successor, strings.Join(missing, ", ")),
				fmt.Sprintf("to merge the comuni forming %s the boundaries lack codes %s: they stay apart", m.Successor, strings.Join(missing, ", "))))
			continue
		}
		rings, err := t.union(found)
		if err != nil {
			return issues, fmt.Errorf("geo: dissolve %s: %w", m.Successor, err)
		}
		name := m.Name
		if name == "" {
			name = m.Successor
		}
		t.Shapes = slices.DeleteFunc(t.Shapes, func(s Shape) bool { return slices.Contains(m.Predecessors, s.Code) })
		t.Shapes = append(t.Shapes, Shape{Code: m.Successor, Name: name, Rings: rings})
		slices.SortFunc(t.Shapes, func(a, b Shape) int { return strings.Compare(a.Code, b.Code) })
	}
	return issues, nil
}

func mergeIssue(file, code, it, en string) catalog.Issue {
	return catalog.Issue{
		Ref:      catalog.Ref{File: file},
		Severity: catalog.Warning,
		Rule:     "geo-merge",
		Value:    code,
		Message:  catalog.Text{It: it, En: en},
	}
}

// union joins shapes that meet along shared arcs. An arc walked one way by
// one ring and the other way by another lies between two of the shapes, so
// it goes; the arcs left are chained end to start into closed rings.
func (t *Topology) union(shapes []Shape) ([][]int, error) {
	fwd := map[int]int{}
	back := map[int]int{}
	var all []int
	for _, s := range shapes {
		for _, r := range s.Rings {
			for _, a := range r {
				if a >= 0 {
					fwd[a]++
				} else {
					back[^a]++
				}
				all = append(all, a)
			}
		}
	}
	var left []int
	for _, a := range all {
		i := arcIndex(a)
		if fwd[i] > 0 && back[i] > 0 {
			continue
		}
		left = append(left, a)
	}
	// Chain by shared end points: arcs meet at identical coordinates.
	start := map[Point][]int{}
	for k, a := range left {
		p := arcPoints(t.Arcs, a)[0]
		start[p] = append(start[p], k)
	}
	used := make([]bool, len(left))
	var rings [][]int
	for k := range left {
		if used[k] {
			continue
		}
		used[k] = true
		ring := []int{left[k]}
		first := arcPoints(t.Arcs, left[k])[0]
		for {
			pts := arcPoints(t.Arcs, ring[len(ring)-1])
			end := pts[len(pts)-1]
			if end == first {
				break
			}
			next := -1
			for _, c := range start[end] {
				if !used[c] {
					next = c
					break
				}
			}
			if next < 0 {
				return nil, errors.New("the remaining borders do not close into a ring")
			}
			used[next] = true
			ring = append(ring, left[next])
		}
		rings = append(rings, ring)
	}
	return rings, nil
}
