package anac_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/export/anac"
	read "github.com/provincia-como/opendata/pipeline/ingest/l190"
	check "github.com/provincia-como/opendata/pipeline/validate/l190"
)

func shared(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "..", "..", "shared"}, parts...)...)
}

var opts = anac.Options{
	BaseURL: "https://dati.example.invalid/datasets/contratti/anac/",
	Title:   "Contratti pubblici", Ente: "Comune di Prova", License: "CC-BY-4.0",
	Published: "2024-01-31", Updated: "2024-02-15",
}

// readFile reads an L. 190 file with the portal's reader.
func readFile(t testing.TB, name string, data []byte) *read.Tables {
	t.Helper()
	tb, err := read.ReadTables(context.Background(), name, bytes.NewReader(data), read.Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return tb
}

// published gives the reader's tables the shape the pipeline stores:
// riga_xml (the lotto's line) on the lotti and their parties, and, when
// file is set, file_xml too.
func published(tb *read.Tables, file string) anac.Tables {
	key := func(src *catalog.Table, line func(catalog.Row) int) *catalog.Table {
		t := *src
		t.Columns = append(slices.Clone(src.Columns), catalog.Column{Field: "riga_xml"})
		if file != "" {
			t.Columns = append(t.Columns, catalog.Column{Field: "file_xml"})
		}
		t.Rows = make([]catalog.Row, len(src.Rows))
		for i, r := range src.Rows {
			cells := append(slices.Clone(r.Cells), catalog.Cell{Value: float64(line(r))})
			if file != "" {
				cells = append(cells, catalog.Cell{Value: file})
			}
			t.Rows[i] = catalog.Row{Line: r.Line, Cells: cells}
		}
		return &t
	}
	lotto := tb.Partecipanti.ColumnOf(read.FieldLotto)
	party := func(r catalog.Row) int { return r.Cells[lotto].Line }
	return anac.Tables{
		Metadata:      tb.Metadata,
		Lotti:         key(tb.Lotti, func(r catalog.Row) int { return r.Line }),
		Partecipanti:  key(tb.Partecipanti, party),
		Aggiudicatari: key(tb.Aggiudicatari, party),
	}
}

// passing keeps the lotti that ANAC's rules accept, with their parties: what
// a published version holds (a file with errors is refused). An error
// belongs to the lotto whose element encloses its line.
func passing(t testing.TB, tb *read.Tables) (*read.Tables, int) {
	issues := check.Check(context.Background(), check.Options{}, check.Set{Lotti: tb.Lotti, Partecipanti: tb.Partecipanti, Aggiudicatari: tb.Aggiudicatari})
	lines := make([]int, len(tb.Lotti.Rows))
	for i, r := range tb.Lotti.Rows {
		lines[i] = r.Line
	}
	bad := map[int]bool{}
	for _, is := range issues {
		if is.Severity != catalog.Error {
			continue
		}
		i, found := slices.BinarySearch(lines, is.Ref.Row)
		if !found {
			i--
		}
		if i >= 0 {
			bad[i] = true
		}
	}
	out := *tb
	keep := func(src *catalog.Table, ok func(int, catalog.Row) bool) *catalog.Table {
		c := *src
		c.Rows = nil
		for i, r := range src.Rows {
			if ok(i, r) {
				c.Rows = append(c.Rows, r)
			}
		}
		return &c
	}
	badN := map[any]bool{}
	cl := tb.Lotti.ColumnOf(read.FieldLotto)
	for i := range bad {
		badN[tb.Lotti.Rows[i].Cells[cl].Value] = true
	}
	out.Lotti = keep(tb.Lotti, func(i int, _ catalog.Row) bool { return !bad[i] })
	party := func(src *catalog.Table) *catalog.Table {
		c := src.ColumnOf(read.FieldLotto)
		return keep(src, func(_ int, r catalog.Row) bool { return !badN[r.Cells[c].Value] })
	}
	out.Partecipanti, out.Aggiudicatari = party(tb.Partecipanti), party(tb.Aggiudicatari)
	return &out, len(bad)
}

// xmllint validates a file against an XSD; the test is skipped without
// xmllint unless OPENDATA_REQUIRE_XMLLINT=1 (CI).
func xmllint(t *testing.T, xsd string, data []byte) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("OPENDATA_REQUIRE_XMLLINT") == "1" {
			t.Fatal("xmllint is missing and OPENDATA_REQUIRE_XMLLINT=1: install libxml2-utils (scripts/setup.sh does)")
		}
		t.Skip("xmllint is missing: install libxml2-utils to check the files against ANAC's XSD")
	}
	f := filepath.Join(t.TempDir(), "file.xml")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--noout", "--schema", xsd, f).CombinedOutput()
	if err != nil {
		msg := string(out)
		if len(msg) > 2000 {
			msg = msg[:2000]
		}
		t.Fatalf("xmllint refuses the file: %v\n%s", err, msg)
	}
}

