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
// and rules rather than as a spreadsheet.
const L190Schema = "l190"

// l190Limits bound what one L. 190 file may cost: the same size cap as an
// upload or a checked file; the reader's own defaults for the rest.
var l190Limits = l190read.Limits{MaxBytes: 200 << 20}

// judgeL190 reads an L. 190 dataset file, checks it with ANAC's rules and
// the anomaly checks, and returns the published table: one row per lotto.
// An unreadable file is one "unreadable" issue with its line and column.
func judgeL190(ctx context.Context, info *catalog.Schema, name string, data []byte) ([]catalog.Issue, *catalog.Table, error) {
	if !looksXML(data) {
		return judgeL190Sheet(ctx, info, name, data) // the clerks' workbook (l190sheet.go)
	}
	// Several decoders and checkers at once: a large file (a Province's
	// year) is read and checked in about half the time on two cores; a
	// small one is read by one decoder all the same.
	workers := runtime.GOMAXPROCS(0)
	tabs, err := l190read.ReadTables(ctx, name, bytes.NewReader(data), l190read.Options{Limits: l190Limits, Workers: workers})
	if err != nil {
		var le *l190read.Error
		if !errors.As(err, &le) {
			return nil, nil, err
		}
		issue := le.Issue()
		issue.Rule = "unreadable"
		return []catalog.Issue{issue}, nil, nil
	}
	if tabs.File.Kind == l190read.Index {
		// Following an index's links is not done yet: say so rather than
		// publish an empty table.
		return []catalog.Issue{{Ref: catalog.Ref{File: name}, Severity: catalog.Error, Rule: "l190-indice", Message: catalog.Text{
			It: "Il file è un indice (indici) che elenca altri file: per ora il portale legge solo i file dei dati (pubblicazione). Indica come fonte il file dei dati dell'anno.",
			En: "The file is an index (indici) listing other files: for now the portal reads only dataset files (pubblicazione). Give the year's dataset file as the source.",
		}}}, nil, nil
	}
	issues := l190check.Check(ctx, l190check.Options{Workers: workers}, l190check.Set{
		Metadata: tabs.Metadata, Lotti: tabs.Lotti, Partecipanti: tabs.Partecipanti, Aggiudicatari: tabs.Aggiudicatari,
	})
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	t := lottiTable(tabs, info)
	t.Related = relatedTables(tabs)
	return issues, t, nil
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

// relatedTables are the file's other tables, published beside the lotti:
// the publisher's metadata, the bidders and the winners, one row per party
// alone or member of a grouping. The parties get "riga_xml", the line of
// their lotto, which is the lotti table's riga_xml: the key that joins
// them (the lotto's position is kept too, CIGs may repeat).
func relatedTables(tabs *l190read.Tables) []*catalog.Table {
	out := make([]*catalog.Table, 0, len(RelatedNames))
	for i, src := range []*catalog.Table{tabs.Metadata, tabs.Partecipanti, tabs.Aggiudicatari} {
		t := *src
		t.Name = RelatedNames[i]
		t.Columns = make([]catalog.Column, len(src.Columns), len(src.Columns)+1)
		for j, c := range src.Columns {
			c.Type = catalog.TypeString
			if typ, ok := relatedTypes[c.Field]; ok {
				c.Type = typ
			}
			t.Columns[j] = c
		}
		if cLotto := src.ColumnOf(l190read.FieldLotto); cLotto >= 0 {
			t.Columns = append(t.Columns, catalog.Column{Field: "riga_xml", Header: "lotto (riga)", Type: catalog.TypeInteger})
			t.Rows = make([]catalog.Row, len(src.Rows))
			for k, r := range src.Rows {
				line := r.Cells[cLotto].Line
				cells := append(make([]catalog.Cell, 0, len(r.Cells)+1), r.Cells...)
				t.Rows[k] = catalog.Row{Line: r.Line, Cells: append(cells, catalog.Cell{Raw: strconv.Itoa(line), Value: float64(line), Line: line})}
			}
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
	{Field: "riga_xml", Header: "lotto (riga)"},
}

// lottiTable turns the reader's tables into the published one. Every cell
// keeps the line of its element (the lotto's for the counted and joined
// ones), so a reference reads "file.xml:LINE".
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
	f, ok := ocdsFile(t)
	if !ok {
		return nil, nil // a version stored before related tables
	}
	dir := path.Join("datasets", st.Dataset.ID, "ocds")
	opt := ocds.Options{Prefix: portal.OCIDPrefix(), Published: st.Current.Accepted}
	if portal.BaseURL != "" {
		opt.BaseURL = strings.TrimRight(portal.BaseURL, "/") + "/" + dir + "/"
	}
	pkgs, err := ocds.Build([]ocds.File{f}, opt)
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

// ocdsFile gives the OCDS builder the four tables of a stored version. The
// lotto's XML line (riga_xml) is the key that joins the lotti to their
// parties, so it stands for the builder's "lotto" field; the parties'
// position column steps aside. False when the version has no related
// tables.
func ocdsFile(t *catalog.Table) (ocds.File, bool) {
	rel := map[string]*catalog.Table{}
	for _, r := range t.Related {
		rel[r.Name] = r
	}
	if rel["metadata"] == nil || rel["partecipanti"] == nil || rel["aggiudicatari"] == nil {
		return ocds.File{}, false
	}
	keyed := func(src *catalog.Table) *catalog.Table {
		k := *src
		k.Columns = slices.Clone(src.Columns)
		for i, c := range k.Columns {
			switch c.Field {
			case l190read.FieldLotto:
				k.Columns[i].Field = ""
			case "riga_xml":
				k.Columns[i].Field = l190read.FieldLotto
			}
		}
		return &k
	}
	return ocds.File{Metadata: rel["metadata"], Lotti: keyed(t), Partecipanti: keyed(rel["partecipanti"]), Aggiudicatari: keyed(rel["aggiudicatari"])}, true
}
