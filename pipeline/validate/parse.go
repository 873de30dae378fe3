package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The formats a schema document may be written in, told apart by content.
const (
	// FormatJSONSchema is JSON Schema 2020-12 with the portal's x- keywords.
	FormatJSONSchema = "jsonschema"
	// FormatTableSchema is a Frictionless Table Schema, v1 or v2: a
	// top-level "fields" array.
	FormatTableSchema = "tableschema"
)

// DocError is one problem of a schema document, at the line to look at
// (0 when it concerns the whole document). The caller adds the file name.
type DocError struct {
	Line    int
	Col     int
	Message catalog.Text
}

func (e *DocError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message.En)
	}
	return e.Message.En
}

// ptrError is a problem at a JSON pointer of the document being compiled,
// turned into a DocError with its line by Parse.
type ptrError struct {
	ptr string
	msg catalog.Text
}

func (e *ptrError) Error() string { return e.ptr + ": " + e.msg.En }

func ptrErrorf(ptr, it, en string) *ptrError {
	return &ptrError{ptr: ptr, msg: catalog.Text{It: it, En: en}}
}

// Format tells which kind of schema a document is: a top-level "fields"
// array makes it a Table Schema.
func Format(doc []byte) string {
	var top map[string]json.RawMessage
	if json.Unmarshal(doc, &top) == nil {
		if f := bytes.TrimSpace(top["fields"]); len(f) > 0 && f[0] == '[' {
			return FormatTableSchema
		}
	}
	return FormatJSONSchema
}

// Parse reads a schema document, JSON Schema or Table Schema, and compiles
// it. name is the reference the catalog uses for it. The error, when not
// nil, joins one *DocError per problem found, each with its line.
func Parse(name string, doc []byte) (*Schema, error) {
	if len(bytes.TrimSpace(doc)) == 0 {
		return nil, &DocError{Message: catalog.Text{It: "il file dello schema è vuoto", En: "the schema file is empty"}}
	}
	var top any
	if err := json.Unmarshal(doc, &top); err != nil {
		line, col, _ := syntaxPosition(doc, err)
		return nil, &DocError{Line: line, Col: col, Message: catalog.Text{
			It: fmt.Sprintf("il file non è JSON valido (riga %d, colonna %d: %s): controllare virgole, virgolette e parentesi", line, col, jsonMessage(err)),
			En: fmt.Sprintf("the file is not valid JSON (line %d, column %d: %s): check commas, quotes and brackets", line, col, jsonMessage(err)),
		}}
	}
	if _, ok := top.(map[string]any); !ok {
		return nil, &DocError{Line: 1, Message: catalog.Text{
			It: "lo schema deve essere un oggetto JSON ({ … })",
			En: "the schema must be a JSON object ({ … })",
		}}
	}
	pos := locate(doc)
	format := Format(doc)
	compiled, fieldPtr := doc, map[string]string(nil)
	if format == FormatTableSchema {
		var errs []error
		compiled, fieldPtr, errs = translate(doc)
		if len(errs) > 0 {
			return nil, docErrors(pos, errs)
		}
	}
	s, err := compile(name, compiled)
	if err != nil {
		if fieldPtr != nil {
			err = movePointers(err, fieldPtr)
		}
		return nil, docErrors(pos, []error{err})
	}
	s.info.Format = format
	// Foreign keys name the line of their reference, for the errors the
	// pipeline finds once it knows the catalog.
	keyPtr := "/x-foreignKeys/"
	if format == FormatTableSchema {
		keyPtr = "/foreignKeys/"
	}
	for i := range s.keys {
		s.keys[i].Line = pos.line(fmt.Sprintf("%s%d/reference/resource", keyPtr, i))
	}
	if format == FormatTableSchema {
		s.info.JSON = bytes.Clone(compiled)
		s.source = bytes.Clone(doc)
	}
	return s, nil
}

