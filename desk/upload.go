package desk

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// result is the outcome of one upload, kept in the session for the answer
// page and the annotated workbook.
type result struct {
	ID       string
	Time     time.Time
	Dataset  catalog.Dataset
	File     string // the name the clerk sent
	Name     string // the safe name it is stored under
	Size     int64
	SHA256   string
	Accepted bool
	Rows     int
	Issues   []issueView
	Errors   int
	Warnings int
	// Workbook is the clerk's file with the issues marked; nil when there
	// is nothing to mark or the file could not be opened.
	Workbook     []byte
	WorkbookName string
	// XML is set for ANAC's XML: issues point at lines, not cells.
	XML bool
}

// issueView is an issue as the answer page shows it.
type issueView struct {
	Where    string
	Field    catalog.Text
	Value    string
	Message  catalog.Text
	Warning  bool
	Rule     string
	Original catalog.Issue
}

// report is the report.json kept beside a quarantined file.
type report struct {
	Dataset string          `json:"dataset"`
	File    string          `json:"file"`
	Time    time.Time       `json:"time"`
	User    string          `json:"user"`
	Size    int64           `json:"size"`
	SHA256  string          `json:"sha256"`
	Issues  []catalog.Issue `json:"issues"`
}

// allowed are the extensions the desk takes.
var allowed = map[string]bool{".xlsx": true, ".xlsm": true, ".csv": true, ".ods": true}

// l190Schema is the pipeline's built-in schema of public-contract files
// (pipeline.L190Schema): its datasets also take ANAC's XML, which the
// pipeline's reader guards itself (entity and nesting bombs, HTML pages,
// oversized elements).
const l190Schema = "l190"

// takesXML reports whether a dataset takes ANAC's L. 190 XML.
func takesXML(ds catalog.Dataset) bool { return ds.Schema == l190Schema }

// accepts reports whether the desk takes a file of extension ext for ds.
func accepts(ds catalog.Dataset, ext string) bool {
	return allowed[ext] || ext == ".xml" && takesXML(ds)
}

