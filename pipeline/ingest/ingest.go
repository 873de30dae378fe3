// Package ingest reads the spreadsheets published or uploaded by comuni (CSV,
// XLSX/XLSM, ODS) into a catalog.Table: it finds the header row, maps the
// columns to the fields of a schema and normalises Italian numbers, dates and
// booleans, keeping the position of every cell.
//
// Bad data is reported as issues or as a Problem on the cell; an error is
// returned only when the file cannot be read at all.
//
// The format comes from the content (zip with xl/workbook.xml, zip with the
// ODS mimetype, OLE2 for the old .xls we refuse), the name only breaking
// ties. CSV text is UTF-8 (with or without BOM), UTF-16 with BOM, or else
// Windows-1252; the delimiter is the one of ',' ';' tab that splits the
// first lines most consistently.
//
// Numbers are read the Italian way first: "1.234,56", "114.000.000",
// "1.200" (a single dot followed by three digits is a thousands separator),
// "350,00"; "1,234.56" is read as English because it cannot be Italian.
// Workbook cells give their stored value, so an XLSX/ODS number keeps its
// full precision whatever its display format; the text shown is kept as
// Cell.Raw. An XLSX cell holding the text "1.200" in a number field is read
// as the stored value 1.2, since excelize's streaming reader does not tell
// text cells from number cells.
//
// The columns of an open schema that match no field (free tables) get
// their type from all their values (infer.go): integer, number, date,
// datetime, boolean, or text, with codes (leading zeros, or a header that
// names an identifier such as codice, CUP, CIG, partita IVA) kept as text.
// A CSV column's numbers are read the Italian way unless the column itself
// says otherwise: a lone "1.234" is thousands, unless other values of the
// column write "1.5". A column of mixed shapes stays text, with a
// "type-unsure" warning. Column.Type is set for every column.
package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Options tell Read what to look for.
type Options struct {
	// Schema gives the fields to match headers against and to type cells.
	// An Open schema also turns every other header into a field named
	// after the header (lowercase, a-z0-9 and _), typed from its values. A
	// nil Schema is read as an empty open schema.
	Schema *catalog.Schema
	// Sheet is the sheet to read in a workbook; "" means the first visible
	// sheet with data.
	Sheet string
	// Limits bound the work done on one file; the zero value means the
	// defaults below.
	Limits Limits
}

// Limits bound the memory and time spent on a file. Zero fields take the
// defaults.
type Limits struct {
	MaxBytes    int64 // size of the file; default 50 MiB
	MaxUnzipped int64 // XLSX/ODS total uncompressed size; default 200 MiB
	// MaxXMLPart is the largest XLSX part (sheet, shared strings) excelize
	// keeps in memory; larger parts are spilled to a temporary file.
	// Default 16 MiB.
	MaxXMLPart int64
	MaxRows    int // data rows; default 2,000,000
	MaxCols    int // columns of the header and of a row; default 16,384
	// MaxCells caps rows × columns of the table kept in memory; default
	// 10,000,000.
	MaxCells int
	// MaxRepeat caps the rows and cells that ODS "repeated" attributes may
	// add for non-empty content (empty repeats cost nothing); default
	// 100,000.
	MaxRepeat int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 50 << 20
	}
	if l.MaxUnzipped <= 0 {
		l.MaxUnzipped = 200 << 20
	}
	if l.MaxXMLPart <= 0 {
		l.MaxXMLPart = 16 << 20
	}
	if l.MaxXMLPart > l.MaxUnzipped {
		l.MaxXMLPart = l.MaxUnzipped
	}
	if l.MaxRows <= 0 {
		l.MaxRows = 2_000_000
	}
	if l.MaxCols <= 0 {
		l.MaxCols = 16_384
	}
	if l.MaxCells <= 0 {
		l.MaxCells = 10_000_000
	}
	if l.MaxRepeat <= 0 {
		l.MaxRepeat = 100_000
	}
	return l
}

// ErrUnreadable is matched (errors.Is) by every *Error: the file cannot be
// read as a spreadsheet at all.
var ErrUnreadable = errors.New("file is not a readable spreadsheet")

// Error is returned for a file that cannot be read at all. Message is meant
// for the clerk who sent the file.
type Error struct {
	Ref     catalog.Ref
	Message catalog.Text
	Err     error
}

