package ingest

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// shared returns a file of ../shared, or skips the test when it is absent.
func shared(t *testing.T, parts ...string) []byte {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "..", "shared"}, parts...)...)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("no shared file: %v", err)
	}
	return b
}

// rowWhere returns the first row whose cell under field is v.
func rowWhere(t *testing.T, tb *catalog.Table, field string, v any) int {
	t.Helper()
	j := tb.ColumnOf(field)
	if j < 0 {
		t.Fatalf("no field %q in %+v", field, tb.Columns)
	}
	for i, r := range tb.Rows {
		if r.Cells[j].Value == v {
			return i
		}
	}
	t.Fatalf("no row with %s = %#v", field, v)
	return -1
}

func checkType(t *testing.T, tb *catalog.Table, field string, want catalog.FieldType) {
	t.Helper()
	if j := tb.ColumnOf(field); j < 0 || tb.Columns[j].Type != want {
		t.Errorf("%s: type of %+v, want %q", field, tb.Columns[max(j, 0)], want)
	}
}

// TestFreeISTATWorkbook reads ISTAT's workbook of comuni as a free table:
// the stored values, not the rounding the sheet shows ("13,15", "2.562").
func TestFreeISTATWorkbook(t *testing.T) {
	data := shared(t, "data", "istat", "istat_Classificazioni-statistiche-e-dimensione-dei-comuni_01_01_2023.xlsx")
	tb, issues := read(t, "comuni.xlsx", data, Options{Schema: openSchema})
	for _, is := range issues {
		t.Errorf("issue %s %s %s", is.Where(), is.Rule, is.Message.En)
	}
	const (
		code    = "codice_istat_del_comune_alfanumerico"
		numeric = "codice_istat_del_comune_numerico"
		name    = "denominazione_italiana_e_straniera"
		area    = "superficie_territoriale_kmq_al_01_01_2023"
		pop     = "popolazione_legale_2021_31_12_2021"
		region  = "codice_regione"
	)
	checkType(t, tb, code, catalog.TypeString)
	checkType(t, tb, numeric, catalog.TypeString) // a code, by its header
	checkType(t, tb, region, catalog.TypeString)
	checkType(t, tb, area, catalog.TypeNumber)
	checkType(t, tb, pop, catalog.TypeInteger)
	i := rowWhere(t, tb, name, "Agliè")
	for _, w := range []struct {
		field string
		value any
		shown string
	}{
		{code, "001001", "001001"},
		{region, "01", "01"},
		{numeric, "1001", "1001"},
		{area, 13.1462, "13,15"},
		{pop, 2562.0, "2.562"},
	} {
		c := cell(t, tb, i, w.field)
		if c.Value != w.value || c.Raw != w.shown {
			t.Errorf("Agliè %s: value %#v shown %q, want %#v shown %q", w.field, c.Value, c.Raw, w.value, w.shown)
		}
	}
	if c := cell(t, tb, rowWhere(t, tb, name, "Cantù"), code); c.Value != "013041" {
		t.Errorf("Cantù: code %#v", c.Value)
	}
}

// TestFreeRealCSV reads real CSV files as free tables: Windows-1252 with
// codes, ministry files with dot thousands ("40.000", "114.000.000") and
// decimal commas ("350,00"), an export with dot decimals ("2373876.0") and
// ISO datetimes.
func TestFreeRealCSV(t *testing.T) {
	t.Run("istat latin1", func(t *testing.T) {
		tb, issues := read(t, "comuni.csv", testFile(t, "istat-elenco-comuni-como.csv"), Options{Schema: openSchema})
		if len(issues) > 0 {
			t.Errorf("issues %+v", issues)
		}
		i := rowWhere(t, tb, "denominazione_in_italiano", "Fenegrò")
		for f, v := range map[string]any{
			"codice_comune_formato_alfanumerico": "013100",
			"progressivo_del_comune_2":           "100",
			"codice_regione":                     "03",
			"codice_comune_formato_numerico":     "13100",
			"flag_comune_capoluogo_di_provincia_citta_metropolitana_libero_consorzio": 0.0,
		} {
			if c := cell(t, tb, i, f); c.Value != v {
				t.Errorf("%s: %#v, want %#v", f, c.Value, v)
			}
		}
		checkType(t, tb, "codice_comune_formato_alfanumerico", catalog.TypeString)
	})
	t.Run("pnc decimal comma", func(t *testing.T) {
		tb, _ := read(t, "pnc.csv", testFile(t, "pnc-quadro-finanziario.csv"), Options{Schema: openSchema})
		checkType(t, tb, "importo", catalog.TypeNumber)
		if c := cell(t, tb, 0, "importo"); c.Value != 350.0 {
			t.Errorf("importo %#v", c.Value)
		}
	})
	t.Run("pnrr dot thousands", func(t *testing.T) {
		tb, issues := read(t, "PNRR_Progetti.csv", shared(t, "corpus", "real", "italia-domani", "PNRR_Progetti.csv"), Options{Schema: openSchema})
		for _, is := range issues {
			t.Errorf("issue %s %s", is.Where(), is.Rule)
		}
		checkType(t, tb, "finanziamento_pnrr", catalog.TypeInteger)
		checkType(t, tb, "finanz_totale", catalog.TypeInteger)
		checkType(t, tb, "finanziamento_ue", catalog.TypeString) // all N/D
		checkType(t, tb, "cup", catalog.TypeString)
		i := rowWhere(t, tb, "cup", "E91B21008390006")
		if c := cell(t, tb, i, "finanziamento_pnrr"); c.Value != 40000.0 || c.Raw != "40.000" {
			t.Errorf("40.000 read as %#v (raw %q)", c.Value, c.Raw)
		}
		if c := cell(t, tb, 0, "finanz_totale"); c.Value != 114000000.0 {
			t.Errorf("114.000.000 read as %#v", c.Value)
		}
	})
	t.Run("padigitale dot decimals", func(t *testing.T) {
		tb, _ := read(t, "c.csv", shared(t, "data", "padigitale2026", "candidature_finanziate_131.csv"), Options{Schema: openSchema})
		checkType(t, tb, "importo_finanziamento", catalog.TypeNumber)
		checkType(t, tb, "data_invio_candidatura", catalog.TypeDatetime)
		checkType(t, tb, "data_finanziamento", catalog.TypeDate)
		checkType(t, tb, "cod_comune", catalog.TypeString)
		i := rowWhere(t, tb, "codice_cup", "C51F23000670006")
		for f, v := range map[string]any{
			"importo_finanziamento":  2373876.0,
			"data_invio_candidatura": "2023-06-28T13:31:55+00:00",
			"data_finanziamento":     "2023-08-22",
			"cod_comune":             "022205",
		} {
			if c := cell(t, tb, i, f); c.Value != v {
				t.Errorf("%s: %#v, want %#v", f, c.Value, v)
			}
		}
	})
}

