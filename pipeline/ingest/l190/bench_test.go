package l190

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// BenchmarkRead reads the AVCP export lotto by lotto, without tables.
func BenchmarkRead(b *testing.B) {
	data, err := os.ReadFile(corpus(b, "AVCP-portaletrasparenza-scrape_2013-12.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	lotti := 0
	cpu0 := cpuTime()
	for b.Loop() {
		f, err := Read(context.Background(), "avcp.xml", bytes.NewReader(data), Options{}, func(*Lotto) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		lotti += f.Lotti
	}
	b.ReportMetric(float64(lotti)/b.Elapsed().Seconds(), "lotti/s")
	// On a shared machine the wall clock counts other processes' time too;
	// the process's CPU time (all threads, GC included) does not.
	b.ReportMetric(float64(lotti)/(cpuTime()-cpu0).Seconds(), "lotti/cpu-s")
}

// BenchmarkStream200MB reads 200 MB of lotti from a generator, never held
// whole, and reports the largest live heap seen: memory stays flat however
// long the file.
func BenchmarkStream200MB(b *testing.B) { benchStream(b, 1) }

// BenchmarkStream200MBWorkers is the same with two decoders at once.
func BenchmarkStream200MBWorkers(b *testing.B) { benchStream(b, 2) }

func benchStream(b *testing.B, workers int) {
	const size = 200 << 20
	var peak uint64
	var ms runtime.MemStats
	for b.Loop() {
		r := &limited{r: &endless{}, n: size}
		n := 0
		_, err := Read(context.Background(), "big.xml", r, Options{Workers: workers}, func(*Lotto) error {
			n++
			if n%50_000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
			return nil
		})
		// The generator stops mid-lotto: the file is truncated, by design.
		var e *Error
		if !errors.As(err, &e) || e.Rule != "truncated" || n < 400_000 {
			b.Fatalf("%d lotti, %v", n, err)
		}
	}
	b.SetBytes(size)
	b.ReportMetric(float64(peak)/(1<<20), "MB-heap-peak")
}

// limited stops after n bytes.
type limited struct {
	r *endless
	n int
}

func (l *limited) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, io.EOF
	}
	if len(p) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= k
	return k, err
}

// cpuTime is the CPU time used by the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
