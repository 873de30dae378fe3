package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/config"
	"github.com/provincia-como/opendata/pipeline/source"
	"github.com/provincia-como/opendata/pipeline/validate"
)

// Checker validates files without building: the code behind `opendata
// check` and the upload desk, the same the pipeline runs.
type Checker struct {
	Catalog  *catalog.Catalog
	schemas  *schemaSet
	loader   *schemaLoader
	registry validate.Registry
	// refs are the tables foreign keys point to, read from the catalog
	// folder.
	refs validate.Refs
	// fetch gets the files an L. 190 index lists.
	fetch *source.Fetcher
}

// NewChecker loads the schemas and the registry of comuni of a catalog.
// Registry files, and the files of the datasets foreign keys point to, are
// read from the catalog folder when their source is a path; one that cannot
// be read leaves its codes unchecked.
func NewChecker(ctx context.Context, catalogFS fs.FS, log *slog.Logger) (*Checker, error) {
	return NewCheckerWith(ctx, catalogFS, log, nil)
}

// NewCheckerWith is NewChecker with the fetcher of schemas at addresses
// (nil: the default one).
func NewCheckerWith(ctx context.Context, catalogFS fs.FS, log *slog.Logger, schemaFetch Fetcher) (*Checker, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cat, err := config.Load(catalogFS)
	if err != nil {
		return nil, err
	}
	f := source.New(catalogFS, log)
	loader := &schemaLoader{catalog: catalogFS, fetch: schemaFetcher(schemaFetch, f, catalogFS, log, nil), log: log}
	set, err := loader.loadSchemaSet(ctx, cat)
	if err != nil {
		return nil, err
	}
	c := &Checker{Catalog: cat, schemas: set, loader: loader, refs: validate.Refs{}, fetch: f}
	wanted := map[string]bool{}
	for _, d := range cat.Datasets {
		for _, fk := range set.byRef[d.Schema].ForeignKeys() {
			wanted[fk.Resource] = true
		}
	}
	order, err := levels(cat, set)
	if err != nil {
		return nil, err
	}
	for _, level := range order {
		for _, d := range level {
			if (d.Schema != RegistrySchema && !wanted[d.ID]) || d.Source.Path == "" {
				continue
			}
			res, err := f.Fetch(ctx, d.Source, catalog.Provenance{})
			if err != nil {
				return nil, fmt.Errorf("dataset %s: %w", d.ID, err)
			}
			issues, t, err := judge(ctx, set.byRef[d.Schema], c.registry, c.refs, res.Name, res.Data, d.Source.Sheet)
			if err != nil {
				return nil, fmt.Errorf("dataset %s: %w", d.ID, err)
			}
			if t == nil || catalog.Blocking(issues) {
				continue
			}
			if wanted[d.ID] {
				c.refs[d.ID] = t
			}
			if d.Schema == RegistrySchema {
				if c.registry == nil {
					c.registry = validate.Registry{}
				}
				addRegistry(c.registry, t)
			}
		}
	}
	return c, nil
}

// Schemas lists the schema names files can be checked against: the
// built-in ones and those the catalog uses.
func (c *Checker) Schemas() []string { return SchemaNames(c.schemas.byRef) }

// Schema returns the description of a schema.
func (c *Checker) Schema(name string) (*catalog.Schema, bool) {
	s, ok := c.schemas.byRef[name]
	if !ok {
		return nil, false
	}
	return s.Info(), true
}

// Use loads a schema reference that the catalog may not use: a built-in
// name, a schema file of the catalog folder or an https:// address. The
// error joins one *config.Error per problem, with file (or address) and
// line.
func (c *Checker) Use(ctx context.Context, ref string) (*catalog.Schema, error) {
	if err := c.loader.add(ctx, c.schemas, ref); err != nil {
		return nil, err
	}
	return c.schemas.byRef[ref].Info(), nil
}

// UseFile compiles a schema document found outside the catalog folder (a
// file on the clerk's disk), under the reference ref.
func (c *Checker) UseFile(ref string, data []byte) (*catalog.Schema, error) {
	s, err := parseSchema(ref, ref, data)
	if err != nil {
		return nil, err
	}
	c.schemas.put(ref, s, &catalog.SchemaSource{Ref: ref, Kind: config.SchemaFile, Format: s.Info().Format, Checksum: checksum(data)})
	return s.Info(), nil
}

// Check reads and validates one file. An unreadable file gives one issue of
// rule "unreadable"; the error is for a broken program or a cancelled ctx.
// An L. 190 index is followed: its http(s) links are fetched, its relative
// links start from its metadata/urlFile (the file has no other address).
func (c *Checker) Check(ctx context.Context, schema, name string, data []byte, sheet string) ([]catalog.Issue, *catalog.Table, error) {
	return c.check(ctx, schema, place{}, nil, name, data, sheet)
}

// CheckFile is Check for a file on disk at file: an L. 190 index's
// relative links are read beside it, in its folder and below (never above
// it), as the pipeline reads them in the catalog folder.
func (c *Checker) CheckFile(ctx context.Context, schema, file string, data []byte, sheet string) ([]catalog.Issue, *catalog.Table, error) {
	return c.check(ctx, schema, place{path: filepath.Base(file)}, os.DirFS(filepath.Dir(file)), filepath.Base(file), data, sheet)
}

func (c *Checker) check(ctx context.Context, schema string, at place, dir fs.FS, name string, data []byte, sheet string) ([]catalog.Issue, *catalog.Table, error) {
	s, ok := c.schemas.byRef[schema]
	if !ok {
		return nil, nil, fmt.Errorf("schema %q does not exist (known: %v)", schema, c.Schemas())
	}
	if s.Info().Name != L190Schema || c.fetch == nil {
		return judge(ctx, s, c.registry, c.refs, name, data, sheet)
	}
	f := *c.fetch
	f.XML = true
	if dir != nil {
		f.Catalog = dir
	}
	sum := sha256.Sum256(data)
	res := &source.Result{Name: name, Data: data, Prov: catalog.Provenance{Source: at.String(), Checksum: hex.EncodeToString(sum[:])}}
	set, err := follow(ctx, &f, catalog.Timeout{}, at, res, nil)
	if err != nil {
		var se *source.Error
		if !errors.As(err, &se) {
			return nil, nil, err
		}
		// No "stale" in a check: a listed file out of reach is an issue.
		return []catalog.Issue{{Ref: catalog.Ref{File: name}, Severity: catalog.Error, Rule: "l190-indice-file", Message: se.Message}}, nil, nil
	}
	if set == nil {
		return judge(ctx, s, c.registry, c.refs, name, data, sheet)
	}
	if len(set.issues) > 0 {
		return set.issues, nil, nil
	}
	parts, err := set.parts()
	if err != nil {
		return nil, nil, err
	}
	return judgeL190Set(ctx, s.Info(), name, parts)
}
