package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/export"
	"github.com/provincia-como/opendata/pipeline/export/ocds"
	l190read "github.com/provincia-como/opendata/pipeline/ingest/l190"
	l190check "github.com/provincia-como/opendata/pipeline/validate/l190"
)

// L190Schema is the built-in schema of public-contract files under
// L. 190/2012: the file is ANAC's XML, read and checked by its own reader
// and rules rather than as a spreadsheet. The source may be an index of
// dataset files, followed by l190index.go: the files are one dataset, each
// lotto keeping its file (file_xml) and line (riga_xml).
const L190Schema = "l190"

// l190Limits bound what one L. 190 file may cost: the same size cap as an
// upload or a checked file; the reader's own defaults for the rest.
var l190Limits = l190read.Limits{MaxBytes: 200 << 20}

// judgeL190 reads an L. 190 dataset file, checks it with ANAC's rules and
// the anomaly checks, and returns the published table: one row per lotto.
// An unreadable file is one "unreadable" issue with its line and column.
// An index is refused here: its files are read by followIndex, which
// knows where the index came from (l190index.go).
func judgeL190(ctx context.Context, info *catalog.Schema, name string, data []byte) ([]catalog.Issue, *catalog.Table, error) {
	if !looksXML(data) {
		return judgeL190Sheet(ctx, info, name, data) // the clerks' workbook (l190sheet.go)
	}
	return judgeL190Set(ctx, info, name, []l190Part{{name: name, data: data}})
}

// l190Part is one dataset file of an L. 190 dataset: the whole source, or
// one of the files its index lists.
type l190Part struct {
	// name is the file's name in issues and in the tables (file_xml),
	// unique within the dataset.
	name string
	data []byte
}

// judgeL190Set reads the dataset files of one L. 190 dataset (a year may
// be split over several), checks them together, so that a CIG repeated in
// two files is seen, and returns one table: the lotti of every file in
// order, each with its file_xml and riga_xml. Every broken file gives its
// own "unreadable" issue.
func judgeL190Set(ctx context.Context, info *catalog.Schema, file string, parts []l190Part) ([]catalog.Issue, *catalog.Table, error) {
	// Several decoders and checkers at once: a large file (a Province's
	// year) is read and checked in about half the time on two cores; a
	// small one is read by one decoder all the same.
	workers := runtime.GOMAXPROCS(0)
	var unreadable []catalog.Issue
	sets := make([]l190check.Set, 0, len(parts))
	all := make([]*l190read.Tables, 0, len(parts))
	for _, p := range parts {
		tabs, err := l190read.ReadTables(ctx, p.name, bytes.NewReader(p.data), l190read.Options{Limits: l190Limits, Workers: workers})
		if err != nil {
			var le *l190read.Error
			if !errors.As(err, &le) {
				return nil, nil, err
			}
			issue := le.Issue()
			issue.Rule = "unreadable"
			unreadable = append(unreadable, issue)
			continue
		}
		if tabs.File.Kind == l190read.Index {
			unreadable = append(unreadable, catalog.Issue{Ref: catalog.Ref{File: p.name}, Severity: catalog.Error, Rule: "l190-indice", Message: catalog.Text{
				It: "Il file è un indice (indici) che elenca altri file: questo controllo legge un file alla volta. Per seguire i link dell'indice, indica l'indice come fonte del dataset (percorso o indirizzo) oppure controllalo con «opendata check» dal suo percorso.",
				En: "The file is an index (indici) listing other files: this check reads one file at a time. To follow the index's links, give the index as the dataset's source (path or address) or check it with \"opendata check\" from its path.",
			}})
			continue
		}
		all = append(all, tabs)
		sets = append(sets, l190check.Set{Metadata: tabs.Metadata, Lotti: tabs.Lotti, Partecipanti: tabs.Partecipanti, Aggiudicatari: tabs.Aggiudicatari})
	}
	if len(unreadable) > 0 {
		return unreadable, nil, nil
	}
	issues := l190check.Check(ctx, l190check.Options{Workers: workers}, sets...)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	tables := make([]*catalog.Table, len(all))
	for i, tabs := range all {
		tables[i] = lottiTable(tabs, info)
		tables[i].Related = relatedTables(tabs)
	}
	return issues, mergeL190(file, tables), nil
}

