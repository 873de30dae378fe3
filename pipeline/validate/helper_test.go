package validate

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/schemas"
)

// bad is a cell that ingest could not read as its field's type.
type bad string

// date is a date cell: the normalised value, shown day/month/year.
type date string

// col is a column of a test table: the header as the file shows it and the
// field it maps to ("" for none).
type col struct{ header, field string }

// newTable builds a table as ingest would: header on row 1, data from
// row 2, cells normalised from the Go values given.
func newTable(file, sheet string, cols []col, rows ...[]any) *catalog.Table {
	t := &catalog.Table{File: file, Sheet: sheet, HeaderRow: 1}
	for i, c := range cols {
		t.Columns = append(t.Columns, catalog.Column{Header: c.header, Field: c.field, Index: i + 1})
	}
	for i, r := range rows {
		row := catalog.Row{Line: i + 2}
		for j := range cols {
			var v any
			if j < len(r) {
				v = r[j]
			}
			row.Cells = append(row.Cells, cell(v))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func cell(v any) catalog.Cell {
	switch v := v.(type) {
	case nil:
		return catalog.Cell{}
	case bad:
		return catalog.Cell{Raw: string(v), Value: string(v), Problem: "cannot read " + string(v)}
	case date:
		y, m, d := string(v[0:4]), string(v[5:7]), string(v[8:10])
		return catalog.Cell{Raw: d + "/" + m + "/" + y, Value: string(v)}
	case string:
		return catalog.Cell{Raw: v, Value: v}
	case float64:
		return catalog.Cell{Raw: formatNumber(v, -1), Value: v}
	case int:
		return catalog.Cell{Raw: formatNumber(float64(v), -1), Value: float64(v)}
	case bool:
		return catalog.Cell{Raw: fmt.Sprint(v), Value: v}
	default:
		panic(fmt.Sprintf("test cell of type %T", v))
	}
}

// loadSchemas compiles the project's schemas once per test.
func loadSchemas(tb testing.TB) map[string]*Schema {
	tb.Helper()
	all, err := Load(schemas.FS)
	if err != nil {
		tb.Fatal(err)
	}
	return all
}

// comoRegistry reads the comuni of the province of Como from the ISTAT
// list in testdata (code in column 5, name in column 7).
func comoRegistry(tb testing.TB) Registry {
	tb.Helper()
	data, err := os.ReadFile("testdata/comuni-como-situas.csv")
	if err != nil {
		tb.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	reg := Registry{}
	for _, rec := range recs[1:] {
		reg[rec[4]] = rec[6]
	}
	if len(reg) != 147 {
		tb.Fatalf("registry has %d comuni, want the 147 of Como", len(reg))
	}
	return reg
}
