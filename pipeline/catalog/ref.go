package catalog

import (
	"strconv"
	"strings"
)

// Ref is the position of a cell, a row or a whole file in a source file.
// Rows and columns count from 1, as a spreadsheet shows them; 0 means "the
// whole row" (Col) or "the whole file" (Row).
type Ref struct {
	File  string `json:"file"`
	Sheet string `json:"sheet,omitempty"` // empty for CSV
	Row   int    `json:"row,omitempty"`
	Col   int    `json:"col,omitempty"`
}

// String writes the reference the way a spreadsheet user reads it:
// "progetti.xlsx!Foglio1!C14" for a workbook, "progetti.csv:14:3" for a CSV
// file (line and column, as encoding/csv reports them).
func (r Ref) String() string {
	var b strings.Builder
	b.WriteString(r.File)
	if r.Sheet != "" {
		b.WriteByte('!')
		b.WriteString(r.Sheet)
		if r.Row > 0 {
			b.WriteByte('!')
			if r.Col > 0 {
				b.WriteString(ColumnName(r.Col))
			}
			b.WriteString(strconv.Itoa(r.Row))
		}
		return b.String()
	}
	if r.Row > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(r.Row))
		if r.Col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(r.Col))
		}
	}
	return b.String()
}

// Cell returns the spreadsheet name of the cell ("C14"), or "" when the
// reference is not to a single cell.
func (r Ref) Cell() string {
	if r.Row == 0 || r.Col == 0 {
		return ""
	}
	return ColumnName(r.Col) + strconv.Itoa(r.Row)
}

// ColumnName turns a 1-based column number into its letters: 1 is "A",
// 27 is "AA".
func ColumnName(col int) string {
	if col <= 0 {
		return ""
	}
	var buf [8]byte
	i := len(buf)
	for col > 0 {
		col--
		i--
		buf[i] = byte('A' + col%26)
		col /= 26
	}
	return string(buf[i:])
}