// jsonMessage is the decoder's complaint without its "invalid character"
// jargon doubled.
func jsonMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "json: ")
}

// docErrors turns the errors of compiling into DocErrors with lines.
func docErrors(pos *positions, errs []error) error {
	var out []error
	for _, err := range errs {
		var list interface{ Unwrap() []error }
		if errors.As(err, &list) {
			if inner := list.Unwrap(); len(inner) > 1 {
				out = append(out, docErrors(pos, inner))
				continue
			}
		}
		var pe *ptrError
		if errors.As(err, &pe) {
			out = append(out, &DocError{Line: pos.line(pe.ptr), Message: pe.msg})
			continue
		}
		var de *DocError
		if errors.As(err, &de) {
			out = append(out, de)
			continue
		}
		out = append(out, &DocError{Message: catalog.Text{
			It: "lo schema non è valido: " + err.Error(),
			En: "the schema is not valid: " + err.Error(),
		}})
	}
	return errors.Join(out...)
}

// movePointers maps pointers into the JSON Schema translated from a Table
// Schema back to the field of the Table Schema they came from.
func movePointers(err error, fieldPtr map[string]string) error {
	var pe *ptrError
	if !errors.As(err, &pe) {
		return err
	}
	rest, ok := strings.CutPrefix(pe.ptr, "/properties/")
	if !ok {
		return err
	}
	name, sub, _ := strings.Cut(rest, "/")
	p, ok := fieldPtr[name]
	if !ok {
		return err
	}
	switch sub {
	case "", "type", "format":
	default:
		sub = "constraints/" + sub
	}
	to := strings.TrimSuffix(p+"/"+sub, "/")
	msg := catalog.Text{It: strings.ReplaceAll(pe.msg.It, pe.ptr, to), En: strings.ReplaceAll(pe.msg.En, pe.ptr, to)}
	return &ptrError{ptr: to, msg: msg}
}

// compileError turns the library's complaint about a schema into an error
// at a pointer of the document.
func compileError(err error) error {
	var sve *jsonschema.SchemaValidationError
	if errors.As(err, &sve) {
		base := fragment(sve.URL)
		var verr *jsonschema.ValidationError
		if errors.As(sve.Err, &verr) {
			var out []error
			seen := map[string]bool{}
			for _, leaf := range leaves(verr) {
				ptr := base + pointerOf(leaf.InstanceLocation)
				// Alternatives of the meta-schema fail at the same place:
				// the first says it best.
				if seen[ptr] {
					continue
				}
				seen[ptr] = true
				msg := kindText(leaf.ErrorKind)
				out = append(out, ptrErrorf(ptr,
					fmt.Sprintf("lo schema JSON non è valido in «%s»: %s", displayPtr(ptr), msg),
					fmt.Sprintf("the JSON Schema is not valid at %q: %s", displayPtr(ptr), msg)))
			}
			return errors.Join(out...)
		}
	}
	var rex *jsonschema.InvalidRegexError
	if errors.As(err, &rex) {
		ptr := fragment(rex.URL)
		return ptrErrorf(ptr,
			fmt.Sprintf("l'espressione regolare «%s» in «%s» non è valida: %v", rex.Regex, displayPtr(ptr), rex.Err),
			fmt.Sprintf("the regular expression %q at %q is not valid: %v", rex.Regex, displayPtr(ptr), rex.Err))
	}
	return ptrErrorf("", "lo schema JSON non si compila: "+err.Error(), "the JSON Schema does not compile: "+err.Error())
}

func fragment(url string) string {
	_, frag, _ := strings.Cut(url, "#")
	return frag
}

func displayPtr(ptr string) string {
	if ptr == "" {
		return "/"
	}
	return ptr
}

func pointerOf(loc []string) string {
	var b strings.Builder
	for _, s := range loc {
		b.WriteByte('/')
		b.WriteString(escapePointer(s))
	}
	return b.String()
}

// leaves returns the innermost causes of a validation error.
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}
