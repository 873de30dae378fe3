package validate

import (
	"math"
	"slices"
	"unicode/utf8"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The JSON Schema library builds errors and big.Rat numbers for every
// value it checks, which costs more than reading the file. Most rows are
// valid, so a row first goes through fastRow, a check built from the
// compiled schema that understands the keywords our schemas use. It only
// ever answers "surely valid": for anything else, and for schemas with
// other keywords, the library checks the row and explains the failures.

// fastRoot is the fast check of a row object.
type fastRoot struct {
	// nonEmpty is free tables' rule that a row holds at least one value
	// (tabella.json's "not").
	nonEmpty bool
	required []string
	props    map[string]*fastValue
	// extra checks properties the schema does not list; nil refuses them.
	extra *fastValue
}

// fastValue is the fast check of one value.
type fastValue struct {
	anything bool
	types    int      // type bits; 0: any type
	enum     []string // allowed strings; nil: no enum
	format   func(any) error
	minLen   int // -1: none
	maxLen   int
	pattern  jsonschema.Regexp
	min, max float64 // ±Inf: none
	exMin    float64
	exMax    float64
}

// newFastRoot returns the fast check of s, or nil when s uses keywords it
// does not understand.
func newFastRoot(s *jsonschema.Schema) *fastRoot {
	nonEmpty := s.Not != nil && notAllEmpty(s.Not)
	if nonEmpty {
		c := *s
		c.Not = nil
		s = &c
	}
	if s.Bool != nil || !onlyValueKeywords(s) || s.Enum != nil || s.Format != nil ||
		s.MaxProperties != nil || s.MinProperties != nil || s.PropertyNames != nil ||
		len(s.PatternProperties) > 0 || s.Dependencies != nil || s.DependentRequired != nil ||
		s.DependentSchemas != nil || s.UnevaluatedProperties != nil {
		return nil
	}
	if s.Types != nil && !s.Types.IsEmpty() && !slices.Contains(s.Types.ToStrings(), "object") {
		return nil
	}
	r := &fastRoot{nonEmpty: nonEmpty, required: s.Required, props: make(map[string]*fastValue, len(s.Properties))}
	for name, ps := range s.Properties {
		fv := newFastValue(ps)
		if fv == nil {
			return nil
		}
		r.props[name] = fv
	}
	switch a := s.AdditionalProperties.(type) {
	case nil:
		r.extra = &fastValue{anything: true}
	case bool:
		if a {
			r.extra = &fastValue{anything: true}
		}
	case *jsonschema.Schema:
		if r.extra = newFastValue(a); r.extra == nil {
			return nil
		}
	default:
		return nil
	}
	return r
}

// notAllEmpty reports whether n is the rule "every property is an empty
// string", which free tables negate to refuse an empty row. The shape is
// checked, then the library is asked about sample rows, so that a look-alike
// with another meaning is left to the library.
func notAllEmpty(n *jsonschema.Schema) bool {
	if n.Bool != nil || !onlyValueKeywords(n) || len(n.Properties) > 0 || len(n.Required) > 0 ||
		len(n.PatternProperties) > 0 || n.Types != nil && !n.Types.IsEmpty() {
		return false
	}
	a, ok := n.AdditionalProperties.(*jsonschema.Schema)
	if !ok || a.MaxLength == nil || *a.MaxLength != 0 {
		return false
	}
	samples := []struct {
		row   map[string]any
		empty bool
	}{
		{map[string]any{}, true},
		{map[string]any{"a": ""}, true},
		{map[string]any{"a": "", "b": ""}, true},
		{map[string]any{"a": "x"}, false},
		{map[string]any{"a": "", "b": 0.0}, false},
		{map[string]any{"a": false}, false},
	}
	for _, s := range samples {
		if (n.Validate(s.row) == nil) != s.empty {
			return false
		}
	}
	return true
}

// onlyValueKeywords reports whether s has none of the keywords that combine
// or reference other schemas.
func onlyValueKeywords(s *jsonschema.Schema) bool {
	return s.Ref == nil && s.RecursiveRef == nil && s.DynamicRef == nil && s.Const == nil &&
		s.Not == nil && len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 &&
		s.If == nil && s.Then == nil && s.Else == nil && len(s.Extensions) == 0 &&
		s.ContentEncoding == nil && s.ContentMediaType == nil && s.ContentSchema == nil &&
		s.MultipleOf == nil
}

// newFastValue returns the fast check of a property's schema, or nil. Array
// and object keywords are ignored: a cell is never an array or an object,
// and such a value is never passed as surely valid.
func newFastValue(s *jsonschema.Schema) *fastValue {
	if s.Bool != nil {
		if *s.Bool {
			return &fastValue{anything: true}
		}
		return nil
	}
	if !onlyValueKeywords(s) {
		return nil
	}
	v := &fastValue{minLen: -1, maxLen: -1, pattern: s.Pattern,
		min: math.Inf(-1), max: math.Inf(1), exMin: math.Inf(-1), exMax: math.Inf(1)}
	v.types = typeMask(s.Types)
	if s.Enum != nil {
		for _, e := range s.Enum.Values {
			str, ok := e.(string)
			if !ok {
				return nil
			}
			v.enum = append(v.enum, str)
		}
	}
	if s.Format != nil {
		v.format = s.Format.Validate
	}
	if s.MinLength != nil {
		v.minLen = *s.MinLength
	}
	if s.MaxLength != nil {
		v.maxLen = *s.MaxLength
	}
	for _, b := range []struct {
		dst *float64
		src interface{ Float64() (float64, bool) }
		set bool
	}{
		{&v.min, s.Minimum, s.Minimum != nil},
		{&v.max, s.Maximum, s.Maximum != nil},
		{&v.exMin, s.ExclusiveMinimum, s.ExclusiveMinimum != nil},
		{&v.exMax, s.ExclusiveMaximum, s.ExclusiveMaximum != nil},
	} {
		if !b.set {
			continue
		}
		f, exact := b.src.Float64()
		if !exact {
			return nil // a bound float64 cannot hold: leave it to the library
		}
		*b.dst = f
	}
	return v
}

// valid reports whether x is surely valid; false means "ask the library".
func (v *fastValue) valid(x any) bool {
	if v.anything {
		return true
	}
	switch x := x.(type) {
	case string:
		if !v.typeOK(typeString) {
			return false
		}
		if v.enum != nil && !slices.Contains(v.enum, x) {
			return false
		}
		if v.minLen >= 0 || v.maxLen >= 0 {
			n := utf8.RuneCountInString(x)
			if n < v.minLen || (v.maxLen >= 0 && n > v.maxLen) {
				return false
			}
		}
		if v.pattern != nil && !v.pattern.MatchString(x) {
			return false
		}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) || v.enum != nil {
			return false
		}
		if !v.typeOK(typeNumber) && !(v.typeOK(typeInteger) && x == math.Trunc(x)) {
			return false
		}
		if x < v.min || x > v.max || x <= v.exMin || x >= v.exMax {
			return false
		}
	case bool:
		if !v.typeOK(typeBoolean) || v.enum != nil {
			return false
		}
	default:
		return false
	}
	return v.format == nil || v.format(x) == nil
}

