package pipeline

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/ingest"
	"github.com/provincia-como/opendata/pipeline/store"
	"github.com/provincia-como/opendata/pipeline/validate"
)

// judgeDataset reads and validates a dataset's file like Judge, keeping
// first only the rows its source's filter asks for: a national file is
// checked, stored and published for the Province's rows alone.
func (r *runner) judgeDataset(ctx context.Context, d catalog.Dataset, name string, data []byte) ([]catalog.Issue, *catalog.Table, error) {
	if len(d.Source.Filter) == 0 {
		return r.Judge(ctx, d.Schema, name, data, d.Source.Sheet)
	}
	s := r.schemas[d.Schema]
	t, issues, err := ingest.Read(ctx, name, data, ingest.Options{Schema: s.Info(), Sheet: d.Source.Sheet})
	if err != nil {
		var ie *ingest.Error
		if !errors.As(err, &ie) {
			return nil, nil, err
		}
		return []catalog.Issue{{Ref: ie.Ref, Severity: catalog.Error, Rule: "unreadable", Message: ie.Message}}, nil, nil
	}
	issues = append(keepRows(t, d.Source.Filter, issues), filterIssues(t, d.Source.Filter)...)
	if catalog.Blocking(issues) {
		return issues, t, nil
	}
	issues = append(issues, validate.Table(ctx, t, s, r.registry)...)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return issues, t, nil
}

// filterColumns finds the column each key of the filter names: a field
// name, or a header as the file writes it (case and spaces aside). ok is
// false when a key names no column.
func filterColumns(t *catalog.Table, filter map[string]string) (map[string]int, []string) {
	cols := map[string]int{}
	var missing []string
	for key := range filter {
		i := slices.IndexFunc(t.Columns, func(c catalog.Column) bool {
			return c.Field == key || strings.EqualFold(strings.TrimSpace(c.Header), strings.TrimSpace(key))
		})
		if i < 0 {
			missing = append(missing, key)
			continue
		}
		cols[key] = i
	}
	slices.Sort(missing)
	return cols, missing
}

// keepRows drops the rows the filter does not keep, and the row issues of
// ingest that concern them, and records the selection in the table. A
// filter naming a column the file lacks keeps every row: the issue of
// filterIssues refuses the file.
func keepRows(t *catalog.Table, filter map[string]string, issues []catalog.Issue) []catalog.Issue {
	cols, missing := filterColumns(t, filter)
	if len(missing) > 0 {
		return issues
	}
	read := len(t.Rows)
	dropped := map[int]bool{}
	kept := t.Rows[:0:0]
	for _, row := range t.Rows {
		if matches(row, cols, filter) {
			kept = append(kept, row)
		} else {
			dropped[row.Line] = true
		}
	}
	t.Rows = kept
	t.Selection = &catalog.Selection{Filter: filter, Read: read}
	return slices.DeleteFunc(issues, func(is catalog.Issue) bool { return dropped[is.Ref.Row] })
}

func matches(row catalog.Row, cols map[string]int, filter map[string]string) bool {
	for key, want := range filter {
		i := cols[key]
		if i >= len(row.Cells) {
			return want == ""
		}
		c := row.Cells[i]
		if strings.TrimSpace(c.Raw) != want && catalog.ValueText(c.Value) != want {
			return false
		}
	}
	return true
}

// filterIssues reports a filter that cannot apply (a column the file
// lacks) or that keeps nothing: either is a mistake to fix, and publishing
// an empty dataset would hide the last good one.
func filterIssues(t *catalog.Table, filter map[string]string) []catalog.Issue {
	ref := catalog.Ref{File: t.File, Sheet: t.Sheet, Row: t.HeaderRow}
	if _, missing := filterColumns(t, filter); len(missing) > 0 {
		return []catalog.Issue{{Ref: ref, Severity: catalog.Error, Rule: "filter-column", Value: strings.Join(missing, ", "),
			Message: catalog.Text{
				It: fmt.Sprintf("Il filtro del dataset nomina la colonna «%s», che il file non ha: controllare l'intestazione del file o il filtro in «source.filter».", strings.Join(missing, "», «")),
				En: fmt.Sprintf("The dataset's filter names the column “%s”, which the file lacks: check the file's header or the filter under \"source.filter\".", strings.Join(missing, "”, “")),
			}}}
	}
	if t.Selection != nil && len(t.Rows) == 0 {
		return []catalog.Issue{{Ref: ref, Severity: catalog.Error, Rule: "filter-empty",
			Message: catalog.Text{
				It: fmt.Sprintf("Il filtro del dataset (%s) non tiene nessuna delle %d righe del file: controllare i valori in «source.filter».", describeFilter(filter), t.Selection.Read),
				En: fmt.Sprintf("The dataset's filter (%s) keeps none of the file's %d rows: check the values under \"source.filter\".", describeFilter(filter), t.Selection.Read),
			}}}
	}
	return nil
}

// describeFilter writes a filter as `cod_provincia = "013"`, keys sorted.
func describeFilter(filter map[string]string) string {
	keys := make([]string, 0, len(filter))
	for k := range filter {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s = %q", k, filter[k])
	}
	return strings.Join(parts, ", ")
}

// filterChanged reports whether an unchanged file must be read again
// because the dataset's filter changed: the last file was refused (perhaps
// for the filter), or the published version went through another filter.
// A filter removed from the catalog is seen when the file next changes.
func (r *runner) filterChanged(d catalog.Dataset, rec *store.Record) bool {
	if len(d.Source.Filter) == 0 {
		return false
	}
	if rec.Latest != nil && rec.Latest.Status == catalog.Refused || rec.Current == "" {
		return true
	}
	t, err := r.store.Preview(d.ID, rec.Current)
	if err != nil {
		return true
	}
	return t.Selection == nil || !maps.Equal(t.Selection.Filter, d.Source.Filter)
}
