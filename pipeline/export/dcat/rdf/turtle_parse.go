package rdf

import (
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseTurtle reads a Turtle document (W3C Turtle 1.1: prefixes and base,
// both directive forms, prefixed names, blank node labels and property
// lists, collections, every string form with its escapes, numbers and
// booleans). Relative IRIs are resolved against base.
func ParseTurtle(r io.Reader, base string) (Graph, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	p := &ttl{src: string(b), base: base, prefixes: map[string]string{}}
	if err := p.document(); err != nil {
		line := 1 + strings.Count(p.src[:min(p.pos, len(p.src))], "\n")
		return nil, fmt.Errorf("turtle line %d: %w", line, err)
	}
	return p.out, nil
}

type ttl struct {
	src      string
	pos      int
	base     string
	prefixes map[string]string
	out      Graph
	blanks   int
}

func (p *ttl) document() error {
	for {
		p.skip()
		if p.pos >= len(p.src) {
			return nil
		}
		if err := p.statement(); err != nil {
			return err
		}
	}
}

// skip passes white space and comments.
func (p *ttl) skip() {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.pos++
		case c == '#':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		default:
			return
		}
	}
}

func (p *ttl) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *ttl) expect(c byte) error {
	p.skip()
	if p.peek() != c {
		return fmt.Errorf("expected %q, found %q", c, p.rest())
	}
	p.pos++
	return nil
}

func (p *ttl) rest() string {
	s := p.src[p.pos:]
	if len(s) > 20 {
		s = s[:20]
	}
	return s
}

// keyword reports whether the input continues with kw (case-insensitive
// when fold) followed by white space or "<", and consumes it.
func (p *ttl) keyword(kw string, fold bool) bool {
	if len(p.src)-p.pos < len(kw)+1 {
		return false
	}
	s := p.src[p.pos : p.pos+len(kw)]
	if s != kw && !(fold && strings.EqualFold(s, kw)) {
		return false
	}
	if c := p.src[p.pos+len(kw)]; c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '<' {
		return false
	}
	p.pos += len(kw)
	return true
}

func (p *ttl) statement() error {
	switch {
	case p.keyword("@prefix", false):
		if err := p.prefix(); err != nil {
			return err
		}
		return p.expect('.')
	case p.keyword("@base", false):
		if err := p.baseIRI(); err != nil {
			return err
		}
		return p.expect('.')
	case p.keyword("PREFIX", true):
		return p.prefix()
	case p.keyword("BASE", true):
		return p.baseIRI()
	}
	if err := p.triples(); err != nil {
		return err
	}
	return p.expect('.')
}

func (p *ttl) prefix() error {
	p.skip()
	start := p.pos
	for p.pos < len(p.src) && p.src[p.pos] != ':' {
		p.pos++
	}
	name := strings.TrimSpace(p.src[start:p.pos])
	if p.pos >= len(p.src) {
		return fmt.Errorf("prefix %q without ':'", name)
	}
	p.pos++
	p.skip()
	iri, err := p.iriRef()
	if err != nil {
		return err
	}
	p.prefixes[name] = iri
	return nil
}

func (p *ttl) baseIRI() error {
	p.skip()
	iri, err := p.iriRef()
	if err != nil {
		return err
	}
	p.base = iri
	return nil
}

func (p *ttl) triples() error {
	p.skip()
	var subj Term
	var err error
	if p.peek() == '[' {
		subj, err = p.blankList()
		if err != nil {
			return err
		}
		p.skip()
		if p.peek() == '.' {
			return nil // "[ ... ] ." stands alone
		}
	} else if subj, err = p.subject(); err != nil {
		return err
	}
	return p.predicateObjects(subj)
}

func (p *ttl) subject() (Term, error) {
	switch p.peek() {
	case '(':
		return p.collection()
	case '_':
		return p.blankLabel()
	}
	iri, err := p.iri()
	return NewIRI(iri), err
}

func (p *ttl) predicateObjects(subj Term) error {
	for {
		p.skip()
		var pred string
		if p.peek() == 'a' && p.pos+1 < len(p.src) && strings.IndexByte(" \t\r\n<[\"'(_", p.src[p.pos+1]) >= 0 {
			p.pos++
			pred = RDFType
		} else {
			var err error
			if pred, err = p.iri(); err != nil {
				return err
			}
		}
		for {
			o, err := p.object()
			if err != nil {
				return err
			}
			p.out.Add(subj, NewIRI(pred), o)
			p.skip()
			if p.peek() != ',' {
				break
			}
			p.pos++
		}
		// One or more ';' may end a predicate list, before '.' or ']'.
		if p.peek() != ';' {
			return nil
		}
		for p.peek() == ';' {
			p.pos++
			p.skip()
		}
		if c := p.peek(); c == '.' || c == ']' {
			return nil
		}
	}
}

