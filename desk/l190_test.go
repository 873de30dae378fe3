package desk_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/desk"
)

// ANAC's L. 190 XML goes through the desk to a dataset of schema l190, and
// only there: checked by the pipeline's own code, with the XML line of
// each problem on the answer page.
func TestUploadL190XML(t *testing.T) {
	good := readFile(t, "SITO-Interporto-Torino_2021.xml")
	// The first lotto's CIG loses a character (line 15 of the file).
	bad := bytes.Replace(good, []byte("<cig>4823962B5D</cig>"), []byte("<cig>4823962B5</cig>"), 1)
	bomb := []byte(`<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><legge190:pubblicazione xmlns:legge190="legge190_1_0">&b;</legge190:pubblicazione>`)
	tests := []struct {
		name, user, dataset, file string
		data                      []byte
		status                    int
		want                      []string // in the answer page
		accepted                  bool
		reason                    string // in the audit record of a refusal
	}{
		{"real file", "provincia.verdi", "contratti-comuni-como-2013", "contratti 2021.xml", good, http.StatusOK,
			[]string{"File accettato", "contratti_2021.xml:"}, true, ""},
		{"CIG too short", "provincia.verdi", "contratti-comuni-como-2013", "contratti 2021.xml", bad, http.StatusUnprocessableEntity,
			[]string{"contratti_2021.xml:15", "il CIG «4823962B5» non è valido"}, false, "cig"},
		{"web page", "provincia.verdi", "contratti-comuni-como-2013", "contratti.xml", []byte("<!DOCTYPE html><html><body>Accesso negato</body></html>"), http.StatusUnprocessableEntity,
			[]string{"HTML"}, false, "unreadable"},
		{"entity bomb", "provincia.verdi", "contratti-comuni-como-2013", "contratti.xml", bomb, http.StatusUnprocessableEntity,
			[]string{"contratti.xml:1"}, false, "unreadable"},
		{"XML to a projects dataset", "cantu.rossi", "pnrr-cantu", "progetti.xml", good, http.StatusUnprocessableEntity,
			[]string{"solo fogli di calcolo .xlsx o .csv"}, false, "format"},
		{"program to a contracts dataset", "provincia.verdi", "contratti-comuni-como-2013", "contratti.exe", []byte("MZ\x90\x00"), http.StatusUnprocessableEntity,
			[]string{"il file XML della L. 190/2012 nel formato ANAC (.xml)"}, false, "format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			b := f.browser()
			b.mustSignIn(tt.user)
			resp, body := b.upload(b.csrf(), tt.dataset, tt.file, tt.data)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, htmlEscape(w)) {
					t.Errorf("answer lacks %q:\n%s", w, body)
				}
			}
			if strings.Contains(body, "da-correggere") {
				t.Error("an XML file is offered back as an annotated workbook")
			}
			if got := f.accepted(); (len(got) == 1) != tt.accepted {
				t.Errorf("inbox holds %v", got)
			}
			recs := f.audit()
			if len(recs) != 1 {
				t.Fatalf("%d audit records", len(recs))
			}
			if tt.accepted && recs[0].Result != desk.ResultAccepted || !tt.accepted && (recs[0].Result != desk.ResultRefused || recs[0].Reason != tt.reason) {
				t.Errorf("audit %+v, want reason %q", recs[0], tt.reason)
			}
		})
	}
}

// The page offers .xml only to a clerk with a contracts dataset.
func TestHomeAcceptsXML(t *testing.T) {
	f := newFixture(t, nil)
	for user, want := range map[string]bool{"provincia.verdi": true, "cantu.rossi": false} {
		b := f.browser()
		b.mustSignIn(user)
		if got := strings.Contains(b.last, `accept=".xlsx,.xlsm,.csv,.ods,.xml"`); got != want {
			t.Errorf("%s: accept with .xml %v, want %v", user, got, want)
		}
		if got := strings.Contains(b.last, "XML della L. 190/2012"); got != want {
			t.Errorf("%s: hint names the XML %v, want %v", user, got, want)
		}
	}
}
