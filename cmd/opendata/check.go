package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/provincia-como/opendata/pipeline"
	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/config"
	"github.com/provincia-como/opendata/pipeline/validate"
)

// checkLimit caps the size of a file check reads: a spreadsheet larger than
// this is not something a clerk sends.
const checkLimit = 200 << 20

// fileReport is the JSON form of one file's check.
type fileReport struct {
	File   string          `json:"file"`
	Schema string          `json:"schema"`
	Valid  bool            `json:"valid"`
	Rows   int             `json:"rows"`
	Issues []catalog.Issue `json:"issues"`
}

func runCheck(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "check", "check --schema NAME [--json] [--lang it|en] [--sheet NAME] FILE...")
	c := addCommon(f)
	schema := f.String("schema", "", "schema to check against: a built-in `name` (comuni, progetti, tabella, l190), a schema file (schemas/permessi.json, in the catalog folder or on disk: JSON Schema or Table Schema) or an https:// address")
	asJSON := f.Bool("json", false, "print the issues as JSON")
	lang := f.String("lang", "it", "language of the messages: it or en")
	sheet := f.String("sheet", "", "`sheet` to read in workbooks (default: the first one with data)")
	if err := parse(f, args); err != nil {
		return err
	}
	if *schema == "" {
		return usageError("--schema is required")
	}
	if f.NArg() == 0 {
		return usageError("name at least one file to check")
	}
	if *lang != "it" && *lang != "en" {
		return usageError("--lang must be it or en")
	}
	cat, err := c.catalogFS()
	if err != nil {
		return err
	}
	log, err := c.logger(e.stderr)
	if err != nil {
		return err
	}
	checker, err := pipeline.NewChecker(ctx, cat, log)
	if err != nil {
		return err
	}
	if err := useSchema(ctx, checker, cat, *schema); err != nil {
		return err
	}
	code := exitOK
	var reports []fileReport
	for _, path := range f.Args() {
		data, err := readFile(path)
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", path, err)
			code = exitUsage
			continue
		}
		// CheckFile: an L. 190 index's relative links are read beside it.
		issues, t, err := checker.CheckFile(ctx, *schema, path, data, *sheet)
		if err != nil {
			return err
		}
		r := fileReport{File: path, Schema: *schema, Valid: !catalog.Blocking(issues), Issues: issues}
		if r.Issues == nil {
			r.Issues = []catalog.Issue{}
		}
		if t != nil {
			r.Rows = len(t.Rows)
		}
		switch {
		case unreadable(issues):
			code = exitUsage
		case !r.Valid && code == exitOK:
			code = exitFailure
		}
		if *asJSON {
			reports = append(reports, r)
			continue
		}
		printReport(e.stdout, r, *lang)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			return err
		}
	}
	if code != exitOK {
		return &exitError{code: code}
	}
	return nil
}

// useSchema makes the checker know the schema reference: a built-in name,
// a schema file of the catalog folder or of the disk, an https:// address.
// A broken schema is bad usage, with each problem and its line.
func useSchema(ctx context.Context, checker *pipeline.Checker, cat fs.FS, ref string) error {
	if _, ok := checker.Schema(ref); ok {
		return nil
	}
	if msg := config.SchemaRefError(nil, ref); msg != "" && config.SchemaKind(ref) == config.SchemaURL {
		return usageError("%s", msg)
	}
	var err error
	switch config.SchemaKind(ref) {
	case config.SchemaBuiltin:
		return usageError("schema %q does not exist (known: %v)", ref, checker.Schemas())
	case config.SchemaFile:
		if _, statErr := fs.Stat(cat, ref); fs.ValidPath(ref) && statErr == nil {
			_, err = checker.Use(ctx, ref)
			break
		}
		data, rerr := readFile(ref)
		if rerr != nil {
			return usageError("schema file %s: %v (it is looked for in the catalog folder, then on disk)", ref, rerr)
		}
		_, err = checker.UseFile(ref, data)
	default:
		_, err = checker.Use(ctx, ref)
	}
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return usageError("the schema cannot be used:\n%v", err)
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, errors.New("is a folder, not a file")
	}
	if info.Size() > checkLimit {
		return nil, fmt.Errorf("file too large (%d MB, the limit is %d MB)", info.Size()>>20, checkLimit>>20)
	}
	return io.ReadAll(io.LimitReader(f, checkLimit+1))
}

func unreadable(issues []catalog.Issue) bool {
	for _, i := range issues {
		if i.Rule == "unreadable" {
			return true
		}
	}
	return false
}

func printReport(w io.Writer, r fileReport, lang string) {
	words := map[string][3]string{
		"it": {"valido", "NON valido", "righe"},
		"en": {"valid", "NOT valid", "rows"},
	}[lang]
	verdict := words[0]
	if !r.Valid {
		verdict = words[1]
	}
	fmt.Fprintf(w, "%s: %s (%d %s, schema %s)\n", r.File, verdict, r.Rows, words[2], r.Schema)
	for line := range strings.Lines(validate.Report(r.Issues, lang)) {
		fmt.Fprint(w, "  ", line)
	}
}
