package config

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// The kinds of schema reference a dataset's `schema:` may hold.
const (
	// SchemaBuiltin is the name of a schema of the program: comuni,
	// progetti, tabella, l190.
	SchemaBuiltin = "builtin"
	// SchemaFile is a path to a schema file in the catalog folder, such as
	// schemas/permessi.json.
	SchemaFile = "file"
	// SchemaURL is an https:// address of a schema document.
	SchemaURL = "url"
)

// SchemaKind tells what a schema reference is: a URL when it starts with a
// scheme, a file when it is a path or ends in .json, else a built-in name.
func SchemaKind(ref string) string {
	switch {
	case strings.Contains(ref, "://"):
		return SchemaURL
	case strings.Contains(ref, "/") || strings.HasSuffix(strings.ToLower(ref), ".json"):
		return SchemaFile
	}
	return SchemaBuiltin
}

// SchemaRefError checks a schema reference found outside a catalog file
// (the --schema flag of check): the message, or "" when it is well formed.
// A file reference is checked against fsys when it is not nil.
func SchemaRefError(fsys fs.FS, ref string) string {
	d := &doc{file: "--schema"}
	if err := checkSchemaRef(fsys, d, ref); err != nil {
		return err.(*Error).Message.En
	}
	return ""
}

// checkSchemaRef checks the shape of a dataset's schema reference. What the
// file or URL holds is checked when the pipeline compiles it.
func checkSchemaRef(fsys fs.FS, d *doc, ref string) error {
	errorf := func(it, en string) error {
		e := &Error{File: d.file, Message: catalog.Text{It: it, En: en}}
		if d.root != nil {
			e.Line = d.line("schema")
		}
		return e
	}
	switch SchemaKind(ref) {
	case SchemaURL:
		if !strings.HasPrefix(ref, "https://") || !webURL(ref) {
			return errorf(
				fmt.Sprintf("indirizzo dello schema «%s» non valido: deve iniziare con https://", ref),
				fmt.Sprintf("invalid schema address %q: it must start with https://", ref))
		}
	case SchemaFile:
		if !fs.ValidPath(ref) || path.Clean(ref) != ref || path.Ext(ref) != ".json" {
			return errorf(
				fmt.Sprintf("percorso dello schema «%s» non valido: scriverlo relativo alla cartella del catalogo, con «/», senza «..» né «/» iniziale, con estensione .json (es. schemas/permessi.json)", ref),
				fmt.Sprintf("invalid schema path %q: write it relative to the catalog folder, with \"/\", without \"..\" or a leading \"/\", ending in .json (e.g. schemas/permessi.json)", ref))
		}
		if fsys == nil {
			return nil
		}
		fi, err := fs.Stat(fsys, ref)
		if err != nil {
			return errorf(
				fmt.Sprintf("il file di schema «%s» non esiste nella cartella del catalogo: controllare il nome (maiuscole comprese)", ref),
				fmt.Sprintf("the schema file %q does not exist in the catalog folder: check the name (including capitals)", ref))
		}
		if !fi.Mode().IsRegular() {
			return errorf(fmt.Sprintf("«%s» è una cartella, non un file", ref), fmt.Sprintf("%q is a folder, not a file", ref))
		}
	default:
		if !slices.Contains(Schemas(), ref) {
			list := strings.Join(Schemas(), ", ")
			return errorf(
				fmt.Sprintf("schema «%s» non previsto: usare uno tra %s, un file dello schema nel catalogo (es. schemas/permessi.json) o un indirizzo https://", ref, list),
				fmt.Sprintf("schema %q is not allowed: use one of %s, a schema file of the catalog (e.g. schemas/permessi.json) or an https:// address", ref, list))
		}
	}
	return nil
}