// lotto is what a lotto says, as text, for comparing.
func lotti(tb *read.Tables) []string {
	t := tb.Lotti
	fields := []string{read.FieldCIG, read.FieldCodiceFiscaleProp, read.FieldDenominazione, read.FieldOggetto, read.FieldSceltaContraente,
		read.FieldImportoAggiudicazione, read.FieldDataInizio, read.FieldDataUltimazione, read.FieldImportoSommeLiquidate, read.FieldAnnoRiferimento}
	var out []string
	for _, r := range t.Rows {
		var b strings.Builder
		for _, f := range fields {
			fmt.Fprintf(&b, "%v|", cut(r.Cells[t.ColumnOf(f)].Value))
		}
		b.WriteString(parties(tb.Partecipanti, r.Cells[t.ColumnOf(read.FieldLotto)].Value))
		b.WriteString(" => ")
		b.WriteString(parties(tb.Aggiudicatari, r.Cells[t.ColumnOf(read.FieldLotto)].Value))
		out = append(out, b.String())
	}
	return out
}

// cut is what the writer makes of a text over 250 characters.
func cut(v any) any {
	s, ok := v.(string)
	if !ok || len([]rune(s)) <= 250 {
		return v
	}
	return strings.TrimRight(string([]rune(s)[:247]), " ") + "..."
}

