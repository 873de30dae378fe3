package pipeline

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/config"
	"github.com/provincia-como/opendata/pipeline/source"
	"github.com/provincia-como/opendata/pipeline/validate"
)

// Checker validates files without building: the code behind `opendata
// check` and the upload desk, the same the pipeline runs.
type Checker struct {
	Catalog  *catalog.Catalog
	schemas  map[string]*validate.Schema
	registry validate.Registry
}

// NewChecker loads the schemas and the registry of comuni of a catalog.
// Registry files are read from the catalog folder when their source is a
// path; a registry that cannot be read leaves codes unchecked.
func NewChecker(ctx context.Context, catalogFS fs.FS, log *slog.Logger) (*Checker, error) {
	cat, err := config.Load(catalogFS)
	if err != nil {
		return nil, err
	}
	schemas, err := LoadSchemas()
	if err != nil {
		return nil, err
	}
	c := &Checker{Catalog: cat, schemas: schemas}
	f := source.New(catalogFS, log)
	for _, d := range cat.Datasets {
		if d.Schema != RegistrySchema || d.Source.Path == "" {
			continue
		}
		res, err := f.Fetch(ctx, d.Source, catalog.Provenance{})
		if err != nil {
			return nil, fmt.Errorf("registry %s: %w", d.ID, err)
		}
		issues, t, err := judge(ctx, schemas[RegistrySchema], nil, res.Name, res.Data, d.Source.Sheet)
		if err != nil {
			return nil, fmt.Errorf("registry %s: %w", d.ID, err)
		}
		if t == nil || catalog.Blocking(issues) {
			continue
		}
		if c.registry == nil {
			c.registry = validate.Registry{}
		}
		addRegistry(c.registry, t)
	}
	return c, nil
}

// Schemas lists the schema names files can be checked against.
func (c *Checker) Schemas() []string { return SchemaNames(c.schemas) }

// Schema returns the description of a schema.
func (c *Checker) Schema(name string) (*catalog.Schema, bool) {
	s, ok := c.schemas[name]
	if !ok {
		return nil, false
	}
	return s.Info(), true
}

// Check reads and validates one file. An unreadable file gives one issue of
// rule "unreadable"; the error is for a broken program or a cancelled ctx.
func (c *Checker) Check(ctx context.Context, schema, name string, data []byte, sheet string) ([]catalog.Issue, *catalog.Table, error) {
	s, ok := c.schemas[schema]
	if !ok {
		return nil, nil, fmt.Errorf("schema %q does not exist (known: %v)", schema, c.Schemas())
	}
	return judge(ctx, s, c.registry, name, data, sheet)
}
