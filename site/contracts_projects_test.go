package site

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/schemas"
)

// contractsBuildProjects is contractsBuild whose projects dataset carries
// a CIG column: the library's project names a CIG one lotto has
// (Z0A1B2C3D4, Como's maintenance, written in lower case) and one no lotto
// has (9999999999); the other project names none.
func contractsBuildProjects() *catalog.Build {
	b := contractsBuild()
	for i := range b.Datasets {
		d := &b.Datasets[i]
		if d.Dataset.ID != "progetti-como" {
			continue
		}
		t := *d.Table
		t.Columns = append(slices.Clone(t.Columns), catalog.Column{Header: "CIG", Field: "cig", Index: len(t.Columns) + 1})
		cigs := []catalog.Cell{{Raw: "z0a1b2c3d4; 9999999999", Value: "z0a1b2c3d4; 9999999999"}, {}}
		t.Rows = slices.Clone(t.Rows)
		for r := range t.Rows {
			t.Rows[r].Cells = append(slices.Clone(t.Rows[r].Cells), cigs[r])
		}
		d.Table = &t
	}
	return b
}

// TestContractProjects: a lotto whose CIG a project names links to the
// project; the project lists its contracts, the CIG no lotto has as text.
func TestContractProjects(t *testing.T) {
	out := renderContracts(t, contractsBuildProjects())
	nb := "\u00a0"
	tests := []pageCheck{
		{"contratti/lotti/z0a1b2c3d4/index.html", []string{`<dt>Progetto</dt><dd><a href="/progetti/m5c2i2-1-2022-001/">Riqualificazione della biblioteca comunale</a></dd>`}, nil},
		{"en/contratti/lotti/z0a1b2c3d4/index.html", []string{`<dt>Project</dt><dd><a href="/en/progetti/m5c2i2-1-2022-001/">`}, nil},
		{"contratti/lotti/1234567890/index.html", nil, []string{"<dt>Progetto</dt>"}},
		{"progetti/m5c2i2-1-2022-001/index.html", []string{`<h2 id="pcon-h">Contratti</h2>`,
			`<tr><th scope="row"><a href="/contratti/lotti/z0a1b2c3d4/"><code>Z0A1B2C3D4</code></a></th><td>Manutenzione del verde</td><td>ALFA SRL; BETA SPA</td><td class="num">1.000,00` + nb + `€</td></tr>`,
			`<tr><th scope="row"><code>9999999999</code></th><td colspan="3">nessun contratto con questo CIG tra quelli pubblicati nel portale</td></tr>`}, nil},
		{"en/progetti/m5c2i2-1-2022-001/index.html", []string{`<h2 id="pcon-h">Contracts</h2>`, "no contract with this CIG among those the portal publishes"}, nil},
		{"progetti/m1c1i1-4-2023-017/index.html", nil, []string{`id="pcon-h"`}},
	}
	checkPages(t, out, tests)
	if page := read(t, out, "progetti/m5c2i2-1-2022-001/index.html"); strings.Contains(page, `href="/contratti/lotti/9999999999/"`) {
		t.Errorf("the CIG no lotto has links to a page that does not exist")
	}
}

// TestCIGs: a cell's CIGs, separated as the schema allows, each once, upper
// case; what is not a CIG left out. The schema's pattern accepts the same
// cells and refuses the others.
func TestCIGs(t *testing.T) {
	data, err := fs.ReadFile(schemas.FS, "progetti.json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties map[string]struct {
			Type, Pattern string
		}
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	f, ok := s.Properties["cig"]
	if !ok || f.Type != "string" {
		t.Fatalf("progetti.json has no string field cig: %+v", f)
	}
	pattern := regexp.MustCompile(f.Pattern)
	tests := []struct {
		cell string
		want []string
		ok   bool // the schema's pattern accepts the cell
	}{
		{"Z0A1B2C3D4", []string{"Z0A1B2C3D4"}, true},
		{"z0a1b2c3d4;1234567890", []string{"Z0A1B2C3D4", "1234567890"}, true},
		{"Z0A1B2C3D4, 1234567890 ,5518385B5A", []string{"Z0A1B2C3D4", "1234567890", "5518385B5A"}, true},
		{"Z0A1B2C3D4 1234567890\n5518385B5A;", []string{"Z0A1B2C3D4", "1234567890", "5518385B5A"}, true},
		{"Z0A1B2C3D4; Z0A1B2C3D4", []string{"Z0A1B2C3D4"}, true},
		{"Z0A1B2C3D", nil, false},
		{"Z0A1B2C3D4X", nil, false},
		{"CIG Z0A1B2C3D4", []string{"Z0A1B2C3D4"}, false},
		{"Z0A1B2C3-4", nil, false},
	}
	for _, tt := range tests {
		if got := cigsIn(tt.cell); !slices.Equal(got, tt.want) {
			t.Errorf("cigsIn(%q) = %q, want %q", tt.cell, got, tt.want)
		}
		if got := pattern.MatchString(tt.cell); got != tt.ok {
			t.Errorf("the schema's pattern on %q: %v, want %v", tt.cell, got, tt.ok)
		}
	}
}
