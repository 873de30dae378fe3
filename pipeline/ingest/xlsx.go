package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

const odsMime = "application/vnd.oasis.opendocument.spreadsheet"

// sniffZip tells a workbook from other zip files.
func sniffZip(name string, data []byte) (format, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0, unreadable(name, msgCorrupt, fmt.Errorf("zip: %w", err))
	}
	has := map[string]*zip.File{}
	for _, f := range zr.File {
		has[strings.ToLower(f.Name)] = f
	}
	switch {
	case has["xl/workbook.bin"] != nil:
		return 0, unreadable(name, msgXLSB, errors.New("xlsb workbook"))
	case has["xl/workbook.xml"] != nil:
		return formatXLSX, nil
	case has["word/document.xml"] != nil || has["ppt/presentation.xml"] != nil:
		return 0, unreadable(name, msgNotSheet, errors.New("a Word or PowerPoint document"))
	case has["[content_types].xml"] != nil:
		return formatXLSX, nil // a workbook with unusual part names: let excelize try
	case has["mimetype"] != nil:
		if f := has["mimetype"]; f.UncompressedSize64 < 200 {
			if rc, err := f.Open(); err == nil {
				b, _ := io.ReadAll(io.LimitReader(rc, 200))
				rc.Close()
				if strings.TrimSpace(string(b)) == odsMime {
					return formatODS, nil
				}
			}
		}
	case has["content.xml"] != nil && strings.HasSuffix(strings.ToLower(name), ".ods"):
		return formatODS, nil
	}
	return 0, unreadable(name, msgNotSheet, errors.New("zip archive that is not a workbook"))
}

// readXLSX reads a workbook with excelize, streaming the chosen sheet.
func (r *reader) readXLSX(data []byte) (t *catalog.Table, issues []catalog.Issue, err error) {
	defer func() {
		if p := recover(); p != nil {
			t, issues, err = nil, nil, unreadable(r.name, msgCorrupt, fmt.Errorf("excelize panic: %v", p))
		}
	}()
	if err := r.checkZipSize(data); err != nil {
		return nil, nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    r.lim.MaxUnzipped,
		UnzipXMLSizeLimit: r.lim.MaxXMLPart,
		// Excel shows the built-in short date (format 14) in the reader's
		// locale: an Italian clerk sees 31/12/2024. The explicit Italian
		// locale tag also spares excelize a scan of all its languages for
		// every date cell, which made dates the slowest cells to read.
		ShortDatePattern: "[$-410]dd/mm/yyyy",
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, nil, unreadable(r.name, msgTooBig, err)
		}
		return nil, nil, unreadable(r.name, msgCorrupt, err)
	}
	defer f.Close() // removes the temporary files of large parts
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		r.date1904 = *props.Date1904
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, unreadable(r.name, msgCorrupt, errors.New("workbook without sheets"))
	}
	if r.sheet != "" {
		name, ok := pickSheet(sheets, r.sheet)
		if !ok {
			return r.emptyTable(r.sheet), []catalog.Issue{r.sheetIssue(sheets)}, nil
		}
		t, issues, found, err := r.readXLSXSheet(f, name)
		if err != nil {
			return nil, nil, err
		}
		if !found {
			return r.emptyTable(name), append(issues, r.emptyIssue(name)), nil
		}
		return t, issues, nil
	}
	var firstErr error
	for _, name := range sheets {
		if visible, err := f.GetSheetVisible(name); err == nil && !visible {
			continue
		}
		t, issues, found, err := r.readXLSXSheet(f, name)
		if err != nil {
			var ie *Error
			if errors.As(err, &ie) || r.ctx.Err() != nil {
				return nil, nil, err
			}
			// a chart sheet or a broken sheet: try the next one
			firstErr = cmpOr(firstErr, err)
			continue
		}
		if found {
			return t, issues, nil
		}
	}
	if firstErr != nil {
		return nil, nil, unreadable(r.name, msgCorrupt, firstErr)
	}
	return r.emptyTable(""), []catalog.Issue{r.emptyIssue("")}, nil
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// checkZipSize refuses an archive whose parts add up to more than the
// limit once unpacked, or whose parts do not inflate to their declared size
// and checksum. Reading every part once costs little next to parsing it,
// and excelize ignores a part that stops short: a part lying about its
// size would otherwise be read truncated.
func (r *reader) checkZipSize(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return unreadable(r.name, msgCorrupt, err)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(r.lim.MaxUnzipped) {
			return unreadable(r.name, msgTooBig, fmt.Errorf("more than %d bytes once unpacked", r.lim.MaxUnzipped))
		}
	}
	buf := make([]byte, 32<<10)
	for i, f := range zr.File {
		if i&15 == 0 && r.ctx.Err() != nil {
			return fmt.Errorf("ingest %s: %w", r.name, r.ctx.Err())
		}
		rc, err := f.Open()
		if err != nil {
			return unreadable(r.name, msgCorrupt, fmt.Errorf("%s: %w", f.Name, err))
		}
		// archive/zip fails a read past the declared size
		_, err = io.CopyBuffer(io.Discard, rc, buf)
		rc.Close()
		if err != nil {
			return unreadable(r.name, msgCorrupt, fmt.Errorf("%s: %w", f.Name, err))
		}
	}
	return nil
}

