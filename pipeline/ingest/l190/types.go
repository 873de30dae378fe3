package l190

import "github.com/provincia-como/opendata/pipeline/catalog"

// Item is one element's content: the text as the file has it, the value read
// from it, and the line of the element.
type Item struct {
	// Raw is the element's text after XML decoding, untouched.
	Raw string
	// Value is nil when missing, a string (text, codes, a date as
	// "2006-01-02"), or a float64 (amounts, years).
	Value any
	// Problem says, in English, why Raw could not be read; Value is then
	// the trimmed text.
	Problem string
	// Line is the 1-based line of the element; 0 when the element is absent.
	Line int
}

// Cell is the item as a table cell.
func (it Item) Cell() catalog.Cell {
	return catalog.Cell{Raw: it.Raw, Value: it.Value, Problem: it.Problem, Line: it.Line}
}

// String is the value when it is text, else "".
func (it Item) String() string {
	s, _ := it.Value.(string)
	return s
}

// Number is the value when it is a number.
func (it Item) Number() (float64, bool) {
	f, ok := it.Value.(float64)
	return f, ok
}

// Kind tells a dataset file from an index file.
type Kind string

const (
	Dataset Kind = "pubblicazione"
	Index   Kind = "indici"
)

// File is what Read learns of a file besides its lotti.
type File struct {
	Name string
	Kind Kind
	// Namespace is the namespace URI of the root element as declared
	// ("legge190_1_0"), or "" when none.
	Namespace string
	Metadata  Metadata
	// Links are an index's dataset URLs, in file order; not fetched here.
	Links []Link
	// Lotti is the number of lotti read.
	Lotti int
	// parts counts the parts read by workers, for tests.
	parts int
}

// Metadata is the publisher's block at the top of a dataset or an index.
type Metadata struct {
	Line     int
	Titolo   Item
	Abstract Item
	// DataPubblicazione is dataPubblicazioneDataset, v1.0's misspelt
	// dataPubbicazioneDataset, or an index's dataPubblicazioneIndice;
	// DataPubblicazioneTag names the element found.
	DataPubblicazione    Item
	DataPubblicazioneTag string
	EntePubblicatore     Item
	// DataUltimoAggiornamento is dataUltimoAggiornamentoDataset (or
	// ...Indice).
	DataUltimoAggiornamento Item
	AnnoRiferimento         Item
	URLFile                 Item
	Licenza                 Item
}

// Link is one dataset of an index.
type Link struct {
	Line int
	// ID is the dataset element's id attribute.
	ID string
	// URL is linkDataset, trimmed.
	URL                     Item
	DataUltimoAggiornamento Item
}

// Lotto is one contract (one CIG) of a dataset.
type Lotto struct {
	// N is the 1-based position of the lotto in the file.
	N    int
	Line int
	CIG  Item
	// Struttura proponente: the contracting body.
	CodiceFiscaleProp Item
	Denominazione     Item
	Oggetto           Item
	// SceltaContraente's Value is the current wording of the procedure
	// (v1.3 list), Raw the text found; Procedura says how it was matched.
	SceltaContraente      Item
	Procedura             Procedure
	Partecipanti          []Party
	Aggiudicatari         []Party
	ImportoAggiudicazione Item
	DataInizio            Item
	DataUltimazione       Item
	ImportoSommeLiquidate Item
}

// Party is a bidder or a winner: alone, or a member of a grouping
// (raggruppamento, aggiudicatarioRaggruppamento).
type Party struct {
	Line int
	// Group is 0 for a party alone, else the 1-based number of its grouping
	// in the lotto's list.
	Group                       int
	CodiceFiscale               Item
	IdentificativoFiscaleEstero Item
	RagioneSociale              Item
	// Ruolo is set for members of a grouping: Value is the current wording
	// ("02-MANDATARIA").
	Ruolo Item
}
