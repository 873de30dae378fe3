package pipeline

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"sync"
	"testing"

	"github.com/provincia-como/opendata/datasets"
	"github.com/xuri/excelize/v2"
)

// The benchmarks of issue 2: reading and validating a 200,000-row projects
// file with the code the pipeline runs (ingest, then the progetti schema and
// the table rules, registry included), next to the raw reading of the same
// bytes. scripts/bench-ingest.sh prints the ratios.

const benchRows = 200_000

var benchHeader = []string{"Codice progetto", "CUP", "Titolo progetto", "Codice ISTAT comune", "FINANZIAMENTO_PNRR", "FINANZIAMENTO_COMUNE", "FINANZ_TOTALE", "Stato", "Data di inizio prevista"}

var benchComuni = []string{"013075", "013041", "013165", "013047", "013256", "013004"}

func benchRow(i int) []string {
	pnrr := int64(10_000 + i%90_000)
	comune := int64(i % 5_000)
	return []string{
		fmt.Sprintf("P-%07d", i),
		fmt.Sprintf("E%02dB21%09d", i%100, i),
		fmt.Sprintf("Transizione digitale del comune, lotto %d", i%400),
		benchComuni[i%len(benchComuni)],
		itThousands(pnrr) + ",00",
		itThousands(comune),
		itThousands(pnrr + comune),
		[]string{"in corso", "concluso", "programmato"}[i%3],
		fmt.Sprintf("%02d/%02d/20%02d", 1+i%28, 1+i%12, 22+i%4),
	}
}

func itThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, '.')
		}
		b = append(b, s[i])
	}
	return string(b)
}

var (
	benchOnce       sync.Once
	benchCSV, bXLSX []byte
	benchErr        error
)

func benchFiles(b *testing.B) ([]byte, []byte) {
	benchOnce.Do(func() {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Comma = ';'
		w.Write(benchHeader)
		for i := range benchRows {
			w.Write(benchRow(i))
		}
		w.Flush()
		benchCSV = buf.Bytes()

		f := excelize.NewFile()
		defer f.Close()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			benchErr = err
			return
		}
		row := make([]any, len(benchHeader))
		for i, h := range benchHeader {
			row[i] = h
		}
		sw.SetRow("A1", row)
		for i := range benchRows {
			for j, v := range benchRow(i) {
				row[j] = v
			}
			pnrr, comune := float64(10_000+i%90_000), float64(i%5_000)
			row[4], row[5], row[6] = pnrr, comune, pnrr+comune
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if benchErr = sw.SetRow(cell, row); benchErr != nil {
				return
			}
		}
		if benchErr = sw.Flush(); benchErr != nil {
			return
		}
		var out bytes.Buffer
		if _, benchErr = f.WriteTo(&out); benchErr == nil {
			bXLSX = out.Bytes()
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchCSV, bXLSX
}

func rowsPerSecond(b *testing.B) {
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func benchCheck(b *testing.B, name string, data []byte) {
	ctx := context.Background()
	chk, err := NewChecker(ctx, datasets.FS, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		issues, t, err := chk.Check(ctx, "progetti", name, data, "")
		if err != nil {
			b.Fatal(err)
		}
		if len(issues) > 0 || len(t.Rows) != benchRows {
			b.Fatalf("%d rows, %d issues, first %+v", len(t.Rows), len(issues), issues[0])
		}
	}
	rowsPerSecond(b)
}

func BenchmarkIngestValidateCSV200k(b *testing.B) {
	data, _ := benchFiles(b)
	benchCheck(b, "progetti.csv", data)
}

func BenchmarkIngestValidateXLSX200k(b *testing.B) {
	_, data := benchFiles(b)
	benchCheck(b, "progetti.xlsx", data)
}

// BenchmarkRawCSV200k is encoding/csv reading the same bytes, no more.
func BenchmarkRawCSV200k(b *testing.B) {
	data, _ := benchFiles(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		r := csv.NewReader(bytes.NewReader(data))
		r.Comma = ';'
		r.ReuseRecord = true
		n := 0
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchRows+1 {
			b.Fatalf("%d records", n)
		}
	}
	rowsPerSecond(b)
}

// BenchmarkRawExcelize200k is excelize's streaming row iterator over the
// same workbook, no more.
func BenchmarkRawExcelize200k(b *testing.B) {
	_, data := benchFiles(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			if _, err := rows.Columns(); err != nil {
				b.Fatal(err)
			}
			n++
		}
		rows.Close()
		f.Close()
		if n != benchRows+1 {
			b.Fatalf("%d rows", n)
		}
	}
	rowsPerSecond(b)
}
