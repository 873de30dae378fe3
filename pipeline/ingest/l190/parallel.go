package l190

import (
	"bytes"
	"errors"
	"io"
	"math"
)

// Reading with several workers (Options.Workers > 1).
//
// Once the data element is open, the rest of the file is cut into parts of
// about partSize bytes, each ending just after a "</lotto>", and the parts
// are decoded at once by several XML decoders, each token by token; the
// lotti are handed to the caller in file order. Memory stays bounded: the
// parts in flight, a few per worker.
//
// A cut is only a guess made on bytes: "</lotto>" may sit in a comment or a
// CDATA section. So a part is trusted only if it decodes cleanly from the
// state a real cut leaves (inside data, no lotto open) back to that state,
// holding nothing but lotti; parts holding comments, processing
// instructions or declarations, and any part with an error, are not. From
// the first part not trusted, the file is read on by one decoder, as without
// workers, from the start of that part: the lotti, the errors and their
// positions are the same either way.

const (
	partSize = 256 << 10
	// maxPart: no "</lotto>" in this many bytes, and the rest is read by
	// one decoder.
	maxPart = 8 << 20
)

var (
	errHandover = errors.New("l190: handover to parallel reading")
	errOdd      = errors.New("l190: part not as cut")
)

// oddPart stops the reading of a part that breaks the cut's assumptions.
func (p *parser) oddPart() error { return errOdd }

type part struct {
	data            []byte
	lineOff, colOff int
	last            bool
	// seq: read this part and the rest of the file with one decoder.
	seq bool
	res chan partResult
}

type partResult struct {
	lotti []*Lotto
	ok    bool
}

// canHand reports whether reading may go parallel from here: a dataset whose
// token source can give the bytes after the last token exactly (for
// encoding/xml: no encoding conversion, no byte pushed back); p.g becomes
// the guard that delivers them.
func (p *parser) canHand() bool {
	if p.file.Kind != Dataset || p.target != nil || len(p.stack) != 2 {
		return false
	}
	g, ok := p.d.rest()
	if ok {
		p.g = g
	}
	return ok
}

func (p *parser) parallel(workers, size int) error {
	line, col := p.pos()
	stop := make(chan struct{})
	parts := make(chan *part, workers)
	order := make(chan *part, workers+2)
	go p.split(stop, parts, order, line-1, col-1, size)
	for range workers {
		go p.work(parts, p.stack[0], p.stack[1])
	}
	stopped := false
	halt := func() {
		if !stopped {
			close(stop)
			stopped = true
		}
	}
	defer func() {
		halt()
		for range order {
		}
	}()
	for pt := range order {
		if !pt.seq {
			r := <-pt.res
			if r.ok && p.file.Lotti+len(r.lotti) <= p.lim.MaxLotti {
				p.file.parts++
				for _, l := range r.lotti {
					p.file.Lotti++
					l.N = p.file.Lotti
					if l.N%256 == 0 {
						if err := p.ctx.Err(); err != nil {
							return err
						}
					}
					if p.each != nil {
						if err := p.each(l); err != nil {
							return err
						}
					}
				}
				if pt.last {
					p.stack, p.done = nil, true
					return nil
				}
				continue
			}
		}
		// Read on with one decoder from this part: its bytes, the bytes of
		// the parts already cut, what the splitter holds, the rest.
		halt()
		rest := []io.Reader{bytes.NewReader(pt.data)}
		for q := range order {
			rest = append(rest, bytes.NewReader(q.data))
		}
		// The splitter's guard now only bounds the file: the tokens are
		// bounded by sequential's own guard.
		p.g.stop = p.g.maxBytes
		rest = append(rest, p.g)
		return p.sequential(pt, io.MultiReader(rest...))
	}
	return nil
}

// sequential reads the rest of the file from the start of pt, in the state
// a cut leaves.
func (p *parser) sequential(pt *part, r io.Reader) error {
	g := newGuard(r, math.MaxInt64, p.lim.MaxToken)
	root, data := p.stack[0], p.stack[1]
	p.d = newSource(g, p.std)
	p.g = g
	p.stack = []frame{root, data}
	p.lineOff, p.colOff = pt.lineOff, pt.colOff
	p.handover = nil
	return p.run()
}

// split cuts the bytes after the data element's start into parts.
func (p *parser) split(stop <-chan struct{}, parts, order chan<- *part, lineOff, colOff, size int) {
	defer close(order)
	defer close(parts)
	end := []byte("</lotto>")
	buf := make([]byte, 0, 2*size)
	want := size
	emit := func(pt *part) {
		order <- pt
		if !pt.seq {
			parts <- pt
		}
	}
	for {
		var rerr error
		for len(buf) < want && rerr == nil {
			select {
			case <-stop:
				emit(&part{data: buf, seq: true})
				return
			default:
			}
			if cap(buf)-len(buf) < 64<<10 {
				nb := make([]byte, len(buf), 2*cap(buf))
				copy(nb, buf)
				buf = nb
			}
			p.g.next()
			var n int
			n, rerr = p.g.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
		}
		switch {
		case rerr == io.EOF:
			emit(&part{data: buf, lineOff: lineOff, colOff: colOff, last: true, res: make(chan partResult, 1)})
			return
		case rerr != nil:
			// A limit or a read error: the one decoder meets it again,
			// at its place.
			emit(&part{data: buf, lineOff: lineOff, colOff: colOff, seq: true})
			return
		}
		i := bytes.LastIndex(buf, end)
		if i < 0 {
			if len(buf) >= maxPart {
				emit(&part{data: buf, lineOff: lineOff, colOff: colOff, seq: true})
				return
			}
			want = len(buf) + size
			continue
		}
		cut := i + len(end)
		pt := &part{data: buf[:cut:cut], lineOff: lineOff, colOff: colOff, res: make(chan partResult, 1)}
		if nl := bytes.Count(pt.data, []byte{'\n'}); nl > 0 {
			lineOff += nl
			colOff = cut - 1 - bytes.LastIndexByte(pt.data, '\n')
		} else {
			colOff += cut
		}
		next := make([]byte, len(buf)-cut, len(buf)-cut+2*size)
		copy(next, buf[cut:])
		buf, want = next, size
		emit(pt)
	}
}

// work decodes parts until there are none.
func (p *parser) work(parts <-chan *part, root, data frame) {
	seen := map[string]codedText{}
	for pt := range parts {
		var lotti []*Lotto
		g := newGuardSize(bytes.NewReader(pt.data), math.MaxInt64, p.lim.MaxToken, 16<<10)
		q := &parser{
			ctx: p.ctx, name: p.name, lim: p.lim, d: newSource(g, p.std), g: g, std: p.std,
			each: func(l *Lotto) error {
				lotti = append(lotti, l)
				return nil
			},
			file:  &File{Name: p.name, Kind: Dataset},
			procs: p.procs, roles: p.roles, seen: seen,
			stack:   []frame{root, data},
			lineOff: pt.lineOff, colOff: pt.colOff,
			part: true, last: pt.last,
		}
		err := q.run()
		pt.res <- partResult{lotti: lotti, ok: err == nil}
	}
}
