// Package datapackage writes Frictionless Data Packages (v2): a
// datapackage.json beside the downloads of each published dataset, and one
// at the root of the portal that lists every dataset, so that tools such
// as frictionless-py, R's frictionless or Open Data Editor read our files
// with their types, keys and constraints.
package datapackage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/config"
	"github.com/provincia-como/opendata/pipeline/export"
)

// Profiles of Data Package v2.
const (
	ProfilePackage = "https://datapackage.org/profiles/2.0/datapackage.json"
	ProfileSchema  = "https://datapackage.org/profiles/2.0/tableschema.json"
)

// FileName is the name of a package descriptor.
const FileName = "datapackage.json"

// MediaType is the media type of a descriptor.
const MediaType = "application/json"

// RegistryKey is the field of the registry the foreign keys reference.
const RegistryKey = "codice_istat"

// Package is a Data Package descriptor.
type Package struct {
	Profile      string        `json:"$schema"`
	Name         string        `json:"name"`
	ID           string        `json:"id,omitempty"`
	Title        string        `json:"title,omitempty"`
	Description  string        `json:"description,omitempty"`
	Homepage     string        `json:"homepage,omitempty"`
	Version      string        `json:"version,omitempty"`
	Created      string        `json:"created,omitempty"`
	Keywords     []string      `json:"keywords,omitempty"`
	Licenses     []License     `json:"licenses,omitempty"`
	Contributors []Contributor `json:"contributors,omitempty"`
	Sources      []Source      `json:"sources,omitempty"`
	Resources    []Resource    `json:"resources"`
}

// License names a licence by its Open Definition identifier and its AgID
// vocabulary address.
type License struct {
	Name  string `json:"name,omitempty"`
	Path  string `json:"path,omitempty"`
	Title string `json:"title,omitempty"`
}

// Contributor is a person or organisation with a role.
type Contributor struct {
	Title string   `json:"title"`
	Email string   `json:"email,omitempty"`
	Path  string   `json:"path,omitempty"`
	Roles []string `json:"roles,omitempty"`
}

// Source says where data came from.
type Source struct {
	Title string `json:"title"`
	Path  string `json:"path,omitempty"`
}

// Resource is one file of a package.
type Resource struct {
	Name        string    `json:"name"`
	Path        string    `json:"path"`
	Type        string    `json:"type,omitempty"`
	Title       string    `json:"title,omitempty"`
	Description string    `json:"description,omitempty"`
	Format      string    `json:"format,omitempty"`
	MediaType   string    `json:"mediatype,omitempty"`
	Encoding    string    `json:"encoding,omitempty"`
	Bytes       int64     `json:"bytes,omitempty"`
	Hash        string    `json:"hash,omitempty"`
	Licenses    []License `json:"licenses,omitempty"`
	Dialect     *Dialect  `json:"dialect,omitempty"`
	Schema      *Schema   `json:"schema,omitempty"`
}

// Dialect says how to read a file; only the workbook's sheet needs saying,
// the CSV files follow the defaults (comma, double quote, header row).
type Dialect struct {
	SheetName string `json:"sheetName,omitempty"`
}

// Schema is a Table Schema.
type Schema struct {
	Profile       string       `json:"$schema,omitempty"`
	Fields        []Field      `json:"fields"`
	MissingValues []string     `json:"missingValues"`
	PrimaryKey    []string     `json:"primaryKey,omitempty"`
	ForeignKeys   []ForeignKey `json:"foreignKeys,omitempty"`
}

// Field is a column of a Table Schema.
type Field struct {
	Name        string       `json:"name"`
	Type        string       `json:"type"`
	Format      string       `json:"format,omitempty"`
	Title       string       `json:"title,omitempty"`
	Description string       `json:"description,omitempty"`
	Constraints *Constraints `json:"constraints,omitempty"`
}

