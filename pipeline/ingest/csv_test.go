package ingest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

func latin1(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadCSVShapes(t *testing.T) {
	titled := "Comune di Cantù - Progetti PNRR;;;\r\n;;;\r\nCUP;Titolo progetto;FINANZIAMENTO _UE;Data inizio\r\n" +
		"F11B22000000001;Scuola \"Anna Frank\";1.234,56;31/12/2024\r\n" +
		"F11B22000000002;Palestra;114.000.000;05/10/22\r\n"
	cases := []fileCase{{
		// The header sits under a title and a blank line.
		name: "title-rows.csv", data: []byte(titled),
		opt:       Options{Schema: progettiSchema},
		headerRow: 3, rows: 2, lines: []int{4, 5},
		cells: []want{
			{0, "cup", "F11B22000000001", ""},
			{0, "titolo", `Scuola "Anna Frank"`, ""},
			{0, "finanziamento_ue", 1234.56, ""},
			{0, "data_inizio", "2024-12-31", ""},
			{1, "finanziamento_ue", 114000000.0, ""},
			{1, "data_inizio", "2022-10-05", ""},
		},
	}, {
		// Same with an open schema: the title row has a single value and
		// is followed by a blank line.
		name: "title-rows-open.csv", data: []byte(titled),
		opt:       Options{Schema: openSchema},
		headerRow: 3, rows: 2, lines: []int{4, 5},
		cells: []want{
			// a free table keeps typed values (issue 12)
			{0, "finanziamento_ue", 1234.56, ""},
			{1, "data_inizio", "2022-10-05", ""},
		},
	}, {
		// A BOM inside the quotes of the first header cell, LF and CRLF
		// mixed, a quoted cell over two lines, comma delimiter.
		name: "bom-in-cell.csv", data: []byte("\"\ufeffCUP\",Titolo progetto,Avanzamento\n" +
			"F11B22000000001,\"Scuola\nprimaria\",12%\r\n" +
			"F11B22000000002,Palestra,\"45,5 %\"\n"),
		opt:       Options{Schema: progettiSchema},
		headerRow: 1, rows: 2, lines: []int{2, 4},
		cells: []want{
			{0, "cup", "F11B22000000001", ""},
			{0, "titolo", "Scuola\nprimaria", ""},
			{0, "avanzamento", 12.0, ""},
			{1, "avanzamento", 45.5, ""},
		},
	}, {
		// Windows-1252 bytes (à, €) and tab delimiter.
		name: "latin1-tab.txt", data: latin1(t, "CUP\tTitolo progetto\tFinanziamento UE\tConcluso\nF11B22000000001\tCittà € bella\t€ 1.200\tsì\nF11B22000000002\tPonte\t-\tNO\n"),
		opt:       Options{Schema: progettiSchema},
		headerRow: 1, rows: 2, lines: []int{2, 3},
		cells: []want{
			{0, "titolo", "Città € bella", ""},
			{0, "finanziamento_ue", 1200.0, ""},
			{0, "concluso", true, ""},
			{1, "finanziamento_ue", nil, ""},
			{1, "concluso", false, ""},
		},
	}, {
		// Ragged rows: a short row has missing values, a long one with a
		// value beyond the header is warned about; bad cells get a Problem
		// and keep the raw text.
		name: "ragged.csv", data: []byte("CUP;Finanziamento UE;Data inizio;Concluso\n" +
			"A1;12,3,4;31/02/2024;forse\n" +
			"A2\n" +
			"A3;7;2024-12-31T10:00:00+01:00;x;;nota\n" +
			"A4;1,234.56;2024-01-15;n/d;\n"),
		opt:       Options{Schema: progettiSchema},
		headerRow: 1, rows: 4, lines: []int{2, 3, 4, 5},
		cells: []want{
			{0, "finanziamento_ue", "12,3,4", "number"},
			{0, "data_inizio", "31/02/2024", "date"},
			{0, "concluso", "forse", "boolean"},
			{1, "finanziamento_ue", nil, ""},
			{1, "data_inizio", nil, ""},
			{2, "data_inizio", "2024-12-31", ""},
			{2, "concluso", true, ""},
			{3, "finanziamento_ue", 1234.56, ""},
			{3, "concluso", nil, ""},
		},
		issues: []string{"extra-cells"},
	}, {
		// Header problems: a column twice, a required one missing.
		name: "header-problems.csv", data: []byte("Titolo progetto;titolo_progetto;Note\nScuola;Scuola bis;x\n"),
		opt:       Options{Schema: progettiSchema},
		headerRow: 1, rows: 1, lines: []int{2},
		cells:  []want{{0, "titolo", "Scuola", ""}},
		issues: []string{"header-duplicate", "column-unknown", "column-missing"},
	}, {
		// No row names any field of the schema.
		name: "no-header.csv", data: []byte("a;b;c\n1;2;3\n"),
		opt:       Options{Schema: quadroSchema},
		headerRow: 1, rows: 1,
		issues: []string{"header", "column-missing", "column-missing"},
	}, {
		// Open schema: duplicate headers are renamed, empty headers kept
		// unnamed, accents and punctuation slugified.
		name: "open-dup.csv", data: []byte("Città;Città;;Importo (€)\nComo;Cantù;;1\n"),
		opt:       Options{Schema: openSchema},
		headerRow: 1, rows: 1,
		cells:  []want{{0, "citta", "Como", ""}, {0, "citta_2", "Cantù", ""}, {0, "importo", 1.0, ""}},
		issues: []string{"header-duplicate"},
	}, {
		// A quote left open runs to the end of the file: the rows before
		// are kept (lazy quotes take the rest as one cell).
		name: "open-quote.csv", data: []byte("CUP;Titolo progetto\nA1;ok\nA2;\"non chiuso\nA3;x\n"),
		opt:       Options{Schema: progettiSchema},
		headerRow: 1, rows: 2, lines: []int{2, 3},
		cells: []want{{0, "titolo", "ok", ""}},
	}, {
		// UTF-16 with BOM, as Excel's "Unicode text" saves it.
		name: "utf16.txt", data: utf16LEWithBOM("CUP\tImporto\r\nA1\t1.500,25\r\n"),
		opt:       Options{Schema: quadroSchema, Limits: Limits{}},
		headerRow: 1, rows: 1,
		cells:  []want{{0, "importo", 1500.25, ""}},
		issues: []string{"column-unknown", "column-missing"},
	}}
	runFileCases(t, cases)
}

func utf16LEWithBOM(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, r := range s { // ASCII only in the tests
		b = append(b, byte(r), 0)
	}
	return b
}

func TestSniffDelimiter(t *testing.T) {
	cases := []struct {
		in   string
		want rune
	}{
		{"a;b;c\n1;2;3\n", ';'},
		{"a,b,c\n1,2,3\n", ','},
		{"a\tb\tc\n1\t2\t3\n", '\t'},
		// commas inside values do not fool the count
		{"nome;importo\nRossi, Mario;1,5\nBianchi, Anna;2,5\n", ';'},
		// a quoted multi-line header cell
		{"\"a\nb\";c;d\n1;2;3\n4;5;6\n", ';'},
		{"solo una colonna\nriga\n", ','},
	}
	for _, tc := range cases {
		if got := sniffDelimiter([]byte(tc.in), false); got != tc.want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestReadUnreadable(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want string // words of the Italian message
	}{
		{"vecchio.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), ".xls"},
		{"pagina.xls", []byte("<html><body><table><tr><td>1</td></tr></table></body></html>"), "pagina web"},
		{"rotto.xlsx", []byte("PK\x03\x04 questo non è uno zip"), "danneggiato"},
		{"foto.csv", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "non è un foglio"},
		{"documento.pdf", []byte("%PDF-1.7\n"), "non è un foglio"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readErr(tc.name, tc.data, Options{})
			assertUnreadable(t, err, tc.name, tc.want)
		})
	}
	t.Run("password", func(t *testing.T) {
		_, _, err := readErr("encryptAES.xlsx", testFile(t, "encryptAES.xlsx"), Options{})
		assertUnreadable(t, err, "encryptAES.xlsx", "password")
	})
	t.Run("docx", func(t *testing.T) {
		data := zipOf(t, map[string][]byte{"[Content_Types].xml": []byte("<Types/>"), "word/document.xml": []byte("<w:document/>")},
			[]string{"[Content_Types].xml", "word/document.xml"}, nil)
		_, _, err := readErr("lettera.docx", data, Options{})
		assertUnreadable(t, err, "lettera.docx", "non è un foglio")
	})
	t.Run("zip-of-csv", func(t *testing.T) {
		data := zipOf(t, map[string][]byte{"dati.csv": []byte("a;b\n1;2\n")}, []string{"dati.csv"}, nil)
		_, _, err := readErr("dati.zip", data, Options{})
		assertUnreadable(t, err, "dati.zip", "non è un foglio")
	})
	t.Run("too-big", func(t *testing.T) {
		_, _, err := readErr("grande.csv", []byte(strings.Repeat("a;b\n", 100)), Options{Limits: Limits{MaxBytes: 10}})
		assertUnreadable(t, err, "grande.csv", "troppo grande")
	})
	t.Run("too-many-rows", func(t *testing.T) {
		_, _, err := readErr("righe.csv", []byte("a;b\n"+strings.Repeat("1;2\n", 100)), Options{Limits: Limits{MaxRows: 50}})
		assertUnreadable(t, err, "righe.csv", "troppo grande")
	})
}

func TestReadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"righe.csv", []byte("a;b\n" + strings.Repeat("1;2\n", 5000))},
		{"progetti.xlsx", progettiXLSX(t)},
		{"progetti.ods", progettiODS(t)},
	} {
		_, _, err := Read(ctx, tc.name, tc.data, Options{Schema: progettiSchema})
		if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnreadable) {
			t.Errorf("%s: error %v, want context.Canceled", tc.name, err)
		}
	}
}
