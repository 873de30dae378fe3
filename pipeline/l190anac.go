package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/export"
	"github.com/provincia-como/opendata/pipeline/export/anac"
	l190read "github.com/provincia-como/opendata/pipeline/ingest/l190"
)

// ANACFormat is the download format of the ANAC XML files of an L. 190
// dataset: the yearly dataset files and their index.
const ANACFormat = "anac"

// TemplateFormat is the download format of the blank workbook of lotti
// and bidders (l190read.TemplateName) offered with every L. 190 dataset.
const TemplateFormat = "modello"

const xlsxMedia = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// ANACDir is the folder, from the portal root, of a dataset's ANAC files:
// its index, datasets/<id>/anac/indice.xml, is the address a comune
// communicates to ANAC, the same every year.
func ANACDir(id string) string { return path.Join("datasets", id, "anac") }

// writeANAC writes ANAC's v1.3 XML of an L. 190 dataset's published
// version: one dataset file per reference year and the index listing them,
// under ANACDir, with absolute URLs on the portal's base_url. The dates
// written are those of the first and of the current accepted version, so
// the same data give the same bytes.
func writeANAC(ctx context.Context, outDir string, portal catalog.Portal, st *catalog.DatasetState) ([]catalog.Download, error) {
	d := st.Dataset
	dir := ANACDir(d.ID)
	// The blank workbook for clerks who do not produce the XML, beside the
	// files it turns into; offered before any version is published too.
	tpl, err := l190read.Template()
	if err != nil {
		return nil, fmt.Errorf("anac: template: %w", err)
	}
	dl, err := export.WriteDownload(outDir, path.Join(dir, l190read.TemplateName), TemplateFormat, xlsxMedia, tpl)
	if err != nil {
		return nil, fmt.Errorf("anac: template: %w", err)
	}
	out := []catalog.Download{dl}
	if st.Current == nil {
		return out, nil
	}
	t, err := st.Content()
	if err != nil || t == nil {
		return out, err
	}
	tabs := anac.Tables{Lotti: t}
	for _, r := range t.Related {
		switch r.Name {
		case "metadata":
			tabs.Metadata = r
		case "partecipanti":
			tabs.Partecipanti = r
		case "aggiudicatari":
			tabs.Aggiudicatari = r
		}
	}
	if tabs.Partecipanti == nil || t.ColumnOf("riga_xml") < 0 {
		return out, nil // a version stored before related tables
	}
	first := st.Current.Accepted
	for _, v := range st.History {
		if v.Accepted.Before(first) {
			first = v.Accepted
		}
	}
	opt := anac.Options{
		BaseURL: strings.TrimRight(portal.BaseURL, "/") + "/" + dir + "/",
		Title:   d.Title.It, Ente: ente(t, portal), License: cmp.Or(d.License, portal.License),
		Published: first.UTC().Format(time.DateOnly), Updated: st.Current.Accepted.UTC().Format(time.DateOnly),
	}
	if portal.BaseURL == "" {
		opt.BaseURL = "/" + dir + "/" // no base_url: paths from the portal root
	}
	res, err := anac.Build(tabs, opt)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, f := range res.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		dl, err = export.WriteDownload(outDir, path.Join(dir, f.Name), ANACFormat, anac.MediaType, f.XML)
		if err != nil {
			return nil, fmt.Errorf("anac %s: %w", f.Name, err)
		}
		out = append(out, dl)
		keep[f.Name] = true
	}
	// A year no longer in the data leaves no file behind.
	entries, err := os.ReadDir(filepath.Join(outDir, filepath.FromSlash(dir)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("anac: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".xml") && !keep[e.Name()] {
			if err := os.Remove(filepath.Join(outDir, filepath.FromSlash(dir), e.Name())); err != nil {
				return nil, fmt.Errorf("anac: %w", err)
			}
		}
	}
	return out, nil
}

// ente is the publisher written when the version has no metadata (a
// workbook): the contracting body of the first lotto, which for a comune's
// own contracts is the comune, else the portal's publisher.
func ente(t *catalog.Table, portal catalog.Portal) string {
	if c := t.ColumnOf("denominazione"); c >= 0 && len(t.Rows) > 0 {
		if s, ok := t.Rows[0].Cells[c].Value.(string); ok && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return portal.Publisher.Name.It
}