// Constraints limit the values of a field.
type Constraints struct {
	Required  bool     `json:"required,omitempty"`
	Unique    bool     `json:"unique,omitempty"`
	Pattern   string   `json:"pattern,omitempty"`
	MinLength *int     `json:"minLength,omitempty"`
	MaxLength *int     `json:"maxLength,omitempty"`
	Minimum   *float64 `json:"minimum,omitempty"`
	Maximum   *float64 `json:"maximum,omitempty"`
	Enum      []string `json:"enum,omitempty"`
}

// ForeignKey says that the values of Fields are found in the fields of
// another resource.
type ForeignKey struct {
	Fields    []string  `json:"fields"`
	Reference Reference `json:"reference"`
}

// Reference is the target of a foreign key.
type Reference struct {
	Resource string   `json:"resource"`
	Fields   []string `json:"fields"`
}

// TableSchema translates our schema into a Table Schema for a file with
// the given columns (export.Fields: every field of a closed schema, the
// file's own columns for an open one). Fields of an open schema are text:
// TableSchemaOf gives them the types of the table's values.
// Foreign keys are left to the package, which knows whether the registry
// is part of it.
func TableSchema(s *catalog.Schema, columns []string) *Schema {
	return tableSchema(s, columns, nil)
}

// TableSchemaOf is the Table Schema of the downloads of table t: for a free
// table (open schema) each field has the type ingest inferred for its
// column and the column's header as its title. The CSV download is
// canonical (dot decimals, no grouping, ISO dates), so the fields need no
// decimalChar, groupChar or format.
func TableSchemaOf(s *catalog.Schema, t *catalog.Table) *Schema {
	return tableSchema(s, export.Fields(t, s), export.Typed(t, s))
}

func tableSchema(s *catalog.Schema, columns []string, t *catalog.Table) *Schema {
	out := &Schema{Profile: ProfileSchema, MissingValues: []string{""}}
	pk := map[string]bool{}
	if s != nil && !s.Open {
		for _, k := range s.PrimaryKey {
			if contains(columns, k) {
				pk[k] = true
			}
		}
		if len(pk) == len(s.PrimaryKey) && len(pk) > 0 {
			out.PrimaryKey = append([]string(nil), s.PrimaryKey...)
		}
	}
	for _, name := range columns {
		f := Field{Name: name, Type: string(catalog.TypeString)}
		var sf catalog.Field
		var ok bool
		if s != nil {
			sf, ok = s.Field(name)
		}
		if ok {
			f = field(sf)
		} else if c := columnOf(t, name); c != nil {
			f.Type = string(tableType(c.Type))
			if c.Header != name {
				f.Title = c.Header
			}
		}
		if len(out.PrimaryKey) == 1 && pk[name] {
			// A key of one field is unique; a compound key says so itself.
			if f.Constraints == nil {
				f.Constraints = &Constraints{}
			}
			f.Constraints.Required, f.Constraints.Unique = true, true
		}
		out.Fields = append(out.Fields, f)
	}
	return out
}

func columnOf(t *catalog.Table, field string) *catalog.Column {
	if t == nil {
		return nil
	}
	if i := t.ColumnOf(field); i >= 0 {
		return &t.Columns[i]
	}
	return nil
}

