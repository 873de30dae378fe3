package ingest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// No maintained Go library reads ODS in a streaming way with size limits
// (the ones found load the whole document into a tree), so content.xml is
// read here token by token with encoding/xml.

// readODS reads an OpenDocument spreadsheet.
func (r *reader) readODS(data []byte) (*catalog.Table, []catalog.Issue, error) {
	if err := r.checkZipSize(data); err != nil {
		return nil, nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, unreadable(r.name, msgCorrupt, err)
	}
	var content *zip.File
	for _, f := range zr.File {
		if f.Name == "content.xml" {
			content = f
		}
		if f.Name == "encrypted-package" || strings.HasPrefix(f.Name, "META-INF/manifest.xml") && f.UncompressedSize64 < 1<<20 && odsEncrypted(f) {
			return nil, nil, unreadable(r.name, msgEncrypted, errors.New("encrypted ODS"))
		}
	}
	if content == nil {
		return nil, nil, unreadable(r.name, msgCorrupt, errors.New("ODS without content.xml"))
	}
	rc, err := content.Open()
	if err != nil {
		return nil, nil, unreadable(r.name, msgCorrupt, err)
	}
	defer rc.Close()
	s := &odsSource{r: r, dec: xml.NewDecoder(io.LimitReader(rc, r.lim.MaxUnzipped)), budget: r.lim.MaxRepeat, hidden: map[string]bool{}}
	var names []string
	for {
		name, hidden, ok, err := s.nextTable()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			break
		}
		names = append(names, name)
		if r.sheet != "" {
			if _, match := pickSheet([]string{name}, r.sheet); !match {
				if err := s.skipTable(); err != nil {
					return nil, nil, err
				}
				continue
			}
		} else if hidden {
			if err := s.skipTable(); err != nil {
				return nil, nil, err
			}
			continue
		}
		t, issues, found, err := r.build(s, name)
		if err != nil {
			return nil, nil, err
		}
		if found {
			return t, issues, nil
		}
		if r.sheet != "" {
			return r.emptyTable(name), append(issues, r.emptyIssue(name)), nil
		}
	}
	if r.sheet != "" {
		return r.emptyTable(r.sheet), []catalog.Issue{r.sheetIssue(names)}, nil
	}
	if len(names) == 0 {
		return nil, nil, unreadable(r.name, msgCorrupt, errors.New("ODS without tables"))
	}
	return r.emptyTable(""), []catalog.Issue{r.emptyIssue("")}, nil
}

// odsEncrypted reports whether the manifest declares encrypted parts.
func odsEncrypted(f *zip.File) bool {
	rc, err := f.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
	return bytes.Contains(b, []byte("encryption-data"))
}

// odsSource streams the rows of the tables of content.xml.
type odsSource struct {
	r      *reader
	dec    *xml.Decoder
	line   int
	budget int // rows and cells that repeats of content may still add
	hidden map[string]bool
	style  string // table style being declared
	// the last non-empty row, repeated rep more times
	cur srcRow
	rep int
	n   int
}

