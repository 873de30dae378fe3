package validate

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// mini is a small schema for the keywords the project schemas do not use.
const mini = `{
  "x-primaryKey": ["anno", "codice"],
  "required": ["codice"],
  "properties": {
    "anno": {"type": "integer", "title": "Anno"},
    "codice": {"type": "string", "minLength": 3, "maxLength": 5, "title": "Codice"},
    "quota": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "title": "Quota"},
    "attivo": {"type": "boolean", "title": "Attivo"}
  }
}`

var (
	progettiCols = []col{
		{"Codice Locale Progetto", "codice_progetto"}, {"CUP", "cup"}, {"Titolo progetto", "titolo"},
		{"Codice ISTAT comune", "codice_comune"}, {"FINANZIAMENTO _UE", "finanziamento_ue"},
		{"FINANZIAMENTO_COMUNE", "finanziamento_comune"}, {"FINANZ_TOTALE", "finanziamento_totale"},
		{"Importo richiesto", "finanziamento_richiesto"}, {"Stato", "stato"},
		{"Avanzamento", "avanzamento_percentuale"}, {"Data fine prevista", "data_fine_prevista"},
		{"Note", ""},
	}
	comuniCols = []col{
		{"Codice Comune formato alfanumerico", "codice_istat"}, {"Denominazione in italiano", "denominazione"},
		{"Sigla automobilistica", "sigla_provincia"}, {"Codice Catastale del comune", "codice_catastale"},
		{"Popolazione legale", "popolazione"},
	}
	miniCols = []col{{"Anno", "anno"}, {"Codice", "codice"}, {"Quota", "quota"}, {"Attivo", "attivo"}}
)

// progetto is a valid projects row for progettiCols, changed by the given
// column overrides.
func progetto(code string, set map[int]any) []any {
	r := []any{code, "G91B21004470006", "Nuovo sito web", "013075", 1000.0, 250.0, 1250.0, 500.0,
		"in corso", 40.0, date("2026-12-31"), "nota"}
	for j, v := range set {
		r[j] = v
	}
	return r
}

