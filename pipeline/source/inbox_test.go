package source

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestInboxLatest(t *testing.T) {
	dir := t.TempDir()
	in := &Inbox{Dir: dir, MaxBytes: 1 << 20}
	ctx := context.Background()
	if res, err := in.Latest(ctx, "pnrr-cantu"); res != nil || err != nil {
		t.Fatalf("empty inbox: %v %v", res, err)
	}
	files := map[string]string{
		"pnrr-cantu/20261120T090000Z-aaaaaaaaaaaa-progetti.xlsx":     "old",
		"pnrr-cantu/20261126T100000Z-bbbbbbbbbbbb-progetti-2026.csv": "new",
		"pnrr-cantu/.tmp-123":          "being written",
		"quarantine/pnrr-cantu/x/file": "refused",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := in.Latest(ctx, "pnrr-cantu")
	if err != nil || res == nil {
		t.Fatal(err)
	}
	if res.Name != "progetti-2026.csv" || string(res.Data) != "new" || res.Prov.Fetched.Format("2006-01-02T15") != "2026-11-26T10" {
		t.Errorf("latest: %s %q %s", res.Name, res.Data, res.Prov.Fetched)
	}
	if _, err := in.Latest(ctx, "../etc"); err == nil {
		t.Error("a dataset id leaving the inbox was accepted")
	}
}
