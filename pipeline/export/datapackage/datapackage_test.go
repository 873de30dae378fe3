package datapackage_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/provincia-como/opendata/datasets"
	"github.com/provincia-como/opendata/pipeline"
	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/export"
	"github.com/provincia-como/opendata/pipeline/export/datapackage"
)

// demo runs the real pipeline on the embedded catalog, without rendering.
func demo(t *testing.T) (*catalog.Build, string) {
	t.Helper()
	out := t.TempDir()
	now := func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	res, err := pipeline.Run(context.Background(), pipeline.Config{Catalog: datasets.FS, OutDir: out, StateDir: t.TempDir()}, pipeline.Deps{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return res.Build, out
}

// ecma adapts regexp2 to the validator: the Frictionless profiles use
// look-ahead in their patterns, which Go's regexp lacks.
type ecma struct{ re *regexp2.Regexp }

func (e ecma) MatchString(s string) bool {
	ok, err := e.re.MatchString(s)
	return err == nil && ok
}

func (e ecma) String() string { return e.re.String() }

func profile(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(func(s string) (jsonschema.Regexp, error) {
		re, err := regexp2.Compile(s, regexp2.ECMAScript)
		if err != nil {
			return nil, err
		}
		return ecma{re}, nil
	})
	f := filepath.Join("testdata", "profiles", name)
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource(f, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readJSON(t *testing.T, file string) any {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return v
}

func TestDemoPackagesAreValid(t *testing.T) {
	b, out := demo(t)
	downloads, err := datapackage.Write(context.Background(), out, b)
	if err != nil {
		t.Fatal(err)
	}
	var written []string
	for _, d := range downloads {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(d.Path)))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if d.Format != "datapackage" || d.MediaType != "application/json" || d.Size != int64(len(data)) || d.Checksum != hex.EncodeToString(sum[:]) {
			t.Errorf("download %+v does not describe its file", d)
		}
		written = append(written, d.Path)
	}
	pkgProfile, tsProfile := profile(t, "datapackage.json"), profile(t, "tableschema.json")

	// One package per dataset with a published version, and the portal's.
	var want []string
	for _, st := range b.Datasets {
		if st.Current != nil {
			want = append(want, path.Join("datasets", st.Dataset.ID, "datapackage.json"))
		}
	}
	want = append(want, "datapackage.json")
	if !slices.Equal(written, want) {
		t.Fatalf("written %v\nwant %v", written, want)
	}
	if len(want) < 3 {
		t.Fatalf("the demo should publish several datasets, got %v", want)
	}
	for _, p := range written {
		t.Run(p, func(t *testing.T) {
			file := filepath.Join(out, filepath.FromSlash(p))
			if err := pkgProfile.Validate(readJSON(t, file)); err != nil {
				t.Fatalf("not a valid Data Package v2: %v", err)
			}
			var pkg datapackage.Package
			raw, _ := os.ReadFile(file)
			if err := json.Unmarshal(raw, &pkg); err != nil {
				t.Fatal(err)
			}
			checkPackage(t, out, path.Dir(p), &pkg, tsProfile)
		})
	}
}

// checkPackage checks what the profile cannot: every file is where the
// package says, with its size and hash, keys name real fields and
// resources, and the data follows the Table Schema.
func checkPackage(t *testing.T, out, dir string, pkg *datapackage.Package, tsProfile *jsonschema.Schema) {
	t.Helper()
	if len(pkg.Resources) == 0 {
		t.Fatal("no resources")
	}
	names := map[string]*datapackage.Resource{}
	for i := range pkg.Resources {
		names[pkg.Resources[i].Name] = &pkg.Resources[i]
	}
	for _, r := range pkg.Resources {
		file := r.Path
		if rest, ok := strings.CutPrefix(file, "https://dati.provincia.como.it/"); ok {
			file = rest
		} else {
			file = path.Join(dir, file)
		}
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(file)))
		if err != nil {
			t.Fatalf("resource %s: %v", r.Name, err)
		}
		sum := sha256.Sum256(data)
		if r.Bytes != int64(len(data)) || r.Hash != "sha256:"+hex.EncodeToString(sum[:]) {
			t.Errorf("resource %s: bytes %d hash %s, file has %d bytes", r.Name, r.Bytes, r.Hash, len(data))
		}
		if r.Schema == nil {
			t.Fatalf("resource %s has no schema", r.Name)
		}
		b, _ := json.Marshal(r.Schema)
		ts, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		if err := tsProfile.Validate(ts); err != nil {
			t.Errorf("resource %s: not a valid Table Schema: %v", r.Name, err)
		}
		fields := map[string]bool{}
		for _, f := range r.Schema.Fields {
			fields[f.Name] = true
		}
		for _, k := range r.Schema.PrimaryKey {
			if !fields[k] {
				t.Errorf("resource %s: primary key %s is not a field", r.Name, k)
			}
		}
		for _, fk := range r.Schema.ForeignKeys {
			target := names[fk.Reference.Resource]
			if target == nil {
				t.Errorf("resource %s: foreign key to missing resource %q", r.Name, fk.Reference.Resource)
				continue
			}
			if !slices.ContainsFunc(target.Schema.Fields, func(f datapackage.Field) bool { return f.Name == fk.Reference.Fields[0] }) {
				t.Errorf("resource %s: foreign key to missing field %v", r.Name, fk.Reference.Fields)
			}
		}
		if r.Format == "csv" {
			checkCSV(t, r, data)
		}
	}
}

