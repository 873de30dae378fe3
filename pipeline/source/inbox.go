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
	return &Result{Name: clerkName(newest), Data: data, Prov: provenance("inbox/"+path.Join(dataset, newest), data, stampTime(newest))}, nil
}

// clerkName strips the time stamp and checksum the desk put in front.
func clerkName(stored string) string {
	parts := strings.SplitN(stored, "-", 3)
	if len(parts) == 3 {
		return parts[2]
	}
	return stored
}

// Objects is the part of an object store an inbox in a bucket is read
// through; cmd adapts the publisher's S3 target to it.
type Objects interface {
	// Keys lists the keys under prefix, sorted.
	Keys(ctx context.Context, prefix string) ([]string, error)
	Read(ctx context.Context, key string) ([]byte, error)
}

// BucketInbox is the upload desk's inbox in an object store (an S3
// prefix), with the same layout as the folder.
type BucketInbox struct {
	Objects  Objects
	MaxBytes int64
}

// Latest returns the newest file uploaded for a dataset, or nil.
func (in *BucketInbox) Latest(ctx context.Context, dataset string) (*Result, error) {
	if !filepath.IsLocal(dataset) || strings.ContainsAny(dataset, `/\`) {
		return nil, fmt.Errorf("inbox: bad dataset id %q", dataset)
	}
	keys, err := in.Objects.Keys(ctx, dataset+"/")
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	newest, newestName := "", ""
	for _, k := range keys {
		name := strings.TrimPrefix(k, dataset+"/")
		if name == "" || strings.Contains(name, "/") || strings.HasPrefix(name, ".") {
			continue
		}
		if name > newestName {
			newest, newestName = k, name
		}
	}
	if newest == "" {
		return nil, nil
	}
	data, err := in.Objects.Read(ctx, newest)
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	if in.MaxBytes > 0 && int64(len(data)) > in.MaxBytes {
		return nil, &Error{Source: "inbox/" + newest, Message: tooBig(in.MaxBytes)}
	}
	return &Result{Name: clerkName(path.Base(newest)), Data: data, Prov: provenance("inbox/"+newest, data, stampTime(path.Base(newest)))}, nil
}

// stampTime reads the upload time the desk put at the head of a name.
func stampTime(name string) time.Time {
	if stamp, _, ok := strings.Cut(name, "-"); ok {
		if t, err := time.Parse("20060102T150405Z", stamp); err == nil {
			return t
		}
	}
	return time.Now()
}
