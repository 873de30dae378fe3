package rdf

import (
	"bufio"
	"io"
	"regexp"
	"strings"
)

// Prefix binds a short name to a namespace for Turtle, RDF/XML and the
// JSON-LD context.
type Prefix struct{ Name, NS string }

// localName is the conservative subset of Turtle's PN_LOCAL (and of XML's
// NCName) the writers shorten IRIs to; anything else is written in full.
var localName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// shorten returns "prefix:local" for iri, or "" when no prefix fits.
func shorten(iri string, prefixes []Prefix) string {
	for _, p := range prefixes {
		if local, ok := strings.CutPrefix(iri, p.NS); ok && localName.MatchString(local) {
			return p.Name + ":" + local
		}
	}
	return ""
}

// WriteTurtle writes the graph sorted by subject, one block per subject,
// rdf:type first.
func WriteTurtle(w io.Writer, g Graph, prefixes []Prefix) error {
	bw := bufio.NewWriter(w)
	used := usedPrefixes(g, prefixes)
	for _, p := range used {
		bw.WriteString("@prefix " + p.Name + ": ")
		bw.WriteString(NewIRI(p.NS).String())
		bw.WriteString(" .\n")
	}
	term := func(t Term) string {
		switch t.Kind {
		case IRI:
			if s := shorten(t.Value, used); s != "" {
				return s
			}
		case Literal:
			if t.Lang == "" && t.Datatype != XSDString && t.Datatype != "" {
				dt := shorten(t.Datatype, used)
				if dt == "" {
					dt = NewIRI(t.Datatype).String()
				}
				return `"` + escapeString(t.Value) + `"^^` + dt
			}
		}
		return t.String()
	}
	for _, block := range blocks(g) {
		bw.WriteString("\n")
		bw.WriteString(term(block[0].S))
		for i, t := range block {
			switch {
			case i > 0 && t.P == block[i-1].P:
				bw.WriteString(" ,\n        ")
			case i > 0:
				bw.WriteString(" ;\n    ")
			default:
				bw.WriteString("\n    ")
			}
			if i == 0 || t.P != block[i-1].P {
				if t.P.Value == RDFType {
					bw.WriteString("a")
				} else {
					bw.WriteString(term(t.P))
				}
				bw.WriteString(" ")
			}
			bw.WriteString(term(t.O))
		}
		bw.WriteString(" .\n")
	}
	return bw.Flush()
}

// blocks splits the sorted graph by subject, with rdf:type triples first
// in each block.
func blocks(g Graph) [][]Triple {
	var out [][]Triple
	sorted := g.Sorted()
	for i := 0; i < len(sorted); {
		j := i
		for j < len(sorted) && sorted[j].S == sorted[i].S {
			j++
		}
		var types, rest []Triple
		for _, t := range sorted[i:j] {
			if t.P.Value == RDFType {
				types = append(types, t)
			} else {
				rest = append(rest, t)
			}
		}
		out = append(out, append(types, rest...))
		i = j
	}
	return out
}

// usedPrefixes keeps the prefixes that shorten at least one IRI of g, so
// that the files declare no namespace they do not use.
func usedPrefixes(g Graph, prefixes []Prefix) []Prefix {
	var out []Prefix
	for _, p := range prefixes {
		for _, t := range g {
			if uses(t, p) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

func uses(t Triple, p Prefix) bool {
	for _, x := range []Term{t.S, t.P, t.O} {
		iri := x.Value
		if x.Kind == Literal {
			iri = x.Datatype
		} else if x.Kind != IRI {
			continue
		}
		if shorten(iri, []Prefix{p}) != "" {
			return true
		}
	}
	return false
}
