package validate

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The messages below speak to the clerk who filled in the sheet: where the
// problem is (cell and column header), what was found, what is expected.

func emptyIssue(t *catalog.Table) catalog.Issue {
	return catalog.Issue{
		Ref:      catalog.Ref{File: t.File, Sheet: t.Sheet},
		Severity: catalog.Error,
		Rule:     "empty",
		Message: catalog.Text{
			It: "Il file non contiene righe di dati: sotto l'intestazione non c'è nulla. Controlla di aver caricato il file giusto.",
			En: "The file has no data rows: there is nothing below the header. Check that you uploaded the right file.",
		},
	}
}

func tooManyIssue(t *catalog.Table, more int) catalog.Issue {
	return catalog.Issue{
		Ref:      catalog.Ref{File: t.File, Sheet: t.Sheet},
		Severity: catalog.Error,
		Rule:     "too-many",
		Message: catalog.Text{
			It: fmt.Sprintf("Ci sono altri %s problemi non elencati: correggi quelli indicati sopra e ricarica il file per vedere i successivi.", formatInt(more)),
			En: fmt.Sprintf("There are %d more problems not listed: fix the ones above and upload the file again to see the rest.", more),
		},
	}
}

// cellIssue builds an issue on the cell of row i, column j (j < 0: the row).
func (c *checker) cellIssue(i, j int, rule, field string, it, en string) catalog.Issue {
	iss := catalog.Issue{
		Ref:      c.t.Ref(i, j),
		Severity: catalog.Error,
		Rule:     rule,
		Field:    field,
		Message:  catalog.Text{It: it, En: en},
	}
	if j >= 0 && j < len(c.t.Rows[i].Cells) {
		iss.Value = c.t.Rows[i].Cells[j].Raw
	}
	return iss
}

// at names the cell and its column: "Nella cella C14 (Titolo progetto)".
func (c *checker) at(i, j int) (it, en string) {
	ref := c.t.Ref(i, j)
	h := c.t.Columns[j].Header
	if h == "" {
		h = c.title(c.t.Columns[j].Field).It
	}
	h = strings.Join(strings.Fields(h), " ")
	if h == "" {
		return "Nella cella " + ref.Cell(), "Cell " + ref.Cell()
	}
	return fmt.Sprintf("Nella cella %s (%s)", ref.Cell(), h), fmt.Sprintf("Cell %s (%s)", ref.Cell(), h)
}

// title is the field's title, or its name in open schemas.
func (c *checker) title(field string) catalog.Text {
	if p, ok := c.s.props[field]; ok {
		return p.field.Title
	}
	return catalog.Text{It: field}
}

// shown is the cell's text as the clerk sees it, shortened if very long.
func (c *checker) shown(i, j int) string {
	if j < 0 || j >= len(c.t.Rows[i].Cells) {
		return ""
	}
	cell := c.t.Rows[i].Cells[j]
	s := cell.Raw
	if s == "" && cell.Value != nil {
		s = valueText(cell.Value)
	}
	return short(s)
}

func short(s string) string {
	const limit = 60
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return string(r[:limit]) + "…"
}

// valueText writes a normalised value the way an Italian sheet shows it.
func valueText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return formatNumber(v, -1)
	case bool:
		if v {
			return "sì"
		}
		return "no"
	default:
		return fmt.Sprint(v)
	}
}

// expected says in words what a cell of the given type must hold.
func expected(t catalog.FieldType) (it, en string) {
	switch t {
	case catalog.TypeInteger:
		return "un numero intero, ad esempio 1.234", "a whole number, for example 1234"
	case catalog.TypeNumber:
		return "un numero, ad esempio 1.234,56", "a number, for example 1.234,56 (comma before the decimals)"
	case catalog.TypeDate:
		return "una data, ad esempio 31/12/2026", "a date, for example 31/12/2026 (day/month/year)"
	case catalog.TypeBoolean:
		return "sì oppure no", "yes or no (sì/no)"
	default:
		return "un testo", "text"
	}
}

// fieldType is the type of a field; columns of open schemas hold text.
func (c *checker) fieldType(field string) catalog.FieldType {
	if p, ok := c.s.props[field]; ok {
		return p.field.Type
	}
	return catalog.TypeString
}

