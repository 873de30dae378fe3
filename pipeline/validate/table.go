// Package validate checks tables read from spreadsheets against the JSON
// Schemas of the portal and against rules that span rows (unique keys,
// references to the registry of comuni, totals). Every problem becomes an
// issue pointing at a cell, explained for the clerk who has to fix it.
package validate

import (
	"cmp"
	"context"
	"errors"
	"math"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Registry is the set of ISTAT codes of the comuni known to the portal (code -> name).
type Registry map[string]string

// maxIssues caps the issues listed per table: past it a clerk needs to fix
// the file, not read more.
const maxIssues = 1000

// fundingParts are the fields that add up to finanziamento_totale. The
// amount requested (finanziamento_richiesto) is not granted yet, so it is
// not one of them.
var fundingParts = []string{
	"finanziamento_ue", "finanziamento_pnrr", "finanziamento_pnc",
	"finanziamento_stato", "finanziamento_regione", "finanziamento_provincia",
	"finanziamento_comune", "finanziamento_altro_pubblico",
	"finanziamento_privato", "finanziamento_da_reperire",
}

const (
	fieldTotal = "finanziamento_totale"
	fieldCUP   = "cup"
)

var istatCode = regexp.MustCompile(`^[0-9]{6}$`)

// Table checks every row of t against s, then the rules that span rows, and
// returns the issues ordered by row and column, at most 1,000 of them plus a
// last one counting the rest. reg may be nil to skip the check of comune
// codes. If ctx is cancelled Table stops early and returns what it found:
// the caller, who owns ctx, knows the list is partial.
func Table(ctx context.Context, t *catalog.Table, s *Schema, reg Registry) []catalog.Issue {
	return TableRefs(ctx, t, s, reg, nil)
}

// TableRefs is Table with the published tables the schema's foreign keys
// point to, by dataset id; a key whose dataset is missing from refs is
// checked against nothing and reported once as a warning.
func TableRefs(ctx context.Context, t *catalog.Table, s *Schema, reg Registry, refs Refs) []catalog.Issue {
	if len(t.Rows) == 0 {
		return []catalog.Issue{emptyIssue(t)}
	}
	c := newChecker(t, s, reg)
	c.refs = refs

	workers := runtime.GOMAXPROCS(0)
	if len(t.Rows) < 4096 {
		workers = 1
	}
	parts := make([]sink, workers+1)
	var wg sync.WaitGroup
	size := (len(t.Rows) + workers - 1) / workers
	for w := range workers {
		lo, hi := w*size, min((w+1)*size, len(t.Rows))
		wg.Go(func() { c.rows(ctx, lo, hi, &parts[w]) })
	}
	c.unique(ctx, &parts[workers])
	c.foreign(ctx, &parts[workers])
	wg.Wait()

	var all []catalog.Issue
	total := 0
	for _, p := range parts {
		all = append(all, p.issues...)
		total += p.count
	}
	// Each part holds its first issues in row order, so the first maxIssues
	// of the merge are the first of the table.
	slices.SortStableFunc(all, func(a, b catalog.Issue) int {
		return cmp.Or(cmp.Compare(a.Ref.Row, b.Ref.Row), cmp.Compare(a.Ref.Col, b.Ref.Col))
	})
	if total > maxIssues {
		all = append(all[:maxIssues], tooManyIssue(t, total-maxIssues))
	}
	return all
}

// sink collects the issues of one part of the table: the first maxIssues,
// and how many there were in all.
type sink struct {
	issues []catalog.Issue
	count  int
}

func (s *sink) add(issues []catalog.Issue) {
	s.count += len(issues)
	if room := maxIssues - len(s.issues); room > 0 {
		s.issues = append(s.issues, issues[:min(room, len(issues))]...)
	}
}

// checker holds what every row's check needs; it is read-only once built,
// so rows can be checked in parallel.
type checker struct {
	t   *catalog.Table
	s   *Schema
	reg Registry
	// col maps a field to its index in t.Columns.
	col map[string]int
	// fast checks rows the library need not see; nil when it cannot.
	fast *fastTable
	// partCols are the columns of the funding parts present in the file.
	partCols []int
	refs     Refs
}

func newChecker(t *catalog.Table, s *Schema, reg Registry) *checker {
	c := &checker{t: t, s: s, reg: reg, col: make(map[string]int, len(t.Columns))}
	for i, col := range t.Columns {
		if _, dup := c.col[col.Field]; col.Field != "" && !dup {
			c.col[col.Field] = i
		}
	}
	c.fast = newFastTable(s.fast, t, c.col)
	for _, f := range fundingParts {
		if j, ok := c.col[f]; ok {
			c.partCols = append(c.partCols, j)
		}
	}
	return c
}

// colOf returns the column of field, or -1 when the file has none.
func (c *checker) colOf(field string) int {
	if i, ok := c.col[field]; ok {
		return i
	}
	return -1
}

// rows checks rows lo to hi-1 one by one.
func (c *checker) rows(ctx context.Context, lo, hi int, out *sink) {
	var buf []catalog.Issue
	done := make([]bool, len(c.t.Columns))
	for i := lo; i < hi; i++ {
		if (i-lo)%1024 == 0 && ctx.Err() != nil {
			return
		}
		clear(done)
		buf = c.row(i, buf[:0], done)
		if len(buf) > 0 {
			slices.SortStableFunc(buf, func(a, b catalog.Issue) int { return cmp.Compare(a.Ref.Col, b.Ref.Col) })
			out.add(buf)
		}
	}
}

// row appends the issues of row i. done marks the columns that already have
// an issue: one clear message per cell is better than three.
func (c *checker) row(i int, issues []catalog.Issue, done []bool) []catalog.Issue {
	cells := c.t.Rows[i].Cells
	for j := range cells {
		if j < len(c.t.Columns) && cells[j].Problem != "" {
			issues = append(issues, c.problemIssue(i, j))
			done[j] = true
		}
	}

	if c.fast == nil || !c.fast.valid(cells) {
		err := c.s.sch.Validate(c.t.Record(i))
		var verr *jsonschema.ValidationError
		if errors.As(err, &verr) {
			issues = c.schemaIssues(i, verr, issues, done)
		}
	}

	if c.reg != nil {
		for _, f := range c.s.info.ComuneFields {
			j := c.colOf(f)
			if j < 0 || done[j] {
				continue
			}
			code, ok := cells[j].Value.(string)
			if !ok || !istatCode.MatchString(code) {
				continue
			}
			if _, known := c.reg[code]; !known {
				issues = append(issues, c.registryIssue(i, j, f, code))
				done[j] = true
			}
		}
	}

	for _, f := range c.s.bounded {
		if j := c.colOf(f); j >= 0 && !done[j] {
			if iss, ok := c.dateBoundIssue(i, j, c.s.props[f]); ok {
				issues = append(issues, iss)
				done[j] = true
			}
		}
	}

	if j := c.colOf(fieldTotal); j >= 0 && !done[j] {
		if iss, ok := c.totalIssue(i, j); ok {
			issues = append(issues, iss)
		}
	}
	return issues
}

// schemaIssues turns the leaves of a JSON Schema error into issues.
func (c *checker) schemaIssues(i int, verr *jsonschema.ValidationError, issues []catalog.Issue, done []bool) []catalog.Issue {
	if len(verr.Causes) > 0 {
		for _, cause := range verr.Causes {
			issues = c.schemaIssues(i, cause, issues, done)
		}
		return issues
	}
	// A failure inside a property is at that property's cell; a failure
	// of the row itself (required, empty row) names its fields.
	field := ""
	if len(verr.InstanceLocation) > 0 {
		field = verr.InstanceLocation[0]
	}
	for _, iss := range c.kindIssues(i, field, verr.ErrorKind) {
		j := c.colOf(iss.Field)
		if j >= 0 && iss.Ref.Col > 0 {
			if done[j] {
				continue
			}
			done[j] = true
		}
		issues = append(issues, iss)
	}
	return issues
}

// unique reports rows whose primary key repeats an earlier row's. It runs
// over the whole table in order, beside the row checks.
func (c *checker) unique(ctx context.Context, out *sink) {
	if len(c.s.info.PrimaryKey) > 0 {
		c.uniqueSet(ctx, c.s.info.PrimaryKey, out)
	}
	for _, set := range c.s.uniques {
		if !slices.Equal(set, c.s.info.PrimaryKey) {
			c.uniqueSet(ctx, set, out)
		}
	}
}

// uniqueSet reports rows whose values of keys repeat an earlier row's.
func (c *checker) uniqueSet(ctx context.Context, keys []string, out *sink) {
	cols := make([]int, len(keys))
	for k, f := range keys {
		if cols[k] = c.colOf(f); cols[k] < 0 {
			return // the missing column is reported as required
		}
	}
	seen := make(map[string]int, len(c.t.Rows))
	parts := make([]string, len(keys))
	for i, r := range c.t.Rows {
		if i%1024 == 0 && ctx.Err() != nil {
			return
		}
		missing := false
		for k, j := range cols {
			v := r.Cells[j].Value
			if v == nil {
				missing = true
				break
			}
			parts[k] = keyText(v, r.Cells[j].Raw)
		}
		if missing {
			continue
		}
		key := strings.Join(parts, "\x00")
		if first, dup := seen[key]; dup {
			out.add([]catalog.Issue{c.uniqueIssue(i, cols[0], parts, first)})
			continue
		}
		seen[key] = i
	}
}

// keyText is the text of a key value, as the file shows it when it can.
func keyText(v any, raw string) string {
	if s, ok := v.(string); ok {
		return s
	}
	if raw != "" {
		return raw
	}
	return valueText(v)
}

// sumParts adds the funding parts present in row i. ok is false when no
// part is present or one is not a number (already reported as a type issue).
func (c *checker) sumParts(i int) (sum float64, ok bool) {
	n := 0
	cells := c.t.Rows[i].Cells
	for _, j := range c.partCols {
		v := cells[j].Value
		if v == nil {
			continue
		}
		x, isNum := v.(float64)
		if !isNum {
			return 0, false
		}
		sum += x
		n++
	}
	return sum, n > 0
}

// sameAmount compares amounts in euros, allowing one cent of rounding.
func sameAmount(a, b float64) bool {
	return math.Abs(math.Round(a*100)-math.Round(b*100)) <= 1
}