// TestFreeHostileWorkbooks reads every workbook of the hostile corpus as a
// free table: no panic (the corpus test covers that too) and no invented
// value: a number or a date in a cell is what the file stores in that
// cell, or what its text says.
func TestFreeHostileWorkbooks(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "hostile")
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".xlsx") || strings.HasSuffix(p, ".xlsm") || strings.HasSuffix(p, ".ods")) {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Skip("no hostile corpus")
	}
	checked := 0
	for _, p := range files {
		data, _ := os.ReadFile(p)
		tb, _, err := Read(t.Context(), filepath.Base(p), data, Options{Schema: openSchema})
		if err != nil || tb == nil || len(tb.Rows) == 0 || strings.HasSuffix(p, ".ods") {
			continue // refused, empty, or ODS (whose reader is the only one we have)
		}
		f, err := excelize.OpenReader(strings.NewReader(string(data)))
		if err != nil {
			continue
		}
		rows, err := f.GetRows(tb.Sheet, excelize.Options{RawCellValue: true})
		f.Close()
		if err != nil {
			continue
		}
		date1904 := false
		if f2, err := excelize.OpenReader(strings.NewReader(string(data))); err == nil {
			if props, err := f2.GetWorkbookProps(); err == nil && props.Date1904 != nil {
				date1904 = *props.Date1904
			}
			f2.Close()
		}
		for _, r := range tb.Rows {
			for j, c := range r.Cells {
				if c.Value == nil || tb.Columns[j].Type == catalog.TypeString || tb.Columns[j].Type == catalog.TypeBoolean {
					continue
				}
				stored := ""
				if r.Line-1 < len(rows) && tb.Columns[j].Index-1 < len(rows[r.Line-1]) {
					stored = rows[r.Line-1][tb.Columns[j].Index-1]
				}
				if !fromFile(c, stored, date1904) {
					t.Errorf("%s!%s: value %#v, but the cell stores %q and shows %q", filepath.Base(p),
						catalog.Ref{Row: r.Line, Col: tb.Columns[j].Index}.Cell(), c.Value, stored, c.Raw)
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Error("no typed value checked in the whole corpus")
	}
	t.Logf("%d typed values checked in %d workbooks", checked, len(files))
}

// fromFile reports whether a typed value comes from the cell's stored value
// or its text.
func fromFile(c catalog.Cell, stored string, date1904 bool) bool {
	text := strings.TrimSpace(c.Raw)
	switch v := c.Value.(type) {
	case float64:
		if f, err := strconv.ParseFloat(stored, 64); err == nil && f == v {
			return true
		}
		for _, s := range []string{stored, text} {
			if f, ok := parseNumber(s); ok && f == v {
				return true
			}
			if f, ok := dotDecimal(s); ok && f == v {
				return true
			}
		}
	case string:
		if f, err := strconv.ParseFloat(stored, 64); err == nil && !math.IsNaN(f) {
			for _, showsTime := range []bool{false, true} {
				if d, _, ok := serialDateTime(f, date1904, showsTime); ok && (d == v || d+"T00:00:00" == v) {
					return true
				}
			}
		}
		for _, s := range []string{stored, text} {
			if d, _, ok := parseDateTime(s); ok && (d == v || d+"T00:00:00" == v) {
				return true
			}
		}
	}
	return false
}
