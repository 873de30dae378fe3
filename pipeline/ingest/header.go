package ingest

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// field is a schema field as the header matcher sees it.
type field struct{ catalog.Field }

// title is the name shown to clerks: the Italian title, else the name.
func (f field) title() string {
	if f.Title.It != "" {
		return f.Title.It
	}
	return f.Name
}

// matcher finds the field a header cell names.
type matcher struct {
	fields []field
	byKey  map[string]int // headerKey -> index in fields
}

func newMatcher(s *catalog.Schema) *matcher {
	m := &matcher{byKey: map[string]int{}}
	for _, f := range s.Fields {
		i := len(m.fields)
		m.fields = append(m.fields, field{f})
		names := append([]string{strings.ReplaceAll(f.Name, "_", " "), f.Title.It, f.Title.En}, f.Aliases...)
		for _, n := range names {
			if k := headerKey(n); k != "" {
				if _, dup := m.byKey[k]; !dup {
					m.byKey[k] = i
				}
			}
		}
	}
	return m
}

func (m *matcher) match(header string) (field, bool) {
	if len(m.fields) == 0 {
		return field{}, false
	}
	i, ok := m.byKey[headerKey(header)]
	if !ok {
		return field{}, false
	}
	return m.fields[i], true
}

// score counts the distinct fields the cells of a row name.
func (m *matcher) score(cells []string) int {
	seen := map[int]bool{}
	for _, c := range cells {
		if len(c) > 200 {
			continue // a paragraph of text, not a header
		}
		if i, ok := m.byKey[headerKey(c)]; ok {
			seen[i] = true
		}
	}
	return len(seen)
}

// words splits a header into lowercase words of letters and digits, with
// accents removed: "FINANZIAMENTO _UE", "Finanziamento UE" and
// "finanziamento-ue" all give [finanziamento ue].
func words(s string) []string {
	s = norm.NFD.String(s)
	var out []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			out = append(out, w.String())
			w.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining accent: dropped
		case r < 128 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			w.WriteRune(r)
		case r < 128 && r >= 'A' && r <= 'Z':
			w.WriteRune(r + 'a' - 'A')
		case r >= 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			w.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// headerKey is what two headers must share to name the same field:
// their words, joined without spaces, so that "Cod. ISTAT", "cod_istat"
// and "CodISTAT" match.
func headerKey(s string) string { return strings.Join(words(s), "") }

// slugify names an open-schema field after its header: lowercase a-z0-9
// words joined by "_".
func slugify(s string) string {
	ws := words(s)
	for i, w := range ws {
		// keep only a-z0-9 (letters of other scripts are dropped)
		ws[i] = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, w)
	}
	var out []string
	for _, w := range ws {
		if w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, "_")
}

// cleanHeader is the header as shown in messages: BOM removed, spaces and
// newlines collapsed.
func cleanHeader(s string) string {
	s = strings.ReplaceAll(s, "\ufeff", "")
	return strings.Join(strings.Fields(s), " ")
}
