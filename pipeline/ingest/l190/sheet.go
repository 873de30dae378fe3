package l190

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/ingest"
)

// The clerks' workbook: for those who do not produce ANAC's XML, the same
// data in two sheets, read with the portal's spreadsheet reader into the
// same Tables as the XML, so the same checks, tables, OCDS and ANAC files
// follow.
//
// Sheet "lotti" has one row per lotto; sheet "partecipanti" one row per
// bidder, alone or member of a grouping, with a yes/no column saying
// whether it won. A bidder row points at its lotto by the lotto's row
// number in sheet "lotti" (column "Riga lotto"), or, when that is empty,
// by the CIG, which must then name a single lotto: a CIG written on
// several lotti (ten zeros, "0000000000", for contracts without one)
// needs the row number. When both are given they must agree, which
// catches a lotti sheet sorted after the bidders were written.
//
// A CSV file holds one sheet: it is read as sheet "lotti", with no
// bidders.
const (
	SheetLotti        = "lotti"
	SheetPartecipanti = "partecipanti"
	// FieldRigaLotto and FieldAggiudicatario are the bidders sheet's own
	// columns: the lotto's row and whether the bidder won.
	FieldRigaLotto      = "riga_lotto"
	FieldAggiudicatario = "aggiudicatario"
)

func field(name string, typ catalog.FieldType, code, required bool, it, en string, aliases ...string) catalog.Field {
	return catalog.Field{Name: name, Type: typ, Code: code, Required: required, Title: catalog.Text{It: it, En: en}, Aliases: aliases}
}

// LottiSheet and PartecipantiSheet are the sheets' columns: the Italian
// title is the template's header, the aliases the other headers accepted
// (the XML element names among them). Headers match ignoring case, accents,
// spaces and punctuation.
var (
	LottiSheet = &catalog.Schema{Name: "l190-lotti", Fields: []catalog.Field{
		field(FieldCIG, catalog.TypeString, true, true, "CIG", "CIG", "codice CIG", "codice identificativo gara"),
		field(FieldCodiceFiscaleProp, catalog.TypeString, true, true, "Codice fiscale struttura proponente", "Contracting body fiscal code",
			"codice fiscale proponente", "codiceFiscaleProp", "CF struttura proponente", "codice fiscale ente", "codice fiscale della struttura proponente"),
		field(FieldDenominazione, catalog.TypeString, false, true, "Denominazione struttura proponente", "Contracting body name",
			"struttura proponente", "denominazione", "denominazione della struttura proponente", "ente"),
		field(FieldOggetto, catalog.TypeString, false, true, "Oggetto", "Object", "oggetto del lotto", "oggetto del bando", "oggetto del contratto"),
		field(FieldSceltaContraente, catalog.TypeString, true, true, "Scelta del contraente", "Contractor selection procedure",
			"sceltaContraente", "procedura", "procedura di scelta del contraente", "tipo di procedura", "tipo procedura"),
		field(FieldImportoAggiudicazione, catalog.TypeNumber, false, true, "Importo aggiudicazione", "Amount awarded",
			"importo di aggiudicazione", "importoAggiudicazione", "importo aggiudicato"),
		field(FieldDataInizio, catalog.TypeDate, false, false, "Data inizio", "Start date", "data di inizio", "dataInizio", "data inizio lavori"),
		field(FieldDataUltimazione, catalog.TypeDate, false, false, "Data ultimazione", "Completion date", "data di ultimazione", "dataUltimazione", "data fine", "data di fine"),
		field(FieldImportoSommeLiquidate, catalog.TypeNumber, false, true, "Importo somme liquidate", "Amount paid",
			"somme liquidate", "importo liquidato", "importoSommeLiquidate", "importo delle somme liquidate"),
		field(FieldAnnoRiferimento, catalog.TypeInteger, false, true, "Anno", "Year", "anno di riferimento", "annoRiferimento"),
	}}
	PartecipantiSheet = &catalog.Schema{Name: "l190-partecipanti", Fields: []catalog.Field{
		field(FieldRigaLotto, catalog.TypeInteger, false, false, "Riga lotto", "Lot row", "riga del lotto", "riga nel foglio lotti", "riga"),
		field(FieldCIG, catalog.TypeString, true, false, "CIG", "CIG", "CIG del lotto", "codice CIG"),
		field(FieldCodiceFiscale, catalog.TypeString, true, false, "Codice fiscale", "Fiscal code", "codiceFiscale", "partita IVA", "codice fiscale o partita IVA", "CF"),
		field(FieldIdentificativoEstero, catalog.TypeString, true, false, "Identificativo fiscale estero", "Foreign tax identifier",
			"identificativoFiscaleEstero", "codice fiscale estero", "identificativo estero"),
		field(FieldRagioneSociale, catalog.TypeString, false, true, "Ragione sociale", "Company name", "ragioneSociale", "denominazione", "nome"),
		field(FieldRaggruppamento, catalog.TypeInteger, false, false, "Raggruppamento", "Grouping", "numero raggruppamento", "n. raggruppamento"),
		field(FieldRuolo, catalog.TypeString, true, false, "Ruolo", "Role", "ruolo nel raggruppamento"),
		field(FieldAggiudicatario, catalog.TypeBoolean, false, true, "Aggiudicatario", "Winner", "aggiudicatario (sì/no)", "vincitore"),
	}}
)