// pickSheet finds a sheet by name, exactly or ignoring case and spaces.
func pickSheet(sheets []string, want string) (string, bool) {
	for _, s := range sheets {
		if s == want {
			return s, true
		}
	}
	for _, s := range sheets {
		if strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(want)) {
			return s, true
		}
	}
	return "", false
}

func (r *reader) sheetIssue(sheets []string) catalog.Issue {
	list := "«" + strings.Join(sheets, "», «") + "»"
	return catalog.Issue{
		Ref: r.ref("", 0, 0), Severity: catalog.Error, Rule: "sheet", Value: r.sheet,
		Message: catalog.Text{
			It: fmt.Sprintf("Il foglio «%s» non c'è nel file; i fogli sono: %s. Rinomina il foglio giusto in «%s» o carica il file giusto.", r.sheet, list, r.sheet),
			En: fmt.Sprintf("The sheet “%s” is not in the file; its sheets are: %s. Rename the right sheet to “%s” or send the right file.", r.sheet, list, r.sheet),
		},
	}
}

// readXLSXSheet streams one sheet. The shown text of each cell comes from
// one iterator; a second iterator over the same sheet, run in its own
// goroutine, gives the stored values (full-precision numbers, date
// serials).
func (r *reader) readXLSXSheet(f *excelize.File, sheet string) (*catalog.Table, []catalog.Issue, bool, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, nil, false, err
	}
	defer rows.Close()
	src := &xlsxSource{r: r, rows: rows}
	{
		raw, err := f.Rows(sheet)
		if err != nil {
			return nil, nil, false, err
		}
		stop := make(chan struct{})
		src.raw = make(chan rawBatch, 4)
		finished := make(chan struct{})
		go func() {
			defer close(finished)
			defer raw.Close()
			readRaw(raw, src.raw, stop)
		}()
		defer func() { close(stop); <-finished }()
	}
	t, issues, found, err := r.build(src, sheet)
	return t, issues, found, err
}

// rawBatch is a run of stored-value rows, in sheet order.
type rawBatch struct {
	rows [][]string
	err  error
}

// readRaw sends the stored values of every row (one entry per Next, nil
// for an empty row) until the sheet ends or stop is closed.
func readRaw(raw *excelize.Rows, out chan<- rawBatch, stop <-chan struct{}) {
	defer close(out)
	send := func(b rawBatch) bool {
		select {
		case out <- b:
			return true
		case <-stop:
			return false
		}
	}
	defer func() {
		if p := recover(); p != nil {
			send(rawBatch{err: fmt.Errorf("excelize panic: %v", p)})
		}
	}()
	batch := make([][]string, 0, 512)
	for raw.Next() {
		cells, err := raw.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			send(rawBatch{err: err})
			return
		}
		batch = append(batch, cells)
		if len(batch) == cap(batch) {
			if !send(rawBatch{rows: batch}) {
				return
			}
			batch = make([][]string, 0, 512)
		}
	}
	if err := raw.Error(); err != nil {
		send(rawBatch{rows: batch, err: err})
		return
	}
	if len(batch) > 0 {
		send(rawBatch{rows: batch})
	}
}

