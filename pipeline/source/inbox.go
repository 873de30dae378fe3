package source

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Inbox is the folder where the upload desk leaves the files clerks sent:
//
//	<dir>/<dataset>/<20261126T100000Z>-<sha256 prefix>-<file name>
//
// Names sort by time; files being written start with a dot, and the
// quarantine folder and the audit log are not datasets.
type Inbox struct {
	Dir      string
	MaxBytes int64
}

// Latest returns the newest file uploaded for a dataset, or nil when there
// is none. The result's Name is the clerk's own file name, so that issues
// point at the file they know.
func (in *Inbox) Latest(ctx context.Context, dataset string) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !filepath.IsLocal(dataset) || strings.ContainsAny(dataset, `/\`) {
		return nil, fmt.Errorf("inbox: bad dataset id %q", dataset)
	}
	dir := filepath.Join(in.Dir, dataset)
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	sort.Strings(names)
	newest := names[len(names)-1]
	f, err := os.Open(filepath.Join(dir, newest))
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	defer f.Close()
	data, err := readCapped(f, in.MaxBytes)
	if err != nil {
		return nil, &Error{Source: "inbox/" + dataset + "/" + newest, Message: tooBig(in.MaxBytes), Err: err}
	}
	at := time.Now()
	if stamp, _, ok := strings.Cut(newest, "-"); ok {
		if t, err := time.Parse("20060102T150405Z", stamp); err == nil {
			at = t
		}
	}
	return &Result{Name: clerkName(newest), Data: data, Prov: provenance("inbox/"+path.Join(dataset, newest), data, at)}, nil
}

// clerkName strips the time stamp and checksum the desk put in front.
func clerkName(stored string) string {
	parts := strings.SplitN(stored, "-", 3)
	if len(parts) == 3 {
		return parts[2]
	}
	return stored
}