// checkCSV reads the CSV as a Table Schema reader would and checks every
// value against its field, and the primary key.
func checkCSV(t *testing.T, r datapackage.Resource, data []byte) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		t.Fatalf("resource %s: %v", r.Name, err)
	}
	header := recs[0]
	var want []string
	for _, f := range r.Schema.Fields {
		want = append(want, f.Name)
	}
	if !slices.Equal(header, want) {
		t.Fatalf("resource %s: header %v, schema fields %v", r.Name, header, want)
	}
	keys := map[string]int{}
	for i, rec := range recs[1:] {
		var key []string
		for j, f := range r.Schema.Fields {
			v := rec[j]
			if err := checkValue(f, v); err != nil {
				t.Errorf("resource %s row %d field %s: %v", r.Name, i+2, f.Name, err)
			}
			if slices.Contains(r.Schema.PrimaryKey, f.Name) {
				key = append(key, v)
			}
		}
		if len(key) > 0 {
			k := strings.Join(key, "\x00")
			if prev, dup := keys[k]; dup {
				t.Errorf("resource %s: rows %d and %d share the primary key %q", r.Name, prev, i+2, key)
			}
			keys[k] = i + 2
		}
	}
}

func checkValue(f datapackage.Field, v string) error {
	c := f.Constraints
	if v == "" {
		if c != nil && c.Required {
			return fmt.Errorf("required value missing")
		}
		return nil
	}
	var num float64
	switch f.Type {
	case "integer":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an integer", v)
		}
		num = float64(n)
	case "number":
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(n, 0) {
			return fmt.Errorf("%q is not a number", v)
		}
		num = n
	case "date":
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return fmt.Errorf("%q is not a date", v)
		}
	case "datetime":
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			if _, err := time.Parse("2006-01-02T15:04:05", v); err != nil {
				return fmt.Errorf("%q is not a datetime", v)
			}
		}
	case "boolean":
		if v != "true" && v != "false" {
			return fmt.Errorf("%q is not a boolean", v)
		}
	case "string":
	default:
		return fmt.Errorf("unexpected type %s", f.Type)
	}
	if c == nil {
		return nil
	}
	if c.Pattern != "" && !regexp.MustCompile(`^(?:`+c.Pattern+`)$`).MatchString(v) {
		return fmt.Errorf("%q does not match %s", v, c.Pattern)
	}
	if len(c.Enum) > 0 && !slices.Contains(c.Enum, v) {
		return fmt.Errorf("%q is not one of %v", v, c.Enum)
	}
	if n := utf8.RuneCountInString(v); (c.MinLength != nil && n < *c.MinLength) || (c.MaxLength != nil && n > *c.MaxLength) {
		return fmt.Errorf("%q has a length out of bounds", v)
	}
	if (c.Minimum != nil && num < *c.Minimum) || (c.Maximum != nil && num > *c.Maximum) {
		return fmt.Errorf("%v is out of bounds", v)
	}
	return nil
}

