package ingest

import (
	"strings"
	"testing"
)

const odsHead = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3">
<office:automatic-styles>
<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>
<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>`

const odsTail = `</office:spreadsheet></office:body></office:document-content>`

// odsOf packs content.xml into an ODS file, mimetype first as
// LibreOffice writes it.
func odsOf(t testing.TB, content string) []byte {
	return zipOf(t, map[string][]byte{
		"mimetype":              []byte(odsMime),
		"content.xml":           []byte(content),
		"META-INF/manifest.xml": []byte(`<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>`),
	}, []string{"mimetype", "content.xml", "META-INF/manifest.xml"}, nil)
}

func odsCell(attrs, text string) string {
	if text == "" {
		return `<table:table-cell ` + attrs + `/>`
	}
	return `<table:table-cell ` + attrs + `><text:p>` + text + `</text:p></table:table-cell>`
}

// progettiODS is a workbook as LibreOffice saves it: a hidden sheet first,
// then a title, blank rows, the header, typed cells, comments, repeated
// cells and a million repeated empty rows at the end.
func progettiODS(t testing.TB) []byte {
	row := func(cells ...string) string {
		return `<table:table-row>` + strings.Join(cells, "") + `<table:table-cell table:number-columns-repeated="1016"/></table:table-row>`
	}
	content := odsHead +
		`<table:table table:name="Nascosto" table:style-name="ta2">` + row(odsCell(`office:value-type="string"`, "CUP")) + row(odsCell(`office:value-type="string"`, "NON-LEGGERE")) + `</table:table>` +
		`<table:table table:name="Progetti" table:style-name="ta1"><table:table-column table:number-columns-repeated="1024"/>` +
		row(odsCell(`office:value-type="string"`, "Comune di Cantù - Progetti PNRR")) +
		`<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>` +
		row(odsCell(`office:value-type="string"`, "CUP"), odsCell(`office:value-type="string"`, "Titolo progetto"),
			odsCell(`office:value-type="string"`, "FINANZIAMENTO _UE"), odsCell(`office:value-type="string"`, "Data inizio"),
			odsCell(`office:value-type="string"`, "Avanzamento"), odsCell(`office:value-type="string"`, "Concluso"),
			odsCell(`office:value-type="string"`, "Codice ISTAT comune"), odsCell(`office:value-type="string"`, "Note")) +
		row(odsCell(`office:value-type="string"`, "F11B22000000001"),
			`<table:table-cell office:value-type="string"><office:annotation><text:p>commento da ignorare</text:p></office:annotation><text:p>Scuola</text:p><text:p>primaria<text:s text:c="2"/>nuova</text:p></table:table-cell>`,
			odsCell(`office:value-type="currency" office:currency="EUR" office:value="1234.5678"`, "1.234,57 €"),
			odsCell(`office:value-type="date" office:date-value="2024-12-31"`, "31/12/24"),
			odsCell(`office:value-type="percentage" office:value="0.125"`, "12,50%"),
			odsCell(`office:value-type="boolean" office:boolean-value="true"`, "VERO"),
			odsCell(`office:value-type="float" office:value="13041"`, "13041"),
			odsCell(`table:number-columns-repeated="2" office:value-type="string"`, "x")) +
		row(odsCell(`office:value-type="string"`, "F11B22000000002"), odsCell(`office:value-type="string"`, "Palestra"),
			odsCell(`office:value-type="string"`, "1.234,56"), odsCell(`office:value-type="string"`, "31/12/2024"),
			odsCell(`office:value-type="string"`, "N/D"), odsCell(`office:value-type="string"`, "no"),
			odsCell(`office:value-type="string"`, "013041")) +
		`<table:table-row table:number-rows-repeated="2">` + odsCell(`office:value-type="string"`, "F11B22000000003") + `<table:table-cell table:number-columns-repeated="3"/>` + odsCell(`office:value-type="float" office:value="0.5"`, "50%") + `</table:table-row>` +
		`<table:table-row table:number-rows-repeated="1048560"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>` +
		`</table:table>` +
		`<table:table table:name="Altro" table:style-name="ta1">` + row(odsCell(`office:value-type="string"`, "Codice univoco programma"), odsCell(`office:value-type="string"`, "Importo")) +
		row(odsCell(`office:value-type="string"`, "PNC-A.1"), odsCell(`office:value-type="float" office:value="350"`, "350,00")) + `</table:table>` +
		odsTail
	return odsOf(t, content)
}

func TestReadODS(t *testing.T) {
	book := progettiODS(t)
	runFileCases(t, []fileCase{{
		name: "progetti.ods", data: book,
		opt:   Options{Schema: progettiSchema},
		sheet: "Progetti", headerRow: 4, rows: 4, lines: []int{5, 6, 7, 8},
		cells: []want{
			{0, "cup", "F11B22000000001", ""},
			{0, "titolo", "Scuola\nprimaria  nuova", ""},
			{0, "finanziamento_ue", 1234.5678, ""},
			{0, "data_inizio", "2024-12-31", ""},
			{0, "avanzamento", 12.5, ""},
			{0, "concluso", true, ""},
			{0, "comune", "13041", ""},
			{1, "finanziamento_ue", 1234.56, ""},
			{1, "data_inizio", "2024-12-31", ""},
			{1, "avanzamento", nil, ""},
			{1, "concluso", false, ""},
			{1, "comune", "013041", ""},
			{2, "cup", "F11B22000000003", ""},
			{2, "avanzamento", 50.0, ""},
			{3, "cup", "F11B22000000003", ""},
		},
		issues: []string{"column-unknown", "extra-cells"}, // "x" repeated into I, past the header
	}, {
		name: "altro.ods", data: book,
		opt:   Options{Schema: quadroSchema, Sheet: "Altro"},
		sheet: "Altro", headerRow: 1, rows: 1, lines: []int{2},
		cells: []want{{0, "importo", 350.0, ""}},
	}, {
		name: "missing-sheet.ods", data: book,
		opt:    Options{Schema: quadroSchema, Sheet: "Foglio9"},
		sheet:  "Foglio9",
		issues: []string{"sheet"},
	}, {
		name: "SampleSS.ods", file: "SampleSS.ods",
		opt:   Options{Schema: openSchema},
		sheet: "First Sheet", headerRow: 1, rows: 2, lines: []int{2, 4},
		cells:  []want{{0, "test_spreadsheet", "2nd row", ""}},
		issues: []string{"extra-cells"},
	}, {
		name: "SampleSS-sheet2.ods", file: "SampleSS.ods",
		opt:   Options{Schema: openSchema, Sheet: "Sheet Number 2"},
		sheet: "Sheet Number 2", headerRow: 6, rows: 1, lines: []int{7},
		cells: []want{{0, "cb_1", 1.0, ""}, {0, "cb_sum", 13.0, ""}},
	}})
}

func TestReadODSBombs(t *testing.T) {
	table := func(rows string) []byte {
		return odsOf(t, odsHead+`<table:table table:name="Bomba">`+rows+`</table:table>`+odsTail)
	}
	header := `<table:table-row>` + odsCell(`office:value-type="string"`, "a") + odsCell(`office:value-type="string"`, "b") + `</table:table-row>`
	t.Run("rows", func(t *testing.T) {
		one := `<table:table-row>` + odsCell(`office:value-type="string"`, "1") + odsCell(`office:value-type="string"`, "2") + `</table:table-row>`
		data := table(header + one + `<table:table-row table:number-rows-repeated="2000000">` + odsCell(`office:value-type="string"`, "x") + odsCell(`office:value-type="string"`, "y") + `</table:table-row>`)
		_, _, err := readErr("righe.ods", data, Options{})
		assertUnreadable(t, err, "righe.ods", "troppo grande")
	})
	t.Run("columns", func(t *testing.T) {
		data := table(header + `<table:table-row>` + odsCell(`table:number-columns-repeated="2000000" office:value-type="string"`, "x") + `</table:table-row>`)
		_, _, err := readErr("colonne.ods", data, Options{})
		assertUnreadable(t, err, "colonne.ods", "troppo grande")
	})
	t.Run("empty-repeats-cost-nothing", func(t *testing.T) {
		one := `<table:table-row>` + odsCell(`office:value-type="string"`, "1") + odsCell(`office:value-type="string"`, "2") + `</table:table-row>`
		data := table(header + one + `<table:table-row table:number-rows-repeated="2000000"><table:table-cell table:number-columns-repeated="2000000"/></table:table-row>` +
			`<table:table-row>` + odsCell(`office:value-type="string"`, "1") + odsCell(`office:value-type="string"`, "2") + `</table:table-row>`)
		tb, issues := read(t, "vuote.ods", data, Options{})
		if len(tb.Rows) != 2 || tb.Rows[1].Line != 2000003 || len(issues) != 0 {
			t.Fatalf("rows %+v issues %v", tb.Rows, issues)
		}
	})
	t.Run("zip", func(t *testing.T) {
		data := odsOf(t, odsHead+`<table:table table:name="Bomba">`+strings.Repeat(" ", 4<<20)+`</table:table>`+odsTail)
		_, _, err := readErr("zip.ods", data, Options{Limits: Limits{MaxUnzipped: 1 << 20}})
		assertUnreadable(t, err, "zip.ods", "troppo grande")
	})
}
