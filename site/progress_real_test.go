package site

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// selectionOf7707 is the filter the demo's dataset keeps the national
// file's rows with: 7,707 read.
var selectionOf7707 = catalog.Selection{Filter: map[string]string{"cod_provincia": "013"}, Read: 7707}

// padigitaleFields maps the headers of PA digitale's file to the fields of
// the padigitale schema (schemas/padigitale.json), as ingest does.
var padigitaleFields = map[string]string{
	"codice_ipa": "codice_ipa", "ente": "soggetto_attuatore", "tipologia_ente": "tipologia_ente", "comune": "denominazione_comune",
	"cod_comune": "codice_comune", "provincia": "sigla_provincia", "cod_provincia": "codice_provincia", "regione": "regione",
	"cod_regione": "codice_regione", "importo_finanziamento": "finanziamento_totale", "avviso": "titolo",
	"data_invio_candidatura": "invio_candidatura", "data_finanziamento": "data_finanziamento", "codice_cup": "cup",
	"stato_candidatura": "stato", "data_stato_candidatura": "data_stato", "misura": "misura",
}

// padigitaleBuild is the fixture's build with the real rows of
// testdata/candidature_finanziate_145-estratto.csv as a dataset of the
// Province, its states mapped as the demo catalog maps them, and the
// registry holding Uggiate con Ronago.
func padigitaleBuild(t *testing.T) *catalog.Build {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "candidature_finanziate_145-estratto.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	tab := &catalog.Table{File: "candidature_finanziate_145.csv", HeaderRow: 1}
	for i, h := range recs[0] {
		tab.Columns = append(tab.Columns, catalog.Column{Header: h, Field: padigitaleFields[h], Index: i + 1})
	}
	for r, rec := range recs[1:] {
		row := catalog.Row{Line: r + 2}
		for i, v := range rec {
			c := catalog.Cell{Raw: v, Value: v}
			if tab.Columns[i].Field == "finanziamento_totale" {
				n, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatal(err)
				}
				c.Value = n
			}
			row.Cells = append(row.Cells, c)
		}
		tab.Rows = append(tab.Rows, row)
	}
	b := fixture()
	reg := b.Datasets[0].Table
	reg.Rows = append(reg.Rows, catalog.Row{Line: 5, Cells: []catalog.Cell{
		{Raw: "013256", Value: "013256"}, {Raw: "Uggiate con Ronago", Value: "Uggiate con Ronago"}, {Raw: "CO", Value: "CO"}, {Raw: "6789", Value: 6789.0}, {},
	}})
	v := catalog.Version{ID: "fade0000fade0000", Accepted: b.Generated, Rows: len(tab.Rows)}
	b.Datasets = append(b.Datasets, catalog.DatasetState{
		Dataset: catalog.Dataset{ID: "padigitale-145", Title: catalog.Text{It: "PA digitale 2026, misura 1.4.5", En: "PA digitale 2026, measure 1.4.5"},
			Publisher: "013", Schema: catalog.GrantsSchema,
			States: map[string]catalog.ProjectState{"A": catalog.StateAssigned, "E": catalog.StatePaid, "R": catalog.StateWithdrawn}},
		Status: catalog.Accepted, Current: &v, Table: tab,
	})
	b.Files = os.DirFS(filepath.Join("..", "datasets"))
	return b
}