func TestForeignKeysReachTheRegistry(t *testing.T) {
	b, out := demo(t)
	if _, err := datapackage.Write(context.Background(), out, b); err != nil {
		t.Fatal(err)
	}
	for _, st := range b.Datasets {
		s := b.Schemas[st.Dataset.Schema]
		if st.Current == nil || s == nil || len(s.ComuneFields) == 0 {
			continue
		}
		pkg, err := datapackage.Dataset(b, &st)
		if err != nil {
			t.Fatal(err)
		}
		last := pkg.Resources[len(pkg.Resources)-1]
		if last.Name != "comuni" || last.Path != "https://dati.provincia.como.it/datasets/comuni/comuni.csv" {
			t.Errorf("%s: the registry should close the package, got %s %s", st.Dataset.ID, last.Name, last.Path)
		}
		// The schema's comune field (codice_comune in the built-in
		// schemas, codice_istat in the Province's Table Schema).
		field := s.ComuneFields[0]
		fks := pkg.Resources[0].Schema.ForeignKeys
		if len(fks) != 1 || fks[0].Fields[0] != field || fks[0].Reference.Resource != "comuni" {
			t.Errorf("%s: foreign keys %+v", st.Dataset.ID, fks)
		}
		// Every code in the data is in the registry.
		codes := registryCodes(t, filepath.Join(out, "datasets", "comuni", "comuni.csv"))
		recs := readCSV(t, filepath.Join(out, "datasets", st.Dataset.ID, st.Dataset.ID+".csv"))
		col := slices.Index(recs[0], field)
		if col < 0 {
			t.Fatalf("%s: no column %s in %q", st.Dataset.ID, field, recs[0])
		}
		for i, rec := range recs[1:] {
			if rec[col] != "" && !codes[rec[col]] {
				t.Errorf("%s row %d: %s %q not in the registry", st.Dataset.ID, i+2, field, rec[col])
			}
		}
	}
}

func readCSV(t *testing.T, file string) [][]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func registryCodes(t *testing.T, file string) map[string]bool {
	recs := readCSV(t, file)
	col := slices.Index(recs[0], "codice_istat")
	out := map[string]bool{}
	for _, r := range recs[1:] {
		out[r[col]] = true
	}
	return out
}

