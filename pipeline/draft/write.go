package draft

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// obj is a JSON object that keeps the order of its members: a schema reads
// best in the order of the file's columns, and the portal's loader takes
// the order of the columns from it.
type obj []member

type member struct {
	k string
	v any
}

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := marshal(m.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshal is json.Marshal without HTML escaping ("<", "&" stay readable).
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func indent(o obj) ([]byte, error) {
	raw, err := marshal(o)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// comuneHint explains an ISTAT code to the clerk, as the built-in schemas do.
var comuneHint = catalog.Text{
	It: "il codice ISTAT del comune ha 6 cifre, con gli zeri iniziali: 013075 per Como",
	En: "the ISTAT code of the municipality has 6 digits, with the leading zeros: 013075 for Como",
}

// JSONSchema writes the draft as JSON Schema 2020-12 with the portal's x-
// keywords (x-title-en, x-aliases, x-code, x-unit, x-hint, x-primaryKey,
// x-comuneFields), which the portal's schema loader reads.
func (s *Schema) JSONSchema() ([]byte, error) {
	props := obj{}
	var required []string
	for _, f := range s.Fields {
		p := obj{}
		switch f.Type {
		case catalog.TypeInteger:
			p = append(p, member{"type", "integer"})
		case catalog.TypeNumber:
			p = append(p, member{"type", "number"})
		case catalog.TypeBoolean:
			p = append(p, member{"type", "boolean"})
		case catalog.TypeDate:
			p = append(p, member{"type", "string"}, member{"format", "date"})
		default:
			p = append(p, member{"type", "string"})
		}
		if f.Comune {
			p = append(p, member{"pattern", "^[0-9]{6}$"})
		}
		if len(f.Enum) > 0 {
			p = append(p, member{"enum", f.Enum})
		}
		p = append(p, member{"title", f.Title})
		if d := description(f); d.It != "" {
			p = append(p, member{"description", d.It}, member{"x-description-en", d.En})
		}
		if f.Code {
			p = append(p, member{"x-code", true})
		}
		if f.Unit != "" {
			p = append(p, member{"x-unit", f.Unit})
		}
		if f.Comune {
			p = append(p, member{"x-hint", comuneHint.It}, member{"x-hint-en", comuneHint.En})
		}
		if len(f.Alias) > 0 {
			p = append(p, member{"x-aliases", f.Alias})
		}
		props = append(props, member{f.Name, p})
		if f.Required {
			required = append(required, f.Name)
		}
	}
	doc := obj{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"title", s.Name},
		{"description", fmt.Sprintf("Bozza ricavata da %s (%d righe) con opendata schema infer: controlla tipi, obbligatori, valori ammessi e chiave, e scrivi titoli e descrizioni.", s.Source, s.Rows)},
		{"x-title-en", s.Name},
		{"x-description-en", fmt.Sprintf("Draft made from %s (%d rows) by opendata schema infer: check the types, required fields, allowed values and key, and write titles and descriptions.", s.Source, s.Rows)},
	}
	if len(s.PrimaryKey) > 0 {
		doc = append(doc, member{"x-primaryKey", s.PrimaryKey})
		if len(s.Candidates) > 1 {
			doc = append(doc, member{"$comment", "Other primary key candidates: " + candidates(s.Candidates[1:])})
		}
	}
	if len(s.ComuneFields) > 0 {
		doc = append(doc, member{"x-comuneFields", s.ComuneFields})
	}
	doc = append(doc, member{"type", "object"})
	if len(required) > 0 {
		doc = append(doc, member{"required", required})
	}
	doc = append(doc, member{"properties", props})
	return indent(doc)
}

// description says what the draft saw in a column that a clerk should
// know: a datetime (JSON Schema has no type for it that takes the Italian
// way of writing it), or that the column was empty.
func description(f Field) catalog.Text {
	switch {
	case f.Distinct == 0:
		return catalog.Text{It: "Colonna vuota nel file di partenza: scegli il tipo.", En: "Empty column in the source file: choose its type."}
	case f.Type == catalog.TypeDatetime:
		return catalog.Text{It: "Data e ora (per esempio 31/12/2024 10:30).", En: "Date and time (for example 31/12/2024 10:30)."}
	}
	return catalog.Text{}
}

func candidates(c [][]string) string {
	var parts []string
	for _, k := range c {
		parts = append(parts, strings.Join(k, " + "))
	}
	if len(parts) > 5 {
		parts = append(parts[:5], "…")
	}
	return strings.Join(parts, "; ")
}

// missingValues are the placeholders ingest reads as "no value", which a
// Table Schema reader must be told.
var missingValues = []string{"", "N/D", "n/d", "n.d.", "N.D.", "ND", "nd", "-", "--", "n/a", "N/A", "n.a.", "—", "–"}

// TableSchema writes the draft as a Frictionless Table Schema v1. Beyond
// the types it says how the file writes values, so that Frictionless tools
// read an Italian CSV right: decimalChar and groupChar of numbers, the
// format of dates, the words of booleans, the placeholders of missing
// values.
func (s *Schema) TableSchema() ([]byte, error) {
	var fields []obj
	missing := append([]string(nil), missingValues...)
	for _, f := range s.Fields {
		o := obj{{"name", f.Name}, {"title", f.Title}}
		typ := string(f.Type)
		if typ == "" {
			typ = "string"
		}
		o = append(o, member{"type", typ})
		switch f.Type {
		case catalog.TypeDate, catalog.TypeDatetime:
			if f.DateFormat != "" && f.DateFormat != "default" {
				o = append(o, member{"format", f.DateFormat})
			} else if f.DateFormat == "" && f.Distinct > 0 && !s.Workbook {
				o = append(o, member{"format", "any"})
			}
		case catalog.TypeNumber, catalog.TypeInteger:
			if f.DecimalChar != "" && f.DecimalChar != "." && f.Type == catalog.TypeNumber {
				o = append(o, member{"decimalChar", f.DecimalChar})
			}
			if f.GroupChar != "" {
				o = append(o, member{"groupChar", f.GroupChar})
			}
			if f.Decorated {
				o = append(o, member{"bareNumber", false})
			}
		case catalog.TypeBoolean:
			// the words seen, and the others Italian files use
			o = append(o, member{"trueValues", union(f.TrueValues, "sì", "Sì", "SÌ", "si", "Si", "SI", "vero", "Vero", "VERO", "true", "True", "TRUE")},
				member{"falseValues", union(f.FalseValues, "no", "No", "NO", "falso", "Falso", "FALSO", "false", "False", "FALSE")})
		}
		if d := description(f); d.It != "" {
			o = append(o, member{"description", d.It})
		}
		c := obj{}
		if f.Required {
			c = append(c, member{"required", true})
		}
		if len(s.PrimaryKey) == 1 && s.PrimaryKey[0] == f.Name {
			c = append(c, member{"unique", true})
		}
		if f.Comune {
			c = append(c, member{"pattern", "^[0-9]{6}$"})
		}
		if len(f.Enum) > 0 {
			c = append(c, member{"enum", f.Enum})
		}
		if len(c) > 0 {
			o = append(o, member{"constraints", c})
		}
		for _, m := range f.Missing {
			if !contains(missing, m) {
				missing = append(missing, m)
			}
		}
		fields = append(fields, o)
	}
	doc := obj{{"fields", fields}}
	if len(s.PrimaryKey) > 0 {
		doc = append(doc, member{"primaryKey", s.PrimaryKey})
	}
	doc = append(doc, member{"missingValues", missing})
	return indent(doc)
}

func union(list []string, more ...string) []string {
	out := append([]string(nil), list...)
	for _, m := range more {
		if !contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