// problemIssue reports a cell that ingest could not read as its type.
func (c *checker) problemIssue(i, j int) catalog.Issue {
	field := c.t.Columns[j].Field
	at, atEn := c.at(i, j)
	v := c.shown(i, j)
	typ := c.fieldType(field)
	if typ == catalog.TypeString {
		// Text is always readable: what failed is the cell itself, such as
		// a formula error.
		return c.cellIssue(i, j, "type", field,
			fmt.Sprintf("%s c'è «%s», che non si riesce a leggere come valore: scrivi il dato direttamente nella cella.", at, v),
			fmt.Sprintf("%s contains \"%s\", which cannot be read as a value: type the data into the cell.", atEn, v))
	}
	want, wantEn := expected(typ)
	return c.cellIssue(i, j, "type", field,
		fmt.Sprintf("%s c'è «%s» ma serve %s.", at, v, want),
		fmt.Sprintf("%s contains \"%s\" but should contain %s.", atEn, v, wantEn))
}

// kindIssues explains one JSON Schema failure of row i at field ("" for
// the row itself).
func (c *checker) kindIssues(i int, field string, k jsonschema.ErrorKind) []catalog.Issue {
	if field == "" {
		return c.rowKindIssues(i, k)
	}
	j := c.colOf(field)
	if j < 0 {
		// Record only holds mapped columns, so this cannot happen; say
		// something sensible anyway.
		return []catalog.Issue{c.cellIssue(i, -1, "schema", field,
			fmt.Sprintf("Alla riga %d il dato «%s» non va bene: %s.", c.t.Rows[i].Line, c.title(field).It, kindText(k)),
			fmt.Sprintf("Row %d: %s is not valid: %s.", c.t.Rows[i].Line, c.title(field).In("en"), kindText(k)))}
	}
	at, atEn := c.at(i, j)
	v := c.shown(i, j)
	p := c.s.props[field]
	one := func(rule, it, en string) []catalog.Issue {
		return []catalog.Issue{c.cellIssue(i, j, rule, field, it, en)}
	}
	switch k := k.(type) {
	case *kind.Type:
		want, wantEn := expected(c.fieldType(field))
		return one("type",
			fmt.Sprintf("%s c'è «%s» ma serve %s.", at, v, want),
			fmt.Sprintf("%s contains \"%s\" but should contain %s.", atEn, v, wantEn))
	case *kind.Pattern:
		if field == fieldCUP {
			it, en := c.cupText(at, atEn, k.Got)
			return one("cup", it, en)
		}
		it := fmt.Sprintf("%s c'è «%s», che non ha la forma richiesta (%s).", at, v, k.Want)
		en := fmt.Sprintf("%s contains \"%s\", which does not have the required form (%s).", atEn, v, k.Want)
		if p != nil && p.hint.It != "" {
			it = fmt.Sprintf("%s c'è «%s», che non va bene: %s.", at, v, p.hint.It)
			en = fmt.Sprintf("%s contains \"%s\", which is not valid: %s.", atEn, v, p.hint.In("en"))
		}
		if p != nil && p.comune {
			if code, name, ok := c.guessComune(k.Got); ok {
				it += fmt.Sprintf(" Forse è %s (%s)?", code, name)
				en += fmt.Sprintf(" Did you mean %s (%s)?", code, name)
			}
		}
		return one("pattern", it, en)
	case *kind.Enum:
		var want, wantEn []string
		for _, w := range k.Want {
			want = append(want, "«"+valueText(w)+"»")
			wantEn = append(wantEn, `"`+valueText(w)+`"`)
		}
		return one("enum",
			fmt.Sprintf("%s c'è «%s», che non è tra i valori ammessi: scrivi uno di questi: %s.", at, v, strings.Join(want, ", ")),
			fmt.Sprintf("%s contains \"%s\", which is not one of the allowed values: write one of %s.", atEn, v, strings.Join(wantEn, ", ")))
	case *kind.Minimum:
		m := ratText(k.Want)
		return one("minimum",
			fmt.Sprintf("%s c'è «%s», ma il valore non può essere minore di %s.", at, v, m),
			fmt.Sprintf("%s contains \"%s\", but the value cannot be less than %s.", atEn, v, m))
	case *kind.ExclusiveMinimum:
		m := ratText(k.Want)
		return one("minimum",
			fmt.Sprintf("%s c'è «%s», ma il valore deve essere maggiore di %s.", at, v, m),
			fmt.Sprintf("%s contains \"%s\", but the value must be greater than %s.", atEn, v, m))
	case *kind.Maximum:
		m := ratText(k.Want)
		return one("maximum",
			fmt.Sprintf("%s c'è «%s», ma il valore non può essere maggiore di %s.", at, v, m),
			fmt.Sprintf("%s contains \"%s\", but the value cannot be greater than %s.", atEn, v, m))
	case *kind.ExclusiveMaximum:
		m := ratText(k.Want)
		return one("maximum",
			fmt.Sprintf("%s c'è «%s», ma il valore deve essere minore di %s.", at, v, m),
			fmt.Sprintf("%s contains \"%s\", but the value must be less than %s.", atEn, v, m))
	case *kind.MinLength:
		if k.Got == 0 {
			t := c.title(field)
			return one("minLength",
				fmt.Sprintf("%s non c'è nulla, ma «%s» è un dato obbligatorio: inseriscilo.", at, t.It),
				fmt.Sprintf("%s is empty, but \"%s\" is required: fill it in.", atEn, t.In("en")))
		}
		return one("minLength",
			fmt.Sprintf("%s c'è «%s», che è troppo corto: servono almeno %d caratteri, ne ha %d.", at, v, k.Want, k.Got),
			fmt.Sprintf("%s contains \"%s\", which is too short: at least %d characters are needed, it has %d.", atEn, v, k.Want, k.Got))
	case *kind.MaxLength:
		return one("maxLength",
			fmt.Sprintf("%s c'è «%s», che è troppo lungo: al massimo %d caratteri, ne ha %d.", at, v, k.Want, k.Got),
			fmt.Sprintf("%s contains \"%s\", which is too long: at most %d characters, it has %d.", atEn, v, k.Want, k.Got))
	case *kind.Format:
		if k.Want == "date" {
			return one("format",
				fmt.Sprintf("%s c'è «%s», che non è una data valida: scrivila come giorno/mese/anno, ad esempio 31/12/2026.", at, v),
				fmt.Sprintf("%s contains \"%s\", which is not a valid date: write it as day/month/year, for example 31/12/2026.", atEn, v))
		}
		return one("format",
			fmt.Sprintf("%s c'è «%s», che non è nel formato richiesto (%s).", at, v, k.Want),
			fmt.Sprintf("%s contains \"%s\", which is not in the required format (%s).", atEn, v, k.Want))
	default:
		return one("schema",
			fmt.Sprintf("%s il valore «%s» non va bene (%s).", at, v, kindText(k)),
			fmt.Sprintf("%s: the value \"%s\" is not valid (%s).", atEn, v, kindText(k)))
	}
}