func TestTableRules(t *testing.T) {
	all := loadSchemas(t)
	m, err := Compile("mini", []byte(mini))
	if err != nil {
		t.Fatal(err)
	}
	all["mini"] = m
	reg := comoRegistry(t)

	type want struct {
		where, rule string
		// says are texts the Italian message must contain.
		says []string
	}
	tests := []struct {
		name   string
		schema string
		noReg  bool
		table  *catalog.Table
		want   []want
	}{
		{
			name: "valid", schema: "progetti",
			table: newTable("p.xlsx", "Foglio1", progettiCols, progetto("P-1", nil), progetto("P-2", map[int]any{3: "013256"})),
		},
		{
			name: "type from ingest", schema: "progetti",
			table: newTable("p.xlsx", "Foglio1", progettiCols, progetto("P-1", map[int]any{4: bad("12,3,4"), 10: bad("31/02/2026")})),
			want: []want{
				{"p.xlsx!Foglio1!E2", "type", []string{"cella E2 (FINANZIAMENTO _UE)", "«12,3,4»", "serve un numero, ad esempio 1.234,56"}},
				{"p.xlsx!Foglio1!K2", "type", []string{"«31/02/2026»", "serve una data"}},
			},
		},
		{
			name: "type from schema", schema: "comuni",
			table: newTable("c.csv", "", comuniCols, []any{"013075", "Como", "CO", "C933", 83320.5}),
			want:  []want{{"c.csv:2:5", "type", []string{"«83.320,5»", "numero intero"}}},
		},
		{
			name: "required cell", schema: "progetti",
			table: newTable("p.xlsx", "Foglio1", progettiCols, progetto("P-1", map[int]any{2: nil})),
			want:  []want{{"p.xlsx!Foglio1!C2", "required", []string{"cella C2 (Titolo progetto)", "«Titolo» è un dato obbligatorio"}}},
		},
		{
			name: "required column missing", schema: "comuni",
			table: newTable("c.xlsx", "Comuni", comuniCols[:1], []any{"013075"}),
			want:  []want{{"c.xlsx!Comuni!2", "required", []string{"riga 2", "«Denominazione»", "colonna"}}},
		},
		{
			name: "pattern with hint and guess", schema: "comuni",
			table: newTable("c.xlsx", "Comuni", comuniCols, []any{"13075", "Como", "Co", "C93", 83320}),
			want: []want{
				{"c.xlsx!Comuni!A2", "pattern", []string{"«13075»", "6 cifre"}},
				{"c.xlsx!Comuni!C2", "pattern", []string{"«Co»", "due lettere maiuscole"}},
				{"c.xlsx!Comuni!D2", "pattern", []string{"«C93»", "C933"}},
			},
		},
		{
			name: "comune code guess", schema: "progetti",
			table: newTable("p.xlsx", "Foglio1", progettiCols, progetto("P-1", map[int]any{3: "13041"})),
			want:  []want{{"p.xlsx!Foglio1!D2", "pattern", []string{"«13041»", "Forse è 013041 (Cantù)?"}}},
		},
		{
			name: "enum", schema: "progetti",
			table: newTable("p.xlsx", "Foglio1", progettiCols, progetto("P-1", map[int]any{8: "finito"})),
			want:  []want{{"p.xlsx!Foglio1!I2", "enum", []string{"«finito»", "«in corso»", "«revocato»"}}},
		},
		{
			name: "minimum and maximum", schema: "progetti",
			table: newTable("p.xlsx", "Foglio1", progettiCols, progetto("P-1", map[int]any{7: -5.0, 9: 150.0})),
			want: []want{
				{"p.xlsx!Foglio1!H2", "minimum", []string{"«-5»", "minore di 0"}},
				{"p.xlsx!Foglio1!J2", "maximum", []string{"«150»", "maggiore di 100"}},
			},
		},
		{
			name: "exclusive bounds and lengths", schema: "mini",
			table: newTable("m.csv", "", miniCols,
				[]any{2024, "AB", 0.0, true},
				[]any{2025, "ABCDEF", 1.0, false},
				[]any{2026, "", 0.5, "sì"}),
			want: []want{
				{"m.csv:2:2", "minLength", []string{"«AB»", "almeno 3 caratteri"}},
				{"m.csv:2:3", "minimum", []string{"«0»", "maggiore di 0"}},
				{"m.csv:3:2", "maxLength", []string{"«ABCDEF»", "al massimo 5 caratteri, ne ha 6"}},
				{"m.csv:3:3", "maximum", []string{"«1»", "minore di 1"}},
				{"m.csv:4:2", "minLength", []string{"cella B4 (Codice) non c'è nulla"}},
				{"m.csv:4:4", "type", []string{"«sì»", "sì oppure no"}},
			},
		},
		{
			name: "format", schema: "progetti",
			table: newTable("p.xlsx", "Foglio1", progettiCols, progetto("P-1", map[int]any{10: "2026-02-30"})),
			want:  []want{{"p.xlsx!Foglio1!K2", "format", []string{"«2026-02-30»", "non è una data valida"}}},
		},
		{
			name: "unique", schema: "progetti",
			table: newTable("p.xlsx", "Foglio1", progettiCols, progetto("P-12", nil), progetto("P-13", nil), progetto("P-12", nil), progetto("P-12", nil)),
			want: []want{
				{"p.xlsx!Foglio1!A4", "unique", []string{"Il codice «P-12»", "già usato alla riga 2"}},
				{"p.xlsx!Foglio1!A5", "unique", []string{"Il codice «P-12»", "già usato alla riga 2"}},
			},
		},
		{
			name: "unique composite key", schema: "mini",
			table: newTable("m.csv", "", miniCols, []any{2024, "ABC"}, []any{2025, "ABC"}, []any{2024, "ABC"}),
			want:  []want{{"m.csv:4:1", "unique", []string{"«2.024 / ABC»", "riga 2"}}},
		},
		{
			name: "registry", schema: "progetti",
			table: newTable("p.xlsx", "Foglio1", progettiCols, progetto("P-1", map[int]any{3: "013999"}), progetto("P-2", map[int]any{3: "013199"})),
			want: []want{
				{"p.xlsx!Foglio1!D2", "registry", []string{"«013999»", "codice ISTAT"}},
				// Ronago merged into Uggiate con Ronago: its old code is gone.
				{"p.xlsx!Foglio1!D3", "registry", []string{"«013199»"}},
			},
		},
		{
			name: "no registry", schema: "progetti", noReg: true,
			table: newTable("p.xlsx", "Foglio1", progettiCols, progetto("P-1", map[int]any{3: "013999"})),
		},
		{
			name: "cup", schema: "progetti",
			table: newTable("p.xlsx", "Foglio1", progettiCols,
				progetto("P-1", map[int]any{1: "G91B2100447000"}),
				progetto("P-2", map[int]any{1: "g91b21004470006"}),
				progetto("P-3", map[int]any{1: "G91B21004470006 "})),
			want: []want{
				{"p.xlsx!Foglio1!B2", "cup", []string{"«G91B2100447000»", "ha 14 caratteri", "15 caratteri"}},
				{"p.xlsx!Foglio1!B3", "cup", []string{"«g91b21004470006»", "caratteri non ammessi"}},
				{"p.xlsx!Foglio1!B4", "cup", []string{"ha 16 caratteri"}},
			},
		},
		{
			name: "total", schema: "progetti",
			table: newTable("p.xlsx", "Foglio1", progettiCols,
				progetto("P-1", map[int]any{6: 1200.0}),
				progetto("P-2", map[int]any{6: 1250.01}),     // a cent of rounding is fine
				progetto("P-3", map[int]any{4: nil, 5: nil}), // no parts: nothing to add up
				progetto("P-4", map[int]any{4: 0.1, 5: 0.2, 6: 0.3}),
				progetto("P-5", map[int]any{6: nil})),
			want: []want{{"p.xlsx!Foglio1!G2", "total", []string{"La somma delle fonti", "(1.250,00 €)", "(1.200,00 €)"}}},
		},
		{
			name: "total needs readable parts", schema: "progetti",
			table: newTable("p.xlsx", "Foglio1", progettiCols, progetto("P-1", map[int]any{4: bad("mille"), 6: 1.0})),
			want:  []want{{"p.xlsx!Foglio1!E2", "type", []string{"«mille»"}}},
		},
		{
			name: "empty table", schema: "progetti",
			table: newTable("p.xlsx", "Foglio1", progettiCols),
			want:  []want{{"p.xlsx!Foglio1", "empty", []string{"non contiene righe"}}},
		},
		{
			name: "generic table", schema: "tabella",
			table: newTable("t.csv", "", []col{{"Nome", "Nome"}, {"Valore", "Valore"}},
				[]any{"a", "1"}, []any{nil, nil}, []any{"", ""}, []any{"b", 2.0}, []any{nil, 0.0}, []any{false, nil}),
			want: []want{
				{"t.csv:3", "required", []string{"La riga 3 non contiene nessun valore"}},
				{"t.csv:4", "required", []string{"La riga 4"}},
				// a free table holds typed values (issue 12): a number
				// or a boolean is a value like any other (rows 5 to 7)
			},
		},
		{
			name: "one issue per cell", schema: "progetti",
			// Ingest gives the raw text as value of an unreadable cell: the
			// schema's complaint about it would say the same thing again.
			table: newTable("p.xlsx", "Foglio1", progettiCols, progetto("P-1", map[int]any{1: bad("xx"), 9: bad("tanto")})),
			want: []want{
				{"p.xlsx!Foglio1!B2", "type", nil},
				{"p.xlsx!Foglio1!J2", "type", nil},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := reg
			if tt.noReg {
				r = nil
			}
			got := Table(context.Background(), tt.table, all[tt.schema], r)
			var gotRules, wantRules []string
			for _, i := range got {
				gotRules = append(gotRules, i.Where()+" "+i.Rule)
			}
			for _, w := range tt.want {
				wantRules = append(wantRules, w.where+" "+w.rule)
			}
			if !slices.Equal(gotRules, wantRules) {
				t.Fatalf("issues\n got %q\nwant %q\n%s", gotRules, wantRules, Report(got, "it"))
			}
			for k, w := range tt.want {
				iss := got[k]
				for _, s := range w.says {
					if !strings.Contains(iss.Message.It, s) {
						t.Errorf("%s: message %q does not say %q", w.where, iss.Message.It, s)
					}
				}
				if iss.Message.En == "" || iss.Message.En == iss.Message.It || iss.Severity != catalog.Error {
					t.Errorf("%s: English message %q, severity %q", w.where, iss.Message.En, iss.Severity)
				}
				if iss.Ref.Col > 0 && iss.Value != tt.table.Rows[iss.Ref.Row-2].Cells[iss.Ref.Col-1].Raw {
					t.Errorf("%s: Value %q is not the cell's text", w.where, iss.Value)
				}
			}
		})
	}
}