func TestProfileRefusesBadPackages(t *testing.T) {
	s := profile(t, "datapackage.json")
	tests := []struct{ name, doc string }{
		{"no resources", `{"name": "x"}`},
		{"path climbs out", `{"resources": [{"name": "a", "path": "../a.csv"}]}`},
		{"hash not hex", `{"resources": [{"name": "a", "path": "a.csv", "hash": "sha256:xyz"}]}`},
		{"field without name", `{"resources": [{"name": "a", "path": "a.csv", "schema": {"fields": [{"type": "string"}]}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if s.Validate(doc) == nil {
				t.Errorf("the profile accepted %s", tt.doc)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestTableSchema(t *testing.T) {
	closed := &catalog.Schema{Name: "progetti", PrimaryKey: []string{"codice_progetto"}, Fields: []catalog.Field{
		{Name: "codice_progetto", Type: catalog.TypeString, Title: catalog.Text{It: "Codice progetto"}, Required: true, MinLength: ptr(1), Code: true},
		{Name: "cup", Type: catalog.TypeString, Pattern: "^[A-Z0-9]{15}$"},
		{Name: "comuni_coinvolti", Type: catalog.TypeInteger, Minimum: ptr(0.0)},
		{Name: "avanzamento", Type: catalog.TypeNumber, Minimum: ptr(0.0), Maximum: ptr(100.0), Unit: "%", Description: catalog.Text{It: "Avanzamento"}},
		{Name: "stato", Type: catalog.TypeString, Enum: []string{"in corso", "concluso"}},
		{Name: "data_convenzione", Type: catalog.TypeDate},
	}}
	tests := []struct {
		name    string
		schema  *catalog.Schema
		columns []string
		want    datapackage.Schema
	}{
		{"closed schema", closed, []string{"codice_progetto", "cup", "comuni_coinvolti", "avanzamento", "stato", "data_convenzione"}, datapackage.Schema{
			Profile: datapackage.ProfileSchema, MissingValues: []string{""}, PrimaryKey: []string{"codice_progetto"},
			Fields: []datapackage.Field{
				{Name: "codice_progetto", Type: "string", Title: "Codice progetto", Constraints: &datapackage.Constraints{Required: true, Unique: true, MinLength: ptr(1)}},
				{Name: "cup", Type: "string", Constraints: &datapackage.Constraints{Pattern: "[A-Z0-9]{15}"}},
				{Name: "comuni_coinvolti", Type: "integer", Constraints: &datapackage.Constraints{Minimum: ptr(0.0)}},
				{Name: "avanzamento", Type: "number", Description: "Avanzamento (%)", Constraints: &datapackage.Constraints{Minimum: ptr(0.0), Maximum: ptr(100.0)}},
				{Name: "stato", Type: "string", Constraints: &datapackage.Constraints{Enum: []string{"in corso", "concluso"}}},
				{Name: "data_convenzione", Type: "date"},
			}}},
		{"open schema", &catalog.Schema{Name: "tabella", Open: true}, []string{"cup", "comune"}, datapackage.Schema{
			Profile: datapackage.ProfileSchema, MissingValues: []string{""},
			Fields: []datapackage.Field{{Name: "cup", Type: "string"}, {Name: "comune", Type: "string"}}}},
		{"key column missing from the file", closed, []string{"cup"}, datapackage.Schema{
			Profile: datapackage.ProfileSchema, MissingValues: []string{""},
			Fields: []datapackage.Field{{Name: "cup", Type: "string", Constraints: &datapackage.Constraints{Pattern: "[A-Z0-9]{15}"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := json.MarshalIndent(datapackage.TableSchema(tt.schema, tt.columns), "", " ")
			want, _ := json.MarshalIndent(tt.want, "", " ")
			if string(got) != string(want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestWriteIsStable(t *testing.T) {
	b, out := demo(t)
	first, err := datapackage.Write(context.Background(), out, b)
	if err != nil {
		t.Fatal(err)
	}
	before := map[string][]byte{}
	for _, d := range first {
		before[d.Path], _ = os.ReadFile(filepath.Join(out, d.Path))
	}
	other := t.TempDir()
	if _, err := datapackage.Write(context.Background(), other, b); err != nil {
		t.Fatal(err)
	}
	for _, d := range first {
		again, err := os.ReadFile(filepath.Join(other, d.Path))
		if err != nil {
			t.Fatal(err)
		}
		if len(again) == 0 || string(again) != string(before[d.Path]) {
			t.Errorf("%s differs between two writes of the same build", d.Path)
		}
	}
}

// A free table's fields have the types ingest inferred, its headers as
// titles; the canonical CSV download passes the Table Schema's reading.
func TestTableSchemaOfAFreeTable(t *testing.T) {
	col := func(header, field string, typ catalog.FieldType) catalog.Column {
		return catalog.Column{Header: header, Field: field, Type: typ}
	}
	tb := &catalog.Table{Columns: []catalog.Column{
		col("Codice Istat del Comune", "codice_istat_del_comune", catalog.TypeString),
		col("Popolazione legale 2021", "popolazione_legale_2021", catalog.TypeInteger),
		col("Superficie (kmq)", "superficie_kmq", catalog.TypeNumber),
		col("Data", "data", catalog.TypeDate),
		col("Aggiornato", "aggiornato", catalog.TypeDatetime),
		col("Litoraneo", "litoraneo", catalog.TypeBoolean),
		col("note", "note", ""),
	}, Rows: []catalog.Row{
		{Cells: []catalog.Cell{{Value: "001001"}, {Value: 2562.0}, {Value: 13.1462}, {Value: "2024-12-31"}, {Value: "2024-12-31T14:30:05"}, {Value: false}, {Value: "a, b"}}},
		{Cells: []catalog.Cell{{Value: "013075"}, {Value: 83320.0}, {Value: 158913.91}, {}, {Value: "2024-01-02T10:00:00+01:00"}, {Value: true}, {}}},
	}}
	ts := datapackage.TableSchemaOf(&catalog.Schema{Name: "tabella", Open: true}, tb)
	want := []datapackage.Field{
		{Name: "codice_istat_del_comune", Type: "string", Title: "Codice Istat del Comune"},
		{Name: "popolazione_legale_2021", Type: "integer", Title: "Popolazione legale 2021"},
		{Name: "superficie_kmq", Type: "number", Title: "Superficie (kmq)"},
		{Name: "data", Type: "date", Title: "Data"},
		{Name: "aggiornato", Type: "datetime", Title: "Aggiornato"},
		{Name: "litoraneo", Type: "boolean", Title: "Litoraneo"},
		{Name: "note", Type: "string"},
	}
	got, _ := json.MarshalIndent(ts.Fields, "", " ")
	wantJSON, _ := json.MarshalIndent(want, "", " ")
	if string(got) != string(wantJSON) {
		t.Errorf("fields\n%s\nwant\n%s", got, wantJSON)
	}
	b, _ := json.Marshal(ts)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := profile(t, "tableschema.json").Validate(doc); err != nil {
		t.Errorf("not a valid Table Schema: %v", err)
	}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, tb, export.Fields(tb, nil)); err != nil {
		t.Fatal(err)
	}
	checkCSV(t, datapackage.Resource{Name: "tabella", Schema: ts}, buf.Bytes())
}
