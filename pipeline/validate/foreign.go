package validate

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Refs are the published tables of the datasets that foreign keys point
// to, by dataset id.
type Refs map[string]*catalog.Table

// foreign reports rows whose foreign key values are not in the table the
// key points to. It runs over the whole table, beside the row checks.
func (c *checker) foreign(ctx context.Context, out *sink) {
	for _, fk := range c.s.keys {
		cols := make([]int, len(fk.Fields))
		missing := false
		for k, f := range fk.Fields {
			if cols[k] = c.colOf(f); cols[k] < 0 {
				missing = true // a required column is reported as such
			}
		}
		if missing {
			continue
		}
		ref := c.t
		if fk.Resource != "" {
			ref = c.refs[fk.Resource]
		}
		if ref == nil {
			out.add([]catalog.Issue{c.unknownRefIssue(fk)})
			continue
		}
		refCols := make([]int, len(fk.RefFields))
		for k, f := range fk.RefFields {
			if refCols[k] = ref.ColumnOf(f); refCols[k] < 0 {
				missing = true
			}
		}
		if missing {
			out.add([]catalog.Issue{c.unknownRefIssue(fk)})
			continue
		}
		known := make(map[string]struct{}, len(ref.Rows))
		for _, r := range ref.Rows {
			if key, ok := rowKey(r.Cells, refCols); ok {
				known[key] = struct{}{}
			}
		}
		for i, r := range c.t.Rows {
			if i%1024 == 0 && ctx.Err() != nil {
				return
			}
			key, ok := rowKey(r.Cells, cols)
			if !ok {
				continue
			}
			if _, found := known[key]; !found {
				out.add([]catalog.Issue{c.foreignIssue(i, cols[0], fk, key)})
			}
		}
	}
}

// rowKey joins the values of cols; ok is false when one is missing.
func rowKey(cells []catalog.Cell, cols []int) (string, bool) {
	parts := make([]string, len(cols))
	for k, j := range cols {
		if j >= len(cells) || cells[j].Value == nil {
			return "", false
		}
		parts[k] = canonical(cells[j].Value)
	}
	return strings.Join(parts, "\x00"), true
}

// canonical writes a value the same way whatever file it came from, so
// that 12 in one table matches 12 in another.
func canonical(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	default:
		return fmt.Sprint(v)
	}
}

func refName(fk ForeignKey) string {
	if fk.Resource == "" {
		return "questa stessa tabella"
	}
	return "«" + fk.Resource + "»"
}

func (c *checker) foreignIssue(i, j int, fk ForeignKey, key string) catalog.Issue {
	at, atEn := c.at(i, j)
	v := short(strings.ReplaceAll(key, "\x00", " / "))
	cols := strings.Join(fk.RefFields, ", ")
	where, whereEn := "nel dataset "+refName(fk), fmt.Sprintf("in the dataset %q", fk.Resource)
	if fk.Resource == "" {
		where, whereEn = "in questa stessa tabella", "in this same table"
	}
	return c.cellIssue(i, j, "foreign-key", fk.Fields[0],
		fmt.Sprintf("%s c'è «%s», che non si trova %s (colonna %s): usa un valore che vi compare.", at, v, where, cols),
		fmt.Sprintf("%s contains \"%s\", which is not found %s (column %s): use a value that appears there.", atEn, v, whereEn, cols))
}

// unknownRefIssue warns that a foreign key could not be checked: the
// dataset it points to has no published table, or not the columns named.
func (c *checker) unknownRefIssue(fk ForeignKey) catalog.Issue {
	return catalog.Issue{
		Ref:      catalog.Ref{File: c.t.File, Sheet: c.t.Sheet},
		Severity: catalog.Warning,
		Rule:     "foreign-key",
		Field:    fk.Fields[0],
		Message: catalog.Text{
			It: fmt.Sprintf("I valori di %s non sono stati confrontati con il dataset %s: non ne è pubblicata una versione con le colonne %s.", strings.Join(fk.Fields, ", "), refName(fk), strings.Join(fk.RefFields, ", ")),
			En: fmt.Sprintf("The values of %s were not compared with the dataset %q: no published version of it has the columns %s.", strings.Join(fk.Fields, ", "), fk.Resource, strings.Join(fk.RefFields, ", ")),
		},
	}
}

// dateBoundIssue checks a date against the least and greatest date of its
// field. ISO text compares as the dates do.
func (c *checker) dateBoundIssue(i, j int, p *prop) (catalog.Issue, bool) {
	v, ok := c.t.Rows[i].Cells[j].Value.(string)
	if !ok || v == "" {
		return catalog.Issue{}, false
	}
	at, atEn := c.at(i, j)
	shown := c.shown(i, j)
	switch {
	case p.dateMin != "" && v < p.dateMin:
		return c.cellIssue(i, j, "minimum", p.field.Name,
			fmt.Sprintf("%s c'è «%s», ma la data non può essere precedente al %s.", at, shown, italianDate(p.dateMin)),
			fmt.Sprintf("%s contains \"%s\", but the date cannot be before %s.", atEn, shown, p.dateMin)), true
	case p.dateMax != "" && v > p.dateMax && !strings.HasPrefix(v, p.dateMax):
		return c.cellIssue(i, j, "maximum", p.field.Name,
			fmt.Sprintf("%s c'è «%s», ma la data non può essere successiva al %s.", at, shown, italianDate(p.dateMax)),
			fmt.Sprintf("%s contains \"%s\", but the date cannot be after %s.", atEn, shown, p.dateMax)), true
	}
	return catalog.Issue{}, false
}

// italianDate writes 2024-12-31 as 31/12/2024.
func italianDate(iso string) string {
	if len(iso) < 10 {
		return iso
	}
	return iso[8:10] + "/" + iso[5:7] + "/" + iso[0:4]
}
