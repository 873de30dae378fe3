package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// A Frictionless Table Schema (v1 or v2) is translated into the JSON Schema
// it means, with the portal's x- keywords, and compiled like any other: the
// checks, the messages with cell references and the exports are the same.

// tsField is one field of a Table Schema, with the portal's extensions
// (English titles, aliases, hints) allowed beside the standard keys.
type tsField struct {
	Name          string                     `json:"name"`
	Type          string                     `json:"type"`
	Format        string                     `json:"format"`
	Title         string                     `json:"title"`
	Description   string                     `json:"description"`
	Constraints   map[string]json.RawMessage `json:"constraints"`
	Categories    []json.RawMessage          `json:"categories"`
	TitleEn       string                     `json:"x-title-en"`
	DescriptionEn string                     `json:"x-description-en"`
	Aliases       []string                   `json:"x-aliases"`
	Code          bool                       `json:"x-code"`
	Unit          string                     `json:"x-unit"`
	Hint          string                     `json:"x-hint"`
	HintEn        string                     `json:"x-hint-en"`
}

// tsSchema is the top of a Table Schema.
type tsSchema struct {
	Fields        []json.RawMessage `json:"fields"`
	PrimaryKey    json.RawMessage   `json:"primaryKey"`
	UniqueKeys    []json.RawMessage `json:"uniqueKeys"`
	ForeignKeys   []json.RawMessage `json:"foreignKeys"`
	MissingValues []json.RawMessage `json:"missingValues"`
	Title         string            `json:"title"`
	Description   string            `json:"description"`
	TitleEn       string            `json:"x-title-en"`
	DescriptionEn string            `json:"x-description-en"`
	ComuneFields  []string          `json:"x-comuneFields"`
}

// tsTypes maps the Table Schema types the portal reads to JSON Schema.
var tsTypes = map[string]func(format string) map[string]any{
	"string": func(format string) map[string]any {
		p := map[string]any{"type": "string"}
		switch format {
		case "email", "uri", "uuid":
			p["format"] = format
		}
		return p
	},
	"integer":  func(string) map[string]any { return map[string]any{"type": "integer"} },
	"number":   func(string) map[string]any { return map[string]any{"type": "number"} },
	"boolean":  func(string) map[string]any { return map[string]any{"type": "boolean"} },
	"date":     func(string) map[string]any { return map[string]any{"type": "string", "format": "date"} },
	"datetime": func(string) map[string]any { return map[string]any{"type": "string", "format": "date-time"} },
	"year":     func(string) map[string]any { return map[string]any{"type": "integer"} },
	// The types below are read as text with their shape checked.
	"time": func(string) map[string]any {
		return map[string]any{"type": "string", "pattern": `^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$`}
	},
	"yearmonth": func(string) map[string]any { return map[string]any{"type": "string", "pattern": `^\d{4}-\d{2}$`} },
	"duration":  func(string) map[string]any { return map[string]any{"type": "string", "pattern": `^P`} },
	"geopoint":  func(string) map[string]any { return map[string]any{"type": "string"} },
	"any":       func(string) map[string]any { return map[string]any{} },
}

// tsUnsupported are Table Schema types a cell of a spreadsheet cannot hold.
var tsUnsupported = []string{"object", "array", "list", "geojson"}