// rowKindIssues explains a failure of the row as a whole.
func (c *checker) rowKindIssues(i int, k jsonschema.ErrorKind) []catalog.Issue {
	line := c.t.Rows[i].Line
	switch k := k.(type) {
	case *kind.Required:
		var out []catalog.Issue
		for _, f := range k.Missing {
			t := c.title(f)
			if j := c.colOf(f); j >= 0 {
				at, atEn := c.at(i, j)
				out = append(out, c.cellIssue(i, j, "required", f,
					fmt.Sprintf("%s non c'è nulla, ma «%s» è un dato obbligatorio: inseriscilo.", at, t.It),
					fmt.Sprintf("%s is empty, but \"%s\" is required: fill it in.", atEn, t.In("en"))))
				continue
			}
			out = append(out, c.cellIssue(i, -1, "required", f,
				fmt.Sprintf("Alla riga %d manca «%s», che è un dato obbligatorio: aggiungi al foglio una colonna con intestazione «%s» e compilala.", line, t.It, t.It),
				fmt.Sprintf("Row %d has no \"%s\", which is required: add a column headed \"%s\" to the sheet and fill it in.", line, t.In("en"), t.It)))
		}
		return out
	case *kind.MinProperties, *kind.Not:
		// The generic table's way of saying "at least one value".
		return []catalog.Issue{c.cellIssue(i, -1, "required", "",
			fmt.Sprintf("La riga %d non contiene nessun valore: compilala oppure cancellala.", line),
			fmt.Sprintf("Row %d has no value at all: fill it in or delete it.", line))}
	default:
		return []catalog.Issue{c.cellIssue(i, -1, "schema", "",
			fmt.Sprintf("La riga %d non va bene (%s).", line, kindText(k)),
			fmt.Sprintf("Row %d is not valid (%s).", line, kindText(k)))}
	}
}