// ReadWorkbook reads the clerks' workbook (XLSX, XLSM or ODS) or a CSV of
// the lotti into the tables ReadTables gives for an XML file: every cell
// keeps its sheet, row and column. issues are the reader's (missing
// columns, unreadable files' sheets) and the workbook's own: a bidder whose
// lotto cannot be told, a lotto without its year. An error is returned only
// when the file cannot be read at all (an *ingest.Error).
func ReadWorkbook(ctx context.Context, name string, data []byte, lim ingest.Limits) (*Tables, []catalog.Issue, error) {
	lotti, issues, err := ingest.Read(ctx, name, data, ingest.Options{Schema: LottiSheet, Sheet: SheetLotti, Limits: lim})
	if err != nil {
		return nil, nil, err
	}
	var bidders *catalog.Table
	if workbook(data) {
		b, more, err := ingest.Read(ctx, name, data, ingest.Options{Schema: PartecipantiSheet, Sheet: SheetPartecipanti, Limits: lim})
		if err != nil {
			return nil, nil, err
		}
		bidders, issues = b, append(issues, more...)
	}
	w := &sheetReader{name: name, procs: newCodeList(procedures, oldProcedures), roles: newCodeList(roles)}
	t := &Tables{
		File:          &File{Name: name, Kind: Dataset},
		Metadata:      &catalog.Table{File: name, Columns: metadataColumns("")},
		Lotti:         &catalog.Table{File: name, Sheet: lotti.Sheet, HeaderRow: lotti.HeaderRow, Columns: sheetColumns(lottiColumns, lotti)},
		Partecipanti:  &catalog.Table{File: name, Columns: partyColumns("partecipanti", "partecipante", "raggruppamento")},
		Aggiudicatari: &catalog.Table{File: name, Columns: partyColumns("aggiudicatari", "aggiudicatario", "aggiudicatarioRaggruppamento")},
	}
	w.lotti(t, lotti)
	if bidders != nil {
		for _, p := range []*catalog.Table{t.Partecipanti, t.Aggiudicatari} {
			p.Sheet, p.HeaderRow, p.Columns = bidders.Sheet, bidders.HeaderRow, sheetColumns(p.Columns, bidders)
		}
		w.parties(t, bidders)
	}
	t.File.Lotti = len(t.Lotti.Rows)
	return t, append(issues, w.issues...), nil
}

// workbook tells a zip (XLSX, ODS) from text (CSV).
func workbook(data []byte) bool { return bytes.HasPrefix(data, []byte("PK")) }

// sheetColumns are the tables' columns with the header and position of
// the sheet's column of the same field; a column the sheet lacks (the
// lotto's position, a missing optional column) has no Index.
func sheetColumns(cols []catalog.Column, src *catalog.Table) []catalog.Column {
	out := make([]catalog.Column, len(cols))
	for i, c := range cols {
		out[i] = catalog.Column{Field: c.Field, Header: c.Field}
		if j := src.ColumnOf(c.Field); j >= 0 {
			out[i].Header, out[i].Index = src.Columns[j].Header, src.Columns[j].Index
		}
	}
	return out
}

type sheetReader struct {
	name         string
	procs, roles *codeList
	issues       []catalog.Issue
	// byRow and byCIG find a lotto (its index in Lotti) from a bidder row.
	byRow map[int]int
	byCIG map[string][]int
}

