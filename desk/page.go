package desk

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// page is what every template gets.
type page struct {
	Lang    string
	Base    string
	Path    string // the page's own path, for the language switch
	Title   catalog.Text
	CSRF    string
	Account *Account
	// Alert is an error shown at the top of the page.
	Alert catalog.Text
	// Status is the HTTP status, shown on error pages.
	Status int
	Data   any
}

// T picks the Italian or the English text.
func (p page) T(it, en string) string {
	if p.Lang == "en" {
		return en
	}
	return it
}

// In shows a catalog text in the page's language.
func (p page) In(t catalog.Text) string { return t.In(p.Lang) }

// Other is the language the switch offers.
func (p page) Other() string {
	if p.Lang == "en" {
		return "it"
	}
	return "en"
}

func parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"date": func(lang string, t time.Time) string {
			if t.IsZero() {
				return ""
			}
			t = t.In(rome())
			if lang == "en" {
				return t.Format("2 January 2006, 15:04")
			}
			return t.Format("02/01/2006 alle 15:04")
		},
		"size": humanSize,
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"signin", "home", "result", "error"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(webFS, "web/layout.html", "web/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("desk templates: %w", err)
		}
		pages[name] = t
	}
	return pages, nil
}

// rome is the clerks' time zone, for dates on the pages; UTC if the system
// has no zone data.
func rome() *time.Location {
	if loc, err := time.LoadLocation("Europe/Rome"); err == nil {
		return loc
	}
	return time.UTC
}

// humanSize writes a size the way a clerk's file manager does: "1,2 MB",
// counting 1024 bytes to the KB as Windows does.
func humanSize(lang string, n int64) string {
	units := []string{"byte", "KB", "MB", "GB"}
	v, u := float64(n), 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	if lang != "en" {
		s = string(bytes.ReplaceAll([]byte(s), []byte("."), []byte(",")))
	}
	return s + " " + units[u]
}

// lang is the language of a request: ?lang= (remembered in a cookie), then
// the cookie, then Italian.
func lang(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "it" || l == "en" {
		http.SetCookie(w, &http.Cookie{Name: "sportello_lingua", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true})
		return l
	}
	if c, err := r.Cookie("sportello_lingua"); err == nil && (c.Value == "it" || c.Value == "en") {
		return c.Value
	}
	return "it"
}

func (d *Desk) page(w http.ResponseWriter, r *http.Request, ss *session, title catalog.Text) page {
	p := page{Lang: lang(w, r), Base: d.base, Path: r.URL.Path, Title: title}
	if r.Method != http.MethodGet {
		// the language switch must lead to a page, not to a form's target
		p.Path = d.base
	}
	if ss != nil {
		p.CSRF = ss.csrf
		if acc, ok := d.account(ss); ok {
			p.Account = &acc
		}
	}
	return p
}

func (d *Desk) render(w http.ResponseWriter, name string, status int, p page) {
	var buf bytes.Buffer
	if err := d.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		d.log.Error("desk page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail shows an error page with a message for the clerk.
func (d *Desk) fail(w http.ResponseWriter, r *http.Request, status int, msg catalog.Text) {
	ss := d.session(r)
	p := d.page(w, r, ss, catalog.Text{It: "Operazione non riuscita", En: "Something went wrong"})
	p.Alert, p.Status = msg, status
	d.render(w, "error", status, p)
}

func (d *Desk) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration, msg catalog.Text) {
	secs := int(math.Ceil(wait.Seconds()))
	mins := (secs + 59) / 60
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	d.fail(w, r, http.StatusTooManyRequests, catalog.Text{
		It: fmt.Sprintf("%s Riprova tra %d minuti.", msg.It, mins),
		En: fmt.Sprintf("%s Try again in %d minutes.", msg.En, mins),
	})
}

func (d *Desk) notFound(w http.ResponseWriter, r *http.Request) {
	d.fail(w, r, http.StatusNotFound, catalog.Text{
		It: "Questa pagina non esiste. Torna alla pagina iniziale dello sportello.",
		En: "This page does not exist. Go back to the desk's home page.",
	})
}
