package synth

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/config"
	l190read "github.com/provincia-como/opendata/pipeline/ingest/l190"
	l190check "github.com/provincia-como/opendata/pipeline/validate/l190"
)

// readContracts reads and checks every l190 dataset of the catalog in dir
// as the pipeline does, and returns the lotti tables by dataset id with
// the issues of each file.
func readContracts(t *testing.T, dir string) (*catalog.Catalog, map[string]*l190read.Tables, map[string][]catalog.Issue) {
	t.Helper()
	cat, err := config.Load(os.DirFS(dir))
	if err != nil {
		t.Fatalf("the catalog does not load: %v", err)
	}
	tabs, issues := map[string]*l190read.Tables{}, map[string][]catalog.Issue{}
	for _, d := range cat.Datasets {
		if d.Schema != "l190" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(d.Source.Path)))
		if err != nil {
			t.Fatal(err)
		}
		tb, err := l190read.ReadTables(context.Background(), d.Source.Path, bytes.NewReader(data), l190read.Options{})
		if err != nil {
			t.Fatalf("%s: the reader refuses the file: %v", d.ID, err)
		}
		tabs[d.ID] = tb
		issues[d.ID] = l190check.Check(context.Background(), l190check.Options{}, l190check.Set{
			Metadata: tb.Metadata, Lotti: tb.Lotti, Partecipanti: tb.Partecipanti, Aggiudicatari: tb.Aggiudicatari})
	}
	return cat, tabs, issues
}

func TestGenerateContracts(t *testing.T) {
	tests := []ContractsSpec{
		{Comuni: 1, Years: 1, FirstYear: 2024, Lotti: 1, Seed: 1},
		{Comuni: 6, Years: 3, FirstYear: 2020, Lotti: 40, Seed: 3},
	}
	for _, s := range tests {
		dir := t.TempDir()
		if err := GenerateContracts(dir, s); err != nil {
			t.Fatal(err)
		}
		cat, tabs, issues := readContracts(t, dir)
		if got, want := len(tabs), s.Comuni*s.Years; got != want {
			t.Errorf("%+v: %d l190 datasets, want one per comune and year, %d", s, got, want)
		}
		if len(cat.Datasets) != len(tabs)+1 {
			t.Errorf("%+v: %d datasets, want the contracts and the registry", s, len(cat.Datasets))
		}
		lotti, cigs, bidders, groups, winners := 0, map[string]bool{}, 0, 0, 0
		suppliers := map[string]map[string]bool{} // fiscal code -> bodies
		for id, tb := range tabs {
			d, _ := cat.Dataset(id)
			if !d.Example || !strings.Contains(d.Title.It, "sintetici") || !strings.Contains(d.Title.En, "synthetic") {
				t.Errorf("%s is not marked as synthetic: %+v", id, d.Title)
			}
			if pub := tb.Metadata.Rows[0].Cells[tb.Metadata.ColumnOf(l190read.FieldEntePubblicatore)].Raw; !strings.Contains(pub, "SINTETIC") {
				t.Errorf("%s: publisher %q does not say it is synthetic", id, pub)
			}
			for _, is := range issues[id] {
				if is.Severity == catalog.Error {
					t.Errorf("%s: ANAC error %s at %v: %s", id, is.Rule, is.Ref, is.Message.En)
				}
			}
			lotti += len(tb.Lotti.Rows)
			cCIG, cCF := tb.Lotti.ColumnOf(l190read.FieldCIG), tb.Lotti.ColumnOf(l190read.FieldCodiceFiscaleProp)
			for _, r := range tb.Lotti.Rows {
				c := r.Cells[cCIG].Raw
				if len(c) != 10 || cigs[c] {
					t.Errorf("%s: CIG %q repeated or not of 10 characters", id, c)
				}
				cigs[c] = true
				if cf := r.Cells[cCF].Raw; len(cf) != 11 || strings.Trim(cf, "0123456789") != "" {
					t.Errorf("%s: body's fiscal code %q is not 11 digits", id, cf)
				}
			}
			p := tb.Partecipanti
			cGroup, cPCF := p.ColumnOf(l190read.FieldRaggruppamento), p.ColumnOf(l190read.FieldCodiceFiscale)
			for _, r := range p.Rows {
				bidders++
				if v, _ := r.Cells[cGroup].Value.(float64); v > 0 {
					groups++
				}
				cf := r.Cells[cPCF].Raw
				if len(cf) != 11 {
					t.Errorf("%s: bidder's fiscal code %q is not 11 digits", id, cf)
				}
				if suppliers[cf] == nil {
					suppliers[cf] = map[string]bool{}
				}
				suppliers[cf][d.Publisher] = true
			}
			winners += len(tb.Aggiudicatari.Rows)
		}
		if lotti != s.TotalLotti() {
			t.Errorf("%+v: %d lotti in the files, TotalLotti says %d", s, lotti, s.TotalLotti())
		}
		if s.Lotti < 10 {
			continue
		}
		// Shapes: more bidders than lotti, some groupings, a winner for
		// most lotti, and firms that work for several comuni.
		shared := 0
		for _, bodies := range suppliers {
			if len(bodies) > 1 {
				shared++
			}
		}
		if bidders <= lotti || groups == 0 || winners < lotti*8/10 || shared == 0 {
			t.Errorf("%+v: %d lotti, %d bidders (%d in groupings), %d winners, %d firms in several comuni", s, lotti, bidders, groups, winners, shared)
		}
	}
}

