// Package datasets is the default catalog that the program publishes out of
// the box: the portal file, one YAML file per dataset, and the data files
// under data/. It holds no logic; pipeline/config reads it.
package datasets

import "embed"

// FS is the catalog folder: portal.yaml and the dataset files at the root,
// the data files under data/, the schema files under schemas/, the comuni's
// boundaries under geo/, with README.md and PROVENANCE.md beside them.
//
//go:embed *.yaml *.md data geo schemas
var FS embed.FS
