package catalog

import "time"

// Status is where a dataset stands after the latest run.
type Status string

const (
	// Accepted: the latest file was valid and is published.
	Accepted Status = "accepted"
	// Refused: the latest file was invalid; the last good version (if any)
	// stays published.
	Refused Status = "refused"
	// Stale: the source could not be fetched; the last good version stays.
	Stale Status = "stale"
	// Missing: no good version has ever been accepted.
	Missing Status = "missing"
)

// Version is one accepted content of a dataset. Its ID is the hash of the
// normalised content, so the same data read from a reformatted file is the
// same version.
type Version struct {
	ID string `json:"id"`
	// Checksum is the SHA-256 of the raw file the version came from.
	Checksum  string    `json:"checksum"`
	Accepted  time.Time `json:"accepted"`
	Rows      int       `json:"rows"`
	SourceRef string    `json:"source"`
	// Warnings counts non-blocking issues.
	Warnings int `json:"warnings,omitempty"`
	// Related names the version's related tables (an L. 190 file's
	// partecipanti, aggiudicatari, metadata), so that the files of an old
	// version can be found without reading it back.
	Related []string `json:"related,omitempty"`
}

// Attempt is one file the pipeline read for a dataset, good or not.
type Attempt struct {
	At       time.Time `json:"at"`
	Checksum string    `json:"checksum,omitempty"`
	Status   Status    `json:"status"`
	// Reason is the first blocking issue or the fetch error, for people.
	Reason Text    `json:"reason,omitempty"`
	Issues []Issue `json:"issues,omitempty"`
}

// Provenance says where raw bytes came from.
type Provenance struct {
	Source   string    `json:"source"`
	Fetched  time.Time `json:"fetched"`
	Checksum string    `json:"checksum"`
	Size     int64     `json:"size"`
	// Modified is the modification time of a file source, so that an
	// untouched file need not be read again to know it is unchanged.
	Modified time.Time `json:"modified,omitzero"`
	// ETag and LastModified come from HTTP sources, for conditional GETs.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	// Parts, for a source that is an index of other files (an L. 190
	// indici file), are the files it led to, each with its own
	// provenance for conditional requests; Checksum is then a checksum of
	// the index's bytes and of theirs together.
	Parts []Provenance `json:"parts,omitempty"`
}
