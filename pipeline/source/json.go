package source

import (
	"mime"
	"net/url"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// content checks what the server sent against what the fetcher wants.
func (f *Fetcher) content(u *url.URL, contentType string) (catalog.Text, bool) {
	if f.JSON {
		return jsonContent(contentType)
	}
	if f.XML {
		return xmlContent(contentType)
	}
	return badContent(u, contentType)
}

// jsonContent refuses a web page sent in place of a JSON document (a login
// or error page with status 200). Servers label JSON in many ways, so only
// HTML and XML pages are refused by their type; the content is parsed
// afterwards anyway.
func jsonContent(contentType string) (catalog.Text, bool) {
	if contentType == "" {
		return catalog.Text{}, true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	mt = strings.ToLower(mt)
	if err != nil || mt == "text/html" || mt == "application/xhtml+xml" || strings.HasSuffix(mt, "/xml") {
		return catalog.Text{
			It: "il sito ha mandato una pagina web (" + contentType + ") al posto dello schema JSON: controllare l'indirizzo",
			En: "the server sent a web page (" + contentType + ") instead of the JSON schema: check the address",
		}, false
	}
	return catalog.Text{}, true
}
