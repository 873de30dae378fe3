package ingest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// reader holds what one call of Read needs.
type reader struct {
	ctx    context.Context
	name   string
	schema *catalog.Schema
	lim    Limits
	sheet  string
	// date1904 is set for workbooks whose serial dates count from 1904.
	date1904 bool
}

// srcRow is one row as a format reader found it. Slices may be reused by
// the source after the next call to next.
type srcRow struct {
	line int      // sheet row or CSV line where the record starts
	end  int      // CSV line where the record ends, if not line
	text []string // text of each cell as shown, by column (index 0 = column 1)
	raw  []string // optional typed value of each cell (see kind)
	kind []byte   // kind of raw: 'n' number, 'd' ISO date, 'b' boolean, 0 none
}

func (s srcRow) clone() srcRow {
	c := srcRow{line: s.line, end: s.end, text: append([]string(nil), s.text...)}
	if s.raw != nil {
		c.raw = append([]string(nil), s.raw...)
		c.kind = append([]byte(nil), s.kind...)
	}
	return c
}

func (s srcRow) blank() bool {
	for _, t := range s.text {
		if !blankCell(t) {
			return false
		}
	}
	return true
}

func (s srcRow) nonEmpty() int {
	n := 0
	for _, t := range s.text {
		if !blankCell(t) {
			n++
		}
	}
	return n
}

