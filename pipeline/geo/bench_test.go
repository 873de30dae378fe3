package geo

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkComo is the build's whole share of the map: read the real
// boundaries and merges, dissolve, simplify and project, check against the
// registry, draw the choropleth and one locator.
func BenchmarkComo(b *testing.B) {
	fsys := os.DirFS(filepath.Join("..", "..", "datasets"))
	registry := readRegistry(b)
	values := density(b)
	b.ReportAllocs()
	for b.Loop() {
		m, _, err := Load(fsys, registry)
		if err != nil {
			b.Fatal(err)
		}
		res := m.Choropleth(Choropleth{ID: "co", Title: "t", Values: values})
		loc, err := m.Locator(Locator{ID: "loc", Title: "t", Code: "013075"})
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(res.SVG) + len(loc)))
	}
}
