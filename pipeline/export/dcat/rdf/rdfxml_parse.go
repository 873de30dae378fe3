package rdf

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

const xmlNS = "http://www.w3.org/XML/1998/namespace"

// ParseRDFXML reads an RDF/XML document: node elements (rdf:Description or
// typed), rdf:about, rdf:ID and rdf:nodeID, property attributes, property
// elements with rdf:resource, rdf:nodeID, rdf:datatype, xml:lang, a nested
// node, or rdf:parseType Resource, Literal or Collection, rdf:li, xml:base,
// and the entities a DOCTYPE declares (as in AgID's examples).
func ParseRDFXML(r io.Reader, base string) (Graph, error) {
	root, err := readTree(r, base)
	if err != nil {
		return nil, fmt.Errorf("rdf/xml: %w", err)
	}
	p := &rxml{}
	nodes := []*elem{root}
	if root.name.Space == RDFNS && root.name.Local == "RDF" {
		nodes = root.kids
	}
	for _, n := range nodes {
		if _, err := p.node(n); err != nil {
			return nil, fmt.Errorf("rdf/xml: %w", err)
		}
	}
	return p.out, nil
}

type elem struct {
	name  xml.Name
	attrs []xml.Attr
	kids  []*elem
	text  strings.Builder
	lang  string
	base  string
	// toks keeps the content of an element with rdf:parseType="Literal".
	keep bool
	toks []xml.Token
}

var entityDecl = regexp.MustCompile(`<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>`)

func readTree(r io.Reader, base string) (*elem, error) {
	d := xml.NewDecoder(r)
	d.Entity = map[string]string{}
	var stack []*elem
	var root *elem
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		for _, e := range stack {
			if e.keep {
				e.toks = append(e.toks, xml.CopyToken(tok))
			}
		}
		switch t := tok.(type) {
		case xml.Directive:
			for _, m := range entityDecl.FindAllStringSubmatch(string(t), -1) {
				d.Entity[m[1]] = xmlUnescape(m[2] + m[3])
			}
		case xml.StartElement:
			e := &elem{name: t.Name, attrs: t.Attr, base: base}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				e.lang, e.base = parent.lang, parent.base
				parent.kids = append(parent.kids, e)
			} else {
				root = e
			}
			for _, a := range t.Attr {
				if a.Name.Space == xmlNS && a.Name.Local == "lang" {
					e.lang = strings.ToLower(a.Value)
				}
				if a.Name.Space == xmlNS && a.Name.Local == "base" {
					e.base = resolve(e.base, a.Value)
				}
				if isRDF(a.Name, "parseType") && a.Value != "Resource" && a.Value != "Collection" {
					e.keep = true
				}
			}
			stack = append(stack, e)
		case xml.EndElement:
			top := stack[len(stack)-1]
			if n := len(top.toks); top.keep && n > 0 {
				top.toks = top.toks[:n-1] // its own end tag
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("empty document")
	}
	return root, nil
}

func xmlUnescape(s string) string {
	var out string
	if err := xml.Unmarshal([]byte("<x>"+s+"</x>"), &out); err != nil {
		return s
	}
	return out
}

type rxml struct {
	out    Graph
	blanks int
}

func (p *rxml) newBlank() Term {
	p.blanks++
	return NewBlank("b" + strconv.Itoa(p.blanks))
}

func isRDF(n xml.Name, local string) bool { return n.Space == RDFNS && n.Local == local }

func iriOf(n xml.Name) string { return n.Space + n.Local }

// skipAttr reports attributes that carry no property.
func skipAttr(a xml.Attr) bool {
	return a.Name.Space == xmlNS || a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") ||
		strings.HasPrefix(a.Name.Local, "xml")
}

func (p *rxml) node(e *elem) (Term, error) {
	var subj Term
	switch {
	case attr(e, "about") != nil:
		subj = NewIRI(resolve(e.base, attr(e, "about").Value))
	case attr(e, "ID") != nil:
		subj = NewIRI(resolve(e.base, "#"+attr(e, "ID").Value))
	case attr(e, "nodeID") != nil:
		subj = NewBlank("l" + attr(e, "nodeID").Value)
	default:
		subj = p.newBlank()
	}
	if !isRDF(e.name, "Description") {
		p.out.Add(subj, NewIRI(RDFType), NewIRI(iriOf(e.name)))
	}
	for _, a := range e.attrs {
		if skipAttr(a) || (a.Name.Space == RDFNS && a.Name.Local != "type") {
			continue
		}
		if isRDF(a.Name, "type") {
			p.out.Add(subj, NewIRI(RDFType), NewIRI(resolve(e.base, a.Value)))
			continue
		}
		p.out.Add(subj, NewIRI(iriOf(a.Name)), p.text(a.Value, e.lang))
	}
	li := 0
	for _, k := range e.kids {
		if err := p.property(subj, k, &li); err != nil {
			return Term{}, err
		}
	}
	return subj, nil
}

