// Command makedemo derives the data files of the demo catalog from the real
// public files in ../shared (ISTAT, Italia Domani, AVCP), so that anyone can
// check how every demo file was made. Run from the module root:
//
//	go run ./datasets/internal/makedemo -shared ../shared
//
// The output is byte-identical from one run to the next: rows are written in
// a fixed order and the workbooks carry fixed document dates.
package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

func main() {
	shared := flag.String("shared", "../shared", "folder holding data/istat, data/italia-domani, data/padigitale2026 and corpus/l190")
	out := flag.String("out", "datasets/data", "folder to write the demo data files to")
	flag.Parse()
	if err := run(*shared, *out); err != nil {
		fmt.Fprintln(os.Stderr, "makedemo:", err)
		os.Exit(1)
	}
}

// Source files, relative to -shared.
const (
	situasFile   = "data/istat/istat-situas_comuni_2026-08-14.csv"
	classifFile  = "data/istat/istat_Classificazioni-statistiche-e-dimensione-dei-comuni_01_01_2023.xlsx"
	progettiFile = "data/italia-domani/PNRR_Progetti.csv"
	localizFile  = "data/italia-domani/PNRR_Localizzazione.csv"
)

// docTime is the creation and modification date written in every
// workbook, fixed so that regenerating gives the same bytes.
const docTime = "2026-11-26T00:00:00Z"