func (p *ttl) object() (Term, error) {
	p.skip()
	switch c := p.peek(); {
	case c == '[':
		return p.blankList()
	case c == '(':
		return p.collection()
	case c == '_':
		return p.blankLabel()
	case c == '"' || c == '\'':
		return p.literal()
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	case p.keyword("true", false) || p.literalKeyword("true"):
		return NewTyped("true", XSDBoolean), nil
	case p.keyword("false", false) || p.literalKeyword("false"):
		return NewTyped("false", XSDBoolean), nil
	}
	iri, err := p.iri()
	return NewIRI(iri), err
}

// literalKeyword accepts true/false directly followed by a delimiter.
func (p *ttl) literalKeyword(kw string) bool {
	if !strings.HasPrefix(p.src[p.pos:], kw) {
		return false
	}
	end := p.pos + len(kw)
	if end < len(p.src) && strings.IndexByte(" \t\r\n,;.])#", p.src[end]) < 0 {
		return false
	}
	p.pos = end
	return true
}

func (p *ttl) newBlank() Term {
	p.blanks++
	return NewBlank("b" + strconv.Itoa(p.blanks))
}

func (p *ttl) blankList() (Term, error) {
	p.pos++ // [
	b := p.newBlank()
	p.skip()
	if p.peek() == ']' {
		p.pos++
		return b, nil
	}
	if err := p.predicateObjects(b); err != nil {
		return Term{}, err
	}
	return b, p.expect(']')
}

func (p *ttl) collection() (Term, error) {
	p.pos++ // (
	head := NewIRI(RDFNS + "nil")
	var last Term
	for {
		p.skip()
		if p.peek() == ')' {
			p.pos++
			return head, nil
		}
		if p.pos >= len(p.src) {
			return Term{}, fmt.Errorf("unterminated collection")
		}
		o, err := p.object()
		if err != nil {
			return Term{}, err
		}
		node := p.newBlank()
		if head.Kind == IRI {
			head = node
		} else {
			// Replace the previous rdf:nil tail with this node.
			for i := len(p.out) - 1; i >= 0; i-- {
				if t := p.out[i]; t.S == last && t.P.Value == RDFNS+"rest" {
					p.out[i].O = node
					break
				}
			}
		}
		p.out.Add(node, NewIRI(RDFNS+"first"), o)
		p.out.Add(node, NewIRI(RDFNS+"rest"), NewIRI(RDFNS+"nil"))
		last = node
	}
}

func (p *ttl) blankLabel() (Term, error) {
	if !strings.HasPrefix(p.src[p.pos:], "_:") {
		return Term{}, fmt.Errorf("expected a blank node, found %q", p.rest())
	}
	p.pos += 2
	start := p.pos
	for p.pos < len(p.src) && nameChar(p.src, p.pos) {
		p.pos++
	}
	label := strings.TrimRight(p.src[start:p.pos], ".")
	p.pos = start + len(label)
	if label == "" {
		return Term{}, fmt.Errorf("empty blank node label")
	}
	// Labels of the document are kept apart from generated ones.
	return NewBlank("l" + label), nil
}

