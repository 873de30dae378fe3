// Package draft drafts a schema from a spreadsheet read as a free table, for
// the Province or a clerk to edit and commit: the types ingest inferred,
// required where no value is blank, enumerations for small closed sets,
// primary key candidates, comune fields, titles and aliases from the
// header. It writes the draft as JSON Schema 2020-12 with the portal's own
// x- keywords, or as a Frictionless Table Schema v1 that tells Frictionless
// tools how Italian files write numbers, dates, booleans and missing values.
package draft

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Schema is a drafted schema.
type Schema struct {
	// Name is the schema's name, from the file name.
	Name   string
	Source string // the file it was drafted from
	Rows   int
	// Workbook is set when the file stores typed values (XLSX, ODS).
	Workbook bool
	Fields   []Field
	// PrimaryKey is the best candidate key; Candidates lists every key
	// found, the best first.
	PrimaryKey []string
	Candidates [][]string
	// ComuneFields hold ISTAT codes of comuni.
	ComuneFields []string
}

// Field is one drafted column.
type Field struct {
	Name  string
	Title string   // the header as the file writes it, spaces collapsed
	Alias []string // shorter forms of the header that should match too
	Type  catalog.FieldType
	// Code marks identifiers that look like numbers.
	Code     bool
	Required bool
	Enum     []string
	Unit     string // "EUR" or "%" when the header says so
	Comune   bool
	// How a CSV writes the values, for Table Schema readers.
	DecimalChar, GroupChar string
	DateFormat             string
	TrueValues             []string
	FalseValues            []string
	// Decorated numbers carry a currency or percent sign.
	Decorated bool
	// Missing are the placeholders for "no value" the column uses.
	Missing []string
	// Distinct counts the different non-blank values; Blank the missing
	// ones.
	Distinct, Blank int
}

// Limits of the drafting.
const (
	// enumMax is the largest set of values made an enumeration.
	enumMax = 12
	// enumMinRows: a set is "closed" only when values repeat, at least
	// this many rows per value.
	enumMinRows = 3
	// pairColumns caps the columns tried in pairs for a primary key.
	pairColumns = 16
)

// FromTable drafts the schema of t, a table ingest read with an open
// schema (every column a free column with its inferred type).
func FromTable(name string, t *catalog.Table) *Schema {
	s := &Schema{Name: name, Source: t.File, Rows: len(t.Rows), Workbook: t.Sheet != ""}
	var cols []int // columns of t behind s.Fields
	for j, c := range t.Columns {
		if c.Field == "" {
			continue // a column without a header
		}
		f := Field{Name: c.Field, Title: clean(c.Header), Type: cmp.Or(c.Type, catalog.TypeString)}
		if f.Title == "" {
			f.Title = c.Field
		}
		if a := shortTitle(f.Title); a != "" && !strings.EqualFold(a, f.Title) {
			f.Alias = append(f.Alias, a)
		}
		f.Unit = unitOf(f.Title)
		describe(&f, t, j)
		s.Fields = append(s.Fields, f)
		cols = append(cols, j)
	}
	dupTitles(s.Fields)
	s.Candidates = keys(s, t, cols)
	if len(s.Candidates) > 0 {
		s.PrimaryKey = s.Candidates[0]
	}
	for _, f := range s.Fields {
		if f.Comune {
			s.ComuneFields = append(s.ComuneFields, f.Name)
		}
	}
	return s
}

