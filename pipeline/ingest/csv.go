package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// readCSV reads a delimited text file.
func (r *reader) readCSV(data []byte) (*catalog.Table, []catalog.Issue, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, nil, unreadable(r.name, msgNotSheet, err)
	}
	comma := sniffDelimiter(text, strings.ToLower(path.Ext(r.name)) == ".tsv")
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = comma
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	src := &csvSource{r: cr}
	t, issues, found, err := r.build(src, "")
	if err != nil {
		return nil, nil, err
	}
	if src.err != nil {
		issues = append(issues, r.csvIssue(src.err))
	}
	if !found {
		return r.emptyTable(""), append(issues, r.emptyIssue("")), nil
	}
	return t, issues, nil
}

// csvIssue reports a syntax error that stopped reading: the rows before
// it are kept.
func (r *reader) csvIssue(err error) catalog.Issue {
	is := catalog.Issue{Severity: catalog.Error, Rule: "csv", Ref: catalog.Ref{File: r.name}}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		is.Ref.Row, is.Ref.Col = pe.StartLine, pe.Column
	}
	is.Message = catalog.Text{
		It: fmt.Sprintf("Il file CSV è scritto male dalla riga %d (%v): la lettura si è fermata lì. Controlla le virgolette in quella riga, oppure esporta di nuovo il file dal foglio di calcolo.", is.Ref.Row, err),
		En: fmt.Sprintf("The CSV file is malformed from line %d (%v): reading stopped there. Check the quotes on that line, or export the file again from the spreadsheet.", is.Ref.Row, err),
	}
	return is
}

// csvSource yields the records of a CSV reader.
type csvSource struct {
	r   *csv.Reader
	err error // syntax error that ended the file early
}

func (s *csvSource) next() (srcRow, bool, error) {
	rec, err := s.r.Read()
	if err == io.EOF {
		return srcRow{}, false, nil
	}
	if err != nil {
		s.err = err
		return srcRow{}, false, nil
	}
	line, _ := s.r.FieldPos(0)
	end, _ := s.r.FieldPos(len(rec) - 1)
	return srcRow{line: line, end: end, text: rec}, true, nil
}

// decodeText returns the file as UTF-8 without a byte order mark: UTF-8
// files as they are, UTF-16 files with a BOM (Excel's "Unicode text")
// decoded, anything else read as Windows-1252 (a superset of Latin-1 that
// Italian Windows machines write).
func decodeText(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		data = data[3:]
		if utf8.Valid(data) {
			return data, nil
		}
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		out, err := dec.Bytes(data)
		if err != nil {
			return nil, fmt.Errorf("decoding UTF-16: %w", err)
		}
		return bytes.TrimPrefix(out, []byte("\xef\xbb\xbf")), nil
	case utf8.Valid(data):
		return data, nil
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return nil, fmt.Errorf("decoding Windows-1252: %w", err)
	}
	return out, nil
}

// sniffDelimiter picks among ',', ';' and tab the one that splits the first
// lines into the same number (more than one) of fields most often; on a
// tie, the one giving more fields. Quotes are honoured, so a quoted
// multi-line header cell does not break the count.
func sniffDelimiter(text []byte, tsv bool) rune {
	head := text
	if len(head) > 64<<10 {
		head = head[:64<<10]
		if i := bytes.LastIndexByte(head, '\n'); i > 0 {
			head = head[:i+1]
		}
	}
	best, bestScore, bestWidth := ',', 0, 0
	if tsv {
		best = '\t'
	}
	for _, c := range []rune{';', ',', '\t'} {
		cr := csv.NewReader(bytes.NewReader(head))
		cr.Comma = c
		cr.LazyQuotes = true
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		counts := map[int]int{}
		for n := 0; n < 50; n++ {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			if len(rec) > 1 {
				counts[len(rec)]++
			}
		}
		score, width := 0, 0
		for w, n := range counts {
			if n > score || n == score && w > width {
				score, width = n, w
			}
		}
		if score > bestScore || score == bestScore && score > 0 && width > bestWidth {
			best, bestScore, bestWidth = c, score, width
		}
	}
	return best
}
