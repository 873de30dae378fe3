package catalog

import (
	"io/fs"
	"time"
)

// Build is everything a run knows that the portal and the exports show: the
// catalog, and for each dataset its published version, history and status.
type Build struct {
	Portal    Portal
	Generated time.Time
	Datasets  []DatasetState
	// Schemas by name, for the schema tables on dataset pages.
	Schemas map[string]*Schema
	// Files is the catalog folder, for the files the portal draws from
	// besides the datasets (the comuni's boundaries); nil when unknown.
	Files fs.FS `json:"-"`
}

// DatasetState is one dataset after a run.
type DatasetState struct {
	Dataset Dataset
	Status  Status
	// Current is the published version; nil when none was ever accepted.
	Current *Version
	// History lists every accepted version, newest first.
	History []Version
	// Latest is the most recent attempt (accepted or not), with its issues.
	Latest *Attempt
	// LastGoodFetch is when the source last gave a file that was accepted.
	LastGoodFetch time.Time
	// Table is the content of the current version; nil when there is none
	// or when it is left to LoadTable.
	Table *Table
	// Preview holds the columns and the first rows of the current version,
	// for the dataset's page; the number of rows is Current.Rows.
	Preview *Table
	// LoadTable reads the content of the current version on demand, so
	// that a portal of thousands of datasets never holds them all in
	// memory; nil when there is no current version.
	LoadTable func() (*Table, error) `json:"-"`
	// Downloads of the current version, then of each older version.
	Downloads []Download
	// SchemaSource names the schema the dataset is checked with and its
	// version; nil when unknown.
	SchemaSource *SchemaSource
	// Recheck is set when the published version no longer passes its
	// changed schema: it stays published, with this warning.
	Recheck *Recheck
}

// Download is one file of a dataset on the portal.
type Download struct {
	// Format is "csv", "json", "xlsx", "schema", "report" or "datapackage".
	Format string `json:"format"`
	// Path is the URL path from the portal root, without a leading slash,
	// e.g. "datasets/comuni/comuni.csv".
	Path      string `json:"path"`
	Size      int64  `json:"size"`
	MediaType string `json:"mediaType"`
	// Version is the version the file belongs to; empty for "latest".
	Version string `json:"version,omitempty"`
	// Checksum is the SHA-256 of the file.
	Checksum string `json:"checksum,omitempty"`
	// Table names the related table (Table.Related) the file holds;
	// empty for the main table and the other files.
	Table string `json:"table,omitempty"`
}

// Content returns the table of the current version, reading it with
// LoadTable when it is not in memory; nil when there is no current version.
func (d *DatasetState) Content() (*Table, error) {
	if d.Table != nil || d.LoadTable == nil {
		return d.Table, nil
	}
	return d.LoadTable()
}
