package catalog

// The kinds of dataset the portal knows beyond their tables.
const (
	// RegistrySchema is the registry of comuni: read first, its codes check
	// the other datasets, and the portal has a page for each comune.
	RegistrySchema = "comuni"
	// ProjectsSchema is projects with funding and progress: the portal has
	// a page for each project.
	ProjectsSchema = "progetti"
)

// FieldType is the type of a field, in Table Schema's words.
type FieldType string

const (
	TypeString  FieldType = "string"
	TypeInteger FieldType = "integer"
	TypeNumber  FieldType = "number"
	TypeBoolean FieldType = "boolean"
	TypeDate    FieldType = "date"
	// TypeDatetime values are "2006-01-02T15:04:05", with "Z" or an offset
	// when the source had a zone.
	TypeDatetime FieldType = "datetime"
)

// Field describes one column a schema expects, as ingest and the portal need
// it: what to match in the header, how to read the cells, how to show it.
type Field struct {
	Name        string    `json:"name"`
	Type        FieldType `json:"type"`
	Title       Text      `json:"title"`
	Description Text      `json:"description"`
	// Aliases are other header texts that mean this field.
	Aliases  []string `json:"aliases,omitempty"`
	Required bool     `json:"required,omitempty"`
	// Code marks text that looks like a number but is not one (ISTAT code,
	// CUP, CIG, fiscal code): it is never converted and keeps leading zeros.
	Code bool `json:"code,omitempty"`
	// Unit is shown beside numbers ("EUR", "%").
	Unit string `json:"unit,omitempty"`
	// Constraints, for documentation and Table Schema export.
	Pattern   string   `json:"pattern,omitempty"`
	MinLength *int     `json:"minLength,omitempty"`
	MaxLength *int     `json:"maxLength,omitempty"`
	Minimum   *float64 `json:"minimum,omitempty"`
	Maximum   *float64 `json:"maximum,omitempty"`
	Enum      []string `json:"enum,omitempty"`
}

// Schema is the shape of a kind of dataset.
type Schema struct {
	Name        string `json:"name"`
	Title       Text   `json:"title"`
	Description Text   `json:"description"`
	Fields      []Field
	// PrimaryKey lists the fields whose values together are unique.
	PrimaryKey []string `json:"primaryKey,omitempty"`
	// ComuneFields lists the fields holding ISTAT codes of comuni, checked
	// against the registry.
	ComuneFields []string `json:"comuneFields,omitempty"`
	// Open schemas accept any column: every header becomes a string field.
	Open bool `json:"open,omitempty"`
	// JSON is the JSON Schema document itself.
	JSON []byte `json:"-"`
	// MissingValues are the cell texts that mean "no value" (Table
	// Schema's missingValues); empty means the reader's own defaults.
	MissingValues []string `json:"missingValues,omitempty"`
	// Format is the kind of document the schema was written in:
	// "jsonschema" or "tableschema".
	Format string `json:"format,omitempty"`
}

// Field returns the field with the given name.
func (s *Schema) Field(name string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}
