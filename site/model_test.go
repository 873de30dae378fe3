package site

import "testing"

// TestSameProjectInTwoDatasets: the Province's list and the comune's own
// file both report a project; the portal has one page for it, counts it
// once, and names both sources.
func TestSameProjectInTwoDatasets(t *testing.T) {
	b := fixture()
	proj := b.Datasets[1]
	again := proj
	again.Dataset.ID = "progetti-copia"
	b.Datasets = append(b.Datasets, again)
	m, err := newModel(b)
	if err != nil {
		t.Fatal(err)
	}
	rows := len(proj.Table.Rows)
	if len(m.projects) != rows {
		t.Fatalf("%d projects from two datasets of the same %d projects", len(m.projects), rows)
	}
	for _, p := range m.projects {
		if len(p.Also) != 1 || p.Also[0].Dataset.Dataset.ID != "progetti-copia" {
			t.Errorf("%s: other sources %v", p.Slug, p.Also)
		}
	}
	// Rows without CUP or code stay apart: nothing says they are the same.
	if (project{rec: map[string]any{}}).identity() != "" {
		t.Error("a row with neither CUP nor code has an identity")
	}
}
