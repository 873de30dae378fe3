//go:build !unix

package ingest_test

func cpuSeconds() float64 { return 0 }