// cupText explains a CUP that is not 15 capital letters and digits.
func (c *checker) cupText(at, atEn, got string) (it, en string) {
	hint := catalog.Text{
		It: "il CUP è di 15 caratteri, solo lettere maiuscole e cifre, senza spazi: G91B21004470006",
		En: "the CUP has 15 characters, capital letters and digits only, no spaces: G91B21004470006",
	}
	if p, ok := c.s.props[fieldCUP]; ok && p.hint.It != "" {
		hint = p.hint
	}
	n := utf8.RuneCountInString(got)
	v := short(got)
	if n != 15 {
		return fmt.Sprintf("%s c'è «%s», che ha %d caratteri: %s.", at, v, n, hint.It),
			fmt.Sprintf("%s contains \"%s\", which has %d characters: %s.", atEn, v, n, hint.In("en"))
	}
	return fmt.Sprintf("%s c'è «%s», che contiene caratteri non ammessi: %s.", at, v, hint.It),
		fmt.Sprintf("%s contains \"%s\", which has characters that are not allowed: %s.", atEn, v, hint.In("en"))
}

// guessComune finds the code a clerk probably meant: the ISTAT code with
// its leading zeros lost (13075 for 013075), as spreadsheets do.
func (c *checker) guessComune(got string) (code, name string, ok bool) {
	got = strings.TrimSpace(got)
	if c.reg == nil || got == "" || len(got) >= 6 {
		return "", "", false
	}
	if _, err := strconv.Atoi(got); err != nil {
		return "", "", false
	}
	code = strings.Repeat("0", 6-len(got)) + got
	name, ok = c.reg[code]
	return code, name, ok
}

func (c *checker) registryIssue(i, j int, field, code string) catalog.Issue {
	at, atEn := c.at(i, j)
	return c.cellIssue(i, j, "registry", field,
		fmt.Sprintf("%s c'è «%s», che non è il codice ISTAT di nessun comune dell'elenco del portale: controlla il codice nell'elenco dei comuni dell'ISTAT.", at, code),
		fmt.Sprintf("%s contains \"%s\", which is not the ISTAT code of any municipality the portal knows: check the code in the ISTAT list of municipalities.", atEn, code))
}

// totalIssue checks that the funding parts of row i add up to the total in
// column j.
func (c *checker) totalIssue(i, j int) (catalog.Issue, bool) {
	total, ok := c.t.Rows[i].Cells[j].Value.(float64)
	if !ok {
		return catalog.Issue{}, false
	}
	sum, ok := c.sumParts(i)
	if !ok || sameAmount(sum, total) {
		return catalog.Issue{}, false
	}
	line := c.t.Rows[i].Line
	cell := c.t.Ref(i, j).Cell()
	return c.cellIssue(i, j, "total", fieldTotal,
		fmt.Sprintf("La somma delle fonti di finanziamento della riga %d (%s) non coincide con il totale nella cella %s (%s): correggi gli importi delle fonti o il totale.", line, formatEuro(sum), cell, formatEuro(total)),
		fmt.Sprintf("The funding sources on row %d add up to %s, but the total in cell %s is %s: correct the sources or the total.", line, formatEuro(sum), cell, formatEuro(total))), true
}

func (c *checker) uniqueIssue(i, j int, parts []string, first int) catalog.Issue {
	firstLine := c.t.Rows[first].Line
	cell := c.t.Ref(i, j).Cell()
	if len(parts) == 1 {
		v := short(parts[0])
		return c.cellIssue(i, j, "unique", c.t.Columns[j].Field,
			fmt.Sprintf("Il codice «%s» della cella %s è già usato alla riga %d: ogni riga deve avere un codice diverso.", v, cell, firstLine),
			fmt.Sprintf("The code \"%s\" in cell %s is already used on row %d: each row needs a different code.", v, cell, firstLine))
	}
	v := short(strings.Join(parts, " / "))
	return c.cellIssue(i, j, "unique", c.t.Columns[j].Field,
		fmt.Sprintf("La riga %d ripete i codici «%s» già usati alla riga %d: ogni riga deve avere una combinazione diversa.", c.t.Rows[i].Line, v, firstLine),
		fmt.Sprintf("Row %d repeats the codes \"%s\" already used on row %d: each row needs a different combination.", c.t.Rows[i].Line, v, firstLine))
}

// ratText writes a schema bound in Italian format.
func ratText(r *big.Rat) string {
	if r == nil {
		return ""
	}
	f, _ := r.Float64()
	return formatNumber(f, -1)
}

// kindText is the library's own English text of a failure, for the rare
// keywords our schemas do not use.
func kindText(k jsonschema.ErrorKind) string {
	return k.LocalizedString(message.NewPrinter(language.English))
}
