package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provincia-como/opendata/datasets"
	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/export/ocds"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ocdsSchema compiles the OCDS 1.1 release package schema kept beside the
// OCDS writer (pipeline/export/ocds/testdata, from ../shared/reference/ocds).
func ocdsSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	var pkgID string
	for _, name := range []string{"release-schema.json", "release-package-schema.json"} {
		b, err := os.ReadFile(filepath.Join("export", "ocds", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pkgID = doc.(map[string]any)["id"].(string)
		if err := c.AddResource(pkgID, doc); err != nil {
			t.Fatal(err)
		}
	}
	if pkgID != ocds.PackageSchema {
		t.Errorf("the package schema is %s, DCAT says %s", pkgID, ocds.PackageSchema)
	}
	s, err := c.Compile(pkgID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The demo's contracts dataset publishes its bidders and winners and one
// OCDS package per contracting body, valid against the OCDS schema, with
// the ocids of the portal's prefix.
func TestDemoContractsDownloads(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	res, err := Run(context.Background(), Config{Catalog: datasets.FS, OutDir: out, StateDir: filepath.Join(dir, "state")}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	var st *catalog.DatasetState
	for i := range res.Build.Datasets {
		if res.Build.Datasets[i].Dataset.ID == "contratti-comuni-como-2013" {
			st = &res.Build.Datasets[i]
		}
	}
	if st == nil || st.Current == nil {
		t.Fatal("the demo's contracts dataset is not published")
	}
	have := map[string]catalog.Download{}
	var pkgs []catalog.Download
	for _, d := range st.Downloads {
		have[d.Path] = d
		if d.Format == "ocds" {
			pkgs = append(pkgs, d)
		}
	}
	for _, name := range []string{"partecipanti", "aggiudicatari"} {
		p := "datasets/contratti-comuni-como-2013/contratti-comuni-como-2013-" + name + ".csv"
		if d, ok := have[p]; !ok || d.Table != name || d.Format != "csv" {
			t.Errorf("no download %s: %+v", p, d)
		}
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(p))); err != nil {
			t.Error(err)
		}
	}
	// 15 comuni of Como in the AVCP export: one package each.
	if len(pkgs) < 2 {
		t.Fatalf("%d OCDS packages", len(pkgs))
	}
	s := ocdsSchema(t)
	prefix := res.Build.Portal.OCIDPrefix() + "-"
	for _, d := range pkgs {
		if d.MediaType != ocds.MediaType || !strings.HasPrefix(d.Path, "datasets/contratti-comuni-como-2013/ocds/ocds-") {
			t.Errorf("package download %+v", d)
		}
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(d.Path)))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", d.Path, err)
		}
		if err := s.Validate(doc); err != nil {
			t.Errorf("%s is not a valid OCDS release package: %v", d.Path, err)
		}
		var pkg struct {
			URI      string `json:"uri"`
			Releases []struct {
				OCID    string `json:"ocid"`
				Parties []struct {
					Roles []string `json:"roles"`
				} `json:"parties"`
			} `json:"releases"`
		}
		if err := json.Unmarshal(b, &pkg); err != nil {
			t.Fatal(err)
		}
		if pkg.URI != res.Build.Portal.BaseURL+d.Path {
			t.Errorf("%s: uri %s", d.Path, pkg.URI)
		}
		for _, r := range pkg.Releases {
			if !strings.HasPrefix(r.OCID, prefix) {
				t.Errorf("%s: ocid %s without the prefix %s", d.Path, r.OCID, prefix)
			}
		}
	}
}

// The stored tables give the OCDS builder its bidders and winners, joined
// to their lotto by the lotto's XML line.
func TestOCDSFileJoinsParties(t *testing.T) {
	_, tab, err := judge(context.Background(), l190Schema(t), nil, nil, "contratti.xml", []byte(l190Groups), "")
	if err != nil || tab == nil {
		t.Fatalf("judge: %v", err)
	}
	files, ok := ocdsFiles(tab)
	if !ok || len(files) != 1 {
		t.Fatalf("OCDS tables: %v, %d files", ok, len(files))
	}
	pkgs, err := ocds.Build(files, ocds.Options{Prefix: "ocds-p_co", Published: time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)})
	if err != nil || len(pkgs) != 1 {
		t.Fatalf("%d packages, %v", len(pkgs), err)
	}
	s := ocdsSchema(t)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(pkgs[0].JSON))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("not a valid OCDS release package: %v", err)
	}
	js := string(pkgs[0].JSON)
	for _, want := range []string{`"ocid":"ocds-p_co-Z1234567AB"`, `"tenderer"`, `"supplier"`, `BETA SPA`, `GAMMA SNC`} {
		if !strings.Contains(js, want) {
			t.Errorf("package lacks %s:\n%s", want, js)
		}
	}
	// A version stored before related tables makes no package.
	if _, ok := ocdsFiles(&catalog.Table{Columns: tab.Columns, Rows: tab.Rows}); ok {
		t.Error("a table without related tables gave OCDS tables")
	}
}

// A package of a body no longer in the file is removed; the others are
// written again with the same bytes.
func TestWriteOCDSPrunes(t *testing.T) {
	_, tab, err := judge(context.Background(), l190Schema(t), nil, nil, "contratti.xml", []byte(l190Groups), "")
	if err != nil || tab == nil {
		t.Fatalf("judge: %v", err)
	}
	out := t.TempDir()
	v := catalog.Version{ID: "aaaaaaaaaaaa", Accepted: time.Date(2025, 1, 31, 9, 0, 0, 0, time.UTC)}
	st := &catalog.DatasetState{Dataset: catalog.Dataset{ID: "contratti", Schema: L190Schema}, Current: &v, Table: tab}
	portal := catalog.Portal{BaseURL: "https://dati.example.it/", Publisher: catalog.Publisher{IPA: "P_CO"}}
	stale := filepath.Join(out, "datasets", "contratti", "ocds", "ocds-00000000000-2012.json")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := writeOCDS(context.Background(), out, portal, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 1 || d[0].Format != "ocds" {
		t.Fatalf("downloads %+v", d)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("the stale package is still there")
	}
	b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(d[0].Path)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"ocid":"ocds-p_co-Z1234567AB"`) || !strings.Contains(string(b), `"uri":"https://dati.example.it/datasets/contratti/ocds/`) {
		t.Errorf("package:\n%s", b)
	}
}