func (e *Error) Error() string {
	s := "ingest " + e.Ref.String() + ": " + e.Message.In("en")
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes every *Error match ErrUnreadable.
func (e *Error) Is(target error) bool { return target == ErrUnreadable }

// Messages of unreadable files, in the clerk's words.
var (
	msgNotSheet = catalog.Text{
		It: "Il file non è un foglio di calcolo leggibile: salvalo come .xlsx o .csv e riprova",
		En: "The file is not a readable spreadsheet: save it as .xlsx or .csv and try again",
	}
	msgOldXLS = catalog.Text{
		It: "Il file è nel vecchio formato Excel 97-2003 (.xls), che non leggiamo: aprilo e salvalo come .xlsx (Cartella di lavoro di Excel) o .csv, poi riprova",
		En: "The file is in the old Excel 97-2003 format (.xls), which we do not read: open it and save it as .xlsx (Excel Workbook) or .csv, then try again",
	}
	msgEncrypted = catalog.Text{
		It: "Il file è protetto da password: toglila (File > Informazioni > Proteggi cartella di lavoro) e salvalo di nuovo come .xlsx, poi riprova",
		En: "The file is protected by a password: remove it (File > Info > Protect Workbook) and save it again as .xlsx, then try again",
	}
	msgXLSB = catalog.Text{
		It: "Il file è una cartella di lavoro binaria di Excel (.xlsb), che non leggiamo: salvalo come .xlsx o .csv e riprova",
		En: "The file is an Excel binary workbook (.xlsb), which we do not read: save it as .xlsx or .csv and try again",
	}
	msgHTML = catalog.Text{
		It: "Il file è una pagina web (HTML), non un foglio di calcolo, anche se il nome finisce in .xls: aprilo con Excel o LibreOffice e salvalo come .xlsx o .csv, poi riprova",
		En: "The file is a web page (HTML), not a spreadsheet, even if its name ends in .xls: open it in Excel or LibreOffice and save it as .xlsx or .csv, then try again",
	}
	msgCorrupt = catalog.Text{
		It: "Il file è danneggiato o incompleto e non si apre: scaricalo o esportalo di nuovo, salvalo come .xlsx o .csv e riprova",
		En: "The file is damaged or incomplete and cannot be opened: download or export it again, save it as .xlsx or .csv and try again",
	}
	msgRenamed = catalog.Text{
		It: "Il nome del file finisce in .xlsx (o .ods) ma il contenuto è testo, non una cartella di lavoro: se è un CSV, rinominalo in .csv; altrimenti aprilo con Excel o LibreOffice, salvalo di nuovo come .xlsx e riprova",
		En: "The file name ends in .xlsx (or .ods) but the content is text, not a workbook: if it is a CSV, rename it to .csv; otherwise open it in Excel or LibreOffice, save it again as .xlsx and try again",
	}
	msgTooBig = catalog.Text{
		It: "Il file è troppo grande per essere letto: dividilo in file più piccoli o togli fogli e colonne che non servono, poi riprova",
		En: "The file is too big to be read: split it into smaller files or remove the sheets and columns that are not needed, then try again",
	}
)

func unreadable(name string, msg catalog.Text, err error) *Error {
	return &Error{Ref: catalog.Ref{File: name}, Message: msg, Err: err}
}

// format is the kind of file found by sniffing.
type format int

const (
	formatText format = iota
	formatXLSX
	formatODS
)

// Read reads one file. name is the file name as the clerk knows it: it goes
// into every Ref and helps pick the format, together with the content.
func Read(ctx context.Context, name string, data []byte, opt Options) (t *catalog.Table, issues []catalog.Issue, err error) {
	defer func() {
		// A file must never bring the pipeline down: a bug met on a strange
		// file becomes an unreadable file, with the panic kept in Err.
		if p := recover(); p != nil {
			t, issues, err = nil, nil, unreadable(name, msgCorrupt, fmt.Errorf("internal error: %v", p))
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("ingest %s: %w", name, err)
	}
	lim := opt.Limits.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return nil, nil, unreadable(name, msgTooBig, fmt.Errorf("%d bytes, limit %d", len(data), lim.MaxBytes))
	}
	schema := opt.Schema
	if schema == nil {
		schema = &catalog.Schema{Open: true}
	}
	r := &reader{ctx: ctx, name: name, schema: schema, lim: lim, sheet: opt.Sheet}
	if len(bytes.TrimSpace(data)) == 0 {
		return r.emptyTable(""), []catalog.Issue{r.emptyIssue("")}, nil
	}
	f, err := sniff(name, data)
	if err != nil {
		return nil, nil, err
	}
	switch f {
	case formatXLSX:
		return r.readXLSX(data)
	case formatODS:
		return r.readODS(data)
	default:
		return r.readCSV(data)
	}
}

// sniff decides the format from the content, and the name where the
// content does not say.
func sniff(name string, data []byte) (format, error) {
	ext := strings.ToLower(path.Ext(name))
	switch {
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		// OLE2 compound file: an old .xls, or an encrypted OOXML package.
		if bytes.Contains(data, utf16le("EncryptionInfo")) || bytes.Contains(data, utf16le("EncryptedPackage")) {
			return 0, unreadable(name, msgEncrypted, errors.New("encrypted OOXML package"))
		}
		return 0, unreadable(name, msgOldXLS, errors.New("OLE2 compound file (BIFF .xls)"))
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return sniffZip(name, data)
	case bytes.HasPrefix(data, []byte("%PDF")):
		return 0, unreadable(name, msgNotSheet, errors.New("PDF document"))
	}
	head := data
	if len(head) > 8192 {
		head = head[:8192]
	}
	if looksHTML(head) {
		return 0, unreadable(name, msgHTML, errors.New("HTML document"))
	}
	if !bytes.HasPrefix(data, []byte{0xFF, 0xFE}) && !bytes.HasPrefix(data, []byte{0xFE, 0xFF}) && bytes.IndexByte(head, 0) >= 0 {
		return 0, unreadable(name, msgNotSheet, fmt.Errorf("binary content (extension %q)", ext))
	}
	// A workbook is a zip archive: text under a workbook's name is a file
	// renamed by hand or cut short, and reading it as CSV would only give
	// a confusing report. (Text named .xls is common from old programs
	// and is read as CSV.)
	switch ext {
	case ".xlsx", ".xlsm", ".ods":
		return 0, unreadable(name, msgRenamed, fmt.Errorf("plain text named %q", ext))
	}
	return formatText, nil
}

func looksHTML(head []byte) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(h) == 0 || h[0] != '<' {
		return false
	}
	l := bytes.ToLower(h)
	return bytes.Contains(l, []byte("<html")) || bytes.Contains(l, []byte("<table")) || bytes.HasPrefix(l, []byte("<!doctype html"))
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}
