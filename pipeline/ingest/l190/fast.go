package l190

import (
	"bytes"
	"encoding/xml"
	"io"
	"unicode/utf8"
)

// A fast tokenizer for the plain XML that real ANAC files are made of, with
// encoding/xml behind it for everything else.
//
// encoding/xml reads a byte at a time through an interface and checks every
// name against Unicode tables; on the AVCP export that was most of the time
// spent. fastSource yields what Decoder.RawToken yields (the same tokens,
// names split the same way, text after the same entity and line-end
// decoding, the same InputPos after each token) for a well-formed subset:
// ASCII names with at most one prefix, quoted attributes, text in UTF-8 with
// the five predefined entities and numeric references, comments, CDATA, an
// XML declaration that declares UTF-8. On anything else (a DOCTYPE, another
// encoding, an unknown entity, a control character, invalid UTF-8, a token
// near a size limit, an unexpected end) it stops at the start of that token
// and hands the rest of the input to encoding/xml, fed by a guard with the
// budget the guard would have had there: from that token on, tokens, errors
// and their positions are encoding/xml's own. Malformations are never judged
// here.

// tokenSource is what the parser reads tokens from.
type tokenSource interface {
	// next is Decoder.RawToken, as a token valid until the next call:
	// no allocation for each token.
	next() (*token, error)
	// InputPos is the decoder's position: the end of the last token.
	InputPos() (line, column int)
	// rest returns a guard delivering exactly the bytes after the last
	// token, when the source can tell (for parallel reading).
	rest() (*guard, bool)
}

type tokKind uint8

const (
	tokNone tokKind = iota // RawToken gave no token
	tokStart
	tokEnd
	tokText
	tokComment
	tokProcInst
	tokDirective
)

// token is one of encoding/xml's tokens.
type token struct {
	kind tokKind
	name xml.Name // element; Local is a processing instruction's target
	attr []xml.Attr
	data []byte // text, comment, instruction or directive
}

func (t *token) set(x xml.Token) {
	switch x := x.(type) {
	case xml.StartElement:
		*t = token{kind: tokStart, name: x.Name, attr: x.Attr}
	case xml.EndElement:
		*t = token{kind: tokEnd, name: x.Name}
	case xml.CharData:
		*t = token{kind: tokText, data: x}
	case xml.Comment:
		*t = token{kind: tokComment, data: x}
	case xml.ProcInst:
		*t = token{kind: tokProcInst, name: xml.Name{Local: x.Target}, data: x.Inst}
	case xml.Directive:
		*t = token{kind: tokDirective, data: x}
	default:
		*t = token{}
	}
}

// newSource reads the bytes g delivers: fast unless std is set.
func newSource(g *guard, std bool) tokenSource {
	if std {
		return &stdSource{d: newDecoder(g), g: g}
	}
	return &fastSource{g: g, buf: make([]byte, 32<<10), line: 1, names: map[string]xml.Name{}}
}

// stdSource is encoding/xml. A decoder started in the middle of the input
// counts lines and columns from there: line0 and col0 put its positions
// back in the coordinates of the input's start.
type stdSource struct {
	tok         token
	d           *xml.Decoder
	g           *guard
	line0, col0 int
}

func (s *stdSource) next() (*token, error) {
	t, err := s.d.RawToken()
	s.g.next()
	s.tok.set(t)
	if se, ok := err.(*xml.SyntaxError); ok && s.line0 != 0 {
		e := *se
		e.Line += s.line0
		err = &e
	}
	return &s.tok, err
}

func (s *stdSource) InputPos() (int, int) {
	l, c := s.d.InputPos()
	// On its first line, unless a line end was read and pushed back (the
	// line count goes back, not the line's start).
	if l == 1 && int64(c) == s.d.InputOffset()+1 {
		c += s.col0
	}
	return l + s.line0, c
}

func (s *stdSource) rest() (*guard, bool) {
	// No encoding conversion and no byte pushed back.
	return s.g, s.d.InputOffset() == s.g.off-s.g.skipped
}