// Type bits, resolved once per schema from the library's type names.
const (
	typeString = 1 << iota
	typeNumber
	typeInteger
	typeBoolean
	typeOther
)

func (v *fastValue) typeOK(t int) bool {
	return v.types == 0 || v.types&t != 0
}

// typeMask turns the library's types into our bits. Types we do not know
// (null, array, object) are never the type of a cell, so they add nothing.
func typeMask(tt *jsonschema.Types) int {
	m := 0
	if tt == nil {
		return m
	}
	for _, n := range tt.ToStrings() {
		switch n {
		case "string":
			m |= typeString
		case "number":
			m |= typeNumber
		case "integer":
			m |= typeInteger
		case "boolean":
			m |= typeBoolean
		case "null", "array", "object":
			m |= typeOther
		}
	}
	return m
}

// fastTable binds a fastRoot to the columns of one table.
type fastTable struct {
	// checks[j] checks column j; nil for unmapped columns.
	checks []*fastValue
	// requiredCols are the columns of required fields.
	requiredCols []int
	// nonEmpty asks for at least one mapped cell with a value that is not
	// an empty string.
	nonEmpty bool
}

// newFastTable returns the fast check of rows of t, or nil when the table
// cannot be checked fast: the schema is not simple, a required field has
// no column, or two columns map to one field.
func newFastTable(r *fastRoot, t *catalog.Table, col map[string]int) *fastTable {
	if r == nil {
		return nil
	}
	ft := &fastTable{checks: make([]*fastValue, len(t.Columns)), nonEmpty: r.nonEmpty}
	seen := make(map[string]bool, len(t.Columns))
	for j, c := range t.Columns {
		if c.Field == "" {
			continue
		}
		if seen[c.Field] {
			return nil
		}
		seen[c.Field] = true
		fv, ok := r.props[c.Field]
		if !ok {
			if fv = r.extra; fv == nil {
				return nil
			}
		}
		ft.checks[j] = fv
	}
	for _, f := range r.required {
		j, ok := col[f]
		if !ok {
			return nil
		}
		ft.requiredCols = append(ft.requiredCols, j)
	}
	return ft
}

// valid reports whether the row is surely valid against the schema.
func (ft *fastTable) valid(cells []catalog.Cell) bool {
	for _, j := range ft.requiredCols {
		if cells[j].Value == nil {
			return false
		}
	}
	filled := !ft.nonEmpty
	for j, fv := range ft.checks {
		if fv == nil || cells[j].Value == nil {
			continue
		}
		if !fv.valid(cells[j].Value) {
			return false
		}
		if s, ok := cells[j].Value.(string); !ok || s != "" {
			filled = true
		}
	}
	return filled
}
