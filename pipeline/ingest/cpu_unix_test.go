//go:build unix

package ingest_test

import "syscall"

// cpuSeconds is the CPU time the process has used, user and system: on a
// machine shared with other work, rows per CPU second say what one core
// does when wall time does not.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
