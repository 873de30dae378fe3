package rdf

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// grounded returns the triples without blank nodes, as N-Triples lines:
// blank node labels differ from parser to parser.
func grounded(g Graph) map[string]bool {
	out := map[string]bool{}
	for _, t := range g.Sorted() {
		if t.S.Kind != Blank && t.O.Kind != Blank {
			out[t.String()] = true
		}
	}
	return out
}

func sameTriples(t *testing.T, got, want Graph) {
	t.Helper()
	g, w := got.Sorted(), want.Sorted()
	if len(g) != len(w) {
		t.Errorf("%d triples, want %d", len(g), len(w))
	}
	gs, ws := grounded(g), grounded(w)
	n := 0
	for k := range ws {
		if !gs[k] {
			if n++; n <= 5 {
				t.Errorf("missing %s", k)
			}
		}
	}
	for k := range gs {
		if !ws[k] {
			if n++; n <= 10 {
				t.Errorf("unexpected %s", k)
			}
		}
	}
}

// TestParseRealFiles reads real catalogs and vocabularies and compares the
// triples with those Raptor's rapper read from the same files.
func TestParseRealFiles(t *testing.T) {
	tests := []struct {
		file  string
		parse func(*os.File) (Graph, error)
	}{
		{"foggia-catalog.rdf", func(f *os.File) (Graph, error) { return ParseRDFXML(f, "http://example.org/") }},
		{"agid-licences.ttl", func(f *os.File) (Graph, error) { return ParseTurtle(f, "http://example.org/") }},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := tt.parse(f)
			if err != nil {
				t.Fatal(err)
			}
			nt, err := os.Open(filepath.Join("testdata", tt.file+".nt"))
			if err != nil {
				t.Fatal(err)
			}
			defer nt.Close()
			want, err := ParseNTriples(nt)
			if err != nil {
				t.Fatal(err)
			}
			sameTriples(t, got, want)
		})
	}
}

const ex = "http://example.org/"

// awkward is a graph whose literals and IRIs need every kind of escaping.
func awkward() Graph {
	var g Graph
	s := NewIRI(ex + "dataset/1")
	p := func(local string) Term { return NewIRI(ex + "ns#" + local) }
	g.Add(s, NewIRI(RDFType), NewIRI(ex+"ns#Dataset"))
	g.Add(s, p("title"), NewLang(`Progetti "PNRR" a Cantù & <dintorni>`, "it"))
	g.Add(s, p("title"), NewLang("Projects\nin Cantù", "en"))
	g.Add(s, p("note"), NewString(`back\slash, 'apostrophe', """triple""", tab	end`))
	g.Add(s, p("note"), NewString("</ns:note><evil/>]]>"))
	g.Add(s, p("note"), NewString(""))
	g.Add(s, p("note"), NewString("emoji 🇮🇹 and cr\r\n"))
	g.Add(s, p("size"), NewTyped("1234", XSDDecimal))
	g.Add(s, p("modified"), NewTyped("2026-11-26", XSDDate))
	g.Add(s, p("link"), NewIRI("https://example.org/a?b=1&c=2#frag"))
	g.Add(s, p("link"), NewIRI("mailto:opendata@example.org"))
	g.Add(s, NewIRI("http://other.example/vocab/prop"), NewString("outside the prefixes"))
	g.Add(NewIRI(ex+"ns#Dataset"), p("label"), NewLang("Insieme di dati", "it"))
	return g
}

