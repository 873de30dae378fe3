package site

import (
	"bufio"
	"cmp"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Progress in the data model: each dataset that reports a project gives
// facts (its state and since when, amounts paid, dates); the portal maps
// the publisher's state codes to its own (Dataset.States), merges the
// facts of every dataset with the same CUP, each with its source, and
// shows side by side the facts that disagree.

// CessatiFile is the catalog's table of comuni that no longer exist:
// code, name and the comune they merged into. A row whose comune code is
// "N/D" (PA digitale writes that for a merged comune) is placed by name.
const CessatiFile = "geo/comuni-cessati.csv"

// report is one row of a dataset that reports a project.
func (p *project) reports() []source {
	out := []source{{Dataset: p.Dataset, Line: p.Line, rec: p.rec, raw: p.raw}}
	return append(out, p.Also...)
}

func (s source) text(field string) string {
	return project{rec: s.rec, raw: s.raw}.text(field)
}

// state is the portal's state a row gives: the dataset's mapping of the
// publisher's code, or the code itself when it is one of the portal's.
// known is false for a code with no mapping, shown as the source wrote it.
func (s source) state() (st catalog.ProjectState, raw string, known bool) {
	raw = strings.TrimSpace(s.text("stato"))
	if raw == "" {
		return "", "", false
	}
	if m, ok := s.Dataset.Dataset.States[raw]; ok {
		return m, raw, true
	}
	for _, v := range catalog.ProjectStates() {
		if strings.EqualFold(string(v), raw) {
			return v, raw, true
		}
	}
	return "", raw, false
}

// day reads the date part of a field ("2024-06-26", or the start of
// "2022-09-21T09:35:39.000+0000").
func (s source) day(field string) (time.Time, bool) {
	v := strings.TrimSpace(s.text(field))
	if len(v) < 10 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, v[:10])
	return t, err == nil
}

// addParts adds to a project the amounts of another row of the same
// dataset with the same CUP: two grants of one project (PA digitale's
// "quota 1.1" and "quota 1.2"), whose amounts add up. Rows of other
// datasets report the same money, so their amounts are facts to compare.
func addParts(p, q *project) {
	if p.Dataset != q.Dataset {
		return
	}
	fields := []string{"finanziamento_totale", "importo_pagato"}
	for _, s := range fundingSources {
		fields = append(fields, s.Field)
	}
	for _, f := range fields {
		v, ok := q.rec[f].(float64)
		if !ok {
			continue
		}
		w, _ := p.rec[f].(float64)
		p.rec[f] = w + v
	}
}

// stateEvent is one state of a project with the day it began.
type stateEvent struct {
	State catalog.ProjectState
	Raw   string // the source's own code, when it is not ours
	Since time.Time
	From  source
}

// progressOf is what the portal knows of a project's progress.
type progressOf struct {
	// Current is the latest state; Raw when the code maps to none of ours.
	Current stateEvent
	// History lists the states with the day each began, oldest first.
	History []stateEvent
	// Paid is the amount paid to date; ok false when nobody says.
	Paid    float64
	PaidOK  bool
	Derived bool // Paid comes from the state "erogato": paid in full
	Amount  float64
	// Dates, zero when not given.
	Applied, PlannedStart, PlannedEnd, ActualStart, ActualEnd time.Time
	// Late is a planned end passed (before the build) with no actual end
	// and the project not closed.
	Late bool
	// Conflicts are the facts the sources disagree on.
	Conflicts []conflict
}

// conflict is one fact reported differently by two or more sources.
type conflict struct {
	Fact   catalog.Text
	Values []factValue
}

type factValue struct {
	Text string
	From source
}

