package export_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/provincia-como/opendata/datasets"
	"github.com/provincia-como/opendata/pipeline"
	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/export"
)

// TestOfficeReadsTheDemoDownloads builds the demo catalog and has
// LibreOffice read every published XLSX download: each must show the
// values of the CSV download beside it.
func TestOfficeReadsTheDemoDownloads(t *testing.T) {
	soffice := export.Soffice(t)
	out := t.TempDir()
	now := func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	res, err := pipeline.Run(context.Background(), pipeline.Config{Catalog: datasets.FS, OutDir: out, StateDir: t.TempDir()}, pipeline.Deps{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var workbooks [][]byte
	var types [][]catalog.FieldType
	for i := range res.Build.Datasets {
		st := &res.Build.Datasets[i]
		if st.Current == nil {
			continue
		}
		tb, err := st.Content()
		if err != nil {
			t.Fatal(err)
		}
		s := res.Build.Schemas[st.Dataset.Schema]
		fields := export.Fields(tb, s)
		typed := export.Typed(tb, s)
		ft := make([]catalog.FieldType, len(fields))
		for j, f := range fields {
			ft[j] = catalog.TypeString
			if c := typed.ColumnOf(f); c >= 0 && typed.Columns[c].Type != "" {
				ft[j] = typed.Columns[c].Type
			}
		}
		x, err := os.ReadFile(filepath.Join(out, "datasets", st.Dataset.ID, st.Dataset.ID+".xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		ids, workbooks, types = append(ids, st.Dataset.ID), append(workbooks, x), append(types, ft)
	}
	if len(ids) < 5 {
		t.Fatalf("the demo publishes only %v", ids)
	}
	for i, theirs := range export.OfficeCSV(t, soffice, workbooks...) {
		f, err := os.Open(filepath.Join(out, "datasets", ids[i], ids[i]+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		ours, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(ours) < 2 || len(ours[0]) < 3 {
			t.Errorf("%s: the CSV download is nearly empty: %q", ids[i], ours)
		}
		for _, d := range export.SameAsOurs(theirs, ours, types[i]) {
			t.Errorf("%s: %s", ids[i], d)
		}
	}
}