// manyBad is a projects table of n rows, each with a bad CUP.
func manyBad(n int) *catalog.Table {
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = progetto(fmt.Sprintf("P-%d", i), map[int]any{1: "CUP?"})
	}
	return newTable("p.xlsx", "Foglio1", progettiCols, rows...)
}

func TestTooMany(t *testing.T) {
	s := loadSchemas(t)["progetti"]
	// 5,000 rows are checked in parallel parts; 1,500 in one.
	for _, n := range []int{1000, 1001, 1500, 5000} {
		got := Table(context.Background(), manyBad(n), s, nil)
		if n <= maxIssues {
			if len(got) != n || got[n-1].Rule != "cup" {
				t.Errorf("%d bad rows: %d issues", n, len(got))
			}
			continue
		}
		if len(got) != maxIssues+1 {
			t.Fatalf("%d bad rows: %d issues, want %d", n, len(got), maxIssues+1)
		}
		for k, iss := range got[:maxIssues] {
			if iss.Rule != "cup" || iss.Ref.Row != k+2 {
				t.Fatalf("%d bad rows: issue %d is %s %s, want the CUP of row %d", n, k, iss.Where(), iss.Rule, k+2)
			}
		}
		last := got[maxIssues]
		more := formatInt(n - maxIssues)
		if last.Rule != "too-many" || !strings.Contains(last.Message.It, "altri "+more+" problemi") {
			t.Errorf("%d bad rows: last issue %s %q", n, last.Rule, last.Message.It)
		}
	}
}