// mergeL190 puts the tables of several files of one dataset one after the
// other: the same columns, the rows of each file in turn; each row keeps
// its file_xml. One file's table is returned as it is.
func mergeL190(file string, tables []*catalog.Table) *catalog.Table {
	if len(tables) == 1 {
		return tables[0]
	}
	cat := func(ts []*catalog.Table) *catalog.Table {
		n := 0
		for _, t := range ts {
			n += len(t.Rows)
		}
		out := &catalog.Table{Name: ts[0].Name, File: file, Columns: ts[0].Columns, Rows: make([]catalog.Row, 0, n)}
		for _, t := range ts {
			out.Rows = append(out.Rows, t.Rows...)
		}
		return out
	}
	t := cat(tables)
	for k := range tables[0].Related {
		rel := make([]*catalog.Table, len(tables))
		for i, tb := range tables {
			rel[i] = tb.Related[k]
		}
		t.Related = append(t.Related, cat(rel))
	}
	return t
}

// RelatedNames are the names of the related tables of an L. 190 version,
// in the order they are stored.
var RelatedNames = []string{"metadata", "partecipanti", "aggiudicatari"}

// relatedTypes are the types of the related tables' fields; any other
// field (codes, names, roles) is text.
var relatedTypes = map[string]catalog.FieldType{
	l190read.FieldLotto:                   catalog.TypeInteger,
	l190read.FieldRaggruppamento:          catalog.TypeInteger,
	l190read.FieldDataPubblicazione:       catalog.TypeDate,
	l190read.FieldDataUltimoAggiornamento: catalog.TypeDate,
	l190read.FieldAnnoRiferimento:         catalog.TypeInteger,
	"riga_xml":                            catalog.TypeInteger,
}

// The columns that say where a lotto is: the XML file (its name, unique
// within the dataset) and the line where the lotto starts. Together they
// are the key that joins the lotti to their parties.
const (
	fieldFileXML = "file_xml"
	fieldRigaXML = "riga_xml"
)

// relatedTables are the file's other tables, published beside the lotti:
// the publisher's metadata, the bidders and the winners, one row per party
// alone or member of a grouping. Every row gets "file_xml", the name of its
// file; the parties also "riga_xml", the line of their lotto: (file_xml,
// riga_xml) is the lotti table's key that joins them (the lotto's position
// is kept too, CIGs may repeat).
func relatedTables(tabs *l190read.Tables) []*catalog.Table {
	out := make([]*catalog.Table, 0, len(RelatedNames))
	for i, src := range []*catalog.Table{tabs.Metadata, tabs.Partecipanti, tabs.Aggiudicatari} {
		t := *src
		t.Name = RelatedNames[i]
		t.Columns = make([]catalog.Column, len(src.Columns), len(src.Columns)+2)
		for j, c := range src.Columns {
			c.Type = catalog.TypeString
			if typ, ok := relatedTypes[c.Field]; ok {
				c.Type = typ
			}
			t.Columns[j] = c
		}
		file := text(src.File)
		t.Columns = append(t.Columns, catalog.Column{Field: fieldFileXML, Header: "file", Type: catalog.TypeString})
		cLotto := src.ColumnOf(l190read.FieldLotto)
		if cLotto >= 0 {
			t.Columns = append(t.Columns, catalog.Column{Field: fieldRigaXML, Header: "lotto (riga)", Type: catalog.TypeInteger})
		}
		t.Rows = make([]catalog.Row, len(src.Rows))
		for k, r := range src.Rows {
			cells := append(make([]catalog.Cell, 0, len(r.Cells)+2), r.Cells...)
			cells = append(cells, file)
			if cLotto >= 0 {
				line := r.Cells[cLotto].Line
				cells = append(cells, catalog.Cell{Raw: strconv.Itoa(line), Value: float64(line), Line: line})
			}
			t.Rows[k] = catalog.Row{Line: r.Line, Cells: cells}
		}
		out = append(out, &t)
	}
	return out
}

