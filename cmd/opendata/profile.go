package main

import (
	"fmt"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// startProfiles writes a CPU profile of the whole command to the file
// OPENDATA_CPUPROFILE names, and to OPENDATA_MEMPROFILE's a heap profile
// taken when the heap was largest (checked every second: a profile at the
// end would show only what is left), for the scale benchmarks
// (scripts/bench-*.sh). Environment variables rather than flags, so no
// command's usage changes. The returned function stops them.
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
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		if mem == "" {
			return
		}
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak+peak/10 {
				peak = v
				if m, err := os.Create(mem); err == nil {
					pprof.Lookup("heap").WriteTo(m, 0)
					m.Close()
				}
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
		if f != nil {
			pprof.StopCPUProfile()
			f.Close()
		}
	}
}