// parties lists a lotto's parties in a stable order: the writer puts the
// groupings before the parties alone, as the schema wants.
func parties(t *catalog.Table, lotto any) string {
	var out []string
	for _, r := range t.Rows {
		if r.Cells[t.ColumnOf(read.FieldLotto)].Value != lotto {
			continue
		}
		var b strings.Builder
		for _, f := range []string{read.FieldRaggruppamento, read.FieldRuolo, read.FieldCodiceFiscale, read.FieldIdentificativoEstero, read.FieldRagioneSociale} {
			fmt.Fprintf(&b, "%v/", cut(r.Cells[t.ColumnOf(f)].Value))
		}
		out = append(out, b.String())
	}
	slices.Sort(out)
	return strings.Join(out, ";")
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		file  string
		lotti int
		key   string // file_xml of the tables, "" for none
	}{
		{"AVCP-portaletrasparenza-scrape_2013-12.xml", 5207, ""},
		{"SITO-Interporto-Torino_2021.xml", -1, "SITO-Interporto-Torino_2021.xml"},
		{"SITO-Interporto-Torino_2022.xml", -1, ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(shared("corpus", "l190", tc.file))
			if os.IsNotExist(err) {
				t.Skipf("%s is absent", tc.file)
			}
			if err != nil {
				t.Fatal(err)
			}
			src := readFile(t, tc.file, data)
			if tc.lotti >= 0 && len(src.Lotti.Rows) != tc.lotti {
				t.Fatalf("read %d lotti, want %d", len(src.Lotti.Rows), tc.lotti)
			}
			res, err := anac.Build(published(src, tc.key), opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Files) != 2 || res.Files[1].Name != anac.IndexName || res.NoYear != 0 {
				t.Fatalf("files %d, no year %d, want one year and the index", len(res.Files), res.NoYear)
			}
			f := res.Files[0]
			year, _ := src.Metadata.Rows[0].Cells[src.Metadata.ColumnOf(read.FieldAnnoRiferimento)].Value.(float64)
			if f.Year != int(year) || f.Name != strconv.Itoa(f.Year)+".xml" || f.Lotti != len(src.Lotti.Rows) {
				t.Fatalf("file %s year %d with %d lotti, want %v with %d", f.Name, f.Year, f.Lotti, year, len(src.Lotti.Rows))
			}
			back := readFile(t, f.Name, f.XML)
			if back.File.Namespace != "legge190_1_0" {
				t.Errorf("namespace %q", back.File.Namespace)
			}
			want, got := lotti(src), lotti(back)
			if res.Cut > 0 {
				t.Logf("%d texts cut to 250 characters", res.Cut)
			}
			if len(got) != len(want) {
				t.Fatalf("%d lotti back, want %d", len(got), len(want))
			}
			diff := 0
			for i := range want {
				if got[i] != want[i] {
					if diff < 3 {
						t.Errorf("lotto %d:\n got %s\nwant %s", i+1, got[i], want[i])
					}
					diff++
				}
			}
			// Every procedure is read back exactly, in the v1.3 wording.
			for _, l := range back.Lotti.Rows {
				c := l.Cells[back.Lotti.ColumnOf(read.FieldSceltaContraente)]
				if c.Value != nil && c.Raw != c.Value {
					t.Fatalf("procedure %q read as %v", c.Raw, c.Value)
				}
			}
			m := back.File.Metadata
			if m.URLFile.String() != opts.BaseURL+f.Name || m.DataPubblicazioneTag != "dataPubblicazioneDataset" {
				t.Errorf("metadata url %q, date tag %q", m.URLFile.String(), m.DataPubblicazioneTag)
			}
			// What a published version holds is a valid file.
			ok, dropped := passing(t, src)
			valid, err := anac.Build(published(ok, tc.key), opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d lotti of %d written after dropping those with errors", len(ok.Lotti.Rows), len(src.Lotti.Rows))
			if dropped > len(src.Lotti.Rows)/4 {
				t.Errorf("%d lotti of %d have errors", dropped, len(src.Lotti.Rows))
			}
			xmllint(t, shared("reference", "anac-l190", "v1.3", "datasetAppaltiL190.xsd"), valid.Files[0].XML)

			idx := res.Files[1]
			ib := readFile(t, idx.Name, idx.XML)
			if ib.File.Kind != read.Index || len(ib.File.Links) != 1 || ib.File.Links[0].URL.String() != opts.BaseURL+f.Name {
				t.Fatalf("index: kind %s, links %+v", ib.File.Kind, ib.File.Links)
			}
			xmllint(t, shared("reference", "anac-l190", "v1.3", "datasetIndiceAppaltiL190.xsd"), idx.XML)
		})
	}
}

