package site

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// contractsBuildFiles is contractsBuildRelated as a dataset read from
// several XML files (an ANAC index): the lotti and the related tables gain
// file_xml beside riga_xml. Cantù's furniture (1234567890) comes from a
// second file, at the same line as Como's maintenance (Z0A1B2C3D4) in the
// first: only the file tells their parties apart.
func contractsBuildFiles() *catalog.Build {
	b := contractsBuildRelated()
	d := &b.Datasets[len(b.Datasets)-1]
	str := func(s string) catalog.Cell { return catalog.Cell{Raw: s, Value: s} }
	num := func(v float64) catalog.Cell { return catalog.Cell{Raw: "x", Value: v} }
	t := *d.Table
	fileOf := map[float64]string{12: "como-2013.xml", 30: "como-2013.xml", 50: "cantu-2013.xml", 70: "livo-2013.xml"}
	moved := func(line float64) float64 {
		if line == 50 {
			return 12
		}
		return line
	}
	t.Columns = append(slices.Clone(t.Columns), catalog.Column{Header: "file_xml", Field: "file_xml", Index: len(t.Columns) + 1})
	rows := make([]catalog.Row, len(t.Rows))
	for i, r := range t.Rows {
		line := r.Cells[14].Value.(float64)
		cells := slices.Clone(r.Cells)
		cells[14] = num(moved(line))
		rows[i] = catalog.Row{Line: r.Line, Cells: append(cells, str(fileOf[line]))}
	}
	t.Rows = rows
	var related []*catalog.Table
	for _, rt := range t.Related {
		if rt.Name == "metadata" {
			related = append(related, rt)
			continue
		}
		c := *rt
		c.Columns = append(slices.Clone(rt.Columns), catalog.Column{Header: "file_xml", Field: "file_xml"})
		c.Rows = nil
		for _, r := range rt.Rows {
			line := r.Cells[7].Value.(float64)
			cells := slices.Clone(r.Cells)
			cells[7] = num(moved(line))
			c.Rows = append(c.Rows, catalog.Row{Line: r.Line, Cells: append(cells, str(fileOf[line]))})
		}
		related = append(related, &c)
	}
	t.Related = related
	d.Table = &t
	return b
}

// TestContractParties: the parties join their lotto by XML line in a
// version read from one file, by XML file and line in one read from
// several, where the same line in two files is two lotti.
func TestContractParties(t *testing.T) {
	tests := []struct {
		name  string
		build func() *catalog.Build
		// source is the lotto's file and line as its page gives them.
		file string
	}{
		{"one file, riga_xml alone", contractsBuildRelated, ""},
		{"several files, file_xml and riga_xml", contractsBuildFiles, "cantu-2013.xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := newModel(tt.build())
			if err != nil {
				t.Fatal(err)
			}
			c, err := m.contracts()
			if err != nil {
				t.Fatal(err)
			}
			by := map[string]*lotto{}
			for _, l := range c.lotti {
				by[l.ID] = l
			}
			names := func(ps []winner) string {
				var out []string
				for _, p := range ps {
					out = append(out, p.Name)
				}
				return strings.Join(out, "; ")
			}
			want := map[string][2]string{ // id: winners, bidders
				"z0a1b2c3d4":        {"ALFA SRL; BETA SPA", "ALFA SRL; BETA SPA"},
				"1234567890":        {"ALFA S.R.L.", "ALFA S.R.L."},
				"contratti-2013-30": {"DELTA COOP; EPSILON SRL", "DELTA COOP; EPSILON SRL; GAMMA SNC; ROSSI MARIO DITTA INDIVIDUALE"},
				"7777777777":        {"", ""},
			}
			if tt.file != "" {
				// A lotto without CIG is named by its file too.
				want["contratti-2013-como-2013-30"] = want["contratti-2013-30"]
				delete(want, "contratti-2013-30")
			}
			for id, w := range want {
				l := by[id]
				if l == nil {
					t.Errorf("no lotto %s among %v", id, slices.Collect(maps.Keys(by)))
					continue
				}
				if got := names(l.Winners); got != w[0] {
					t.Errorf("%s: winners %q, want %q", id, got, w[0])
				}
				if got := names(l.Bids); got != w[1] {
					t.Errorf("%s: bidders %q, want %q", id, got, w[1])
				}
			}
			if l := by["1234567890"]; l != nil && l.XMLFile != tt.file {
				t.Errorf("1234567890: file %q, want %q", l.XMLFile, tt.file)
			}
		})
	}
}

// TestRenderContractFiles: a lotto of a dataset read from several XML
// files gives its source as file:line, one of a single file the table's
// file and the line.
func TestRenderContractFiles(t *testing.T) {
	out := t.TempDir()
	var logs strings.Builder
	if _, err := Render(context.Background(), contractsBuildFiles(), out, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatalf("Render: %v\n%s", err, logs.String())
	}
	for path, want := range map[string]string{
		"contratti/lotti/1234567890/index.html":                  "(file:riga <code>cantu-2013.xml:12</code>)",
		"en/contratti/lotti/z0a1b2c3d4/index.html":               "(file:line <code>como-2013.xml:12</code>)",
		"contratti/lotti/contratti-2013-como-2013-30/index.html": "<code>como-2013.xml:30</code>",
	} {
		if page := read(t, out, path); !strings.Contains(page, want) {
			t.Errorf("%s: missing %q", path, want)
		}
	}
	page := read(t, out, "contratti/lotti/1234567890/index.html")
	if strings.Contains(page, "BETA SPA") {
		t.Errorf("Cantù's lotto shows a party of Como's lotto at the same line of another file")
	}
}