func (p *rxml) text(s, lang string) Term {
	if lang != "" {
		return NewLang(s, lang)
	}
	return NewString(s)
}

func attr(e *elem, local string) *xml.Attr {
	for i, a := range e.attrs {
		if a.Name.Space == RDFNS && a.Name.Local == local {
			return &e.attrs[i]
		}
	}
	return nil
}

func (p *rxml) property(subj Term, e *elem, li *int) error {
	pred := iriOf(e.name)
	if isRDF(e.name, "li") {
		*li++
		pred = RDFNS + "_" + strconv.Itoa(*li)
	}
	if e.name.Space == "" {
		return fmt.Errorf("property element <%s> has no namespace", e.name.Local)
	}
	P := NewIRI(pred)
	if pt := attr(e, "parseType"); pt != nil {
		switch pt.Value {
		case "Resource":
			b := p.newBlank()
			p.out.Add(subj, P, b)
			n := 0
			for _, k := range e.kids {
				if err := p.property(b, k, &n); err != nil {
					return err
				}
			}
			return nil
		case "Collection":
			head := NewIRI(RDFNS + "nil")
			var prev Term
			for i, k := range e.kids {
				item, err := p.node(k)
				if err != nil {
					return err
				}
				cell := p.newBlank()
				if i == 0 {
					head = cell
				} else {
					p.out.Add(prev, NewIRI(RDFNS+"rest"), cell)
				}
				p.out.Add(cell, NewIRI(RDFNS+"first"), item)
				prev = cell
			}
			if len(e.kids) > 0 {
				p.out.Add(prev, NewIRI(RDFNS+"rest"), NewIRI(RDFNS+"nil"))
			}
			p.out.Add(subj, P, head)
			return nil
		default: // "Literal" and unknown types are XML literals
			var buf bytes.Buffer
			enc := xml.NewEncoder(&buf)
			for _, t := range e.toks {
				if err := enc.EncodeToken(t); err != nil {
					return err
				}
			}
			if err := enc.Flush(); err != nil {
				return err
			}
			p.out.Add(subj, P, NewTyped(buf.String(), RDFNS+"XMLLiteral"))
			return nil
		}
	}
	if len(e.kids) == 1 {
		o, err := p.node(e.kids[0])
		if err != nil {
			return err
		}
		p.out.Add(subj, P, o)
		return nil
	}
	if len(e.kids) > 1 {
		return fmt.Errorf("property <%s> holds more than one node", pred)
	}
	var obj Term
	switch {
	case attr(e, "resource") != nil:
		obj = NewIRI(resolve(e.base, attr(e, "resource").Value))
	case attr(e, "nodeID") != nil:
		obj = NewBlank("l" + attr(e, "nodeID").Value)
	case attr(e, "datatype") != nil:
		p.out.Add(subj, P, NewTyped(e.text.String(), resolve(e.base, attr(e, "datatype").Value)))
		return nil
	}
	// Property attributes on a property element describe its object.
	var props []xml.Attr
	for _, a := range e.attrs {
		if !skipAttr(a) && (a.Name.Space != RDFNS || a.Name.Local == "type") {
			props = append(props, a)
		}
	}
	if obj.Kind == 0 && len(props) == 0 {
		p.out.Add(subj, P, p.text(e.text.String(), e.lang))
		return nil
	}
	if obj.Kind == 0 {
		obj = p.newBlank()
	}
	p.out.Add(subj, P, obj)
	for _, a := range props {
		if isRDF(a.Name, "type") {
			p.out.Add(obj, NewIRI(RDFType), NewIRI(resolve(e.base, a.Value)))
			continue
		}
		p.out.Add(obj, NewIRI(iriOf(a.Name)), p.text(a.Value, e.lang))
	}
	return nil
}