func (d *Desk) upload(w http.ResponseWriter, r *http.Request) {
	ss := d.session(r)
	acc, ok := d.account(ss)
	if !ok {
		d.fail(w, r, http.StatusForbidden, msgSignedOut)
		return
	}
	now := d.now()
	if ok, wait := d.uploads.allow(acc.User, now); !ok {
		d.tooMany(w, r, wait, catalog.Text{
			It: fmt.Sprintf("Hai già inviato %d file in poco tempo.", d.cfg.UploadsPerAccount.N),
			En: fmt.Sprintf("You have already sent %d files in a short time.", d.cfg.UploadsPerAccount.N),
		})
		return
	}
	// the whole upload, reading included, must end in time
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(d.cfg.UploadTimeout)) // real time, not the desk clock
	ctx, cancel := context.WithTimeout(r.Context(), d.cfg.UploadTimeout)
	defer cancel()

	r.Body = http.MaxBytesReader(w, r.Body, d.cfg.MaxFileSize+64<<10)
	form, err := d.readForm(r)
	rec := AuditRecord{Time: now.UTC(), User: acc.User, Comune: acc.Comune, Address: d.clientAddress(r), Result: ResultRefused}
	if err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig) || errors.Is(err, errFileTooBig):
			if !csrfOK(ss, form.csrf) && form.csrf != "" {
				d.fail(w, r, http.StatusForbidden, msgCSRF)
				return
			}
			rec.Dataset, rec.File, rec.Size, rec.Reason = form.dataset, form.filename, form.size, "too-big"
			d.audit(ctx, rec)
			msg := catalog.Text{
				It: fmt.Sprintf("Il file è troppo grande: il limite è %s. Togli fogli, colonne o righe che non servono, oppure salvalo come .csv, e riprova.", humanSize("it", d.cfg.MaxFileSize)),
				En: fmt.Sprintf("The file is too big: the limit is %s. Remove sheets, columns or rows that are not needed, or save it as .csv, and try again.", humanSize("en", d.cfg.MaxFileSize)),
			}
			if strings.EqualFold(path.Ext(form.filename), ".xml") {
				// ANAC's XML cannot be trimmed by the clerk: the portal can
				// pull it from its address instead.
				msg = catalog.Text{
					It: fmt.Sprintf("Il file XML è troppo grande per lo sportello: il limite è %s. Pubblicalo sul sito dell'ente e chiedi alla Provincia di indicarne l'indirizzo come fonte del dataset: il portale lo scaricherà da lì.", humanSize("it", d.cfg.MaxFileSize)),
					En: fmt.Sprintf("The XML file is too big for the desk: the limit is %s. Publish it on your administration's website and ask the Province to set its address as the dataset's source: the portal will fetch it from there.", humanSize("en", d.cfg.MaxFileSize)),
				}
			}
			d.fail(w, r, http.StatusRequestEntityTooLarge, msg)
		case isTimeout(err):
			rec.Dataset, rec.File, rec.Size, rec.Reason = form.dataset, form.filename, form.size, "timeout"
			d.audit(ctx, rec)
			d.fail(w, r, http.StatusRequestTimeout, msgTimeout)
		default:
			d.log.Info("desk upload form", "user", acc.User, "err", err)
			d.fail(w, r, http.StatusBadRequest, catalog.Text{
				It: "Il modulo non è arrivato intero. Riprova; se succede ancora, controlla la connessione.",
				En: "The form did not arrive whole. Try again; if it happens again, check your connection.",
			})
		}
		return
	}
	if !csrfOK(ss, form.csrf) {
		d.fail(w, r, http.StatusForbidden, msgCSRF)
		return
	}
	ds, ok := d.cfg.Catalog.Dataset(form.dataset)
	if !ok || ds.Publisher != acc.Comune {
		d.log.Warn("desk upload to a dataset of another administration", "user", acc.User, "comune", acc.Comune, "dataset", form.dataset)
		d.fail(w, r, http.StatusForbidden, catalog.Text{
			It: "Non puoi caricare file per questo insieme di dati: non è del tuo ente. Scegli uno dei tuoi insiemi di dati nell'elenco.",
			En: "You cannot upload files for this dataset: it does not belong to your administration. Choose one of your datasets from the list.",
		})
		return
	}
	if form.filename == "" || len(form.data) == 0 {
		d.fail(w, r, http.StatusBadRequest, catalog.Text{
			It: "Non è arrivato nessun file, o il file è vuoto. Scegli il file con «Sfoglia» e premi «Invia e controlla».",
			En: "No file arrived, or the file is empty. Choose the file with \"Browse\" and press \"Send and check\".",
		})
		return
	}

	sum := sha256.Sum256(form.data)
	res := &result{
		ID: randomToken()[:16], Time: now, Dataset: ds, File: form.filename,
		Name: safeName(form.filename), Size: int64(len(form.data)), SHA256: hex.EncodeToString(sum[:]),
	}
	res.XML = strings.EqualFold(path.Ext(res.Name), ".xml")
	rec.Dataset, rec.File, rec.Size, rec.SHA256 = ds.ID, form.filename, res.Size, res.SHA256

	issues, table, reason, err := d.check(ctx, ds, res.Name, form.data)
	if err != nil {
		if ctx.Err() != nil {
			rec.Reason = "timeout"
			d.audit(ctx, rec)
			d.fail(w, r, http.StatusServiceUnavailable, msgTimeout)
			return
		}
		d.log.Error("desk check", "dataset", ds.ID, "err", err)
		d.fail(w, r, http.StatusInternalServerError, catalog.Text{
			It: "Il controllo del file non è riuscito per un problema del programma, non del file. Riprova più tardi; se succede ancora, avvisa la Provincia.",
			En: "Checking the file failed because of a problem in the program, not in the file. Try again later; if it happens again, tell the Province.",
		})
		return
	}
	d.fill(res, issues, table, d.cfg.Checker)
	res.Accepted = !catalog.Blocking(issues)
	rec.Errors, rec.Warnings = res.Errors, res.Warnings
	if len(issues) > 0 && reason == "" {
		res.Workbook, res.WorkbookName = d.annotate(ctx, res, form.data, table, issues)
	}

	// store: accepted files in the inbox, refused ones in quarantine
	if res.Accepted {
		rec.Result = ResultAccepted
		err = d.cfg.Inbox.Put(context.WithoutCancel(ctx), ds.ID, res.Name, form.data, rec)
	} else {
		rec.Reason = reason
		if rec.Reason == "" {
			rec.Reason = firstRule(issues)
		}
		rep, _ := json.MarshalIndent(report{Dataset: ds.ID, File: form.filename, Time: rec.Time, User: acc.User, Size: res.Size, SHA256: res.SHA256, Issues: issues}, "", "  ")
		err = d.cfg.Inbox.Quarantine(context.WithoutCancel(ctx), ds.ID, res.Name, form.data, rep, rec)
	}
	if err != nil {
		d.log.Error("desk store", "dataset", ds.ID, "err", err)
		d.fail(w, r, http.StatusInternalServerError, catalog.Text{
			It: "Il file è stato controllato ma non è stato possibile salvarlo. Riprova più tardi; se succede ancora, avvisa la Provincia.",
			En: "The file was checked but could not be saved. Try again later; if it happens again, tell the Province.",
		})
		return
	}
	d.log.Info("desk upload", "user", acc.User, "dataset", ds.ID, "file", res.Name, "size", res.Size, "result", rec.Result, "errors", res.Errors, "warnings", res.Warnings)
	d.sessions.keep(ss, res)
	d.renderResult(w, r, ss, res)
}

