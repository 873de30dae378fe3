package validate

import (
	"bytes"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/schemas"
)

func TestLoadProjectSchemas(t *testing.T) {
	all := loadSchemas(t)
	tests := []struct {
		name     string
		fields   []string
		key      []string
		comune   []string
		required []string
		open     bool
	}{
		{
			name:     "comuni",
			fields:   []string{"codice_istat", "denominazione", "sigla_provincia", "codice_catastale", "popolazione", "superficie_kmq"},
			key:      []string{"codice_istat"},
			required: []string{"codice_istat", "denominazione"},
		},
		{
			name: "progetti",
			fields: []string{"codice_progetto", "cup", "titolo", "descrizione", "programma", "misura",
				"ente_titolare", "soggetto_attuatore", "codice_comune", "comuni_coinvolti",
				"finanziamento_ue", "finanziamento_pnrr", "finanziamento_pnc", "finanziamento_stato",
				"finanziamento_regione", "finanziamento_provincia", "finanziamento_comune",
				"finanziamento_altro_pubblico", "finanziamento_privato", "finanziamento_da_reperire",
				"finanziamento_totale", "finanziamento_richiesto", "stato", "avanzamento_percentuale",
				"data_convenzione", "data_inizio_prevista", "data_inizio_effettiva",
				"data_fine_prevista", "data_fine_effettiva", "data_stato", "importo_pagato", "cig"},
			key:      []string{"codice_progetto"},
			comune:   []string{"codice_comune"},
			required: []string{"codice_progetto", "titolo"},
		},
		{
			name: "padigitale",
			fields: []string{"codice_ipa", "soggetto_attuatore", "tipologia_ente", "denominazione_comune", "codice_comune",
				"sigla_provincia", "codice_provincia", "regione", "codice_regione", "finanziamento_totale", "titolo",
				"invio_candidatura", "data_finanziamento", "cup", "numero_finestra_temporale", "numero_di_protocollo",
				"decreto_finanziamento", "stato", "data_stato", "misura"},
			required: []string{"cup", "stato"},
		},
		{name: "tabella", open: true},
		{
			name: "l190",
			fields: []string{"cig", "codice_fiscale_prop", "denominazione", "oggetto", "codice_procedura",
				"scelta_contraente", "importo_aggiudicazione", "importo_somme_liquidate", "data_inizio",
				"data_ultimazione", "numero_partecipanti", "aggiudicatari", "codici_fiscali_aggiudicatari",
				"anno_riferimento", "file_xml", "riga_xml"},
			required: []string{"cig"},
		},
	}
	if len(all) != len(tests) {
		t.Errorf("Load found %d schemas, want %d", len(all), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := all[tt.name]
			if !ok {
				t.Fatalf("schema %s not loaded", tt.name)
			}
			info := s.Info()
			var names, required []string
			for _, f := range info.Fields {
				names = append(names, f.Name)
				if f.Required {
					required = append(required, f.Name)
				}
			}
			if !slices.Equal(names, tt.fields) {
				t.Errorf("fields\n got %v\nwant %v", names, tt.fields)
			}
			if !slices.Equal(required, tt.required) {
				t.Errorf("required = %v, want %v", required, tt.required)
			}
			if !slices.Equal(info.PrimaryKey, tt.key) || !slices.Equal(info.ComuneFields, tt.comune) || info.Open != tt.open {
				t.Errorf("key %v comune %v open %v, want %v %v %v", info.PrimaryKey, info.ComuneFields, info.Open, tt.key, tt.comune, tt.open)
			}
			if info.Name != tt.name || info.Title.It == "" || info.Title.En == "" || info.Description.It == "" || info.Description.En == "" {
				t.Errorf("name, title or description missing: %+v", info)
			}
			file, _ := fs.ReadFile(schemas.FS, tt.name+".json")
			if !bytes.Equal(info.JSON, file) {
				t.Error("Info().JSON is not the schema file")
			}
			for _, f := range info.Fields {
				checkField(t, s, f)
			}
		})
	}
}

