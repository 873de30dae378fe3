package site

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestFundingAddsUp: over random sets of projects, some with a total and
// no sources, some with sources and no total, some with neither, some whose
// sources exceed their total, the parts by source plus the part with no
// source, minus the excess, equal the total; and the total counts exactly
// the projects that state an amount.
func TestFundingAddsUp(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2026))
	for n := range 500 {
		var ps []*project
		known, want := 0, 0.0
		for range r.IntN(12) {
			rec := map[string]any{}
			var parts float64
			hasPart := false
			for _, s := range fundingSources {
				if r.IntN(4) == 0 {
					v := math.Round(r.Float64()*1e7) / 100
					rec[s.Field] = v
					parts += v
					hasPart = true
				}
			}
			switch r.IntN(3) {
			case 0: // a declared total, above, equal to or below the parts
				v := math.Round((parts+(r.Float64()-0.3)*1e5)*100) / 100
				rec["finanziamento_totale"] = v
				known++
				want += v
			default:
				if hasPart {
					known++
					want += parts
				}
			}
			ps = append(ps, &project{rec: rec})
		}
		s := sumFunding(ps)
		if s.Count != len(ps) || s.Known != known {
			t.Fatalf("set %d: counted %d of %d, want %d of %d", n, s.Known, s.Count, known, len(ps))
		}
		if math.Abs(s.Total-want) > 0.01 {
			t.Fatalf("set %d: total %.2f, want %.2f", n, s.Total, want)
		}
		var sum float64
		for _, v := range s.BySource {
			sum += v
		}
		if got := sum + s.Unsourced - s.Over; math.Abs(got-s.Total) > 0.01*float64(len(ps)+1) {
			t.Fatalf("set %d: sources %.2f + no source %.2f - excess %.2f = %.2f, total %.2f", n, sum, s.Unsourced, s.Over, got, s.Total)
		}
		// The table shows a row for the part with no source whenever
		// there is one beside some source.
		rows, _ := sourceRows(formatter{lang: "it"}, s)
		hasUnsourced := false
		for _, row := range rows {
			if row["unsourced"] == true {
				hasUnsourced = true
			}
		}
		if (s.Unsourced > cent && sum != 0) != hasUnsourced {
			t.Fatalf("set %d: no-source part %.2f shown %v", n, s.Unsourced, hasUnsourced)
		}
	}
}

// TestUnknownIsNotZero: a project that states no amount is "non indicato",
// and a set with none is not "0,00 €".
func TestUnknownIsNotZero(t *testing.T) {
	f := formatter{lang: "it"}
	p := project{rec: map[string]any{"titolo": "Clicc@servizi"}}
	if got := p.amountText(f); got != "non indicato" {
		t.Errorf("amount of a project with none = %q", got)
	}
	s := sumFunding([]*project{&p})
	if got := moneyOr(f, s.Total, s.Known > 0); got != "non indicato" {
		t.Errorf("total of projects with no amount = %q", got)
	}
	if got := countsLine(f, s); !strings.Contains(got, "0 progetti su 1") {
		t.Errorf("counts = %q", got)
	}
	if got := (project{rec: map[string]any{"finanziamento_totale": 0.0}}).amountText(f); got != "0,00\u00a0€" {
		t.Errorf("a stated zero = %q", got)
	}
}

// TestProvinceProjects: a project with no comune, or the Province's code,
// is the Province's, named as the portal's publisher.
func TestProvinceProjects(t *testing.T) {
	m, err := newModel(fixture())
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"", "013"} {
		if got := m.placeName(code, "it"); got != "Provincia di Como" {
			t.Errorf("placeName(%q) = %q", code, got)
		}
		if got := m.placeName(code, "en"); got != "Province of Como" {
			t.Errorf("placeName(%q, en) = %q", code, got)
		}
	}
	p := &project{rec: map[string]any{"codice_comune": "013"}}
	p.Comuni = p.comuni()
	if p.mainPlace() != "" {
		t.Errorf("main place of the Province's project = %q", p.mainPlace())
	}
}
