package site

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// TestStaleSource: when a comune's server did not answer, the dataset page
// and the quality page say so and name the date of the version that stays
// published (the fixture's version of 25 November 2026), in Italian and
// English.
func TestStaleSource(t *testing.T) {
	b := fixture()
	var found bool
	for i := range b.Datasets {
		d := &b.Datasets[i]
		if d.Dataset.ID != "progetti-como" {
			continue
		}
		found = true
		d.Status = catalog.Stale
		d.Latest = &catalog.Attempt{At: d.Current.Accepted.AddDate(0, 0, 3), Status: catalog.Stale,
			Reason: catalog.Text{It: "il server non ha risposto entro 30 s", En: "the server did not answer within 30 s"}}
	}
	if !found {
		t.Fatal("the fixture has no progetti-como")
	}
	out := t.TempDir()
	if _, err := Render(context.Background(), b, out, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []struct{ prefix, want string }{
		{"", "Il server non ha risposto entro 30 s; resta pubblicata la versione del 25 novembre 2026."},
		{"en/", "The server did not answer within 30 s; the version of 25 November 2026 stays published."},
	} {
		for _, p := range []string{"datasets/progetti-como/index.html", "qualita/index.html"} {
			if page := read(t, out, lang.prefix+p); !strings.Contains(page, lang.want) {
				t.Errorf("%s%s does not say %q", lang.prefix, p, lang.want)
			}
		}
		if page := read(t, out, lang.prefix+"datasets/progetti-como/index.html"); strings.Contains(page, "celle indicate") || strings.Contains(page, "Fix the cells") {
			t.Errorf("%s: a source that did not answer is not a file to fix", lang.prefix)
		}
	}
}