var msgTimeout = catalog.Text{
	It: "Il file ha richiesto troppo tempo per essere ricevuto o controllato. Riprova con una connessione migliore o con un file più piccolo.",
	En: "The file took too long to receive or check. Try again with a better connection or a smaller file.",
}

// isTimeout reports whether reading the upload ran out of time.
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &t) && t.Timeout()
}

func (d *Desk) audit(ctx context.Context, rec AuditRecord) {
	if err := d.cfg.Inbox.Audit(context.WithoutCancel(ctx), rec); err != nil {
		d.log.Error("desk audit", "err", err)
	}
}

// check runs the desk's own limits, then the pipeline's checks. reason is
// set when a limit of the desk refused the file.
func (d *Desk) check(ctx context.Context, ds catalog.Dataset, name string, data []byte) (issues []catalog.Issue, t *catalog.Table, reason string, err error) {
	ext := strings.ToLower(path.Ext(name))
	if !accepts(ds, ext) {
		msg := catalog.Text{
			It: "Lo sportello accetta solo fogli di calcolo .xlsx o .csv (anche .xlsm e .ods): apri il file con Excel o LibreOffice, salvalo come .xlsx e riprova.",
			En: "The desk only takes .xlsx or .csv spreadsheets (also .xlsm and .ods): open the file in Excel or LibreOffice, save it as .xlsx and try again.",
		}
		if takesXML(ds) {
			msg = catalog.Text{
				It: "Per i contratti pubblici lo sportello accetta il file XML della L. 190/2012 nel formato ANAC (.xml) oppure la cartella di lavoro dei lotti e dei partecipanti (.xlsx, .ods; anche .xlsm, o .csv dei soli lotti): invia uno di questi file.",
				En: "For public contracts the desk takes the L. 190/2012 XML file in ANAC's format (.xml) or the workbook of lots and bidders (.xlsx, .ods; also .xlsm, or a .csv of the lots only): send one of these files.",
			}
		}
		return []catalog.Issue{{Ref: catalog.Ref{File: name}, Severity: catalog.Error, Rule: "format", Message: msg}}, nil, "format", nil
	}
	// A zip of any name (an .xml too) has its declared sizes looked at
	// before anything unpacks it; XML itself is not compressed, so the
	// size cap bounds it, and the reader refuses entity bombs.
	if bytes.HasPrefix(data, []byte("PK")) {
		if msg := d.zipBomb(data); msg != nil {
			return []catalog.Issue{{Ref: catalog.Ref{File: name}, Severity: catalog.Error, Rule: "zip-bomb", Message: *msg}}, nil, "zip-bomb", nil
		}
	}
	issues, t, err = d.cfg.Checker.Check(ctx, ds.Schema, name, data, ds.Source.Sheet)
	return issues, t, "", err
}

// zipBomb looks at the sizes a zip file declares before anything unpacks
// it; archive/zip (which excelize uses) refuses to unpack more than an
// entry declares, so the declared sizes bound the work.
func (d *Desk) zipBomb(data []byte) *catalog.Text {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil // not a zip: the checker says what it is
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
	}
	if total <= uint64(d.cfg.MaxUnzipped) && len(zr.File) <= 10_000 {
		return nil
	}
	return &catalog.Text{
		It: fmt.Sprintf("Il file, una volta decompresso, supera %s: non è un normale foglio di calcolo. Salvalo di nuovo come .xlsx da Excel o LibreOffice, togliendo fogli e immagini che non servono, e riprova.", humanSize("it", d.cfg.MaxUnzipped)),
		En: fmt.Sprintf("Once unpacked the file is larger than %s: it is not a normal spreadsheet. Save it again as .xlsx from Excel or LibreOffice, removing sheets and pictures that are not needed, and try again.", humanSize("en", d.cfg.MaxUnzipped)),
	}
}

