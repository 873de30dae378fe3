package site

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// largeFixture grows the fixture to the size of the Province of Como: 147
// comuni in the registry, each publishing a projects file of 4 projects.
func largeFixture() *catalog.Build {
	b := fixture()
	reg := b.Datasets[0].Table
	proj := b.Datasets[1]
	for i := len(reg.Rows); i < 147; i++ {
		code := fmt.Sprintf("013%03d", 200+i)
		reg.Rows = append(reg.Rows, catalog.Row{Line: i + 2, Cells: []catalog.Cell{
			{Raw: code, Value: code}, {Raw: "Comune " + code, Value: "Comune numero " + code}, {Raw: "CO", Value: "CO"},
			{Raw: "1000", Value: float64(1000 + i)}, {Raw: "10", Value: 10.5}}})
	}
	for i, row := range reg.Rows {
		code := row.Cells[0].Value.(string)
		d := proj
		d.Dataset.ID = "progetti-" + code
		d.Dataset.Publisher = code
		d.Dataset.Title = catalog.Text{It: "Progetti finanziati del comune " + code, En: "Funded projects of " + code}
		d.Dataset.Description = catalog.Text{It: strings.Repeat("Progetti PNRR del comune e relativi finanziamenti. ", 3)}
		t := *proj.Table
		t.Rows = nil
		for j := range 4 {
			src := proj.Table.Rows[j%2]
			cells := append([]catalog.Cell(nil), src.Cells...)
			pc := fmt.Sprintf("P-%s-%d", code, j)
			cells[0] = catalog.Cell{Raw: pc, Value: pc}
			cup := fmt.Sprintf("Y%s%08d", code, j) // one CUP per project
			cells[1] = catalog.Cell{Raw: cup, Value: cup}
			cells[8] = catalog.Cell{Raw: code, Value: code}
			t.Rows = append(t.Rows, catalog.Row{Line: j + 2, Cells: cells})
		}
		d.Table = &t
		d.Downloads = nil
		if i%10 == 0 {
			d.Status = catalog.Refused
			d.Latest = b.Datasets[2].Latest
		}
		b.Datasets = append(b.Datasets, d)
	}
	return b
}

func TestRenderLargePageWeight(t *testing.T) {
	if testing.Short() {
		t.Skip("renders about 1,800 pages")
	}
	out := t.TempDir()
	st, err := Render(context.Background(), largeFixture(), out, nil)
	if err != nil {
		t.Fatal(err)
	}
	largest, name := 0, ""
	for _, p := range files(t, out, ".html") {
		size := len(read(t, out, p))
		for _, ref := range refs(t, out, p) {
			if strings.HasSuffix(ref, ".css") || strings.HasSuffix(ref, ".js") {
				info, err := os.Stat(filepath.Join(out, filepath.FromSlash(ref)))
				if err != nil {
					t.Fatal(err)
				}
				size += int(info.Size())
			}
		}
		if size > maxPage {
			t.Errorf("%s weighs %d bytes with its CSS and JS, over %d", p, size, maxPage)
		}
		if size > largest {
			largest, name = size, p
		}
	}
	t.Logf("%d pages, %d files; largest page: %s, %d bytes", st.Pages, st.Files, name, largest)
}

func BenchmarkRenderLarge(b *testing.B) {
	build := largeFixture()
	for b.Loop() {
		if _, err := Render(context.Background(), build, b.TempDir(), nil); err != nil {
			b.Fatal(err)
		}
	}
}