// TestPADigitaleRows: the real rows' states map to the portal's, with the
// day each began; Ronago's row, whose comune reads "N/D", lands in its
// successor Uggiate con Ronago 013256; a "N/D" comune the tables do not
// know (Albaredo Arnaboldi, in Pavia) is reported, not dropped.
func TestPADigitaleRows(t *testing.T) {
	m, err := newModel(padigitaleBuild(t))
	if err != nil {
		t.Fatal(err)
	}
	f := formatter{lang: "it"}
	today := m.b.Generated
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	tests := []struct {
		cup    string
		comuni []string
		state  catalog.ProjectState
		since  time.Time
		paid   bool
	}{
		{"J81F22003870006", []string{"013256"}, catalog.StateWithdrawn, day("2024-04-19"), false}, // Ronago, "N/D"
		{"H51F22002960006", []string{"013133"}, catalog.StatePaid, day("2025-08-13"), true},       // Lomazzo
		{"F11F22002860006", []string{"013256"}, catalog.StatePaid, day("2025-04-24"), true},       // Uggiate con Ronago
	}
	byCUP := map[string]*project{}
	for _, p := range m.all() {
		byCUP[p.text("cup")] = p
	}
	for _, tt := range tests {
		p := byCUP[tt.cup]
		if p == nil {
			t.Errorf("%s: no project", tt.cup)
			continue
		}
		if strings.Join(p.Comuni, " ") != strings.Join(tt.comuni, " ") {
			t.Errorf("%s: comuni %v, want %v", tt.cup, p.Comuni, tt.comuni)
		}
		g := p.progress(f, today)
		if g.Current.State != tt.state || !g.Current.Since.Equal(tt.since) {
			t.Errorf("%s: state %q since %s, want %q since %s", tt.cup, g.Current.State, g.Current.Since.Format(time.DateOnly), tt.state, tt.since.Format(time.DateOnly))
		}
		// Before the state, the grant was assigned on the decree's day.
		if len(g.History) < 2 || g.History[0].State != catalog.StateAssigned || !g.History[0].Since.Equal(day("2023-01-03")) {
			t.Errorf("%s: history %+v", tt.cup, g.History)
		}
		if g.PaidOK != tt.paid || (tt.paid && g.Paid != g.Amount) {
			t.Errorf("%s: paid %v %.2f of %.2f", tt.cup, g.PaidOK, g.Paid, g.Amount)
		}
		if g.Late {
			t.Errorf("%s: late with no planned end", tt.cup)
		}
	}
	if len(m.unplaced) != 1 || m.unplaced[0].Name != "Albaredo Arnaboldi" || m.unplaced[0].Code != "N/D" {
		t.Errorf("unplaced rows %+v, want Albaredo Arnaboldi's", m.unplaced)
	}
	// Ronago's page of the successor lists both its grants by state.
	w := &writer{m: m, loc: time.UTC}
	params := map[string]any{}
	w.comuneProgress(f, m.byCode["013256"], params)
	rows, _ := params["byState"].([]map[string]any)
	if len(rows) != 2 || rows[0]["code"] != string(catalog.StatePaid) || rows[1]["code"] != string(catalog.StateWithdrawn) {
		t.Errorf("Uggiate con Ronago by state: %v", rows)
	}
	if svg, _ := params["locator"].(string); !strings.Contains(svg, `data-istat="013256"`) || !strings.Contains(svg, "Uggiate con Ronago") {
		t.Errorf("no locator map for 013256")
	}
}

// TestLateAndConflicts: a project whose planned end passed before the
// build with no actual end is late; the same CUP reported by two datasets
// with different states shows both, each with its source.
func TestLateAndConflicts(t *testing.T) {
	b := fixture()
	// The fixture's first project plans to end on 2026-06-30 and has no
	// actual end; the build is of 2026-11-26.
	other := b.Datasets[1]
	other.Dataset.ID = "progetti-provincia"
	other.Dataset.States = map[string]catalog.ProjectState{"Chiuso": catalog.StateCompleted}
	tab := *other.Table
	tab.Rows = []catalog.Row{tab.Rows[0]}
	tab.Rows[0].Cells = append([]catalog.Cell(nil), tab.Rows[0].Cells...)
	tab.Rows[0].Cells[tab.ColumnOf("stato")] = catalog.Cell{Raw: "Chiuso", Value: "Chiuso"}
	other.Table = &tab
	b.Datasets = append(b.Datasets, other)
	m, err := newModel(b)
	if err != nil {
		t.Fatal(err)
	}
	f := formatter{lang: "it"}
	p := m.all()[0]
	g := p.progress(f, b.Generated)
	if !g.Late {
		t.Error("a project past its planned end, with no actual end and in progress, is not late")
	}
	if g2 := p.progress(f, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); g2.Late {
		t.Error("late before its planned end")
	}
	if len(g.Conflicts) != 1 || g.Conflicts[0].Fact.It != "Stato" || len(g.Conflicts[0].Values) != 2 {
		t.Fatalf("conflicts %+v", g.Conflicts)
	}
	got := g.Conflicts[0].Values
	if got[0].Text != "In corso" || got[1].Text != "Concluso" || got[1].From.Dataset.Dataset.ID != "progetti-provincia" {
		t.Errorf("values %+v", got)
	}
}
