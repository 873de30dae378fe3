package l190

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRead: whatever the bytes, Read returns lotti with sane lines or an
// *Error, within the limits, and never panics.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"avcp-2013-12-excerpt.xml", "interporto-2021-excerpt.xml", "indice-synthetic.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(head + lotto + "<lotto><cig>1</cog></lotto>" + tail))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>`))
	f.Add([]byte(head + "<lotto><importoAggiudicazione>1.234,5</importoAggiudicazione><tempiCompletamento><dataInizio>2013-12-19+01:00</dataInizio></tempiCompletamento></lotto>" + tail))
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><pubblicazione><data><lotto><oggetto>caff\xe8</oggetto></lotto></data></pubblicazione>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		opt := Options{Limits: Limits{MaxToken: 4096, MaxDepth: 16, MaxLotti: 100, MaxParties: 50, MaxLinks: 20}}
		n := 0
		tb, err := ReadTables(context.Background(), "fuzz.xml", strings.NewReader(string(data)), opt)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Rule == "" || e.Message.It == "" || e.Message.En == "" {
				t.Fatalf("error %v is not a clerk's *Error", err)
			}
			return
		}
		for _, r := range tb.Lotti.Rows {
			n++
			if r.Line < 1 || len(r.Cells) != len(tb.Lotti.Columns) {
				t.Fatalf("row %+v", r)
			}
			for j, c := range r.Cells {
				if j != tb.Lotti.ColumnOf(FieldAnnoRiferimento) && c.Line != 0 && c.Line < r.Line {
					t.Fatalf("cell line %d before its lotto's %d", c.Line, r.Line)
				}
			}
		}
		if n > 100 || n != tb.File.Lotti {
			t.Fatalf("%d lotti, file says %d", n, tb.File.Lotti)
		}
	})
}

// FuzzParallel: reading with workers gives what one decoder gives.
func FuzzParallel(f *testing.F) {
	f.Add(head + strings.Repeat(lotto, 5) + "<!-- </lotto> -->" + lotto + tail)
	f.Add(head + lotto + "<lotto><oggetto><![CDATA[</lotto>]]></oggetto></lotto>" + lotto + tail)
	f.Add(head + lotto + lotto + "<lotto><cig>1</cog></lotto>" + tail)
	f.Fuzz(func(t *testing.T, doc string) {
		sameReading(t, "fuzz", doc, Limits{MaxToken: 4096, MaxLotti: 50, MaxParties: 20})
	})
}
