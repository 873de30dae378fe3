package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runMain runs the command in-process, as a user would from a shell.
func runMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	code = Main(ctx, args, &env{stdout: &out, stderr: &errb, stdin: strings.NewReader(""), getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{nil, exitUsage, "Usage: opendata COMMAND"},
		{[]string{"help"}, exitOK, "check"},
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"build", "--no-such-flag"}, exitUsage, "flag provided but not defined"},
		{[]string{"check", "x.csv"}, exitUsage, "--schema is required"},
		{[]string{"check", "--schema", "progetti"}, exitUsage, "name at least one file"},
		{[]string{"check", "--schema", "nope", "x.csv"}, exitUsage, `schema "nope" does not exist`},
		{[]string{"check", "--schema", "progetti", "/no/such/file.xlsx"}, exitUsage, "no such file"},
		{[]string{"build", "--catalog", "/no/such/folder"}, exitUsage, "catalog"},
		{[]string{"build", "--log-format", "xml"}, exitUsage, "--log-format"},
		{[]string{"publish", "--from", "/no/such/folder"}, exitUsage, "run `opendata build` first"},
	}
	for _, c := range cases {
		code, out, errs := runMain(t, c.args...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("opendata %v: exit %d, want %d; output does not say %q:\n%s%s", c.args, code, c.code, c.want, out, errs)
		}
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckExitCodesAndJSON(t *testing.T) {
	good := writeFile(t, "progetti.csv", "Codice progetto;Titolo;Codice ISTAT comune;Totale finanziamento\nP-1;Rete civica;013075;1.250,00\n")
	bad := writeFile(t, "progetti-bad.csv", "Codice progetto;Titolo;Codice ISTAT comune;Totale finanziamento\nP-1;Rete civica;13075;mille\nP-1;;013075;10\n")
	garbage := writeFile(t, "progetti.xlsx", "this is not a workbook at all")

	code, out, errs := runMain(t, "check", "--schema", "progetti", good)
	if code != exitOK || !strings.Contains(out, "valido") {
		t.Errorf("good file: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runMain(t, "check", "--schema", "progetti", bad)
	if code != exitFailure || !strings.Contains(out, "NON valido") || !strings.Contains(out, "progetti-bad.csv:2:") {
		t.Errorf("bad file: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runMain(t, "check", "--schema", "progetti", garbage)
	if code != exitUsage || !strings.Contains(out, "[unreadable]") {
		t.Errorf("garbage file: exit %d\n%s%s", code, out, errs)
	}

	code, out, _ = runMain(t, "check", "--schema", "progetti", "--json", good, bad)
	if code != exitFailure {
		t.Errorf("json: exit %d", code)
	}
	var reports []fileReport
	if err := json.Unmarshal([]byte(out), &reports); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, out)
	}
	if len(reports) != 2 || !reports[0].Valid || reports[1].Valid || len(reports[1].Issues) == 0 {
		t.Fatalf("reports: %+v", reports)
	}
	for _, i := range reports[1].Issues {
		if i.Ref.File != "progetti-bad.csv" || i.Ref.Row == 0 || i.Message.It == "" || i.Message.En == "" || i.Rule == "" {
			t.Errorf("issue without a cell, a rule or a message in both languages: %+v", i)
		}
	}
}

// TestCheckHostileCorpus runs every odd, old and broken spreadsheet of the
// shared corpus through `check`: each ends in a verdict, none in a panic.
func TestCheckHostileCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "hostile")
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Skip("no hostile corpus at " + dir)
	}
	args := append([]string{"check", "--schema", "tabella", "--json"}, files...)
	code, out, errs := runMain(t, args...)
	if code != exitUsage {
		t.Errorf("exit %d; the corpus has unreadable files, so 2 is expected\n%s", code, errs)
	}
	var reports []fileReport
	if err := json.Unmarshal([]byte(out), &reports); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if len(reports) != len(files) {
		t.Fatalf("%d reports for %d files", len(reports), len(files))
	}
	unreadableCount := 0
	for _, r := range reports {
		for _, i := range r.Issues {
			if i.Message.It == "" || i.Message.En == "" {
				t.Errorf("%s: issue without a message: %+v", r.File, i)
			}
		}
		if unreadable(r.Issues) {
			unreadableCount++
		}
	}
	t.Logf("%d files: %d unreadable, %d read", len(files), unreadableCount, len(files)-unreadableCount)
}

// TestRunCarriesOn runs the scheduled job's body three times: a first
// publish, a run with nothing changed (no render, no upload), and a fresh
// runner with no local state, which takes the state from the target.
func TestRunCarriesOn(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "bucket")
	args := func(runner string) []string {
		return []string{"run", "--out", filepath.Join(dir, runner, "public"), "--state", filepath.Join(dir, runner, "state"), "--to", target}
	}
	code, out, errs := runMain(t, args("a")...)
	// The demo's only refusal is an example: the job succeeds.
	if code != exitOK || !strings.Contains(out, "Portal built") || !strings.Contains(out, "Published") {
		t.Fatalf("first run: exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(target, "datasets", "pnrr-cantu", "index.html")); err != nil {
		t.Fatalf("not published: %v", err)
	}
	code, out, _ = runMain(t, args("a")...)
	if code != exitOK || !strings.Contains(out, "No source changed") || strings.Contains(out, "Published") {
		t.Errorf("unchanged run: exit %d\n%s", code, out)
	}
	code, out, errs = runMain(t, args("b")...)
	if code != exitOK {
		t.Fatalf("fresh runner: exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "b", "state", "comuni", "state.json")); err != nil {
		t.Errorf("the fresh runner did not take the state from the target: %v", err)
	}
	// The versions the fresh runner publishes are the ones already there.
	var a, b []string
	for _, runner := range []string{"a", "b"} {
		entries, _ := os.ReadDir(filepath.Join(dir, runner, "state", "pnrr-cantu", "versions"))
		for _, e := range entries {
			if runner == "a" {
				a = append(a, e.Name())
			} else {
				b = append(b, e.Name())
			}
		}
	}
	if len(a) != 1 || strings.Join(a, ",") != strings.Join(b, ",") {
		t.Errorf("versions: runner a %v, runner b %v", a, b)
	}
}