func (s *odsSource) fail(err error) error {
	if s.r.ctx.Err() != nil {
		return fmt.Errorf("ingest %s: %w", s.r.name, s.r.ctx.Err())
	}
	return unreadable(s.r.name, msgCorrupt, fmt.Errorf("content.xml: %w", err))
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func repeat(se xml.StartElement, local string) int {
	v := attr(se, local)
	if v == "" {
		return 1
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// nextTable advances to the next table:table, noting on the way which
// table styles hide their table.
func (s *odsSource) nextTable() (name string, hidden, ok bool, err error) {
	s.line, s.rep = 0, 0
	for {
		tok, err := s.dec.Token()
		if err == io.EOF {
			return "", false, false, nil
		}
		if err != nil {
			return "", false, false, s.fail(err)
		}
		se, isStart := tok.(xml.StartElement)
		if !isStart {
			continue
		}
		switch se.Name.Local {
		case "style":
			if attr(se, "family") == "table" {
				s.style = attr(se, "name")
			}
		case "table-properties":
			if attr(se, "display") == "false" && s.style != "" {
				s.hidden[s.style] = true
			}
		case "table":
			if strings.Contains(se.Name.Space, ":table:") {
				return attr(se, "name"), s.hidden[attr(se, "style-name")], true, nil
			}
		}
	}
}

// skipTable skips the rest of the current table.
func (s *odsSource) skipTable() error {
	if err := s.dec.Skip(); err != nil {
		return s.fail(err)
	}
	return nil
}

func (s *odsSource) next() (srcRow, bool, error) {
	if s.rep > 0 {
		s.rep--
		s.line++
		s.cur.line = s.line
		return s.cur, true, nil
	}
	for {
		s.n++
		if s.n&1023 == 0 {
			if err := s.r.ctx.Err(); err != nil {
				return srcRow{}, false, fmt.Errorf("ingest %s: %w", s.r.name, err)
			}
		}
		tok, err := s.dec.Token()
		if err != nil {
			return srcRow{}, false, s.fail(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local == "table" && strings.Contains(t.Name.Space, ":table:") {
				return srcRow{}, false, nil
			}
		case xml.StartElement:
			if t.Name.Local != "table-row" {
				continue
			}
			rep := repeat(t, "number-rows-repeated")
			row, err := s.readRow()
			if err != nil {
				return srcRow{}, false, err
			}
			if row.blank() {
				s.line += rep // empty rows, however many, cost nothing
				continue
			}
			if rep > 1 {
				s.budget -= (rep - 1) * max(1, len(row.text))
				if s.budget < 0 {
					return srcRow{}, false, unreadable(s.r.name, msgTooBig, errors.New("repeated rows expand beyond the limit"))
				}
				s.rep = rep - 1
			}
			s.line++
			row.line = s.line
			s.cur = row
			return row, true, nil
		}
	}
}

// readRow reads the cells of a table:table-row up to its end.
func (s *odsSource) readRow() (srcRow, error) {
	var row srcRow
	col := 0 // columns seen, including empty ones not stored
	for {
		tok, err := s.dec.Token()
		if err != nil {
			return row, s.fail(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local == "table-row" {
				return row, nil
			}
		case xml.StartElement:
			if t.Name.Local != "table-cell" && t.Name.Local != "covered-table-cell" {
				if err := s.dec.Skip(); err != nil {
					return row, s.fail(err)
				}
				continue
			}
			rep := repeat(t, "number-columns-repeated")
			text, err := s.cellText()
			if err != nil {
				return row, err
			}
			var raw string
			var k byte
			switch attr(t, "value-type") {
			case "float", "percentage", "currency":
				raw, k = attr(t, "value"), 'n'
			case "date":
				raw, k = attr(t, "date-value"), 'd'
			case "boolean":
				raw, k = attr(t, "boolean-value"), 'b'
			}
			if text == "" && raw != "" {
				text = raw
			}
			if text == "" {
				col += rep
				continue
			}
			if col+rep > s.r.lim.MaxCols {
				return row, unreadable(s.r.name, msgTooBig, fmt.Errorf("more than %d columns", s.r.lim.MaxCols))
			}
			if rep > 1 {
				s.budget -= rep - 1
				if s.budget < 0 {
					return row, unreadable(s.r.name, msgTooBig, errors.New("repeated cells expand beyond the limit"))
				}
			}
			for len(row.text) < col {
				row.text = append(row.text, "")
				row.raw = append(row.raw, "")
				row.kind = append(row.kind, 0)
			}
			for range rep {
				row.text = append(row.text, text)
				row.raw = append(row.raw, raw)
				row.kind = append(row.kind, k)
			}
			col += rep
		}
	}
}

// cellText reads the paragraphs of a cell, one line each, leaving out
// comments.
func (s *odsSource) cellText() (string, error) {
	var b strings.Builder
	depth, paras := 0, 0
	for {
		tok, err := s.dec.Token()
		if err != nil {
			return "", s.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "annotation":
				if err := s.dec.Skip(); err != nil {
					return "", s.fail(err)
				}
				continue
			case "p", "h":
				if paras > 0 {
					b.WriteByte('\n')
				}
				paras++
			case "s":
				n := min(repeat(t, "c"), 1000)
				b.WriteString(strings.Repeat(" ", n))
			case "tab":
				b.WriteByte('\t')
			case "line-break":
				b.WriteByte('\n')
			}
			depth++
		case xml.EndElement:
			if depth == 0 {
				return b.String(), nil
			}
			depth--
		case xml.CharData:
			if depth > 0 {
				if b.Len()+len(t) > 1<<20 {
					return "", unreadable(s.r.name, msgTooBig, errors.New("cell text over 1 MiB"))
				}
				b.Write(t)
			}
		}
	}
}