// fastSource tokenizes from a window of the input.
type fastSource struct {
	tok      token
	attr     []xml.Attr // reused
	g        *guard
	buf      []byte
	pos, end int   // buf[pos:end] is read from g and not yet tokenized
	eof      bool  // g has nothing more
	stopped  bool  // g failed: stop before its error, let encoding/xml meet it
	done     int64 // bytes tokenized
	// The decoder's position: line, and the offset where it starts.
	line      int
	lineStart int64
	// prevText: the last token was text, after which encoding/xml has
	// already read the next token's '<' (from the previous token's budget).
	prevText bool
	// A self-closing element's end, still to be given.
	pend     bool
	pendName xml.Name
	names    map[string]xml.Name
	text     []byte // decoded text, reused
	std      *stdSource
}

type scan uint8

const (
	scanOK   scan = iota
	scanMore      // the token goes past the bytes at hand
	scanOdd       // outside the subset: encoding/xml takes over
)

func (s *fastSource) InputPos() (int, int) {
	if s.std != nil {
		return s.std.InputPos()
	}
	return s.line, int(s.done-s.lineStart) + 1
}

func (s *fastSource) rest() (*guard, bool) {
	if s.std != nil {
		return s.std.rest()
	}
	if s.pend || s.stopped {
		return nil, false
	}
	return s.tail(), true
}

// tail is a guard over the bytes not yet tokenized, with what is left of the
// file's size budget.
func (s *fastSource) tail() *guard {
	left := s.g.maxBytes - (s.g.off - int64(s.end-s.pos))
	r := io.MultiReader(bytes.NewReader(s.buf[s.pos:s.end]), rawGuard{s.g})
	return newGuard(r, left, s.g.maxToken)
}

// fallback hands the rest of the input to encoding/xml.
func (s *fastSource) fallback() {
	g := s.tail()
	if s.prevText {
		// encoding/xml would have read this token's '<' already.
		g.stop = min(g.stop+1, g.maxBytes)
	}
	col0 := int(s.done - s.lineStart)
	s.std = &stdSource{d: newDecoder(g), g: g, line0: s.line - 1, col0: col0}
	s.buf, s.text, s.names = nil, nil, nil
}

// rawGuard reads what g holds and what follows, without g's limits.
type rawGuard struct{ g *guard }

func (r rawGuard) Read(p []byte) (int, error) {
	g := r.g
	if g.i == g.n {
		if err := g.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, g.buf[g.i:g.n])
	g.i += n
	g.off += int64(n)
	return n, nil
}