func prefixes() []Prefix { return []Prefix{{"ex", ex + "ns#"}, {"xsd", XSDNS}} }

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		write func(*bytes.Buffer, Graph) error
		read  func(*bytes.Buffer) (Graph, error)
	}{
		{"turtle", func(b *bytes.Buffer, g Graph) error { return WriteTurtle(b, g, prefixes()) },
			func(b *bytes.Buffer) (Graph, error) { return ParseTurtle(b, "") }},
		{"rdf/xml", func(b *bytes.Buffer, g Graph) error { return WriteRDFXML(b, g, prefixes()) },
			func(b *bytes.Buffer) (Graph, error) { return ParseRDFXML(b, "") }},
		{"json-ld", func(b *bytes.Buffer, g Graph) error { return WriteJSONLD(b, g, prefixes()) },
			func(b *bytes.Buffer) (Graph, error) { return ParseJSONLD(b) }},
		{"n-triples", func(b *bytes.Buffer, g Graph) error { _, err := b.WriteString(g.NTriples()); return err },
			func(b *bytes.Buffer) (Graph, error) { return ParseNTriples(b) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := awkward()
			var buf bytes.Buffer
			if err := tt.write(&buf, want); err != nil {
				t.Fatal(err)
			}
			text := buf.String()
			got, err := tt.read(&buf)
			if err != nil {
				t.Fatalf("%v\n%s", err, text)
			}
			if g, w := got.NTriples(), want.NTriples(); g != w {
				t.Errorf("read back:\n%s\nwant:\n%s\nfrom:\n%s", g, w, text)
			}
		})
	}
}

func TestWritersAreDeterministic(t *testing.T) {
	g := awkward()
	shuffled := append(Graph{}, g[7:]...)
	shuffled = append(shuffled, g[:7]...)
	shuffled = append(shuffled, g[0]) // a duplicate changes nothing
	for name, write := range map[string]func(*bytes.Buffer, Graph) error{
		"turtle":  func(b *bytes.Buffer, g Graph) error { return WriteTurtle(b, g, prefixes()) },
		"rdf/xml": func(b *bytes.Buffer, g Graph) error { return WriteRDFXML(b, g, prefixes()) },
		"json-ld": func(b *bytes.Buffer, g Graph) error { return WriteJSONLD(b, g, prefixes()) },
	} {
		var a, b bytes.Buffer
		if err := write(&a, g); err != nil {
			t.Fatal(err)
		}
		if err := write(&b, shuffled); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Errorf("%s: the order of the triples changed the file", name)
		}
	}
}

func TestRDFXMLRefusesWhatItCannotWrite(t *testing.T) {
	var g Graph
	g.Add(NewIRI(ex+"s"), NewIRI(ex+"ns#1bad"), NewString("x"))
	if err := WriteRDFXML(&bytes.Buffer{}, g, prefixes()); err == nil {
		t.Error("a property whose name cannot be an XML name was written")
	}
}

func TestParseTurtle(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"sparql directives and a", "PREFIX e: <http://e/>\nBASE <http://b/x>\n<y> a e:C .",
			"<http://b/y> <" + RDFType + "> <http://e/C> .\n"},
		{"lists of predicates and objects", "@prefix e: <http://e/> .\ne:s e:p 1, 2.5 ; e:q -3e2 ;; .",
			"<http://e/s> <http://e/p> \"1\"^^<" + XSDInteger + "> .\n" +
				"<http://e/s> <http://e/p> \"2.5\"^^<" + XSDDecimal + "> .\n" +
				"<http://e/s> <http://e/q> \"-3e2\"^^<" + XSDDouble + "> .\n"},
		{"strings", "<http://s> <http://p> '''a\n'b'''', \"\\u00e8\\t\"@IT, true .",
			"<http://s> <http://p> \"a\\n'b'\" .\n" +
				"<http://s> <http://p> \"\\u00E8\\t\"@it .\n" +
				"<http://s> <http://p> \"true\"^^<" + XSDBoolean + "> .\n"},
		{"blank nodes", "<http://s> <http://p> [ <http://q> _:x ] . _:x <http://r> () .",
			"<http://s> <http://p> _:b1 .\n" +
				"_:b1 <http://q> _:lx .\n" +
				"_:lx <http://r> <" + RDFNS + "nil> .\n"},
		{"collection", "<http://s> <http://p> ( 1 <http://o> ) .",
			"<http://s> <http://p> _:b1 .\n" +
				"_:b1 <" + RDFNS + "first> \"1\"^^<" + XSDInteger + "> .\n" +
				"_:b1 <" + RDFNS + "rest> _:b2 .\n" +
				"_:b2 <" + RDFNS + "first> <http://o> .\n" +
				"_:b2 <" + RDFNS + "rest> <" + RDFNS + "nil> .\n"},
		{"escaped local name and comment", "@prefix e: <http://e/> . # note\ne:a\\.b e:p e:c. ",
			"<http://e/a.b> <http://e/p> <http://e/c> .\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := ParseTurtle(strings.NewReader(tt.doc), "")
			if err != nil {
				t.Fatal(err)
			}
			if got := g.NTriples(); got != sortLines(tt.want) {
				t.Errorf("got\n%s\nwant\n%s", got, sortLines(tt.want))
			}
		})
	}
	for _, bad := range []string{"<http://s> <http://p> .", "x:s <http://p> <http://o> .", "<http://s> <http://p> \"open ."} {
		if _, err := ParseTurtle(strings.NewReader(bad), ""); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}

