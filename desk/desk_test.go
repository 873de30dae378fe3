package desk_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/provincia-como/opendata/desk"
	"github.com/provincia-como/opendata/pipeline/catalog"
)

func TestSignIn(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name, user, pw string
		status         int
		want           string // on the page after sign-in, or on the refusal
	}{
		{"right password", "olgiate.bianchi", password, http.StatusSeeOther, "Anna Bianchi"},
		{"user name in capitals", "Olgiate.Bianchi ", password, http.StatusSeeOther, "Progetti PNRR localizzati a Olgiate Comasco"},
		{"wrong password", "olgiate.bianchi", "sportello-di-prova2", http.StatusUnauthorized, "Nome utente o password sbagliati"},
		{"unknown user", "nessuno", password, http.StatusUnauthorized, "Nome utente o password sbagliati"},
		{"empty password", "cantu.rossi", "", http.StatusUnauthorized, "Nome utente o password sbagliati"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser()
			resp := b.signIn(tt.user, tt.pw)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.status, b.last)
			}
			if tt.status == http.StatusSeeOther {
				if loc := resp.Header.Get("Location"); loc != "/" {
					t.Errorf("redirect to %q, want /", loc)
				}
				b.get("/")
			}
			if !strings.Contains(b.last, tt.want) {
				t.Errorf("page lacks %q:\n%s", tt.want, b.last)
			}
		})
	}
}

func TestSessionCookie(t *testing.T) {
	for _, tls := range []bool{false, true} {
		c := realChecker(t)
		acc, _ := desk.LoadAccounts("testdata/accounts.yaml")
		box, _ := desk.OpenFolder(t.Context(), t.TempDir(), desk.Keeping{})
		d, err := desk.New(t.Context(), desk.Config{Checker: c, Catalog: c.Catalog, Accounts: acc, Inbox: box})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewUnstartedServer(d)
		if tls {
			srv.StartTLS()
		} else {
			srv.Start()
		}
		client := srv.Client()
		resp, err := client.Get(srv.URL + "/accedi")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var cookie *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == "sportello_sessione" {
				cookie = ck
			}
		}
		srv.Close()
		if cookie == nil {
			t.Fatalf("tls=%v: no session cookie", tls)
		}
		if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure != tls {
			t.Errorf("tls=%v: cookie HttpOnly=%v SameSite=%v Secure=%v", tls, cookie.HttpOnly, cookie.SameSite, cookie.Secure)
		}
	}
}

func TestSignOut(t *testing.T) {
	f := newFixture(t, nil)
	b := f.browser()
	b.mustSignIn("cantu.rossi")
	token := b.csrf()
	if resp, _ := b.post("/esci", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-out without token: status %d, want 403", resp.StatusCode)
	}
	if resp, _ := b.post("/esci", url.Values{"csrf": {token}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out: status %d, want 303", resp.StatusCode)
	}
	resp, _ := b.get("/")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/accedi" {
		t.Errorf("after sign-out / gives %d to %q, want 303 to /accedi", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := b.upload(token, "pnrr-cantu", "pnrr-cantu.xlsx", readFile(t, "pnrr-cantu.xlsx")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("upload after sign-out: status %d, want 403", resp.StatusCode)
	}
}

func TestLockOut(t *testing.T) {
	f := newFixture(t, func(c *desk.Config) { c.SignInFailures = desk.Limit{N: 3, Per: 15 * time.Minute} })
	b := f.browser()
	for i := range 3 {
		if resp := b.signIn("cantu.rossi", "sbagliata"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i+1, resp.StatusCode)
		}
	}
	// the right password no longer opens, from any browser
	other := f.browser()
	resp := other.signIn("cantu.rossi", password)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 3 failures: status %d, want 429", resp.StatusCode)
	}
	if !strings.Contains(other.last, "bloccato per 15 minuti") || resp.Header.Get("Retry-After") == "" {
		t.Errorf("lock-out page lacks its message or Retry-After:\n%s", other.last)
	}
	// another user is not locked
	if resp := f.browser().signIn("olgiate.bianchi", password); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("another user: status %d, want 303", resp.StatusCode)
	}
	f.clock.advance(16 * time.Minute)
	if resp := other.signIn("cantu.rossi", password); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after the lock-out period: status %d, want 303", resp.StatusCode)
	}
}

