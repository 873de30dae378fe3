package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles writes a CPU profile of the whole command to the file
// OPENDATA_CPUPROFILE names, and a heap profile at the end to
// OPENDATA_MEMPROFILE's, for the scale benchmarks (scripts/bench-*.sh):
// environment variables rather than flags, so no command's usage changes.
// The returned function stops and writes them.
func startProfiles(getenv func(string) string) func() {
	cpu, mem := getenv("OPENDATA_CPUPROFILE"), getenv("OPENDATA_MEMPROFILE")
	var f *os.File
	if cpu != "" {
		var err error
		if f, err = os.Create(cpu); err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "opendata: cpu profile:", err)
		}
	}
	return func() {
		if f != nil {
			pprof.StopCPUProfile()
			f.Close()
		}
		if mem == "" {
			return
		}
		m, err := os.Create(mem)
		if err == nil {
			runtime.GC()
			err = pprof.Lookup("allocs").WriteTo(m, 0)
			m.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "opendata: heap profile:", err)
		}
	}
}