// sortLines puts expected N-Triples in the order Graph.NTriples writes.
func sortLines(s string) string {
	g, err := ParseNTriples(strings.NewReader(s))
	if err != nil {
		return "bad expectation: " + err.Error()
	}
	return g.NTriples()
}

func TestParseRDFXML(t *testing.T) {
	const head = `<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY xsd "http://www.w3.org/2001/XMLSchema#"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/" xml:base="http://b/">`
	tests := []struct{ name, doc, want string }{
		{"typed node, entity, language", `<e:C rdf:about="s"><e:d rdf:datatype="&xsd;date">2026-01-01</e:d><e:t xml:lang="IT">à</e:t></e:C>`,
			"<http://b/s> <" + RDFType + "> <http://e/C> .\n" +
				"<http://b/s> <http://e/d> \"2026-01-01\"^^<" + XSDDate + "> .\n" +
				"<http://b/s> <http://e/t> \"\\u00E0\"@it .\n"},
		{"nested node and property attributes", `<rdf:Description rdf:about="http://s" e:a="x"><e:p><e:C e:b="y"/></e:p></rdf:Description>`,
			"<http://s> <http://e/a> \"x\" .\n" +
				"<http://s> <http://e/p> _:b1 .\n" +
				"_:b1 <" + RDFType + "> <http://e/C> .\n" +
				"_:b1 <http://e/b> \"y\" .\n"},
		{"parseType Resource, nodeID, li", `<rdf:Description rdf:nodeID="n"><e:p rdf:parseType="Resource"><e:q rdf:resource="#f"/></e:p><rdf:li>one</rdf:li></rdf:Description>`,
			"_:ln <http://e/p> _:b1 .\n" +
				"_:b1 <http://e/q> <http://b/#f> .\n" +
				"_:ln <" + RDFNS + "_1> \"one\" .\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := ParseRDFXML(strings.NewReader(head+tt.doc+"</rdf:RDF>"), "")
			if err != nil {
				t.Fatal(err)
			}
			if got := g.NTriples(); got != sortLines(tt.want) {
				t.Errorf("got\n%s\nwant\n%s", got, sortLines(tt.want))
			}
		})
	}
	if _, err := ParseRDFXML(strings.NewReader(head+`<rdf:Description rdf:about="s"><e:p>`), ""); err == nil {
		t.Error("a truncated document was accepted")
	}
}

func TestClosure(t *testing.T) {
	var g Graph
	a, b, c, cat := NewIRI(ex+"a"), NewIRI(ex+"b"), NewIRI(ex+"c"), NewIRI(ex+"cat")
	g.Add(cat, NewIRI(ex+"has"), a)
	g.Add(a, NewIRI(ex+"p"), b)
	g.Add(b, NewIRI(ex+"p"), c)
	g.Add(c, NewIRI(ex+"p"), a) // a cycle ends
	g.Add(c, NewIRI(ex+"up"), cat)
	g.Add(a, NewIRI(ex+"name"), NewString("a"))
	got := g.Closure(a, ex+"up")
	want := Graph{g[1], g[2], g[3], g[5]}
	if got.NTriples() != want.NTriples() {
		t.Errorf("got\n%s\nwant\n%s", got.NTriples(), want.NTriples())
	}
}
