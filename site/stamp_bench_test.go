package site

import (
	"bytes"
	"testing"
	"time"
)

// BenchmarkStampLotto times a lotto's article: its layout and its writing.
func BenchmarkStampLotto(b *testing.B) {
	m, err := newModel(contractsBuildRelated())
	if err != nil {
		b.Fatal(err)
	}
	c, err := m.contracts()
	if err != nil {
		b.Fatal(err)
	}
	loc, _ := time.LoadLocation("Europe/Rome")
	w := &writer{m: m, loc: loc}
	f := formatter{lang: "it", loc: loc}
	links := newLinker("https://dati.example.org/", "it")
	var buf bytes.Buffer
	b.Run("view", func(b *testing.B) {
		for i := range b.N {
			w.lottoView(f, links, c.lotti[i%len(c.lotti)])
		}
	})
	b.Run("write", func(b *testing.B) {
		v := w.lottoView(f, links, c.lotti[0])
		for range b.N {
			buf.Reset()
			v.write(markup{&buf})
		}
	})
}
