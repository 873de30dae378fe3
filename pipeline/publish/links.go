package publish

import (
	"bytes"
	"strings"
)

// fastLinks finds the same links as pageLinks, without the cost of the HTML
// tokenizer, on pages made only of what a site generator writes: tags with
// plain attributes, a doctype, scripts and styles. It follows the
// tokenizer's rules for tags and attributes (golang.org/x/net/html, the
// readTag family) and gives up, returning false, on anything else it
// would have to interpret: comments and other "<!" markup, NUL bytes,
// "<!--" inside a script, <plaintext>, an attribute value that matters and
// holds an entity other than "&amp;" or a carriage return, a tag cut short
// by the end of the page. The caller falls back to pageLinks then.
func fastLinks(key string, b []byte) ([]string, bool) {
	if bytes.IndexByte(b, 0) >= 0 {
		return nil, false
	}
	var out []string
	add := func(ref string) {
		if k, ok := resolve(key, ref); ok {
			out = append(out, k)
		}
	}
	n := len(b)
	i := 0
	var attrs [][2][]byte
	for {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 || i+j+1 >= n {
			return out, true
		}
		i += j + 1
		c := b[i]
		switch {
		case isASCIILetter(c):
			s := i
			i++
			for i < n && !isHTMLSpace(b[i]) && b[i] != '/' && b[i] != '>' {
				i++
			}
			if i >= n {
				return nil, false
			}
			name := b[s:i]
			if isHTMLSpace(b[i]) {
				i++
			}
			var href, src, srcset, equiv, content []byte
			var has uint8 // which of the five were seen: the tokenizer keeps the first
			if i < n && b[i] == '>' {
				i++ // most tags of a page: <tr>, <td>
			} else {
				var ok bool
				if i, attrs, ok = readAttrs(b, i, attrs[:0]); !ok {
					return nil, false
				}
				for _, a := range attrs {
					var bit uint8
					var dst *[]byte
					switch k := a[0]; {
					case equalLower(k, "href"):
						bit, dst = 1, &href
					case equalLower(k, "src"):
						bit, dst = 2, &src
					case equalLower(k, "srcset"):
						bit, dst = 4, &srcset
					case equalLower(k, "http-equiv"):
						bit, dst = 8, &equiv
					case equalLower(k, "content"):
						bit, dst = 16, &content
					default:
						continue
					}
					if has&bit != 0 {
						continue
					}
					has |= bit
					v, ok := plainValue(a[1])
					if !ok {
						return nil, false
					}
					*dst = v
				}
			}
			// Within a tag the links come href, src, srcset, refresh, not
			// in the order written as from pageLinks: the caller uses them
			// as a set.
			if has&1 != 0 {
				add(string(href))
			}
			if has&2 != 0 {
				add(string(src))
			}
			if has&4 != 0 {
				for _, c := range strings.Split(string(srcset), ",") {
					if f := strings.Fields(c); len(f) > 0 {
						add(f[0])
					}
				}
			}
			if has&8 != 0 && has&16 != 0 && strings.EqualFold(string(equiv), "refresh") {
				ct := string(content)
				if _, u, ok := strings.Cut(strings.ToLower(ct), "url="); ok {
					add(ct[len(ct)-len(u):])
				}
			}
			if raw := rawTag(name); raw != "" {
				if raw == "plaintext" {
					return nil, false
				}
				end := findRawEnd(b, i, raw)
				if end < 0 {
					return out, true // raw text to the end of the page
				}
				if raw == "script" && bytes.Contains(b[i:end], []byte("<!--")) {
					return nil, false
				}
				i = end
			}
		case c == '/':
			i++
			if i >= n {
				return out, true
			}
			switch c := b[i]; {
			case c == '>':
				i++
			case isASCIILetter(c):
				for i < n && !isHTMLSpace(b[i]) && b[i] != '/' && b[i] != '>' {
					i++
				}
				if i >= n {
					return nil, false
				}
				if isHTMLSpace(b[i]) {
					i++
				}
				var ok bool
				if i, attrs, ok = readAttrs(b, i, attrs[:0]); !ok {
					return nil, false
				}
			default:
				k := bytes.IndexByte(b[i:], '>')
				if k < 0 {
					return out, true
				}
				i += k + 1
			}
		case c == '!':
			if len(b)-i > 8 && equalLower(b[i+1:i+8], "doctype") {
				k := bytes.IndexByte(b[i:], '>')
				if k < 0 {
					return out, true
				}
				i += k + 1
				continue
			}
			return nil, false
		case c == '?':
			k := bytes.IndexByte(b[i:], '>')
			if k < 0 {
				return out, true
			}
			i += k + 1
		}
	}
}