// lottiColumns are the published table's fields, in order, with the XML
// element each comes from.
var lottiColumns = []catalog.Column{
	{Field: "cig", Header: "lotto/cig"},
	{Field: "codice_fiscale_prop", Header: "lotto/strutturaProponente/codiceFiscaleProp"},
	{Field: "denominazione", Header: "lotto/strutturaProponente/denominazione"},
	{Field: "oggetto", Header: "lotto/oggetto"},
	{Field: "codice_procedura", Header: "lotto/sceltaContraente (codice)"},
	{Field: "scelta_contraente", Header: "lotto/sceltaContraente"},
	{Field: "importo_aggiudicazione", Header: "lotto/importoAggiudicazione"},
	{Field: "importo_somme_liquidate", Header: "lotto/importoSommeLiquidate"},
	{Field: "data_inizio", Header: "lotto/tempiCompletamento/dataInizio"},
	{Field: "data_ultimazione", Header: "lotto/tempiCompletamento/dataUltimazione"},
	{Field: "numero_partecipanti", Header: "lotto/partecipanti"},
	{Field: "aggiudicatari", Header: "lotto/aggiudicatari (ragioneSociale)"},
	{Field: "codici_fiscali_aggiudicatari", Header: "lotto/aggiudicatari (codiceFiscale)"},
	{Field: "anno_riferimento", Header: "metadata/annoRiferimento"},
	{Field: fieldFileXML, Header: "file"},
	{Field: fieldRigaXML, Header: "lotto (riga)"},
}

// lottiTable turns the reader's tables of one file into the published
// table. Every cell keeps the line of its element (the lotto's for the
// counted and joined ones), so a reference reads "file.xml:LINE"; file_xml
// is the file's name, for a dataset of several files.
func lottiTable(tabs *l190read.Tables, info *catalog.Schema) *catalog.Table {
	src := tabs.Lotti
	t := &catalog.Table{File: src.File, Columns: make([]catalog.Column, len(lottiColumns))}
	for i, c := range lottiColumns {
		c.Type = catalog.TypeString
		if f, ok := info.Field(c.Field); ok && !f.Code && f.Type != "" {
			c.Type = f.Type
		}
		t.Columns[i] = c
	}
	col := func(tb *catalog.Table, field string) int { return tb.ColumnOf(field) }
	cell := func(r catalog.Row, i int) catalog.Cell {
		if i < 0 || i >= len(r.Cells) {
			return catalog.Cell{}
		}
		return r.Cells[i]
	}
	file := text(src.File)
	bidders := countBidders(tabs.Partecipanti)
	names, codes := joinWinners(tabs.Aggiudicatari)
	var (
		cLotto = col(src, l190read.FieldLotto)
		cCIG   = col(src, l190read.FieldCIG)
		cCF    = col(src, l190read.FieldCodiceFiscaleProp)
		cDen   = col(src, l190read.FieldDenominazione)
		cOgg   = col(src, l190read.FieldOggetto)
		cProc  = col(src, l190read.FieldSceltaContraente)
		cAgg   = col(src, l190read.FieldImportoAggiudicazione)
		cLiq   = col(src, l190read.FieldImportoSommeLiquidate)
		cIni   = col(src, l190read.FieldDataInizio)
		cFine  = col(src, l190read.FieldDataUltimazione)
		cAnno  = col(src, l190read.FieldAnnoRiferimento)
	)
	t.Rows = make([]catalog.Row, 0, len(src.Rows))
	for _, r := range src.Rows {
		n := lottoNumber(cell(r, cLotto))
		at := func(c catalog.Cell) catalog.Cell { c.Line = r.Line; return c }
		proc := cell(r, cProc)
		var code catalog.Cell
		if s, ok := proc.Value.(string); ok && procedureCode(s) != "" {
			code = catalog.Cell{Raw: procedureCode(s), Value: procedureCode(s), Line: proc.Line}
		}
		count := float64(bidders[n])
		t.Rows = append(t.Rows, catalog.Row{Line: r.Line, Cells: []catalog.Cell{
			cell(r, cCIG), cell(r, cCF), cell(r, cDen), cell(r, cOgg), code, proc,
			cell(r, cAgg), cell(r, cLiq), cell(r, cIni), cell(r, cFine),
			at(catalog.Cell{Raw: strconv.Itoa(bidders[n]), Value: count}),
			at(text(names[n])), at(text(codes[n])),
			cell(r, cAnno),
			at(file),
			at(catalog.Cell{Raw: strconv.Itoa(r.Line), Value: float64(r.Line)}),
		}})
	}
	return t
}

