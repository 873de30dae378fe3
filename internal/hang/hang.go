// Package hang is a test server for the worst kind of comune server: one
// that accepts the connection and never answers.
package hang

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// Server listens on loopback, accepts every connection and never writes a
// byte. It returns its "http://host:port" address and the number of
// connections it accepted, one per attempt of a client; the connections are
// closed when the test ends.
func Server(t testing.TB) (url string, conns *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns = new(atomic.Int32)
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String(), conns
}
