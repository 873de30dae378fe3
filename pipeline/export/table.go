package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strconv"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/xuri/excelize/v2"
)

// Fields lists the columns of a download: every field of a closed schema in
// the schema's order, so that every comune's file has the same columns; the
// table's own columns for an open schema.
func Fields(t *catalog.Table, s *catalog.Schema) []string {
	if s != nil && !s.Open && len(s.Fields) > 0 {
		out := make([]string, len(s.Fields))
		for i, f := range s.Fields {
			out[i] = f.Name
		}
		return out
	}
	var out []string
	for _, c := range t.Columns {
		if c.Field != "" {
			out = append(out, c.Field)
		}
	}
	return out
}

// columnIndex maps each field to its column in t, -1 when t lacks it.
func columnIndex(t *catalog.Table, fields []string) []int {
	idx := make([]int, len(fields))
	for i, f := range fields {
		idx[i] = t.ColumnOf(f)
	}
	return idx
}

func value(row catalog.Row, col int) any {
	if col < 0 || col >= len(row.Cells) {
		return nil
	}
	return row.Cells[col].Value
}

// Text writes a value as the CSV shows it: numbers in plain notation with a
// dot, never exponents.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// Neutralise keeps a spreadsheet program from running a text cell as a
// formula: text beginning with = + - @ (or a tab or carriage return that
// hides one) gets a leading apostrophe. Numbers are written as numbers and
// never need it.
func Neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// WriteCSV writes UTF-8 CSV with a comma, a header of field names and CRLF
// line ends as RFC 4180 asks.
func WriteCSV(buf *bytes.Buffer, t *catalog.Table, fields []string) error {
	w := csv.NewWriter(buf)
	w.UseCRLF = true
	if err := w.Write(fields); err != nil {
		return err
	}
	idx := columnIndex(t, fields)
	rec := make([]string, len(fields))
	for _, row := range t.Rows {
		for i, c := range idx {
			v := value(row, c)
			if s, ok := v.(string); ok {
				rec[i] = Neutralise(s)
			} else {
				rec[i] = Text(v)
			}
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// WriteJSON writes an array with one object per row, keys in field order,
// null for missing values.
func WriteJSON(buf *bytes.Buffer, t *catalog.Table, fields []string) error {
	idx := columnIndex(t, fields)
	keys := make([][]byte, len(fields))
	for i, f := range fields {
		k, err := json.Marshal(f)
		if err != nil {
			return err
		}
		keys[i] = k
	}
	buf.WriteString("[")
	for r, row := range t.Rows {
		if r > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n {")
		for i, c := range idx {
			if i > 0 {
				buf.WriteString(", ")
			}
			buf.Write(keys[i])
			buf.WriteString(": ")
			v := value(row, c)
			if f, ok := v.(float64); ok {
				buf.WriteString(Text(f))
				continue
			}
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			buf.Write(b)
		}
		buf.WriteString("}")
	}
	buf.WriteString("\n]\n")
	return nil
}

// WriteXLSX writes a workbook with one sheet "dati": a bold header of field
// names, numbers as numbers, codes and dates as text so nothing is
// reinterpreted.
func WriteXLSX(buf *bytes.Buffer, t *catalog.Table, fields []string) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "dati"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(fields))
	for i, name := range fields {
		header[i] = excelize.Cell{StyleID: bold, Value: name}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{}); err != nil {
		return err
	}
	idx := columnIndex(t, fields)
	rec := make([]any, len(fields))
	for r, row := range t.Rows {
		for i, c := range idx {
			rec[i] = value(row, c)
		}
		cell, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, rec); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(buf)
	return err
}
