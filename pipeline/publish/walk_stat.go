//go:build !linux

package publish

import (
	"os"
	"path/filepath"
)

type rawStat struct {
	size, mtime int64
	ino         uint64
	regular     bool
}

// statter stats the entries of one directory.
type statter struct{ dir string }

func newStatter(_ *os.File, dir string) statter { return statter{dir: dir} }

func (s statter) stat(name string) (rawStat, error) {
	info, err := os.Lstat(filepath.Join(s.dir, name))
	if err != nil {
		return rawStat{}, err
	}
	return rawStat{size: info.Size(), mtime: info.ModTime().UnixNano(), ino: inode(info), regular: info.Mode().IsRegular()}, nil
}
