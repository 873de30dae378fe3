package site

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// The dataset page names the schema and its version; a published version
// that no longer passes its changed schema is listed on the quality page.
func TestRenderSchemaVersionAndRecheck(t *testing.T) {
	b := fixture()
	for i := range b.Datasets {
		d := &b.Datasets[i]
		if d.Dataset.ID != "progetti-como" {
			continue
		}
		d.SchemaSource = &catalog.SchemaSource{Ref: "progetti", Kind: "url", Format: "jsonschema", Checksum: "9c694f4f78e8ecbbbc432ad7",
			Fetched: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
		d.Recheck = &catalog.Recheck{At: d.Current.Accepted, Schema: "9c694f4f", Reason: catalog.Text{It: "progetti.csv:3:4: importo negativo", En: "progetti.csv:3:4: negative amount"}}
	}
	out := t.TempDir()
	if _, err := Render(context.Background(), b, out, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	page := read(t, out, filepath.Join("datasets", "progetti-como", "index.html"))
	for _, want := range []string{"Schema progetti, versione 9c694f4f78e8 scaricata il 20 novembre 2026", "non lo rispetta più"} {
		if !strings.Contains(page, want) {
			t.Errorf("dataset page does not say %q", want)
		}
	}
	quality := read(t, out, filepath.Join("qualita", "index.html"))
	if !strings.Contains(quality, "Progetti finanziati del Comune di Como") || !strings.Contains(quality, "progetti.csv:3:4: importo negativo") {
		t.Errorf("quality page does not list the rechecked dataset:\n%s", quality)
	}
	if en := read(t, out, filepath.Join("en", "datasets", "progetti-como", "index.html")); !strings.Contains(en, "version 9c694f4f78e8 fetched on") {
		t.Error("English dataset page does not name the schema version")
	}
}
