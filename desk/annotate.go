package desk

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Fill colours of marked cells: the light red and light yellow spreadsheet
// users know from conditional formatting.
const (
	errorFill   = "FFC7CE"
	warningFill = "FFEB9C"
	author      = "Sportello dati aperti"
	summary     = "Da correggere"
)

// annotate returns the clerk's workbook with each cell that has an issue
// filled in colour and commented, and a last sheet listing every issue. A
// CSV or ODS file comes back as a new workbook with the same cells in the
// same places. It returns nil when the file cannot be annotated; the answer
// page still lists the issues.
func (d *Desk) annotate(ctx context.Context, res *result, data []byte, t *catalog.Table, issues []catalog.Issue) (out []byte, name string) {
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("desk annotate", "file", res.Name, "panic", p)
			out, name = nil, ""
		}
	}()
	ext := strings.ToLower(path.Ext(res.Name))
	stem := strings.TrimSuffix(res.Name, path.Ext(res.Name))
	var f *excelize.File
	var err error
	sheetOf := func(r catalog.Ref) string { return r.Sheet }
	switch {
	case ext == ".xml":
		return nil, "" // an XML file has lines, not cells: the page lists them
	case ext == ".xlsx" || ext == ".xlsm":
		f, err = excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: d.cfg.MaxUnzipped})
	case t != nil:
		ext = ".xlsx"
		f, err = tableWorkbook(t)
		sheetOf = func(catalog.Ref) string { return "Foglio1" }
	default:
		return nil, ""
	}
	if err != nil {
		d.log.Info("desk annotate", "file", res.Name, "err", err)
		return nil, ""
	}
	defer f.Close()
	if err := mark(ctx, f, issues, sheetOf); err != nil {
		d.log.Info("desk annotate", "file", res.Name, "err", err)
		return nil, ""
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		d.log.Info("desk annotate", "file", res.Name, "err", err)
		return nil, ""
	}
	return buf.Bytes(), stem + "-da-correggere" + ext
}

// tableWorkbook puts the cells of a table read from CSV or ODS back where
// they were, so that "C14" on the answer page is C14 in the workbook.
func tableWorkbook(t *catalog.Table) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", "Foglio1"); err != nil {
		return nil, err
	}
	for _, c := range t.Columns {
		if err := f.SetCellStr("Foglio1", catalog.ColumnName(c.Index)+fmt.Sprint(max(t.HeaderRow, 1)), c.Header); err != nil {
			return nil, err
		}
	}
	for _, r := range t.Rows {
		for i, c := range r.Cells {
			if c.Raw == "" || i >= len(t.Columns) {
				continue
			}
			if err := f.SetCellStr("Foglio1", catalog.ColumnName(t.Columns[i].Index)+fmt.Sprint(r.Line), c.Raw); err != nil {
				return nil, err
			}
		}
	}
	return f, nil
}

// mark colours and comments the cells of the issues, and adds the summary
// sheet.
func mark(ctx context.Context, f *excelize.File, issues []catalog.Issue, sheetOf func(catalog.Ref) string) error {
	type key struct{ sheet, cell string }
	notes := map[key][]string{}
	severity := map[key]catalog.Severity{}
	var order []key
	sheets := map[string]bool{}
	for _, s := range f.GetSheetList() {
		sheets[s] = true
	}
	for _, i := range issues {
		sheet := sheetOf(i.Ref)
		if i.Ref.Row == 0 || !sheets[sheet] {
			continue
		}
		cell := catalog.ColumnName(max(i.Ref.Col, 1)) + fmt.Sprint(i.Ref.Row)
		k := key{sheet, cell}
		if _, ok := notes[k]; !ok {
			order = append(order, k)
		}
		notes[k] = append(notes[k], i.Message.It)
		if i.Severity != catalog.Warning {
			severity[k] = catalog.Error
		} else if severity[k] == "" {
			severity[k] = catalog.Warning
		}
	}
	styles := map[[2]any]int{}
	for _, k := range order {
		if err := ctx.Err(); err != nil {
			return err
		}
		old, err := f.GetCellStyle(k.sheet, k.cell)
		if err != nil {
			return err
		}
		sk := [2]any{old, severity[k]}
		id, ok := styles[sk]
		if !ok {
			st, err := f.GetStyle(old)
			if err != nil || st == nil {
				st = &excelize.Style{}
			}
			color := errorFill
			if severity[k] == catalog.Warning {
				color = warningFill
			}
			st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
			if id, err = f.NewStyle(st); err != nil {
				return err
			}
			styles[sk] = id
		}
		if err := f.SetCellStyle(k.sheet, k.cell, k.cell, id); err != nil {
			return err
		}
		text := strings.Join(notes[k], "\n\n")
		_ = f.DeleteComment(k.sheet, k.cell) // ours replaces any old note
		if err := f.AddComment(k.sheet, excelize.Comment{
			Cell: k.cell, Author: author, Width: 320, Height: 140,
			Paragraph: []excelize.RichTextRun{
				{Text: author + ":\n", Font: &excelize.Font{Bold: true, Color: "000000"}},
				{Text: text},
			},
		}); err != nil {
			return err
		}
	}
	return summarize(f, issues, sheetOf)
}

// summarize adds a sheet listing every issue, each linked to its cell.
func summarize(f *excelize.File, issues []catalog.Issue, sheetOf func(catalog.Ref) string) error {
	name := summary
	for n := 2; ; n++ {
		if idx, _ := f.GetSheetIndex(name); idx < 0 {
			break
		}
		name = fmt.Sprintf("%s %d", summary, n)
	}
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	link, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "1F4E9A", Underline: "single"}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	if err := f.SetSheetRow(name, "A1", &[]any{"Cella", "Gravità", "Campo", "Valore trovato", "Cosa correggere"}); err != nil {
		return err
	}
	if err := f.SetCellStyle(name, "A1", "E1", bold); err != nil {
		return err
	}
	for n, i := range issues {
		row := n + 2
		sheet := sheetOf(i.Ref)
		cell := ""
		if i.Ref.Row > 0 {
			cell = catalog.ColumnName(max(i.Ref.Col, 1)) + fmt.Sprint(i.Ref.Row)
		}
		where := "tutto il file"
		if cell != "" {
			where = sheet + "!" + cell
		}
		sev := "errore"
		if i.Severity == catalog.Warning {
			sev = "avviso"
		}
		a := fmt.Sprintf("A%d", row)
		if err := f.SetSheetRow(name, a, &[]any{where, sev, i.Field, i.Value, i.Message.It}); err != nil {
			return err
		}
		if cell != "" {
			loc := "'" + strings.ReplaceAll(sheet, "'", "''") + "'!" + cell
			if err := f.SetCellHyperLink(name, a, loc, "Location"); err != nil {
				return err
			}
			if err := f.SetCellStyle(name, a, a, link); err != nil {
				return err
			}
		}
		if err := f.SetCellStyle(name, fmt.Sprintf("E%d", row), fmt.Sprintf("E%d", row), wrap); err != nil {
			return err
		}
	}
	for col, w := range map[string]float64{"A": 18, "B": 10, "C": 22, "D": 24, "E": 90} {
		if err := f.SetColWidth(name, col, col, w); err != nil {
			return err
		}
	}
	return nil
}
