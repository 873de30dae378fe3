package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// A version's related tables are saved with it, come back on reload, count
// in its ID, and are absent from versions stored before they existed.
func TestRelatedTablesRoundTrip(t *testing.T) {
	ctx := context.Background()
	withRelated := func(name string) *catalog.Table {
		main := table("l190.xml", []any{"013075", 1200.5})
		rel := table("l190.xml", []any{"Z0A0B0C0D0", 2.0})
		rel.Name = name
		rel.Columns[1].Type = catalog.TypeNumber
		main.Related = []*catalog.Table{rel}
		return main
	}
	a, b := withRelated("partecipanti"), withRelated("aggiudicatari")
	plain := table("l190.xml", []any{"013075", 1200.5})
	ids := map[string]string{"partecipanti": VersionID(a), "aggiudicatari": VersionID(b), "none": VersionID(plain)}
	for x, ix := range ids {
		for y, iy := range ids {
			if x != y && ix == iy {
				t.Errorf("%s and %s have the same version %s", x, y, ix)
			}
		}
	}
	// A table without related tables keeps the ID it had before they
	// existed (the main table's hash alone).
	if got := VersionID(&catalog.Table{Columns: plain.Columns, Rows: plain.Rows}); got != ids["none"] {
		t.Errorf("plain ID changed: %s %s", got, ids["none"])
	}

	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := s.Accept(ctx, "contratti", a, prov("aaa", 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := Open(dir) // a new process reading the same folder
	if rec, err := s2.Load("contratti"); err != nil || len(rec.History) != 1 || !slices.Equal(rec.History[0].Related, []string{"partecipanti"}) {
		t.Errorf("the version does not name its related tables: %v %+v", err, rec)
	}
	got, err := s2.Table("contratti", v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Related) != 1 || got.Related[0].Name != "partecipanti" || len(got.Related[0].Rows) != 1 {
		t.Fatalf("related tables after reload: %+v", got.Related)
	}
	r := got.Related[0]
	if r.Rows[0].Cells[0].Value != "Z0A0B0C0D0" || r.Rows[0].Cells[1].Value != 2.0 || r.Columns[1].Type != catalog.TypeNumber {
		t.Errorf("related table changed on reload: %+v", r)
	}
	if VersionID(got) != v.ID {
		t.Errorf("reloaded table hashes to %s, stored as %s", VersionID(got), v.ID)
	}
	p, err := s2.Preview("contratti", v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Related) != 1 || len(p.Related[0].Columns) != 2 {
		t.Errorf("preview lost the related tables' columns: %+v", p.Related)
	}

	// A version stored before related tables: none.
	old := `{"File":"x.csv","Sheet":"","HeaderRow":1,"Columns":[{"Header":"Codice","Field":"codice","Index":1}],"Rows":[{"Line":2,"Cells":[{"value":"013075"}]}]}`
	if err := os.WriteFile(filepath.Join(dir, "contratti", "versions", "old.json"), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	ot, err := s2.Table("contratti", "old")
	if err != nil {
		t.Fatal(err)
	}
	if ot.Related != nil || ot.Name != "" || len(ot.Rows) != 1 {
		t.Errorf("old version read as %+v", ot)
	}
}
