package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// progettiXLSX builds a workbook as a clerk would: a hidden sheet first,
// then a sheet with a title, a blank row, the header on row 3 and cells
// stored as numbers with display formats.
func progettiXLSX(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Nascosto"))
	must(f.SetCellValue("Nascosto", "A1", "CUP"))
	must(f.SetCellValue("Nascosto", "A2", "NON-LEGGERE"))
	idx, err0 := f.NewSheet("Progetti")
	must(err0)
	f.SetActiveSheet(idx)
	must(f.SetSheetVisible("Nascosto", false))
	s := "Progetti"
	must(f.SetCellValue(s, "A1", "Comune di Cantù - Progetti PNRR"))
	must(f.SetSheetRow(s, "A3", &[]any{"CUP", "Titolo progetto", "FINANZIAMENTO _UE", "Data inizio", "Avanzamento", "Concluso", "Codice ISTAT comune"}))
	must(f.SetSheetRow(s, "A4", &[]any{"F11B22000000001", "Scuola", 1234.5678, 45657, 0.125, true, 13041}))
	must(f.SetSheetRow(s, "A5", &[]any{"F11B22000000002", "Palestra", "1.234,56", "31/12/2024", "N/D", "no", "013041"}))
	must(f.SetSheetRow(s, "A7", &[]any{"F11B22000000003", "Ponte\nnuovo", 114000000, "2024-01-15", 1, false, "013041"}))
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	must(err)
	day, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")})
	must(err)
	percent, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	must(err)
	must(f.SetCellStyle(s, "C4", "C7", money))
	must(f.SetCellStyle(s, "D4", "D4", day))
	must(f.SetCellStyle(s, "E4", "E7", percent))
	if _, err := f.NewSheet("Altro"); err != nil {
		t.Fatal(err)
	}
	must(f.SetSheetRow("Altro", "B2", &[]any{"Codice univoco programma", "Importo"}))
	must(f.SetSheetRow("Altro", "B3", &[]any{"PNC-A.1", 350}))
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ptr[T any](v T) *T { return &v }

func TestReadXLSX(t *testing.T) {
	book := progettiXLSX(t)
	runFileCases(t, []fileCase{{
		name: "progetti.xlsx", data: book,
		opt:   Options{Schema: progettiSchema},
		sheet: "Progetti", headerRow: 3, rows: 3, lines: []int{4, 5, 7},
		cells: []want{
			{0, "cup", "F11B22000000001", ""},
			{0, "finanziamento_ue", 1234.5678, ""}, // shown as 1.234,57
			{0, "data_inizio", "2024-12-31", ""},
			{0, "avanzamento", 12.5, ""}, // stored 0.125, shown 12.50%
			{0, "concluso", true, ""},
			{0, "comune", "13041", ""}, // lost its leading zero: kept as found
			{1, "finanziamento_ue", 1234.56, ""},
			{1, "data_inizio", "2024-12-31", ""},
			{1, "avanzamento", nil, ""},
			{1, "concluso", false, ""},
			{1, "comune", "013041", ""},
			{2, "titolo", "Ponte\nnuovo", ""},
			{2, "finanziamento_ue", 114000000.0, ""},
			{2, "data_inizio", "2024-01-15", ""},
		},
	}, {
		name: "progetti-open.xlsx", data: book,
		opt:   Options{Schema: openSchema},
		sheet: "Progetti", headerRow: 3, rows: 3, lines: []int{4, 5, 7},
		cells: []want{
			// the stored values at full precision, not the display
			// ("1.234,57", "12,50%", "31/12/2024"), which stays in Raw
			{0, "finanziamento_ue", 1234.5678, ""},
			{1, "finanziamento_ue", 1234.56, ""},
			{0, "avanzamento", 0.125, ""},
			{1, "avanzamento", nil, ""},
			{0, "data_inizio", "2024-12-31", ""},
			{1, "data_inizio", "2024-12-31", ""},
			{2, "data_inizio", "2024-01-15", ""},
			{0, "concluso", true, ""},
			{1, "concluso", false, ""},
			{0, "codice_istat_comune", "13041", ""},
			{1, "codice_istat_comune", "013041", ""},
		},
	}, {
		name: "altro.xlsx", data: book,
		opt:   Options{Schema: quadroSchema, Sheet: "altro"},
		sheet: "Altro", headerRow: 2, rows: 1, lines: []int{3},
		cells:  []want{{0, "codice", "PNC-A.1", ""}, {0, "importo", 350.0, ""}},
		issues: nil,
	}, {
		name: "missing-sheet.xlsx", data: book,
		opt:    Options{Schema: quadroSchema, Sheet: "Foglio9"},
		sheet:  "Foglio9",
		issues: []string{"sheet"},
	}, {
		// A 1904 workbook whose dates show as "11-Oct-1952 14:35:27.000".
		name: "DateFormatTests.xlsx", file: "DateFormatTests.xlsx",
		opt: Options{Sheet: "Tests", Schema: &catalog.Schema{Fields: []catalog.Field{
			{Name: "result", Title: catalog.Text{It: "Result (expected)"}},
			{Name: "format", Title: catalog.Text{En: "Format"}},
			{Name: "value", Type: catalog.TypeDate},
			{Name: "categories", Aliases: []string{"Categories"}},
		}}},
		sheet: "Tests", headerRow: 1, rows: 45, lines: []int{2, 3},
		cells: []want{
			{0, "value", "1952-10-11", ""},
			{0, "result", "11-10-52", ""},
			{0, "categories", "Date", ""},
		},
	}, {
		name: "SampleSS.xlsx", file: "SampleSS.xlsx",
		opt:   Options{Schema: openSchema},
		sheet: "First Sheet", headerRow: 1, rows: 2, lines: []int{2, 4},
		cells:  []want{{0, "test_spreadsheet", "2nd row", ""}},
		issues: []string{"extra-cells"},
	}, {
		// Title lines over a header on row 6.
		name: "SampleSS-sheet2.xlsx", file: "SampleSS.xlsx",
		opt:   Options{Schema: openSchema, Sheet: "Sheet Number 2"},
		sheet: "Sheet Number 2", headerRow: 6, rows: 1, lines: []int{7},
		cells: []want{{0, "cb_1", 1.0, ""}, {0, "cb_sum", 13.0, ""}},
	}, {
		name: "SampleSS-sheet3.xlsx", file: "SampleSS.xlsx",
		opt:    Options{Schema: openSchema, Sheet: "sheet3"},
		sheet:  "Sheet3",
		issues: []string{"header"},
	}})
}

// zipOf writes a zip archive; a part whose declared size is set in lie is
// written raw with that uncompressed size, whatever it really inflates to.
func zipOf(t testing.TB, parts map[string][]byte, order []string, lie map[string]uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range order {
		data := parts[name]
		if size, ok := lie[name]; ok {
			var comp bytes.Buffer
			fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
			fw.Write(data)
			fw.Close()
			w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(data),
				CompressedSize64: uint64(comp.Len()), UncompressedSize64: size})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(comp.Bytes())
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombXLSX is a minimal workbook whose one sheet holds size bytes of XML.
func bombXLSX(t testing.TB, size int, lie map[string]uint64) []byte {
	sheet := bytes.Repeat([]byte(" "), size)
	copy(sheet, `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	sheet = append(sheet, []byte(`</sheetData></worksheet>`)...)
	parts := map[string][]byte{
		"[Content_Types].xml":        []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`),
		"_rels/.rels":                []byte(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
		"xl/workbook.xml":            []byte(`<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Foglio1" sheetId="1" r:id="rId1"/></sheets></workbook>`),
		"xl/_rels/workbook.xml.rels": []byte(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`),
		"xl/worksheets/sheet1.xml":   sheet,
	}
	return zipOf(t, parts, []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"}, lie)
}

func TestReadXLSXZipBomb(t *testing.T) {
	lim := Limits{MaxUnzipped: 1 << 20, MaxXMLPart: 256 << 10}
	t.Run("declared", func(t *testing.T) {
		data := bombXLSX(t, 4<<20, nil)
		if len(data) > 64<<10 {
			t.Fatalf("bomb is %d bytes, meant to be tiny", len(data))
		}
		_, _, err := readErr("bomba.xlsx", data, Options{Limits: lim})
		assertUnreadable(t, err, "bomba.xlsx", "troppo grande")
	})
	t.Run("lying-size", func(t *testing.T) {
		// The sheet says 1 KiB but inflates to 4 MiB.
		data := bombXLSX(t, 4<<20, map[string]uint64{"xl/worksheets/sheet1.xml": 1024})
		_, _, err := readErr("bugiarda.xlsx", data, Options{Limits: lim})
		assertUnreadable(t, err, "bugiarda.xlsx", "danneggiato")
	})
	t.Run("small-is-fine", func(t *testing.T) {
		data := bombXLSX(t, 4<<10, nil)
		_, issues, err := readErr("piccola.xlsx", data, Options{Limits: lim})
		if err != nil || len(issues) != 1 || issues[0].Rule != "header" {
			t.Fatalf("empty small workbook: err %v issues %v", err, issues)
		}
	})
}