func text(s string) catalog.Cell {
	if s == "" {
		return catalog.Cell{}
	}
	return catalog.Cell{Raw: s, Value: s}
}

func lottoNumber(c catalog.Cell) int {
	f, _ := c.Value.(float64)
	return int(f)
}

// procedureCode is the two-digit code that starts the reader's wording
// ("04-PROCEDURA NEGOZIATA ..."), or "" when the procedure was in no list.
func procedureCode(s string) string {
	if len(s) < 3 || s[2] != '-' || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return ""
	}
	return s[:2]
}

// countBidders counts the bidders of each lotto: a party alone is one, a
// grouping is one whatever its members.
func countBidders(t *catalog.Table) map[int]int {
	out := map[int]int{}
	if t == nil {
		return out
	}
	cLotto, cGroup := t.ColumnOf(l190read.FieldLotto), t.ColumnOf(l190read.FieldRaggruppamento)
	type key struct{ lotto, group int }
	groups := map[key]bool{}
	for _, r := range t.Rows {
		n := lottoNumber(r.Cells[cLotto])
		g := lottoNumber(r.Cells[cGroup])
		if g > 0 {
			if groups[key{n, g}] {
				continue
			}
			groups[key{n, g}] = true
		}
		out[n]++
	}
	return out
}

// joinWinners gives, for each lotto, the winners' names and their fiscal
// codes (or foreign identifiers) joined with "; ", in file order.
func joinWinners(t *catalog.Table) (names, codes map[int]string) {
	names, codes = map[int]string{}, map[int]string{}
	if t == nil {
		return
	}
	cLotto := t.ColumnOf(l190read.FieldLotto)
	cName, cCF, cEst := t.ColumnOf(l190read.FieldRagioneSociale), t.ColumnOf(l190read.FieldCodiceFiscale), t.ColumnOf(l190read.FieldIdentificativoEstero)
	str := func(c catalog.Cell) string {
		s, _ := c.Value.(string)
		return strings.TrimSpace(s)
	}
	add := func(m map[int]string, n int, s string) {
		if s == "" {
			return
		}
		if m[n] != "" {
			m[n] += "; "
		}
		m[n] += s
	}
	for _, r := range t.Rows {
		n := lottoNumber(r.Cells[cLotto])
		add(names, n, str(r.Cells[cName]))
		code := str(r.Cells[cCF])
		if code == "" {
			code = str(r.Cells[cEst])
		}
		add(codes, n, code)
	}
	return names, codes
}

