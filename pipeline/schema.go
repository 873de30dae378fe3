package pipeline

import (
	"errors"
	"fmt"
	"sort"

	"github.com/provincia-como/opendata/pipeline/catalog"
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

func checkSchemas(cat *catalog.Catalog, s map[string]*validate.Schema) error {
	var errs []error
	for _, d := range cat.Datasets {
		if s[d.Schema] == nil {
			errs = append(errs, fmt.Errorf("%s: schema %q does not exist (known: %v)", d.File, d.Schema, SchemaNames(s)))
		}
	}
	return errors.Join(errs...)
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
