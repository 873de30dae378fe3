package ingest_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/draft"
	"github.com/provincia-como/opendata/pipeline/ingest"
	"github.com/provincia-como/opendata/pipeline/validate"
	"github.com/provincia-como/opendata/schemas"
)

// The free-table benchmark of issue 12: a 200,000-row CSV read with the
// open schema tabella, every column's type inferred from all its values,
// then validated as the pipeline does. scripts/bench-ingest.sh runs it on
// one core beside the typed path.

const freeRows = 200_000

var freeHeader = []string{"Codice ISTAT", "Comune", "Anno", "Popolazione", "Superficie (kmq)", "Importo (€)", "Data delibera", "Aggiornato", "Quota", "Attivo", "Note"}

func freeRow(i int) []string {
	note := ""
	if i%7 == 0 {
		note = fmt.Sprintf("verificato dall'ufficio %d", i%13)
	}
	pop := 500 + i%90_000
	return []string{
		fmt.Sprintf("%06d", 13001+i%250),
		fmt.Sprintf("Comune numero %d", i%250),
		strconv.Itoa(2015 + i%10),
		[]string{strconv.Itoa(pop % 1000), fmt.Sprintf("%d.%03d", pop/1000+1, pop%1000)}[i%2],
		fmt.Sprintf("%d,%02d", 1+i%90, i%100),
		[]string{"N/D", fmt.Sprintf("€ %d.%03d,%02d", 1+i%900, i%1000, i%100)}[min(i%5, 1)],
		fmt.Sprintf("%02d/%02d/20%02d", 1+i%28, 1+i%12, 15+i%10),
		fmt.Sprintf("2024-%02d-%02dT%02d:%02d:00", 1+i%12, 1+i%28, i%24, i%60),
		fmt.Sprintf("%d,%d%%", i%100, i%10),
		[]string{"sì", "no", ""}[i%3],
		note,
	}
}

var (
	freeOnce sync.Once
	freeData []byte
)

func freeCSV() []byte {
	freeOnce.Do(func() {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Comma = ';'
		w.Write(freeHeader)
		for i := range freeRows {
			w.Write(freeRow(i))
		}
		w.Flush()
		freeData = buf.Bytes()
	})
	return freeData
}

func BenchmarkFreeCSV200k(b *testing.B) {
	data := freeCSV()
	all, err := validate.Load(schemas.FS)
	if err != nil {
		b.Fatal(err)
	}
	s := all["tabella"]
	benchValidate(b, data, s, func(t *catalog.Table) {
		// the columns must have been typed, or the figure means nothing
		want := []string{"string", "string", "integer", "integer", "number", "number", "date", "datetime", "number", "boolean", "string"}
		for i, c := range t.Columns {
			if string(c.Type) != want[i] {
				b.Fatalf("column %s typed %q, want %q", c.Header, c.Type, want[i])
			}
		}
	})
}

// BenchmarkTypedCSV200k reads the same bytes with a closed schema, the one
// `opendata schema infer` drafts from them: the typed path, beside the free
// table.
func BenchmarkTypedCSV200k(b *testing.B) {
	data := freeCSV()
	free, _, err := ingest.Read(context.Background(), "tabella.csv", data, ingest.Options{Schema: &catalog.Schema{Open: true}})
	if err != nil {
		b.Fatal(err)
	}
	doc, err := draft.FromTable("tabella", free).JSONSchema()
	if err != nil {
		b.Fatal(err)
	}
	s, err := validate.Compile("tabella-typed", doc)
	if err != nil {
		b.Fatal(err)
	}
	benchValidate(b, data, s, func(t *catalog.Table) {
		if t.Columns[4].Type != catalog.TypeNumber {
			b.Fatalf("columns %+v", t.Columns)
		}
	})
}

// benchValidate reads and validates data against s as the pipeline does,
// and reports rows per second of wall time and of CPU time.
func benchValidate(b *testing.B, data []byte, s *validate.Schema, check func(*catalog.Table)) {
	ctx := context.Background()
	info := s.Info()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuSeconds()
	for b.Loop() {
		t, issues, err := ingest.Read(ctx, "tabella.csv", data, ingest.Options{Schema: info})
		if err != nil {
			b.Fatal(err)
		}
		issues = append(issues, validate.Table(ctx, t, s, nil)...)
		if len(t.Rows) != freeRows || len(issues) != 0 {
			b.Fatalf("%d rows, issues %v", len(t.Rows), issues)
		}
		check(t)
	}
	cpu = cpuSeconds() - cpu
	b.ReportMetric(float64(freeRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	if cpu > 0 {
		b.ReportMetric(float64(freeRows)*float64(b.N)/cpu, "rows/cpu-s")
	}
}

// BenchmarkFreeIngestCSV200k is the inference alone, without validation.
func BenchmarkFreeIngestCSV200k(b *testing.B) {
	data := freeCSV()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuSeconds()
	for b.Loop() {
		t, _, err := ingest.Read(context.Background(), "tabella.csv", data, ingest.Options{Schema: &catalog.Schema{Open: true}})
		if err != nil || len(t.Rows) != freeRows {
			b.Fatal(err)
		}
	}
	cpu = cpuSeconds() - cpu
	b.ReportMetric(float64(freeRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	if cpu > 0 {
		b.ReportMetric(float64(freeRows)*float64(b.N)/cpu, "rows/cpu-s")
	}
}
