package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Schema is a compiled JSON Schema with what the pipeline needs to know of it.
type Schema struct {
	info  catalog.Schema
	sch   *jsonschema.Schema
	props map[string]*prop
	fast  *fastRoot
}

// prop is what messages need of one property of the schema.
type prop struct {
	field catalog.Field
	// hint explains the pattern in words ("il codice ISTAT ha 6 cifre…").
	hint catalog.Text
	// comune marks a field checked against the registry of comuni.
	comune bool
}

// rawSchema holds the keywords of the root that the pipeline reads.
type rawSchema struct {
	Title         string              `json:"title"`
	Description   string              `json:"description"`
	TitleEn       string              `json:"x-title-en"`
	DescriptionEn string              `json:"x-description-en"`
	PrimaryKey    []string            `json:"x-primaryKey"`
	ComuneFields  []string            `json:"x-comuneFields"`
	Open          bool                `json:"x-open"`
	Required      []string            `json:"required"`
	Properties    map[string]*rawProp `json:"properties"`
}

// rawProp holds the keywords of a property that the pipeline reads.
type rawProp struct {
	Type          json.RawMessage `json:"type"`
	Format        string          `json:"format"`
	Title         string          `json:"title"`
	Description   string          `json:"description"`
	TitleEn       string          `json:"x-title-en"`
	DescriptionEn string          `json:"x-description-en"`
	Aliases       []string        `json:"x-aliases"`
	Code          bool            `json:"x-code"`
	Unit          string          `json:"x-unit"`
	Hint          string          `json:"x-hint"`
	HintEn        string          `json:"x-hint-en"`
	Pattern       string          `json:"pattern"`
	MinLength     *int            `json:"minLength"`
	MaxLength     *int            `json:"maxLength"`
	Minimum       *float64        `json:"minimum"`
	Maximum       *float64        `json:"maximum"`
	Enum          []any           `json:"enum"`
}

// Compile compiles the JSON Schema doc (draft 2020-12, formats asserted) and
// reads its annotations. name is the schema's name, such as "progetti".
func Compile(name string, doc []byte) (*Schema, error) {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	loc := "urn:opendata:schema:" + name
	if err := c.AddResource(loc, inst); err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	sch, err := c.Compile(loc)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}

	var raw rawSchema
	if err := json.Unmarshal(doc, &raw); err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	order, err := propertyOrder(doc)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	s := &Schema{
		sch:   sch,
		fast:  newFastRoot(sch),
		props: make(map[string]*prop, len(order)),
		info: catalog.Schema{
			Name:         name,
			Title:        catalog.Text{It: raw.Title, En: raw.TitleEn},
			Description:  catalog.Text{It: raw.Description, En: raw.DescriptionEn},
			PrimaryKey:   raw.PrimaryKey,
			ComuneFields: raw.ComuneFields,
			Open:         raw.Open,
			JSON:         slices.Clone(doc),
		},
	}
	for _, n := range order {
		rp := raw.Properties[n]
		if rp == nil {
			return nil, fmt.Errorf("schema %s: property %q is not an object", name, n)
		}
		f, err := field(n, rp, slices.Contains(raw.Required, n))
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
		s.info.Fields = append(s.info.Fields, f)
		s.props[n] = &prop{field: f, hint: catalog.Text{It: rp.Hint, En: rp.HintEn}}
	}
	// Annotations naming fields that do not exist are typos that would
	// silently disable a check.
	for _, list := range [][]string{raw.PrimaryKey, raw.ComuneFields} {
		for _, n := range list {
			p, ok := s.props[n]
			if !ok {
				return nil, fmt.Errorf("schema %s: annotation names unknown property %q", name, n)
			}
			if slices.Contains(raw.ComuneFields, n) {
				p.comune = true
			}
		}
	}
	return s, nil
}

// field turns a property into the catalog's description of a column.
func field(name string, rp *rawProp, required bool) (catalog.Field, error) {
	f := catalog.Field{
		Name:        name,
		Title:       catalog.Text{It: rp.Title, En: rp.TitleEn},
		Description: catalog.Text{It: rp.Description, En: rp.DescriptionEn},
		Aliases:     rp.Aliases,
		Required:    required,
		Code:        rp.Code,
		Unit:        rp.Unit,
		Pattern:     rp.Pattern,
		MinLength:   rp.MinLength,
		MaxLength:   rp.MaxLength,
		Minimum:     rp.Minimum,
		Maximum:     rp.Maximum,
	}
	if f.Title.It == "" {
		f.Title.It = name
	}
	t, err := jsonType(rp.Type)
	if err != nil {
		return f, fmt.Errorf("property %s: %w", name, err)
	}
	switch {
	case t == "string" && rp.Format == "date":
		f.Type = catalog.TypeDate
	case t == "string", t == "":
		f.Type = catalog.TypeString
	case t == "integer":
		f.Type = catalog.TypeInteger
	case t == "number":
		f.Type = catalog.TypeNumber
	case t == "boolean":
		f.Type = catalog.TypeBoolean
	default:
		return f, fmt.Errorf("property %s: type %q is not a column type", name, t)
	}
	for _, v := range rp.Enum {
		f.Enum = append(f.Enum, fmt.Sprint(v))
	}
	return f, nil
}

// jsonType reads "type", which is a string or a list such as
// ["string", "null"]: the first type other than null counts.
func jsonType(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return "", fmt.Errorf("bad type %s", raw)
	}
	for _, t := range many {
		if t != "null" {
			return t, nil
		}
	}
	return "", nil
}

// propertyOrder returns the names of the root's properties in the order the
// document writes them, which is the order of the columns people expect.
func propertyOrder(doc []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var names []string
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if key != "properties" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
			continue
		}
		if err := expectDelim(dec, '{'); err != nil {
			return nil, fmt.Errorf("properties: %w", err)
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, err
			}
			name, _ := tok.(string)
			names = append(names, name)
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
	}
	return names, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, found %v", want, tok)
	}
	return nil
}

// Load compiles every *.json file at the root of fsys, keyed by the file
// name without ".json". Use it with schemas.FS.
func Load(fsys fs.FS) (map[string]*Schema, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("load schemas: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("load schemas: no *.json file")
	}
	out := make(map[string]*Schema, len(names))
	for _, n := range names {
		doc, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("load schemas: %w", err)
		}
		s, err := Compile(strings.TrimSuffix(path.Base(n), ".json"), doc)
		if err != nil {
			return nil, fmt.Errorf("load schemas: %s: %w", n, err)
		}
		out[s.info.Name] = s
	}
	return out, nil
}

// Info describes the schema for ingest, exports and the portal. The result
// is a copy: changing it does not change the schema.
func (s *Schema) Info() *catalog.Schema {
	info := s.info
	info.Fields = slices.Clone(s.info.Fields)
	info.PrimaryKey = slices.Clone(s.info.PrimaryKey)
	info.ComuneFields = slices.Clone(s.info.ComuneFields)
	info.JSON = slices.Clone(s.info.JSON)
	return &info
}