func TestCSRF(t *testing.T) {
	f := newFixture(t, nil)
	b := f.browser()
	b.get("/accedi")
	tests := []struct {
		name string
		do   func() *http.Response
	}{
		{"sign-in without token", func() *http.Response {
			r, _ := b.post("/accedi", url.Values{"user": {"cantu.rossi"}, "password": {password}})
			return r
		}},
		{"sign-in with a wrong token", func() *http.Response {
			r, _ := b.post("/accedi", url.Values{"csrf": {"x" + b.csrf()}, "user": {"cantu.rossi"}, "password": {password}})
			return r
		}},
		{"sign-in without session", func() *http.Response {
			r, _ := f.browser().post("/accedi", url.Values{"csrf": {b.csrf()}, "user": {"cantu.rossi"}, "password": {password}})
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if resp := tt.do(); resp.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", resp.StatusCode)
			}
		})
	}
	t.Run("upload without token", func(t *testing.T) {
		u := f.browser()
		u.mustSignIn("cantu.rossi")
		resp, body := u.upload("", "pnrr-cantu", "pnrr-cantu.xlsx", readFile(t, "pnrr-cantu.xlsx"))
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Ricarica la pagina") {
			t.Errorf("status %d, want 403 with a message:\n%s", resp.StatusCode, body)
		}
		if got := f.accepted(); len(got) != 0 {
			t.Errorf("inbox holds %v", got)
		}
	})
}

func TestUploadOtherComune(t *testing.T) {
	f := newFixture(t, nil)
	b := f.browser()
	b.mustSignIn("olgiate.bianchi")
	for _, ds := range []string{"pnrr-cantu", "comuni", "non-esiste", "../pnrr-olgiate-comasco"} {
		resp, body := b.upload(b.csrf(), ds, "pnrr-cantu.xlsx", readFile(t, "pnrr-cantu.xlsx"))
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "non è del tuo ente") {
			t.Errorf("%s: status %d, want 403 with a message", ds, resp.StatusCode)
		}
	}
	if got := f.accepted(); len(got) != 0 {
		t.Errorf("inbox holds %v", got)
	}
	// the form offers only the comune's own dataset
	b.get("/")
	if got := regexp.MustCompile(`<option value="([^"]+)"`).FindAllStringSubmatch(b.last, -1); len(got) != 1 || got[0][1] != "pnrr-olgiate-comasco" {
		t.Errorf("datasets offered: %v", got)
	}
}

func TestUploadValid(t *testing.T) {
	f := newFixture(t, nil)
	b := f.browser()
	b.mustSignIn("cantu.rossi")
	data := readFile(t, "pnrr-cantu.xlsx")
	resp, body := b.upload(b.csrf(), "pnrr-cantu", "Progetti PNRR Cantù.xlsx", data)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "File accettato") {
		t.Fatalf("status %d, want 200 and accepted:\n%s", resp.StatusCode, body)
	}
	sum := sha256.Sum256(data)
	hexsum := hex.EncodeToString(sum[:])
	want := "pnrr-cantu/20261126T100000Z-" + hexsum[:12] + "-Progetti_PNRR_Cantu.xlsx"
	got := f.accepted()
	if len(got) != 1 || got[0] != want {
		t.Fatalf("inbox holds %v, want [%s]", got, want)
	}
	stored, _ := os.ReadFile(filepath.Join(f.inbox, want))
	if !bytes.Equal(stored, data) {
		t.Error("stored file differs from the upload")
	}
	recs := f.audit()
	if len(recs) != 1 {
		t.Fatalf("%d audit records, want 1", len(recs))
	}
	r := recs[0]
	if r.User != "cantu.rossi" || r.Comune != "013041" || r.Dataset != "pnrr-cantu" || r.File != "Progetti PNRR Cantù.xlsx" ||
		r.Size != int64(len(data)) || r.SHA256 != hexsum || r.Result != desk.ResultAccepted || r.Stored != want || !r.Time.Equal(f.clock.now()) {
		t.Errorf("audit record %+v", r)
	}
	if q := f.quarantined(); len(q) != 0 {
		t.Errorf("quarantine holds %v", q)
	}
	// the desk lists the upload
	b.get("/")
	if !strings.Contains(b.last, "Accettato") || !strings.Contains(b.last, "Progetti PNRR Cantù.xlsx") {
		t.Errorf("home page does not show the accepted upload:\n%s", b.last)
	}
}

