package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"sort"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/config"
	"github.com/provincia-como/opendata/pipeline/source"
	"github.com/provincia-como/opendata/pipeline/store"
	"github.com/provincia-como/opendata/pipeline/validate"
	"github.com/provincia-como/opendata/schemas"
)

// The schema names the pipeline treats specially.
const (
	RegistrySchema = catalog.RegistrySchema
	ProjectsSchema = catalog.ProjectsSchema
)

// LoadSchemas compiles the embedded schemas.
func LoadSchemas() (map[string]*validate.Schema, error) {
	s, err := validate.Load(schemas.FS)
	if err != nil {
		return nil, fmt.Errorf("schemas: %w", err)
	}
	return s, nil
}

// SchemaNames lists the schemas a dataset may name.
func SchemaNames(s map[string]*validate.Schema) []string {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// schemaSet holds the schemas a catalog uses, by the reference the catalog
// writes (a built-in name, a path in the catalog folder, an https://
// address), with where each comes from.
type schemaSet struct {
	byRef map[string]*validate.Schema
	src   map[string]*catalog.SchemaSource
}

// schemaLoader finds and compiles schema references.
type schemaLoader struct {
	catalog fs.FS
	// store keeps the last good copy of schemas at addresses; nil keeps
	// none (check and the upload desk).
	store *store.Store
	fetch Fetcher
	log   *slog.Logger
}

func checksum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// newSchemaSet holds the built-in schemas.
func newSchemaSet() (*schemaSet, error) {
	builtin, err := LoadSchemas()
	if err != nil {
		return nil, err
	}
	set := &schemaSet{byRef: builtin, src: map[string]*catalog.SchemaSource{}}
	for name, s := range builtin {
		info := s.Info()
		set.src[name] = &catalog.SchemaSource{Ref: name, Kind: config.SchemaBuiltin, Format: info.Format, Checksum: checksum(info.JSON)}
	}
	return set, nil
}

// add loads one reference into the set, if it is not there yet. The error
// joins one *config.Error per problem of the schema document.
func (l *schemaLoader) add(ctx context.Context, set *schemaSet, ref string) error {
	if _, ok := set.byRef[ref]; ok {
		return nil
	}
	switch config.SchemaKind(ref) {
	case config.SchemaFile:
		data, err := fs.ReadFile(l.catalog, ref)
		if err != nil {
			return &config.Error{File: ref, Message: catalog.Text{
				It: "il file di schema non si trova nella cartella del catalogo: " + err.Error(),
				En: "the schema file is not in the catalog folder: " + err.Error(),
			}}
		}
		s, err := parseSchema(ref, ref, data)
		if err != nil {
			return err
		}
		set.put(ref, s, &catalog.SchemaSource{Ref: ref, Kind: config.SchemaFile, Format: s.Info().Format, Checksum: checksum(data)})
		return nil
	case config.SchemaURL:
		return l.addURL(ctx, set, ref)
	}
	return &config.Error{File: ref, Message: catalog.Text{
		It: fmt.Sprintf("lo schema «%s» non esiste: quelli del programma sono %s", ref, strings.Join(SchemaNames(set.builtins()), ", ")),
		En: fmt.Sprintf("schema %q does not exist: the program's schemas are %s", ref, strings.Join(SchemaNames(set.builtins()), ", ")),
	}}
}

func (set *schemaSet) put(ref string, s *validate.Schema, src *catalog.SchemaSource) {
	set.byRef[ref], set.src[ref] = s, src
}

func (set *schemaSet) builtins() map[string]*validate.Schema {
	out := map[string]*validate.Schema{}
	for ref, s := range set.byRef {
		if set.src[ref].Kind == config.SchemaBuiltin {
			out[ref] = s
		}
	}
	return out
}

// addURL pulls a schema from its address with the rules of a source
// (conditional request, retries, size cap). A good answer becomes the last
// good copy; when the address is down or answers something that is not a
// schema, the last good copy serves with a warning, and without one the
// build stops.
func (l *schemaLoader) addURL(ctx context.Context, set *schemaSet, url string) error {
	var kept *store.SchemaCopy
	if l.store != nil {
		var err error
		if kept, err = l.store.SchemaCopy(url); err != nil {
			return err
		}
	}
	var prev catalog.Provenance
	if kept != nil {
		prev = kept.Prov
	}
	res, err := l.fetch.Fetch(ctx, catalog.Source{URL: url}, prev)
	var problem error
	switch {
	case err != nil:
		var se *source.Error
		if !errors.As(err, &se) {
			return fmt.Errorf("schema %s: %w", url, err)
		}
		problem = &config.Error{File: url, Message: catalog.Text{
			It: "lo schema non si può scaricare: " + se.Message.It,
			En: "the schema cannot be downloaded: " + se.Message.En,
		}}
	case res.NotModified && kept != nil:
		return l.useCopy(set, url, kept, catalog.Text{})
	case res.NotModified:
		problem = &config.Error{File: url, Message: catalog.Text{
			It: "il sito risponde che lo schema non è cambiato, ma non se ne ha una copia: riprovare",
			En: "the server answers that the schema has not changed, but no copy of it is kept: try again",
		}}
	default:
		s, perr := parseSchema(url, url, res.Data)
		if perr == nil {
			c := &store.SchemaCopy{URL: url, Prov: res.Prov, Data: res.Data}
			if l.store != nil && (kept == nil || kept.Prov.Checksum != res.Prov.Checksum || kept.Prov.ETag != res.Prov.ETag) {
				if err := l.store.SaveSchemaCopy(c); err != nil {
					return err
				}
			}
			set.put(url, s, &catalog.SchemaSource{Ref: url, Kind: config.SchemaURL, Format: s.Info().Format, Checksum: res.Prov.Checksum, Fetched: res.Prov.Fetched})
			return nil
		}
		problem = perr
	}
	if kept == nil {
		return problem
	}
	l.log.Warn("schema address unavailable, last good copy serves", "url", url, "fetched", kept.Prov.Fetched, "error", problem)
	return l.useCopy(set, url, kept, catalog.Text{
		It: "l'indirizzo dello schema non ha dato uno schema valido (" + firstText(problem).It + "): vale l'ultima copia buona",
		En: "the schema address did not give a valid schema (" + firstText(problem).En + "): the last good copy serves",
	})
}

func (l *schemaLoader) useCopy(set *schemaSet, url string, kept *store.SchemaCopy, warning catalog.Text) error {
	s, err := parseSchema(url, url, kept.Data)
	if err != nil {
		return err // a copy is kept only when good: the program changed
	}
	set.put(url, s, &catalog.SchemaSource{Ref: url, Kind: config.SchemaURL, Format: s.Info().Format, Checksum: kept.Prov.Checksum, Fetched: kept.Prov.Fetched, Warning: warning})
	return nil
}

func firstText(err error) catalog.Text {
	var ce *config.Error
	if errors.As(err, &ce) {
		return ce.Message
	}
	return catalog.Text{It: err.Error(), En: err.Error()}
}

// parseSchema compiles a schema document and turns its problems into
// catalog errors naming file (a path or an address) and line.
func parseSchema(ref, file string, data []byte) (*validate.Schema, error) {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '<' {
		return nil, &config.Error{File: file, Line: 1, Message: catalog.Text{
			It: "al posto dello schema JSON c'è una pagina web (HTML): controllare l'indirizzo o il file",
			En: "a web page (HTML) came in place of the JSON schema: check the address or the file",
		}}
	}
	s, err := validate.Parse(ref, data)
	if err == nil {
		return s, nil
	}
	var out []error
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var de *validate.DocError
		if errors.As(err, &de) {
			out = append(out, &config.Error{File: file, Line: de.Line, Message: de.Message})
			return
		}
		out = append(out, &config.Error{File: file, Message: catalog.Text{It: err.Error(), En: err.Error()}})
	}
	walk(err)
	return nil, errors.Join(out...)
}

