package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// The publisher keeps its manifest inside the target, under a folder the
// diff ignores: local files there are not uploaded, remote ones not deleted.
const (
	reservedDir = ".opendata/"
	manifestKey = reservedDir + "manifest.json"
)

func reserved(key string) bool { return strings.HasPrefix(key, reservedDir) }

// manifest records what the publisher uploaded. It is only a cache: an
// entry counts only while the listing shows the same size and ETag.
type manifest struct {
	Version int              `json:"version"`
	Files   map[string]entry `json:"files"`
}

type entry struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Type   string `json:"type"`
	Cache  string `json:"cache"`
	ETag   string `json:"etag"`
}

// readManifest returns the manifest and its raw bytes; a missing manifest
// is empty, and so is an unreadable one (the listing decides then).
func readManifest(ctx context.Context, t Target) (manifest, []byte, error) {
	empty := manifest{Version: 1, Files: map[string]entry{}}
	r, err := t.Get(ctx, manifestKey)
	if errors.Is(err, fs.ErrNotExist) {
		return empty, nil, nil
	}
	if err != nil {
		return empty, nil, err
	}
	defer r.Close()
	raw, err := io.ReadAll(r)
	if err != nil {
		return empty, nil, fmt.Errorf("publish: read manifest: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil || m.Version != 1 || m.Files == nil {
		return empty, raw, errBadManifest
	}
	return m, raw, nil
}

var errBadManifest = errors.New("publish: manifest unreadable, ignored")

// encode is deterministic (json sorts map keys), so an unchanged manifest
// encodes to the same bytes and is not uploaded again.
func (m manifest) encode() []byte {
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		panic(err) // only strings and numbers: cannot fail
	}
	return append(b, '\n')
}