func nameChar(s string, i int) bool {
	c := s[i]
	return c >= 0x80 || c == '_' || c == '-' || c == '.' || c == ':' || c == '%' || c == '\\' ||
		(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// iri reads an IRIREF or a prefixed name.
func (p *ttl) iri() (string, error) {
	p.skip()
	if p.peek() == '<' {
		return p.iriRef()
	}
	start := p.pos
	for p.pos < len(p.src) && p.src[p.pos] != ':' && nameChar(p.src, p.pos) {
		p.pos++
	}
	if p.peek() != ':' {
		return "", fmt.Errorf("expected an IRI, found %q", p.src[start:min(start+20, len(p.src))])
	}
	prefix := p.src[start:p.pos]
	ns, ok := p.prefixes[prefix]
	if !ok {
		return "", fmt.Errorf("undeclared prefix %q", prefix)
	}
	p.pos++
	lstart := p.pos
	for p.pos < len(p.src) && nameChar(p.src, p.pos) {
		if p.src[p.pos] == '\\' {
			p.pos++ // the escaped character belongs to the name
		}
		p.pos++
	}
	local := strings.TrimRight(p.src[lstart:p.pos], ".")
	p.pos = lstart + len(local)
	return ns + unescapeLocal(local), nil
}

func unescapeLocal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (p *ttl) iriRef() (string, error) {
	if p.peek() != '<' {
		return "", fmt.Errorf("expected '<', found %q", p.rest())
	}
	end := strings.IndexByte(p.src[p.pos:], '>')
	if end < 0 {
		return "", fmt.Errorf("unterminated IRI")
	}
	raw := p.src[p.pos+1 : p.pos+end]
	p.pos += end + 1
	iri, err := unescapeU(raw)
	if err != nil {
		return "", err
	}
	return resolve(p.base, iri), nil
}

// resolve resolves a relative IRI reference against base.
func resolve(base, ref string) string {
	r, err := url.Parse(ref)
	if err != nil || r.IsAbs() || base == "" {
		return ref
	}
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}

func (p *ttl) literal() (Term, error) {
	q := p.src[p.pos]
	long := strings.HasPrefix(p.src[p.pos:], strings.Repeat(string(q), 3))
	var b strings.Builder
	if long {
		p.pos += 3
		for {
			if p.pos >= len(p.src) {
				return Term{}, fmt.Errorf("unterminated string")
			}
			if strings.HasPrefix(p.src[p.pos:], strings.Repeat(string(q), 3)) {
				// A quote may end the text just before the closing three.
				for p.pos+3 < len(p.src) && p.src[p.pos+3] == q {
					b.WriteByte(q)
					p.pos++
				}
				p.pos += 3
				break
			}
			if err := p.char(&b); err != nil {
				return Term{}, err
			}
		}
	} else {
		p.pos++
		for {
			if p.pos >= len(p.src) || p.src[p.pos] == '\n' || p.src[p.pos] == '\r' {
				return Term{}, fmt.Errorf("unterminated string")
			}
			if p.src[p.pos] == q {
				p.pos++
				break
			}
			if err := p.char(&b); err != nil {
				return Term{}, err
			}
		}
	}
	s := b.String()
	switch p.peek() {
	case '@':
		p.pos++
		start := p.pos
		for p.pos < len(p.src) && (isAlnum(p.src[p.pos]) || p.src[p.pos] == '-') {
			p.pos++
		}
		return NewLang(s, p.src[start:p.pos]), nil
	case '^':
		if !strings.HasPrefix(p.src[p.pos:], "^^") {
			return Term{}, fmt.Errorf("expected '^^'")
		}
		p.pos += 2
		dt, err := p.iri()
		if err != nil {
			return Term{}, err
		}
		return NewTyped(s, dt), nil
	}
	return NewString(s), nil
}

func isAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// char reads one character of a string, decoding an escape.
func (p *ttl) char(b *strings.Builder) error {
	c := p.src[p.pos]
	if c != '\\' {
		_, n := utf8.DecodeRuneInString(p.src[p.pos:])
		b.WriteString(p.src[p.pos : p.pos+n])
		p.pos += n
		return nil
	}
	if p.pos+1 >= len(p.src) {
		return fmt.Errorf("bad escape")
	}
	e := p.src[p.pos+1]
	p.pos += 2
	switch e {
	case 't':
		b.WriteByte('\t')
	case 'b':
		b.WriteByte('\b')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 'f':
		b.WriteByte('\f')
	case '"', '\'', '\\':
		b.WriteByte(e)
	case 'u', 'U':
		n := 4
		if e == 'U' {
			n = 8
		}
		if p.pos+n > len(p.src) {
			return fmt.Errorf("bad \\%c escape", e)
		}
		v, err := strconv.ParseUint(p.src[p.pos:p.pos+n], 16, 32)
		if err != nil {
			return fmt.Errorf("bad \\%c escape: %w", e, err)
		}
		b.WriteRune(rune(v))
		p.pos += n
	default:
		return fmt.Errorf("unknown escape \\%c", e)
	}
	return nil
}

func unescapeU(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("bad escape in IRI")
		}
		n := 4
		if s[i+1] == 'U' {
			n = 8
		} else if s[i+1] != 'u' {
			return "", fmt.Errorf("bad escape in IRI")
		}
		if i+2+n > len(s) {
			return "", fmt.Errorf("bad escape in IRI")
		}
		v, err := strconv.ParseUint(s[i+2:i+2+n], 16, 32)
		if err != nil {
			return "", fmt.Errorf("bad escape in IRI: %w", err)
		}
		b.WriteRune(rune(v))
		i += 1 + n
	}
	return b.String(), nil
}

func (p *ttl) number() (Term, error) {
	start := p.pos
	if c := p.peek(); c == '+' || c == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	n := digits()
	dt := XSDInteger
	// A '.' is a decimal point only when a digit follows; otherwise it
	// ends the statement.
	if p.peek() == '.' && p.pos+1 < len(p.src) && p.src[p.pos+1] >= '0' && p.src[p.pos+1] <= '9' {
		p.pos++
		n += digits()
		dt = XSDDecimal
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if digits() == 0 {
			return Term{}, fmt.Errorf("bad exponent")
		}
		dt = XSDDouble
	}
	if n == 0 {
		return Term{}, fmt.Errorf("bad number %q", p.src[start:p.pos])
	}
	return NewTyped(p.src[start:p.pos], dt), nil
}