// describe reads the values of column j into f.
func describe(f *Field, t *catalog.Table, j int) {
	distinct := map[string]int{}
	missing := map[string]bool{}
	comune := f.Type == catalog.TypeString
	code := f.Type == catalog.TypeString
	var decComma, decDot, groupDot, groupComma bool
	dateFormats := map[string]bool{}
	trues, falses := map[string]bool{}, map[string]bool{}
	for _, r := range t.Rows {
		c := r.Cells[j]
		raw := strings.TrimSpace(c.Raw)
		if c.Value == nil {
			f.Blank++
			if raw != "" {
				missing[raw] = true
			}
			continue
		}
		key := catalog.ValueText(c.Value)
		distinct[key]++
		switch f.Type {
		case catalog.TypeString:
			s, _ := c.Value.(string)
			if !istatCode(s) {
				comune = false
			}
			if !codeLike(s) {
				code = false
			}
		case catalog.TypeNumber, catalog.TypeInteger:
			if strings.ContainsAny(raw, "€%") || strings.Contains(strings.ToUpper(raw), "EUR") {
				f.Decorated = true
			}
			dc, dd, gd, gc := separators(raw)
			decComma, decDot, groupDot, groupComma = decComma || dc, decDot || dd, groupDot || gd, groupComma || gc
		case catalog.TypeDate, catalog.TypeDatetime:
			dateFormats[dateFormat(raw)] = true
		case catalog.TypeBoolean:
			if c.Value == true {
				trues[raw] = true
			} else {
				falses[raw] = true
			}
		}
	}
	nonBlank := len(t.Rows) - f.Blank
	f.Distinct = len(distinct)
	f.Required = len(t.Rows) > 0 && f.Blank == 0
	f.Comune = comune && nonBlank > 0
	f.Code = f.Type == catalog.TypeString && nonBlank > 0 && (code || identifierName(f.Title))
	if f.Type == catalog.TypeString && !f.Code && f.Distinct > 0 && f.Distinct <= enumMax && nonBlank >= enumMinRows*f.Distinct && f.Distinct < nonBlank {
		for v := range distinct {
			if len(v) > 80 {
				f.Enum = nil
				break
			}
			f.Enum = append(f.Enum, v)
		}
		slices.Sort(f.Enum)
	}
	for m := range missing {
		f.Missing = append(f.Missing, m)
	}
	slices.Sort(f.Missing)
	if t.Sheet != "" {
		return // a workbook stores typed values: nothing to say about the text
	}
	switch {
	case decComma || groupDot && !decDot:
		f.DecimalChar, f.GroupChar = ",", "."
	case decDot || groupComma:
		f.DecimalChar = "."
		if groupComma {
			f.GroupChar = ","
		}
	}
	if len(dateFormats) == 1 {
		for d := range dateFormats {
			f.DateFormat = d
		}
	}
	for v := range trues {
		f.TrueValues = append(f.TrueValues, v)
	}
	for v := range falses {
		f.FalseValues = append(f.FalseValues, v)
	}
	slices.Sort(f.TrueValues)
	slices.Sort(f.FalseValues)
}

// separators tells how a number's text uses dots and commas: decimal
// comma, decimal dot, dot thousands, comma thousands.
func separators(raw string) (decComma, decDot, groupDot, groupComma bool) {
	lo := strings.IndexAny(raw, "0123456789")
	hi := strings.LastIndexAny(raw, "0123456789")
	if lo < 0 {
		return
	}
	core := raw[lo : hi+1]
	lastDot, lastComma := strings.LastIndexByte(core, '.'), strings.LastIndexByte(core, ',')
	dots, commas := strings.Count(core, "."), strings.Count(core, ",")
	switch {
	case dots > 0 && commas > 0 && lastComma > lastDot:
		return true, false, true, false
	case dots > 0 && commas > 0:
		return false, true, false, true
	case commas == 1:
		return true, false, false, false
	case commas > 1:
		return false, false, false, true
	case dots > 1:
		return false, false, true, false
	case dots == 1 && len(core)-lastDot-1 == 3 && lastDot <= 3 && core[0] != '0':
		return false, false, true, false // 1.234: the reader took it as thousands unless told otherwise
	case dots == 1:
		return false, true, false, false
	}
	return
}

// dateFormat gives the Table Schema (strptime) format of a date's text, or
// "any".
func dateFormat(raw string) string {
	shape := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c >= '0' && c <= '9' {
			c = '9'
		}
		shape = append(shape, c)
	}
	switch string(shape) {
	case "99/99/9999":
		return "%d/%m/%Y"
	case "99-99-9999":
		return "%d-%m-%Y"
	case "99.99.9999":
		return "%d.%m.%Y"
	case "9999-99-99":
		return "default"
	case "99/99/9999 99:99":
		return "%d/%m/%Y %H:%M"
	case "99/99/9999 99:99:99":
		return "%d/%m/%Y %H:%M:%S"
	case "9999-99-99T99:99:99", "9999-99-99T99:99:99Z":
		return "default"
	}
	return "any"
}

// istatCode reports a 6-digit ISTAT code of a comune: a province code
// from 001 and a progressive number from 001.
func istatCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < 6; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[:3] != "000" && s[3:] != "000" && s[:3] < "200"
}

// codeLike reports text made of digits and capital letters without
// spaces, such as a CUP, a CIG or a code with leading zeros.
func codeLike(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'A' && r <= 'Z', r == '-', r == '.', r == '/', r == '_':
		default:
			return false
		}
	}
	return digits > 0
}

// identifierWords are header words naming an identifier.
var identifierWords = map[string]bool{
	"codice": true, "cod": true, "id": true, "identificativo": true, "istat": true,
	"cup": true, "cig": true, "cf": true, "fiscale": true, "iva": true, "piva": true,
	"progressivo": true, "matricola": true, "protocollo": true, "catastale": true, "numero": true, "n": true,
}

func headerWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func identifierName(title string) bool {
	for _, w := range headerWords(title) {
		if identifierWords[w] && w != "numero" && w != "n" {
			return true
		}
	}
	return false
}

