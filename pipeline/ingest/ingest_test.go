package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// Schemas of the tests, shaped like the ones the validate package builds.
var (
	comuniSchema = &catalog.Schema{Name: "comuni", Fields: []catalog.Field{
		{Name: "codice_comune", Type: catalog.TypeString, Code: true, Required: true, Title: catalog.Text{It: "Codice Comune formato alfanumerico"}, Aliases: []string{"codice istat"}},
		{Name: "denominazione", Type: catalog.TypeString, Required: true, Title: catalog.Text{It: "Denominazione in italiano", En: "Name"}},
		{Name: "progressivo", Type: catalog.TypeString, Code: true, Aliases: []string{"Progressivo del Comune (2)"}},
		{Name: "sigla", Type: catalog.TypeString, Title: catalog.Text{It: "Sigla automobilistica"}},
		{Name: "capoluogo", Type: catalog.TypeBoolean, Aliases: []string{"Flag Comune capoluogo di provincia/città metropolitana/libero consorzio"}},
		{Name: "codice_numerico", Type: catalog.TypeInteger, Title: catalog.Text{It: "Codice Comune formato numerico"}},
		{Name: "popolazione", Type: catalog.TypeInteger, Required: true, Title: catalog.Text{It: "Popolazione residente"}},
	}}
	progettiSchema = &catalog.Schema{Name: "progetti", Fields: []catalog.Field{
		{Name: "cup", Type: catalog.TypeString, Code: true, Required: true, Title: catalog.Text{It: "CUP"}},
		{Name: "codice_locale", Type: catalog.TypeString, Code: true, Aliases: []string{"codice locale progetto"}},
		{Name: "titolo", Type: catalog.TypeString, Title: catalog.Text{It: "Titolo progetto"}},
		{Name: "finanziamento_ue", Type: catalog.TypeNumber, Unit: "EUR", Aliases: []string{"finanziamento ue"}},
		{Name: "finanziamento_pnrr", Type: catalog.TypeNumber, Unit: "EUR"},
		{Name: "finanziamento_totale", Type: catalog.TypeNumber, Unit: "EUR", Aliases: []string{"FINANZ_TOTALE"}},
		{Name: "data_inizio", Type: catalog.TypeDate, Title: catalog.Text{It: "Data inizio"}},
		{Name: "avanzamento", Type: catalog.TypeNumber, Unit: "%", Title: catalog.Text{It: "Avanzamento"}},
		{Name: "concluso", Type: catalog.TypeBoolean, Title: catalog.Text{It: "Concluso"}},
		{Name: "comune", Type: catalog.TypeString, Code: true, Title: catalog.Text{It: "Codice ISTAT comune"}},
	}}
	quadroSchema = &catalog.Schema{Name: "quadro", Fields: []catalog.Field{
		{Name: "codice", Type: catalog.TypeString, Code: true, Required: true, Title: catalog.Text{It: "Codice univoco programma"}},
		{Name: "importo", Type: catalog.TypeNumber, Required: true, Title: catalog.Text{It: "Importo"}},
		{Name: "componente", Type: catalog.TypeString, Title: catalog.Text{It: "Componente PNRR"}},
	}}
	openSchema = &catalog.Schema{Name: "open", Open: true}
)

func read(t testing.TB, name string, data []byte, opt Options) (*catalog.Table, []catalog.Issue) {
	t.Helper()
	tb, issues, err := Read(context.Background(), name, data, opt)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	if tb == nil {
		t.Fatalf("Read(%s): nil table without error", name)
	}
	return tb, issues
}

func testFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cell returns the cell of the i-th data row under field.
func cell(t *testing.T, tb *catalog.Table, i int, field string) catalog.Cell {
	t.Helper()
	c := tb.ColumnOf(field)
	if c < 0 {
		t.Fatalf("no column for field %q; columns %+v", field, tb.Columns)
	}
	if i >= len(tb.Rows) {
		t.Fatalf("row %d asked, %d rows", i, len(tb.Rows))
	}
	return tb.Rows[i].Cells[c]
}

func rules(issues []catalog.Issue) []string {
	var r []string
	for _, i := range issues {
		r = append(r, i.Rule)
	}
	return r
}

// want is a value expected in a cell: Value, and Problem when set.
type want struct {
	row     int
	field   string
	value   any
	problem string
}

type fileCase struct {
	name      string
	file      string // in testdata
	data      []byte // instead of file
	opt       Options
	sheet     string
	headerRow int
	rows      int
	lines     []int // Line of the first data rows
	cells     []want
	issues    []string // rules expected, in order
}

