package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestCheckL190 checks L. 190 XML files with the built-in schema: exit 0
// for a valid file (warnings allowed), 1 when ANAC's rules refuse it, 2 when
// it cannot be read at all; every issue points at the XML line.
func TestCheckL190(t *testing.T) {
	dir := filepath.Join("testdata", "l190")
	tests := []struct {
		file string
		code int
		rows int
		want []string // in the report
	}{
		{"avcp-2013-12-como.xml", exitOK, 3, []string{"valido (3 righe, schema l190)", "avcp-2013-12-como.xml:49", "procedura-variante"}},
		{"avcp-2013-12-nd.xml", exitFailure, 2, []string{"NON valido", "avcp-2013-12-nd.xml:31", "547278905B"}},
		{"avcp-2013-12-truncated.xml", exitUsage, 0, []string{"[unreadable]", "Riga 20, colonna"}},
		{"page.html", exitUsage, 0, []string{"[unreadable]", "pagina web"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			code, out, errs := runMain(t, "check", "--schema", "l190", path)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, out, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("report does not say %q:\n%s", w, out)
				}
			}
			code, out, _ = runMain(t, "check", "--schema", "l190", "--json", "--lang", "en", path)
			var reports []fileReport
			if err := json.Unmarshal([]byte(out), &reports); err != nil || len(reports) != 1 {
				t.Fatalf("--json: %v\n%s", err, out)
			}
			r := reports[0]
			if code != tt.code || r.Rows != tt.rows || r.Valid != (tt.code == exitOK) {
				t.Errorf("--json: exit %d, %d rows, valid %v", code, r.Rows, r.Valid)
			}
			for _, i := range r.Issues {
				if i.Message.It == "" || i.Message.En == "" || i.Rule == "" || i.Ref.File != tt.file {
					t.Errorf("issue without a rule, a file or a message in both languages: %+v", i)
				}
			}
		})
	}
}

// TestCheckL190Corpus checks the real files of the shared corpus: each ends
// in a verdict with lines, never a crash; the AVCP export, with fiscal codes
// "ND", is refused.
func TestCheckL190Corpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "corpus", "l190", "*.xml"))
	if len(files) == 0 {
		t.Skip("no L. 190 corpus")
	}
	for _, f := range files {
		code, out, errs := runMain(t, "check", "--schema", "l190", "--json", f)
		var reports []fileReport
		if err := json.Unmarshal([]byte(out), &reports); err != nil || len(reports) != 1 {
			t.Fatalf("%s: exit %d, not a JSON report: %v\n%s", f, code, err, errs)
		}
		r := reports[0]
		if code == exitUsage || r.Rows == 0 {
			t.Errorf("%s: exit %d, %d rows: the corpus files are all readable", f, code, r.Rows)
		}
		if strings.Contains(f, "2013-12") && code != exitFailure {
			t.Errorf("%s: exit %d, want 1 (fiscal codes ND)", f, code)
		}
		for _, i := range r.Issues {
			if i.Ref.Row == 0 && i.Rule != "too-many" {
				t.Errorf("%s: issue without a line: %+v", f, i)
				break
			}
		}
		info, _ := os.Stat(f)
		t.Logf("%s (%d KB): exit %d, %d lotti, %d issues", filepath.Base(f), info.Size()>>10, code, r.Rows, len(r.Issues))
	}
}

// A 2 GB file is refused from its size before a byte of it is read: the
// file is sparse, so the test costs no disk, and memory stays that of an
// empty check.
func TestCheckL190TwoGigabytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "contratti-2024.xml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<legge190:pubblicazione>"); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(2 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	code, out, errs := runMain(t, "check", "--schema", "l190", path)
	runtime.ReadMemStats(&after)
	if code != exitUsage || !strings.Contains(out+errs, "file too large (2048 MB, the limit is 200 MB)") {
		t.Errorf("exit %d, want %d and the size named:\n%s%s", code, exitUsage, out, errs)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("checking a 2 GB file allocated %d MB", grew>>20)
	}
}

// TestCheckL190Index checks an index whose links are files beside it: the
// lotti of every file are checked together; a link out of the index's
// folder is refused with the index's line.
func TestCheckL190Index(t *testing.T) {
	dir := t.TempDir()
	como, err := os.ReadFile(filepath.Join("testdata", "l190", "avcp-2013-12-como.xml"))
	if err != nil {
		t.Fatal(err)
	}
	index := func(links ...string) string {
		var b strings.Builder
		b.WriteString("<?xml version=\"1.0\"?>\n<legge190:indici xmlns:legge190=\"legge190_1_0\">\n<metadata><titolo>Indice</titolo></metadata>\n<indice>\n")
		for _, l := range links {
			b.WriteString("<dataset id=\"x\"><linkDataset>" + l + "</linkDataset></dataset>\n")
		}
		b.WriteString("</indice>\n</legge190:indici>\n")
		return b.String()
	}
	files := map[string]string{
		"anno/uno.xml":     string(como),
		"anno/due/due.xml": string(como),
		"anno/indice.xml":  index("uno.xml", "due/due.xml"),
		"anno/fuori.xml":   index("uno.xml", "../uno.xml"),
		"uno.xml":          string(como),
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := runMain(t, "check", "--schema", "l190", filepath.Join(dir, "anno", "indice.xml"))
	if code != exitOK || !strings.Contains(out, "6 righe") {
		t.Errorf("index of two files: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = runMain(t, "check", "--schema", "l190", filepath.Join(dir, "anno", "fuori.xml"))
	if code != exitFailure || !strings.Contains(out, "fuori.xml:6") || !strings.Contains(out, "esce dalla cartella") {
		t.Errorf("link out of the folder: exit %d\n%s", code, out)
	}
}
