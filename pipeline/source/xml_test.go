package source

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// A fetcher asking for XML takes .xml addresses whatever label the server
// gives them, and still refuses a web page sent in their place.
func TestXMLContent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ct := r.URL.Query().Get("type"); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		io.WriteString(w, "<indici/>")
	}))
	defer srv.Close()
	f := testFetcher()
	f.XML = true
	tests := []struct {
		ct   string
		page bool
	}{
		{"application/xml", false},
		{"text/xml; charset=utf-8", false},
		{"application/octet-stream", false},
		{"text/plain", false},
		{"text/html; charset=utf-8", true},
		{"application/xhtml+xml", true},
	}
	for _, tt := range tests {
		res, err := f.Fetch(context.Background(), catalog.Source{URL: srv.URL + "/l190/2024.xml?type=" + url.QueryEscape(tt.ct)}, catalog.Provenance{})
		var se *Error
		switch {
		case tt.page && (!errors.As(err, &se) || !strings.Contains(se.Message.En, "web page")):
			t.Errorf("%s: got %v, want a web page refused", tt.ct, err)
		case !tt.page && (err != nil || string(res.Data) != "<indici/>"):
			t.Errorf("%s: got %v", tt.ct, err)
		}
	}
	// Without XML, the same address is not a spreadsheet.
	f.XML = false
	if _, err := f.Fetch(context.Background(), catalog.Source{URL: srv.URL + "/l190/2024.xml?type=application/xml"}, catalog.Provenance{}); err == nil {
		t.Error("a spreadsheet fetcher took an .xml address")
	}
}
