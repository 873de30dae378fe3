// Package export writes the downloads of a dataset: normalised CSV, JSON and
// XLSX of every accepted version, its schema and its validation report.
package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Media types of the downloads, as the publisher and the catalog declare them.
const (
	MediaCSV  = "text/csv; charset=utf-8"
	MediaJSON = "application/json"
	MediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// TableLoader returns the table of a version of a dataset.
type TableLoader func(version string) (*catalog.Table, error)

// Dataset writes the files of one dataset under outDir/datasets/<id>/:
//
//	<id>.csv .json .xlsx            the published version
//	<id>-<table>.csv .json .xlsx    its related tables (RelatedDownloads)
//	<version>/<id>.csv .json .xlsx  every accepted version, never rewritten,
//	<version>/<id>-<table>.*        with its related tables
//	schema.json                     the JSON Schema the data follows
//	report.json                     the issues of the latest file read
//
// and returns them as downloads, the published version first.
func Dataset(ctx context.Context, outDir string, st *catalog.DatasetState, s *catalog.Schema, load TableLoader) ([]catalog.Download, error) {
	id := st.Dataset.ID
	dir := path.Join("datasets", id)
	var downloads []catalog.Download
	table := st.Table
	if table == nil && st.LoadTable != nil {
		var err error
		if table, err = st.LoadTable(); err != nil {
			return nil, fmt.Errorf("export %s: %w", id, err)
		}
	}
	var latest map[string][]byte // the published version's files, by format
	// latestRelated are the published version's related files, by table.
	latestRelated := map[string]map[string][]byte{}
	if st.Current != nil && table != nil {
		d, files, err := writeTable(ctx, outDir, dir, id, "", table, s)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", id, err)
		}
		downloads = append(downloads, d...)
		latest = files
		rel, err := writeRelated(ctx, outDir, dir, id, "", table, latestRelated)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", id, err)
		}
		downloads = append(downloads, rel...)
	}
	for _, v := range st.History {
		vdir := path.Join(dir, v.ID)
		current := latest != nil && st.Current.ID == v.ID
		// loaded reads the version back from the store once, when some of
		// its files are missing.
		var vt *catalog.Table
		loaded := func() (*catalog.Table, error) {
			if vt != nil {
				return vt, nil
			}
			t, err := load(v.ID)
			if err != nil {
				return nil, fmt.Errorf("export %s version %s: %w", id, v.ID, err)
			}
			vt = t
			return t, nil
		}
		d, err := existingTable(outDir, vdir, id, v.ID)
		if err != nil && current {
			// The published version's own folder gets the same bytes.
			d, err = copyTable(outDir, vdir, id, v.ID, latest)
		}
		if err != nil {
			t, lerr := loaded()
			if lerr != nil {
				return nil, lerr
			}
			if d, _, err = writeTable(ctx, outDir, vdir, id, v.ID, t, s); err != nil {
				return nil, fmt.Errorf("export %s version %s: %w", id, v.ID, err)
			}
		}
		downloads = append(downloads, d...)
		// Its related tables too: a version is cited with its bidders and
		// winners as they were.
		for _, name := range v.Related {
			if !relatedPublished(name) {
				continue
			}
			rid := id + "-" + name
			d, err := existingTable(outDir, vdir, rid, v.ID)
			if err != nil && current && latestRelated[name] != nil {
				d, err = copyTable(outDir, vdir, rid, v.ID, latestRelated[name])
			}
			if err != nil {
				t, lerr := loaded()
				if lerr != nil {
					return nil, lerr
				}
				rt := relatedTable(t, name)
				if rt == nil {
					continue // named but not stored: nothing to write
				}
				if d, _, err = writeTable(ctx, outDir, vdir, rid, v.ID, rt, nil); err != nil {
					return nil, fmt.Errorf("export %s version %s %s: %w", id, v.ID, name, err)
				}
			}
			for i := range d {
				d[i].Table = name
			}
			downloads = append(downloads, d...)
		}
	}
	if s != nil && len(s.JSON) > 0 {
		d, err := writeFile(outDir, path.Join(dir, "schema.json"), "schema", MediaJSON, "", s.JSON)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", id, err)
		}
		downloads = append(downloads, d)
	}
	report, err := Report(st)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", id, err)
	}
	d, err := writeFile(outDir, path.Join(dir, "report.json"), "report", MediaJSON, "", report)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", id, err)
	}
	return append(downloads, d), nil
}

// formats lists the table formats in the order they are offered.
var formats = []struct {
	ext, media string
	write      func(*bytes.Buffer, *catalog.Table, []string) error
}{
	{"csv", MediaCSV, WriteCSV},
	{"json", MediaJSON, WriteJSON},
	{"xlsx", MediaXLSX, WriteXLSX},
}

// RelatedDownloads tells whether a related table of a version gets its own
// downloads. The L. 190 metadata do not: one row about the source file
// (its title, publisher, URL and licence), which the lotti's year and the
// dataset's page already say; it is kept in the store for the OCDS
// packages.
func RelatedDownloads(t *catalog.Table) bool {
	return t != nil && relatedPublished(t.Name)
}

