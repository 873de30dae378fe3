package validate

import (
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Report writes issues as plain text, one line per issue, in lang ("it" or
// "en"): "progetti.xlsx!Foglio1!C14  [type]  message". The JSON form is
// json.Marshal of the slice.
func Report(issues []catalog.Issue, lang string) string {
	var b strings.Builder
	for _, iss := range issues {
		b.WriteString(iss.Where())
		b.WriteString("  [")
		b.WriteString(iss.Rule)
		b.WriteString("]  ")
		// A message is one line even if a value carried a line break.
		b.WriteString(strings.Join(strings.Fields(iss.Message.In(lang)), " "))
		b.WriteByte('\n')
	}
	return b.String()
}
