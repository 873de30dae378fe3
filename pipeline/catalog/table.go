package catalog

import "strconv"

// Table is a sheet of a file read into rows, with each value normalised and
// each cell's position kept.
type Table struct {
	// Name names a related table of a version ("partecipanti"); empty for
	// the main table.
	Name string `json:",omitempty"`
	// File is the name of the source file as the clerk knows it.
	File string
	// Sheet is the sheet read in a workbook; empty for CSV.
	Sheet string
	// HeaderRow is the row (1-based) where the header was found.
	HeaderRow int
	// Columns maps the file's columns to schema fields, in file order.
	// Columns that match no field are kept with an empty Field.
	Columns []Column
	Rows    []Row
	// Selection says which rows of the file were kept when the dataset
	// keeps only some (Source.Filter); nil when all were.
	Selection *Selection `json:",omitempty"`
	// Related are the other tables the same file gives (the bidders and
	// winners of an L. 190 file), stored and published with the version;
	// nil for most datasets.
	Related []*Table `json:",omitempty"`
}

// Selection is the filter a table went through: Read rows were read from
// the file, len(Rows) of them kept.
type Selection struct {
	Filter map[string]string
	Read   int
}

// Column is one column of the file.
type Column struct {
	// Header is the text of the header cell as found in the file.
	Header string
	// Field is the schema field the header matched; empty if none.
	Field string
	// Index is the 1-based column number in the file.
	Index int
	// Type is the type of the column's values: the field's type for a
	// closed schema, the type inferred from all the values for a free
	// table. Code columns are string; empty means string.
	Type FieldType `json:"Type,omitempty"`
}

// Row is one data row of the file.
type Row struct {
	// Line is the 1-based row number in the sheet, or the line number in a
	// CSV file where the record starts.
	Line int
	// Cells hold one cell per entry of Table.Columns.
	Cells []Cell
}

// Cell is one value: the text found in the file and the normalised value.
type Cell struct {
	// Raw is the text as the spreadsheet shows it.
	Raw string `json:"raw,omitempty"`
	// Value is the normalised value: nil when missing, string, float64
	// (integers too), bool, a date as a "2006-01-02" string, or a datetime
	// as a "2006-01-02T15:04:05" string (with "Z" or an offset when the
	// source had a zone). Numbers are the stored value at full precision,
	// never the rounding a spreadsheet shows.
	Value any `json:"value,omitempty"`
	// Problem is set when the raw text could not be read as the field's type
	// (for example "12,3,4" for a number); Value is then the raw string.
	Problem string `json:"problem,omitempty"`
	// Line is the source line of this very value when it differs from its
	// row's, as in an XML file where each element has its own line; 0
	// means the row's Line.
	Line int `json:"line,omitempty"`
}

// Ref returns the position of a cell of the table: its own line when the
// cell has one (Cell.Line), else its row's.
func (t *Table) Ref(row, col int) Ref {
	r := Ref{File: t.File, Sheet: t.Sheet}
	if row >= 0 && row < len(t.Rows) {
		r.Row = t.Rows[row].Line
		if col >= 0 && col < len(t.Rows[row].Cells) && t.Rows[row].Cells[col].Line > 0 {
			r.Row = t.Rows[row].Cells[col].Line
		}
	}
	if col >= 0 && col < len(t.Columns) {
		r.Col = t.Columns[col].Index
	}
	return r
}

// ColumnOf returns the index in Columns of the column mapped to field, or -1.
func (t *Table) ColumnOf(field string) int {
	for i, c := range t.Columns {
		if c.Field == field && field != "" {
			return i
		}
	}
	return -1
}

// Record returns the row as a map from field name to normalised value,
// leaving out missing values and unmapped columns: the instance a JSON
// Schema validates.
func (t *Table) Record(row int) map[string]any {
	rec := make(map[string]any, len(t.Columns))
	for i, c := range t.Columns {
		if c.Field == "" {
			continue
		}
		if v := t.Rows[row].Cells[i].Value; v != nil {
			rec[c.Field] = v
		}
	}
	return rec
}

// ValueText writes a normalised value as text: strings as they are,
// numbers in plain notation with a dot and every digit, booleans as
// true/false, "" for a missing value.
func ValueText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}
