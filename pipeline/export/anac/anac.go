// Package anac writes the public-contract data of a dataset back as ANAC's
// XML of L. 190/2012, schema version 1.3: one dataset file (pubblicazione)
// per reference year and an index (indici) listing them, at addresses that
// stay the same year after year, so that a comune communicates the index's
// URL to ANAC once and the portal keeps its content up to date.
//
// The input is the published tables (lotti, partecipanti, aggiudicatari) as
// the pipeline stores them; this package does not import the reader (no
// stage imports another), so the field names are repeated here and a test
// keeps them equal.
//
// Choices:
//   - Lotti go to the file of their anno_riferimento; a lotto without a
//     year goes nowhere and is counted in Result.NoYear.
//   - Lotti and parties are joined on riga_xml (the line of the lotto in
//     its source), and on (file_xml, riga_xml) when the tables carry the
//     file the lotto came from.
//   - Values are written as stored: amounts with at most two decimals
//     (a stored value with more is rounded to the cent), dates as ISO
//     dates, procedures and roles in the v1.3 wording the reader gives
//     ("04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE").
//   - A party with both a fiscal code and a foreign identifier gets the
//     fiscal code only: the schema allows one of the two.
//   - Texts over 250 characters (oggetto, denominazione, ragioneSociale),
//     which the checks refuse at upload and so a published version cannot
//     hold, are cut to 247 characters and "..." (as ANAC's own portal cut
//     them) rather than making an invalid file; Result.Cut counts them.
//   - An amount missing (the checks refuse that too) is written 0.00,
//     since the schema requires one.
//
// Output is deterministic: the same tables and options give the same bytes.
package anac

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// MediaType is the media type of the written files.
const MediaType = "application/xml"

// IndexName is the index file's name in the folder.
const IndexName = "indice.xml"

// The fields read, as pipeline/ingest/l190 and the pipeline name them.
const (
	fCIG            = "cig"
	fCFProp         = "codice_fiscale_prop"
	fDenominazione  = "denominazione"
	fOggetto        = "oggetto"
	fScelta         = "scelta_contraente"
	fImportoAgg     = "importo_aggiudicazione"
	fImportoLiq     = "importo_somme_liquidate"
	fDataInizio     = "data_inizio"
	fDataUltimaz    = "data_ultimazione"
	fAnno           = "anno_riferimento"
	fRiga           = "riga_xml"
	fFile           = "file_xml"
	fRaggruppamento = "raggruppamento"
	fRuolo          = "ruolo"
	fCF             = "codice_fiscale"
	fEstero         = "identificativo_fiscale_estero"
	fRagione        = "ragione_sociale"
	fEnte           = "ente_pubblicatore"
	maxText         = 250
)

// FieldNames are the fields the writer reads, for the test that keeps them
// equal to the reader's and the pipeline's.
func FieldNames() []string {
	return []string{fCIG, fCFProp, fDenominazione, fOggetto, fScelta, fImportoAgg, fImportoLiq,
		fDataInizio, fDataUltimaz, fAnno, fRaggruppamento, fRuolo, fCF, fEstero, fRagione, fEnte}
}

// Tables are a published version: the lotti (the main table) and its
// related tables; Metadata may be nil.
type Tables struct {
	Metadata      *catalog.Table
	Lotti         *catalog.Table
	Partecipanti  *catalog.Table
	Aggiudicatari *catalog.Table
}

// Options give what the tables do not hold.
type Options struct {
	// BaseURL is the absolute URL of the folder the files are published
	// in, ending in "/": every urlFile and linkDataset is built on it.
	BaseURL string
	// Title names the dataset; the year is added ("Contratti pubblici 2024").
	Title string
	// Ente is the entePubblicatore when the tables' metadata has none.
	Ente string
	// License is the licence written in licenza.
	License string
	// Published and Updated are the dates ("2006-01-02") written as the
	// publication and last-update dates of every file.
	Published, Updated string
}

// File is one written file.
type File struct {
	// Name is the file's name in the folder: "2024.xml" or IndexName.
	Name string
	// Year is the reference year; 0 for the index.
	Year  int
	Lotti int
	XML   []byte
}

// Result is what Build wrote: the dataset files in year order, then the
// index (none when no lotto has a year).
type Result struct {
	Files []File
	// NoYear counts the lotti left out for want of a year; Cut the texts
	// shortened to 250 characters.
	NoYear, Cut int
}

type cols map[string]int

func colsOf(t *catalog.Table) cols {
	c := cols{}
	if t == nil {
		return c
	}
	for i, col := range t.Columns {
		if col.Field != "" {
			if _, dup := c[col.Field]; !dup {
				c[col.Field] = i
			}
		}
	}
	return c
}

func (c cols) cell(r catalog.Row, field string) catalog.Cell {
	i, ok := c[field]
	if !ok || i >= len(r.Cells) {
		return catalog.Cell{}
	}
	return r.Cells[i]
}

