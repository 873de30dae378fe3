package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Target is where a built portal goes. Keys are slash-separated paths
// relative to the target's root, without a leading slash.
type Target interface {
	// List returns every object under the root, by key.
	List(ctx context.Context) (map[string]Object, error)
	// Get opens an object; the error wraps fs.ErrNotExist when it is absent.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Put stores body (size bytes) under key, replacing any object there
	// all at once, and returns the object as a later List would show it.
	Put(ctx context.Context, key string, body io.ReadSeeker, size int64, meta Meta) (Object, error)
	// Delete removes the objects; absent keys are not an error.
	Delete(ctx context.Context, keys ...string) error
}

// Object is one entry of a target's listing.
type Object struct {
	Size int64
	// ETag changes whenever the object is rewritten. For S3 it is the
	// object's ETag without quotes (the MD5 of the content for a plain
	// single-part upload); for a folder it is derived from the file's inode
	// and modification time.
	ETag string
}

// Meta is what a target is told about a file besides its bytes.
type Meta struct {
	ContentType  string
	CacheControl string
	// SHA256 (hex) and MD5 (raw) of the body; targets may use them for
	// integrity checks.
	SHA256 string
	MD5    []byte
}

// Open returns the target named by to: "s3://bucket/prefix" or a folder path
// (created if missing).
func Open(ctx context.Context, to string, opt Options) (Target, error) {
	if rest, ok := strings.CutPrefix(to, "s3://"); ok {
		bucket, prefix, _ := strings.Cut(rest, "/")
		if bucket == "" {
			return nil, fmt.Errorf("publish: %q names no bucket", to)
		}
		return openS3(ctx, bucket, prefix, opt)
	}
	if strings.Contains(to, "://") {
		return nil, fmt.Errorf("publish: %q: only s3:// addresses and folder paths are supported", to)
	}
	if to == "" {
		return nil, errors.New("publish: no target given")
	}
	return OpenFolder(to)
}