func relatedPublished(name string) bool { return name != "" && name != "metadata" }

// writeRelated writes the published version's related tables beside its
// main files, with the same writers: the table's own typed columns.
// The bytes written are kept in files, by table and format, for the
// version's own folder.
func writeRelated(ctx context.Context, outDir, dir, id, version string, t *catalog.Table, files map[string]map[string][]byte) ([]catalog.Download, error) {
	var out []catalog.Download
	for _, r := range t.Related {
		if !RelatedDownloads(r) {
			continue
		}
		d, b, err := writeTable(ctx, outDir, dir, id+"-"+r.Name, version, r, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Name, err)
		}
		files[r.Name] = b
		for i := range d {
			d[i].Table = r.Name
		}
		out = append(out, d...)
	}
	return out, nil
}

// relatedTable is t's related table of that name, or nil.
func relatedTable(t *catalog.Table, name string) *catalog.Table {
	for _, r := range t.Related {
		if r != nil && r.Name == name {
			return r
		}
	}
	return nil
}

func writeTable(ctx context.Context, outDir, dir, id, version string, t *catalog.Table, s *catalog.Schema) ([]catalog.Download, map[string][]byte, error) {
	fields := Fields(t, s)
	t = Typed(t, s)
	var out []catalog.Download
	files := map[string][]byte{}
	for _, f := range formats {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		var buf bytes.Buffer
		if err := f.write(&buf, t, fields); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", f.ext, err)
		}
		d, err := writeFile(outDir, path.Join(dir, id+"."+f.ext), f.ext, f.media, version, buf.Bytes())
		if err != nil {
			return nil, nil, err
		}
		out = append(out, d)
		files[f.ext] = buf.Bytes()
	}
	return out, files, nil
}

// copyTable writes files already made for another folder.
func copyTable(outDir, dir, id, version string, files map[string][]byte) ([]catalog.Download, error) {
	var out []catalog.Download
	for _, f := range formats {
		d, err := writeFile(outDir, path.Join(dir, id+"."+f.ext), f.ext, f.media, version, files[f.ext])
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// existingTable describes the files of a version already written by an
// earlier run: a version's files never change once written.
func existingTable(outDir, dir, id, version string) ([]catalog.Download, error) {
	var out []catalog.Download
	for _, f := range formats {
		p := path.Join(dir, id+"."+f.ext)
		b, err := os.ReadFile(filepath.Join(outDir, filepath.FromSlash(p)))
		if err != nil {
			return nil, err
		}
		out = append(out, download(p, f.ext, f.media, version, b))
	}
	return out, nil
}

// WriteDownload writes b to the slash path p under outDir as WriteFile
// does and describes it as a download of the latest version.
func WriteDownload(outDir, p, format, media string, b []byte) (catalog.Download, error) {
	return writeFile(outDir, p, format, media, "", b)
}

func writeFile(outDir, p, format, media, version string, b []byte) (catalog.Download, error) {
	if err := WriteFile(outDir, p, b); err != nil {
		return catalog.Download{}, err
	}
	return download(p, format, media, version, b), nil
}

// WriteFile writes b to the slash path p under outDir atomically, and
// leaves an identical file alone so that its modification time tells the
// publisher nothing changed.
func WriteFile(outDir, p string, b []byte) error {
	full := filepath.Join(outDir, filepath.FromSlash(p))
	if old, err := os.ReadFile(full); err == nil && bytes.Equal(old, b) {
		return nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	tmp := full + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, full)
}

func download(p, format, media, version string, b []byte) catalog.Download {
	sum := sha256.Sum256(b)
	return catalog.Download{Format: format, Path: p, Size: int64(len(b)), MediaType: media, Version: version, Checksum: hex.EncodeToString(sum[:])}
}

// Report is the validation report of a dataset's latest file, as JSON.
func Report(st *catalog.DatasetState) ([]byte, error) {
	type report struct {
		Dataset string           `json:"dataset"`
		Status  catalog.Status   `json:"status"`
		Current string           `json:"publishedVersion,omitempty"`
		Latest  *catalog.Attempt `json:"latestFile,omitempty"`
		Issues  []catalog.Issue  `json:"issues"`
		Counts  map[string]int   `json:"counts"`
		Schema  string           `json:"schema"`
		Source  catalog.Source   `json:"source"`
	}
	r := report{Dataset: st.Dataset.ID, Status: st.Status, Issues: []catalog.Issue{}, Counts: map[string]int{"error": 0, "warning": 0}, Schema: st.Dataset.Schema, Source: st.Dataset.Source}
	if st.Current != nil {
		r.Current = st.Current.ID
	}
	if st.Latest != nil {
		latest := *st.Latest
		latest.Issues = nil
		r.Latest = &latest
		r.Issues = append(r.Issues, st.Latest.Issues...)
		for _, i := range st.Latest.Issues {
			if i.Severity == catalog.Warning {
				r.Counts["warning"]++
			} else {
				r.Counts["error"]++
			}
		}
	}
	return json.MarshalIndent(r, "", " ")
}
