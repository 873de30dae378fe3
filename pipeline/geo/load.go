package geo

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Where the catalog keeps the boundaries and the table of merges.
const (
	BoundariesFile = "geo/comuni-como.topo.json"
	MergesFile     = "geo/fusioni.csv"
)

// Load is the build's one call: it reads the boundaries and the merges
// from the catalog fsys, dissolves the merged comuni, projects the map
// with the defaults and checks it against the registry's ISTAT codes. A
// catalog with no table of merges has none to apply. Issues are bad data
// to show the publisher; the error is a file that cannot be read.
func Load(fsys fs.FS, registry []string) (*Map, []catalog.Issue, error) {
	f, err := fsys.Open(BoundariesFile)
	if err != nil {
		return nil, nil, fmt.Errorf("geo: %w", err)
	}
	defer f.Close()
	topo, err := Read(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", BoundariesFile, err)
	}
	var merges []Merge
	mf, err := fsys.Open(MergesFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, nil, fmt.Errorf("geo: %w", err)
	default:
		defer mf.Close()
		if merges, err = ReadMerges(mf); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", MergesFile, err)
		}
	}
	issues, err := topo.Dissolve(BoundariesFile, merges)
	if err != nil {
		return nil, issues, fmt.Errorf("%s: %w", BoundariesFile, err)
	}
	m := topo.Project(DefaultWidth, DefaultMinArea)
	return m, append(issues, m.Check(BoundariesFile, registry)...), nil
}