// tableType is the Table Schema type of a column of ours: the same words,
// text for anything else.
func tableType(t catalog.FieldType) catalog.FieldType {
	switch t {
	case catalog.TypeString, catalog.TypeInteger, catalog.TypeNumber, catalog.TypeBoolean, catalog.TypeDate, catalog.TypeDatetime:
		return t
	}
	return catalog.TypeString
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func field(sf catalog.Field) Field {
	f := Field{Name: sf.Name, Type: string(tableType(sf.Type)), Title: sf.Title.It, Description: sf.Description.It}
	if sf.Unit != "" && f.Description != "" {
		f.Description += " (" + sf.Unit + ")"
	}
	c := &Constraints{Required: sf.Required}
	switch f.Type {
	case string(catalog.TypeString):
		// Table Schema patterns match the whole value, as XML Schema
		// patterns do: the anchors of the JSON Schema pattern go.
		c.Pattern = strings.TrimSuffix(strings.TrimPrefix(sf.Pattern, "^"), "$")
		c.MinLength, c.MaxLength = sf.MinLength, sf.MaxLength
		c.Enum = sf.Enum
	case string(catalog.TypeInteger), string(catalog.TypeNumber):
		c.Minimum, c.Maximum = sf.Minimum, sf.Maximum
	}
	if c.Required || c.Pattern != "" || len(c.Enum) > 0 ||
		c.MinLength != nil || c.MaxLength != nil || c.Minimum != nil || c.Maximum != nil {
		f.Constraints = c
	}
	return f
}

// media types of the offered formats, without parameters.
func mediaType(d catalog.Download) string {
	m, _, _ := strings.Cut(d.MediaType, ";")
	return strings.TrimSpace(m)
}

func base(u string) string {
	if u != "" && !strings.HasSuffix(u, "/") {
		return u + "/"
	}
	return u
}

// builder knows the whole build, for the registry and the licences.
type builder struct {
	b        *catalog.Build
	base     string
	registry *catalog.DatasetState
	// registryTable is the registry's content, read once.
	registryTable *catalog.Table
}

func newBuilder(b *catalog.Build) *builder {
	x := &builder{b: b, base: base(b.Portal.BaseURL)}
	for i := range b.Datasets {
		st := &b.Datasets[i]
		if st.Dataset.Schema == catalog.RegistrySchema && st.Current != nil && csvOf(st) != nil {
			if t, err := st.Content(); err == nil && t != nil {
				x.registry, x.registryTable = st, t
				break
			}
		}
	}
	return x
}

// csvOf returns the CSV download of the published version.
func csvOf(st *catalog.DatasetState) *catalog.Download {
	for i, d := range st.Downloads {
		if d.Format == "csv" && d.Version == "" && d.Table == "" {
			return &st.Downloads[i]
		}
	}
	return nil
}

func (x *builder) schema(st *catalog.DatasetState) (*Schema, error) {
	s := x.b.Schemas[st.Dataset.Schema]
	if s != nil && !s.Open {
		return TableSchema(s, export.Fields(nil, s)), nil
	}
	// An open schema's columns are the file's own: the preview has them,
	// without reading the whole table.
	t := st.Preview
	if t == nil {
		var err error
		if t, err = st.Content(); err != nil {
			return nil, err
		}
	}
	return TableSchemaOf(s, t), nil
}

// foreignKeys links the comune fields to the registry resource, when the
// registry is published and the dataset is not the registry itself.
func (x *builder) foreignKeys(st *catalog.DatasetState, ts *Schema) {
	s := x.b.Schemas[st.Dataset.Schema]
	if s == nil || x.registry == nil || st == x.registry {
		return
	}
	for _, f := range s.ComuneFields {
		if contains(fieldNames(ts), f) {
			ts.ForeignKeys = append(ts.ForeignKeys, ForeignKey{Fields: []string{f}, Reference: Reference{Resource: x.registry.Dataset.ID, Fields: []string{RegistryKey}}})
		}
	}
}

func fieldNames(s *Schema) []string {
	out := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = f.Name
	}
	return out
}

func (x *builder) license(id string) (License, error) {
	if id == "" {
		id = x.b.Portal.License
	}
	uri, name, ok := config.License(id)
	if !ok {
		return License{}, fmt.Errorf("datapackage: unknown licence %q", id)
	}
	return License{Name: id, Path: uri, Title: name}, nil
}

func hash(d catalog.Download) string {
	if d.Checksum == "" {
		return ""
	}
	return "sha256:" + strings.TrimPrefix(d.Checksum, "sha256:")
}

func both(t catalog.Text) string {
	if t.En == "" || t.En == t.It {
		return t.It
	}
	return t.It + "\n\n" + t.En
}

func tableTitle(name string) string {
	if name == "" {
		return ""
	}
	return " – " + name
}

