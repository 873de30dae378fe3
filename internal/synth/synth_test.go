package synth

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/provincia-como/opendata/pipeline/config"
)

// files reads every file under dir.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		comuni, datasets, rows int
	}{
		{1, 1, 1},
		{3, 10, 40},
		{12, 6, 100},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		if err := Generate(dir, tt.comuni, tt.datasets, tt.rows, 7); err != nil {
			t.Fatal(err)
		}
		cat, err := config.Load(os.DirFS(dir))
		if err != nil {
			t.Fatalf("%+v: the catalog does not load: %v", tt, err)
		}
		if got, want := len(cat.Datasets), tt.comuni*tt.datasets+1; got != want {
			t.Errorf("%+v: %d datasets, want %d", tt, got, want)
		}
		if !strings.Contains(cat.Portal.Description.It, "SINTETICI") || !strings.Contains(cat.Portal.Description.En, "SYNTHETIC") {
			t.Errorf("%+v: the portal does not say its data is synthetic", tt)
		}
		// Count the data rows of every file against TotalRows.
		rows := 0
		for _, d := range cat.Datasets {
			if !d.Example {
				t.Errorf("%s is not marked as an example", d.ID)
			}
			p := filepath.Join(dir, filepath.FromSlash(d.Source.Path))
			if strings.HasSuffix(p, ".xlsx") {
				f, err := excelize.OpenFile(p)
				if err != nil {
					t.Fatal(err)
				}
				all, err := f.GetRows(f.GetSheetList()[0])
				f.Close()
				if err != nil {
					t.Fatal(err)
				}
				rows += len(all) - 1
				continue
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			r := csv.NewReader(bytes.NewReader(data))
			r.Comma = ';'
			all, err := r.ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			rows += len(all) - 1
		}
		s := Spec{Comuni: tt.comuni, Datasets: tt.datasets, Rows: tt.rows, Seed: 7}
		if rows != s.TotalRows() {
			t.Errorf("%+v: %d rows in the files, TotalRows says %d", tt, rows, s.TotalRows())
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	assertDeterministic(t, func(dir string, seed int64) error { return Generate(dir, 4, 3, 20, seed) })
}

// assertDeterministic generates three catalogs, two with the same seed and
// one with another: the first two must be byte for byte the same, the third
// must differ somewhere.
func assertDeterministic(t *testing.T, generate func(dir string, seed int64) error) {
	t.Helper()
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, x := range []struct {
		dir  string
		seed int64
	}{{a, 1}, {b, 1}, {c, 2}} {
		if err := generate(x.dir, x.seed); err != nil {
			t.Fatal(err)
		}
	}
	fa, fb, fc := files(t, a), files(t, b), files(t, c)
	same := 0
	for p, data := range fa {
		if !bytes.Equal(fb[p], data) {
			t.Errorf("%s differs between two runs with the same seed", p)
		}
		if bytes.Equal(fc[p], data) {
			same++
		}
	}
	if same == len(fa) {
		t.Errorf("another seed gives the same files")
	}
}

func TestChange(t *testing.T) {
	dir := t.TempDir()
	if err := Generate(dir, 3, 4, 30, 1); err != nil {
		t.Fatal(err)
	}
	before := files(t, dir)
	tests := []struct {
		comune, dataset, variant int
		changed                  int
	}{
		{1, 2, 1, 1}, // one data file rewritten
		{1, 2, 0, 0}, // variant 0 is the original again
		{0, 0, 3, 1}, // the projects file
	}
	for _, tt := range tests {
		id, err := Change(dir, tt.comune, tt.dataset, tt.variant)
		if err != nil {
			t.Fatal(err)
		}
		after := files(t, dir)
		var changed []string
		for p, data := range after {
			if !bytes.Equal(before[p], data) {
				changed = append(changed, p)
			}
		}
		if len(changed) != tt.changed {
			t.Errorf("Change(%d, %d, %d): changed %v, want %d file(s)", tt.comune, tt.dataset, tt.variant, changed, tt.changed)
		}
		for _, p := range changed {
			if !strings.Contains(p, id) {
				t.Errorf("Change(%d, %d, %d) returned %s but changed %s", tt.comune, tt.dataset, tt.variant, id, p)
			}
		}
		if tt.changed == 0 {
			before = after
		}
	}
	if _, err := Change(dir, 3, 0, 1); err == nil {
		t.Errorf("Change of a comune outside the catalog: no error")
	}
}