func run(shared, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	comuni, err := readComuni(filepath.Join(shared, situasFile), filepath.Join(shared, classifFile))
	if err != nil {
		return err
	}
	if err := writeComuni(filepath.Join(out, "comuni-como.csv"), comuni); err != nil {
		return err
	}
	if err := writeEgov(filepath.Join(out, "progetti-egov-provincia.xlsx")); err != nil {
		return err
	}
	if err := writeClassificazioni(filepath.Join(out, "classificazioni-comuni-como.xlsx"), filepath.Join(shared, classifFile)); err != nil {
		return fmt.Errorf("classificazioni-comuni-como.xlsx: %w", err)
	}
	if err := writeContratti(shared, out); err != nil {
		return err
	}
	pnrr, err := readPNRR(shared, comuni)
	if err != nil {
		return err
	}
	steps := []struct {
		name  string
		write func(string, *pnrrData) error
	}{
		{"pnrr-como.xlsx", writePNRRWorkbook},
		{"pnrr-como.csv", writePNRRExtract},
		{"localizzazione-pnrr-como.csv", writeLocalizzazione},
		{"pnrr-cantu.xlsx", writeCantu},
		{"pnrr-comune-como.csv", writeComoCSV},
		{"pnrr-olgiate-comasco.xlsx", writeOlgiate},
	}
	for _, s := range steps {
		if err := s.write(filepath.Join(out, s.name), pnrr); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return copyPADigitale(shared, out)
}

// padigitaleFiles are PA digitale 2026's national files of funded
// applications: copied byte for byte, since each dataset keeps Como's rows
// with source.filter; each is under 5 MB.
var padigitaleFiles = []string{"candidature_finanziate_131.csv", "candidature_finanziate_145.csv", "candidature_altrienti_finanziate.csv"}

func copyPADigitale(shared, out string) error {
	dir := filepath.Join(out, "padigitale2026")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range padigitaleFiles {
		data, err := os.ReadFile(filepath.Join(shared, "data", "padigitale2026", name))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// ---- ISTAT: the comuni of the Province of Como ----

type comune struct {
	code, name, sigla, catasto string
	pop                        int
	area                       float64
}

// mergedFrom returns the comuni a comune created after 1 January 2023 was
// made of, whose population and area are summed; nil for the others.
func mergedFrom(code string) []string {
	switch code {
	case "013256": // Uggiate con Ronago
		return []string{"013199", "013228"} // Ronago, Uggiate-Trevano
	}
	return nil
}

func readComuni(situas, classif string) ([]comune, error) {
	recs, err := readCSV(situas)
	if err != nil {
		return nil, err
	}
	col := columns(recs[0])
	var out []comune
	for _, r := range recs[1:] {
		if r[col["Sigla automobilistica"]] != "CO" {
			continue
		}
		out = append(out, comune{
			code:    r[col["Codice Comune (alfanumerico)"]],
			name:    r[col["Comune (dizione italiana)"]],
			sigla:   "CO",
			catasto: r[col["Codice catasto"]],
		})
	}
	if len(out) != 147 {
		return nil, fmt.Errorf("%s: %d comuni of Como, want 147", situas, len(out))
	}

	f, err := excelize.OpenFile(classif)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := f.GetRows("Comuni 01-01-2023", excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", classif, err)
	}
	codeCol, popCol, areaCol := -1, -1, -1
	for i, h := range rows[0] {
		switch {
		case strings.HasPrefix(h, "Codice Istat del Comune") && strings.Contains(h, "alfanumerico"):
			codeCol = i
		case strings.HasPrefix(h, "Popolazione residente al 31/12/2022"):
			popCol = i
		case strings.HasPrefix(h, "Superficie territoriale (kmq)"):
			areaCol = i
		}
	}
	if codeCol < 0 || popCol < 0 || areaCol < 0 {
		return nil, fmt.Errorf("%s: expected columns not found in %q", classif, rows[0])
	}
	type stat struct {
		pop  int
		area float64
	}
	stats := make(map[string]stat)
	for _, r := range rows[1:] {
		if len(r) <= max(codeCol, popCol, areaCol) {
			continue
		}
		pop, err1 := strconv.Atoi(r[popCol])
		area, err2 := strconv.ParseFloat(r[areaCol], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		stats[r[codeCol]] = stat{pop, area}
	}
	for i := range out {
		c := &out[i]
		parts := mergedFrom(c.code)
		if parts == nil {
			parts = []string{c.code}
		}
		for _, p := range parts {
			s, ok := stats[p]
			if !ok {
				return nil, fmt.Errorf("%s: no population for %s (%s)", classif, p, c.name)
			}
			c.pop += s.pop
			c.area += s.area
		}
	}
	slices.SortFunc(out, func(a, b comune) int { return strings.Compare(a.code, b.code) })
	return out, nil
}

// writeClassificazioni copies the rows of Como's comuni (ISTAT code 013…)
// of ISTAT's «Classificazioni statistiche e dimensione dei comuni» workbook
// as they are: every column, the stored values, and each column's number
// format, so the copy displays the same rounding as the original (13.15 for
// an area stored as 13.1462). It is the demo's free table: the portal must
// publish the stored values, not what the cells display.
func writeClassificazioni(name, classif string) error {
	src, err := excelize.OpenFile(classif)
	if err != nil {
		return err
	}
	defer src.Close()
	const sheet = "Comuni 01-01-2023"
	rows, err := src.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return err
	}
	if len(rows) < 2 {
		return fmt.Errorf("sheet %q is empty", sheet)
	}
	header := rows[0]
	codeCol := slices.IndexFunc(header, func(h string) bool {
		return strings.HasPrefix(h, "Codice Istat del Comune") && strings.Contains(h, "alfanumerico")
	})
	if codeCol < 0 {
		return fmt.Errorf("no column of alphanumeric ISTAT codes in %q", header)
	}
	// Each column's format, taken from the first data row of the original.
	formats := make([]*excelize.Style, len(header))
	for c := range header {
		cell, _ := excelize.CoordinatesToCellName(c+1, 2)
		id, err := src.GetCellStyle(sheet, cell)
		if err != nil {
			return err
		}
		st, err := src.GetStyle(id)
		if err != nil {
			return err
		}
		formats[c] = &excelize.Style{NumFmt: st.NumFmt, CustomNumFmt: st.CustomNumFmt}
	}
	// The original's cell types: text cells stay text (codes keep their
	// leading zeros), number cells stay numbers.
	textCol := make([]bool, len(header))
	for c := range header {
		cell, _ := excelize.CoordinatesToCellName(c+1, 2)
		t, err := src.GetCellType(sheet, cell)
		if err != nil {
			return err
		}
		textCol[c] = t == excelize.CellTypeSharedString || t == excelize.CellTypeInlineString
	}

	f := newWorkbook("Classificazioni statistiche e dimensione dei comuni della Provincia di Como (ISTAT, 01/01/2023)")
	defer f.Close()
	out := "Comuni 01-01-2023"
	if err := f.SetSheetName("Sheet1", out); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	styleOf := make([]int, len(header))
	for c, fm := range formats {
		if styleOf[c], err = f.NewStyle(fm); err != nil {
			return err
		}
	}
	for c, h := range header {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		if err := f.SetCellStr(out, cell, h); err != nil {
			return err
		}
		f.SetCellStyle(out, cell, cell, st.header)
	}
	line := 2
	for _, r := range rows[1:] {
		if len(r) <= codeCol || !strings.HasPrefix(r[codeCol], "013") {
			continue
		}
		for c, v := range r {
			if c >= len(header) || v == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, line)
			n, numErr := strconv.ParseFloat(v, 64)
			if textCol[c] || numErr != nil {
				err = f.SetCellStr(out, cell, v)
			} else {
				err = f.SetCellFloat(out, cell, n, -1, 64)
			}
			if err != nil {
				return err
			}
			f.SetCellStyle(out, cell, cell, styleOf[c])
		}
		line++
	}
	if line-2 != 148 {
		return fmt.Errorf("%d rows of Como's comuni, want 148 (147 and the two merged in 2024)", line-2)
	}
	return save(f, name)
}

func writeComuni(name string, comuni []comune) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = ';'
	w.Write([]string{"codice_istat", "denominazione", "sigla_provincia", "codice_catastale", "popolazione", "superficie_kmq"})
	for _, c := range comuni {
		// The area at the precision ISTAT stores (4 decimals), not the 2
		// its workbook displays; the round undoes the float sum of a merger.
		w.Write([]string{c.code, c.name, c.sigla, c.catasto, strconv.Itoa(c.pop), italianNumber(math.Round(c.area*1e4)/1e4, -1, false)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return os.WriteFile(name, b.Bytes(), 0o644)
}

// ---- the e-government projects of the seed document ----

func writeEgov(name string) error {
	f := newWorkbook("Progetti e-Government della Provincia di Como")
	defer f.Close()
	const sheet = "Progetti"
	f.SetSheetName("Sheet1", sheet)
	header := []string{"Codice progetto", "Titolo", "Descrizione", "Programma", "Soggetto attuatore",
		"Comuni coinvolti", "Finanziamento totale", "Finanziamento richiesto", "Stato", "Data convenzione"}
	// Only what the seed document states; unknown cells stay empty.
	rows := [][]any{
		{"SISCOTEL", "SISCOTEL «Comuni Digitali»",
			"Gestione in forma associata dei sistemi informativi dei comuni tramite un unico Centro Servizi che dia supporto tecnologico e organizzativo agli enti di piccole e medie dimensioni.",
			"e-Government", "Regione Lombardia e Provincia di Como", 32, 2500000.0, nil, nil,
			time.Date(2007, 5, 22, 0, 0, 0, 0, time.UTC)},
		{"RIUSO", "Riuso",
			"Riutilizzo dei servizi di e-Government realizzati per i comuni aderenti al progetto Clicc@servizi; progetto presentato dalla Provincia di Como, in attesa di valutazione da parte della commissione del CNIPA.",
			"e-Government (iniziativa nazionale)", "Provincia di Como", 80, nil, 800000.0, "in valutazione", nil},
		{"CLICCASERVIZI", "Clicc@servizi",
			"Progetto di e-Government a cui ha partecipato la Provincia di Como; i servizi realizzati per i comuni aderenti sono quelli che il progetto Riuso propone di riutilizzare.",
			"e-Government", nil, nil, nil, nil, nil, nil},
	}
	styles, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := writeTable(f, sheet, 1, header, rows, styles); err != nil {
		return err
	}
	setWidths(f, sheet, map[string]float64{"A": 16, "B": 28, "C": 60, "D": 30, "E": 34, "F": 12, "G": 16, "H": 16, "I": 16, "J": 14})
	return save(f, name)
}

// ---- Italia Domani: PNRR projects located in comuni of Como ----

type project struct {
	fields   map[string]string // Progetti columns by trimmed header
	raw      []byte            // the record as it is in the source file
	comune   string            // 6-digit ISTAT code from Localizzazione
	name     string            // official name from the ISTAT registry
	cap      string
	address  string
	submisur string
}

type pnrrData struct {
	header   []string  // Progetti header as published, BOM removed
	rawHead  []byte    // the header line as published, BOM included
	projects []project // in the order of the source file
}

// financeCols are the Italia Domani funding columns, in the source's order
// and spelling (trailing spaces trimmed).
func financeCols() []string {
	return []string{
		"FINANZIAMENTO _UE", "FINANZIAMENTO_REGIONE", "FINANZIAMENTO_PROVINCIA", "FINANZIAMENTO_COMUNE",
		"FINANZIAMENTO_ALTRO_PUBBLICO", "FINANZIAMENTO_PRIVATO", "FINANZ_DA_REPERIRE",
		"FINANZIAMENTO_PNRR", "FINANZIAMENTO_PNC", "FINANZ_TOTALE",
	}
}

func readPNRR(shared string, comuni []comune) (*pnrrData, error) {
	names := make(map[string]string, len(comuni))
	for _, c := range comuni {
		names[c.code] = c.name
	}
	locs, err := readCSV(filepath.Join(shared, localizFile))
	if err != nil {
		return nil, err
	}
	lc := columns(locs[0])
	where := make(map[string]project)
	for _, r := range locs[1:] {
		if r[lc["Provincia"]] != "013" {
			continue
		}
		code := "013" + r[lc["Comune"]]
		name, ok := names[code]
		if !ok {
			return nil, fmt.Errorf("%s: comune %s (%s) not in the ISTAT registry", localizFile, code, r[lc["Descrizione Comune"]])
		}
		cup := r[lc["CUP"]]
		if _, dup := where[cup]; dup {
			return nil, fmt.Errorf("%s: CUP %s located twice in Como", localizFile, cup)
		}
		where[cup] = project{comune: code, name: name, cap: r[lc["Cap"]], address: r[lc["Indirizzo"]], submisur: r[lc["Codice Univoco submisura"]]}
	}

	data, err := os.ReadFile(filepath.Join(shared, progettiFile))
	if err != nil {
		return nil, err
	}
	rd := csv.NewReader(bytes.NewReader(data))
	rd.Comma = ';'
	rd.ReuseRecord = false
	var d pnrrData
	prev := int64(0)
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", progettiFile, err)
		}
		off := rd.InputOffset()
		raw := data[prev:off]
		prev = off
		if d.header == nil {
			d.rawHead = raw
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
			d.header = rec
			continue
		}
		fields := make(map[string]string, len(rec))
		for i, h := range d.header {
			fields[strings.TrimSpace(h)] = rec[i]
		}
		p, ok := where[fields["CUP"]]
		if !ok {
			continue
		}
		p.fields = fields
		p.raw = raw
		d.projects = append(d.projects, p)
	}
	if len(d.projects) != len(where) || len(where) != 37 {
		return nil, fmt.Errorf("%d projects joined for %d locations in Como, want 37", len(d.projects), len(where))
	}
	return &d, nil
}

// amount reads an Italia Domani amount ("114.000.000", "1.234,5", "N/D").
func amount(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || s == "N/D" {
		return 0, false
	}
	s = strings.ReplaceAll(s, ".", "")
	s = strings.ReplaceAll(s, ",", ".")
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// sortedByComune returns the projects ordered by comune code, then CUP.
func (d *pnrrData) sortedByComune() []project {
	ps := slices.Clone(d.projects)
	slices.SortStableFunc(ps, func(a, b project) int {
		if c := strings.Compare(a.comune, b.comune); c != 0 {
			return c
		}
		return strings.Compare(a.fields["CUP"], b.fields["CUP"])
	})
	return ps
}

func (d *pnrrData) of(code string) []project {
	var out []project
	for _, p := range d.sortedByComune() {
		if p.comune == code {
			out = append(out, p)
		}
	}
	return out
}

// writePNRRWorkbook writes the Province's workbook of the 37 projects, with
// Italia Domani's own header texts and real numeric cells.
func writePNRRWorkbook(name string, d *pnrrData) error {
	f := newWorkbook("Progetti PNRR localizzati nei comuni della Provincia di Como")
	defer f.Close()
	const sheet = "Progetti"
	f.SetSheetName("Sheet1", sheet)
	header := append([]string{"Programma", "Codice Univoco submisura", "Amministrazione Titolare",
		"CUP", "Codice Locale Progetto", "Titolo progetto", "Codice ISTAT comune"}, financeCols()...)
	var rows [][]any
	for _, p := range d.sortedByComune() {
		row := []any{p.fields["Programma"], p.fields["Codice Univoco submisura"], p.fields["Amministrazione Titolare"],
			p.fields["CUP"], p.fields["Codice Locale Progetto"], p.fields["Titolo progetto"], p.comune}
		for _, c := range financeCols() {
			if v, ok := amount(p.fields[c]); ok {
				row = append(row, v)
			} else {
				row = append(row, nil)
			}
		}
		rows = append(rows, row)
	}
	styles, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := writeTable(f, sheet, 1, header, rows, styles); err != nil {
		return err
	}
	setWidths(f, sheet, map[string]float64{"A": 10, "B": 16, "C": 20, "D": 18, "E": 16, "F": 70, "G": 12})
	return save(f, name)
}

// writePNRRExtract writes the source records verbatim: the Italia Domani CSV
// as published (BOM, ";", "114.000.000", "N/D"), cut to the projects in Como.
func writePNRRExtract(name string, d *pnrrData) error {
	var b bytes.Buffer
	b.Write(d.rawHead)
	for _, p := range d.projects {
		b.Write(p.raw)
	}
	return os.WriteFile(name, b.Bytes(), 0o644)
}

func writeLocalizzazione(name string, d *pnrrData) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = ';'
	w.Write([]string{"CUP", "Codice Univoco submisura", "Codice ISTAT comune", "Comune", "Indirizzo", "CAP"})
	for _, p := range d.sortedByComune() {
		addr := p.address
		if addr == "N/D" {
			addr = ""
		}
		w.Write([]string{p.fields["CUP"], p.submisur, p.comune, p.name, addr, p.cap})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return os.WriteFile(name, b.Bytes(), 0o644)
}

// comuneHeader is what a comune's own spreadsheet of PNRR projects holds.
func comuneHeader() []string {
	return []string{"Codice progetto", "CUP", "Titolo progetto", "Misura", "Ente titolare",
		"Codice ISTAT comune", "Finanziamento PNRR", "Finanziamento totale"}
}

func comuneRow(p project) []any {
	pnrr, _ := amount(p.fields["FINANZIAMENTO_PNRR"])
	tot, _ := amount(p.fields["FINANZ_TOTALE"])
	return []any{p.fields["Codice Locale Progetto"], p.fields["CUP"], p.fields["Titolo progetto"],
		p.fields["Codice Univoco submisura"], p.fields["Amministrazione Titolare"], p.comune, pnrr, tot}
}

// writeCantu writes the workbook a clerk of Cantù would make: a title row, a
// blank row, the header on row 3.
func writeCantu(name string, d *pnrrData) error {
	const code = "013041"
	ps := d.of(code)
	if len(ps) == 0 {
		return fmt.Errorf("no projects for %s", code)
	}
	f := newWorkbook("Comune di Cantù – Progetti finanziati dal PNRR")
	defer f.Close()
	const sheet = "Foglio1"
	f.SetSheetName("Sheet1", sheet)
	styles, err := newStyles(f)
	if err != nil {
		return err
	}
	f.SetCellValue(sheet, "A1", "Comune di Cantù – Progetti finanziati dal PNRR")
	f.SetCellStyle(sheet, "A1", "A1", styles.title)
	var rows [][]any
	for _, p := range ps {
		rows = append(rows, comuneRow(p))
	}
	if err := writeTable(f, sheet, 3, comuneHeader(), rows, styles); err != nil {
		return err
	}
	setWidths(f, sheet, map[string]float64{"A": 16, "B": 18, "C": 70, "D": 14, "E": 20, "F": 12, "G": 16, "H": 16})
	return save(f, name)
}

// writeComoCSV writes the CSV the Comune di Como would export from a
// spreadsheet in Italian: ";", CRLF, amounts as "300.000,00".
func writeComoCSV(name string, d *pnrrData) error {
	const code = "013075"
	ps := d.of(code)
	if len(ps) == 0 {
		return fmt.Errorf("no projects for %s", code)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = ';'
	w.UseCRLF = true
	w.Write(comuneHeader())
	for _, p := range ps {
		r := comuneRow(p)
		rec := make([]string, len(r))
		for i, v := range r {
			switch v := v.(type) {
			case string:
				rec[i] = v
			case float64:
				rec[i] = italianNumber(v, 2, true)
			}
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return os.WriteFile(name, b.Bytes(), 0o644)
}

// writeOlgiate writes the real projects of Olgiate Comasco with three
// mistakes made on purpose, the kind a clerk makes, so that the demo shows a
// rejected file: a CUP missing one character, a total with two digits
// swapped, an ISTAT code typed as a number (the leading zero is lost).
func writeOlgiate(name string, d *pnrrData) error {
	const code = "013165"
	ps := d.of(code)
	if len(ps) != 2 {
		return fmt.Errorf("%d projects for %s, want 2", len(ps), code)
	}
	f := newWorkbook("Comune di Olgiate Comasco – Progetti PNRR")
	defer f.Close()
	const sheet = "Foglio1"
	f.SetSheetName("Sheet1", sheet)
	styles, err := newStyles(f)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, p := range ps {
		rows = append(rows, comuneRow(p))
	}
	// Rows are ordered by CUP: row 2 is BRICS (E11B21008280006), row 3 is
	// BASCO (E11B21008820006). Check before spoiling them.
	brics, basco := rows[0], rows[1]
	if brics[1] != "E11B21008280006" || basco[1] != "E11B21008820006" || basco[7] != 26760.0 {
		return fmt.Errorf("the Olgiate Comasco rows changed upstream: %v / %v", brics, basco)
	}
	brics[1] = "E11B2100828006" // CUP: one "0" left out, 14 characters
	basco[7] = 26670.0          // total: 26.760 typed as 26.670
	basco[5] = 13165            // ISTAT code typed as a number
	if err := writeTable(f, sheet, 1, comuneHeader(), rows, styles); err != nil {
		return err
	}
	setWidths(f, sheet, map[string]float64{"A": 16, "B": 18, "C": 70, "D": 14, "E": 20, "F": 12, "G": 16, "H": 16})
	return save(f, name)
}

// ---- helpers ----

func readCSV(name string) ([][]string, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("%s: no data", name)
	}
	return recs, nil
}

// columns maps each header (spaces trimmed) to its index.
func columns(header []string) map[string]int {
	m := make(map[string]int, len(header))
	for i, h := range header {
		m[strings.TrimSpace(h)] = i
	}
	return m
}

// italianNumber writes v with a decimal comma and, when group is set, dots
// between thousands: 1234.5 -> "1.234,50".
func italianNumber(v float64, decimals int, group bool) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	if group {
		var b strings.Builder
		for i, r := range intPart {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				b.WriteByte('.')
			}
			b.WriteRune(r)
		}
		intPart = b.String()
	}
	if v < 0 {
		intPart = "-" + intPart
	}
	if frac == "" {
		return intPart
	}
	return intPart + "," + frac
}

func newWorkbook(title string) *excelize.File {
	f := excelize.NewFile()
	f.SetDocProps(&excelize.DocProperties{
		Title:          title,
		Creator:        "Provincia di Como",
		LastModifiedBy: "Provincia di Como",
		Language:       "it-IT",
		Created:        docTime,
		Modified:       docTime,
	})
	return f
}

type styles struct {
	title, header, text, money, integer, date int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	s.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	s.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	s.text = mk(&excelize.Style{NumFmt: 49}) // "@": text, keeps leading zeros
	s.money = mk(&excelize.Style{NumFmt: 4}) // "#,##0.00"
	s.integer = mk(&excelize.Style{NumFmt: 1})
	fmtDate := "dd/mm/yyyy"
	s.date = mk(&excelize.Style{CustomNumFmt: &fmtDate})
	return s, err
}

// writeTable writes a header at row top and the rows below it. Strings are
// text cells, float64 amounts, int counts, time.Time dates, nil empty.
func writeTable(f *excelize.File, sheet string, top int, header []string, rows [][]any, st styles) error {
	for c, h := range header {
		cell, _ := excelize.CoordinatesToCellName(c+1, top)
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return err
		}
		f.SetCellStyle(sheet, cell, cell, st.header)
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, top+1+r)
			var err error
			switch v := v.(type) {
			case nil:
				continue
			case string:
				err = f.SetCellStr(sheet, cell, v)
				f.SetCellStyle(sheet, cell, cell, st.text)
			case float64:
				err = f.SetCellFloat(sheet, cell, v, -1, 64)
				f.SetCellStyle(sheet, cell, cell, st.money)
			case int:
				err = f.SetCellInt(sheet, cell, int64(v))
				f.SetCellStyle(sheet, cell, cell, st.integer)
			case time.Time:
				err = f.SetCellValue(sheet, cell, v)
				f.SetCellStyle(sheet, cell, cell, st.date)
			default:
				err = fmt.Errorf("cell %s: unexpected %T", cell, v)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func setWidths(f *excelize.File, sheet string, widths map[string]float64) {
	cols := make([]string, 0, len(widths))
	for c := range widths {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	for _, c := range cols {
		f.SetColWidth(sheet, c, c, widths[c])
	}
}

func save(f *excelize.File, name string) error {
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	return os.WriteFile(name, buf.Bytes(), 0o644)
}