func TestUploadInvalid(t *testing.T) {
	f := newFixture(t, nil)
	b := f.browser()
	b.mustSignIn("olgiate.bianchi")
	data := readFile(t, "pnrr-olgiate-comasco-errori.xlsx")
	resp, body := b.upload(b.csrf(), "pnrr-olgiate-comasco", "pnrr-olgiate-comasco-errori.xlsx", data)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", resp.StatusCode)
	}
	issues, _, err := realChecker(t).Check(t.Context(), "progetti", "pnrr-olgiate-comasco-errori.xlsx", data, "")
	if err != nil || len(issues) == 0 {
		t.Fatalf("checker: %v, %d issues", err, len(issues))
	}
	for _, i := range issues {
		for _, want := range []string{i.Ref.Sheet + "!" + i.Ref.Cell(), htmlEscape(i.Message.It), htmlEscape(i.Value)} {
			if !strings.Contains(body, want) {
				t.Errorf("answer page lacks %q", want)
			}
		}
	}
	if got := f.accepted(); len(got) != 0 {
		t.Errorf("inbox holds %v", got)
	}
	// quarantine keeps the file and its report
	q := f.quarantined()
	if len(q) != 2 {
		t.Fatalf("quarantine holds %v, want the file and report.json", q)
	}
	var rep struct{ Issues []catalog.Issue }
	for _, p := range q {
		if strings.HasSuffix(p, "/report.json") {
			raw, _ := os.ReadFile(filepath.Join(f.inbox, p))
			if err := json.Unmarshal(raw, &rep); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(rep.Issues) != len(issues) {
		t.Errorf("report.json has %d issues, want %d", len(rep.Issues), len(issues))
	}
	if recs := f.audit(); len(recs) != 1 || recs[0].Result != desk.ResultRefused || recs[0].Errors != len(issues) || !strings.HasPrefix(recs[0].Stored, "quarantine/pnrr-olgiate-comasco/") {
		t.Errorf("audit %+v", recs)
	}

	// the annotated workbook
	link := regexp.MustCompile(`href="(/esito/[^"]+/foglio)"`).FindStringSubmatch(body)
	if link == nil {
		t.Fatal("no link to the annotated workbook")
	}
	resp, wb := b.get(link[1])
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "pnrr-olgiate-comasco-errori-da-correggere.xlsx") {
		t.Fatalf("workbook: status %d, disposition %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	x, err := excelize.OpenReader(strings.NewReader(wb))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	comments, err := x.GetComments("Foglio1")
	if err != nil {
		t.Fatal(err)
	}
	byCell := map[string]string{}
	for _, c := range comments {
		var s strings.Builder
		for _, r := range c.Paragraph {
			s.WriteString(r.Text)
		}
		byCell[c.Cell] = s.String() + c.Text
	}
	for _, i := range issues {
		cell := i.Ref.Cell()
		if !strings.Contains(byCell[cell], i.Message.It) {
			t.Errorf("comment of %s = %q, want the message", cell, byCell[cell])
		}
		id, _ := x.GetCellStyle("Foglio1", cell)
		st, _ := x.GetStyle(id)
		if st == nil || len(st.Fill.Color) == 0 || !strings.EqualFold(strings.TrimPrefix(st.Fill.Color[0], "#"), "FFC7CE") {
			t.Errorf("cell %s is not filled red: %+v", cell, st)
		}
		// the value the clerk typed is still there
		v, _ := x.GetCellValue("Foglio1", cell)
		if v == "" {
			t.Errorf("cell %s lost its value", cell)
		}
	}
	rows, err := x.GetRows("Da correggere")
	if err != nil || len(rows) != len(issues)+1 {
		t.Errorf("summary sheet: %d rows, err %v", len(rows), err)
	}
	// another clerk cannot fetch it
	o := f.browser()
	o.mustSignIn("olgiate.bianchi")
	if resp, _ := o.get(link[1]); resp.StatusCode != http.StatusNotFound {
		t.Errorf("workbook from another session: status %d, want 404", resp.StatusCode)
	}
}

func TestUploadCSV(t *testing.T) {
	f := newFixture(t, nil)
	b := f.browser()
	b.mustSignIn("como.neri")
	good := readFile(t, "pnrr-comune-como.csv")
	if resp, body := b.upload(b.csrf(), "pnrr-comune-como", "pnrr-comune-como.csv", good); resp.StatusCode != http.StatusOK {
		t.Fatalf("valid CSV: status %d\n%s", resp.StatusCode, body)
	}
	// break the first CUP: the same cell must be marked in the workbook
	lines := strings.SplitN(string(good), "\n", 3)
	cup := regexp.MustCompile(`[A-Z][0-9]{2}[A-Z][0-9]{11}`).FindString(lines[1])
	if cup == "" {
		t.Fatalf("no CUP in %q", lines[1])
	}
	bad := strings.Replace(string(good), cup, cup[:14], 1)
	resp, body := b.upload(b.csrf(), "pnrr-comune-como", "pnrr-comune-como.csv", []byte(bad))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("broken CSV: status %d", resp.StatusCode)
	}
	m := regexp.MustCompile(`<th scope="row" class="code">([A-Z]+[0-9]+)</th>`).FindStringSubmatch(body)
	link := regexp.MustCompile(`href="(/esito/[^"]+/foglio)"`).FindStringSubmatch(body)
	if m == nil || link == nil {
		t.Fatalf("no cell or no workbook link:\n%s", body)
	}
	_, wb := b.get(link[1])
	x, err := excelize.OpenReader(strings.NewReader(wb))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if v, _ := x.GetCellValue("Foglio1", m[1]); v != cup[:14] {
		t.Errorf("workbook cell %s = %q, want %q", m[1], v, cup[:14])
	}
	if len(f.accepted()) != 1 {
		t.Errorf("inbox holds %v, want only the valid file", f.accepted())
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func TestUploadRefusedFiles(t *testing.T) {
	bomb := zipOf(t, map[string][]byte{
		"[Content_Types].xml":      []byte(`<?xml version="1.0"?><Types/>`),
		"xl/workbook.xml":          []byte(`<workbook/>`),
		"xl/worksheets/sheet1.xml": bytes.Repeat([]byte("<row/>"), 2<<20/6+1),
	})
	tests := []struct {
		name, file string
		data       []byte
		status     int
		want       string // in the answer page
		reason     string // in the audit record
		quarantine bool
	}{
		{"zip bomb", "progetti.xlsx", bomb, http.StatusUnprocessableEntity, "una volta decompresso, supera 1 MB", "zip-bomb", true},
		{"oversized file", "progetti.csv", bytes.Repeat([]byte("a;b\n"), 300_000), http.StatusRequestEntityTooLarge, "Il file è troppo grande: il limite è 1 MB", "too-big", false},
		{"old Excel file", "1900DateWindowing.xls", readFile(t, "1900DateWindowing.xls"), http.StatusUnprocessableEntity, "solo fogli di calcolo .xlsx o .csv", "format", true},
		{"old Excel file renamed", "progetti.xlsx", readFile(t, "1900DateWindowing.xls"), http.StatusUnprocessableEntity, "vecchio formato Excel 97-2003", "unreadable", true},
		{"binary workbook", "Simple.xlsb", readFile(t, "Simple.xlsb"), http.StatusUnprocessableEntity, "solo fogli di calcolo .xlsx o .csv", "format", true},
		{"zip that is not a workbook", "progetti.xlsx", zipOf(t, map[string][]byte{"leggimi.txt": []byte("ciao")}), http.StatusUnprocessableEntity, "non è un foglio di calcolo leggibile", "unreadable", true},
		{"program", "progetti.exe", []byte("MZ\x90\x00\x03\x00\x00\x00"), http.StatusUnprocessableEntity, "solo fogli di calcolo .xlsx o .csv", "format", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(c *desk.Config) { c.MaxFileSize = 1 << 20; c.MaxUnzipped = 1 << 20 })
			b := f.browser()
			b.mustSignIn("cantu.rossi")
			resp, body := b.upload(b.csrf(), "pnrr-cantu", tt.file, tt.data)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.status, body)
			}
			if !strings.Contains(body, htmlEscape(tt.want)) {
				t.Errorf("answer lacks %q:\n%s", tt.want, body)
			}
			if got := f.accepted(); len(got) != 0 {
				t.Errorf("inbox holds %v", got)
			}
			if q := f.quarantined(); (len(q) > 0) != tt.quarantine {
				t.Errorf("quarantine holds %v", q)
			}
			recs := f.audit()
			if len(recs) != 1 || recs[0].Result != desk.ResultRefused || recs[0].Reason != tt.reason {
				t.Errorf("audit %+v, want one refusal for %q", recs, tt.reason)
			}
		})
	}
}