func (w *sheetReader) issue(src *catalog.Table, row, col int, field, value, rule, it, en string) {
	ref := catalog.Ref{File: w.name, Sheet: src.Sheet, Row: row}
	if j := src.ColumnOf(field); j >= 0 && col == 0 {
		ref.Col = src.Columns[j].Index
	}
	w.issues = append(w.issues, catalog.Issue{Ref: ref, Severity: catalog.Error, Rule: rule, Field: field, Value: value, Message: catalog.Text{It: it, En: en}})
}

// get is the cell of field in row r of src, or an empty cell.
func get(src *catalog.Table, r catalog.Row, field string) catalog.Cell {
	if j := src.ColumnOf(field); j >= 0 && j < len(r.Cells) {
		return r.Cells[j]
	}
	return catalog.Cell{}
}

func (w *sheetReader) lotti(t *Tables, src *catalog.Table) {
	w.byRow, w.byCIG = map[int]int{}, map[string][]int{}
	for _, r := range src.Rows {
		n := len(t.Lotti.Rows) + 1
		cig := codeCell(get(src, r, FieldCIG))
		anno := get(src, r, FieldAnnoRiferimento)
		switch y, ok := anno.Value.(float64); {
		case anno.Value == nil:
			w.issue(src, r.Line, 0, FieldAnnoRiferimento, "", "required",
				fmt.Sprintf("Lotto della riga %d: manca l'anno di riferimento (colonna «Anno»): scrivi l'anno dei contratti, per esempio 2024.", r.Line),
				fmt.Sprintf("Lot of row %d: the reference year (column “Anno”) is missing: write the year of the contracts, for example 2024.", r.Line))
		case !ok || anno.Problem != "" || y < 1990 || y > 2100:
			w.issue(src, r.Line, 0, FieldAnnoRiferimento, anno.Raw, "data",
				fmt.Sprintf("Lotto della riga %d: l'anno «%s» non è un anno: scrivi l'anno in cifre, per esempio 2024.", r.Line, strings.TrimSpace(anno.Raw)),
				fmt.Sprintf("Lot of row %d: the year “%s” is not a year: write the year in digits, for example 2024.", r.Line, strings.TrimSpace(anno.Raw)))
		}
		t.Lotti.Rows = append(t.Lotti.Rows, catalog.Row{Line: r.Line, Cells: []catalog.Cell{
			{Raw: strconv.Itoa(n), Value: float64(n)},
			cig,
			codeCell(get(src, r, FieldCodiceFiscaleProp)),
			textCell(get(src, r, FieldDenominazione)),
			textCell(get(src, r, FieldOggetto)),
			w.coded(get(src, r, FieldSceltaContraente), w.procs),
			amountCell(get(src, r, FieldImportoAggiudicazione)),
			get(src, r, FieldDataInizio),
			get(src, r, FieldDataUltimazione),
			amountCell(get(src, r, FieldImportoSommeLiquidate)),
			anno,
		}})
		w.byRow[r.Line] = n - 1
		if s, ok := cig.Value.(string); ok {
			w.byCIG[s] = append(w.byCIG[s], n-1)
		}
	}
}

// member is one bidder row, resolved to its lotto.
type member struct {
	row    catalog.Row
	lotto  int // index in Lotti
	group  int // the clerk's number, 0 alone
	winner bool
}

