// Package rdf is the small RDF model the DCAT-AP_IT catalog is built on:
// terms, triples and graphs, with readers and writers for Turtle, RDF/XML,
// N-Triples and JSON-LD. JSON-LD and N-Triples go through
// github.com/piprate/json-gold; Go has no maintained Turtle or RDF/XML codec
// that the module proxy serves, so those two are written here, with every
// IRI and literal escaped by the rules of its syntax (encoding/xml for
// RDF/XML).
package rdf

import (
	"cmp"
	"slices"
	"strings"
)

// Kind tells the three kinds of RDF term apart.
type Kind uint8

const (
	IRI Kind = iota + 1
	Blank
	Literal
)

// Namespaces of the vocabularies the parsers and writers know by heart.
const (
	RDFNS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	XSDNS = "http://www.w3.org/2001/XMLSchema#"
)

// Common datatypes.
const (
	XSDString  = XSDNS + "string"
	XSDDate    = XSDNS + "date"
	XSDDecimal = XSDNS + "decimal"
	XSDInteger = XSDNS + "integer"
	XSDDouble  = XSDNS + "double"
	XSDBoolean = XSDNS + "boolean"
	LangString = RDFNS + "langString"
	RDFType    = RDFNS + "type"
)

// Term is an IRI, a blank node or a literal. Value is the IRI, the blank
// node label (without "_:") or the literal's lexical form. A literal always
// has a datatype: xsd:string for a plain one, rdf:langString when it has a
// language.
type Term struct {
	Kind     Kind
	Value    string
	Datatype string
	Lang     string
}

// NewIRI returns the IRI term.
func NewIRI(iri string) Term { return Term{Kind: IRI, Value: iri} }

// NewBlank returns the blank node with the given label.
func NewBlank(label string) Term { return Term{Kind: Blank, Value: label} }

// NewString returns a plain string literal.
func NewString(s string) Term { return Term{Kind: Literal, Value: s, Datatype: XSDString} }

// NewLang returns a literal in a language ("it", "en").
func NewLang(s, lang string) Term {
	return Term{Kind: Literal, Value: s, Datatype: LangString, Lang: strings.ToLower(lang)}
}

// NewTyped returns a literal with a datatype.
func NewTyped(s, datatype string) Term {
	if datatype == "" {
		datatype = XSDString
	}
	return Term{Kind: Literal, Value: s, Datatype: datatype}
}

// String writes the term as N-Triples does.
func (t Term) String() string {
	var b strings.Builder
	switch t.Kind {
	case IRI:
		writeIRI(&b, t.Value)
	case Blank:
		b.WriteString("_:")
		b.WriteString(t.Value)
	case Literal:
		b.WriteByte('"')
		b.WriteString(escapeString(t.Value))
		b.WriteByte('"')
		switch {
		case t.Lang != "":
			b.WriteByte('@')
			b.WriteString(t.Lang)
		case t.Datatype != "" && t.Datatype != XSDString:
			b.WriteString("^^")
			writeIRI(&b, t.Datatype)
		}
	}
	return b.String()
}

// Compare orders terms: IRIs, then blank nodes, then literals, each by
// value, then datatype and language.
func Compare(a, b Term) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), strings.Compare(a.Value, b.Value),
		strings.Compare(a.Datatype, b.Datatype), strings.Compare(a.Lang, b.Lang))
}

// Triple is one statement.
type Triple struct{ S, P, O Term }

// String writes the triple as an N-Triples line, without the newline.
func (t Triple) String() string { return t.S.String() + " " + t.P.String() + " " + t.O.String() + " ." }

// CompareTriples orders triples by subject, predicate and object.
func CompareTriples(a, b Triple) int {
	return cmp.Or(Compare(a.S, b.S), Compare(a.P, b.P), Compare(a.O, b.O))
}

// Graph is a set of triples. Writers sort it first, so the same graph
// always gives the same bytes.
type Graph []Triple

// Add appends a triple.
func (g *Graph) Add(s, p, o Term) { *g = append(*g, Triple{s, p, o}) }

// Sorted returns the triples sorted, without duplicates.
func (g Graph) Sorted() Graph {
	out := slices.Clone(g)
	slices.SortFunc(out, CompareTriples)
	return slices.Compact(out)
}

// Subjects lists the distinct subjects in order.
func (g Graph) Subjects() []Term {
	var out []Term
	for _, t := range g.Sorted() {
		if len(out) == 0 || out[len(out)-1] != t.S {
			out = append(out, t.S)
		}
	}
	return out
}

// Objects returns the objects of the triples with subject s and predicate p.
func (g Graph) Objects(s Term, p string) []Term {
	var out []Term
	for _, t := range g {
		if t.S == s && t.P.Kind == IRI && t.P.Value == p {
			out = append(out, t.O)
		}
	}
	return out
}

// Closure returns the triples reachable from root: its own, then those of
// every object reached, but never through the predicates in stop (so that
// a dataset's graph does not climb back to its catalog).
func (g Graph) Closure(root Term, stop ...string) Graph {
	bySubject := map[Term][]Triple{}
	for _, t := range g {
		bySubject[t.S] = append(bySubject[t.S], t)
	}
	seen := map[Term]bool{root: true}
	queue := []Term{root}
	var out Graph
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, t := range bySubject[s] {
			if slices.Contains(stop, t.P.Value) {
				continue
			}
			out = append(out, t)
			if t.O.Kind != Literal && !seen[t.O] {
				seen[t.O] = true
				queue = append(queue, t.O)
			}
		}
	}
	return out.Sorted()
}

// NTriples writes the graph as sorted N-Triples lines.
func (g Graph) NTriples() string {
	var b strings.Builder
	for _, t := range g.Sorted() {
		b.WriteString(t.String())
		b.WriteByte('\n')
	}
	return b.String()
}

func writeIRI(b *strings.Builder, iri string) {
	b.WriteByte('<')
	for _, r := range iri {
		// Characters an IRIREF may not hold are written as \u escapes.
		if r <= 0x20 || strings.ContainsRune("<>\"{}|^`\\", r) {
			b.WriteString(uEscape(r))
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('>')
}

// escapeString escapes a literal's text for N-Triples and Turtle strings.
func escapeString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				b.WriteString(uEscape(r))
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

func uEscape(r rune) string {
	const hex = "0123456789ABCDEF"
	if r > 0xffff {
		out := []byte(`\U00000000`)
		for i := 9; i >= 2; i-- {
			out[i] = hex[r&0xf]
			r >>= 4
		}
		return string(out)
	}
	out := []byte(`\u0000`)
	for i := 5; i >= 2; i-- {
		out[i] = hex[r&0xf]
		r >>= 4
	}
	return string(out)
}
