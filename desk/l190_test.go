package desk_test

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/provincia-como/opendata/desk"
	"github.com/provincia-como/opendata/internal/l190book"
	"github.com/provincia-como/opendata/pipeline/ingest/l190"
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

// An XML file over the desk's size cap is refused before it is read, with
// a way out that fits a file the clerk cannot trim.
func TestUploadL190XMLTooBig(t *testing.T) {
	f := newFixture(t, func(c *desk.Config) { c.MaxFileSize = 64 << 10 })
	b := f.browser()
	b.mustSignIn("provincia.verdi")
	resp, body := b.upload(b.csrf(), "contratti-comuni-como-2013", "contratti.xml", readFile(t, "SITO-Interporto-Torino_2021.xml"))
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, htmlEscape("Il file XML è troppo grande per lo sportello")) {
		t.Fatalf("status %d:\n%s", resp.StatusCode, body)
	}
	if recs := f.audit(); len(recs) != 1 || recs[0].Reason != "too-big" {
		t.Errorf("audit %+v", recs)
	}
	if got := f.accepted(); len(got) != 0 {
		t.Errorf("inbox holds %v", got)
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

// The clerks' workbook goes to a contracts dataset too: a bidder whose
// lotto cannot be told is refused with its sheet and cell, marked in the
// annotated workbook on the sheet where it is.
func TestUploadL190Workbook(t *testing.T) {
	lotti := [][]any{
		{"Z1234567AB", "80005370137", "COMUNE DI COMO", "MANUTENZIONE DEL VERDE", "04", 12500, "01/03/2024", "", 0, 2024},
		{"0000000000", "80005370137", "COMUNE DI COMO", "CANCELLERIA", "23", 480.5, "", "", 480.5, 2024},
		{"0000000000", "80005370137", "COMUNE DI COMO", "TONER", "23", 120, "", "", 0, 2024},
	}
	good := [][]any{
		{"", "Z1234567AB", "01234567890", "", "ALFA SRL", "", "", "sì"},
		{3, "", "09876543210", "", "BETA SPA", "", "", "sì"},
		{4, "", "09876543210", "", "BETA SPA", "", "", "sì"},
	}
	bad := [][]any{good[0], {"", "0000000000", "09876543210", "", "BETA SPA", "", "", "sì"}, good[2]}
	for _, tt := range []struct {
		name     string
		bidders  [][]any
		status   int
		want     string
		accepted bool
	}{
		{"good", good, http.StatusOK, "File accettato", true},
		{"ambiguous CIG", bad, http.StatusUnprocessableEntity, "partecipanti!B3", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			b := f.browser()
			b.mustSignIn("provincia.verdi")
			data := l190book.Fill(t, map[string][][]any{l190.SheetLotti: lotti, l190.SheetPartecipanti: tt.bidders})
			resp, body := b.upload(b.csrf(), "contratti-comuni-como-2013", "contratti.xlsx", data)
			if resp.StatusCode != tt.status || !strings.Contains(body, htmlEscape(tt.want)) {
				t.Fatalf("status %d, want %d and %q:\n%s", resp.StatusCode, tt.status, tt.want, body)
			}
			if got := f.accepted(); (len(got) == 1) != tt.accepted {
				t.Errorf("inbox holds %v", got)
			}
			if tt.accepted {
				return
			}
			m := regexp.MustCompile(`href="(/esito/[^"]+/foglio)"`).FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no annotated workbook offered:\n%s", body)
			}
			_, wb := b.get(m[1])
			x, err := excelize.OpenReader(strings.NewReader(wb))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			comments, err := x.GetComments(l190.SheetPartecipanti)
			if err != nil {
				t.Fatal(err)
			}
			if len(comments) != 1 || comments[0].Cell != "B3" {
				t.Errorf("comments on sheet partecipanti: %+v", comments)
			}
		})
	}
}
