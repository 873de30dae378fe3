package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

func table(file string, rows ...[]any) *catalog.Table {
	t := &catalog.Table{File: file, Columns: []catalog.Column{
		{Header: "Codice", Field: "codice", Index: 1},
		{Header: "Importo", Field: "importo", Index: 2},
	}}
	for i, r := range rows {
		row := catalog.Row{Line: i + 2}
		for _, v := range r {
			row.Cells = append(row.Cells, catalog.Cell{Value: v})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func prov(sum string, day int) catalog.Provenance {
	return catalog.Provenance{Source: "data/x.csv", Checksum: sum, Fetched: time.Date(2026, 11, day, 3, 0, 0, 0, time.UTC)}
}

func TestVersionIDIgnoresFormattingAndColumnOrder(t *testing.T) {
	a := table("a.csv", []any{"013075", 1200.5}, []any{"013047", nil})
	b := &catalog.Table{File: "b.xlsx", Sheet: "Foglio1", HeaderRow: 3, Columns: []catalog.Column{
		{Header: "IMPORTO", Field: "importo", Index: 1},
		{Header: "note", Field: "", Index: 2},
		{Header: "CODICE", Field: "codice", Index: 3},
	}, Rows: []catalog.Row{
		{Line: 4, Cells: []catalog.Cell{{Raw: "1.200,50", Value: 1200.5}, {Raw: "x", Value: "x"}, {Raw: "013075", Value: "013075"}}},
		{Line: 5, Cells: []catalog.Cell{{Raw: "N/D"}, {}, {Raw: "013047", Value: "013047"}}},
	}}
	if VersionID(a) != VersionID(b) {
		t.Errorf("same content, different versions: %s %s", VersionID(a), VersionID(b))
	}
	cases := map[string]*catalog.Table{
		"value changed":     table("a.csv", []any{"013075", 1200.51}, []any{"013047", nil}),
		"leading zero lost": table("a.csv", []any{"13075", 1200.5}, []any{"013047", nil}),
		"missing vs empty":  table("a.csv", []any{"013075", 1200.5}, []any{"013047", ""}),
		"row order":         table("a.csv", []any{"013047", nil}, []any{"013075", 1200.5}),
	}
	for name, c := range cases {
		if VersionID(c) == VersionID(a) {
			t.Errorf("%s: version did not change", name)
		}
	}
	if len(VersionID(a)) != 12 {
		t.Errorf("version id %q is not 12 hex digits", VersionID(a))
	}
}

func TestRefusedFileKeepsLastGoodVersion(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	good := table("p.csv", []any{"A", 1.0})
	v1, isNew, err := s.Accept(ctx, "p", good, prov("aaa", 1), nil)
	if err != nil || !isNew {
		t.Fatalf("accept: %v new=%v", err, isNew)
	}
	bad := []catalog.Issue{{Ref: catalog.Ref{File: "p.csv", Row: 3, Col: 2}, Rule: "type", Message: catalog.Text{It: "serve un numero", En: "a number is needed"}}}
	if err := s.Refuse(ctx, "p", prov("bbb", 2), bad); err != nil {
		t.Fatal(err)
	}
	r, err := s.Load("p")
	if err != nil {
		t.Fatal(err)
	}
	if r.Current != v1.ID || r.Status() != catalog.Refused || len(r.History) != 1 {
		t.Fatalf("after refusal: current=%s status=%s history=%d", r.Current, r.Status(), len(r.History))
	}
	if got := r.Latest.Reason.It; got != "p.csv:3:2: serve un numero" {
		t.Errorf("reason = %q", got)
	}
	back, err := s.Table("p", r.Current)
	if err != nil || VersionID(back) != v1.ID {
		t.Fatalf("stored table: %v", err)
	}

	// The same content again is the same version, not a new one.
	v, isNew, err := s.Accept(ctx, "p", good, prov("ccc", 3), nil)
	if err != nil || isNew || v.ID != v1.ID {
		t.Fatalf("re-accept: %v new=%v id=%s", err, isNew, v.ID)
	}
	v2, isNew, err := s.Accept(ctx, "p", table("p.csv", []any{"A", 2.0}), prov("ddd", 4), nil)
	if err != nil || !isNew {
		t.Fatal(err)
	}
	r, _ = s.Load("p")
	if r.Current != v2.ID || len(r.History) != 2 || r.History[0].ID != v2.ID || r.Status() != catalog.Accepted {
		t.Fatalf("history %+v current %s", r.History, r.Current)
	}
	if err := s.Stale(ctx, "p", time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC), catalog.Text{It: "server irraggiungibile"}); err != nil {
		t.Fatal(err)
	}
	r, _ = s.Load("p")
	if r.Status() != catalog.Stale || r.Current != v2.ID || !r.LastGoodFetch.Equal(prov("", 4).Fetched) {
		t.Fatalf("stale: status %s current %s last good %s", r.Status(), r.Current, r.LastGoodFetch)
	}
	if err := s.Unchanged(ctx, "p", prov("ddd", 6)); err != nil {
		t.Fatal(err)
	}
	r, _ = s.Load("p")
	if r.Status() != catalog.Accepted {
		t.Errorf("source back with the same file: status %s", r.Status())
	}
}

func TestDamagedStateIsAnErrorNotAReset(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	if err := os.MkdirAll(filepath.Join(dir, "p"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p", "state.json"), []byte(`{"current": "abc", "hist`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("p"); err == nil {
		t.Fatal("a damaged state file was read as empty: the history would be lost")
	}
}

func TestCancelledContextWritesNothing(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := s.Accept(ctx, "p", table("p.csv", []any{"A", 1.0}), prov("a", 1), nil); err == nil {
		t.Fatal("accept with a cancelled context succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "p")); !os.IsNotExist(err) {
		t.Fatalf("something was written: %v", err)
	}
}

func TestUnchangedSourceWritesOneFileForAll(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := Open(dir)
	for _, id := range []string{"a", "b"} {
		if _, _, err := s.Accept(ctx, id, table(id+".csv", []any{"A", 1.0}), prov("sum-"+id, 1), nil); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := os.Stat(filepath.Join(dir, "a", "state.json"))
	for _, id := range []string{"a", "b"} {
		if err := s.Unchanged(ctx, id, prov("sum-"+id, 9)); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := os.Stat(filepath.Join(dir, "a", "state.json"))
	if !after.ModTime().Equal(before.ModTime()) {
		t.Error("an unchanged source rewrote its dataset's state file")
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	again, _ := Open(dir)
	r, err := again.Load("b")
	if err != nil {
		t.Fatal(err)
	}
	if !r.LastGoodFetch.Equal(prov("", 9).Fetched) {
		t.Errorf("last good fetch %s, want the confirmation of day 9", r.LastGoodFetch)
	}
}
