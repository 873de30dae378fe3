package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// fileStat is what a walk learns of a regular file.
type fileStat struct {
	key   string // slash-separated, relative to the walked root
	size  int64
	mtime int64 // Unix nanoseconds
	ino   uint64
}

// walkWorkers is the number of directories read at once. A portal is
// hundreds of thousands of directories of one page each: the walk is all
// system calls (open, getdents, stat), and the kernel runs them in
// parallel on as many cores as it is given, waiting on the disk meanwhile.
func walkWorkers() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// walk lists the regular files under root, several directories at a time.
// skipDir says which directories (by key, "" for root) not to enter;
// files whose name starts with tmpPrefix are left out. Symbolic links are
// not followed, as filepath.WalkDir does not. A missing root is empty
// when missingOK.
func walk(ctx context.Context, root string, missingOK bool, skipDir func(key string) bool) ([]fileStat, error) {
	if _, err := os.Lstat(root); err != nil {
		if missingOK && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	// Each worker goes down its own stack of directories and hands half of
	// it over only when another worker is idle: a shared queue with a lock
	// taken per directory costs more than the directory.
	var (
		mu      sync.Mutex
		cond    = sync.NewCond(&mu)
		queue   = []string{""} // directories handed over
		busy    int            // workers with directories of their own
		idle    atomic.Int32   // workers waiting for work
		firstEr error
		out     [][]fileStat
	)
	worker := func() {
		var mine []fileStat
		var stack []string
		defer func() {
			mu.Lock()
			out = append(out, mine)
			mu.Unlock()
		}()
		for {
			if len(stack) == 0 {
				mu.Lock()
				for len(queue) == 0 && busy > 0 && firstEr == nil {
					idle.Add(1)
					cond.Wait()
					idle.Add(-1)
				}
				if len(queue) == 0 || firstEr != nil {
					cond.Broadcast()
					mu.Unlock()
					return
				}
				stack = append(stack, queue[len(queue)-1])
				queue = queue[:len(queue)-1]
				busy++
				mu.Unlock()
			}
			dir := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			files, subdirs, err := readDir(root, dir, skipDir)
			if err == nil {
				err = ctx.Err()
			}
			mine = append(mine, files...)
			stack = append(stack, subdirs...)
			if err != nil || len(stack) == 0 || (len(stack) > 1 && idle.Load() > 0) {
				mu.Lock()
				if err != nil && firstEr == nil {
					firstEr = err
				}
				if len(stack) > 1 && firstEr == nil {
					half := len(stack) / 2
					queue = append(queue, stack[:half]...)
					stack = append(stack[:0], stack[half:]...)
				}
				if len(stack) == 0 || firstEr != nil {
					stack = stack[:0]
					busy--
				}
				cond.Broadcast()
				mu.Unlock()
			}
		}
	}
	var wg sync.WaitGroup
	for range walkWorkers() {
		wg.Go(worker)
	}
	wg.Wait()
	if firstEr != nil {
		return nil, firstEr
	}
	n := 0
	for _, o := range out {
		n += len(o)
	}
	all := make([]fileStat, 0, n)
	for _, o := range out {
		all = append(all, o...)
	}
	return all, nil
}

// readDir reads one directory: its regular files with their stat, and the
// keys of its subdirectories.
func readDir(root, dir string, skipDir func(string) bool) (files []fileStat, subdirs []string, err error) {
	p := root
	prefix := ""
	if dir != "" {
		p = filepath.Join(root, filepath.FromSlash(dir))
		prefix = dir + "/"
	}
	d, err := openFile(p, os.O_RDONLY, 0)
	if err != nil {
		return nil, nil, err
	}
	defer d.Close()
	ents, err := d.ReadDir(-1)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", p, err)
	}
	st := newStatter(d, p)
	for _, e := range ents {
		key := prefix + e.Name()
		switch t := e.Type(); {
		case t.IsDir():
			if skipDir == nil || !skipDir(key) {
				subdirs = append(subdirs, key)
			}
		case t.IsRegular():
			if strings.HasPrefix(e.Name(), tmpPrefix) {
				continue
			}
			fst, err := st.stat(e.Name())
			if errors.Is(err, fs.ErrNotExist) {
				continue // gone since the directory was read
			}
			if err != nil {
				return nil, nil, err
			}
			if !fst.regular {
				continue
			}
			files = append(files, fileStat{key: key, size: fst.size, mtime: fst.mtime, ino: fst.ino})
		}
	}
	return files, subdirs, nil
}
