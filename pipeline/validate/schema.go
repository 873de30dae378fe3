package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
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
	// keys are the foreign keys to other datasets' tables.
	keys []ForeignKey
	// bounded lists the date fields with a least or greatest date.
	bounded []string
	// uniques are the sets of fields whose values together are unique,
	// beside the primary key.
	uniques [][]string
	// source is the document as written when it was translated (a Table
	// Schema); nil when it is the JSON Schema itself.
	source []byte
}

// prop is what messages need of one property of the schema.
type prop struct {
	field catalog.Field
	// hint explains the pattern in words ("il codice ISTAT ha 6 cifre…").
	hint catalog.Text
	// comune marks a field checked against the registry of comuni.
	comune bool
	// dateMin and dateMax bound a date or date-time field (ISO text, so
	// that comparing strings compares dates); "" for none.
	dateMin, dateMax string
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
	UniqueKeys    [][]string          `json:"x-uniqueKeys"`
	ForeignKeys   []rawForeignKey     `json:"x-foreignKeys"`
	MissingValues []string            `json:"x-missingValues"`
}

// rawForeignKey is a foreign key as Table Schema writes it, fields as
// lists: the form x-foreignKeys takes in a JSON Schema.
type rawForeignKey struct {
	Fields    []string `json:"fields"`
	Reference struct {
		Resource string   `json:"resource"`
		Fields   []string `json:"fields"`
	} `json:"reference"`
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
	DateMinimum   string          `json:"x-minimum"`
	DateMaximum   string          `json:"x-maximum"`
}

// Compile compiles the JSON Schema doc (draft 2020-12, formats asserted) and
// reads its annotations. name is the schema's name, such as "progetti".
func Compile(name string, doc []byte) (*Schema, error) {
	s, err := compile(name, doc)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	return s, nil
}