func TestPathTraversal(t *testing.T) {
	names := map[string]string{
		"../../../../etc/pnrr-cantu.xlsx":   "pnrr-cantu.xlsx",
		`..\..\Windows\pnrr-cantu.xlsx`:     "pnrr-cantu.xlsx",
		"..":                                "",
		".hidden.xlsx":                      "hidden.xlsx",
		"dati/../../progetti 2026 (1).xlsx": "progetti_2026__1_.xlsx",
	}
	for sent, want := range names {
		t.Run(sent, func(t *testing.T) {
			root := t.TempDir()
			f := newFixture(t, func(c *desk.Config) {
				box, err := desk.OpenFolder(t.Context(), filepath.Join(root, "inbox"), desk.Keeping{})
				if err != nil {
					t.Fatal(err)
				}
				c.Inbox = box
			})
			f.inbox = filepath.Join(root, "inbox")
			b := f.browser()
			b.mustSignIn("cantu.rossi")
			resp, _ := b.upload(b.csrf(), "pnrr-cantu", sent, readFile(t, "pnrr-cantu.xlsx"))
			// every file written is inside the inbox
			filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() && !strings.HasPrefix(p, f.inbox+string(filepath.Separator)) {
					t.Errorf("file written outside the inbox: %s", p)
				}
				return nil
			})
			if want == "" {
				if resp.StatusCode != http.StatusUnprocessableEntity || len(f.accepted()) != 0 {
					t.Errorf("status %d, want 422 for a name that is no spreadsheet", resp.StatusCode)
				}
				return
			}
			got := f.accepted()
			if resp.StatusCode != http.StatusOK || len(got) != 1 || !strings.HasSuffix(got[0], "-"+want) || !strings.HasPrefix(got[0], "pnrr-cantu/") {
				t.Errorf("status %d, stored %v, want pnrr-cantu/...-%s", resp.StatusCode, got, want)
			}
		})
	}
}

