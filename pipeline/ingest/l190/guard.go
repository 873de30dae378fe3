package l190

import (
	"errors"
	"io"
)

// guard feeds the XML decoder and bounds its work: the decoder keeps a whole
// token (a tag or a run of text) in memory, so the bytes one token may take,
// and the bytes of the whole file, are capped here, where they are read. It
// is an io.ByteReader, so the decoder does no buffering of its own.
type guard struct {
	r    io.Reader
	buf  []byte
	i, n int
	off  int64 // bytes handed to the decoder
	stop int64 // off at which the current budget runs out
	// maxBytes caps the file, maxToken one token.
	maxBytes, maxToken int64
	err                error
	// skipped counts bytes consumed before the decoder started (a BOM).
	skipped int64
}

var (
	errFileTooBig  = errors.New("file larger than the limit")
	errTokenTooBig = errors.New("element or text larger than the limit")
)

func newGuard(r io.Reader, maxBytes, maxToken int64) *guard {
	return newGuardSize(r, maxBytes, maxToken, 64<<10)
}

func newGuardSize(r io.Reader, maxBytes, maxToken int64, size int) *guard {
	g := &guard{r: r, buf: make([]byte, size), maxBytes: maxBytes, maxToken: maxToken}
	g.next()
	return g
}

// next opens the budget of the next token.
func (g *guard) next() {
	g.stop = g.off + g.maxToken
	if g.stop > g.maxBytes {
		g.stop = g.maxBytes
	}
}

func (g *guard) ReadByte() (byte, error) {
	if g.i < g.n && g.off < g.stop {
		b := g.buf[g.i]
		g.i++
		g.off++
		return b, nil
	}
	if err := g.more(); err != nil {
		return 0, err
	}
	b := g.buf[g.i]
	g.i++
	g.off++
	return b, nil
}

func (g *guard) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if g.i == g.n || g.off >= g.stop {
		if err := g.more(); err != nil {
			return 0, err
		}
	}
	n := copy(p, g.buf[g.i:g.n])
	if left := g.stop - g.off; int64(n) > left {
		n = int(left)
	}
	g.i += n
	g.off += int64(n)
	return n, nil
}

// more makes at least one byte available within the budget.
func (g *guard) more() error {
	if g.off >= g.stop {
		if g.off >= g.maxBytes {
			// Over the cap only if the file goes on.
			if g.i < g.n || g.fill() == nil {
				return errFileTooBig
			}
			return g.err
		}
		return errTokenTooBig
	}
	if g.i < g.n {
		return nil
	}
	return g.fill()
}

func (g *guard) fill() error {
	if g.err != nil {
		return g.err
	}
	for range 100 {
		n, err := g.r.Read(g.buf)
		g.i, g.n = 0, n
		if n > 0 {
			return nil
		}
		if err != nil {
			g.err = err
			return err
		}
	}
	g.err = io.ErrNoProgress
	return g.err
}

// peek returns up to n of the first bytes without consuming them; only
// before the first read.
func (g *guard) peek(n int) []byte {
	if g.n == 0 && g.err == nil {
		// Fill until n bytes or the end, for a sniff of the start.
		for g.n < n && g.n < len(g.buf) {
			m, err := g.r.Read(g.buf[g.n:])
			g.n += m
			if err != nil {
				g.err = err
				break
			}
			if m == 0 {
				break
			}
		}
	}
	if n > g.n-g.i {
		n = g.n - g.i
	}
	return g.buf[g.i : g.i+n]
}

// skip consumes n bytes seen with peek (a byte-order mark).
func (g *guard) skip(n int) {
	g.i += n
	g.off += int64(n)
	g.skipped += int64(n)
}