// translate turns a Table Schema into a JSON Schema document. fieldPtr maps
// each field name to the pointer of its field in the Table Schema, to place
// later errors.
func translate(doc []byte) (out []byte, fieldPtr map[string]string, errs []error) {
	var ts tsSchema
	if err := json.Unmarshal(doc, &ts); err != nil {
		return nil, nil, []error{annotationError(doc, err)}
	}
	fieldPtr = map[string]string{}
	bad := func(ptr, it, en string) { errs = append(errs, ptrErrorf(ptr, it, en)) }

	props := &orderedProps{}
	var required []string
	var uniques [][]string
	for i, raw := range ts.Fields {
		ptr := fmt.Sprintf("/fields/%d", i)
		var f tsField
		if err := json.Unmarshal(raw, &f); err != nil {
			bad(ptr, "il campo non è scritto bene: "+jsonMessage(err), "the field is not well written: "+jsonMessage(err))
			continue
		}
		if strings.TrimSpace(f.Name) == "" {
			bad(ptr, "il campo non ha un nome («name»)", "the field has no \"name\"")
			continue
		}
		if _, dup := fieldPtr[f.Name]; dup {
			bad(ptr+"/name", fmt.Sprintf("il campo «%s» compare due volte", f.Name), fmt.Sprintf("the field %q appears twice", f.Name))
			continue
		}
		fieldPtr[f.Name] = ptr
		p, req, uniq, ferrs := tsProperty(ptr, f)
		errs = append(errs, ferrs...)
		if p == nil {
			continue
		}
		props.add(f.Name, p)
		if req {
			required = append(required, f.Name)
		}
		if uniq {
			uniques = append(uniques, []string{f.Name})
		}
	}
	if len(ts.Fields) == 0 {
		bad("/fields", "lo schema non ha campi: «fields» è vuoto", "the schema has no fields: \"fields\" is empty")
	}

	known := func(ptr string, names []string) {
		for _, n := range names {
			if _, ok := fieldPtr[n]; !ok {
				bad(ptr, fmt.Sprintf("«%s» non è un campo dello schema", n), fmt.Sprintf("%q is not a field of the schema", n))
			}
		}
	}
	top := map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"type":    "object",
	}
	if ts.Title != "" {
		top["title"] = ts.Title
	}
	if ts.Description != "" {
		top["description"] = ts.Description
	}
	if ts.TitleEn != "" {
		top["x-title-en"] = ts.TitleEn
	}
	if ts.DescriptionEn != "" {
		top["x-description-en"] = ts.DescriptionEn
	}
	if len(ts.PrimaryKey) > 0 {
		pk, ok := names(ts.PrimaryKey)
		if !ok {
			bad("/primaryKey", "«primaryKey» deve essere il nome di un campo o un elenco di nomi", "\"primaryKey\" must be a field name or a list of names")
		} else {
			known("/primaryKey", pk)
			top["x-primaryKey"] = pk
		}
	}
	for i, raw := range ts.UniqueKeys {
		u, ok := names(raw)
		if !ok {
			bad(fmt.Sprintf("/uniqueKeys/%d", i), "ogni voce di «uniqueKeys» deve essere un elenco di nomi di campi", "each entry of \"uniqueKeys\" must be a list of field names")
			continue
		}
		known(fmt.Sprintf("/uniqueKeys/%d", i), u)
		uniques = append(uniques, u)
	}
	if len(uniques) > 0 {
		top["x-uniqueKeys"] = uniques
	}
	var keys []rawForeignKey
	for i, raw := range ts.ForeignKeys {
		ptr := fmt.Sprintf("/foreignKeys/%d", i)
		fk, ok := foreignKey(raw)
		if !ok {
			bad(ptr, "la chiave esterna deve avere «fields» e «reference» con «resource» (l'identificativo di un dataset del catalogo) e «fields»",
				"the foreign key needs \"fields\" and a \"reference\" with \"resource\" (the id of a dataset of the catalog) and \"fields\"")
			continue
		}
		known(ptr+"/fields", fk.Fields)
		keys = append(keys, fk)
	}
	if len(keys) > 0 {
		top["x-foreignKeys"] = keys
	}
	missing := []string{""}
	if ts.MissingValues != nil {
		missing = missing[:0]
		for i, raw := range ts.MissingValues {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				// v2 allows {"value": "-", "label": "…"}.
				var lv struct {
					Value *string `json:"value"`
				}
				if json.Unmarshal(raw, &lv) != nil || lv.Value == nil {
					bad(fmt.Sprintf("/missingValues/%d", i), "ogni voce di «missingValues» deve essere un testo", "each entry of \"missingValues\" must be a string")
					continue
				}
				s = *lv.Value
			}
			missing = append(missing, s)
		}
	}
	top["x-missingValues"] = missing
	if len(ts.ComuneFields) > 0 {
		known("/x-comuneFields", ts.ComuneFields)
		top["x-comuneFields"] = ts.ComuneFields
	}
	if len(required) > 0 {
		top["required"] = required
	}
	if len(errs) > 0 {
		return nil, nil, errs
	}
	out, err := marshalSchema(top, props)
	if err != nil {
		return nil, nil, []error{err}
	}
	return out, fieldPtr, nil
}

