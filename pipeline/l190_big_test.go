package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// A comune's contracts file that grows to 2 GB (a broken export appending
// forever) is refused from the size cap: it is never held in memory, the
// run ends, and the last good version stays published with its downloads.
// The file is sparse, so the test costs no disk.
func TestRunL190TwoGigabytes(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "datasets", "data", "contratti-comuni-como-2013.xml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cat := filepath.Join(dir, "catalog")
	if err := os.MkdirAll(filepath.Join(cat, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"portal.yaml": portalYAML,
		"contratti.yaml": `id: contratti
title: {it: Contratti pubblici}
description: {it: Contratti dei comuni (L. 190/2012).}
publisher: "013"
theme: GOVE
frequency: ANNUAL
schema: l190
source: {path: data/contratti.xml}
keywords: [contratti]
`,
		"data/contratti.xml": string(good),
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(cat, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{Catalog: os.DirFS(cat), OutDir: filepath.Join(dir, "public"), StateDir: filepath.Join(dir, "state")}
	run := func() catalog.DatasetState {
		t.Helper()
		res, err := Run(context.Background(), cfg, Deps{})
		if err != nil {
			t.Fatal(err)
		}
		return res.Build.Datasets[0]
	}
	st := run()
	if st.Status != catalog.Accepted || st.Current == nil {
		t.Fatalf("good file: %s", st.Status)
	}
	first := st.Current.ID
	csvPath := filepath.Join(cfg.OutDir, "datasets", "contratti", "contratti.csv")
	csv, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}

	// The good file, then zeros up to 2 GB.
	f, err := os.OpenFile(filepath.Join(cat, "data", "contratti.xml"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(2 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	st = run()
	runtime.ReadMemStats(&after)
	if st.Current == nil || st.Current.ID != first || st.Status == catalog.Accepted {
		t.Fatalf("2 GB file: status %s, current %+v", st.Status, st.Current)
	}
	if st.Latest == nil || !strings.Contains(st.Latest.Reason.It, "MB") || !strings.Contains(st.Latest.Reason.En, "MB") {
		t.Errorf("the reason does not name the size limit: %+v", st.Latest)
	}
	if csv2, _ := os.ReadFile(csvPath); string(csv2) != string(csv) {
		t.Error("the published download changed")
	}
	// Refused from its size before it is read: the run costs what a run
	// with nothing to read does, far below the sources' 50 MB cap.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 40<<20 {
		t.Errorf("a run over a 2 GB file allocated %d MB", grew>>20)
	}
	t.Logf("allocated %d MB; reason: %s", (after.TotalAlloc-before.TotalAlloc)>>20, st.Latest.Reason.It)
}
