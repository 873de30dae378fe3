package validate

import (
	"context"
	"fmt"
	"testing"
)

// progettiColumns are the columns of a complete projects sheet.
func progettiColumns(s *Schema) []col {
	var cols []col
	for _, f := range s.Info().Fields {
		cols = append(cols, col{header: f.Title.It, field: f.Name})
	}
	return cols
}

// validProgetto is row n of a valid projects sheet, one value per field
// of progettiColumns, with amounts that add up.
func validProgetto(n int) []any {
	ue, comune := float64(10000+n%5000), float64(2500+n%700)+0.5
	stati := []string{"in valutazione", "programmato", "in corso", "concluso"}
	return []any{
		fmt.Sprintf("P-%06d", n), fmt.Sprintf("G91B21%09d", n), fmt.Sprintf("Digitalizzazione servizi %d", n),
		"Migrazione al cloud dei servizi comunali", "PNRR", "M1C1I1.2", "Dipartimento per la trasformazione digitale",
		"Comune di Como", "013075", 1,
		nil, ue, nil, nil, nil, nil, comune, nil, nil, nil,
		ue + comune, nil, stati[n%len(stati)], float64(n % 101),
		date("2023-03-15"), date("2023-06-01"), date("2023-06-12"), date("2025-12-31"), nil,
	}
}

func BenchmarkTableProgetti200k(b *testing.B) {
	s := loadSchemas(b)["progetti"]
	reg := comoRegistry(b)
	rows := make([][]any, 200_000)
	for i := range rows {
		rows[i] = validProgetto(i)
	}
	t := newTable("progetti.xlsx", "Foglio1", progettiColumns(s), rows...)
	if issues := Table(context.Background(), t, s, reg); len(issues) != 0 {
		b.Fatalf("valid table has issues: %s", Report(issues[:min(5, len(issues))], "it"))
	}
	b.ResetTimer()
	for b.Loop() {
		Table(context.Background(), t, s, reg)
	}
	b.ReportMetric(float64(len(rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkTableProgettiTenthBad measures the slow path: one row in ten has
// a bad CUP, so the library checks and explains it.
func BenchmarkTableProgettiTenthBad(b *testing.B) {
	s := loadSchemas(b)["progetti"]
	rows := make([][]any, 200_000)
	for i := range rows {
		rows[i] = validProgetto(i)
		if i%10 == 0 {
			rows[i][1] = "CUP mancante"
		}
	}
	t := newTable("progetti.xlsx", "Foglio1", progettiColumns(s), rows...)
	for b.Loop() {
		Table(context.Background(), t, s, nil)
	}
	b.ReportMetric(float64(len(rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
