package l190_test

import (
	"bytes"
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	read "github.com/provincia-como/opendata/pipeline/ingest/l190"
	"github.com/provincia-como/opendata/pipeline/validate/l190"
)

// BenchmarkReadCheck reads the AVCP export of December 2013 (3.4 MB, 5,207
// lotti) into tables and checks it: the issue's target is 50,000 lotti/s.
func BenchmarkReadCheck(b *testing.B) { benchReadCheck(b, 1) }

// BenchmarkReadCheckWorkers is the same with two decoders at once.
func BenchmarkReadCheckWorkers(b *testing.B) { benchReadCheck(b, 2) }

func benchReadCheck(b *testing.B, workers int) {
	data, err := os.ReadFile(corpus(b, "AVCP-portaletrasparenza-scrape_2013-12.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	lotti := 0
	cpu0 := cpuTime()
	for b.Loop() {
		tb, err := read.ReadTables(context.Background(), "avcp.xml", bytes.NewReader(data), read.Options{Workers: workers})
		if err != nil {
			b.Fatal(err)
		}
		if issues := l190.Check(context.Background(), l190.Options{Workers: workers}, setOf(tb)); len(issues) == 0 {
			b.Fatal("no issues")
		}
		lotti += len(tb.Lotti.Rows)
	}
	b.ReportMetric(float64(lotti)/b.Elapsed().Seconds(), "lotti/s")
	// On a shared machine the wall clock counts other processes' time too;
	// the process's CPU time (all threads, GC included) does not.
	b.ReportMetric(float64(lotti)/(cpuTime()-cpu0).Seconds(), "lotti/cpu-s")
}

// cpuTime is the CPU time used by the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
