package l190

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// equalityFiles are the real files the fast tokenizer must read exactly as
// encoding/xml does.
func equalityFiles(t testing.TB) []string {
	var files []string
	for _, pattern := range []string{
		filepath.Join("..", "..", "..", "..", "shared", "corpus", "l190", "*.xml"),
		filepath.Join("testdata", "*.xml"),
		filepath.Join("..", "..", "..", "cmd", "opendata", "testdata", "l190", "*"),
		filepath.Join("..", "..", "..", "datasets", "data", "contratti-comuni-como-2013.xml"),
	} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if !strings.HasSuffix(f, ".md") {
				files = append(files, f)
			}
		}
	}
	if len(files) < 10 {
		t.Fatalf("only %d files found: %v", len(files), files)
	}
	return files
}

type tableOutcome struct {
	tabs *Tables
	err  error
}

// readAs reads data, with encoding/xml alone if std. How many parts the
// workers read depends on how the bytes arrive, not on the result: it is
// left out.
func readAs(data []byte, opt Options, std bool) outcome {
	opt.std = std
	o := readWith(string(data), opt)
	if o.file != nil {
		o.file.parts = 0
	}
	return o
}

func readTablesWith(data []byte, opt Options) tableOutcome {
	tb, err := ReadTables(context.Background(), "test.xml", bytes.NewReader(data), opt)
	if tb != nil && tb.File != nil {
		tb.File.parts = 0
	}
	return tableOutcome{tb, err}
}

// sameFast checks that the fast tokenizer and encoding/xml give the same
// file, lotti, tables and errors, with one decoder and with workers.
func sameFast(t *testing.T, name string, data []byte, lim Limits) {
	t.Helper()
	for _, opt := range []Options{{Limits: lim}, {Limits: lim, Workers: 3, partBytes: 700}, {Limits: lim, Workers: 2}} {
		std := opt
		std.std = true
		a, b := readAs(data, opt, true), readAs(data, opt, false)
		if !reflect.DeepEqual(a, b) {
			if !reflect.DeepEqual(a.lotti, b.lotti) {
				for i := range min(len(a.lotti), len(b.lotti)) {
					if !reflect.DeepEqual(a.lotti[i], b.lotti[i]) {
						t.Fatalf("%s, workers %d: lotto %d:\nstd  %+v\nfast %+v", name, opt.Workers, i+1, a.lotti[i], b.lotti[i])
					}
				}
			}
			t.Fatalf("%s, workers %d:\nstd  %d lotti, %+v, %v, %v\nfast %d lotti, %+v, %v, %v", name, opt.Workers,
				len(a.lotti), a.file, a.err, a.other, len(b.lotti), b.file, b.err, b.other)
		}
		ta, tb := readTablesWith(data, std), readTablesWith(data, opt)
		if !reflect.DeepEqual(ta, tb) {
			t.Fatalf("%s, workers %d: tables differ: %v / %v", name, opt.Workers, ta.err, tb.err)
		}
	}
}

func TestFastEqualsStdFiles(t *testing.T) {
	for _, f := range equalityFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sameFast(t, f, data, Limits{})
		sameFast(t, f+" (small limits)", data, Limits{MaxToken: 300, MaxLotti: 40, MaxBytes: int64(len(data)) - 10})
	}
}

// TestFastTokens compares token by token, with positions, and checks that
// the real files never need encoding/xml.
func TestFastTokens(t *testing.T) {
	for _, f := range equalityFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fast := sameTokens(t, f, data)
		if strings.Contains(f, "page.html") || strings.Contains(f, "truncated") {
			continue
		}
		if fast.std != nil {
			line, col := fast.InputPos()
			t.Errorf("%s: fell back to encoding/xml at line %d, col %d", f, line, col)
		}
	}
}

// sameTokens reads data with both tokenizers and fails at the first token
// or position that differs.
func sameTokens(t *testing.T, name string, data []byte) *fastSource {
	t.Helper()
	std := newSource(newGuardSize(bytes.NewReader(data), math.MaxInt64, 1<<20, 100), true)
	// A small window, to cut tokens across refills.
	fast := newSource(newGuardSize(bytes.NewReader(data), math.MaxInt64, 1<<20, 100), false).(*fastSource)
	fast.buf = make([]byte, 64)
	for n := 1; ; n++ {
		ta, errA := std.next()
		tb, errB := fast.next()
		a, b := copyToken(ta), copyToken(tb)
		la, ca := std.InputPos()
		lb, cb := fast.InputPos()
		if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(errA, errB) || la != lb || ca != cb {
			t.Fatalf("%s: token %d:\nstd  %#v %v at %d:%d\nfast %#v %v at %d:%d", name, n, a, errA, la, ca, b, errB, lb, cb)
		}
		if errA != nil {
			return fast
		}
	}
}