// TestYearsAndGuards: lotti of two years make two files and an index
// listing both; a lotto with no year is left out and counted; a text over
// 250 characters is cut; the same tables give the same bytes.
func TestYearsAndGuards(t *testing.T) {
	lc := []catalog.Column{{Field: "cig"}, {Field: "codice_fiscale_prop"}, {Field: "denominazione"}, {Field: "oggetto"},
		{Field: "scelta_contraente"}, {Field: "importo_aggiudicazione"}, {Field: "importo_somme_liquidate"},
		{Field: "data_inizio"}, {Field: "data_ultimazione"}, {Field: "anno_riferimento"}, {Field: "riga_xml"}}
	row := func(cig, ogg string, agg float64, year any, line float64) catalog.Row {
		v := []any{cig, "00000000000", "Comune di Prova", ogg, "23-AFFIDAMENTO DIRETTO", agg, 0.0, "2023-03-01", nil, year, line}
		cells := make([]catalog.Cell, len(v))
		for i, x := range v {
			cells[i] = catalog.Cell{Value: x}
		}
		return catalog.Row{Line: int(line), Cells: cells}
	}
	long := strings.Repeat("è", 260)
	tabs := anac.Tables{Lotti: &catalog.Table{Columns: lc, Rows: []catalog.Row{
		row("Z1A0B2C3D4", "Cancelleria", 1234.5, 2023.0, 2),
		row("Z1A0B2C3D5", long, 0.1+0.2, 2024.0, 3),
		row("Z1A0B2C3D6", "Senza anno", 10, nil, 4),
	}}}
	res, err := anac.Build(tabs, opts)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range res.Files {
		names = append(names, f.Name)
	}
	if strings.Join(names, " ") != "2023.xml 2024.xml indice.xml" || res.NoYear != 1 || res.Cut != 1 {
		t.Fatalf("files %v, no year %d, cut %d", names, res.NoYear, res.Cut)
	}
	for _, want := range []string{"<importoAggiudicazione>1234.5</importoAggiudicazione>", "<dataInizio>2023-03-01</dataInizio>", "<partecipanti/>"} {
		if !bytes.Contains(res.Files[0].XML, []byte(want)) {
			t.Errorf("2023.xml lacks %s", want)
		}
	}
	if !bytes.Contains(res.Files[1].XML, []byte("<importoAggiudicazione>0.3</importoAggiudicazione>")) {
		t.Errorf("2024.xml: amount not rounded to the cent")
	}
	back := readFile(t, "2024.xml", res.Files[1].XML)
	if o := back.Lotti.Rows[0].Cells[back.Lotti.ColumnOf(read.FieldOggetto)].Value.(string); len([]rune(o)) != 250 || !strings.HasSuffix(o, "...") {
		t.Errorf("cut object has %d characters: %q", len([]rune(o)), o)
	}
	idx := readFile(t, anac.IndexName, res.Files[2].XML)
	if len(idx.File.Links) != 2 || idx.File.Metadata.AnnoRiferimento.Value != 2024.0 {
		t.Errorf("index links %d, year %v", len(idx.File.Links), idx.File.Metadata.AnnoRiferimento.Value)
	}
	again, _ := anac.Build(tabs, opts)
	for i := range res.Files {
		if !bytes.Equal(again.Files[i].XML, res.Files[i].XML) {
			t.Errorf("%s: not the same bytes twice", res.Files[i].Name)
		}
	}
	for i, xsd := range []string{"datasetAppaltiL190.xsd", "datasetAppaltiL190.xsd", "datasetIndiceAppaltiL190.xsd"} {
		xmllint(t, shared("reference", "anac-l190", "v1.3", xsd), res.Files[i].XML)
	}
	if _, err := anac.Build(anac.Tables{Lotti: &catalog.Table{Columns: lc[:10]}}, opts); err == nil {
		t.Error("a lotti table without riga_xml was accepted")
	}
}

// TestFieldNames keeps the writer's field names those of the reader and
// of the pipeline's published table.
func TestFieldNames(t *testing.T) {
	known := map[string]bool{"riga_xml": true}
	for _, f := range []string{read.FieldCIG, read.FieldCodiceFiscaleProp, read.FieldDenominazione, read.FieldOggetto, read.FieldSceltaContraente,
		read.FieldImportoAggiudicazione, read.FieldImportoSommeLiquidate, read.FieldDataInizio, read.FieldDataUltimazione, read.FieldAnnoRiferimento,
		read.FieldRaggruppamento, read.FieldRuolo, read.FieldCodiceFiscale, read.FieldIdentificativoEstero, read.FieldRagioneSociale, read.FieldEntePubblicatore} {
		known[f] = true
	}
	for _, f := range anac.FieldNames() {
		if !known[f] {
			t.Errorf("field %q is not the reader's", f)
		}
	}
}

func BenchmarkBuild(b *testing.B) {
	data, err := os.ReadFile(shared("corpus", "l190", "AVCP-portaletrasparenza-scrape_2013-12.xml"))
	if err != nil {
		b.Skip(err)
	}
	tabs := published(readFile(b, "avcp.xml", data), "")
	b.ResetTimer()
	for b.Loop() {
		if _, err := anac.Build(tabs, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(tabs.Lotti.Rows)*b.N)/b.Elapsed().Seconds(), "lotti/s")
}