// readAttrs reads the attributes of a tag from b[i:], after the tag name,
// to the closing '>', appending each non-empty key and its raw value to
// attrs. It returns the index after the '>', and false when the page ends
// inside the tag.
func readAttrs(b []byte, i int, attrs [][2][]byte) (int, [][2][]byte, bool) {
	n := len(b)
	skip := func() {
		for i < n && isHTMLSpace(b[i]) {
			i++
		}
	}
	skip()
	for {
		if i >= n {
			return i, attrs, false
		}
		if b[i] == '>' {
			return i + 1, attrs, true
		}
		// The key: up to a space, '/', '>' or a '=' that is not its first
		// character.
		ks := i
		for i < n {
			c := b[i]
			if c == '=' && i == ks {
				i++
				continue
			}
			if c == '=' || isHTMLSpace(c) || c == '/' || c == '>' {
				break
			}
			i++
		}
		if i >= n {
			return i, attrs, false
		}
		key := b[ks:i]
		var val []byte
		skip()
		if i >= n {
			return i, attrs, false
		}
		switch b[i] {
		case '/':
			i++
		case '=':
			i++
			skip()
			if i >= n {
				return i, attrs, false
			}
			switch q := b[i]; q {
			case '>':
			case '\'', '"':
				k := bytes.IndexByte(b[i+1:], q)
				if k < 0 {
					return i, attrs, false
				}
				val = b[i+1 : i+1+k]
				i += k + 2
			default:
				vs := i
				for i < n && !isHTMLSpace(b[i]) && b[i] != '>' {
					i++
				}
				if i >= n {
					return i, attrs, false
				}
				val = b[vs:i]
				if isHTMLSpace(b[i]) {
					i++
				}
			}
		}
		if len(key) > 0 {
			attrs = append(attrs, [2][]byte{key, val})
		}
		skip()
	}
}

// plainValue is an attribute value as the tokenizer returns it, when that
// takes no more than turning "&amp;" into "&".
func plainValue(v []byte) ([]byte, bool) {
	if bytes.IndexByte(v, '\r') >= 0 {
		return nil, false
	}
	if bytes.IndexByte(v, '&') < 0 {
		return v, true
	}
	if bytes.Count(v, []byte("&")) != bytes.Count(v, []byte("&amp;")) {
		return nil, false
	}
	return bytes.ReplaceAll(v, []byte("&amp;"), []byte("&")), true
}

// rawTag is the lower-case name of a tag whose content the tokenizer takes
// as text, or "".
func rawTag(name []byte) string {
	if len(name) < 3 || len(name) > 9 {
		return ""
	}
	var cands []string
	switch name[0] | 0x20 {
	case 's':
		cands = []string{"script", "style"}
	case 't':
		cands = []string{"title", "textarea"}
	case 'i':
		cands = []string{"iframe"}
	case 'n':
		cands = []string{"noscript", "noembed", "noframes"}
	case 'x':
		cands = []string{"xmp"}
	case 'p':
		cands = []string{"plaintext"}
	}
	for _, t := range cands {
		if equalLower(name, t) {
			return t
		}
	}
	return ""
}

// findRawEnd returns the index of the "</tag" that ends raw text starting
// at i (followed by a space, '/' or '>'), or -1.
func findRawEnd(b []byte, i int, tag string) int {
	for {
		k := bytes.Index(b[i:], []byte("</"))
		if k < 0 {
			return -1
		}
		e := i + k + 2
		if e+len(tag) < len(b) && equalLower(b[e:e+len(tag)], tag) {
			switch b[e+len(tag)] {
			case ' ', '\n', '\r', '\t', '\f', '/', '>':
				return i + k
			}
		}
		i = e
	}
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

// equalLower reports whether b, lower-cased (ASCII), is s.
func equalLower(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