func runFileCases(t *testing.T, cases []fileCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data
			name := tc.name
			if tc.file != "" {
				data, name = testFile(t, tc.file), tc.file
			}
			tb, issues := read(t, name, data, tc.opt)
			if tb.File != name || tb.Sheet != tc.sheet {
				t.Errorf("File, Sheet = %q, %q, want %q, %q", tb.File, tb.Sheet, name, tc.sheet)
			}
			if tb.HeaderRow != tc.headerRow {
				t.Errorf("HeaderRow = %d, want %d", tb.HeaderRow, tc.headerRow)
			}
			if len(tb.Rows) != tc.rows {
				t.Errorf("%d rows, want %d", len(tb.Rows), tc.rows)
			}
			for i, l := range tc.lines {
				if i < len(tb.Rows) && tb.Rows[i].Line != l {
					t.Errorf("row %d: Line %d, want %d", i, tb.Rows[i].Line, l)
				}
			}
			for _, w := range tc.cells {
				c := cell(t, tb, w.row, w.field)
				if c.Value != w.value || c.Problem != w.problem {
					t.Errorf("row %d %s (raw %q): value %#v problem %q, want %#v %q", w.row, w.field, c.Raw, c.Value, c.Problem, w.value, w.problem)
				}
			}
			if got := rules(issues); !slices.Equal(got, tc.issues) {
				t.Errorf("issues %q, want %q", got, tc.issues)
				for _, i := range issues {
					t.Logf("  %s %s %s", i.Where(), i.Rule, i.Message.It)
				}
			}
			for _, i := range issues {
				if i.Message.It == "" || i.Message.En == "" || i.Ref.File != name {
					t.Errorf("issue %+v lacks a message or a file", i)
				}
			}
			golden(t, tc.name, tb, issues)
		})
	}
}

// golden compares a summary of the table (header, first rows, issues)
// with testdata/golden/NAME.json, rewritten with -update.
func golden(t *testing.T, name string, tb *catalog.Table, issues []catalog.Issue) {
	t.Helper()
	rows := tb.Rows
	if len(rows) > 8 {
		rows = rows[:8]
	}
	got, err := json.MarshalIndent(map[string]any{
		"headerRow": tb.HeaderRow, "columns": tb.Columns, "rows": rows, "rowCount": len(tb.Rows), "issues": issues,
	}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden", strings.NewReplacer("/", "_", " ", "_").Replace(name)+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(bytes.TrimSpace(want), bytes.TrimSpace(got)) {
		t.Errorf("table differs from %s (run go test -update and review the diff):\n%s", path, got)
	}
}

func TestReadCSVRealFiles(t *testing.T) {
	runFileCases(t, []fileCase{{
		// Windows-1252, ";", CRLF rows with LF inside the quoted header
		// cells: the header spans lines 1-3, data starts on line 4.
		name: "istat-comuni", file: "istat-elenco-comuni-como.csv",
		opt:       Options{Schema: comuniSchema},
		headerRow: 1, rows: 5, lines: []int{4, 5, 6, 7, 8},
		cells: []want{
			{0, "denominazione", "Cantù", ""},
			{1, "denominazione", "Fenegrò", ""},
			{1, "codice_comune", "013100", ""},
			{1, "progressivo", "100", ""}, // " 100 " trimmed, zeros kept
			{2, "progressivo", "003", ""},
			{1, "sigla", "CO", ""},
			{1, "capoluogo", false, ""},
			{1, "codice_numerico", 13100.0, ""},
		},
		issues: append(slices.Repeat([]string{"column-unknown"}, 20), "column-missing"),
	}, {
		// UTF-8 with BOM, ";", "N/D" placeholders, dot thousands.
		name: "pnrr-progetti", file: "pnrr-progetti-excerpt.csv",
		opt:       Options{Schema: progettiSchema},
		headerRow: 1, rows: 6, lines: []int{2, 3, 4, 5, 6, 7},
		cells: []want{
			{0, "cup", "J51B21002940006", ""},
			{0, "finanziamento_ue", nil, ""},
			{0, "finanziamento_totale", 114000000.0, ""},
			{0, "finanziamento_pnrr", 114000000.0, ""},
			{1, "finanziamento_totale", 40000.0, ""},
			{1, "codice_locale", "80001/FF/FP", ""},
		},
		issues: slices.Repeat([]string{"column-unknown"}, 22),
	}, {
		// Italian decimals "350,00" and "N/A" for missing.
		name: "pnc-quadro", file: "pnc-quadro-finanziario.csv",
		opt:       Options{Schema: quadroSchema},
		headerRow: 1, rows: 30, lines: []int{2, 3},
		cells: []want{
			{0, "importo", 350.0, ""},
			{0, "codice", "PNC-A.1", ""},
			{0, "componente", "M1C1", ""},
			{3, "componente", nil, ""},
			{4, "importo", 1780.0, ""},
		},
		issues: []string{"column-unknown", "column-unknown", "column-unknown", "column-unknown"},
	}, {
		name: "messina-cig-open", file: "messina-anac-cup-cig.csv",
		opt:       Options{Schema: openSchema},
		headerRow: 1, rows: 84, lines: []int{2},
		cells: []want{{0, "cig", "95338806A9", ""}, {0, "cup", "G45F22000020001", ""}},
	}, {
		name: "messina-empty", file: "messina-scp-esiti-empty.csv",
		opt:    Options{Schema: progettiSchema},
		issues: []string{"header"},
	}})
}

func readErr(name string, data []byte, opt Options) (*catalog.Table, []catalog.Issue, error) {
	return Read(context.Background(), name, data, opt)
}

func assertUnreadable(t *testing.T, err error, name, words string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want an unreadable file")
	}
	var ie *Error
	if !errors.As(err, &ie) || !errors.Is(err, ErrUnreadable) {
		t.Fatalf("error %v (%T) is not an *ingest.Error matching ErrUnreadable", err, err)
	}
	if ie.Ref.File != name || !strings.Contains(ie.Message.It, words) || ie.Message.En == "" {
		t.Errorf("error ref %v message %q, want file %s and %q", ie.Ref, ie.Message.It, name, words)
	}
}