// compile is Compile with errors that know their JSON pointer.
func compile(name string, doc []byte) (*Schema, error) {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.RegisterFormat(dateTimeFormat)
	loc := "urn:opendata:schema:" + name
	if err := c.AddResource(loc, inst); err != nil {
		return nil, err
	}
	sch, err := c.Compile(loc)
	if err != nil {
		return nil, compileError(err)
	}

	var raw rawSchema
	if err := json.Unmarshal(doc, &raw); err != nil {
		return nil, annotationError(doc, err)
	}
	order, err := propertyOrder(doc)
	if err != nil {
		return nil, err
	}
	s := &Schema{
		sch:     sch,
		fast:    newFastRoot(sch),
		props:   make(map[string]*prop, len(order)),
		uniques: raw.UniqueKeys,
		info: catalog.Schema{
			Name:          name,
			Title:         catalog.Text{It: raw.Title, En: raw.TitleEn},
			Description:   catalog.Text{It: raw.Description, En: raw.DescriptionEn},
			PrimaryKey:    raw.PrimaryKey,
			ComuneFields:  raw.ComuneFields,
			Open:          raw.Open,
			MissingValues: raw.MissingValues,
			Format:        FormatJSONSchema,
			JSON:          slices.Clone(doc),
		},
	}
	var errs []error
	for _, n := range order {
		rp := raw.Properties[n]
		if rp == nil {
			errs = append(errs, ptrErrorf("/properties/"+escapePointer(n),
				fmt.Sprintf("la proprietà «%s» non è un oggetto", n), fmt.Sprintf("property %q is not an object", n)))
			continue
		}
		f, err := field(n, rp, slices.Contains(raw.Required, n))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.info.Fields = append(s.info.Fields, f)
		p := &prop{field: f, hint: catalog.Text{It: rp.Hint, En: rp.HintEn}, dateMin: rp.DateMinimum, dateMax: rp.DateMaximum}
		for _, kb := range [][2]string{{"x-minimum", p.dateMin}, {"x-maximum", p.dateMax}} {
			key, b := kb[0], kb[1]
			if b != "" && ((f.Type != catalog.TypeDate && f.Type != catalog.TypeDatetime) || !isoDate.MatchString(b)) {
				errs = append(errs, ptrErrorf("/properties/"+escapePointer(n)+"/"+key,
					fmt.Sprintf("proprietà %s: «%s» vale solo su date e date-ora, scritto come AAAA-MM-GG", n, key),
					fmt.Sprintf("property %s: %q applies to dates and date-times only, written as YYYY-MM-DD", n, key)))
			}
		}
		if p.dateMin != "" || p.dateMax != "" {
			s.bounded = append(s.bounded, n)
		}
		s.props[n] = p
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	// Annotations naming fields that do not exist are typos that would
	// silently disable a check.
	unknown := func(ptr, n string) {
		errs = append(errs, ptrErrorf(ptr,
			fmt.Sprintf("«%s» nomina il campo «%s», che lo schema non ha", displayPtr(ptr), n),
			fmt.Sprintf("%s names the field %q, which the schema does not have (annotation names unknown property %q)", displayPtr(ptr), n, n)))
	}
	for _, a := range []struct {
		ptr  string
		list []string
	}{{"/x-primaryKey", raw.PrimaryKey}, {"/x-comuneFields", raw.ComuneFields}} {
		for _, n := range a.list {
			p, ok := s.props[n]
			if !ok {
				unknown(a.ptr, n)
				continue
			}
			if slices.Contains(raw.ComuneFields, n) {
				p.comune = true
			}
		}
	}
	for i, set := range raw.UniqueKeys {
		for _, n := range set {
			if _, ok := s.props[n]; !ok {
				unknown(fmt.Sprintf("/x-uniqueKeys/%d", i), n)
			}
		}
	}
	for i, fk := range raw.ForeignKeys {
		ptr := fmt.Sprintf("/x-foreignKeys/%d", i)
		for _, n := range fk.Fields {
			if _, ok := s.props[n]; !ok {
				unknown(ptr+"/fields", n)
			}
		}
		if len(fk.Fields) == 0 || len(fk.Fields) != len(fk.Reference.Fields) {
			errs = append(errs, ptrErrorf(ptr,
				"una chiave esterna deve avere tanti campi («fields») quanti ne nomina il riferimento («reference.fields»), almeno uno",
				"a foreign key needs as many fields (\"fields\") as its reference names (\"reference.fields\"), at least one"))
		}
		s.keys = append(s.keys, ForeignKey{Fields: fk.Fields, Resource: fk.Reference.Resource, RefFields: fk.Reference.Fields})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// annotationError places a keyword of ours holding the wrong kind of value
// ("x-primaryKey": "id" instead of a list).
func annotationError(doc []byte, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		line, _ := lineCol(doc, te.Offset)
		return &DocError{Line: line, Message: catalog.Text{
			It: fmt.Sprintf("la voce «%s» ha un valore del tipo sbagliato (%s dove serve %s)", te.Field, te.Value, te.Type),
			En: fmt.Sprintf("the key %q has a value of the wrong kind (%s where %s is expected)", te.Field, te.Value, te.Type),
		}}
	}
	return err
}

// isoDate is a date bound: a date, optionally followed by a time.
var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(T.*)?$`)

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
	ptr := "/properties/" + escapePointer(name)
	t, err := jsonType(rp.Type)
	if err != nil {
		return f, ptrErrorf(ptr+"/type", fmt.Sprintf("proprietà %s: tipo non valido: %v", name, err), fmt.Sprintf("property %s: %v", name, err))
	}
	switch {
	case t == "string" && rp.Format == "date":
		f.Type = catalog.TypeDate
	case t == "string" && rp.Format == "date-time":
		f.Type = catalog.TypeDatetime
	case t == "string", t == "":
		f.Type = catalog.TypeString
	case t == "integer":
		f.Type = catalog.TypeInteger
	case t == "number":
		f.Type = catalog.TypeNumber
	case t == "boolean":
		f.Type = catalog.TypeBoolean
	default:
		return f, ptrErrorf(ptr+"/type",
			fmt.Sprintf("proprietà %s: il tipo «%s» non è un tipo di colonna (string, integer, number, boolean)", name, t),
			fmt.Sprintf("property %s: type %q is not a column type (string, integer, number, boolean)", name, t))
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
	info.MissingValues = slices.Clone(s.info.MissingValues)
	return &info
}

// ForeignKeys returns the schema's foreign keys to other datasets.
func (s *Schema) ForeignKeys() []ForeignKey { return slices.Clone(s.keys) }

// Source is the document as written: the Table Schema a schema was
// translated from, or the JSON Schema itself.
func (s *Schema) Source() []byte {
	if s.source != nil {
		return slices.Clone(s.source)
	}
	return slices.Clone(s.info.JSON)
}

// ForeignKey says that the values of Fields, together, must be found in
// RefFields of the published table of the dataset Resource ("" for the
// table itself).
type ForeignKey struct {
	Fields    []string
	Resource  string
	RefFields []string
	// Line is where the reference is written in the schema document; 0
	// when unknown.
	Line int
}
