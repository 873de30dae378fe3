package desk_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/provincia-como/opendata/desk"
)

// BenchmarkUpload measures one upload end to end over HTTP: reading the
// form, the pipeline's checks, the annotated workbook and the quarantine.
func BenchmarkUpload(b *testing.B) {
	for _, bc := range []struct{ name, user, dataset, file string }{
		{"valid xlsx", "cantu.rossi", "pnrr-cantu", "pnrr-cantu.xlsx"},
		{"xlsx with errors", "olgiate.bianchi", "pnrr-olgiate-comasco", "pnrr-olgiate-comasco-errori.xlsx"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			f := newFixture(b, func(c *desk.Config) { c.UploadsPerAccount = desk.Limit{N: 1 << 30, Per: time.Hour} })
			br := f.browser()
			br.mustSignIn(bc.user)
			data := readFile(b, bc.file)
			token := br.csrf()
			b.ResetTimer()
			for b.Loop() {
				resp, _ := br.upload(token, bc.dataset, bc.file, data)
				if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusUnprocessableEntity {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}
