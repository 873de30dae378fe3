package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// StatePrefix is where the pipeline's state (versions, history, the last
// fetch of each source) is kept in the target, beside the portal: a fresh
// runner (a CI job, a new server) carries on where the last one stopped.
const StatePrefix = reservedDir + "state/"

// PushState uploads what changed in the state folder dir. Nothing is ever
// deleted from the target's state.
func PushState(ctx context.Context, t Target, dir string, opt Options) (Summary, error) {
	opt.KeepGone = true
	opt.Progress = nil
	st := Sub(t, StatePrefix)
	sum, err := Sync(ctx, dir, st, opt)
	if err != nil || opt.DryRun {
		return sum, err
	}
	// Remember what the target holds now: the next pull, finding the same
	// manifest there, knows nothing came from elsewhere and reads nothing.
	if _, raw, err := readManifest(ctx, st); err == nil && raw != nil {
		_ = writeLocal(filepath.Join(dir, filepath.FromSlash(pulledManifest)), raw)
	}
	return sum, nil
}

// pulledManifest is the local copy of the target's state manifest as of
// the last push or pull.
const pulledManifest = reservedDir + "pulled-manifest.json"

// PullState brings the target's state into dir: every file whose content
// differs from the target's is replaced, atomically; local files the target
// lacks are left alone. It returns how many files it wrote.
func PullState(ctx context.Context, t Target, dir string) (int, error) {
	st := Sub(t, StatePrefix)
	m, raw, err := readManifest(ctx, st)
	if err != nil && !errors.Is(err, errBadManifest) {
		return 0, err
	}
	local := filepath.Join(dir, filepath.FromSlash(pulledManifest))
	if seen, err := os.ReadFile(local); err == nil && raw != nil && bytes.Equal(seen, raw) {
		return 0, nil // nobody else wrote the state since we last did
	}
	remote, err := st.List(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	defer func() {
		if raw != nil {
			_ = writeLocal(local, raw)
		}
	}()
	for key, obj := range remote {
		if reserved(key) {
			continue
		}
		file := filepath.Join(dir, filepath.FromSlash(key))
		if rel, err := filepath.Rel(dir, file); err != nil || !filepath.IsLocal(rel) {
			return n, fmt.Errorf("publish: state key %q leaves the state folder", key)
		}
		if e, ok := m.Files[key]; ok && e.Size == obj.Size && sameFile(file, e.SHA256) {
			continue
		}
		if err := download(ctx, st, key, file); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func writeLocal(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func sameFile(path, sum string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false
	}
	return hex.EncodeToString(h.Sum(nil)) == sum
}

func download(ctx context.Context, t Target, key, path string) error {
	r, err := t.Get(ctx, key)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), tmpPrefix+"*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("publish: pull state %s: %w", key, err)
	}
	return os.Rename(tmp.Name(), path)
}
