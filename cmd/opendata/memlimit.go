package main

import (
	"runtime/debug"
)

// defaultMemoryLimit is the soft limit of the Go heap when GOMEMLIMIT does
// not set one. Without a limit the collector lets the heap grow to twice
// what is live: in a cold build of a Province's ten years of contracts a
// heap profile found 670 MB in use during the publish (most of it the map
// of every page's links), and the process peaked just past 2 GB. Near the limit the
// collector works harder instead; past it, it never takes more than half
// the CPU, so a larger portal is slower, not refused.
const defaultMemoryLimit = 1536 << 20

// setMemoryLimit applies defaultMemoryLimit unless GOMEMLIMIT, read by the
// Go runtime itself, says otherwise (GOMEMLIMIT=off for none).
func setMemoryLimit(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}
