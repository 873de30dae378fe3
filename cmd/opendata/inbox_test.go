package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/provincia-como/opendata/desk"
)

// TestInboxInBucket: the desk stores a clerk's upload in an S3 prefix and
// the pipeline takes it from there, under the clerk's own file name.
func TestInboxInBucket(t *testing.T) {
	mem := s3mem.New()
	if err := mem.CreateBucket("inbox"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(mem).Server())
	defer srv.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	ctx := context.Background()
	c := &common{inbox: "s3://inbox/sportello"}
	box, err := c.deskInbox(ctx, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "desk", "testdata", "pnrr-olgiate-comasco-errori.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	rec := desk.AuditRecord{Time: time.Now().UTC(), User: "olgiate.bianchi", Comune: "013165", Dataset: "pnrr-olgiate-comasco",
		File: "progetti-ottobre.xlsx", Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Result: desk.ResultAccepted}
	if err := box.Put(ctx, "pnrr-olgiate-comasco", "progetti-ottobre.xlsx", data, rec); err != nil {
		t.Fatal(err)
	}
	old := rec
	old.Time = time.Now().Add(-72 * time.Hour)
	old.Result = desk.ResultRefused
	if err := box.Quarantine(ctx, "pnrr-cantu", "vecchio.xlsx", data, []byte(`[]`), old); err != nil {
		t.Fatal(err)
	}
	recs, err := box.Records(ctx)
	if err != nil || len(recs) != 2 || recs[1].Stored == "" || !strings.HasPrefix(recs[1].Stored, "pnrr-olgiate-comasco/") {
		t.Fatalf("audit records: %v %+v", err, recs)
	}
	// The quarantined entry is older than the retention: the next upload
	// cleans it away.
	objects, err := openBucket(ctx, c.inbox)
	if err != nil {
		t.Fatal(err)
	}
	if keys, _ := objects.Keys(ctx, "quarantine/"); len(keys) != 0 {
		t.Errorf("quarantine not cleaned: %v", keys)
	}
	if keys, _ := objects.Keys(ctx, "pnrr-olgiate-comasco/"); len(keys) != 1 {
		t.Errorf("accepted upload: %v", keys)
	}

	dir := t.TempDir()
	code, out, errs := runMain(t, "build", "--out", filepath.Join(dir, "public"), "--state", filepath.Join(dir, "state"), "--inbox", "s3://inbox/sportello")
	// pnrr-olgiate-comasco is an example dataset: its refusal is expected
	// and does not make the exit code 3.
	if code != exitOK || !strings.Contains(out, "progetti-ottobre.xlsx!Foglio1!B2") {
		t.Fatalf("the upload in the bucket was not judged under the clerk's name: exit %d\n%s%s", code, out, errs)
	}
}
