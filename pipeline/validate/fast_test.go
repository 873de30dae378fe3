package validate

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// pools of values per field type, good and bad, to build rows at random.
var (
	stringPool = []any{nil, "", "P-1", "G91B21004470006", "g91b21004470006", "013075", "13075", "013999",
		"in corso", "finito", "CO", "Co", "C933", "2026-02-30", "2026-12-31", 12.5, true, bad("12,3,4")}
	numberPool = []any{nil, 0.0, -1.0, 1.0, 12.5, 100.0, 100.5, 1e21, 1250.0, "12", "x", false, bad("1.2.3")}
)

// randomValue is a good value for f, or any value of the pools when bad.
func randomValue(r *rand.Rand, f catalog.Field, bad bool) any {
	if !bad {
		switch {
		case f.Name == "quota":
			return 0.5
		case f.Type == catalog.TypeBoolean:
			return r.IntN(2) == 0
		}
		switch f.Type {
		case catalog.TypeNumber, catalog.TypeInteger:
			return float64(r.IntN(120))
		case catalog.TypeDate:
			return date("2025-06-30")
		}
		if len(f.Enum) > 0 {
			return f.Enum[r.IntN(len(f.Enum))]
		}
		switch f.Name {
		case "cup":
			return "G91B21004470006"
		case "cig":
			return "Z0A1B2C3D4; 1234567890"
		case "codice_istat", "codice_comune":
			return "013075"
		case "sigla_provincia":
			return "CO"
		case "codice_catastale":
			return "C933"
		}
		return "testo"
	}
	if f.Type == catalog.TypeNumber || f.Type == catalog.TypeInteger {
		return numberPool[r.IntN(len(numberPool))]
	}
	return stringPool[r.IntN(len(stringPool))]
}

// TestFastAgreesWithLibrary checks that skipping the library for rows the
// fast check passes changes nothing: the issues are the same with and
// without it, on rows good and bad.
func TestFastAgreesWithLibrary(t *testing.T) {
	all := loadSchemas(t)
	m, err := Compile("mini", []byte(mini))
	if err != nil {
		t.Fatal(err)
	}
	all["mini"] = m
	reg := comoRegistry(t)
	r := rand.New(rand.NewPCG(1, 2))
	for _, name := range []string{"progetti", "comuni", "mini", "tabella"} {
		s := all[name]
		fields := s.Info().Fields
		if s.Info().Open {
			fields = []catalog.Field{{Name: "a", Type: catalog.TypeString}, {Name: "b", Type: catalog.TypeString},
				{Name: "c", Type: catalog.TypeNumber}, {Name: "d", Type: catalog.TypeBoolean}}
		}
		var cols []col
		for _, f := range fields {
			cols = append(cols, col{f.Title.It, f.Name})
		}
		rows := make([][]any, 3000)
		for i := range rows {
			// Half the rows are good, so that the fast check answers often.
			mixed := i%2 == 1
			for _, f := range fields {
				rows[i] = append(rows[i], randomValue(r, f, mixed && r.IntN(3) == 0))
			}
		}
		if s.Info().Open {
			// Rows with no value, or only empty text, which free tables
			// refuse.
			for i := 0; i < len(rows); i += 50 {
				for j := range rows[i] {
					rows[i][j] = []any{nil, ""}[(i/50)%2]
				}
			}
		}
		tb := newTable(name+".xlsx", "Foglio1", cols, rows...)

		slow := *s
		slow.fast = nil
		want := Table(context.Background(), tb, &slow, reg)
		got := Table(context.Background(), tb, s, reg)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d issues with the fast check, %d without", name, len(got), len(want))
		}

		// The fast check must be used, and never pass a row the library
		// refuses.
		c := newChecker(tb, s, reg)
		if c.fast == nil {
			t.Errorf("%s: no fast check", name)
			continue
		}
		passed := 0
		for i, row := range tb.Rows {
			if !c.fast.valid(row.Cells) {
				continue
			}
			passed++
			if err := s.sch.Validate(tb.Record(i)); err != nil {
				t.Errorf("%s row %d: fast check passed a row the library refuses: %v", name, row.Line, err)
			}
		}
		t.Logf("%s: fast check passed %d of %d rows", name, passed, len(tb.Rows))
		if passed == 0 {
			t.Errorf("%s: the fast check passed no row", name)
		}
	}
}