// relatedTable returns the related table called name of the published
// version: its columns from the preview when it has them, else from the
// whole table.
func relatedTable(st *catalog.DatasetState, name string) (*catalog.Table, error) {
	find := func(t *catalog.Table) *catalog.Table {
		if t == nil {
			return nil
		}
		for _, r := range t.Related {
			if r.Name == name {
				return r
			}
		}
		return nil
	}
	if r := find(st.Preview); r != nil {
		return r, nil
	}
	t, err := st.Content()
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", st.Dataset.ID, err)
	}
	if r := find(t); r != nil {
		return r, nil
	}
	return nil, fmt.Errorf("dataset %s: no related table %q for its download", st.Dataset.ID, name)
}

// resource describes a download of a dataset; rel turns its path from the
// portal root into the path the package writes.
func (x *builder) resource(st *catalog.DatasetState, d catalog.Download, name string, ts *Schema, rel func(string) string) Resource {
	r := Resource{
		Name: name, Path: rel(d.Path), Type: "table", Title: st.Dataset.Title.It + tableTitle(d.Table),
		Format: d.Format, MediaType: mediaType(d), Bytes: d.Size, Hash: hash(d), Schema: ts,
	}
	if d.Format != "xlsx" {
		r.Encoding = "utf-8"
	}
	if d.Format == "xlsx" {
		r.Dialect = &Dialect{SheetName: "dati"}
	}
	return r
}

// Dataset returns the package of one dataset: its CSV, JSON and XLSX
// downloads with one Table Schema, and the registry of comuni (by its
// public address) when a foreign key points at it. Nil when the dataset has
// no published version.
func Dataset(b *catalog.Build, st *catalog.DatasetState) (*Package, error) {
	return newBuilder(b).dataset(st)
}

func (x *builder) dataset(st *catalog.DatasetState) (*Package, error) {
	if st.Current == nil || csvOf(st) == nil {
		return nil, nil
	}
	d := st.Dataset
	dir := "datasets/" + d.ID + "/"
	page := x.base + dir
	lic, err := x.license(d.License)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", d.ID, err)
	}
	p := &Package{
		Profile: ProfilePackage, Name: d.ID, ID: page, Title: d.Title.It, Description: both(d.Description),
		Homepage: page, Version: st.Current.ID, Created: st.Current.Accepted.UTC().Format(time.RFC3339),
		Keywords: d.Keywords, Licenses: []License{lic}, Contributors: x.contributors(d),
	}
	if d.Provenance != "" {
		p.Sources = []Source{{Title: d.Provenance}}
	}
	ts, err := x.schema(st)
	if err != nil {
		return nil, err
	}
	x.foreignKeys(st, ts)
	// The files sit beside the descriptor; the registry is elsewhere on
	// the portal, so it is named by its full address.
	rel := func(p string) string { return strings.TrimPrefix(p, dir) }
	related := map[string]*Schema{}
	for _, dl := range st.Downloads {
		if dl.Version != "" {
			continue
		}
		name, schema := d.ID, ts
		if dl.Table != "" {
			// A related table (the bidders of a contracts file): its
			// own resources, with the schema of its own columns.
			name = d.ID + "-" + dl.Table
			if schema = related[dl.Table]; schema == nil {
				t, err := relatedTable(st, dl.Table)
				if err != nil {
					return nil, err
				}
				schema = TableSchemaOf(nil, t)
				related[dl.Table] = schema
			}
		}
		switch dl.Format {
		case "csv":
			p.Resources = append(p.Resources, x.resource(st, dl, name, schema, rel))
		case "json", "xlsx":
			p.Resources = append(p.Resources, x.resource(st, dl, name+"-"+dl.Format, schema, rel))
		}
	}
	if len(ts.ForeignKeys) > 0 {
		reg := x.registry
		abs := func(p string) string { return x.base + p }
		rs, err := x.schema(reg)
		if err != nil {
			return nil, err
		}
		p.Resources = append(p.Resources, x.resource(reg, *csvOf(reg), reg.Dataset.ID, rs, abs))
	}
	return p, nil
}

