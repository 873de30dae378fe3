package rdf

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// offline refuses to fetch remote JSON-LD contexts: the documents we write
// and read carry their context inline, and a build must not reach the
// network for it.
type offline struct{}

func (offline) LoadDocument(u string) (*ld.RemoteDocument, error) {
	return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, "remote context refused: "+u)
}

func options() *ld.JsonLdOptions {
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = offline{}
	return opts
}

// dataset converts the graph to json-gold's model, sorted.
func dataset(g Graph) *ld.RDFDataset {
	ds := ld.NewRDFDataset()
	var quads []*ld.Quad
	node := func(t Term) ld.Node {
		switch t.Kind {
		case IRI:
			return ld.NewIRI(t.Value)
		case Blank:
			return ld.NewBlankNode("_:" + t.Value)
		}
		return ld.NewLiteral(t.Value, t.Datatype, t.Lang)
	}
	for _, t := range g.Sorted() {
		quads = append(quads, ld.NewQuad(node(t.S), node(t.P), node(t.O), "@default"))
	}
	ds.Graphs["@default"] = quads
	return ds
}

// graph converts json-gold's default graph back.
func graph(ds *ld.RDFDataset) (Graph, error) {
	var g Graph
	term := func(n ld.Node) (Term, error) {
		switch x := n.(type) {
		case ld.IRI:
			return NewIRI(x.Value), nil
		case ld.BlankNode:
			return NewBlank(strings.TrimPrefix(x.Attribute, "_:")), nil
		case ld.Literal:
			if x.Language != "" {
				return NewLang(x.Value, x.Language), nil
			}
			return NewTyped(x.Value, x.Datatype), nil
		}
		return Term{}, fmt.Errorf("unknown node %T", n)
	}
	for name, quads := range ds.Graphs {
		if name != "@default" {
			return nil, fmt.Errorf("named graph %s: only the default graph is read", name)
		}
		for _, q := range quads {
			s, err := term(q.Subject)
			if err != nil {
				return nil, err
			}
			p, err := term(q.Predicate)
			if err != nil {
				return nil, err
			}
			o, err := term(q.Object)
			if err != nil {
				return nil, err
			}
			g.Add(s, p, o)
		}
	}
	return g, nil
}

// WriteJSONLD writes the graph as JSON-LD compacted with the prefixes as
// its inline context, through json-gold.
func WriteJSONLD(w io.Writer, g Graph, prefixes []Prefix) error {
	opts := options()
	expanded, err := ld.NewJsonLdApi().FromRDF(dataset(g), opts)
	if err != nil {
		return fmt.Errorf("json-ld: %w", err)
	}
	ctx := map[string]any{}
	for _, p := range append([]Prefix{{"rdf", RDFNS}, {"xsd", XSDNS}}, prefixes...) {
		ctx[p.Name] = p.NS
	}
	doc, err := ld.NewJsonLdProcessor().Compact(expanded, map[string]any{"@context": ctx}, opts)
	if err != nil {
		return fmt.Errorf("json-ld: %w", err)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ParseJSONLD reads a JSON-LD document through json-gold.
func ParseJSONLD(r io.Reader) (Graph, error) {
	doc, err := ld.DocumentFromReader(r)
	if err != nil {
		return nil, fmt.Errorf("json-ld: %w", err)
	}
	out, err := ld.NewJsonLdProcessor().ToRDF(doc, options())
	if err != nil {
		return nil, fmt.Errorf("json-ld: %w", err)
	}
	ds, ok := out.(*ld.RDFDataset)
	if !ok {
		return nil, errors.New("json-ld: no dataset")
	}
	return graph(ds)
}

// ParseNTriples reads N-Triples (or N-Quads of the default graph) through
// json-gold's parser.
func ParseNTriples(r io.Reader) (Graph, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	ds, err := ld.ParseNQuads(string(b))
	if err != nil {
		return nil, fmt.Errorf("n-triples: %w", err)
	}
	return graph(ds)
}
