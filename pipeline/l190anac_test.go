package pipeline

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/datasets"
	"github.com/provincia-como/opendata/pipeline/catalog"
	l190read "github.com/provincia-como/opendata/pipeline/ingest/l190"
)

// xmllintANAC checks a written file against ANAC's v1.3 XSD; skipped
// without xmllint unless OPENDATA_REQUIRE_XMLLINT=1 (CI).
func xmllintANAC(t *testing.T, xsd, file string) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("OPENDATA_REQUIRE_XMLLINT") == "1" {
			t.Fatal("xmllint is missing and OPENDATA_REQUIRE_XMLLINT=1: install libxml2-utils (scripts/setup.sh does)")
		}
		t.Skip("xmllint is missing")
	}
	schema := filepath.Join("..", "..", "shared", "reference", "anac-l190", "v1.3", xsd)
	if _, err := os.Stat(schema); err != nil {
		t.Skipf("ANAC's XSD is absent: %v", err)
	}
	if out, err := exec.Command(bin, "--noout", "--schema", schema, file).CombinedOutput(); err != nil {
		t.Fatalf("xmllint refuses %s: %v\n%.2000s", file, err, out)
	}
}

// The demo's contracts dataset gets ANAC's files at stable addresses: the
// year's dataset file and the index listing it with the portal's absolute
// URL, both valid against ANAC's v1.3 XSD, both listed as downloads; a
// year no longer in the data leaves no file behind.
func TestL190ANACFiles(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	id := "contratti-comuni-como-2013"
	stale := filepath.Join(out, "datasets", id, "anac", "2012.xml")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("<old/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Config{Catalog: datasets.FS, OutDir: out, StateDir: filepath.Join(dir, "state")}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	var st *catalog.DatasetState
	for i := range res.Build.Datasets {
		if res.Build.Datasets[i].Dataset.ID == id {
			st = &res.Build.Datasets[i]
		}
	}
	if st == nil || st.Current == nil {
		t.Fatal("the demo's contracts dataset is not published")
	}
	got := map[string]catalog.Download{}
	for _, d := range st.Downloads {
		if d.Format == ANACFormat {
			got[d.Path] = d
		}
	}
	dataset, index := ANACDir(id)+"/2013.xml", ANACDir(id)+"/indice.xml"
	if len(got) != 2 || got[dataset].Path == "" || got[index].Path == "" {
		t.Fatalf("ANAC downloads %v, want %s and %s", got, dataset, index)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale year's file is still there: %v", err)
	}
	f, err := os.Open(filepath.Join(out, filepath.FromSlash(index)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tabs, err := l190read.ReadTables(context.Background(), "indice.xml", f, l190read.Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := strings.TrimRight(res.Build.Portal.BaseURL, "/") + "/"
	if links := tabs.File.Links; len(links) != 1 || links[0].URL.String() != base+dataset || tabs.File.Metadata.URLFile.String() != base+index {
		t.Errorf("index links %+v, url %q", links, tabs.File.Metadata.URLFile.String())
	}
	// The file holds the published lotti, all of them.
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(dataset)))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "<lotto>"); n != st.Current.Rows {
		t.Errorf("%d lotti in %s, the version has %d", n, dataset, st.Current.Rows)
	}
	xmllintANAC(t, "datasetAppaltiL190.xsd", filepath.Join(out, filepath.FromSlash(dataset)))
	xmllintANAC(t, "datasetIndiceAppaltiL190.xsd", filepath.Join(out, filepath.FromSlash(index)))
}
