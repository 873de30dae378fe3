package geo

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkComo is the build's whole share of the map: read the real
// boundaries, dissolve the merges, simplify and project, draw the
// choropleth and one locator.
func BenchmarkComo(b *testing.B) {
	topoBytes, err := os.ReadFile(comoTopo)
	if err != nil {
		b.Fatal(err)
	}
	mergeBytes, err := os.ReadFile(comoMerges)
	if err != nil {
		b.Fatal(err)
	}
	values := density(b)
	b.ReportAllocs()
	for b.Loop() {
		topo, err := Read(bytes.NewReader(topoBytes))
		if err != nil {
			b.Fatal(err)
		}
		merges, err := ReadMerges(bytes.NewReader(mergeBytes))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := topo.Dissolve("comuni-como.topo.json", merges); err != nil {
			b.Fatal(err)
		}
		m := topo.Project(DefaultWidth, DefaultMinArea)
		res := m.Choropleth(Choropleth{ID: "co", Title: "t", Values: values})
		loc, err := m.Locator(Locator{ID: "loc", Title: "t", Code: "013075"})
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(res.SVG) + len(loc)))
	}
}
