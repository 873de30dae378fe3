package desk

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Inbox keeps what clerks upload: accepted files for the next run of the
// pipeline, refused ones in quarantine, and an audit line for every upload.
// Folder and Bucket (an S3 prefix) implement it.
type Inbox interface {
	// Put stores an accepted file atomically and appends its audit record.
	Put(ctx context.Context, dataset, name string, data []byte, rec AuditRecord) error
	// Quarantine keeps a refused file with its report (JSON) for the
	// retention time, never published, and appends its audit record.
	Quarantine(ctx context.Context, dataset, name string, data, report []byte, rec AuditRecord) error
	// Audit appends the record of an upload that was not kept at all
	// (too big, cut short).
	Audit(ctx context.Context, rec AuditRecord) error
	// Records returns the audit records, oldest first.
	Records(ctx context.Context) ([]AuditRecord, error)
}

// Results of an upload in the audit log.
const (
	ResultAccepted = "accepted"
	ResultRefused  = "refused"
)

// AuditRecord is one upload: who, when, what, and what became of it.
type AuditRecord struct {
	Time    time.Time `json:"time"`
	User    string    `json:"user"`
	Comune  string    `json:"comune"`
	Address string    `json:"address,omitempty"`
	Dataset string    `json:"dataset"`
	// File is the name the clerk's browser sent; Stored the path of the
	// kept copy relative to the inbox (empty when nothing was kept).
	File   string `json:"file"`
	Stored string `json:"stored,omitempty"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
	Result string `json:"result"`
	// Reason is the rule of the first blocking issue, or a limit such as
	// "too-big" or "zip-bomb".
	Reason   string `json:"reason,omitempty"`
	Errors   int    `json:"errors,omitempty"`
	Warnings int    `json:"warnings,omitempty"`
}

// Folder is an Inbox in a local folder:
//
//	<dir>/<dataset>/<UTC time>-<sha256 prefix>-<name>   accepted files
//	<dir>/quarantine/<dataset>/<UTC time>-<sha256 prefix>/{<name>,report.json}
//	<dir>/audit.jsonl                                    one JSON line per upload
//	<dir>/sessions.json                                  the desk's signed-in sessions
//
// Files being written start with ".tmp-" and are renamed into place, so a
// reader never sees half a file.
type Folder struct {
	dir       string
	retention time.Duration
	now       func() time.Time
	mu        sync.Mutex // serialises audit appends
}

// QuarantineDir is the folder of refused files inside the inbox.
const QuarantineDir = "quarantine"

// AuditFile is the audit log inside the inbox.
const AuditFile = "audit.jsonl"

const stampLayout = "20060102T150405Z"

// Keeping says how long an inbox keeps quarantined files, and by which clock.
// The desk and its inbox must share one clock: the desk stamps entries with
// it and the inbox ages them with it.
type Keeping struct {
	// Retention is how long refused files stay in quarantine; 0 keeps them
	// for ever.
	Retention time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (k Keeping) clock() func() time.Time {
	if k.Now == nil {
		return time.Now
	}
	return k.Now
}

// OpenFolder prepares an inbox folder and removes quarantined files older
// than the retention time.
func OpenFolder(ctx context.Context, dir string, k Keeping) (*Folder, error) {
	f := &Folder{dir: dir, retention: k.Retention, now: k.clock()}
	if err := os.MkdirAll(filepath.Join(dir, QuarantineDir), 0o750); err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	if err := f.Clean(ctx); err != nil {
		return nil, err
	}
	return f, nil
}

// Dir is the inbox folder.
func (f *Folder) Dir() string { return f.dir }

func entryName(t time.Time, sum string) string {
	if len(sum) > 12 {
		sum = sum[:12]
	}
	return t.UTC().Format(stampLayout) + "-" + sum
}

func (f *Folder) Put(ctx context.Context, dataset, name string, data []byte, rec AuditRecord) error {
	if err := checkPart(dataset); err != nil {
		return err
	}
	if err := checkPart(name); err != nil {
		return err
	}
	dir := filepath.Join(f.dir, dataset)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("inbox %s: %w", dataset, err)
	}
	file := entryName(rec.Time, rec.SHA256) + "-" + name
	if err := writeAtomic(dir, file, data); err != nil {
		return fmt.Errorf("inbox %s: %w", dataset, err)
	}
	rec.Stored = dataset + "/" + file
	if err := f.Audit(ctx, rec); err != nil {
		return err
	}
	return f.Clean(ctx)
}

func (f *Folder) Quarantine(ctx context.Context, dataset, name string, data, report []byte, rec AuditRecord) error {
	if err := checkPart(dataset); err != nil {
		return err
	}
	if err := checkPart(name); err != nil {
		return err
	}
	parent := filepath.Join(f.dir, QuarantineDir, dataset)
	if err := os.MkdirAll(parent, 0o750); err != nil {
		return fmt.Errorf("quarantine %s: %w", dataset, err)
	}
	tmp, err := os.MkdirTemp(parent, ".tmp-")
	if err != nil {
		return fmt.Errorf("quarantine %s: %w", dataset, err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	if err := os.WriteFile(filepath.Join(tmp, name), data, 0o640); err != nil {
		return fmt.Errorf("quarantine %s: %w", dataset, err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "report.json"), report, 0o640); err != nil {
		return fmt.Errorf("quarantine %s: %w", dataset, err)
	}
	entry := entryName(rec.Time, rec.SHA256)
	final := filepath.Join(parent, entry)
	if _, err := os.Stat(final); err == nil {
		// the same file twice in the same second: keep the first
		entry += "-" + randomToken()[:6]
		final = filepath.Join(parent, entry)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("quarantine %s: %w", dataset, err)
	}
	rec.Stored = QuarantineDir + "/" + dataset + "/" + entry + "/" + name
	if err := f.Audit(ctx, rec); err != nil {
		return err
	}
	return f.Clean(ctx)
}

func (f *Folder) Audit(ctx context.Context, rec AuditRecord) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	line = append(line, '\n')
	f.mu.Lock()
	defer f.mu.Unlock()
	fh, err := os.OpenFile(filepath.Join(f.dir, AuditFile), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if _, err := fh.Write(line); err != nil {
		fh.Close()
		return fmt.Errorf("audit: %w", err)
	}
	if err := fh.Sync(); err != nil {
		fh.Close()
		return fmt.Errorf("audit: %w", err)
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

func (f *Folder) Records(ctx context.Context) ([]AuditRecord, error) {
	fh, err := os.Open(filepath.Join(f.dir, AuditFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer fh.Close()
	var recs []AuditRecord
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var r AuditRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("audit %s:%d: %w", AuditFile, n, err)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return recs, nil
}

// Clean removes quarantined entries older than the retention time, and
// temporary leftovers of an interrupted write.
func (f *Folder) Clean(ctx context.Context) error {
	if f.retention <= 0 {
		return nil
	}
	root := filepath.Join(f.dir, QuarantineDir)
	datasets, err := os.ReadDir(root)
	if err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	cutoff := f.now().Add(-f.retention)
	for _, ds := range datasets {
		if !ds.IsDir() {
			continue
		}
		entries, err := os.ReadDir(filepath.Join(root, ds.Name()))
		if err != nil {
			return fmt.Errorf("quarantine: %w", err)
		}
		for _, e := range entries {
			if err := ctx.Err(); err != nil {
				return err
			}
			if entryTime(e).Before(cutoff) {
				if err := os.RemoveAll(filepath.Join(root, ds.Name(), e.Name())); err != nil {
					return fmt.Errorf("quarantine: %w", err)
				}
			}
		}
	}
	return nil
}

// entryTime is the time in an entry's name, or its modification time.
func entryTime(e fs.DirEntry) time.Time {
	stamp, _, _ := strings.Cut(e.Name(), "-")
	if t, err := time.Parse(stampLayout, stamp); err == nil {
		return t
	}
	if info, err := e.Info(); err == nil {
		return info.ModTime()
	}
	return time.Time{}
}

// writeAtomic writes a file through a temporary file and a rename.
func writeAtomic(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, ".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, name))
}

// checkPart refuses a path element that could leave its folder; names are
// made safe before they get here, so this is a second lock on the door.
func checkPart(s string) error {
	if s == "" || s == "." || s == ".." || strings.ContainsAny(s, `/\`+"\x00") || strings.HasPrefix(s, ".") {
		return fmt.Errorf("inbox: unsafe name %q", s)
	}
	return nil
}

// latest returns, per dataset, the newest record and the newest accepted one.
func latest(recs []AuditRecord) (last, accepted map[string]AuditRecord) {
	last, accepted = map[string]AuditRecord{}, map[string]AuditRecord{}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Time.Before(recs[j].Time) })
	for _, r := range recs {
		last[r.Dataset] = r
		if r.Result == ResultAccepted {
			accepted[r.Dataset] = r
		}
	}
	return last, accepted
}

// LoadSessions reads the desk's sessions file in the inbox folder.
func (f *Folder) LoadSessions(ctx context.Context) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(f.dir, SessionsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// SaveSessions replaces the sessions file through a rename; the file is
// readable by its owner only (os.CreateTemp makes it 0600).
func (f *Folder) SaveSessions(ctx context.Context, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return writeAtomic(f.dir, SessionsFile, data)
}