// more reads more of the input into buf; false when that cannot be done
// within the limits.
func (s *fastSource) more() bool {
	if s.eof || s.stopped {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		if int64(len(s.buf)) > s.g.maxToken {
			return false
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	g := s.g
	if g.i == g.n {
		if err := g.fill(); err != nil {
			if err == io.EOF {
				s.eof = true
			} else {
				s.stopped = true
			}
			return true
		}
	}
	n := copy(s.buf[s.end:], g.buf[g.i:g.n])
	g.i += n
	g.off += int64(n)
	s.end += n
	return true
}

func (s *fastSource) next() (*token, error) {
	if s.std != nil {
		return s.std.next()
	}
	if s.pend {
		s.pend = false
		s.tok = token{kind: tokEnd, name: s.pendName}
		return &s.tok, nil
	}
	for {
		if s.pos == s.end {
			if s.eof {
				s.tok = token{}
				return &s.tok, io.EOF
			}
			if s.more() {
				continue
			}
			s.fallback()
			return s.std.next()
		}
		b := s.buf[s.pos:s.end]
		n, text, st := s.token(b)
		if st == scanOK {
			// Within the limits, with a byte to spare: the byte after a
			// text that encoding/xml reads, the guard's own rounding.
			read := int64(n)
			if text && n < len(b) {
				read++
			}
			if s.prevText {
				read--
			}
			fileEnd := s.g.off - int64(s.end-s.pos) + int64(n) + 1
			if read+2 > s.g.maxToken || fileEnd >= s.g.maxBytes {
				st = scanOdd
			}
		}
		if st != scanOK {
			s.pend = false // set by token for a self-closing element
		}
		switch st {
		case scanOK:
			raw := b[:n]
			if k := bytes.Count(raw, []byte{'\n'}); k > 0 {
				s.line += k
				s.lineStart = s.done + int64(bytes.LastIndexByte(raw, '\n')) + 1
			}
			s.done += int64(n)
			s.pos += n
			s.prevText = text
			return &s.tok, nil
		case scanMore:
			if s.more() {
				continue
			}
		}
		s.fallback()
		return s.std.next()
	}
}

// token reads one token at the start of b: the token, its length, whether it
// is text, and whether it was read.
func (s *fastSource) token(b []byte) (int, bool, scan) {
	if b[0] != '<' {
		n, st := s.charData(b, -1)
		if st != scanOK {
			return 0, true, st
		}
		s.tok = token{kind: tokText, data: s.decoded(b[:n], -1)}
		return n, true, scanOK
	}
	if len(b) < 2 {
		return 0, false, s.short()
	}
	switch b[1] {
	case '/':
		name, i, st := s.name(b, 2)
		if st != scanOK {
			return 0, false, st
		}
		i, st = s.space(b, i)
		if st != scanOK {
			return 0, false, st
		}
		if b[i] != '>' {
			return 0, false, scanOdd
		}
		s.tok = token{kind: tokEnd, name: name}
		return i + 1, false, scanOK
	case '?':
		return s.procInst(b)
	case '!':
		if len(b) < 4 || len(b) < 9 && b[2] == '[' {
			return 0, false, s.short()
		}
		if b[2] == '-' && b[3] == '-' {
			k := bytes.Index(b[4:], []byte("--"))
			if k < 0 || 4+k+2 >= len(b) {
				return 0, false, s.short()
			}
			if b[4+k+2] != '>' {
				return 0, false, scanOdd
			}
			s.tok = token{kind: tokComment, data: b[4 : 4+k]}
			return 4 + k + 3, false, scanOK
		}
		if bytes.HasPrefix(b[2:], []byte("[CDATA[")) {
			k := bytes.Index(b[9:], []byte("]]>"))
			if k < 0 {
				return 0, false, s.short()
			}
			raw := b[9 : 9+k]
			if !s.cdata(raw) {
				return 0, false, scanOdd
			}
			s.tok = token{kind: tokText, data: s.decoded(raw, -2)}
			return 9 + k + 3, false, scanOK
		}
		return 0, false, scanOdd
	}
	name, i, st := s.name(b, 1)
	if st != scanOK {
		return 0, false, st
	}
	attrs := s.attr[:0]
	if attrs == nil {
		attrs = []xml.Attr{} // as encoding/xml gives: empty, not nil
	}
	for {
		if i, st = s.space(b, i); st != scanOK {
			return 0, false, st
		}
		switch b[i] {
		case '/':
			if i+1 >= len(b) {
				return 0, false, s.short()
			}
			if b[i+1] != '>' {
				return 0, false, scanOdd
			}
			s.pend, s.pendName = true, name
			s.tok, s.attr = token{kind: tokStart, name: name, attr: attrs}, attrs
			return i + 2, false, scanOK
		case '>':
			s.tok, s.attr = token{kind: tokStart, name: name, attr: attrs}, attrs
			return i + 1, false, scanOK
		}
		var a xml.Attr
		if a.Name, i, st = s.name(b, i); st != scanOK {
			return 0, false, st
		}
		if i, st = s.space(b, i); st != scanOK {
			return 0, false, st
		}
		if b[i] != '=' {
			return 0, false, scanOdd
		}
		if i, st = s.space(b, i+1); st != scanOK {
			return 0, false, st
		}
		q := b[i]
		if q != '"' && q != '\'' {
			return 0, false, scanOdd
		}
		n, st := s.charData(b[i+1:], int(q))
		if st != scanOK {
			return 0, false, st
		}
		a.Value = string(s.decoded(b[i+1:i+1+n], int(q)))
		attrs = append(attrs, a)
		i += 1 + n + 1
	}
}

// short: the token goes on past b, if more can come.
func (s *fastSource) short() scan {
	if s.eof {
		return scanOdd
	}
	return scanMore
}

func xmlSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// space skips white space from b[i]; a byte must follow.
func (s *fastSource) space(b []byte, i int) (int, scan) {
	for i < len(b) && xmlSpace(b[i]) {
		i++
	}
	if i == len(b) {
		return i, s.short()
	}
	return i, scanOK
}

// nameByte: 1 for bytes that may start a name here (a subset of XML's), 2
// for those that may follow, 3 for ':'.
var nameByte = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = 1, 1
	}
	t['_'] = 1
	for c := '0'; c <= '9'; c++ {
		t[c] = 2
	}
	t['-'], t['.'] = 2, 2
	t[':'] = 3
	return t
}()

