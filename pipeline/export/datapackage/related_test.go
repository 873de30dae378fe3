package datapackage_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/provincia-como/opendata/pipeline/export/datapackage"
)

// The demo's contracts package has the bidders and winners as resources,
// each with a Table Schema of its own columns.
func TestDemoContractsHaveRelatedResources(t *testing.T) {
	b, out := demo(t)
	if _, err := datapackage.Write(context.Background(), out, b); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(out, "datasets", "contratti-comuni-como-2013", datapackage.FileName))
	if err != nil {
		t.Fatal(err)
	}
	var pkg datapackage.Package
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	res := map[string]datapackage.Resource{}
	for _, r := range pkg.Resources {
		res[r.Name] = r
	}
	for _, name := range []string{"partecipanti", "aggiudicatari"} {
		for _, suffix := range []string{"", "-json", "-xlsx"} {
			r, ok := res["contratti-comuni-como-2013-"+name+suffix]
			if !ok {
				t.Errorf("no resource %s%s", name, suffix)
				continue
			}
			types := map[string]string{}
			for _, f := range r.Schema.Fields {
				types[f.Name] = f.Type
			}
			if types["riga_xml"] != "integer" || types["codice_fiscale"] != "string" || types["cig"] != "string" {
				t.Errorf("%s%s field types %v", name, suffix, types)
			}
		}
	}
	if _, ok := res["contratti-comuni-como-2013-metadata"]; ok {
		t.Error("the metadata table is a resource")
	}
}
