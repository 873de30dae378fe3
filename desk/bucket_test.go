package desk_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/provincia-como/opendata/desk"
	"github.com/provincia-como/opendata/internal/s3test"
)

// TestBucket: the inbox in an object store keeps accepted files, the
// quarantine with its report, the audit records and the sessions with the
// folder's layout, and ages the quarantine by its clock; on gofakes3 and
// on a real S3 server (versitygw).
func TestBucket(t *testing.T) {
	s3test.Each(t, func(t *testing.T, s *s3test.Server) {
		ctx := context.Background()
		objects := s.Objects(t, "sportello")
		clk := &clock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
		box, err := desk.OpenBucket(ctx, objects, desk.Keeping{Retention: 24 * time.Hour, Now: clk.now})
		if err != nil {
			t.Fatal(err)
		}
		data := readFile(t, "pnrr-cantu.xlsx")
		rec := func(result string) desk.AuditRecord {
			return desk.AuditRecord{Time: clk.now(), User: "cantu.rossi", Comune: "013041", Dataset: "pnrr-cantu",
				File: "Progetti.xlsx", Size: int64(len(data)), SHA256: "0123456789abcdef", Result: result}
		}
		if err := box.Put(ctx, "pnrr-cantu", "Progetti.xlsx", data, rec(desk.ResultAccepted)); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Hour)
		if err := box.Quarantine(ctx, "pnrr-cantu", "Progetti.xlsx", data, []byte(`{"issues":[]}`), rec(desk.ResultRefused)); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"../pnrr-cantu", ".hidden", "a/b", ""} {
			if err := box.Put(ctx, bad, "x.xlsx", data, rec(desk.ResultAccepted)); err == nil {
				t.Errorf("dataset %q accepted", bad)
			}
		}

		keys, err := objects.Keys(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		var accepted, quarantined, audit []string
		for _, k := range keys {
			switch {
			case strings.HasPrefix(k, "pnrr-cantu/"):
				accepted = append(accepted, k)
			case strings.HasPrefix(k, desk.QuarantineDir+"/pnrr-cantu/20261126T110000Z-0123456789ab-"):
				quarantined = append(quarantined, k[strings.LastIndex(k, "/")+1:])
			case strings.HasPrefix(k, "audit/"):
				audit = append(audit, k)
			default:
				t.Errorf("unexpected object %s", k)
			}
		}
		if len(accepted) != 1 || accepted[0] != "pnrr-cantu/20261126T100000Z-0123456789ab-Progetti.xlsx" {
			t.Errorf("accepted: %v", accepted)
		}
		if strings.Join(quarantined, " ") != "Progetti.xlsx report.json" {
			t.Errorf("quarantined: %v", quarantined)
		}
		if got, err := objects.Read(ctx, accepted[0]); err != nil || !bytes.Equal(got, data) {
			t.Errorf("stored file differs from the upload: %v", err)
		}
		recs, err := box.Records(ctx)
		if err != nil || len(audit) != 2 || len(recs) != 2 {
			t.Fatalf("audit: %v objects %v, records %+v", err, audit, recs)
		}
		if recs[0].Result != desk.ResultAccepted || recs[0].Stored != accepted[0] ||
			recs[1].Result != desk.ResultRefused || !strings.HasPrefix(recs[1].Stored, desk.QuarantineDir+"/pnrr-cantu/") {
			t.Errorf("records: %+v", recs)
		}

		// sessions: absent is no error; what is saved is read back
		if got, err := box.LoadSessions(ctx); got != nil || err != nil {
			t.Errorf("sessions before any save: %q, %v", got, err)
		}
		if err := box.SaveSessions(ctx, []byte(`{"sessions":[]}`)); err != nil {
			t.Fatal(err)
		}
		if got, err := box.LoadSessions(ctx); err != nil || string(got) != `{"sessions":[]}` {
			t.Errorf("sessions: %q, %v", got, err)
		}

		// a day after the refusal its entry is gone, the accepted file and
		// the audit stay
		clk.advance(24*time.Hour + time.Second)
		if err := box.Clean(ctx); err != nil {
			t.Fatal(err)
		}
		if q, _ := objects.Keys(ctx, desk.QuarantineDir+"/"); len(q) != 0 {
			t.Errorf("quarantine after the retention: %v", q)
		}
		if a, _ := objects.Keys(ctx, "pnrr-cantu/"); len(a) != 1 {
			t.Errorf("accepted after cleaning: %v", a)
		}
		if r, _ := box.Records(ctx); len(r) != 2 {
			t.Errorf("audit after cleaning: %d records", len(r))
		}
	})
}