// name reads a name from b[i], followed by at least one byte: ASCII, and
// either plain or prefix:local, each part starting with a letter or '_'.
func (s *fastSource) name(b []byte, i int) (xml.Name, int, scan) {
	j, colon := i, -1
	for j < len(b) {
		c := nameByte[b[j]]
		if c == 0 {
			break
		}
		if c == 3 {
			if colon >= 0 {
				return xml.Name{}, 0, scanOdd
			}
			colon = j
		}
		j++
	}
	if j == len(b) {
		return xml.Name{}, 0, s.short()
	}
	if b[j] >= utf8.RuneSelf || j == i || nameByte[b[i]] != 1 ||
		colon >= 0 && (colon+1 == j || nameByte[b[colon+1]] != 1) {
		return xml.Name{}, 0, scanOdd
	}
	q := b[i:j]
	if n, ok := s.names[string(q)]; ok {
		return n, j, scanOK
	}
	var n xml.Name
	if colon >= 0 {
		n = xml.Name{Space: string(b[i:colon]), Local: string(b[colon+1 : j])}
	} else {
		n = xml.Name{Local: string(q)}
	}
	if len(s.names) < 256 {
		s.names[string(q)] = n
	}
	return n, j, scanOK
}

// charData measures text from b[0]: up to '<' (quote < 0) or to the quote.
// It accepts only what encoding/xml would read without error: valid UTF-8
// of XML characters, the predefined entities, numeric references to XML
// characters, no "]]>" in text, no '<' in a quoted value.
func (s *fastSource) charData(b []byte, quote int) (int, scan) {
	i := 0
	for i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '<':
				if quote >= 0 {
					return 0, scanOdd
				}
				return i, scanOK
			case int(c) == quote:
				return i, scanOK
			case c == '&':
				n, _, st := charRef(b[i:], s.eof)
				if st != scanOK {
					return 0, st
				}
				i += n
				continue
			case c == ']' && quote < 0:
				if i+2 >= len(b) {
					if !s.eof {
						return 0, scanMore
					}
				} else if b[i+1] == ']' && b[i+2] == '>' {
					return 0, scanOdd
				}
			case c < 0x20 && c != '\n' && c != '\t' && c != '\r':
				return 0, scanOdd
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			if !s.eof && !utf8.FullRune(b[i:]) {
				return 0, scanMore
			}
			return 0, scanOdd
		}
		if !xmlChar(r) {
			return 0, scanOdd
		}
		i += n
	}
	if quote < 0 && s.eof {
		return i, scanOK // text runs to the end of the file
	}
	return 0, s.short()
}

// cdata checks the content of a CDATA section.
func (s *fastSource) cdata(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' && c != '\t' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 || !xmlChar(r) {
			return false
		}
		i += n
	}
	return true
}

