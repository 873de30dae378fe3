package dcat_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/export/dcat"
	"github.com/provincia-como/opendata/pipeline/export/dcat/rdf"
	"github.com/provincia-como/opendata/pipeline/export/ocds"
)

// The demo's contracts dataset lists its bidders and winners as
// distributions of their own, each with its download address.
func TestDemoRelatedDistributions(t *testing.T) {
	b, out := demo(t)
	if _, err := dcat.Write(context.Background(), out, b); err != nil {
		t.Fatal(err)
	}
	g := parse(t, filepath.Join(out, dcat.FileRDF))
	page := dcat.DatasetIRI(b.Portal.BaseURL, "contratti-comuni-como-2013")
	dists := map[string]bool{}
	for _, d := range g.Objects(rdf.NewIRI(page), dcat.DCAT+"distribution") {
		dists[d.Value] = true
	}
	for _, name := range []string{"partecipanti", "aggiudicatari"} {
		for _, ext := range []string{"csv", "json", "xlsx"} {
			iri := page + "#" + name + "-" + ext
			if !dists[iri] {
				t.Errorf("no distribution %s", iri)
				continue
			}
			urls := g.Objects(rdf.NewIRI(iri), dcat.DCAT+"downloadURL")
			want := b.Portal.BaseURL + "datasets/contratti-comuni-como-2013/contratti-comuni-como-2013-" + name + "." + ext
			if len(urls) != 1 || urls[0].Value != want {
				t.Errorf("%s downloadURL %v, want %s", iri, urls, want)
			}
		}
	}
	// Each OCDS package is a JSON distribution that conforms to the OCDS
	// release package schema.
	var pkgs int
	for iri := range dists {
		if !strings.Contains(iri, "#ocds-") {
			continue
		}
		pkgs++
		d := rdf.NewIRI(iri)
		std := g.Objects(d, dcat.DCT+"conformsTo")
		if len(std) != 1 || std[0].Value != ocds.PackageSchema {
			t.Errorf("%s conformsTo %v", iri, std)
		}
		media := g.Objects(d, dcat.DCAT+"mediaType")
		if len(media) != 1 || !strings.HasSuffix(media[0].Value, "/application/json") {
			t.Errorf("%s mediaType %v", iri, media)
		}
		urls := g.Objects(d, dcat.DCAT+"downloadURL")
		if len(urls) != 1 || !strings.HasPrefix(urls[0].Value, b.Portal.BaseURL+"datasets/contratti-comuni-como-2013/ocds/ocds-") {
			t.Errorf("%s downloadURL %v", iri, urls)
		}
	}
	if pkgs == 0 {
		t.Error("no OCDS distribution")
	}
}
