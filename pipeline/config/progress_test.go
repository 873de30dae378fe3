package config_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/datasets"
	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/config"
)

// TestLoadProgressErrors: a filter entry with no column, a filter value
// that is a list and a state outside the portal's vocabulary are reported
// with their file and line.
func TestLoadProgressErrors(t *testing.T) {
	_, err := config.Load(os.DirFS(filepath.Join("testdata", "progress")))
	if err == nil {
		t.Fatal("Load succeeded")
	}
	got := configErrors(t, err)
	want := []struct {
		file string
		line int
		frag string
	}{
		{"list.yaml", 13, "valore del tipo sbagliato"},
		{"pad.yaml", 12, "ogni voce nomina una colonna"},
		{"pad.yaml", 17, "stato «pagato» per il codice «E» non previsto"},
	}
	for _, g := range got {
		t.Log(g)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d", len(got), len(want))
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g *config.Error) bool {
			return g.File == w.file && g.Line == w.line && strings.Contains(g.Message.It, w.frag) && g.Message.En != ""
		}) {
			t.Errorf("no error %s:%d containing %q", w.file, w.line, w.frag)
		}
	}
}

// TestDefaultCatalogStates: the default catalog's state mappings use the
// portal's vocabulary, and its filters keep the Province's rows.
func TestDefaultCatalogStates(t *testing.T) {
	cat, err := config.Load(datasets.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range cat.Datasets {
		for code, s := range d.States {
			if !slices.Contains(catalog.ProjectStates(), s) {
				t.Errorf("%s: state %q of code %q", d.ID, s, code)
			}
		}
		if v, ok := d.Source.Filter["cod_provincia"]; ok && v != "013" {
			t.Errorf("%s: filter keeps province %q", d.ID, v)
		}
	}
}