func (w *sheetReader) parties(t *Tables, src *catalog.Table) {
	var rows []member
	for _, r := range src.Rows {
		i, ok := w.lottoOf(t, src, r)
		if !ok {
			continue
		}
		m := member{row: r, lotto: i}
		if g := get(src, r, FieldRaggruppamento); g.Problem != "" {
			w.issue(src, r.Line, 0, FieldRaggruppamento, g.Raw, "raggruppamento",
				fmt.Sprintf("«%s» non è il numero di un raggruppamento: dai lo stesso numero (1, 2...) ai membri dello stesso raggruppamento del lotto, e lascia vuoto per chi partecipa da solo.", strings.TrimSpace(g.Raw)),
				fmt.Sprintf("“%s” is not a grouping number: give the same number (1, 2...) to the members of the same grouping of the lot, and leave it empty for a bidder on its own.", strings.TrimSpace(g.Raw)))
		} else if f, ok := g.Value.(float64); ok && f > 0 {
			m.group = int(f)
		}
		if a := get(src, r, FieldAggiudicatario); a.Problem != "" {
			w.issue(src, r.Line, 0, FieldAggiudicatario, a.Raw, "aggiudicatario",
				fmt.Sprintf("«%s» non dice se ha vinto: scrivi «sì» per chi si è aggiudicato il lotto, «no» per gli altri.", strings.TrimSpace(a.Raw)),
				fmt.Sprintf("“%s” does not say whether it won: write «sì» for whoever was awarded the lot, «no» for the others.", strings.TrimSpace(a.Raw)))
		} else {
			m.winner, _ = a.Value.(bool)
		}
		rows = append(rows, m)
	}
	// A grouping wins as a whole: one member marked is enough.
	type gk struct{ lotto, group int }
	won := map[gk]bool{}
	for _, m := range rows {
		if m.group > 0 && m.winner {
			won[gk{m.lotto, m.group}] = true
		}
	}
	add := func(dst *catalog.Table, keep func(member) bool) {
		// Groupings are numbered 1, 2... within each lotto's list, in the
		// order they first appear, as in the XML.
		number := map[gk]int{}
		count := map[int]int{}
		for _, m := range rows {
			if !keep(m) {
				continue
			}
			lr := t.Lotti.Rows[m.lotto]
			n := lr.Cells[0]
			n.Line = lr.Line // the lotto's row: the key that joins the tables
			cig := codeCell(get(src, m.row, FieldCIG))
			if cig.Value == nil {
				cig = catalog.Cell{Value: lr.Cells[1].Value}
			}
			var g catalog.Cell
			if m.group > 0 {
				k := gk{m.lotto, m.group}
				if number[k] == 0 {
					count[m.lotto]++
					number[k] = count[m.lotto]
				}
				g = get(src, m.row, FieldRaggruppamento)
				g.Value = float64(number[k])
			}
			role := get(src, m.row, FieldRuolo)
			if role.Value != nil {
				role = w.coded(role, w.roles)
			}
			dst.Rows = append(dst.Rows, catalog.Row{Line: m.row.Line, Cells: []catalog.Cell{
				n, cig, g, role,
				codeCell(get(src, m.row, FieldCodiceFiscale)),
				codeCell(get(src, m.row, FieldIdentificativoEstero)),
				textCell(get(src, m.row, FieldRagioneSociale)),
			}})
		}
	}
	add(t.Partecipanti, func(member) bool { return true })
	add(t.Aggiudicatari, func(m member) bool { return m.winner || m.group > 0 && won[gk{m.lotto, m.group}] })
}

