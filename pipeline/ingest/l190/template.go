package l190

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// TemplateName is the file name of the blank workbook for clerks.
const TemplateName = "modello-contratti-l190.xlsx"

// templateRows is how far down the drop-down lists of the template reach.
const templateRows = 5000

// Instructions are the lines of the template's "istruzioni" sheet: how to
// fill the workbook, in the clerk's words.
var Instructions = []string{
	"Contratti pubblici (L. 190/2012, art. 1, comma 32): modello per chi non produce il file XML di ANAC.",
	"Il portale controlla il file con le regole di ANAC e ne ricava il file XML ANAC (versione 1.3) per ogni anno e il suo indice, a indirizzi fissi da comunicare ad ANAC.",
	"",
	"Foglio «lotti»: una riga per lotto (un CIG). Non cambiare le intestazioni della prima riga.",
	"CIG: 10 caratteri; per un contratto senza CIG scrivi dieci zeri, 0000000000.",
	"Codice fiscale struttura proponente: le 11 cifre dell'ente. Denominazione e oggetto: al massimo 250 caratteri.",
	"Scelta del contraente: il codice (per esempio 04), la dicitura ANAC, o entrambi (04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE): puoi sceglierla dall'elenco.",
	"Importi in euro, al massimo due decimali; 0 se non c'è ancora nulla. Date: giorno/mese/anno, facoltative. Anno: l'anno di riferimento dei dati (per esempio 2024).",
	"",
	"Foglio «partecipanti»: una riga per impresa partecipante, sola o in raggruppamento.",
	"Il lotto: nella colonna «Riga lotto» il numero della riga del lotto nel foglio «lotti» (il numero a sinistra della riga). Se è vuota vale il CIG, che allora deve stare su un solo lotto.",
	"Se lo stesso CIG è su più lotti (per esempio 0000000000) la riga del lotto è obbligatoria. Se riordini il foglio «lotti», aggiorna le righe: se CIG e riga non corrispondono il file viene rifiutato.",
	"Codice fiscale: 11 cifre o 16 caratteri; per un'impresa estera, l'identificativo fiscale estero al suo posto.",
	"Raggruppamento: lo stesso numero (1, 2...) per i membri dello stesso raggruppamento nel lotto, ciascuno con il ruolo (01-MANDANTE, 02-MANDATARIA, 03-ASSOCIATA, 04-CAPOGRUPPO, 05-CONSORZIATA); vuoto per chi partecipa da solo.",
	"Aggiudicatario: «sì» per chi ha vinto il lotto, «no» per gli altri; per un raggruppamento basta indicarlo su un membro. Chi ha vinto deve stare tra i partecipanti.",
	"",
	"Un file .csv può contenere solo i lotti (le colonne del foglio «lotti»), senza partecipanti: per i partecipanti usa il modello .xlsx o .ods.",
}

// Template writes the blank workbook for clerks: sheets "lotti" and
// "partecipanti" with the headers ReadWorkbook expects, the "istruzioni"
// sheet, and a hidden "elenchi" sheet with ANAC's procedures and roles
// offered as drop-down lists (other text is allowed: the code alone reads
// the same). The same bytes every time.
func Template() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetLotti); err != nil {
		return nil, err
	}
	for _, s := range []string{SheetPartecipanti, "istruzioni", "elenchi"} {
		if _, err := f.NewSheet(s); err != nil {
			return nil, err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return nil, err
	}
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")})
	if err != nil {
		return nil, err
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": codes keep their zeros
	if err != nil {
		return nil, err
	}
	// Column styles by field: codes as text, amounts, dates.
	styles := map[string]int{
		FieldCIG: text, FieldCodiceFiscaleProp: text, FieldSceltaContraente: text, FieldCodiceFiscale: text,
		FieldIdentificativoEstero: text, FieldRuolo: text,
		FieldImportoAggiudicazione: money, FieldImportoSommeLiquidate: money,
		FieldDataInizio: date, FieldDataUltimazione: date,
	}
	widths := map[string]float64{FieldOggetto: 60, FieldDenominazione: 40, FieldRagioneSociale: 40, FieldSceltaContraente: 45}
	for _, s := range []struct {
		name   string
		schema *catalog.Schema
	}{{SheetLotti, LottiSheet}, {SheetPartecipanti, PartecipantiSheet}} {
		for i, fl := range s.schema.Fields {
			col := catalog.ColumnName(i + 1)
			if err := f.SetCellStr(s.name, col+"1", fl.Title.It); err != nil {
				return nil, err
			}
			w := widths[fl.Name]
			if w == 0 {
				w = 22
			}
			if err := f.SetColWidth(s.name, col, col, w); err != nil {
				return nil, err
			}
			if st, ok := styles[fl.Name]; ok {
				if err := f.SetColStyle(s.name, col, st); err != nil {
					return nil, err
				}
			}
			var list string
			switch fl.Name {
			case FieldSceltaContraente:
				list = fmt.Sprintf("elenchi!$A$1:$A$%d", len(procedures))
			case FieldRuolo:
				list = fmt.Sprintf("elenchi!$B$1:$B$%d", len(roles))
			case FieldAggiudicatario:
				list = "elenchi!$C$1:$C$2"
			}
			if list != "" {
				dv := excelize.NewDataValidation(true)
				dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, templateRows)
				dv.SetSqrefDropList(list)
				if err := f.AddDataValidation(s.name, dv); err != nil {
					return nil, err
				}
			}
		}
		last := catalog.ColumnName(len(s.schema.Fields))
		if err := f.SetCellStyle(s.name, "A1", last+"1", bold); err != nil {
			return nil, err
		}
		if err := f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
	}
	for i, p := range procedures {
		if err := f.SetCellStr("elenchi", fmt.Sprintf("A%d", i+1), p[0]+"-"+p[1]); err != nil {
			return nil, err
		}
	}
	for i, r := range roles {
		if err := f.SetCellStr("elenchi", fmt.Sprintf("B%d", i+1), r[0]+"-"+r[1]); err != nil {
			return nil, err
		}
	}
	for i, v := range []string{"sì", "no"} {
		if err := f.SetCellStr("elenchi", fmt.Sprintf("C%d", i+1), v); err != nil {
			return nil, err
		}
	}
	if err := f.SetSheetVisible("elenchi", false); err != nil {
		return nil, err
	}
	for i, line := range Instructions {
		if err := f.SetCellStr("istruzioni", fmt.Sprintf("A%d", i+1), line); err != nil {
			return nil, err
		}
	}
	if err := f.SetColWidth("istruzioni", "A", "A", 160); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func ptr[T any](v T) *T { return &v }
