package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/draft"
	"github.com/provincia-como/opendata/pipeline/ingest"
)

const schemaUsage = "schema infer [--format jsonschema|tableschema] [--sheet NAME] [--lang it|en] FILE"

// runSchema drafts a schema from a spreadsheet: `opendata schema infer`.
func runSchema(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "infer" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintf(e.stderr, "Usage: opendata %s\n", schemaUsage)
			return nil
		}
		return usageError("usage: opendata %s", schemaUsage)
	}
	f := newFlags(e, "schema infer", schemaUsage)
	format := f.String("format", "jsonschema", "`format` of the draft: jsonschema (JSON Schema 2020-12 with the portal's x- keywords) or tableschema (Frictionless Table Schema v1)")
	sheet := f.String("sheet", "", "`sheet` to read in workbooks (default: the first one with data)")
	lang := f.String("lang", "it", "language of the messages: it or en")
	// Flags may come before or after the file.
	var files []string
	rest := args[1:]
	for {
		if err := parse(f, rest); err != nil {
			return err
		}
		if f.NArg() == 0 {
			break
		}
		files = append(files, f.Arg(0))
		rest = f.Args()[1:]
	}
	if len(files) != 1 {
		return usageError("name one file: opendata %s", schemaUsage)
	}
	if *format != "jsonschema" && *format != "tableschema" {
		return usageError("--format must be jsonschema or tableschema")
	}
	if *lang != "it" && *lang != "en" {
		return usageError("--lang must be it or en")
	}
	path := files[0]
	data, err := readFile(path)
	if err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("%s: %w", path, err)}
	}
	name := filepath.Base(path)
	t, issues, err := ingest.Read(ctx, name, data, ingest.Options{Schema: &catalog.Schema{Open: true}, Sheet: *sheet})
	if err != nil {
		var ie *ingest.Error
		if errors.As(err, &ie) {
			return &exitError{code: exitUsage, err: fmt.Errorf("%s: %s", path, ie.Message.In(*lang))}
		}
		return err
	}
	for _, is := range issues {
		if is.Severity != catalog.Warning {
			// an empty file or sheet, a sheet that is not there: nothing to draft from
			return &exitError{code: exitUsage, err: fmt.Errorf("%s: %s", is.Where(), is.Message.In(*lang))}
		}
		fmt.Fprintf(e.stderr, "%s: %s\n", is.Where(), is.Message.In(*lang))
	}
	d := draft.FromTable(strings.TrimSuffix(name, filepath.Ext(name)), t)
	var out []byte
	if *format == "tableschema" {
		out, err = d.TableSchema()
	} else {
		out, err = d.JSONSchema()
	}
	if err != nil {
		return fmt.Errorf("schema infer %s: %w", path, err)
	}
	_, err = e.stdout.Write(out)
	return err
}
