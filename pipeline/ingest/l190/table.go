package l190

import (
	"context"
	"io"
	"strconv"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// The field names of the tables: the contract with the checks
// (pipeline/validate/l190), the exports and the site.
const (
	FieldLotto                   = "lotto" // position of the lotto in the file, joins the tables
	FieldCIG                     = "cig"
	FieldCodiceFiscaleProp       = "codice_fiscale_prop"
	FieldDenominazione           = "denominazione"
	FieldOggetto                 = "oggetto"
	FieldSceltaContraente        = "scelta_contraente"
	FieldImportoAggiudicazione   = "importo_aggiudicazione"
	FieldDataInizio              = "data_inizio"
	FieldDataUltimazione         = "data_ultimazione"
	FieldImportoSommeLiquidate   = "importo_somme_liquidate"
	FieldAnnoRiferimento         = "anno_riferimento"
	FieldRaggruppamento          = "raggruppamento" // grouping number within the lotto; empty for a party alone
	FieldRuolo                   = "ruolo"
	FieldCodiceFiscale           = "codice_fiscale"
	FieldIdentificativoEstero    = "identificativo_fiscale_estero"
	FieldRagioneSociale          = "ragione_sociale"
	FieldTitolo                  = "titolo"
	FieldAbstract                = "abstract"
	FieldDataPubblicazione       = "data_pubblicazione"
	FieldEntePubblicatore        = "ente_pubblicatore"
	FieldDataUltimoAggiornamento = "data_ultimo_aggiornamento"
	FieldURLFile                 = "url_file"
	FieldLicenza                 = "licenza"
)

// Tables is a dataset file as tables. Every row's Line is the line of its
// element (metadata, lotto, partecipante or membro), every cell's Line the
// line of its own element; columns have no Index, so a reference reads
// "file.xml:LINE".
type Tables struct {
	File *File
	// Metadata has one row: the publisher's block.
	Metadata *catalog.Table
	// Lotti has one row per lotto.
	Lotti *catalog.Table
	// Partecipanti and Aggiudicatari have one row per party alone or member
	// of a grouping, with the lotto's position and CIG.
	Partecipanti  *catalog.Table
	Aggiudicatari *catalog.Table
}

var lottiColumns = []catalog.Column{
	{Field: FieldLotto, Header: "lotto"},
	{Field: FieldCIG, Header: "lotto/cig"},
	{Field: FieldCodiceFiscaleProp, Header: "lotto/strutturaProponente/codiceFiscaleProp"},
	{Field: FieldDenominazione, Header: "lotto/strutturaProponente/denominazione"},
	{Field: FieldOggetto, Header: "lotto/oggetto"},
	{Field: FieldSceltaContraente, Header: "lotto/sceltaContraente"},
	{Field: FieldImportoAggiudicazione, Header: "lotto/importoAggiudicazione"},
	{Field: FieldDataInizio, Header: "lotto/tempiCompletamento/dataInizio"},
	{Field: FieldDataUltimazione, Header: "lotto/tempiCompletamento/dataUltimazione"},
	{Field: FieldImportoSommeLiquidate, Header: "lotto/importoSommeLiquidate"},
	{Field: FieldAnnoRiferimento, Header: "metadata/annoRiferimento"},
}

func partyColumns(list, single, group string) []catalog.Column {
	return []catalog.Column{
		{Field: FieldLotto, Header: "lotto"},
		{Field: FieldCIG, Header: "lotto/cig"},
		{Field: FieldRaggruppamento, Header: list + "/" + group},
		{Field: FieldRuolo, Header: list + "/" + group + "/membro/ruolo"},
		{Field: FieldCodiceFiscale, Header: list + "/" + single + "/codiceFiscale"},
		{Field: FieldIdentificativoEstero, Header: list + "/" + single + "/identificativoFiscaleEstero"},
		{Field: FieldRagioneSociale, Header: list + "/" + single + "/ragioneSociale"},
	}
}

func metadataColumns(dateTag string) []catalog.Column {
	if dateTag == "" {
		dateTag = "dataPubblicazioneDataset"
	}
	return []catalog.Column{
		{Field: FieldTitolo, Header: "metadata/titolo"},
		{Field: FieldAbstract, Header: "metadata/abstract"},
		{Field: FieldDataPubblicazione, Header: "metadata/" + dateTag},
		{Field: FieldEntePubblicatore, Header: "metadata/entePubblicatore"},
		{Field: FieldDataUltimoAggiornamento, Header: "metadata/dataUltimoAggiornamentoDataset"},
		{Field: FieldAnnoRiferimento, Header: "metadata/annoRiferimento"},
		{Field: FieldURLFile, Header: "metadata/urlFile"},
		{Field: FieldLicenza, Header: "metadata/licenza"},
	}
}

// ReadTables reads a file with Read and turns it into tables. For an index,
// the tables are empty and File.Links lists the datasets. The tables are the
// whole file in memory: the reader itself holds one lotto at a time.
func ReadTables(ctx context.Context, name string, r io.Reader, opt Options) (*Tables, error) {
	t := &Tables{
		Metadata:      &catalog.Table{File: name, Columns: metadataColumns("")},
		Lotti:         &catalog.Table{File: name, Columns: lottiColumns},
		Partecipanti:  &catalog.Table{File: name, Columns: partyColumns("partecipanti", "partecipante", "raggruppamento")},
		Aggiudicatari: &catalog.Table{File: name, Columns: partyColumns("aggiudicatari", "aggiudicatario", "aggiudicatarioRaggruppamento")},
	}
	f, err := Read(ctx, name, r, opt, func(l *Lotto) error {
		t.addLotto(l)
		return nil
	})
	t.File = f
	if err != nil {
		return t, err
	}
	m := &f.Metadata
	t.Metadata.Columns = metadataColumns(m.DataPubblicazioneTag)
	if f.Kind == Dataset && m.Line > 0 {
		t.Metadata.Rows = []catalog.Row{{Line: m.Line, Cells: []catalog.Cell{
			m.Titolo.Cell(), m.Abstract.Cell(), m.DataPubblicazione.Cell(), m.EntePubblicatore.Cell(),
			m.DataUltimoAggiornamento.Cell(), m.AnnoRiferimento.Cell(), m.URLFile.Cell(), m.Licenza.Cell(),
		}}}
	}
	// The year comes from the metadata; filled in at the end so that any
	// order of the blocks works.
	anno := m.AnnoRiferimento.Cell()
	col := len(lottiColumns) - 1
	for i := range t.Lotti.Rows {
		t.Lotti.Rows[i].Cells[col] = anno
	}
	return t, nil
}

func (t *Tables) addLotto(l *Lotto) {
	n := catalog.Cell{Raw: strconv.Itoa(l.N), Value: float64(l.N), Line: l.Line}
	t.Lotti.Rows = append(t.Lotti.Rows, catalog.Row{Line: l.Line, Cells: []catalog.Cell{
		n, l.CIG.Cell(), l.CodiceFiscaleProp.Cell(), l.Denominazione.Cell(), l.Oggetto.Cell(),
		l.SceltaContraente.Cell(), l.ImportoAggiudicazione.Cell(), l.DataInizio.Cell(),
		l.DataUltimazione.Cell(), l.ImportoSommeLiquidate.Cell(), {},
	}})
	addParties(t.Partecipanti, l, n, l.Partecipanti)
	addParties(t.Aggiudicatari, l, n, l.Aggiudicatari)
}

func addParties(t *catalog.Table, l *Lotto, n catalog.Cell, parties []Party) {
	cig := l.CIG.Cell()
	for _, p := range parties {
		var g catalog.Cell
		if p.Group > 0 {
			g = catalog.Cell{Raw: strconv.Itoa(p.Group), Value: float64(p.Group), Line: p.Line}
		}
		t.Rows = append(t.Rows, catalog.Row{Line: p.Line, Cells: []catalog.Cell{
			n, cig, g, p.Ruolo.Cell(), p.CodiceFiscale.Cell(), p.IdentificativoFiscaleEstero.Cell(), p.RagioneSociale.Cell(),
		}})
	}
}
