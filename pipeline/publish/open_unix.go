//go:build unix

package publish

import (
	"os"
	"syscall"
)

// openFile opens like os.OpenFile, without the registration with the
// network poller that os.OpenFile attempts on Linux: for a file or a
// directory it fails, after four fcntl and epoll calls that double the
// cost of opening each of a portal's hundreds of thousands of files.
func openFile(name string, flag int, perm os.FileMode) (*os.File, error) {
	for {
		fd, err := syscall.Open(name, flag|syscall.O_CLOEXEC, uint32(perm.Perm()))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: name, Err: err}
		}
		return os.NewFile(uintptr(fd), name), nil
	}
}
