package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

// Objects is the part of an object store (an S3 bucket prefix) the desk
// needs; cmd adapts the publisher's S3 target to it. Each Write replaces an
// object at once, so a reader never sees half a file.
type Objects interface {
	Write(ctx context.Context, key string, data []byte) error
	// Read returns an object; the error wraps fs.ErrNotExist when it is
	// absent.
	Read(ctx context.Context, key string) ([]byte, error)
	// Keys lists the keys under prefix, sorted.
	Keys(ctx context.Context, prefix string) ([]string, error)
	Remove(ctx context.Context, keys ...string) error
}

// Bucket is an inbox in an object store, with the folder inbox's layout:
//
//	<dataset>/<stamp>-<sha>-<name>                   accepted files
//	quarantine/<dataset>/<stamp>-<sha>/<name>        refused files
//	quarantine/<dataset>/<stamp>-<sha>/report.json
//	audit/<stamp>-<sha>-<token>.json                 one audit record each
//	sessions.json                                    the desk's signed-in sessions
//
// An object store cannot append, so the audit log is one object a record.
type Bucket struct {
	o         Objects
	retention time.Duration
	now       func() time.Time
}

const auditPrefix = "audit/"

// OpenBucket opens an inbox in an object store and cleans its quarantine.
func OpenBucket(ctx context.Context, o Objects, k Keeping) (*Bucket, error) {
	b := &Bucket{o: o, retention: k.Retention, now: k.clock()}
	if err := b.Clean(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *Bucket) Put(ctx context.Context, dataset, name string, data []byte, rec AuditRecord) error {
	if err := checkPart(dataset); err != nil {
		return err
	}
	if err := checkPart(name); err != nil {
		return err
	}
	key := dataset + "/" + entryName(rec.Time, rec.SHA256) + "-" + name
	if err := b.o.Write(ctx, key, data); err != nil {
		return fmt.Errorf("inbox %s: %w", dataset, err)
	}
	rec.Stored = key
	if err := b.Audit(ctx, rec); err != nil {
		return err
	}
	return b.Clean(ctx)
}

func (b *Bucket) Quarantine(ctx context.Context, dataset, name string, data, report []byte, rec AuditRecord) error {
	if err := checkPart(dataset); err != nil {
		return err
	}
	if err := checkPart(name); err != nil {
		return err
	}
	entry := QuarantineDir + "/" + dataset + "/" + entryName(rec.Time, rec.SHA256) + "-" + randomToken()[:6] + "/"
	// The report goes last: an entry with its report is complete.
	if err := b.o.Write(ctx, entry+name, data); err != nil {
		return fmt.Errorf("quarantine %s: %w", dataset, err)
	}
	if err := b.o.Write(ctx, entry+"report.json", report); err != nil {
		return fmt.Errorf("quarantine %s: %w", dataset, err)
	}
	rec.Stored = entry + name
	if err := b.Audit(ctx, rec); err != nil {
		return err
	}
	return b.Clean(ctx)
}

func (b *Bucket) Audit(ctx context.Context, rec AuditRecord) error {
	body, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	key := auditPrefix + entryName(rec.Time, rec.SHA256) + "-" + randomToken()[:8] + ".json"
	if err := b.o.Write(ctx, key, body); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// Records reads the audit records, oldest first.
func (b *Bucket) Records(ctx context.Context) ([]AuditRecord, error) {
	keys, err := b.o.Keys(ctx, auditPrefix)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	recs := make([]AuditRecord, 0, len(keys))
	for _, k := range keys {
		body, err := b.o.Read(ctx, k)
		if err != nil {
			return nil, fmt.Errorf("audit %s: %w", k, err)
		}
		var r AuditRecord
		if err := json.Unmarshal(body, &r); err != nil {
			return nil, fmt.Errorf("audit %s: %w", k, err)
		}
		recs = append(recs, r)
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Time.Before(recs[j].Time) })
	return recs, nil
}

// Clean removes quarantined entries older than the retention time.
func (b *Bucket) Clean(ctx context.Context) error {
	if b.retention <= 0 {
		return nil
	}
	keys, err := b.o.Keys(ctx, QuarantineDir+"/")
	if err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	cutoff := b.now().Add(-b.retention)
	var old []string
	for _, k := range keys {
		parts := strings.Split(k, "/") // quarantine/<dataset>/<entry>/<file>
		if len(parts) < 4 {
			continue
		}
		stamp, _, _ := strings.Cut(parts[2], "-")
		if t, err := time.Parse(stampLayout, stamp); err == nil && t.Before(cutoff) {
			old = append(old, k)
		}
	}
	if len(old) == 0 {
		return nil
	}
	if err := b.o.Remove(ctx, old...); err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	return nil
}

// LoadSessions reads the desk's sessions object under the inbox prefix.
func (b *Bucket) LoadSessions(ctx context.Context) ([]byte, error) {
	data, err := b.o.Read(ctx, SessionsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// SaveSessions replaces the sessions object; a PUT is atomic in S3.
func (b *Bucket) SaveSessions(ctx context.Context, data []byte) error {
	return b.o.Write(ctx, SessionsFile, data)
}