// progress gathers the facts of every row reporting the project; today is
// the build's time, never the machine's clock.
func (p *project) progress(f formatter, today time.Time) progressOf {
	var g progressOf
	rs := p.reports()
	first := func(field string) time.Time {
		for _, r := range rs {
			if t, ok := r.day(field); ok {
				return t
			}
		}
		return time.Time{}
	}
	g.Applied = first("invio_candidatura")
	g.PlannedStart, g.PlannedEnd = first("data_inizio_prevista"), first("data_fine_prevista")
	g.ActualStart, g.ActualEnd = first("data_inizio_effettiva"), first("data_fine_effettiva")

	// The states each row gives, and those its dates imply.
	add := func(e stateEvent) {
		if e.State == "" && e.Raw == "" {
			return
		}
		for _, h := range g.History {
			if h.State == e.State && h.Raw == e.Raw && (h.Since.Equal(e.Since) || e.Since.IsZero()) {
				return
			}
		}
		g.History = append(g.History, e)
	}
	for _, r := range rs {
		if t, ok := r.day("data_finanziamento"); ok {
			add(stateEvent{State: catalog.StateAssigned, Since: t, From: r})
		} else if t, ok := r.day("data_convenzione"); ok {
			add(stateEvent{State: catalog.StateAssigned, Since: t, From: r})
		}
		if t, ok := r.day("data_inizio_effettiva"); ok {
			add(stateEvent{State: catalog.StateOngoing, Since: t, From: r})
		}
		if t, ok := r.day("data_fine_effettiva"); ok {
			add(stateEvent{State: catalog.StateCompleted, Since: t, From: r})
		}
	}
	var current []stateEvent
	for _, r := range rs {
		st, raw, known := r.state()
		if raw == "" {
			continue
		}
		e := stateEvent{State: st, Since: time.Time{}, From: r}
		if !known {
			e.Raw = raw
		}
		if t, ok := r.day("data_stato"); ok {
			e.Since = t
		}
		current = append(current, e)
		add(e)
	}
	slices.SortStableFunc(g.History, func(a, b stateEvent) int {
		switch {
		case a.Since.IsZero() && !b.Since.IsZero():
			return 1
		case b.Since.IsZero() && !a.Since.IsZero():
			return -1
		}
		return a.Since.Compare(b.Since)
	})
	if len(current) > 0 {
		g.Current = current[0]
	} else if n := len(g.History); n > 0 {
		g.Current = g.History[n-1]
	}

	// Money: the amount, what was paid.
	g.Amount, _ = p.amount()
	if v, ok := p.num("importo_pagato"); ok {
		g.Paid, g.PaidOK = v, true
	} else if g.Current.State == catalog.StatePaid {
		if a, ok := p.amount(); ok {
			g.Paid, g.PaidOK, g.Derived = a, true, true
		}
	}
	g.Late = !g.PlannedEnd.IsZero() && g.PlannedEnd.Before(today) && g.ActualEnd.IsZero() && !g.Current.State.Closed()

	// Facts the sources disagree on, each value with its source.
	type factDef struct {
		label catalog.Text
		value func(source) string
		money bool
	}
	facts := []factDef{
		{catalog.Text{It: "Stato", En: "Status"}, func(r source) string {
			st, raw, known := r.state()
			if !known {
				return raw
			}
			return st.Label().In(f.lang)
		}, false},
		{catalog.Text{It: "Data dello stato", En: "Date of the status"}, func(r source) string { return f.isoDate(r.text("data_stato")) }, false},
		{catalog.Text{It: "Finanziamento totale", En: "Total funding"}, func(r source) string {
			v, ok := project{rec: r.rec}.amount()
			if !ok {
				return ""
			}
			return f.money(v)
		}, true},
		{catalog.Text{It: "Importo pagato", En: "Amount paid"}, func(r source) string {
			if v, ok := r.rec["importo_pagato"].(float64); ok {
				return f.money(v)
			}
			return ""
		}, true},
		{catalog.Text{It: "Fine prevista", En: "Planned end"}, func(r source) string { return f.isoDate(r.text("data_fine_prevista")) }, false},
		{catalog.Text{It: "Fine effettiva", En: "Actual end"}, func(r source) string { return f.isoDate(r.text("data_fine_effettiva")) }, false},
	}
	for _, fd := range facts {
		var vals []factValue
		distinct := map[string]bool{}
		for _, r := range rs {
			// Rows of the same dataset are parts of the project: their
			// amounts were added up, not compared.
			if fd.money && r.Dataset == p.Dataset && r.Line != p.Line {
				continue
			}
			v := fd.value(r)
			if v == "" {
				continue
			}
			vals = append(vals, factValue{Text: v, From: r})
			distinct[v] = true
		}
		if len(distinct) > 1 {
			g.Conflicts = append(g.Conflicts, conflict{Fact: fd.label, Values: vals})
		}
	}
	return g
}

// comuniOf lists the ISTAT codes of the comuni a row names, main one
// first: none for the Province's own projects (its IPA code as the body,
// or its code as the comune), and a merged comune's successor for a code
// written "N/D", found by name.
func (m *model) comuniOf(p *project) []string {
	if ipa := m.b.Portal.Publisher.IPA; ipa != "" && strings.EqualFold(strings.TrimSpace(p.text("codice_ipa")), ipa) {
		return nil
	}
	codes := p.comuni()
	code := strings.TrimSpace(p.text("codice_comune"))
	if code == "" || isCode(code) {
		return codes
	}
	// Not a code: the name says which comune.
	name := cmp.Or(strings.TrimSpace(p.text("denominazione_comune")), code)
	if c, ok := m.byName(name); ok {
		return append([]string{c}, slices.DeleteFunc(codes, func(s string) bool { return s == code || s == c })...)
	}
	m.unplaced = append(m.unplaced, unplacedRow{Dataset: p.Dataset, Line: p.Line, Code: code, Name: name})
	return slices.DeleteFunc(codes, func(s string) bool { return s == code })
}

func isCode(s string) bool {
	return (len(s) == 6 || len(s) == 3) && strings.Trim(s, "0123456789") == ""
}

// unplacedRow is a row whose comune could not be found: reported on the
// quality page, never dropped silently.
type unplacedRow struct {
	Dataset    *catalog.DatasetState
	Line       int
	Code, Name string
}

// byName finds a comune by name: one of the registry, or a comune that
// merged into one (the catalog's table of ceased comuni).
func (m *model) byName(name string) (string, bool) {
	key := nameKey(name)
	for _, c := range m.comuni {
		if nameKey(c.Name) == key {
			return c.Code, true
		}
	}
	if m.ceased == nil {
		m.ceased = readCeased(m.b.Files)
	}
	if code, ok := m.ceased[key]; ok && m.byCode[code] != nil {
		return code, true
	}
	return "", false
}

// nameKey compares names of comuni: case, accents, apostrophes and
// hyphens aside ("Uggiate-Trevano", "UGGIATE TREVANO").
func nameKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "Comune di "), "COMUNE DI ")))
	return slugify(s)
}

// readCeased reads the table of ceased comuni: name → successor's code.
// A catalog without the table has none.
func readCeased(fsys fs.FS) map[string]string {
	out := map[string]string{}
	if fsys == nil {
		return out
	}
	f, err := fsys.Open(CessatiFile)
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), ";")
		if first || len(cols) < 3 {
			continue
		}
		out[nameKey(cols[1])] = strings.TrimSpace(cols[2])
	}
	return out
}