// keyScore ranks key candidates: codes of comuni and identifier names
// first, then codes, then text and integers; ties keep the leftmost.
func keyScore(f Field) int {
	score := 0
	for _, w := range headerWords(f.Title) {
		switch w {
		case "codice", "cod", "id", "identificativo", "cup", "cig", "istat", "fiscale", "iva", "piva":
			score = max(score, 4)
		case "progressivo", "numero", "n", "matricola", "protocollo", "catastale":
			score = max(score, 2)
		}
	}
	if f.Comune {
		score += 3
	}
	if f.Code {
		score += 2
	}
	if f.Type == catalog.TypeString || f.Type == catalog.TypeInteger {
		score++
	}
	return score
}

// keys finds the columns, and failing those the pairs of columns, whose
// values are never blank and unique, the best first.
func keys(s *Schema, t *catalog.Table, cols []int) [][]string {
	if len(t.Rows) < 2 {
		return nil
	}
	var singles []int // index in s.Fields
	for i, f := range s.Fields {
		if !f.Required || f.Type == catalog.TypeBoolean || f.Type == catalog.TypeNumber {
			continue
		}
		if f.Distinct == len(t.Rows) {
			singles = append(singles, i)
		}
	}
	var out [][]string
	if len(singles) > 0 {
		slices.SortStableFunc(singles, func(a, b int) int { return keyScore(s.Fields[b]) - keyScore(s.Fields[a]) })
		for _, i := range singles {
			out = append(out, []string{s.Fields[i].Name})
		}
		return out
	}
	var usable []int
	for i, f := range s.Fields {
		if f.Required && f.Type != catalog.TypeNumber && f.Distinct > 1 && len(usable) < pairColumns {
			usable = append(usable, i)
		}
	}
	type pair struct{ a, b, score int }
	var pairs []pair
	seen := make(map[[2]string]bool, len(t.Rows))
	for x, a := range usable {
		for _, b := range usable[x+1:] {
			clear(seen)
			unique := true
			for _, r := range t.Rows {
				k := [2]string{catalog.ValueText(r.Cells[cols[a]].Value), catalog.ValueText(r.Cells[cols[b]].Value)}
				if seen[k] {
					unique = false
					break
				}
				seen[k] = true
			}
			if unique {
				pairs = append(pairs, pair{a, b, keyScore(s.Fields[a]) + keyScore(s.Fields[b])})
			}
		}
	}
	slices.SortStableFunc(pairs, func(p, q pair) int { return q.score - p.score })
	for _, p := range pairs {
		out = append(out, []string{s.Fields[p.a].Name, s.Fields[p.b].Name})
	}
	return out
}

// dupTitles: two columns with the same header cannot both be matched by
// it; the second gets its field name in the title so that the schema
// stays valid, and the clerk renames it. An alias that two fields share,
// or that is another field's title, would match the wrong column: it goes.
func dupTitles(fields []Field) {
	key := func(s string) string { return strings.Join(headerWords(s), "") }
	seen := map[string]bool{}
	for i := range fields {
		k := key(fields[i].Title)
		if seen[k] {
			fields[i].Title += " (" + fields[i].Name + ")"
			fields[i].Alias = nil
			fields[i].Required = false
		}
		seen[key(fields[i].Title)] = true
	}
	aliases := map[string]int{}
	for _, f := range fields {
		for _, a := range f.Alias {
			aliases[key(a)]++
		}
	}
	for i := range fields {
		fields[i].Alias = slices.DeleteFunc(fields[i].Alias, func(a string) bool {
			return aliases[key(a)] > 1 || seen[key(a)]
		})
	}
}

// clean collapses the spaces and line breaks of a header.
func clean(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\ufeff", "")), " ")
}

// shortTitle drops from a header what changes from one edition of a file
// to the next: text in brackets and a trailing date ("Superficie
// territoriale (kmq) al 01/01/2023" is also "Superficie territoriale").
func shortTitle(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(' || r == '[':
			depth++
		case (r == ')' || r == ']') && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	out := clean(b.String())
	ws := strings.Fields(out)
	for len(ws) > 1 {
		last := ws[len(ws)-1]
		if strings.ContainsAny(last, "0123456789") || last == "al" || last == "del" || last == "dal" {
			ws = ws[:len(ws)-1]
			continue
		}
		break
	}
	out = strings.Join(ws, " ")
	if len(headerWords(out)) == 0 {
		return ""
	}
	return out
}

// unitOf reads a unit from the header: euros or percent.
func unitOf(title string) string {
	l := strings.ToLower(title)
	switch {
	case strings.Contains(l, "(€)") || strings.Contains(l, "(euro)") || strings.Contains(l, "(eur)") || strings.Contains(l, "in euro"):
		return "EUR"
	case strings.Contains(l, "(%)") || strings.HasSuffix(l, " %"):
		return "%"
	}
	return ""
}