func firstRule(issues []catalog.Issue) string {
	for _, i := range issues {
		if i.Severity != catalog.Warning {
			return i.Rule
		}
	}
	return ""
}

// fill turns the issues into what the answer page shows.
func (d *Desk) fill(res *result, issues []catalog.Issue, t *catalog.Table, c Checker) {
	schema, _ := c.Schema(res.Dataset.Schema)
	if t != nil {
		res.Rows = len(t.Rows)
	}
	for _, i := range issues {
		w := where(i.Ref)
		if res.XML && i.Ref.Row > 0 {
			w = i.Ref.String() // "contratti.xml:15": the line of the element
		}
		v := issueView{Where: w, Value: i.Value, Message: i.Message, Warning: i.Severity == catalog.Warning, Rule: i.Rule, Original: i}
		v.Field = catalog.Text{It: i.Field}
		if schema != nil && i.Field != "" {
			if f, ok := schema.Field(i.Field); ok && !f.Title.IsZero() {
				v.Field = f.Title
			}
		}
		if v.Warning {
			res.Warnings++
		} else {
			res.Errors++
		}
		res.Issues = append(res.Issues, v)
	}
}

// where names the place of an issue as the clerk finds it: "Foglio1!C14"
// in a workbook, "C14" in a CSV file (the annotated workbook puts it there).
func where(r catalog.Ref) string {
	switch {
	case r.Row == 0:
		return ""
	case r.Col == 0 && r.Sheet != "":
		return r.Sheet + "!" + fmt.Sprint(r.Row) + ":" + fmt.Sprint(r.Row)
	case r.Col == 0:
		return fmt.Sprint(r.Row) + ":" + fmt.Sprint(r.Row)
	case r.Sheet != "":
		return r.Sheet + "!" + r.Cell()
	default:
		return r.Cell()
	}
}

// form is the upload form as read.
type form struct {
	csrf, dataset, filename string
	data                    []byte
	size                    int64
}

var errFileTooBig = errors.New("file too big")

// readForm reads the multipart form as a stream, keeping at most the size
// limit of the file in memory.
func (d *Desk) readForm(r *http.Request) (form, error) {
	var f form
	mr, err := r.MultipartReader()
	if err != nil {
		return f, err
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		if err != nil {
			return f, err
		}
		switch p.FormName() {
		case "csrf":
			f.csrf, err = smallValue(p)
		case "dataset":
			f.dataset, err = smallValue(p)
		case "file":
			f.filename = p.FileName()
			var buf bytes.Buffer
			var n int64
			n, err = io.Copy(&buf, io.LimitReader(p, d.cfg.MaxFileSize+1))
			f.size = n
			if err == nil && n > d.cfg.MaxFileSize {
				err = errFileTooBig
			}
			f.data = buf.Bytes()
		}
		p.Close()
		if err != nil {
			return f, err
		}
	}
}

func smallValue(p *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(p, 512))
	return strings.TrimSpace(string(b)), err
}

// safeName turns the name a browser sent into one that can only name a
// file in its own folder: the last path element, letters, digits, '.',
// '-' and '_', no leading dot, at most 80 characters, extension kept.
func safeName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_'):
			b.WriteRune(r)
		case unicode.IsLetter(r):
			b.WriteRune(fold(r))
		default:
			b.WriteByte('_')
		}
	}
	s := strings.TrimLeft(b.String(), "._-")
	for strings.Contains(s, "..") {
		s = strings.ReplaceAll(s, "..", ".")
	}
	ext := strings.ToLower(path.Ext(s))
	stem := strings.TrimSuffix(s, path.Ext(s))
	if len(ext) > 8 {
		ext = ""
		stem = s
	}
	if len(stem) > 72 {
		stem = stem[:72]
	}
	if stem == "" {
		stem = "file"
	}
	return stem + ext
}

// fold writes the accented letters of Italian without the accent, and any
// other non-ASCII letter as '_'.
func fold(r rune) rune {
	const from, to = "àáèéìíòóùúÀÁÈÉÌÍÒÓÙÚ", "aaeeiioouuAAEEIIOOUU"
	fr, tr := []rune(from), []rune(to)
	for i, c := range fr {
		if c == r {
			return tr[i]
		}
	}
	return '_'
}