// loadSchemaSet loads every schema the catalog names and checks the foreign
// keys between datasets. Every problem is reported, not just the first.
func (l *schemaLoader) loadSchemaSet(ctx context.Context, cat *catalog.Catalog) (*schemaSet, error) {
	set, err := newSchemaSet()
	if err != nil {
		return nil, err
	}
	var errs []error
	failed := map[string]bool{}
	for _, d := range cat.Datasets {
		if failed[d.Schema] {
			continue
		}
		if err := l.add(ctx, set, d.Schema); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			failed[d.Schema] = true
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		errs = append(errs, checkForeignKeys(cat, set)...)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return set, nil
}

// checkForeignKeys checks that every foreign key points to a dataset of the
// catalog, and to fields its schema has.
func checkForeignKeys(cat *catalog.Catalog, set *schemaSet) []error {
	var errs []error
	seen := map[string]bool{}
	for _, d := range cat.Datasets {
		if seen[d.Schema] {
			continue
		}
		seen[d.Schema] = true
		for _, fk := range set.byRef[d.Schema].ForeignKeys() {
			if fk.Resource == "" {
				continue
			}
			target, ok := cat.Dataset(fk.Resource)
			if !ok {
				errs = append(errs, &config.Error{File: d.Schema, Line: fk.Line, Message: catalog.Text{
					It: fmt.Sprintf("la chiave esterna rimanda al dataset «%s», che non è nel catalogo: scrivere in «resource» l'identificativo di un dataset del catalogo", fk.Resource),
					En: fmt.Sprintf("the foreign key points to the dataset %q, which is not in the catalog: write in \"resource\" the id of a dataset of the catalog", fk.Resource),
				}})
				continue
			}
			ts := set.byRef[target.Schema]
			if ts == nil || ts.Info().Open {
				continue // a free table's columns are known only when read
			}
			for _, f := range fk.RefFields {
				if _, ok := ts.Info().Field(f); !ok {
					errs = append(errs, &config.Error{File: d.Schema, Line: fk.Line, Message: catalog.Text{
						It: fmt.Sprintf("la chiave esterna rimanda al campo «%s» del dataset «%s», ma il suo schema (%s) non ha quel campo", f, fk.Resource, target.Schema),
						En: fmt.Sprintf("the foreign key points to the field %q of the dataset %q, but its schema (%s) has no such field", f, fk.Resource, target.Schema),
					}})
				}
			}
		}
	}
	return errs
}

// dependencies lists, for each dataset, the other datasets its schema's
// foreign keys point to.
func dependencies(cat *catalog.Catalog, set *schemaSet) map[string][]string {
	deps := map[string][]string{}
	for _, d := range cat.Datasets {
		s := set.byRef[d.Schema]
		if s == nil {
			continue
		}
		for _, fk := range s.ForeignKeys() {
			if fk.Resource != "" && fk.Resource != d.ID && !slices.Contains(deps[d.ID], fk.Resource) {
				deps[d.ID] = append(deps[d.ID], fk.Resource)
			}
		}
	}
	return deps
}

// levels orders datasets so that each comes after the datasets its foreign
// keys point to: the registries of comuni first (every dataset is checked
// against them), then level by level. A cycle is an error of the catalog.
func levels(cat *catalog.Catalog, set *schemaSet) ([][]catalog.Dataset, error) {
	deps := dependencies(cat, set)
	var registries []catalog.Dataset
	placed := map[string]bool{}
	var rest []catalog.Dataset
	for _, d := range cat.Datasets {
		if d.Schema == RegistrySchema {
			registries = append(registries, d)
			placed[d.ID] = true
		} else {
			rest = append(rest, d)
		}
	}
	out := [][]catalog.Dataset{registries}
	for len(rest) > 0 {
		var level, later []catalog.Dataset
		for _, d := range rest {
			ready := true
			for _, dep := range deps[d.ID] {
				if !placed[dep] {
					ready = false
					break
				}
			}
			if ready {
				level = append(level, d)
			} else {
				later = append(later, d)
			}
		}
		if len(level) == 0 {
			var ids []string
			for _, d := range later {
				ids = append(ids, d.ID)
			}
			return nil, &config.Error{File: later[0].File, Message: catalog.Text{
				It: "le chiavi esterne degli schemi formano un giro (" + strings.Join(ids, ", ") + "): ogni dataset deve poter essere controllato dopo quelli a cui rimanda",
				En: "the schemas' foreign keys form a cycle (" + strings.Join(ids, ", ") + "): each dataset must be checkable after the ones it points to",
			}}
		}
		for _, d := range level {
			placed[d.ID] = true
		}
		out = append(out, level)
		rest = later
	}
	return out, nil
}

// loadRegistry collects the ISTAT codes of the published registries.
func (r *runner) loadRegistry(datasets []catalog.Dataset) (validate.Registry, error) {
	if len(datasets) == 0 {
		return nil, nil
	}
	reg := validate.Registry{}
	for _, d := range datasets {
		rec, err := r.store.Load(d.ID)
		if err != nil {
			return nil, err
		}
		if rec.Current == "" {
			continue
		}
		t, err := r.store.Table(d.ID, rec.Current)
		if err != nil {
			return nil, err
		}
		addRegistry(reg, t)
	}
	return reg, nil
}

// loadRefs reads the published tables the foreign keys of datasets point
// to.
func (r *runner) loadRefs(datasets []catalog.Dataset) (validate.Refs, error) {
	refs := validate.Refs{}
	for _, d := range datasets {
		for _, fk := range r.schemas[d.Schema].ForeignKeys() {
			if fk.Resource == "" || fk.Resource == d.ID {
				continue
			}
			if _, done := refs[fk.Resource]; done {
				continue
			}
			rec, err := r.store.Load(fk.Resource)
			if err != nil {
				return nil, err
			}
			if rec.Current == "" {
				refs[fk.Resource] = nil
				continue
			}
			if refs[fk.Resource], err = r.store.Table(fk.Resource, rec.Current); err != nil {
				return nil, err
			}
		}
	}
	return refs, nil
}

func addRegistry(reg validate.Registry, t *catalog.Table) {
	code, name := t.ColumnOf("codice_istat"), t.ColumnOf("denominazione")
	if code < 0 {
		return
	}
	for _, row := range t.Rows {
		c, _ := row.Cells[code].Value.(string)
		if c == "" {
			continue
		}
		n := ""
		if name >= 0 {
			n, _ = row.Cells[name].Value.(string)
		}
		reg[c] = n
	}
}

// applyMissing empties the cells whose text the schema lists among its
// missing values (Table Schema's missingValues, such as "N/D"). Ingest
// knows blanks; this covers the words a schema adds.
func applyMissing(t *catalog.Table, s *catalog.Schema) {
	if t == nil || len(s.MissingValues) == 0 {
		return
	}
	missing := map[string]bool{}
	for _, m := range s.MissingValues {
		if m != "" {
			missing[m] = true
		}
	}
	if len(missing) == 0 {
		return
	}
	for i := range t.Rows {
		cells := t.Rows[i].Cells
		for j := range cells {
			if cells[j].Value != nil && missing[strings.TrimSpace(cells[j].Raw)] {
				cells[j] = catalog.Cell{Raw: cells[j].Raw}
			}
		}
	}
}
