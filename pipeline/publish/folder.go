package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// tmpPrefix marks files being written; List skips them.
const tmpPrefix = ".opendata-tmp-"

// Folder is a target in a local directory. Put writes a temporary file next
// to the final one and renames it, so a reader sees the old or the new file,
// never half of one. It does not fsync each file: a portal is hundreds of
// thousands of files, and one lost to a power cut is uploaded again by the
// next publish, whose listing sees it missing or different.
type Folder struct {
	root string
}

// OpenFolder returns the folder target at dir, creating dir if needed.
func OpenFolder(dir string) (*Folder, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("publish: folder %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("publish: folder %s: %w", dir, err)
	}
	return &Folder{root: abs}, nil
}

func (f *Folder) String() string { return f.root }

// Root is the absolute path of the folder.
func (f *Folder) Root() string { return f.root }

func (f *Folder) path(key string) (string, error) {
	if key == "" || strings.HasPrefix(key, "/") || path.Clean(key) != key || key == ".." || strings.HasPrefix(key, "../") {
		return "", fmt.Errorf("publish: invalid key %q", key)
	}
	return filepath.Join(f.root, filepath.FromSlash(key)), nil
}

func (f *Folder) List(ctx context.Context) (map[string]Object, error) {
	return f.list(ctx, f.root, false)
}

// listPrefix lists only the keys under prefix (which ends in "/"), relative
// to it: the pipeline's state is a few hundred files beside a portal of
// hundreds of thousands.
func (f *Folder) listPrefix(ctx context.Context, prefix string) (map[string]Object, error) {
	p, err := f.path(strings.TrimSuffix(prefix, "/"))
	if err != nil {
		return nil, err
	}
	return f.list(ctx, p, true)
}

func (f *Folder) list(ctx context.Context, dir string, missingOK bool) (map[string]Object, error) {
	files, err := walk(ctx, dir, missingOK, nil)
	if err != nil {
		return nil, fmt.Errorf("publish: list %s: %w", dir, err)
	}
	objs := make(map[string]Object, len(files))
	for _, st := range files {
		objs[st.key] = Object{Size: st.size, ETag: folderETag(st.ino, st.mtime)}
	}
	return objs, nil
}

// folderETag derives the ETag from inode and mtime: every Put creates a
// new inode (temp file and rename), and any rewrite in place moves the mtime.
func folderETag(ino uint64, mtime int64) string {
	return fmt.Sprintf("f%x-%x", ino, mtime)
}

func folderObject(info fs.FileInfo) Object {
	return Object{Size: info.Size(), ETag: folderETag(inode(info), info.ModTime().UnixNano())}
}

func (f *Folder) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := f.path(key)
	if err != nil {
		return nil, err
	}
	r, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("publish: get %s: %w", key, err)
	}
	return r, nil
}

func (f *Folder) Put(ctx context.Context, key string, body io.ReadSeeker, size int64, meta Meta) (Object, error) {
	p, err := f.path(key)
	if err != nil {
		return Object{}, err
	}
	// Most puts go to a folder that is there: try first, make it after.
	dir := filepath.Dir(p)
	tmp, err := createTemp(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return Object{}, fmt.Errorf("publish: put %s: %w", key, err)
		}
		tmp, err = createTemp(dir)
	}
	if err != nil {
		return Object{}, fmt.Errorf("publish: put %s: %w", key, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var n int64
	if src, ok := body.(*os.File); ok {
		// Between two files the kernel copies (copy_file_range) without
		// passing the bytes through here.
		n, err = tmp.ReadFrom(src)
	} else {
		n, err = io.Copy(tmp, body)
	}
	if err == nil && n != size {
		err = fmt.Errorf("wrote %d bytes, expected %d", n, size)
	}
	// The temporary file was created 0644; a umask may have taken bits
	// away. Its inode and time are those the listing will show: a rename
	// keeps both.
	var info fs.FileInfo
	if err == nil {
		info, err = tmp.Stat()
	}
	if err == nil && info.Mode().Perm() != 0o644 {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		return Object{}, fmt.Errorf("publish: put %s: %w", key, err)
	}
	done = true
	return folderObject(info), nil
}

// createTemp creates an empty file with a fresh name in dir, mode 0644 less
// the umask: os.CreateTemp's 0600 would cost a chmod per file.
func createTemp(dir string) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, tmpPrefix+strconv.FormatUint(rand.Uint64(), 36))
		f, err := openFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("publish: no free temporary name in %s", dir)
}

func (f *Folder) Delete(ctx context.Context, keys ...string) error {
	var errs []error
	for _, key := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := f.path(key)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("publish: delete %s: %w", key, err))
			continue
		}
		// Drop directories left empty, up to the root; a failure only means
		// the directory still holds something.
		for dir := filepath.Dir(p); dir != f.root && strings.HasPrefix(dir, f.root); dir = filepath.Dir(dir) {
			if os.Remove(dir) != nil {
				break
			}
		}
	}
	return errors.Join(errs...)
}

// Create stores body under key only if nothing is there, atomically: the
// file is written aside and hard-linked into place, which fails if the name
// is taken.
func (f *Folder) Create(ctx context.Context, key string, body []byte, meta Meta) error {
	p, err := f.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("publish: create %s: %w", key, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), tmpPrefix+"*")
	if err != nil {
		return fmt.Errorf("publish: create %s: %w", key, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp.Name(), p)
	}
	if errors.Is(err, fs.ErrExist) {
		return ErrExists
	}
	if err != nil {
		return fmt.Errorf("publish: create %s: %w", key, err)
	}
	return nil
}
