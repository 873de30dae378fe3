package catalog

import "time"

// SchemaSource says which schema a dataset was checked with: where it comes
// from and which version of it, for the dataset's page.
type SchemaSource struct {
	// Ref is the reference as the catalog writes it: a built-in name, a
	// path in the catalog folder or an https:// address.
	Ref string `json:"ref"`
	// Kind is "builtin", "file" or "url".
	Kind string `json:"kind"`
	// Format is "jsonschema" or "tableschema".
	Format string `json:"format"`
	// Checksum is the SHA-256 of the schema document; its first digits
	// name the version.
	Checksum string `json:"checksum"`
	// Fetched is when the copy in use was downloaded (URLs only).
	Fetched time.Time `json:"fetched,omitzero"`
	// Warning is set when the address could not give the schema and the
	// last good copy served.
	Warning Text `json:"warning,omitzero"`
}

// Recheck is the published version checked again because its schema
// changed, and found no longer valid: it stays published, with a warning.
type Recheck struct {
	At time.Time `json:"at"`
	// Schema is the checksum of the schema it was checked against.
	Schema string  `json:"schema"`
	Reason Text    `json:"reason"`
	Issues []Issue `json:"issues,omitempty"`
}