// tsProperty translates one field; nil when the field cannot be read.
func tsProperty(ptr string, f tsField) (p map[string]any, required, unique bool, errs []error) {
	typ := f.Type
	if typ == "" {
		typ = "string" // the Table Schema default
	}
	mk, ok := tsTypes[typ]
	if !ok {
		known := make([]string, 0, len(tsTypes))
		for t := range tsTypes {
			known = append(known, t)
		}
		sort.Strings(known)
		list := strings.Join(known, ", ")
		if slices.Contains(tsUnsupported, typ) {
			return nil, false, false, []error{ptrErrorf(ptr+"/type",
				fmt.Sprintf("campo «%s»: il tipo «%s» non si può leggere da una cella di un foglio di calcolo; usare uno tra %s", f.Name, typ, list),
				fmt.Sprintf("field %q: type %q cannot be read from a spreadsheet cell; use one of %s", f.Name, typ, list))}
		}
		return nil, false, false, []error{ptrErrorf(ptr+"/type",
			fmt.Sprintf("campo «%s»: tipo «%s» sconosciuto; i tipi di Table Schema sono %s", f.Name, typ, list),
			fmt.Sprintf("field %q: unknown type %q; the Table Schema types are %s", f.Name, typ, list))}
	}
	p = mk(f.Format)
	set := func(k string, v any) {
		if v != nil && v != "" && v != false {
			p[k] = v
		}
	}
	set("title", f.Title)
	set("description", f.Description)
	set("x-title-en", f.TitleEn)
	set("x-description-en", f.DescriptionEn)
	if len(f.Aliases) > 0 {
		p["x-aliases"] = f.Aliases
	}
	set("x-code", f.Code)
	set("x-unit", f.Unit)
	set("x-hint", f.Hint)
	set("x-hint-en", f.HintEn)

	numeric := typ == "integer" || typ == "number" || typ == "year"
	bad := func(key, it, en string) {
		errs = append(errs, ptrErrorf(ptr+"/constraints/"+key, fmt.Sprintf("campo «%s», vincolo «%s»: %s", f.Name, key, it), fmt.Sprintf("field %q, constraint %q: %s", f.Name, key, en)))
	}
	keys := make([]string, 0, len(f.Constraints))
	for k := range f.Constraints {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		raw := f.Constraints[k]
		switch k {
		case "required", "unique":
			var b bool
			if json.Unmarshal(raw, &b) != nil {
				bad(k, "serve true o false", "true or false is needed")
				continue
			}
			if k == "required" {
				required = b
			} else {
				unique = b
			}
		case "minLength", "maxLength":
			var n int
			if json.Unmarshal(raw, &n) != nil || n < 0 {
				bad(k, "serve un numero intero non negativo", "a non-negative whole number is needed")
				continue
			}
			p[k] = n
		case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
			var bound string
			if (typ == "date" || typ == "datetime") && (k == "minimum" || k == "maximum") && json.Unmarshal(raw, &bound) == nil {
				// Dates are bounded by a rule of the portal's own.
				p["x-"+k] = bound
				continue
			}
			if !numeric {
				bad(k, "il portale controlla minimi e massimi solo su numeri e date (minimum e maximum)", "the portal checks minimums and maximums on numeric fields and dates (minimum and maximum) only")
				continue
			}
			n, ok := number(raw)
			if !ok {
				bad(k, "serve un numero", "a number is needed")
				continue
			}
			p[k] = n
		case "pattern":
			var s string
			if json.Unmarshal(raw, &s) != nil {
				bad(k, "serve un'espressione regolare tra virgolette", "a regular expression in quotes is needed")
				continue
			}
			// Table Schema patterns match the whole value.
			p["pattern"] = "^(?:" + s + ")$"
		case "enum":
			var list []json.RawMessage
			if json.Unmarshal(raw, &list) != nil || len(list) == 0 {
				bad(k, "serve un elenco di valori", "a list of values is needed")
				continue
			}
			vals, ok := enumValues(typ, list)
			if !ok {
				bad(k, "i valori ammessi devono essere del tipo del campo", "the allowed values must be of the field's type")
				continue
			}
			p["enum"] = vals
		default:
			bad(k, "vincolo non gestito dal portale (required, unique, minLength, maxLength, minimum, maximum, exclusiveMinimum, exclusiveMaximum, pattern, enum)",
				"constraint not handled by the portal (required, unique, minLength, maxLength, minimum, maximum, exclusiveMinimum, exclusiveMaximum, pattern, enum)")
		}
	}
	// v2 categories are an enumeration of values, or of {value, label}.
	if len(f.Categories) > 0 {
		var list []json.RawMessage
		for _, c := range f.Categories {
			var lv struct {
				Value json.RawMessage `json:"value"`
			}
			if bytes.HasPrefix(bytes.TrimSpace(c), []byte("{")) && json.Unmarshal(c, &lv) == nil && lv.Value != nil {
				c = lv.Value
			}
			list = append(list, c)
		}
		if vals, ok := enumValues(typ, list); ok {
			p["enum"] = vals
		} else {
			errs = append(errs, ptrErrorf(ptr+"/categories", fmt.Sprintf("campo «%s»: le categorie devono essere valori del tipo del campo", f.Name), fmt.Sprintf("field %q: the categories must be values of the field's type", f.Name)))
		}
	}
	return p, required, unique, errs
}

