package export

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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

// Typed returns t with the Type of each column a closed schema describes
// taken from the schema's field when the table does not say it (versions
// stored before tables carried types). A free table's columns keep the
// type ingest inferred; empty means text.
func Typed(t *catalog.Table, s *catalog.Schema) *catalog.Table {
	if t == nil || s == nil || s.Open {
		return t
	}
	var cols []catalog.Column
	for i, c := range t.Columns {
		if c.Type != "" || c.Field == "" {
			continue
		}
		f, ok := s.Field(c.Field)
		typ := f.Type
		if f.Code {
			typ = catalog.TypeString
		}
		if !ok || typ == "" {
			continue
		}
		if cols == nil {
			cols = slices.Clone(t.Columns)
		}
		cols[i].Type = typ
	}
	if cols == nil {
		return t
	}
	typed := *t
	typed.Columns = cols
	return &typed
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

// lineEnds writes every line end as LF: the CSV writer would drop a lone
// CR, and a CR LF inside a value reads back as LF anyway.
func lineEnds(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
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
				rec[i] = lineEnds(Neutralise(s))
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
// names, then each value as a spreadsheet program expects it by its
// column's type: numbers as numbers with a format that shows the decimals
// present, dates and datetimes as real dates, booleans as booleans, codes
// and text as text cells, so nothing is reinterpreted. Numbers are rounded
// to the 15 significant digits a spreadsheet keeps; the CSV and JSON
// downloads keep every digit.
func WriteXLSX(buf *bytes.Buffer, t *catalog.Table, fields []string) error {
	f := excelize.NewFile()
	defer f.Close()
	f.SetZipWriter(fastZip)
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
	idx := columnIndex(t, fields)
	cols, err := planColumns(f, t, fields, idx)
	if err != nil {
		return err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
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
	rec := make([]any, len(fields))
	for r, row := range t.Rows {
		for i, c := range idx {
			rec[i] = cols[i].cell(value(row, c))
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

// xlsxColumn is how a column of the workbook is written.
type xlsxColumn struct {
	typ catalog.FieldType
	// style is the number or date format of the column's values; 0 is
	// General.
	style int
	// byDecimals holds a style per count of decimals, for a number column
	// whose values differ in precision: each shows the digits it has.
	byDecimals map[int]int
	width      float64
}

// Number formats of the workbook. Integers that look like years (all
// between 1800 and 2100) get no thousands separator (2024, not 2.024). A
// number column whose values have at most two decimals shows them all
// alike (amounts: 1.234,50); beyond,
// each value shows the decimals it has (13,1462 beside 8,07), so no digit
// is hidden and none is invented.
const (
	fmtInteger  = "#,##0"
	fmtYear     = "0"
	fmtDate     = "dd/mm/yyyy"
	fmtDatetime = "dd/mm/yyyy hh:mm:ss"
	fmtMinutes  = "dd/mm/yyyy hh:mm"
	// maxDecimals is the most decimals a number format may have (Excel's
	// limit); a value with more, such as 8.57e-98, gets fmtScientific
	// with its 15 significant digits.
	maxDecimals   = 30
	fmtScientific = "0.##############E+00"
)

// planColumns reads the table once to choose each column's format and
// width; the stream writer needs both before the first row.
func planColumns(f *excelize.File, t *catalog.Table, fields []string, idx []int) ([]xlsxColumn, error) {
	cols := make([]xlsxColumn, len(fields))
	styles := map[string]int{}
	style := func(format string) (int, error) {
		if id, ok := styles[format]; ok {
			return id, nil
		}
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
		styles[format] = id
		return id, err
	}
	for i, c := range idx {
		col := &cols[i]
		if c >= 0 {
			col.typ = t.Columns[c].Type
		}
		width := utf8.RuneCountInString(fields[i]) + 2
		decimals, years, seconds, numbers := 0, true, false, 0
		precisions := map[int]bool{}
		for _, row := range t.Rows {
			switch v := value(row, c).(type) {
			case float64:
				s := Text(round15(v))
				if _, frac, ok := strings.Cut(s, "."); ok {
					decimals = max(decimals, len(frac))
					precisions[len(frac)] = true
				} else {
					precisions[0] = true
				}
				if v != math.Trunc(v) || v < 1800 || v > 2100 {
					years = false
				}
				numbers++
				width = max(width, len(s)+len(s)/3+1)
			case string:
				line, _, _ := strings.Cut(v, "\n")
				width = max(width, utf8.RuneCountInString(line)+1)
				if col.typ == catalog.TypeDatetime && len(v) >= 19 && v[17:19] != "00" {
					seconds = true
				}
			case bool:
				width = max(width, 6)
			}
		}
		var format string
		switch col.typ {
		case catalog.TypeInteger:
			format = fmtInteger
			if decimals > 0 {
				// Not whole after all: show the decimals rather than hide them.
				format = decimalFormat(decimals)
			} else if years && numbers > 0 {
				format = fmtYear
			}
		case catalog.TypeNumber:
			format = decimalFormat(min(decimals, 2))
			if decimals > 2 {
				col.byDecimals = map[int]int{}
				for d := range precisions {
					var err error
					if col.byDecimals[d], err = style(decimalFormat(d)); err != nil {
						return nil, err
					}
				}
			}
		case catalog.TypeDate:
			format, width = fmtDate, max(width, 11)
		case catalog.TypeDatetime:
			format, width = fmtMinutes, max(width, 17)
			if seconds {
				format, width = fmtDatetime, max(width, 20)
			}
		}
		if format != "" {
			var err error
			if col.style, err = style(format); err != nil {
				return nil, err
			}
		}
		col.width = float64(min(max(width, 8), 60))
	}
	return cols, nil
}

// decimalFormat shows a number with exactly decimals decimals.
func decimalFormat(decimals int) string {
	switch {
	case decimals == 0:
		return fmtInteger
	case decimals > maxDecimals:
		return fmtScientific
	}
	return fmtInteger + "." + strings.Repeat("0", decimals)
}

// cell is the value the stream writer gets for v.
func (c xlsxColumn) cell(v any) any {
	switch x := v.(type) {
	case float64:
		x = round15(x)
		if c.byDecimals != nil {
			_, frac, _ := strings.Cut(Text(x), ".")
			return excelize.Cell{StyleID: c.byDecimals[len(frac)], Value: x}
		}
		if c.typ == catalog.TypeInteger || c.typ == catalog.TypeNumber {
			return excelize.Cell{StyleID: c.style, Value: x}
		}
		return x
	case string:
		if x == "" {
			return nil
		}
		x = lineEnds(x)
		if c.typ == catalog.TypeDate || c.typ == catalog.TypeDatetime {
			if serial, ok := excelSerial(x, c.typ); ok {
				return excelize.Cell{StyleID: c.style, Value: serial}
			}
		}
		return x
	}
	return v
}

// round15 rounds v to the 15 significant digits a spreadsheet keeps (the
// writer would otherwise cut the rest off, not round it).
func round15(v float64) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return v
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	if err != nil {
		return v
	}
	return r
}

// Dates a workbook can hold as day numbers: from 1 March 1900, since Excel
// and LibreOffice count the days before it differently (Excel believes
// 1900 was a leap year). Earlier dates stay text.
var (
	excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	excelFirst = time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)
)

// excelSerial turns an ISO date or datetime into a day number of the 1900
// system. A datetime with a zone keeps its clock time as written: a
// spreadsheet has no zones, and the CSV keeps the offset.
func excelSerial(s string, typ catalog.FieldType) (float64, bool) {
	var t time.Time
	var err error
	if typ == catalog.TypeDate {
		t, err = time.Parse(time.DateOnly, s)
	} else if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
		t, err = time.Parse("2006-01-02T15:04:05.999999999", s)
	}
	if err != nil {
		return 0, false
	}
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	if wall.Before(excelFirst) || t.Year() > 9999 {
		return 0, false
	}
	day := wall.Truncate(24 * time.Hour)
	days := (day.Unix() - excelEpoch.Unix()) / 86400
	nanos := wall.Sub(day).Nanoseconds()
	if nanos == 0 {
		return float64(days), true
	}
	// The fraction of the day, in the 15 digits a spreadsheet keeps and
	// rounded up: programs cut a time to the second below, so a fraction a
	// hair short of 10:00:00 would show 09:59:59.
	unit, digits := int64(8640), 10 // 1e-10 of a day, in nanoseconds
	if days >= 100000 {
		unit, digits = 86400, 9
	}
	frac := (nanos + unit - 1) / unit
	if frac >= 86400e9/unit {
		return float64(days + 1), true
	}
	serial, err := strconv.ParseFloat(fmt.Sprintf("%d.%0*d", days, digits, frac), 64)
	return serial, err == nil
}

// fastZip is the workbook's zip writer: flate at its fastest level, with
// pooled compressors. The default level compresses a workbook's XML
// little better and costs three times as much, and the default writer
// allocates a compressor per part: a Province's contracts are thousands
// of workbooks.
func fastZip(w io.Writer) excelize.ZipWriter {
	z := zip.NewWriter(w)
	z.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		fw := deflaters.Get().(*flate.Writer)
		fw.Reset(out)
		return &pooledDeflater{fw}, nil
	})
	return z
}

var deflaters = sync.Pool{New: func() any { w, _ := flate.NewWriter(nil, flate.BestSpeed); return w }}

// pooledDeflater gives its compressor back to the pool when closed.
type pooledDeflater struct{ *flate.Writer }

func (p *pooledDeflater) Close() error {
	if p.Writer == nil {
		return nil
	}
	err := p.Writer.Close()
	deflaters.Put(p.Writer)
	p.Writer = nil
	return err
}