func TestRateLimits(t *testing.T) {
	t.Run("per account", func(t *testing.T) {
		f := newFixture(t, func(c *desk.Config) {
			c.UploadsPerAccount = desk.Limit{N: 2, Per: time.Hour}
			c.SessionIdle = 2 * time.Hour
		})
		b := f.browser()
		b.mustSignIn("cantu.rossi")
		token := b.csrf()
		data := readFile(t, "pnrr-cantu.xlsx")
		for i := range 2 {
			if resp, _ := b.upload(token, "pnrr-cantu", "pnrr-cantu.xlsx", data); resp.StatusCode != http.StatusOK {
				t.Fatalf("upload %d: status %d", i+1, resp.StatusCode)
			}
		}
		resp, body := b.upload(token, "pnrr-cantu", "pnrr-cantu.xlsx", data)
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Hai già inviato 2 file") || resp.Header.Get("Retry-After") != "3600" {
			t.Errorf("third upload: status %d, Retry-After %q\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
		f.clock.advance(time.Hour)
		if resp, _ := b.upload(token, "pnrr-cantu", "pnrr-cantu.xlsx", data); resp.StatusCode != http.StatusOK {
			t.Errorf("an hour later: status %d", resp.StatusCode)
		}
	})
	t.Run("per address", func(t *testing.T) {
		f := newFixture(t, func(c *desk.Config) { c.RequestsPerAddress = desk.Limit{N: 3, Per: time.Minute} })
		b := f.browser()
		for i := range 3 {
			if resp, _ := b.get("/accedi"); resp.StatusCode != http.StatusOK {
				t.Fatalf("request %d: status %d", i+1, resp.StatusCode)
			}
		}
		resp, body := b.get("/accedi")
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Troppe richieste da questo indirizzo") {
			t.Errorf("fourth request: status %d", resp.StatusCode)
		}
	})
}

func TestEnglish(t *testing.T) {
	f := newFixture(t, nil)
	b := f.browser()
	b.get("/accedi?lang=en")
	if !strings.Contains(b.last, `<html lang="en">`) || !strings.Contains(b.last, "Sign in to the open data desk") {
		t.Fatalf("English sign-in page:\n%s", b.last)
	}
	b.mustSignIn("olgiate.bianchi") // the language is remembered
	if !strings.Contains(b.last, "Your datasets") {
		t.Errorf("home page not in English:\n%s", b.last)
	}
}

