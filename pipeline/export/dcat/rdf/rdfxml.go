package rdf

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteRDFXML writes the graph as RDF/XML, the form dati.gov.it harvests:
// one node element per subject, typed by its first rdf:type, with every
// other property as a child element. Text goes through encoding/xml's
// escaping, so no value can break the document.
func WriteRDFXML(w io.Writer, g Graph, prefixes []Prefix) error {
	ns := append([]Prefix{{"rdf", RDFNS}}, usedPrefixes(g, prefixes)...)
	// Predicates and types outside the known namespaces get a generated
	// prefix: RDF/XML cannot write a property without one.
	qname := func(iri string) (string, bool) {
		if s := shorten(iri, ns); s != "" {
			return s, true
		}
		return "", false
	}
	for _, t := range g {
		if _, ok := qname(t.P.Value); ok {
			continue
		}
		i := max(strings.LastIndexAny(t.P.Value, "#/")+1, 0)
		space, local := t.P.Value[:i], t.P.Value[i:]
		if !localName.MatchString(local) {
			return fmt.Errorf("rdf/xml: property %s cannot be written as an XML name", t.P.Value)
		}
		ns = append(ns, Prefix{"ns" + strconv.Itoa(len(ns)), space})
	}

	bw := bufio.NewWriter(w)
	bw.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n<rdf:RDF")
	for _, p := range ns {
		bw.WriteString("\n    xmlns:" + p.Name + `="`)
		xml.EscapeText(bw, []byte(p.NS))
		bw.WriteString(`"`)
	}
	bw.WriteString(">\n")
	attr := func(name, value string) {
		bw.WriteString(" " + name + `="`)
		xml.EscapeText(bw, []byte(value))
		bw.WriteString(`"`)
	}
	node := func(t Term) error {
		switch t.Kind {
		case IRI:
			attr("rdf:about", t.Value)
		case Blank:
			if !localName.MatchString(t.Value) {
				return fmt.Errorf("rdf/xml: blank node label %q is not an XML name", t.Value)
			}
			attr("rdf:nodeID", t.Value)
		default:
			return fmt.Errorf("rdf/xml: a literal cannot be a subject")
		}
		return nil
	}
	for _, block := range blocks(g) {
		elem := "rdf:Description"
		rest := block
		if t := block[0]; t.P.Value == RDFType && t.O.Kind == IRI {
			if q, ok := qname(t.O.Value); ok {
				elem, rest = q, block[1:]
			}
		}
		bw.WriteString("\n  <" + elem)
		if err := node(block[0].S); err != nil {
			return err
		}
		bw.WriteString(">\n")
		for _, t := range rest {
			p, _ := qname(t.P.Value)
			bw.WriteString("    <" + p)
			switch t.O.Kind {
			case IRI:
				attr("rdf:resource", t.O.Value)
				bw.WriteString("/>\n")
				continue
			case Blank:
				if !localName.MatchString(t.O.Value) {
					return fmt.Errorf("rdf/xml: blank node label %q is not an XML name", t.O.Value)
				}
				attr("rdf:nodeID", t.O.Value)
				bw.WriteString("/>\n")
				continue
			}
			if t.O.Lang != "" {
				attr("xml:lang", t.O.Lang)
			} else if t.O.Datatype != "" && t.O.Datatype != XSDString {
				attr("rdf:datatype", t.O.Datatype)
			}
			bw.WriteString(">")
			xml.EscapeText(bw, []byte(t.O.Value))
			bw.WriteString("</" + p + ">\n")
		}
		bw.WriteString("  </" + elem + ">\n")
	}
	bw.WriteString("</rdf:RDF>\n")
	return bw.Flush()
}