func (c cols) text(r catalog.Row, field string) string {
	switch v := c.cell(r, field).Value.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

func (c cols) number(r catalog.Row, field string) (float64, bool) {
	switch v := c.cell(r, field).Value.(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil
	}
	return 0, false
}

// key joins a lotto to its parties.
type key struct {
	file string
	line int
}

func (c cols) key(r catalog.Row) (key, bool) {
	n, ok := c.number(r, fRiga)
	if !ok {
		return key{}, false
	}
	return key{file: c.text(r, fFile), line: int(n)}, true
}

type party struct {
	group      int
	ruolo      string
	cf, estero string
	ragione    string
}

func parties(t *catalog.Table) map[key][]party {
	out := map[key][]party{}
	if t == nil {
		return out
	}
	c := colsOf(t)
	for _, r := range t.Rows {
		k, ok := c.key(r)
		if !ok {
			continue
		}
		g, _ := c.number(r, fRaggruppamento)
		out[k] = append(out[k], party{group: int(g), ruolo: c.text(r, fRuolo), cf: c.text(r, fCF), estero: c.text(r, fEstero), ragione: c.text(r, fRagione)})
	}
	return out
}

// Build writes the files of the tables.
func Build(t Tables, opt Options) (Result, error) {
	var res Result
	if t.Lotti == nil {
		return res, nil
	}
	if opt.BaseURL != "" && !strings.HasSuffix(opt.BaseURL, "/") {
		opt.BaseURL += "/"
	}
	if m := t.Metadata; m != nil && len(m.Rows) > 0 {
		if e := colsOf(m).text(m.Rows[0], fEnte); e != "" {
			opt.Ente = e
		}
	}
	lc := colsOf(t.Lotti)
	if _, ok := lc[fRiga]; !ok {
		return res, fmt.Errorf("anac: the lotti table has no %s column", fRiga)
	}
	bidders, winners := parties(t.Partecipanti), parties(t.Aggiudicatari)
	byYear := map[int][]int{}
	for i, r := range t.Lotti.Rows {
		y, ok := lc.number(r, fAnno)
		if !ok || y < 1 || y > 9999 || y != math.Trunc(y) {
			res.NoYear++
			continue
		}
		byYear[int(y)] = append(byYear[int(y)], i)
	}
	years := make([]int, 0, len(byYear))
	for y := range byYear {
		years = append(years, y)
	}
	slices.Sort(years)
	w := &writer{opt: opt}
	for _, y := range years {
		w.b.Reset()
		w.dataset(y, t.Lotti, lc, byYear[y], bidders, winners)
		res.Files = append(res.Files, File{Name: strconv.Itoa(y) + ".xml", Year: y, Lotti: len(byYear[y]), XML: bytes.Clone(w.b.Bytes())})
	}
	if len(years) > 0 {
		w.b.Reset()
		w.index(years)
		res.Files = append(res.Files, File{Name: IndexName, XML: bytes.Clone(w.b.Bytes())})
	}
	res.Cut = w.cut
	return res, nil
}

type writer struct {
	opt Options
	b   bytes.Buffer
	cut int
}

// el writes <name>text</name> at the given indent.
func (w *writer) el(indent int, name, text string) {
	w.b.WriteString(strings.Repeat("\t", indent))
	w.b.WriteString("<" + name + ">")
	xml.EscapeText(&w.b, []byte(text))
	w.b.WriteString("</" + name + ">\n")
}

func (w *writer) open(indent int, name string) {
	w.b.WriteString(strings.Repeat("\t", indent) + "<" + name + ">\n")
}

func (w *writer) close(indent int, name string) {
	w.b.WriteString(strings.Repeat("\t", indent) + "</" + name + ">\n")
}

// short keeps a text within the schema's 250 characters.
func (w *writer) short(s string) string {
	if utf8.RuneCountInString(s) <= maxText {
		return s
	}
	w.cut++
	r := []rune(s)
	return strings.TrimRight(string(r[:maxText-3]), " ") + "..."
}

func (w *writer) metadata(indent int, suffix string, year int, url string) {
	o := w.opt
	title := strings.TrimSpace(o.Title + " " + strconv.Itoa(year))
	w.open(indent, "metadata")
	w.el(indent+1, "titolo", title)
	w.el(indent+1, "abstract", fmt.Sprintf("Dati dei contratti pubblici dell'anno %d (art. 1, comma 32, L. 190/2012), pubblicati da %s.", year, o.Ente))
	w.el(indent+1, "dataPubblicazione"+suffix, o.Published)
	w.el(indent+1, "entePubblicatore", o.Ente)
	w.el(indent+1, "dataUltimoAggiornamento"+suffix, o.Updated)
	w.el(indent+1, "annoRiferimento", strconv.Itoa(year))
	w.el(indent+1, "urlFile", url)
	w.el(indent+1, "licenza", o.License)
	w.close(indent, "metadata")
}

func (w *writer) dataset(year int, t *catalog.Table, lc cols, rows []int, bidders, winners map[key][]party) {
	w.b.WriteString(xml.Header)
	w.b.WriteString(`<legge190:pubblicazione xmlns:legge190="legge190_1_0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="legge190_1_0 datasetAppaltiL190.xsd">` + "\n")
	w.metadata(1, "Dataset", year, w.opt.BaseURL+strconv.Itoa(year)+".xml")
	w.open(1, "data")
	for _, i := range rows {
		r := t.Rows[i]
		k, _ := lc.key(r)
		w.open(2, "lotto")
		w.el(3, "cig", lc.text(r, fCIG))
		w.open(3, "strutturaProponente")
		w.el(4, "codiceFiscaleProp", lc.text(r, fCFProp))
		w.el(4, "denominazione", w.short(lc.text(r, fDenominazione)))
		w.close(3, "strutturaProponente")
		w.el(3, "oggetto", w.short(lc.text(r, fOggetto)))
		w.el(3, "sceltaContraente", lc.text(r, fScelta))
		w.parties(3, "partecipanti", "raggruppamento", "partecipante", bidders[k])
		w.parties(3, "aggiudicatari", "aggiudicatarioRaggruppamento", "aggiudicatario", winners[k])
		w.el(3, "importoAggiudicazione", amount(lc, r, fImportoAgg))
		w.open(3, "tempiCompletamento")
		if d := isoDate(lc.text(r, fDataInizio)); d != "" {
			w.el(4, "dataInizio", d)
		}
		if d := isoDate(lc.text(r, fDataUltimaz)); d != "" {
			w.el(4, "dataUltimazione", d)
		}
		w.close(3, "tempiCompletamento")
		w.el(3, "importoSommeLiquidate", amount(lc, r, fImportoLiq))
		w.close(2, "lotto")
	}
	w.close(1, "data")
	w.b.WriteString("</legge190:pubblicazione>\n")
}

// parties writes a lotto's list: the groupings first, in their number's
// order, then the parties alone, as the schema's sequence wants.
func (w *writer) parties(indent int, list, group, single string, ps []party) {
	if len(ps) == 0 {
		w.b.WriteString(strings.Repeat("\t", indent) + "<" + list + "/>\n")
		return
	}
	w.open(indent, list)
	var groups []int
	members := map[int][]party{}
	for _, p := range ps {
		if p.group > 0 {
			if _, ok := members[p.group]; !ok {
				groups = append(groups, p.group)
			}
			members[p.group] = append(members[p.group], p)
		}
	}
	slices.Sort(groups)
	for _, g := range groups {
		w.open(indent+1, group)
		for _, p := range members[g] {
			w.open(indent+2, "membro")
			w.who(indent+3, p)
			w.el(indent+3, "ruolo", p.ruolo)
			w.close(indent+2, "membro")
		}
		w.close(indent+1, group)
	}
	for _, p := range ps {
		if p.group == 0 {
			w.open(indent+1, single)
			w.who(indent+2, p)
			w.close(indent+1, single)
		}
	}
	w.close(indent, list)
}

func (w *writer) who(indent int, p party) {
	switch {
	case p.cf != "":
		w.el(indent, "codiceFiscale", p.cf)
	case p.estero != "":
		w.el(indent, "identificativoFiscaleEstero", p.estero)
	}
	w.el(indent, "ragioneSociale", w.short(p.ragione))
}

func (w *writer) index(years []int) {
	latest := years[len(years)-1]
	w.b.WriteString(xml.Header)
	w.b.WriteString(`<indici xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="datasetIndiceAppaltiL190.xsd">` + "\n")
	w.metadata(1, "Indice", latest, w.opt.BaseURL+IndexName)
	w.open(1, "indice")
	for _, y := range years {
		// xsd:ID is a name: it cannot start with a digit.
		w.b.WriteString("\t\t<dataset id=\"anno" + strconv.Itoa(y) + "\">\n")
		w.el(3, "linkDataset", w.opt.BaseURL+strconv.Itoa(y)+".xml")
		w.el(3, "dataUltimoAggiornamento", w.opt.Updated)
		w.close(2, "dataset")
	}
	w.close(1, "indice")
	w.b.WriteString("</indici>\n")
}

// amount writes an ImportoType: the stored value, at most two decimals.
func amount(c cols, r catalog.Row, field string) string {
	f, ok := c.number(r, field)
	if !ok || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return "0.00"
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 2 {
		s = strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
	}
	return s
}

// isoDate keeps a stored "2006-01-02" (a datetime's date part); anything
// else is left out, since the dates are optional.
func isoDate(s string) string {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return ""
	}
	for i, c := range s[:10] {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return ""
		}
	}
	return s[:10]
}