func TestOrderByRowThenColumn(t *testing.T) {
	s := loadSchemas(t)["progetti"]
	// Columns in the file are not in the order of the mapping: the order
	// follows the file's columns.
	tb := newTable("p.xlsx", "Foglio1", progettiCols,
		progetto("P-1", map[int]any{9: 200.0, 1: "x", 2: nil}),
		progetto("P-1", map[int]any{8: "finito", 6: 1.0}),
		progetto("P-3", map[int]any{3: "1", 0: nil}))
	for k := range tb.Columns {
		tb.Columns[k].Index = len(tb.Columns) - k
	}
	got := Table(context.Background(), tb, s, comoRegistry(t))
	if len(got) < 6 {
		t.Fatalf("only %d issues: %s", len(got), Report(got, "it"))
	}
	for k := 1; k < len(got); k++ {
		a, b := got[k-1].Ref, got[k].Ref
		if a.Row > b.Row || (a.Row == b.Row && a.Col > b.Col) {
			t.Errorf("issue %s before %s", a, b)
		}
	}
}

func TestCancelled(t *testing.T) {
	s := loadSchemas(t)["progetti"]
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := Table(ctx, manyBad(10), s, nil); len(got) != 0 {
		t.Errorf("cancelled check found %d issues", len(got))
	}
}
