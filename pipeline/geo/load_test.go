package geo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/provincia-como/opendata/datasets"
)

// TestLoadCatalog: the embedded catalog gives the map of the 147 comuni
// with nothing to report.
func TestLoadCatalog(t *testing.T) {
	m, issues, err := Load(datasets.FS, readRegistry(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(issues) > 0 {
		t.Errorf("issues: %v", issues)
	}
	if len(m.Shapes) != 147 || m.Width != DefaultWidth || m.Height == 0 {
		t.Errorf("%d shapes on a %d×%d map", len(m.Shapes), m.Width, m.Height)
	}
}

func TestLoad(t *testing.T) {
	topo, err := os.ReadFile(filepath.Join("testdata", "tiny.topo.json"))
	if err != nil {
		t.Fatal(err)
	}
	merges := "codice_istat;denominazione;codici_origine\n099005;Beta con Gamma;099002 099003\n"
	tests := []struct {
		name   string
		fsys   fstest.MapFS
		shapes int
		issues []string
		err    string
	}{
		{"merged", fstest.MapFS{BoundariesFile: {Data: topo}, MergesFile: {Data: []byte(merges)}}, 3, []string{"geo-missing 099006"}, ""},
		// Without the table the old comuni stay, and the check says so.
		{"no merges", fstest.MapFS{BoundariesFile: {Data: topo}}, 4, []string{"geo-missing 099005", "geo-missing 099006", "geo-unknown 099002", "geo-unknown 099003"}, ""},
		{"no boundaries", fstest.MapFS{}, 0, nil, "file does not exist"},
		{"bad boundaries", fstest.MapFS{BoundariesFile: {Data: []byte("[]")}}, 0, nil, BoundariesFile},
		{"bad merges", fstest.MapFS{BoundariesFile: {Data: topo}, MergesFile: {Data: []byte("x\n")}}, 0, nil, MergesFile},
	}
	registry := []string{"099001", "099004", "099005", "099006"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, issues, err := Load(tt.fsys, registry)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, i := range issues {
				got = append(got, i.Rule+" "+i.Value)
			}
			if strings.Join(got, ",") != strings.Join(tt.issues, ",") || len(m.Shapes) != tt.shapes {
				t.Errorf("%d shapes, issues %v; want %d, %v", len(m.Shapes), got, tt.shapes, tt.issues)
			}
		})
	}
}
