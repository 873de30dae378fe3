package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

const benchRows = 200_000

var benchSchema = &catalog.Schema{Name: "progetti", Fields: []catalog.Field{
	{Name: "cup", Type: catalog.TypeString, Code: true, Required: true, Title: catalog.Text{It: "CUP"}},
	{Name: "comune", Type: catalog.TypeString, Code: true, Title: catalog.Text{It: "Codice ISTAT comune"}},
	{Name: "titolo", Type: catalog.TypeString, Title: catalog.Text{It: "Titolo progetto"}},
	{Name: "finanziamento_ue", Type: catalog.TypeNumber, Aliases: []string{"finanziamento ue"}},
	{Name: "finanziamento_totale", Type: catalog.TypeNumber, Aliases: []string{"finanz totale"}},
	{Name: "data_inizio", Type: catalog.TypeDate, Title: catalog.Text{It: "Data inizio"}},
	{Name: "data_fine", Type: catalog.TypeDate, Title: catalog.Text{It: "Data fine"}},
	{Name: "avanzamento", Type: catalog.TypeNumber, Unit: "%", Title: catalog.Text{It: "Avanzamento"}},
	{Name: "lotti", Type: catalog.TypeInteger, Title: catalog.Text{It: "Lotti"}},
	{Name: "concluso", Type: catalog.TypeBoolean, Title: catalog.Text{It: "Concluso"}},
}}

var benchHeader = []string{"CUP", "Codice ISTAT comune", "Titolo progetto", "FINANZIAMENTO _UE", "FINANZ_TOTALE", "Data inizio", "Data fine", "Avanzamento", "Lotti", "Concluso"}

// benchRow is a realistic project row: codes with leading zeros, Italian
// amounts, dates, placeholders.
func benchRow(i int) []string {
	ue := "N/D"
	if i%3 != 0 {
		ue = itNumber(int64(i%9000)*1000+350, i%2 == 0)
	}
	return []string{
		fmt.Sprintf("F%02dB22%09d", i%100, i),
		fmt.Sprintf("%06d", 13000+i%260),
		fmt.Sprintf("Riqualificazione scuola primaria n. %d, via Roma %d", i%500, i%97),
		ue,
		itNumber(int64(i)*1234+114000000, false),
		fmt.Sprintf("%02d/%02d/20%02d", 1+i%28, 1+i%12, 21+i%5),
		fmt.Sprintf("20%02d-%02d-%02d", 25+i%3, 1+i%12, 1+i%28),
		strconv.Itoa(i%101) + "%",
		strconv.Itoa(1 + i%7),
		[]string{"sì", "no", ""}[i%3],
	}
}

// itNumber writes n/100 with dot thousands and, if cents, a decimal comma.
func itNumber(n int64, cents bool) string {
	s := strconv.FormatInt(n/100, 10)
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, '.')
		}
		b = append(b, s[i])
	}
	if cents {
		b = append(b, fmt.Sprintf(",%02d", n%100)...)
	}
	return string(b)
}

var (
	benchCSVOnce, benchXLSXOnce sync.Once
	benchCSVData, benchXLSXData []byte
)

// benchFile writes the file once into a temporary folder and reads it back.
func benchCSV(b *testing.B) []byte {
	benchCSVOnce.Do(func() {
		var buf bytes.Buffer
		buf.WriteString("\ufeff")
		w := csv.NewWriter(&buf)
		w.Comma = ';'
		w.UseCRLF = true
		w.Write(benchHeader)
		for i := range benchRows {
			w.Write(benchRow(i))
		}
		w.Flush()
		p := filepath.Join(b.TempDir(), "progetti.csv")
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
		benchCSVData, _ = os.ReadFile(p)
	})
	return benchCSVData
}

func benchXLSX(b *testing.B) []byte {
	benchXLSXOnce.Do(func() {
		f := excelize.NewFile()
		defer f.Close()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		day, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		money, _ := f.NewStyle(&excelize.Style{NumFmt: 4})
		hdr := make([]any, len(benchHeader))
		for i, h := range benchHeader {
			hdr[i] = h
		}
		sw.SetRow("A1", hdr)
		for i := range benchRows {
			r := benchRow(i)
			row := make([]any, len(r))
			for j, v := range r {
				row[j] = v
			}
			row[3] = excelize.Cell{StyleID: money, Value: float64(i%9000)*10 + 3.5}
			row[5] = excelize.Cell{StyleID: day, Value: 44197 + i%1500}
			row[8] = 1 + i%7
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := sw.SetRow(cell, row); err != nil {
				b.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
		p := filepath.Join(b.TempDir(), "progetti.xlsx")
		if err := f.SaveAs(p); err != nil {
			b.Fatal(err)
		}
		benchXLSXData, _ = os.ReadFile(p)
	})
	return benchXLSXData
}

func reportRows(b *testing.B, rows int) {
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReadCSV200k(b *testing.B) {
	data := benchCSV(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tb, issues, err := Read(context.Background(), "progetti.csv", data, Options{Schema: benchSchema})
		if err != nil || len(tb.Rows) != benchRows || len(issues) != 0 {
			b.Fatalf("err %v, %d rows, issues %v", err, len(tb.Rows), issues)
		}
	}
	reportRows(b, benchRows)
}

func BenchmarkRawEncodingCSV200k(b *testing.B) {
	data := benchCSV(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
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
	reportRows(b, benchRows)
}

func BenchmarkReadXLSX200k(b *testing.B) {
	data := benchXLSX(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tb, issues, err := Read(context.Background(), "progetti.xlsx", data, Options{Schema: benchSchema})
		if err != nil || len(tb.Rows) != benchRows || len(issues) != 0 {
			b.Fatalf("err %v, issues %v", err, issues)
		}
	}
	reportRows(b, benchRows)
}

func BenchmarkRawExcelizeRows200k(b *testing.B) {
	data := benchXLSX(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
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
	reportRows(b, benchRows)
}
