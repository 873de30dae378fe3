package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// positions maps the JSON pointers of a document ("/fields/3/type") to the
// byte offset where their value's key (or array item) is written, so that a
// problem found in the decoded document can name its line.
type positions struct {
	doc []byte
	at  map[string]int64
}

// locate walks doc; it returns nil positions for a document that is not
// JSON (Parse reports the syntax error first).
func locate(doc []byte) *positions {
	p := &positions{doc: doc, at: map[string]int64{}}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	start := skipSpace(doc, 0)
	p.at[""] = int64(start)
	if err := p.value(dec, ""); err != nil {
		return p // what was read so far still helps
	}
	return p
}

func skipSpace(doc []byte, i int) int {
	for i < len(doc) && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\n' || doc[i] == '\r') {
		i++
	}
	return i
}

// value reads one value at ptr, recording where its members start.
func (p *positions) value(dec *json.Decoder, ptr string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{':
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return err
			}
			k, _ := key.(string)
			child := ptr + "/" + escapePointer(k)
			// The offset after the key is on the key's line.
			p.at[child] = dec.InputOffset() - 1
			if err := p.value(dec, child); err != nil {
				return err
			}
		}
	case '[':
		for i := 0; dec.More(); i++ {
			child := ptr + "/" + strconv.Itoa(i)
			p.at[child] = int64(skipSpace(p.doc, skipComma(p.doc, int(dec.InputOffset()))))
			if err := p.value(dec, child); err != nil {
				return err
			}
		}
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

func skipComma(doc []byte, i int) int {
	i = skipSpace(doc, i)
	if i < len(doc) && doc[i] == ',' {
		i++
	}
	return i
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// line returns the 1-based line of ptr, or of its nearest ancestor the
// document has; 0 when nothing is known.
func (p *positions) line(ptr string) int {
	if p == nil {
		return 0
	}
	for {
		if off, ok := p.at[ptr]; ok {
			l, _ := lineCol(p.doc, off)
			return l
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return 0
		}
		ptr = ptr[:i]
	}
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(doc []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(doc)))
	before := doc[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// syntaxPosition finds where a JSON document stops being JSON.
func syntaxPosition(doc []byte, err error) (line, col int, ok bool) {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset is just past the byte that failed.
		l, c := lineCol(doc, max(se.Offset-1, 0))
		return l, c, true
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		l, c := lineCol(doc, te.Offset)
		return l, c, true
	}
	return 0, 0, false
}
