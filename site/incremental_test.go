package site

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// TestRenderIncremental renders a portal, changes the build, renders again
// into the same folder, and checks that only the changed pages were
// rendered and that the folder is then the same as a fresh render.
func TestRenderIncremental(t *testing.T) {
	if testing.Short() {
		t.Skip("renders the large fixture four times")
	}
	tests := []struct {
		name   string
		change func(b *catalog.Build)
		// most is the largest number of pages the second render may redo.
		most int
		gone []string
		// all says every page must be rendered again.
		all bool
	}{
		{"nothing changed", func(b *catalog.Build) {}, 0, nil, false},
		{"one dataset changed", func(b *catalog.Build) {
			d := &b.Datasets[5]
			v := *d.Current
			v.ID, v.Rows = "feedfacefeedfacefeed", v.Rows+1
			d.Current, d.History = &v, append([]catalog.Version{v}, d.History...)
		}, 16, nil, false},
		{"portal renamed", func(b *catalog.Build) {
			b.Portal.Publisher.Name.It = "Provincia di Lecco"
		}, 1 << 20, nil, true},
		{"one dataset removed", func(b *catalog.Build) {
			b.Datasets = slices.Delete(b.Datasets, 7, 8)
		}, 60, []string{"datasets/progetti-013203/index.html", "en/datasets/progetti-013203/index.html", "progetti/p-013203-0/index.html"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			first, err := Render(context.Background(), largeFixture(), out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if first.Rendered != first.Pages {
				t.Errorf("first render: %d of %d pages rendered, want all", first.Rendered, first.Pages)
			}
			b := largeFixture()
			tt.change(b)
			second, err := Render(context.Background(), b, out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if second.Rendered > tt.most {
				t.Errorf("second render redid %d pages, want at most %d", second.Rendered, tt.most)
			}
			if tt.most > 0 && second.Rendered == 0 {
				t.Errorf("second render redid nothing")
			}
			if tt.all && second.Rendered != second.Pages {
				t.Errorf("second render redid %d of %d pages, want all", second.Rendered, second.Pages)
			}
			for _, p := range tt.gone {
				if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(p))); err == nil {
					t.Errorf("%s is still there", p)
				}
			}
			fresh := t.TempDir()
			if _, err := Render(context.Background(), b, fresh, nil); err != nil {
				t.Fatal(err)
			}
			want, got := tree(t, fresh), tree(t, out)
			for p, data := range want {
				if got[p] != data {
					t.Errorf("%s differs from a fresh render", p)
				}
			}
			for p := range got {
				if _, ok := want[p]; !ok {
					t.Errorf("%s is not in a fresh render", p)
				}
			}
		})
	}
}

// tree reads every file of dir but the render manifest.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, ".opendata/") {
			return nil
		}
		data, err := os.ReadFile(p)
		out[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPack(t *testing.T) {
	big := strings.Repeat(`{"cig":"Z0123456789","object":"Fornitura di materiale"}`, 5000)
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"list of lotti", `{"title":"COMUNE DI COMO (pagina 2)","layout":"elenco","params":{"allW":"Tutti i contratti","lotti":"<tr><th scope=\"row\"><a href=\"/contratti/lotti/z0a1b2c3d4/\"><code>Z0A1B2C3D4</code></a></th><td>Fornitura</td></tr>"}}`},
		{"unlike the dictionary", `{"title":"Comune di Como","params":{"items":[1,2,3],"note":"àèìòù €"}}`},
		{"large", big},
	}
	for _, tt := range tests {
		packed := pack([]byte(tt.data))
		got, err := unpack(packed)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if string(got) != tt.data {
			t.Errorf("%s: unpack(pack(x)) = %.60q, want %.60q", tt.name, got, tt.data)
		}
		if tt.name == "large" && len(packed) > len(tt.data)/10 {
			t.Errorf("%s: %d bytes packed to %d", tt.name, len(tt.data), len(packed))
		}
	}
}

func TestChunks(t *testing.T) {
	mk := func(sizes ...int) []group {
		var gs []group
		for i, s := range sizes {
			gs = append(gs, group{key: fmt.Sprint(i), pages: []page{{size: s}, {size: s}}})
		}
		return gs
	}
	tests := []struct {
		name            string
		groups          []group
		pages, maxBytes int
		want            []int // groups per chunk
	}{
		{"by pages", mk(1, 1, 1, 1, 1), 4, 1000, []int{2, 2, 1}},
		{"by bytes", mk(10, 300, 10, 10, 10), 100, 500, []int{2, 3}},
		{"one large group alone", mk(1000, 1, 1), 100, 500, []int{1, 2}},
		{"none", nil, 4, 1000, nil},
	}
	for _, tt := range tests {
		var got []int
		for _, c := range chunks(tt.groups, tt.pages, tt.maxBytes) {
			got = append(got, len(c))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: chunks of %v, want %v", tt.name, got, tt.want)
		}
	}
}
