package l190

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

type outcome struct {
	file  *File
	lotti []Lotto
	err   *Error
	other error
}

func readWith(data string, opt Options) outcome {
	var o outcome
	f, err := Read(context.Background(), "test.xml", strings.NewReader(data), opt, func(l *Lotto) error {
		o.lotti = append(o.lotti, *l)
		return nil
	})
	o.file = f
	if !errors.As(err, &o.err) {
		o.other = err
	}
	return o
}

// sameReading checks that reading with workers, parts as small as a few
// lotti, gives what one decoder gives: lotti, lines, errors and positions.
func sameReading(t *testing.T, name, data string, lim Limits) {
	t.Helper()
	seq := readWith(data, Options{Limits: lim})
	for _, size := range []int{64, 700, 5000, 1 << 20} {
		par := readWith(data, Options{Limits: lim, Workers: 3, partBytes: size})
		if !reflect.DeepEqual(seq.lotti, par.lotti) {
			n := min(len(seq.lotti), len(par.lotti))
			for i := 0; i < n; i++ {
				if !reflect.DeepEqual(seq.lotti[i], par.lotti[i]) {
					t.Fatalf("%s, parts of %d: lotto %d differs:\n%+v\n%+v", name, size, i+1, seq.lotti[i], par.lotti[i])
				}
			}
			t.Fatalf("%s, parts of %d: %d lotti, want %d", name, size, len(par.lotti), len(seq.lotti))
		}
		if (seq.err == nil) != (par.err == nil) || seq.other != par.other {
			t.Fatalf("%s, parts of %d: error %v, want %v (%v, %v)", name, size, par.err, seq.err, par.other, seq.other)
		}
		if seq.err != nil && (seq.err.Rule != par.err.Rule || seq.err.Ref != par.err.Ref || seq.err.Message != par.err.Message) {
			t.Fatalf("%s, parts of %d: error %v, want %v", name, size, par.err, seq.err)
		}
		if seq.file != nil && (seq.file.Lotti != par.file.Lotti || !reflect.DeepEqual(seq.file.Metadata, par.file.Metadata)) {
			t.Fatalf("%s, parts of %d: file %+v, want %+v", name, size, par.file, seq.file)
		}
	}
}

func TestParallelSame(t *testing.T) {
	files := []string{filepath.Join("testdata", "avcp-2013-12-excerpt.xml"), filepath.Join("testdata", "interporto-2021-excerpt.xml"), filepath.Join("testdata", "indice-synthetic.xml")}
	for _, name := range []string{"AVCP-portaletrasparenza-scrape_2014-01.xml", "SITO-Interporto-Torino_2021.xml", "SITO-Interporto-Torino_2022.xml"} {
		p := filepath.Join("..", "..", "..", "..", "shared", "corpus", "l190", name)
		if _, err := os.Stat(p); err == nil {
			files = append(files, p)
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sameReading(t, filepath.Base(f), string(b), Limits{})
	}
	body := strings.Repeat(lotto, 20)
	cases := map[string]struct {
		data string
		lim  Limits
	}{
		"plain":                {head + body + tail, Limits{}},
		"comment with a cut":   {head + body + "<!-- </lotto> -->\n" + body + tail, Limits{}},
		"cdata with a cut":     {head + body + "<lotto><oggetto><![CDATA[a </lotto> b]]></oggetto></lotto>\n" + body + tail, Limits{}},
		"processing":           {head + body + "<?pi x?>" + body + tail, Limits{}},
		"other element":        {head + body + "<altro><lotto></lotto></altro>" + body + tail, Limits{}},
		"malformed late":       {head + body + "<lotto><cig>1</cog></lotto>\n" + body + tail, Limits{}},
		"truncated":            {head + body, Limits{}},
		"truncated in a lotto": {head + body + "<lotto><cig>12", Limits{}},
		"garbage after root":   {head + body + tail + body, Limits{}},
		"too many lotti":       {head + body + body + tail, Limits{MaxLotti: 25}},
		"huge text":            {head + body + "<lotto><oggetto>" + strings.Repeat("x", 3000) + "</oggetto></lotto>" + body + tail, Limits{MaxToken: 1024}},
		"file too big":         {head + body + body + tail, Limits{MaxBytes: 9000}},
		"prefixed lotti":       {head + strings.ReplaceAll(body, "lotto>", "l:lotto>") + tail, Limits{}},
		"lines in tags":        {head + strings.ReplaceAll(body, "<cig>", "<cig\n>") + tail, Limits{}},
		"cut mid-line":         {head + strings.ReplaceAll(body, "\n", "") + "\n<lotto><cig>1</cog></lotto>" + tail, Limits{}},
		"latin1":               {"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<pubblicazione><data>" + body + "<lotto><oggetto>caff\xe8</oggetto></lotto></data></pubblicazione>", Limits{}},
		"bom":                  {"\xef\xbb\xbf" + head + body + tail, Limits{}},
		"no data":              {head[:strings.Index(head, "<data>")] + "</legge190:pubblicazione>", Limits{}},
		"empty data":           {head + tail, Limits{}},
	}
	for name, c := range cases {
		sameReading(t, name, c.data, c.lim)
	}
	// The workers did read: all parts of a plain file, the parts before
	// the comment.
	for name, want := range map[string]int{"plain": 2, "comment with a cut": 1, "latin1": 0} {
		if o := readWith(cases[name].data, Options{Workers: 2, partBytes: 64}); o.file.parts < want || (want == 0) != (o.file.parts == 0) {
			t.Errorf("%s: %d parts read by workers, want %d", name, o.file.parts, want)
		}
	}
}

func TestParallelCorpus(t *testing.T) {
	b, err := os.ReadFile(corpus(t, "AVCP-portaletrasparenza-scrape_2013-12.xml"))
	if err != nil {
		t.Fatal(err)
	}
	sameReading(t, "AVCP 2013-12", string(b), Limits{})
	par := readWith(string(b), Options{Workers: 2})
	if par.err != nil || len(par.lotti) != 5207 || par.file.parts < 10 {
		t.Fatalf("%d lotti, %v", len(par.lotti), par.err)
	}
}

func TestParallelStops(t *testing.T) {
	stop := errors.New("enough")
	n := 0
	_, err := Read(context.Background(), "endless.xml", &endless{}, Options{Workers: 2}, func(l *Lotto) error {
		n++
		if l.N != n {
			t.Fatalf("lotto %d has N %d", n, l.N)
		}
		if n == 20_000 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("err %v after %d lotti", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	_, err = Read(ctx, "endless.xml", &endless{}, Options{Workers: 2}, func(l *Lotto) error {
		if n++; n == 1000 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n > 2000 {
		t.Fatalf("cancelled: %v after %d lotti", err, n)
	}
}