// checkField checks that a field tells clerks and ingest all they need.
func checkField(t *testing.T, s *Schema, f catalog.Field) {
	t.Helper()
	if f.Title.It == "" || f.Title.En == "" || f.Description.It == "" || f.Description.En == "" {
		t.Errorf("%s: title or description missing in a language", f.Name)
	}
	if len(f.Aliases) == 0 {
		t.Errorf("%s: no x-aliases", f.Name)
	}
	if f.Pattern != "" && (s.props[f.Name].hint.It == "" || s.props[f.Name].hint.En == "") {
		t.Errorf("%s: pattern without x-hint and x-hint-en", f.Name)
	}
	if strings.HasPrefix(f.Name, "finanziamento_") && (f.Unit != "EUR" || f.Type != catalog.TypeNumber) {
		t.Errorf("%s: unit %q type %q, want EUR number", f.Name, f.Unit, f.Type)
	}
	if strings.HasPrefix(f.Name, "data_") && f.Type != catalog.TypeDate {
		t.Errorf("%s: type %q, want date", f.Name, f.Type)
	}
}

func TestInfoDetails(t *testing.T) {
	all := loadSchemas(t)
	p := all["progetti"].Info()
	for _, tt := range []struct {
		field string
		check func(catalog.Field) bool
	}{
		{"cup", func(f catalog.Field) bool {
			return f.Code && f.Pattern == "^[A-Z0-9]{15}$" && slices.Contains(f.Aliases, "CUP")
		}},
		{"codice_comune", func(f catalog.Field) bool { return f.Code && !f.Required }},
		{"comuni_coinvolti", func(f catalog.Field) bool { return f.Type == catalog.TypeInteger && *f.Minimum == 0 }},
		{"finanziamento_totale", func(f catalog.Field) bool { return slices.Contains(f.Aliases, "FINANZ_TOTALE") }},
		{"stato", func(f catalog.Field) bool { return len(f.Enum) == 6 && f.Enum[0] == "in valutazione" }},
		{"avanzamento_percentuale", func(f catalog.Field) bool { return f.Unit == "%" && *f.Maximum == 100 }},
	} {
		f, ok := p.Field(tt.field)
		if !ok || !tt.check(f) {
			t.Errorf("progetti.%s: unexpected %+v", tt.field, f)
		}
	}
	c := all["comuni"].Info()
	if f, _ := c.Field("codice_istat"); !f.Code || !slices.Contains(f.Aliases, "PRO_COM_T") {
		t.Errorf("comuni.codice_istat: %+v", f)
	}
	if f, _ := c.Field("popolazione"); f.Type != catalog.TypeInteger {
		t.Errorf("comuni.popolazione type %q", f.Type)
	}

	// Info returns a copy.
	p.Fields[0].Name = "changed"
	if all["progetti"].Info().Fields[0].Name != "codice_progetto" {
		t.Error("changing Info() changed the schema")
	}
}

func TestCompileErrors(t *testing.T) {
	tests := map[string]string{
		"not json":         `{"type": "object",`,
		"bad keyword":      `{"type": 5}`,
		"bad regex":        `{"properties": {"a": {"type": "string", "pattern": "("}}}`,
		"unknown key":      `{"x-primaryKey": ["codice"], "properties": {"id": {"type": "string"}}}`,
		"unknown comune":   `{"x-comuneFields": ["comune"], "properties": {"id": {"type": "string"}}}`,
		"object property":  `{"properties": {"a": {"type": "object"}}}`,
		"not object":       `[1, 2]`,
		"property is bool": `{"properties": {"a": true}}`,
	}
	for name, doc := range tests {
		if _, err := Compile("test", []byte(doc)); err == nil {
			t.Errorf("%s: Compile succeeded", name)
		}
	}
}

func TestPropertyOrder(t *testing.T) {
	doc := `{"title": "x", "$defs": {"d": {"properties": {"z": {}}}},
	  "properties": {"b": {"type": "string", "properties": {"inner": {}}}, "a": {"type": "integer"}, "c": {"type": ["number", "null"]}}}`
	s, err := Compile("order", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range s.Info().Fields {
		got = append(got, f.Name+":"+string(f.Type))
	}
	want := []string{"b:string", "a:integer", "c:number"}
	if !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(fstest.MapFS{}); err == nil {
		t.Error("Load of an empty folder succeeded")
	}
	bad := fstest.MapFS{"ok.json": {Data: []byte(`{}`)}, "bad.json": {Data: []byte(`{"type": 5}`)}}
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("Load error %v does not name bad.json", err)
	}
}