type xlsxSource struct {
	r    *reader
	rows *excelize.Rows
	raw  chan rawBatch
	pend [][]string // stored values received and not used yet
	line int
	kind []byte
}

// nextRaw returns the stored values of the next row.
func (s *xlsxSource) nextRaw() ([]string, error) {
	for len(s.pend) == 0 {
		b, ok := <-s.raw
		if !ok {
			return nil, errors.New("sheet iterators out of step")
		}
		if b.err != nil && len(b.rows) == 0 {
			return nil, b.err
		}
		s.pend = b.rows
	}
	row := s.pend[0]
	s.pend = s.pend[1:]
	return row, nil
}

func (s *xlsxSource) next() (srcRow, bool, error) {
	for s.rows.Next() {
		s.line++
		if s.line&4095 == 0 {
			if err := s.r.ctx.Err(); err != nil {
				return srcRow{}, false, fmt.Errorf("ingest %s: %w", s.r.name, err)
			}
		}
		text, err := s.rows.Columns()
		if err != nil {
			return srcRow{}, false, unreadable(s.r.name, msgCorrupt, err)
		}
		row := srcRow{line: s.line, text: text}
		if s.raw != nil {
			raw, err := s.nextRaw()
			if err != nil {
				return srcRow{}, false, unreadable(s.r.name, msgCorrupt, err)
			}
			if len(text) == 0 && len(raw) == 0 {
				continue
			}
			// shown and stored rows may differ in length when a format
			// shows a value as empty
			n := max(len(text), len(raw))
			for len(text) < n {
				text = append(text, "")
			}
			for len(raw) < n {
				raw = append(raw, "")
			}
			if cap(s.kind) < n {
				s.kind = make([]byte, n)
			}
			s.kind = s.kind[:n]
			for i := range s.kind {
				s.kind[i] = 'n' // a stored value: read as a number when it parses as one
				if text[i] != raw[i] && text[i] != "" {
					text[i] = italianDisplay(text[i], raw[i])
				}
			}
			row.text, row.raw, row.kind = text, raw, s.kind
		}
		if len(row.text) == 0 {
			continue
		}
		if len(row.text) > s.r.lim.MaxCols {
			row.text = row.text[:s.r.lim.MaxCols]
			if row.raw != nil {
				row.raw, row.kind = row.raw[:s.r.lim.MaxCols], row.kind[:s.r.lim.MaxCols]
			}
		}
		return row, true, nil
	}
	if err := s.rows.Error(); err != nil {
		return srcRow{}, false, unreadable(s.r.name, msgCorrupt, err)
	}
	return srcRow{}, false, nil
}

// italianDisplay rewrites a number excelize formatted with English
// separators ("1,234.57", "12.50%", "€ 1,200.00") as an Italian clerk's
// Excel shows it ("1.234,57", "12,50%", "€ 1.200,00"). Only cells whose
// stored value is a number and whose display differs from it (a number
// format was applied) are touched, and only a run of digits that reads as
// an English number: dates such as 31.12.2024 stay as they are.
func italianDisplay(text, raw string) string {
	if _, err := strconv.ParseFloat(raw, 64); err != nil {
		return text
	}
	start := strings.IndexAny(text, "0123456789")
	if start < 0 {
		return text
	}
	end := start
	for end < len(text) && (text[end] >= '0' && text[end] <= '9' || text[end] == '.' || text[end] == ',') {
		end++
	}
	core := text[start:end]
	if !strings.ContainsAny(core, ".,") || !englishNumber(core) {
		return text
	}
	b := []byte(core)
	for i, c := range b {
		switch c {
		case '.':
			b[i] = ','
		case ',':
			b[i] = '.'
		}
	}
	return text[:start] + string(b) + text[end:]
}

// englishNumber matches 1234, 1234.5, 1,234 and 1,234,567.89.
func englishNumber(s string) bool {
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && (frac == "" || strings.ContainsAny(frac, ".,")) {
		return false
	}
	groups := strings.Split(intPart, ",")
	for i, g := range groups {
		if g == "" || (len(groups) > 1 && (i == 0 && len(g) > 3 || i > 0 && len(g) != 3)) {
			return false
		}
	}
	return true
}