func copyToken(t *token) token {
	c := *t
	c.attr = append([]xml.Attr(nil), t.attr...)
	if t.attr != nil && len(t.attr) == 0 {
		c.attr = []xml.Attr{}
	}
	if t.data != nil {
		c.data = append([]byte{}, t.data...)
	}
	return c
}

func TestFastTokensOdd(t *testing.T) {
	for _, doc := range []string{
		"<a>x&amp;y&#233;&#xE9;\r\nz\rw</a>",
		"<a b='1' c = \"&lt;\r\n\" d:e=\"]]>\"><![CDATA[<\r\n>&amp;]]><!-- c - d --></a>",
		"<a/><b:c/>  <d\n/>",
		"<?xml version='1.0' encoding='utf-8' standalone='yes'?>\n<a>é</a>\n",
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caff\xe8</a>",
		"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
		"<a>&bogus;</a>", "<a>&#0;</a>", "<a>&#xD800;</a>", "<a>\x01</a>", "<a>\xff</a>", "<a>]]></a>",
		"<a:b:c/>", "<1a/>", "<a:/>", "<é/>", "<a b=1/>", "<a b/>", "<a></a >", "</a/>", "<a",
		"<a>text", "<!-- a -- b -->", "<![CDATA[x", "<?pi x?>", "<?xml version='1.1'?>", "<a>&amp",
		"x<a>", "\n\n<a>\n</a>\n  ", "<!---->", "<![CDATA[]]>",
	} {
		sameTokens(t, doc, []byte(doc))
	}
}

// FuzzFastEqualsStd: whatever the bytes, the fast tokenizer reads what
// encoding/xml reads: tokens and positions, lotti, tables and errors.
func FuzzFastEqualsStd(f *testing.F) {
	for _, name := range equalityFiles(f) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 4<<10 {
			// Large files slow the fuzzer to a crawl; their start stands
			// for them (the test above reads them whole).
			b = b[:4<<10]
		}
		f.Add(b)
	}
	f.Add([]byte(head + lotto + "<lotto><cig>1</cog></lotto>" + tail))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>`))
	f.Add([]byte(head + "<lotto><importoAggiudicazione>1.234,5</importoAggiudicazione><tempiCompletamento><dataInizio>2013-12-19+01:00</dataInizio></tempiCompletamento></lotto>" + tail))
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><pubblicazione><data><lotto><oggetto>caff\xe8</oggetto></lotto></data></pubblicazione>"))
	f.Add([]byte(head + strings.Repeat(lotto, 5) + "<!-- </lotto> -->" + lotto + tail))
	f.Add([]byte(head + lotto + "<lotto><oggetto><![CDATA[</lotto>]]></oggetto></lotto>" + lotto + tail))
	f.Add([]byte("<a b='1' c = \"&lt;\r\n\"><![CDATA[<\r\n>]]><!-- c --><b/>&#233;\r</a>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameTokens(t, "fuzz", data)
		lim := Limits{MaxToken: 512, MaxDepth: 16, MaxLotti: 100, MaxParties: 50, MaxLinks: 20, MaxBytes: int64(len(data)/2 + 100)}
		for _, opt := range []Options{{Limits: lim}, {Limits: lim, Workers: 2, partBytes: 64}, {}} {
			a, b := readAs(data, opt, true), readAs(data, opt, false)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("workers %d, limits %+v:\nstd  %d lotti, %+v, %v, %v\nfast %d lotti, %+v, %v, %v", opt.Workers, opt.Limits,
					len(a.lotti), a.file, a.err, a.other, len(b.lotti), b.file, b.err, b.other)
			}
		}
	})
}

// The fast tokenizer's errors never reach the parser: io errors from the
// reader come back as encoding/xml reports them.
func TestFastReaderError(t *testing.T) {
	data := head + strings.Repeat(lotto, 200) + tail
	bad := errors.New("connection reset")
	for _, cut := range []int{10, 500, 3000, len(data) - 5} {
		std := readWith2(io.MultiReader(strings.NewReader(data[:cut]), &failing{bad}), Options{std: true})
		fast := readWith2(io.MultiReader(strings.NewReader(data[:cut]), &failing{bad}), Options{})
		if !reflect.DeepEqual(std, fast) || std.err == nil || !errors.Is(std.err, bad) {
			t.Fatalf("cut %d:\nstd  %v %v\nfast %v %v", cut, std.err, std.other, fast.err, fast.other)
		}
	}
}

type failing struct{ err error }

func (f *failing) Read([]byte) (int, error) { return 0, f.err }

func readWith2(r io.Reader, opt Options) outcome {
	var o outcome
	f, err := Read(context.Background(), "test.xml", r, opt, func(l *Lotto) error {
		o.lotti = append(o.lotti, *l)
		return nil
	})
	o.file = f
	if !errors.As(err, &o.err) {
		o.other = err
	}
	return o
}
