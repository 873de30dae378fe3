package desk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

func TestSafeName(t *testing.T) {
	tests := map[string]string{
		"progetti.xlsx":                    "progetti.xlsx",
		"../../etc/passwd":                 "passwd",
		`C:\Users\anna\Progetti PNRR.XLSX`: "Progetti_PNRR.xlsx",
		"Cantù – 2026.csv":                 "Cantu___2026.csv",
		"...xlsx":                          "xlsx",
		"":                                 "file",
		"a..b.csv":                         "a.b.csv",
		"\x00nul.csv":                      "nul.csv",
		strings.Repeat("x", 200) + ".csv":  strings.Repeat("x", 72) + ".csv",
	}
	for in, want := range tests {
		got := safeName(in)
		if got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
		if checkPart(got) != nil {
			t.Errorf("safeName(%q) = %q, which the inbox refuses", in, got)
		}
	}
}

func TestWhere(t *testing.T) {
	tests := []struct {
		ref  catalog.Ref
		want string
	}{
		{catalog.Ref{File: "a.xlsx", Sheet: "Foglio1", Row: 14, Col: 3}, "Foglio1!C14"},
		{catalog.Ref{File: "a.xlsx", Sheet: "Foglio1", Row: 14}, "Foglio1!14:14"},
		{catalog.Ref{File: "a.csv", Row: 7, Col: 28}, "AB7"},
		{catalog.Ref{File: "a.csv"}, ""},
	}
	for _, tt := range tests {
		if got := where(tt.ref); got != tt.want {
			t.Errorf("where(%+v) = %q, want %q", tt.ref, got, tt.want)
		}
	}
}

func TestLimiter(t *testing.T) {
	l := newLimiter(Limit{N: 2, Per: time.Minute})
	t0 := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		at   time.Duration
		key  string
		ok   bool
		wait time.Duration
	}{
		{0, "a", true, 0},
		{10 * time.Second, "a", true, 0},
		{20 * time.Second, "a", false, 40 * time.Second},
		{20 * time.Second, "b", true, 0},
		{60 * time.Second, "a", true, 0},
		{61 * time.Second, "a", false, 9 * time.Second},
	}
	for i, s := range steps {
		ok, wait := l.allow(s.key, t0.Add(s.at))
		if ok != s.ok || wait != s.wait {
			t.Errorf("step %d: allow = %v, %v; want %v, %v", i, ok, wait, s.ok, s.wait)
		}
	}
}

func TestParseAccounts(t *testing.T) {
	const hash = "$2a$10$eIphhltUZJDPYdX4VwnE0.5TG3QSzghvnZnjXMCxj1F9c.dSP81aa"
	tests := []struct {
		name, yaml, err string
	}{
		{"valid", `accounts: [{user: a.b, name: A, comune: "013041", password_hash: "` + hash + `"}]`, ""},
		{"unknown key", `accounts: [{user: a.b, name: A, comune: "013041", password: x, password_hash: "` + hash + `"}]`, "field password not found"},
		{"duplicate user", `accounts: [{user: a.b, comune: "013", password_hash: "` + hash + `"}, {user: a.b, comune: "013", password_hash: "` + hash + `"}]`, "listed twice"},
		{"comune as a number", `accounts: [{user: a.b, comune: 13041, password_hash: "` + hash + `"}]`, "ISTAT code"},
		{"plain password", `accounts: [{user: a.b, comune: "013041", password_hash: "segreto"}]`, "bcrypt hash"},
		{"broken hash", `accounts: [{user: a.b, comune: "013041", password_hash: "$2a$99$x"}]`, "password_hash"},
		{"bad user", `accounts: [{user: "A B", comune: "013041", password_hash: "` + hash + `"}]`, "user must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAccounts([]byte(tt.yaml))
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestHashPassword(t *testing.T) {
	h, err := HashPassword("una-password-lunga")
	if err != nil {
		t.Fatal(err)
	}
	a := &Accounts{Accounts: []Account{{User: "x", Comune: "013", PasswordHash: h}}}
	if _, ok := a.verify("x", "una-password-lunga", nil); !ok {
		t.Error("the hash does not verify its password")
	}
	if _, ok := a.verify("x", "una-password-lungA", nil); ok {
		t.Error("the hash verifies another password")
	}
	if _, err := HashPassword("corta"); err == nil {
		t.Error("a short password was hashed")
	}
}

func TestQuarantineRetention(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for _, e := range []string{"20261101T000000Z-aaaaaaaaaaaa", "20261126T110000Z-bbbbbbbbbbbb"} {
		p := filepath.Join(dir, QuarantineDir, "pnrr-cantu", e)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(p, "report.json"), []byte("{}"), 0o644)
	}
	f := &Folder{dir: dir, retention: 7 * 24 * time.Hour, now: func() time.Time { return now }}
	if err := f.Clean(t.Context()); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(filepath.Join(dir, QuarantineDir, "pnrr-cantu"))
	if len(left) != 1 || left[0].Name() != "20261126T110000Z-bbbbbbbbbbbb" {
		t.Errorf("left after cleaning: %v", left)
	}
}