func TestGenerateContractsDeterministic(t *testing.T) {
	assertDeterministic(t, func(dir string, seed int64) error {
		return GenerateContracts(dir, ContractsSpec{Comuni: 3, Years: 2, FirstYear: 2022, Lotti: 15, Seed: seed})
	})
}

func TestAddYear(t *testing.T) {
	dir := t.TempDir()
	s := ContractsSpec{Comuni: 4, Years: 2, FirstYear: 2022, Lotti: 20, Seed: 5}
	if err := GenerateContracts(dir, s); err != nil {
		t.Fatal(err)
	}
	before := files(t, dir)
	id, err := AddYear(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	after := files(t, dir)
	var added []string
	for p, data := range after {
		old, ok := before[p]
		if !ok {
			added = append(added, p)
		} else if !bytes.Equal(old, data) {
			t.Errorf("AddYear rewrote %s", p)
		}
	}
	if len(added) != 2 || id != "s101003-contratti-2024" {
		t.Errorf("AddYear(2) = %s, added %v; want s101003-contratti-2024, its catalog entry and its file", id, added)
	}
	_, tabs, issues := readContracts(t, dir)
	if tabs[id] == nil {
		t.Fatalf("the new year %s is not in the catalog", id)
	}
	for _, is := range issues[id] {
		if is.Severity == catalog.Error {
			t.Errorf("%s: ANAC error %s at %v: %s", id, is.Rule, is.Ref, is.Message.En)
		}
	}
	// Its CIGs are new.
	old := map[string]bool{}
	for k, tb := range tabs {
		if k == id {
			continue
		}
		for _, r := range tb.Lotti.Rows {
			old[r.Cells[tb.Lotti.ColumnOf(l190read.FieldCIG)].Raw] = true
		}
	}
	for _, r := range tabs[id].Lotti.Rows {
		if c := r.Cells[tabs[id].Lotti.ColumnOf(l190read.FieldCIG)].Raw; old[c] {
			t.Errorf("the new year repeats CIG %s", c)
		}
	}
	if again, err := AddYear(dir, 2); err != nil || again != id || !bytes.Equal(files(t, dir)[filepath.ToSlash(filepath.Join("data", "101003", "contratti-2024.xml"))], after["data/101003/contratti-2024.xml"]) {
		t.Errorf("AddYear twice: %s, %v; want the same file", again, err)
	}
	if _, err := AddYear(dir, 4); err == nil {
		t.Errorf("AddYear of a comune outside the catalog: no error")
	}
}