// enumValues reads allowed values as the type of the field holds them
// (Table Schema lets numbers be written as strings).
func enumValues(typ string, list []json.RawMessage) ([]any, bool) {
	out := make([]any, 0, len(list))
	for _, raw := range list {
		switch typ {
		case "integer", "number", "year":
			n, ok := number(raw)
			if !ok {
				return nil, false
			}
			out = append(out, n)
		case "boolean":
			var b bool
			if json.Unmarshal(raw, &b) != nil {
				return nil, false
			}
			out = append(out, b)
		default:
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return nil, false
			}
			out = append(out, s)
		}
	}
	return out, true
}

// number reads a JSON number, or a number written as a string.
func number(raw json.RawMessage) (float64, bool) {
	var n float64
	if json.Unmarshal(raw, &n) == nil {
		return n, true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			return f, true
		}
	}
	return 0, false
}

// names reads a field name or a list of them.
func names(raw json.RawMessage) ([]string, bool) {
	var one string
	if json.Unmarshal(raw, &one) == nil && one != "" {
		return []string{one}, true
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil && len(many) > 0 {
		return many, true
	}
	return nil, false
}

func foreignKey(raw json.RawMessage) (rawForeignKey, bool) {
	var fk struct {
		Fields    json.RawMessage `json:"fields"`
		Reference *struct {
			Resource string          `json:"resource"`
			Fields   json.RawMessage `json:"fields"`
		} `json:"reference"`
	}
	var out rawForeignKey
	if json.Unmarshal(raw, &fk) != nil || fk.Reference == nil {
		return out, false
	}
	var ok bool
	if out.Fields, ok = names(fk.Fields); !ok {
		return out, false
	}
	if out.Reference.Fields, ok = names(fk.Reference.Fields); !ok {
		return out, false
	}
	out.Reference.Resource = fk.Reference.Resource
	return out, true
}

// orderedProps keeps the fields in the order the Table Schema lists them:
// the order of the columns people expect.
type orderedProps struct {
	names []string
	props []map[string]any
}

func (o *orderedProps) add(name string, p map[string]any) {
	o.names = append(o.names, name)
	o.props = append(o.props, p)
}

func (o *orderedProps) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, n := range o.names {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(n)
		v, err := json.Marshal(o.props[i])
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshalSchema(top map[string]any, props *orderedProps) ([]byte, error) {
	top["properties"] = props
	out, err := json.MarshalIndent(top, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("translate table schema: %w", err)
	}
	return out, nil
}
