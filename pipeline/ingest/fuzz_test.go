package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func FuzzReadCSV(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil && len(b) < 8<<10 {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"", "\ufeff", "a;b\n1;2\n", "\"a\n;b\"\r\nx;\"y", "CUP,Importo\nX,1.234,56\n",
		"Titolo\n\n;;\nCUP;Finanziamento UE;Data inizio;Concluso;Avanzamento\nA;12,3,4;31/02/2024;forse;12%%\n",
		"\xff\xfeC\x00U\x00P\x00", "\xe0\xe8;\xf2\n1;2",
	} {
		f.Add([]byte(s))
	}
	lim := Limits{MaxRows: 1000, MaxCols: 200, MaxCells: 20000}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, s := range []Options{{Schema: progettiSchema, Limits: lim}, {Schema: openSchema, Limits: lim}} {
			tb, issues, err := Read(context.Background(), "fuzz.csv", data, s)
			if err != nil {
				if !errors.Is(err, ErrUnreadable) {
					t.Fatalf("error %v is not ErrUnreadable", err)
				}
				continue
			}
			if tb == nil {
				t.Fatal("nil table without error")
			}
			for _, r := range tb.Rows {
				if len(r.Cells) != len(tb.Columns) {
					t.Fatalf("row %d has %d cells for %d columns", r.Line, len(r.Cells), len(tb.Columns))
				}
			}
			_ = issues
		}
	})
}