func TestUploadTimeout(t *testing.T) {
	f := newFixture(t, func(c *desk.Config) { c.UploadTimeout = time.Nanosecond })
	b := f.browser()
	b.mustSignIn("cantu.rossi")
	resp, body := b.upload(b.csrf(), "pnrr-cantu", "pnrr-cantu.xlsx", readFile(t, "pnrr-cantu.xlsx"))
	// the time runs out while reading (408) or while checking (503)
	if resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 408 or 503", resp.StatusCode)
	}
	if !strings.Contains(body, "troppo tempo") {
		t.Errorf("answer lacks the timeout message:\n%s", body)
	}
	if got := f.accepted(); len(got) != 0 {
		t.Errorf("inbox holds %v", got)
	}
	if recs := f.audit(); len(recs) != 1 || recs[0].Reason != "timeout" {
		t.Errorf("audit %+v", recs)
	}
}

// TestRateLimitBehindProxy: the per-address limit counts the clients a
// trusted proxy names in X-Forwarded-For, each on its own; from a peer that
// is not trusted the header is ignored, so a client cannot dodge the limit
// by writing a new address there at every request.
func TestRateLimitBehindProxy(t *testing.T) {
	get := func(b *browser, xff string) int {
		req, _ := http.NewRequest("GET", b.f.srv.URL+"/accedi", nil)
		req.Header.Set("X-Forwarded-For", xff)
		resp, _ := b.do(req)
		return resp.StatusCode
	}
	t.Run("spoofed header from an untrusted peer", func(t *testing.T) {
		// the test's requests come from 127.0.0.1, which is not trusted here
		f := newFixture(t, func(c *desk.Config) {
			c.RequestsPerAddress = desk.Limit{N: 3, Per: time.Minute}
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
		})
		b := f.browser()
		for i := range 3 {
			if code := get(b, fmt.Sprintf("198.51.100.%d", i)); code != http.StatusOK {
				t.Fatalf("request %d: status %d", i+1, code)
			}
		}
		if code := get(b, "198.51.100.99"); code != http.StatusTooManyRequests {
			t.Errorf("fourth request with yet another forwarded address: status %d, want 429", code)
		}
	})
	t.Run("distinct clients behind a trusted proxy", func(t *testing.T) {
		f := newFixture(t, func(c *desk.Config) {
			c.RequestsPerAddress = desk.Limit{N: 3, Per: time.Minute}
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		})
		anna, mario := f.browser(), f.browser()
		for i := range 3 {
			if code := get(anna, "198.51.100.1"); code != http.StatusOK {
				t.Fatalf("anna, request %d: status %d", i+1, code)
			}
		}
		if code := get(anna, "198.51.100.1"); code != http.StatusTooManyRequests {
			t.Errorf("anna's fourth request: status %d, want 429", code)
		}
		// a spoofed address left of the proxy's own entry changes nothing
		if code := get(anna, "203.0.113.50, 198.51.100.1"); code != http.StatusTooManyRequests {
			t.Errorf("anna with a spoofed left part: status %d, want 429", code)
		}
		for i := range 3 {
			if code := get(mario, "198.51.100.2"); code != http.StatusOK {
				t.Errorf("mario, request %d, after anna was limited: status %d, want 200", i+1, code)
			}
		}
		// the audit names the clerk's address, not the proxy's
		mario.mustSignIn("cantu.rossi")
		f.clock.advance(time.Minute)
		req := func() *http.Response {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("csrf", mario.csrf())
			mw.WriteField("dataset", "pnrr-cantu")
			fw, _ := mw.CreateFormFile("file", "pnrr-cantu.xlsx")
			fw.Write(readFile(t, "pnrr-cantu.xlsx"))
			mw.Close()
			r, _ := http.NewRequest("POST", f.srv.URL+"/carica", &buf)
			r.Header.Set("Content-Type", mw.FormDataContentType())
			r.Header.Set("X-Forwarded-For", "198.51.100.2")
			resp, _ := mario.do(r)
			return resp
		}()
		if req.StatusCode != http.StatusOK {
			t.Fatalf("upload: status %d", req.StatusCode)
		}
		if recs := f.audit(); len(recs) != 1 || recs[0].Address != "198.51.100.2" {
			t.Errorf("audit %+v, want the address 198.51.100.2", recs)
		}
	})
}
