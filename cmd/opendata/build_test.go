package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/provincia-como/opendata/pipeline"
	"github.com/provincia-como/opendata/pipeline/catalog"
)

// TestSummaryStaleSource: the summary of a build says, in English and in
// Italian, that a comune's server did not answer and which version stays
// published; a real dataset's stale source still makes the exit code 3.
func TestSummaryStaleSource(t *testing.T) {
	accepted := time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)
	res := &pipeline.Result{
		Rendered: true,
		Outcomes: []pipeline.Outcome{
			{ID: "comuni", Status: catalog.Accepted, Rows: 147},
			{ID: "pnrr-erba", Status: catalog.Stale, Reason: catalog.Text{It: "il server non ha risposto entro 30 s", En: "the server did not answer within 30 s"}},
		},
		Build: &catalog.Build{Datasets: []catalog.DatasetState{
			{Dataset: catalog.Dataset{ID: "comuni"}, Status: catalog.Accepted},
			{Dataset: catalog.Dataset{ID: "pnrr-erba"}, Status: catalog.Stale, Current: &catalog.Version{ID: "abc", Accepted: accepted}},
		}},
	}
	var out bytes.Buffer
	printSummary(&out, res, "public")
	for _, want := range []string{
		"2 datasets, 1 accepted, 1 refused;",
		"the server did not answer within 30 s; the version of 2026-11-28 stays published",
		"il server non ha risposto entro 30 s; resta pubblicata la versione del 28/11/2026",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the summary does not say %q:\n%s", want, out.String())
		}
	}
	var ee *exitError
	if err := refusals(res); err == nil || !errors.As(err, &ee) || ee.code != exitRejected {
		t.Errorf("a real dataset's stale source: %v, want exit 3", err)
	}
	res.Build.Datasets[1].Dataset.Example = true
	if err := refusals(res); err != nil {
		t.Errorf("an example dataset's stale source: %v, want exit 0", err)
	}
}