// lottoOf finds the lotto of a bidder row: by "Riga lotto", else by a CIG
// that names a single lotto.
func (w *sheetReader) lottoOf(t *Tables, src *catalog.Table, r catalog.Row) (int, bool) {
	rc := get(src, r, FieldRigaLotto)
	cig, _ := codeCell(get(src, r, FieldCIG)).Value.(string)
	if rc.Problem != "" {
		w.issue(src, r.Line, 0, FieldRigaLotto, rc.Raw, "lotto-partecipante",
			fmt.Sprintf("«%s» non è un numero di riga: scrivi il numero della riga del lotto nel foglio «lotti» (il numero a sinistra della riga).", strings.TrimSpace(rc.Raw)),
			fmt.Sprintf("“%s” is not a row number: write the number of the lot's row in sheet “lotti” (the number at the left of the row).", strings.TrimSpace(rc.Raw)))
		return 0, false
	}
	if f, ok := rc.Value.(float64); ok {
		i, found := w.byRow[int(f)]
		if !found {
			w.issue(src, r.Line, 0, FieldRigaLotto, rc.Raw, "lotto-partecipante",
				fmt.Sprintf("nel foglio «lotti» la riga %d non è un lotto: scrivi il numero della riga del lotto a cui ha partecipato (il numero a sinistra della riga).", int(f)),
				fmt.Sprintf("in sheet “lotti” row %d is not a lot: write the number of the row of the lot it bid for (the number at the left of the row).", int(f)))
			return 0, false
		}
		if got, _ := t.Lotti.Rows[i].Cells[1].Value.(string); cig != "" && got != cig {
			w.issue(src, r.Line, 0, FieldCIG, cig, "lotto-partecipante",
				fmt.Sprintf("il CIG %s non è quello del lotto della riga %d del foglio «lotti» (%s): correggi il CIG o la riga; se hai riordinato il foglio «lotti», aggiorna le righe dei partecipanti.", cig, int(f), got),
				fmt.Sprintf("the CIG %s is not that of the lot in row %d of sheet “lotti” (%s): correct the CIG or the row; if you sorted sheet “lotti”, update the bidders' rows.", cig, int(f), got))
			return 0, false
		}
		return i, true
	}
	switch lots := w.byCIG[cig]; {
	case cig == "":
		w.issue(src, r.Line, 0, FieldCIG, "", "lotto-partecipante",
			"manca il lotto del partecipante: scrivi il CIG del lotto o, se lo stesso CIG è su più lotti, il numero della sua riga nel foglio «lotti» (colonna «Riga lotto»).",
			"the bidder's lot is missing: write the lot's CIG or, when the same CIG is on several lots, the number of its row in sheet “lotti” (column “Riga lotto”).")
	case len(lots) == 0:
		w.issue(src, r.Line, 0, FieldCIG, cig, "lotto-partecipante",
			fmt.Sprintf("nel foglio «lotti» non c'è nessun lotto con CIG %s: aggiungi il lotto o correggi il CIG.", cig),
			fmt.Sprintf("sheet “lotti” has no lot with CIG %s: add the lot or correct the CIG.", cig))
	case len(lots) > 1:
		var where []string
		for _, i := range lots {
			where = append(where, strconv.Itoa(t.Lotti.Rows[i].Line))
		}
		w.issue(src, r.Line, 0, FieldCIG, cig, "lotto-partecipante",
			fmt.Sprintf("il CIG %s è su più lotti (righe %s del foglio «lotti»): scrivi nella colonna «Riga lotto» la riga del lotto a cui ha partecipato.", cig, strings.Join(where, ", ")),
			fmt.Sprintf("the CIG %s is on several lots (rows %s of sheet “lotti”): write in column “Riga lotto” the row of the lot it bid for.", cig, strings.Join(where, ", ")))
	default:
		return lots[0], true
	}
	return 0, false
}

// codeCell reads a CIG or a fiscal code as the XML reader does: upper
// case, trimmed, "ND" as missing.
func codeCell(c catalog.Cell) catalog.Cell {
	s, ok := c.Value.(string)
	if !ok {
		return c
	}
	it := code(s)
	c.Value = it.Value
	return c
}

// textCell collapses white space, as the XML reader does.
func textCell(c catalog.Cell) catalog.Cell {
	if s, ok := c.Value.(string); ok {
		c.Value = text(s).Value
	}
	return c
}

// amountCell gives a number its plain text, "1234.56": the checks look at
// the text for decimals and commas, and a clerk's "1.234,56" is the
// spreadsheet's way of showing a number, not a fault. A float's noise from
// a formula (0.30000000000000004) is read at the cent it stands for.
func amountCell(c catalog.Cell) catalog.Cell {
	f, ok := c.Value.(float64)
	if !ok || c.Problem != "" {
		return c
	}
	if r := math.Round(f * 100); math.Abs(f*100-r) < 1e-6 {
		f = r / 100
	}
	c.Value, c.Raw = f, strconv.FormatFloat(f, 'f', -1, 64)
	return c
}

// coded reads a procedure or a role. In a workbook the code alone ("04",
// or 4 when the spreadsheet made it a number), the current wording alone,
// or both are the expected ways to write it: they are read silently, as if
// the current "04-WORDING" were written. Another version's wording is read
// with the checks' usual warning; text in no list is an error.
func (w *sheetReader) coded(c catalog.Cell, l *codeList) catalog.Cell {
	s, ok := c.Value.(string)
	if !ok {
		return c
	}
	it, _, m := coded(s, l)
	out := catalog.Cell{Raw: c.Raw, Value: it.Value, Problem: it.Problem, Line: c.Line}
	if m == Unknown || it.Value == nil {
		return out
	}
	cur := it.Value.(string)
	_, rest := splitCode(strings.Join(strings.Fields(s), " "))
	if d := strings.IndexByte(cur, '-'); rest == "" || key(rest) == key(cur[d+1:]) || key(s) == key(cur[d+1:]) {
		out.Raw = cur
	}
	return out
}
