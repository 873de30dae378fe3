package source

import (
	"mime"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// xmlContent refuses a web page sent in place of an XML file (a login or
// error page with status 200). Servers label XML in many ways (text/xml,
// application/xml, octet-stream, text/plain, none): only HTML is refused by
// its type; the reader looks at the content anyway.
func xmlContent(contentType string) (catalog.Text, bool) {
	if contentType == "" {
		return catalog.Text{}, true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	mt = strings.ToLower(mt)
	if err != nil || mt == "text/html" || mt == "application/xhtml+xml" {
		return catalog.Text{
			It: "il sito ha mandato una pagina web (" + contentType + ") al posto del file XML: controllare l'indirizzo",
			En: "the server sent a web page (" + contentType + ") instead of the XML file: check the address",
		}, false
	}
	return catalog.Text{}, true
}