func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// entity reads a reference at b[0] == '&': its length and the character.
func charRef(b []byte, eof bool) (int, rune, scan) {
	more := scanMore
	if eof {
		more = scanOdd
	}
	head := b
	if len(head) > 12 {
		head = head[:12]
	}
	j := bytes.IndexByte(head, ';')
	if j < 0 {
		if len(b) > 12 {
			return 0, 0, scanOdd
		}
		return 0, 0, more
	}
	switch string(b[1:j]) {
	case "lt":
		return j + 1, '<', scanOK
	case "gt":
		return j + 1, '>', scanOK
	case "amp":
		return j + 1, '&', scanOK
	case "apos":
		return j + 1, '\'', scanOK
	case "quot":
		return j + 1, '"', scanOK
	}
	if j < 3 || j > 10 || b[1] != '#' {
		return 0, 0, scanOdd
	}
	d := b[2:j]
	base := rune(10)
	if d[0] == 'x' {
		base, d = 16, d[1:]
	}
	var r rune
	for _, c := range d {
		var v rune
		switch {
		case '0' <= c && c <= '9':
			v = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			v = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			v = rune(c-'A') + 10
		default:
			return 0, 0, scanOdd
		}
		r = r*base + v
	}
	if len(d) == 0 || !xmlChar(r) {
		return 0, 0, scanOdd
	}
	return j + 1, r, scanOK
}

// decoded is raw text (checked by charData or cdata) as encoding/xml gives
// it: entities replaced (not in CDATA, quote -2), "\r\n" and "\r" as "\n".
// It is raw itself when there is nothing to replace.
func (s *fastSource) decoded(raw []byte, quote int) []byte {
	if bytes.IndexByte(raw, '\r') < 0 && (quote == -2 || bytes.IndexByte(raw, '&') < 0) {
		return raw
	}
	out := s.text[:0]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '&' && quote != -2:
			n, r, _ := charRef(raw[i:], true)
			out = utf8.AppendRune(out, r)
			i += n - 1
		case c == '\r':
			out = append(out, '\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
		default:
			out = append(out, c)
		}
	}
	s.text = out
	return out
}

// procInst reads an XML declaration that declares version 1.0 and UTF-8 (or
// no encoding), in the plain form files have; any other processing
// instruction is left to encoding/xml.
func (s *fastSource) procInst(b []byte) (int, bool, scan) {
	k := bytes.Index(b, []byte("?>"))
	if k < 0 {
		if len(b) > 512 {
			return 0, false, scanOdd
		}
		return 0, false, s.short()
	}
	if k+2 >= len(b) && !s.eof {
		return 0, false, scanMore
	}
	if !bytes.HasPrefix(b, []byte("<?xml")) || k < 5 || k > 5 && !xmlSpace(b[5]) {
		return 0, false, scanOdd
	}
	i := 5
	for i < k && xmlSpace(b[i]) {
		i++
	}
	inst := b[i:k]
	if !plainDecl(inst) {
		return 0, false, scanOdd
	}
	s.tok = token{kind: tokProcInst, name: xml.Name{Local: "xml"}, data: inst}
	return k + 2, false, scanOK
}

// plainDecl: the content of an XML declaration as pairs name="value"
// separated by white space, version 1.0 first, then encoding UTF-8, then
// standalone, each optional. On these, encoding/xml reads version 1.0 and
// UTF-8.
func plainDecl(b []byte) bool {
	order := []string{"version", "encoding", "standalone"}
	for len(b) > 0 {
		eq := bytes.IndexByte(b, '=')
		if eq < 0 || eq+1 >= len(b) {
			return false
		}
		key := string(b[:eq])
		for len(order) > 0 && order[0] != key {
			order = order[1:]
		}
		if len(order) == 0 {
			return false
		}
		order = order[1:]
		q := b[eq+1]
		if q != '"' && q != '\'' {
			return false
		}
		end := bytes.IndexByte(b[eq+2:], q)
		if end < 0 {
			return false
		}
		val := string(b[eq+2 : eq+2+end])
		switch key {
		case "version":
			if val != "1.0" {
				return false
			}
		case "encoding":
			if !bytes.EqualFold([]byte(val), []byte("utf-8")) {
				return false
			}
		case "standalone":
			if val != "yes" && val != "no" {
				return false
			}
		}
		b = b[eq+2+end+1:]
		if len(b) > 0 && !xmlSpace(b[0]) {
			return false
		}
		b = bytes.TrimLeft(b, " \t\r\n")
	}
	return true
}