// blankCell reports a cell holding only spaces or byte order marks.
func blankCell(t string) bool {
	for _, r := range t {
		if r != ' ' && r != '\ufeff' && !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// clip shortens a header for matching and messages: no header is longer,
// and a huge cell must not cost a pass over megabytes for every use.
func clip(s string) string {
	const n = 300
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// rowSource yields the rows of one sheet.
type rowSource interface {
	next() (srcRow, bool, error)
}

// headerScan is how many non-empty rows are searched for the header.
const headerScan = 30

// maxIssuesPerRule keeps a file with a systematic problem from producing
// one issue per row for the same thing.
const maxIssuesPerRule = 20

func (r *reader) ref(sheet string, row, col int) catalog.Ref {
	return catalog.Ref{File: r.name, Sheet: sheet, Row: row, Col: col}
}

func (r *reader) emptyTable(sheet string) *catalog.Table {
	return &catalog.Table{File: r.name, Sheet: sheet}
}

func (r *reader) emptyIssue(sheet string) catalog.Issue {
	it, en := "Il file è vuoto", "The file is empty"
	if sheet != "" {
		it, en = "Il foglio «"+sheet+"» è vuoto", "The sheet “"+sheet+"” is empty"
	}
	return catalog.Issue{
		Ref: r.ref(sheet, 0, 0), Severity: catalog.Error, Rule: "header",
		Message: catalog.Text{
			It: it + ": non c'è nessuna riga di intestazione né dati. Controlla di aver caricato il file giusto, con le intestazioni delle colonne nella prima riga.",
			En: en + ": there is no header row and no data. Check that you sent the right file, with the column headers in the first row.",
		},
	}
}

// build reads a sheet from src into a table. found is false when the sheet
// has no non-empty row at all.
func (r *reader) build(src rowSource, sheet string) (t *catalog.Table, issues []catalog.Issue, found bool, err error) {
	t = &catalog.Table{File: r.name, Sheet: sheet}
	// Buffer the first rows to choose the header.
	var buf []srcRow
	done := false
	for len(buf) < headerScan {
		row, ok, err := src.next()
		if err != nil {
			return nil, nil, false, err
		}
		if !ok {
			done = true
			break
		}
		if row.blank() {
			continue
		}
		buf = append(buf, row.clone())
	}
	if len(buf) == 0 {
		return t, nil, false, nil
	}
	m := newMatcher(r.schema)
	h, issues := r.chooseHeader(buf, m, sheet)
	hdr := buf[h]
	t.HeaderRow = hdr.line
	cols, colIssues, err := r.columns(hdr, m, sheet, len(issues) == 0)
	if err != nil {
		return nil, nil, true, err
	}
	issues = append(issues, colIssues...)
	t.Columns = make([]catalog.Column, len(cols))
	for i, c := range cols {
		t.Columns[i] = c.Column
	}

	b := &rowBuilder{r: r, t: t, cols: cols, sheet: sheet, infer: make([]*inferCol, len(cols))}
	for i, c := range cols {
		if c.conv.kind == kindInfer {
			b.infer[i] = newInferCol(c.Header, r.date1904)
		}
	}
	for _, row := range buf[h+1:] {
		if err := b.add(row); err != nil {
			return nil, nil, true, err
		}
	}
	for !done {
		row, ok, err := src.next()
		if err != nil {
			return nil, nil, true, err
		}
		if !ok {
			break
		}
		if err := b.add(row); err != nil {
			return nil, nil, true, err
		}
	}
	issues = append(issues, b.issues...)
	for i, ic := range b.infer {
		if ic == nil {
			continue
		}
		typ, is := ic.settle(t, i)
		t.Columns[i].Type = typ
		if is != nil {
			issues = append(issues, *is)
		}
	}
	if b.extra > maxIssuesPerRule {
		issues = append(issues, catalog.Issue{
			Ref: r.ref(sheet, 0, 0), Severity: catalog.Warning, Rule: "extra-cells",
			Message: catalog.Text{
				It: fmt.Sprintf("In tutto %d righe hanno valori in colonne senza intestazione, che sono stati ignorati.", b.extra),
				En: fmt.Sprintf("In all %d rows have values in columns without a header, which were ignored.", b.extra),
			},
		})
	}
	return t, issues, true, nil
}

// chooseHeader picks the header among the buffered non-empty rows.
//
// With schema fields, the header is the row whose cells match the most
// distinct fields (the earliest on a tie). With an open schema, or when no
// row matches any field, it is the first row with at least two non-empty
// cells that holds at least half as many values as the widest of the next
// five rows and is directly followed by a non-empty row (or is the last row):
// title lines ("Comune di Cantù - Progetti PNRR"), a blank line, or a
// "Aggiornato al: | 31/12/2024" line followed by a blank are skipped. If no
// row qualifies the first non-empty row is the header.
func (r *reader) chooseHeader(buf []srcRow, m *matcher, sheet string) (int, []catalog.Issue) {
	if len(m.fields) > 0 {
		best, bestScore := 0, 0
		for i, row := range buf {
			if s := m.score(row.text); s > bestScore {
				best, bestScore = i, s
			}
		}
		if bestScore > 0 {
			return best, nil
		}
	}
	counts := make([]int, len(buf))
	for i, row := range buf {
		counts[i] = row.nonEmpty()
	}
	h := openHeader(buf, counts)
	if len(m.fields) == 0 || r.schema.Open {
		return h, nil
	}
	var names []string
	for _, f := range m.fields {
		names = append(names, f.title())
	}
	return h, []catalog.Issue{{
		Ref: r.ref(sheet, buf[h].line, 0), Severity: catalog.Error, Rule: "header",
		Message: catalog.Text{
			It: "Non trovo la riga di intestazione: nessuna delle prime righe contiene i nomi di colonna attesi (" + strings.Join(names, ", ") + "). Metti le intestazioni delle colonne in una riga, con questi nomi, e riprova.",
			En: "The header row was not found: none of the first rows holds the expected column names (" + strings.Join(names, ", ") + "). Put the column headers in one row, with these names, and try again.",
		},
	}}
}

func openHeader(buf []srcRow, counts []int) int {
	for i, row := range buf {
		n := counts[i]
		if n < 2 {
			continue
		}
		if i+1 < len(buf) && buf[i+1].line != max(row.line, row.end)+1 {
			continue // followed by a blank row: a title or a note
		}
		widest := 0
		for _, c := range counts[i+1 : min(len(buf), i+6)] {
			widest = max(widest, c)
		}
		if 2*n >= widest {
			return i
		}
	}
	return 0
}

// column is a column of the table with what is needed to read its cells.
type column struct {
	catalog.Column
	pos  int // index in srcRow.text
	conv conv
}

// columns maps the header cells to fields and reports header problems;
// unknown columns are reported only when the header was found.
func (r *reader) columns(hdr srcRow, m *matcher, sheet string, headerFound bool) ([]column, []catalog.Issue, error) {
	last := -1
	for i, t := range hdr.text {
		if !blankCell(t) {
			last = i
		}
	}
	if last+1 > r.lim.MaxCols {
		return nil, nil, unreadable(r.name, msgTooBig, fmt.Errorf("%d columns, limit %d", last+1, r.lim.MaxCols))
	}
	var issues []catalog.Issue
	cols := make([]column, 0, last+1)
	used := map[string]int{} // field name -> column number
	var found []string
	for i := 0; i <= last; i++ {
		text := strings.ReplaceAll(hdr.text[i], "\ufeff", "")
		c := column{Column: catalog.Column{Header: text, Index: i + 1}, pos: i}
		text = clip(text)
		clean := cleanHeader(text)
		if clean != "" {
			found = append(found, "«"+clean+"»")
		}
		f, ok := m.match(text)
		switch {
		case ok && used[f.Name] == 0:
			c.Field = f.Name
			c.conv = convFor(f)
			c.conv.date1904 = r.date1904
			c.Type = f.Type
			if f.Code || c.Type == "" {
				c.Type = catalog.TypeString
			}
			used[f.Name] = c.Index
		case ok:
			issues = append(issues, catalog.Issue{
				Ref: r.ref(sheet, hdr.line, c.Index), Severity: catalog.Error, Rule: "header-duplicate",
				Field: f.Name, Value: clean,
				Message: catalog.Text{
					It: fmt.Sprintf("La colonna «%s» c'è due volte (colonne %s e %s): tieni una sola colonna con questo nome, e metti i dati giusti in quella.", clean, colName(sheet, used[f.Name]), colName(sheet, c.Index)),
					En: fmt.Sprintf("The column “%s” appears twice (columns %s and %s): keep a single column with this name, holding the right data.", clean, colName(sheet, used[f.Name]), colName(sheet, c.Index)),
				},
			})
		case r.schema.Open:
			slug := slugify(text)
			if slug == "" {
				if clean != "" {
					slug = "col_" + strconv.Itoa(c.Index)
				} else {
					break // an empty header: the column is kept, unnamed
				}
			}
			if prev := used[slug]; prev != 0 {
				issues = append(issues, catalog.Issue{
					Ref: r.ref(sheet, hdr.line, c.Index), Severity: catalog.Warning, Rule: "header-duplicate",
					Field: slug, Value: clean,
					Message: catalog.Text{
						It: fmt.Sprintf("Le colonne %s e %s hanno la stessa intestazione «%s»: la seconda è stata rinominata. Dai a ogni colonna un nome diverso.", colName(sheet, prev), colName(sheet, c.Index), clean),
						En: fmt.Sprintf("Columns %s and %s have the same header “%s”: the second was renamed. Give each column a different name.", colName(sheet, prev), colName(sheet, c.Index), clean),
					},
				})
				base := slug
				for n := 2; used[slug] != 0; n++ {
					slug = base + "_" + strconv.Itoa(n)
				}
			}
			c.Field = slug
			c.conv = conv{kind: kindInfer}
			used[slug] = c.Index
		case clean != "" && headerFound:
			issues = append(issues, catalog.Issue{
				Ref: r.ref(sheet, hdr.line, c.Index), Severity: catalog.Warning, Rule: "column-unknown",
				Value: clean,
				Message: catalog.Text{
					It: fmt.Sprintf("La colonna «%s» non fa parte di questo tipo di dati e viene ignorata. Se contiene dati che servono, controlla che l'intestazione sia scritta come previsto.", clean),
					En: fmt.Sprintf("The column “%s” is not part of this kind of data and is ignored. If it holds data that is needed, check that its header is spelled as expected.", clean),
				},
			})
		}
		if c.Type == "" {
			c.Type = catalog.TypeString // typed later for a free column
		}
		cols = append(cols, c)
	}
	list := strings.Join(found, ", ")
	if list == "" {
		list = "nessuna"
	}
	for _, f := range m.fields {
		if !f.Required || used[f.Name] != 0 {
			continue
		}
		issues = append(issues, catalog.Issue{
			Ref: r.ref(sheet, hdr.line, 0), Severity: catalog.Error, Rule: "column-missing",
			Field: f.Name,
			Message: catalog.Text{
				It: fmt.Sprintf("Manca la colonna obbligatoria «%s». Nella riga di intestazione %d ci sono: %s. Aggiungi la colonna, o rinomina quella giusta in «%s».", f.title(), hdr.line, list, f.title()),
				En: fmt.Sprintf("The required column “%s” is missing. The header row %d holds: %s. Add the column, or rename the right one to “%s”.", f.title(), hdr.line, strings.ReplaceAll(list, "nessuna", "none"), f.title()),
			},
		})
	}
	return cols, issues, nil
}

func colName(sheet string, col int) string {
	if sheet == "" {
		return strconv.Itoa(col)
	}
	return catalog.ColumnName(col)
}

// rowBuilder turns source rows into table rows.
type rowBuilder struct {
	r     *reader
	t     *catalog.Table
	cols  []column
	sheet string
	slab  []catalog.Cell
	// infer holds the shapes seen in each free column; nil for the others.
	infer  []*inferCol
	extra  int
	n      int
	issues []catalog.Issue
}

func (b *rowBuilder) add(row srcRow) error {
	if row.blank() {
		return nil
	}
	b.n++
	if b.n&1023 == 0 {
		if err := b.r.ctx.Err(); err != nil {
			return fmt.Errorf("ingest %s: %w", b.r.name, err)
		}
	}
	if len(b.t.Rows) >= b.r.lim.MaxRows {
		return unreadable(b.r.name, msgTooBig, fmt.Errorf("more than %d rows", b.r.lim.MaxRows))
	}
	nc := len(b.cols)
	if (len(b.t.Rows)+1)*max(nc, 1) > b.r.lim.MaxCells {
		return unreadable(b.r.name, msgTooBig, fmt.Errorf("more than %d cells", b.r.lim.MaxCells))
	}
	if len(b.slab) < nc {
		b.slab = make([]catalog.Cell, nc*256)
	}
	cells := b.slab[:nc:nc]
	b.slab = b.slab[nc:]
	for i := range b.cols {
		c := &b.cols[i]
		if c.pos >= len(row.text) {
			continue
		}
		var raw string
		var kind byte
		if row.raw != nil && c.pos < len(row.raw) {
			raw, kind = row.raw[c.pos], row.kind[c.pos]
		}
		if ic := b.infer[i]; ic != nil {
			ic.cell(&cells[i], len(b.t.Rows), row.text[c.pos], raw, kind)
			continue
		}
		cells[i] = c.conv.cell(row.text[c.pos], raw, kind)
	}
	for p := nc; p < len(row.text); p++ {
		if strings.TrimSpace(row.text[p]) == "" {
			continue
		}
		b.extra++
		if b.extra <= maxIssuesPerRule {
			ref := b.r.ref(b.sheet, row.line, p+1)
			b.issues = append(b.issues, catalog.Issue{
				Ref: ref, Severity: catalog.Warning, Rule: "extra-cells", Value: row.text[p],
				Message: catalog.Text{
					It: fmt.Sprintf("La riga %d ha un valore nella colonna %s, che non ha intestazione: il valore viene ignorato. Dai un nome alla colonna o sposta il valore nella colonna giusta.", row.line, colName(b.sheet, p+1)),
					En: fmt.Sprintf("Row %d has a value in column %s, which has no header: the value is ignored. Name the column or move the value to the right column.", row.line, colName(b.sheet, p+1)),
				},
			})
		}
		break
	}
	b.t.Rows = append(b.t.Rows, catalog.Row{Line: row.line, Cells: cells})
	return nil
}
