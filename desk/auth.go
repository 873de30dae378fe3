package desk

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

var (
	msgCSRF = catalog.Text{
		It: "Il modulo è scaduto o non viene da questo sito. Ricarica la pagina e riprova.",
		En: "The form has expired or does not come from this site. Reload the page and try again.",
	}
	msgSignedOut = catalog.Text{
		It: "La sessione è scaduta: accedi di nuovo.",
		En: "Your session has expired: please sign in again.",
	}
)

func (d *Desk) home(w http.ResponseWriter, r *http.Request) {
	ss := d.session(r)
	acc, ok := d.account(ss)
	if !ok {
		http.Redirect(w, r, d.base+"accedi", http.StatusSeeOther)
		return
	}
	recs, err := d.cfg.Inbox.Records(r.Context())
	if err != nil {
		d.log.Error("desk records", "err", err)
	}
	last, accepted := latest(recs)
	var rows []datasetRow
	for _, ds := range d.datasets(acc) {
		row := datasetRow{Dataset: ds}
		if rec, ok := last[ds.ID]; ok {
			row.Last = &rec
		}
		if rec, ok := accepted[ds.ID]; ok {
			row.Accepted = &rec
		}
		rows = append(rows, row)
	}
	p := d.page(w, r, ss, catalog.Text{It: "Sportello dati aperti", En: "Open data upload desk"})
	data := homeData{Datasets: rows, MaxSize: d.cfg.MaxFileSize, Selected: r.URL.Query().Get("dataset")}
	for _, row := range rows {
		data.XML = data.XML || takesXML(row.Dataset)
	}
	p.Data = data
	d.render(w, "home", http.StatusOK, p)
}

type homeData struct {
	Datasets []datasetRow
	MaxSize  int64
	Selected string
	// XML is set when a dataset of the clerk takes ANAC's L. 190 XML.
	XML bool
}

type datasetRow struct {
	Dataset  catalog.Dataset
	Last     *AuditRecord
	Accepted *AuditRecord
}

func (d *Desk) signInForm(w http.ResponseWriter, r *http.Request) {
	ss := d.session(r)
	if _, ok := d.account(ss); ok {
		http.Redirect(w, r, d.base, http.StatusSeeOther)
		return
	}
	if ss == nil {
		var token string
		ss, token, _ = d.sessions.start(r.Context(), nil, "", d.now()) // anonymous: memory only, no error
		d.setCookie(w, r, token)
	}
	d.renderSignIn(w, r, ss, http.StatusOK, catalog.Text{}, "")
}

func (d *Desk) renderSignIn(w http.ResponseWriter, r *http.Request, ss *session, status int, alert catalog.Text, user string) {
	p := d.page(w, r, ss, catalog.Text{It: "Accedi allo sportello dati aperti", En: "Sign in to the open data desk"})
	p.Alert = alert
	p.Data = user
	d.render(w, "signin", status, p)
}

func (d *Desk) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		d.fail(w, r, http.StatusBadRequest, msgCSRF)
		return
	}
	ss := d.session(r)
	if !csrfOK(ss, r.PostFormValue("csrf")) {
		d.fail(w, r, http.StatusForbidden, msgCSRF)
		return
	}
	user := strings.ToLower(strings.TrimSpace(r.PostFormValue("user")))
	pw := r.PostFormValue("password")
	now := d.now()
	lim := d.cfg.SignInFailures
	if d.failures.count(user, now) >= lim.N {
		d.log.Warn("desk sign-in locked", "user", user, "address", d.clientAddress(r))
		w.Header().Set("Retry-After", fmt.Sprint(int(lim.Per.Seconds())))
		d.renderSignIn(w, r, ss, http.StatusTooManyRequests, catalog.Text{
			It: fmt.Sprintf("Troppi tentativi sbagliati: l'accesso di questo utente è bloccato per %d minuti. Se non ricordi la password, chiedi alla Provincia di impostarne una nuova.", minutes(lim.Per)),
			En: fmt.Sprintf("Too many wrong attempts: this user is locked out for %d minutes. If you do not remember the password, ask the Province to set a new one.", minutes(lim.Per)),
		}, user)
		return
	}
	acc, ok := d.cfg.Accounts.verify(user, pw, d.dummy)
	if !ok {
		d.failures.add(user, now)
		d.log.Info("desk sign-in failed", "user", user, "address", d.clientAddress(r))
		d.renderSignIn(w, r, ss, http.StatusUnauthorized, catalog.Text{
			It: "Nome utente o password sbagliati. Controlla le maiuscole e riprova.",
			En: "Wrong user name or password. Check upper and lower case and try again.",
		}, user)
		return
	}
	d.failures.reset(user)
	ss, token, err := d.sessions.start(r.Context(), ss, acc.User, now)
	if err != nil {
		d.fail(w, r, http.StatusServiceUnavailable, catalog.Text{
			It: "Lo sportello non è riuscito a registrare l'accesso. Riprova tra qualche minuto; se succede ancora, avvisa la Provincia.",
			En: "The desk could not record your sign-in. Try again in a few minutes; if it happens again, tell the Province.",
		})
		return
	}
	d.setCookie(w, r, token)
	d.log.Info("desk sign-in", "user", acc.User, "comune", acc.Comune, "address", d.clientAddress(r))
	http.Redirect(w, r, d.base, http.StatusSeeOther)
}

func minutes(t time.Duration) int { return int((t + time.Minute - 1) / time.Minute) }

func (d *Desk) signOut(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	ss := d.session(r)
	if !csrfOK(ss, r.PostFormValue("csrf")) {
		d.fail(w, r, http.StatusForbidden, msgCSRF)
		return
	}
	d.sessions.end(r.Context(), ss, d.now())
	d.clearCookie(w, r)
	http.Redirect(w, r, d.base+"accedi", http.StatusSeeOther)
}