func (x *builder) contributors(d catalog.Dataset) []Contributor {
	pub := x.b.Portal.Publisher
	out := []Contributor{{Title: pub.Name.It, Email: pub.Email, Path: pub.Homepage, Roles: []string{"publisher"}}}
	if d.Publisher != "" && d.Publisher != pub.ISTAT {
		name := "Comune " + d.Publisher
		if x.registry != nil {
			if n := registryName(x.registryTable, d.Publisher); n != "" {
				name = "Comune di " + n
			}
		}
		out = append(out, Contributor{Title: name, Roles: []string{"rightsHolder"}})
	}
	return out
}

func registryName(t *catalog.Table, code string) string {
	c, n := t.ColumnOf(RegistryKey), t.ColumnOf("denominazione")
	if c < 0 || n < 0 {
		return ""
	}
	for _, row := range t.Rows {
		if v, _ := row.Cells[c].Value.(string); v == code {
			name, _ := row.Cells[n].Value.(string)
			return name
		}
	}
	return ""
}

// Portal returns the package of the whole portal: the CSV of every
// published dataset, with foreign keys to the registry of comuni.
func Portal(b *catalog.Build) (*Package, error) {
	x := newBuilder(b)
	p := b.Portal
	lic, err := x.license(p.License)
	if err != nil {
		return nil, err
	}
	name := strings.ToLower("opendata-" + p.Publisher.IPA)
	pkg := &Package{
		Profile: ProfilePackage, Name: name, ID: x.base, Title: p.Title.It, Description: both(p.Description),
		Homepage: x.base, Licenses: []License{lic},
		Contributors: []Contributor{{Title: p.Publisher.Name.It, Email: p.Publisher.Email, Path: p.Publisher.Homepage, Roles: []string{"publisher"}}},
		Resources:    []Resource{},
	}
	var created time.Time
	for i := range b.Datasets {
		st := &b.Datasets[i]
		dl := csvOf(st)
		if st.Current == nil || dl == nil {
			continue
		}
		ts, err := x.schema(st)
		if err != nil {
			return nil, err
		}
		x.foreignKeys(st, ts)
		r := x.resource(st, *dl, st.Dataset.ID, ts, func(p string) string { return p })
		if l, err := x.license(st.Dataset.License); err != nil {
			return nil, fmt.Errorf("dataset %s: %w", st.Dataset.ID, err)
		} else if l != lic {
			r.Licenses = []License{l}
		}
		pkg.Resources = append(pkg.Resources, r)
		if st.Current.Accepted.After(created) {
			created = st.Current.Accepted
		}
	}
	if !created.IsZero() {
		pkg.Created = created.UTC().Format(time.RFC3339)
	}
	return pkg, nil
}

// Write writes datasets/<id>/datapackage.json for each dataset with a
// published version and datapackage.json at the root of outDir. It returns
// them as downloads (format "datapackage"), the portal's last, so that the
// caller can list each beside the other files of its dataset.
func Write(ctx context.Context, outDir string, b *catalog.Build) ([]catalog.Download, error) {
	x := newBuilder(b)
	var written []catalog.Download
	put := func(p string, pkg *Package) error {
		data, err := Marshal(pkg)
		if err != nil {
			return fmt.Errorf("datapackage %s: %w", p, err)
		}
		if err := export.WriteFile(outDir, p, data); err != nil {
			return fmt.Errorf("datapackage %s: %w", p, err)
		}
		sum := sha256.Sum256(data)
		written = append(written, catalog.Download{Format: "datapackage", Path: p, Size: int64(len(data)), MediaType: MediaType, Checksum: hex.EncodeToString(sum[:])})
		return nil
	}
	for i := range b.Datasets {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		st := &b.Datasets[i]
		pkg, err := x.dataset(st)
		if err != nil {
			return nil, err
		}
		if pkg == nil {
			continue
		}
		if err := put(path.Join("datasets", st.Dataset.ID, FileName), pkg); err != nil {
			return nil, err
		}
	}
	pkg, err := Portal(b)
	if err != nil {
		return nil, err
	}
	if err := put(FileName, pkg); err != nil {
		return nil, err
	}
	return written, nil
}

// Marshal writes a descriptor as indented JSON, without escaping <, > and
// & so that descriptions read as written.
func Marshal(p *Package) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