// writeOCDS writes the Open Contracting release packages of an L. 190
// dataset's published version, one per contracting body and year, under
// datasets/<id>/ocds/, and returns them as downloads (format "ocds"). The
// ocids take the portal's prefix; the packages are dated when the version
// was accepted, so the same data give the same bytes.
func writeOCDS(ctx context.Context, outDir string, portal catalog.Portal, st *catalog.DatasetState) ([]catalog.Download, error) {
	if st.Current == nil {
		return nil, nil
	}
	t, err := st.Content()
	if err != nil || t == nil {
		return nil, err
	}
	files, ok := ocdsFiles(t)
	if !ok {
		return nil, nil // a version stored before related tables
	}
	dir := path.Join("datasets", st.Dataset.ID, "ocds")
	opt := ocds.Options{Prefix: portal.OCIDPrefix(), Published: st.Current.Accepted}
	if portal.BaseURL != "" {
		opt.BaseURL = strings.TrimRight(portal.BaseURL, "/") + "/" + dir + "/"
	}
	pkgs, err := ocds.Build(files, opt)
	if err != nil {
		return nil, err
	}
	out := make([]catalog.Download, 0, len(pkgs))
	for _, p := range pkgs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := export.WriteDownload(outDir, path.Join(dir, p.Name), "ocds", ocds.MediaType, p.JSON)
		if err != nil {
			return nil, fmt.Errorf("ocds %s: %w", p.Name, err)
		}
		out = append(out, d)
	}
	// A body or a year no longer in the file leaves no package behind.
	if err := prune(filepath.Join(outDir, filepath.FromSlash(dir)), pkgs); err != nil {
		return nil, fmt.Errorf("ocds: %w", err)
	}
	return out, nil
}

// prune removes the packages of the folder that pkgs no longer has.
func prune(dir string, pkgs []ocds.Package) error {
	keep := make(map[string]bool, len(pkgs))
	for _, p := range pkgs {
		keep[p.Name] = true
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") && !keep[e.Name()] {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// ocdsFiles gives the OCDS builder the four tables of a stored version, one
// ocds.File per XML file (file_xml), each with its own metadata. Within a
// file the lotto's XML line (riga_xml) is the key that joins the lotti to
// their parties, so it stands for the builder's "lotto" field; the
// parties' position column steps aside. A version stored before file_xml
// is one file. False when the version has no related tables.
func ocdsFiles(t *catalog.Table) ([]ocds.File, bool) {
	rel := map[string]*catalog.Table{}
	for _, r := range t.Related {
		rel[r.Name] = r
	}
	if rel["metadata"] == nil || rel["partecipanti"] == nil || rel["aggiudicatari"] == nil {
		return nil, false
	}
	keyed := func(src *catalog.Table) *catalog.Table {
		k := *src
		k.Columns = slices.Clone(src.Columns)
		for i, c := range k.Columns {
			switch c.Field {
			case l190read.FieldLotto:
				k.Columns[i].Field = ""
			case fieldRigaXML:
				k.Columns[i].Field = l190read.FieldLotto
			}
		}
		return &k
	}
	// The files in the order of their first lotto (then of their
	// metadata, for a file without lotti).
	var names []string
	seen := map[string]bool{}
	for _, tb := range []*catalog.Table{t, rel["metadata"]} {
		c := tb.ColumnOf(fieldFileXML)
		for _, r := range tb.Rows {
			name := ""
			if c >= 0 {
				name, _ = r.Cells[c].Value.(string)
			}
			if !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	if len(names) <= 1 {
		return []ocds.File{{Metadata: rel["metadata"], Lotti: keyed(t), Partecipanti: keyed(rel["partecipanti"]), Aggiudicatari: keyed(rel["aggiudicatari"])}}, true
	}
	out := make([]ocds.File, len(names))
	for i, name := range names {
		out[i] = ocds.File{Metadata: ofFile(rel["metadata"], name), Lotti: keyed(ofFile(t, name)),
			Partecipanti: keyed(ofFile(rel["partecipanti"], name)), Aggiudicatari: keyed(ofFile(rel["aggiudicatari"], name))}
	}
	return out, true
}

// ofFile is the table with only the rows of one XML file.
func ofFile(t *catalog.Table, name string) *catalog.Table {
	c := t.ColumnOf(fieldFileXML)
	out := *t
	out.Rows = nil
	for _, r := range t.Rows {
		if c >= 0 && c < len(r.Cells) && r.Cells[c].Value == name {
			out.Rows = append(out.Rows, r)
		}
	}
	return &out
}
