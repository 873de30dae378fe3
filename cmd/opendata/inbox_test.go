package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provincia-como/opendata/desk"
	"github.com/provincia-como/opendata/internal/s3test"
)

// TestInboxInBucket: the desk stores a clerk's upload in an S3 prefix and
// the pipeline takes it from there, under the clerk's own file name; the
// desk's sessions live beside it. On gofakes3 and on a real S3 server
// (versitygw), through the same adapter over the publisher's S3 target
// that `opendata serve` and `opendata run` use.
func TestInboxInBucket(t *testing.T) {
	s3test.Each(t, func(t *testing.T, s *s3test.Server) {
		s3test.Env(t, s)
		inbox := "s3://" + s.Bucket(t, "inbox") + "/sportello"
		ctx := context.Background()
		c := &common{inbox: inbox}
		box, err := c.deskInbox(ctx, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join("..", "..", "desk", "testdata", "pnrr-olgiate-comasco-errori.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		// The inbox ages entries by the machine's clock here, as in
		// production; every time below is relative to it.
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

		// Sessions: none yet (an absent object is no error, or the desk
		// would not start), then what one desk saves the next one reads.
		store, ok := box.(desk.SessionStore)
		if !ok {
			t.Fatalf("%T keeps no sessions", box)
		}
		if got, err := store.LoadSessions(ctx); got != nil || err != nil {
			t.Fatalf("sessions before any sign-in: %q, %v", got, err)
		}
		saved := []byte(`{"sessions":[]}`)
		if err := store.SaveSessions(ctx, saved); err != nil {
			t.Fatal(err)
		}
		again, err := c.deskInbox(ctx, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := again.(desk.SessionStore).LoadSessions(ctx); err != nil || !bytes.Equal(got, saved) {
			t.Errorf("sessions after a restart: %q, %v", got, err)
		}

		dir := t.TempDir()
		code, out, errs := runMain(t, "build", "--out", filepath.Join(dir, "public"), "--state", filepath.Join(dir, "state"), "--inbox", inbox)
		// pnrr-olgiate-comasco is an example dataset: its refusal is expected
		// and does not make the exit code 3.
		if code != exitOK || !strings.Contains(out, "progetti-ottobre.xlsx!Foglio1!B2") {
			t.Fatalf("the upload in the bucket was not judged under the clerk's name: exit %d\n%s%s", code, out, errs)
		}
	})
}
