// Package config reads the catalog: the portal file and one file per
// dataset, written in YAML by the Province's staff.
//
// Reading happens in three steps, each in one place: strict decoding (an
// unknown key is an error with its file and line), defaults, validation.
// Every problem found is reported, not just the first, so that whoever edits
// the catalog can fix them all in one go.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// PortalFile is the name of the portal file at the root of the catalog.
const PortalFile = "portal.yaml"

// Error is one problem in a catalog file, with the line to look at.
type Error struct {
	File string
	// Line is 1-based; 0 when the problem concerns the whole file.
	Line    int
	Message catalog.Text
}

func (e *Error) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return where + ": " + e.Message.It + " / " + e.Message.En
}

// Load reads the catalog in fsys: portal.yaml and every other *.yaml file at
// the root, one dataset each. Source paths are relative to the root of fsys.
// Datasets come back sorted by id. The error, when not nil, joins one *Error
// per problem found in any file.
func Load(fsys fs.FS) (*catalog.Catalog, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	var errs []error
	cat := &catalog.Catalog{}

	pdoc, perr := readDoc(fsys, PortalFile, &cat.Portal)
	errs = append(errs, perr...)

	var docs []*doc
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == PortalFile {
			continue
		}
		switch path.Ext(name) {
		case ".yaml":
		case ".yml":
			errs = append(errs, &Error{File: name, Message: catalog.Text{
				It: "i file del catalogo devono terminare in «.yaml»: rinominare il file, altrimenti viene ignorato",
				En: "catalog files must end in \".yaml\": rename the file, otherwise it is ignored",
			}})
			continue
		default:
			continue
		}
		var ds catalog.Dataset
		d, derr := readDoc(fsys, name, &ds)
		errs = append(errs, derr...)
		if d == nil {
			continue
		}
		ds.File = name
		d.dataset = ds
		docs = append(docs, d)
	}

	// Defaults need a readable portal; a dataset's own mandatory fields are
	// checked before defaults so that "missing" means missing in the file.
	if pdoc != nil {
		errs = append(errs, requirePortal(pdoc, &cat.Portal)...)
		errs = append(errs, writtenTimeouts(pdoc, "source_timeout.", cat.Portal.SourceTimeout)...)
		errs = append(errs, positive(pdoc, "pull_timeout", cat.Portal.PullTimeout)...)
	}
	for _, d := range docs {
		errs = append(errs, requireDataset(d)...)
		errs = append(errs, writtenTimeouts(d, "source.timeout.", d.dataset.Source.Timeout)...)
	}
	applyDefaults(&cat.Portal, docs)
	if pdoc != nil {
		errs = append(errs, validatePortal(pdoc, &cat.Portal)...)
	}
	errs = append(errs, validateDatasets(fsys, docs)...)

	for _, d := range docs {
		cat.Datasets = append(cat.Datasets, d.dataset)
	}
	sort.SliceStable(cat.Datasets, func(i, j int) bool {
		return cat.Datasets[i].ID < cat.Datasets[j].ID
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return cat, nil
}

// applyDefaults is the one place where missing optional values are filled.
func applyDefaults(p *catalog.Portal, docs []*doc) {
	if p.Schedule == "" {
		p.Schedule = "0 3 * * *"
	}
	if len(p.Languages) == 0 {
		p.Languages = []string{"it", "en"}
	}
	if webURL(p.BaseURL) && !strings.HasSuffix(p.BaseURL, "/") {
		p.BaseURL += "/"
	}
	if p.Title.En == "" {
		p.Title.En = p.Title.It
	}
	if p.Publisher.Contact == "" {
		p.Publisher.Contact = p.Publisher.Name.It
	}
	if p.SourceTimeout.Attempt == 0 {
		p.SourceTimeout.Attempt = catalog.DefaultAttemptTimeout
	}
	if p.SourceTimeout.Total == 0 {
		p.SourceTimeout.Total = max(catalog.DefaultSourceTimeout, p.SourceTimeout.Attempt)
	}
	if p.PullTimeout == 0 {
		p.PullTimeout = catalog.DefaultPullTimeout
	}
	for _, d := range docs {
		ds := &d.dataset
		if ds.License == "" {
			ds.License = p.License
		}
		if ds.Schedule == "" {
			ds.Schedule = p.Schedule
		}
		// A value the dataset writes wins over the portal's, and a single
		// value written alone never contradicts the other one's default.
		t := &ds.Source.Timeout
		if t.Attempt == 0 {
			t.Attempt = p.SourceTimeout.Attempt
			if t.Total != 0 {
				t.Attempt = min(t.Attempt, t.Total)
			}
		}
		if t.Total == 0 {
			t.Total = max(p.SourceTimeout.Total, t.Attempt)
		}
		if ds.Title.En == "" {
			ds.Title.En = ds.Title.It
		}
	}
}
