package source

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/provincia-como/opendata/internal/s3test"
)

// latester is an inbox the pipeline reads: a folder or a bucket prefix.
type latester interface {
	Latest(ctx context.Context, dataset string) (*Result, error)
}

// TestInboxKinds runs one set of checks on the three places the desk's
// inbox can be: a folder, gofakes3, and a real S3 server (versitygw).
func TestInboxKinds(t *testing.T) {
	// the layout the desk writes, with what the pipeline must pass over
	files := map[string]string{
		"pnrr-cantu/20261120T090000Z-aaaaaaaaaaaa-progetti.xlsx":     "old",
		"pnrr-cantu/20261126T100000Z-bbbbbbbbbbbb-progetti-2026.csv": "new",
		"pnrr-cantu/.tmp-123": "being written",
		"pnrr-cantu-bis/20261127T100000Z-cccccccccccc-altro.csv":     "another dataset",
		"quarantine/pnrr-cantu/20261128T100000Z-dddddddddddd/x.xlsx": "refused",
		"audit/20261126T100000Z-bbbbbbbbbbbb-abcdefgh.json":          "{}",
		"sessions.json": `{"sessions":[]}`,
		"pnrr-olgiate-comasco/20261126T100000Z-eeeeeeeeeeee-big.xlsx": "0123456789abcdefghijklmnopqrstuvwxyz",
	}
	check := func(t *testing.T, in latester) {
		ctx := context.Background()
		res, err := in.Latest(ctx, "pnrr-cantu")
		if err != nil || res == nil {
			t.Fatalf("latest: %v %v", res, err)
		}
		if res.Name != "progetti-2026.csv" || string(res.Data) != "new" || res.Prov.Fetched.Format("2006-01-02T15") != "2026-11-26T10" {
			t.Errorf("latest: %s %q %s", res.Name, res.Data, res.Prov.Fetched)
		}
		if res, err := in.Latest(ctx, "comuni"); res != nil || err != nil {
			t.Errorf("a dataset without uploads: %v, %v; want nothing", res, err)
		}
		for _, ds := range []string{"../etc", "quarantine/pnrr-cantu", `a\b`} {
			if _, err := in.Latest(ctx, ds); err == nil {
				t.Errorf("dataset id %q leaving the inbox was accepted", ds)
			}
		}
		var se *Error
		if _, err := in.Latest(ctx, "pnrr-olgiate-comasco"); !errors.As(err, &se) {
			t.Errorf("a file over the size limit: %v, want a source error", err)
		}
	}
	t.Run("folder", func(t *testing.T) {
		dir := t.TempDir()
		for name, body := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		check(t, &Inbox{Dir: dir, MaxBytes: 16})
	})
	s3test.Each(t, func(t *testing.T, s *s3test.Server) {
		objects := s.Objects(t, "sportello")
		for name, body := range files {
			if err := objects.Write(context.Background(), name, []byte(body)); err != nil {
				t.Fatal(err)
			}
		}
		check(t, &BucketInbox{Objects: objects, MaxBytes: 16})
	})
}
