package l190_test

import (
	"context"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
	read "github.com/provincia-como/opendata/pipeline/ingest/l190"
	"github.com/provincia-como/opendata/pipeline/validate/l190"
)

// FuzzCheck: any file the reader accepts is checked without panic, and
// every issue says where and what in both languages.
func FuzzCheck(f *testing.F) {
	f.Add(head + lotto(nil) + tail)
	f.Add(head + lotto(map[string]string{"liquidate": "<importoSommeLiquidate>-1,555</importoSommeLiquidate>", "tempi": "<tempiCompletamento><dataInizio>2023-02-30</dataInizio></tempiCompletamento>"}) + tail)
	f.Add(head + lotto(map[string]string{"partecipanti": "<partecipanti><raggruppamento><membro><ruolo>x</ruolo></membro></raggruppamento></partecipanti>"}) + tail)
	f.Fuzz(func(t *testing.T, doc string) {
		tb, err := read.ReadTables(context.Background(), "fuzz.xml", strings.NewReader(doc), read.Options{Limits: read.Limits{MaxToken: 4096, MaxLotti: 100, MaxParties: 50}})
		if err != nil {
			return
		}
		for _, is := range l190.Check(context.Background(), l190.Options{}, setOf(tb), setOf(tb)) {
			if is.Rule == "" || is.Message.It == "" || is.Message.En == "" || (is.Severity != catalog.Error && is.Severity != catalog.Warning) {
				t.Fatalf("issue %+v", is)
			}
		}
	})
}
