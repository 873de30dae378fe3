// Package schemas holds the JSON Schemas of the kinds of dataset the portal
// publishes, one row per schema, embedded in the program.
package schemas

import "embed"

// FS holds every schema file, named after the schema ("progetti.json").
//
//go:embed *.json
var FS embed.FS
