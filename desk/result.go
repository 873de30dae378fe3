package desk

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

func (d *Desk) renderResult(w http.ResponseWriter, r *http.Request, ss *session, res *result) {
	title := catalog.Text{It: "File accettato", En: "File accepted"}
	status := http.StatusOK
	if !res.Accepted {
		title = catalog.Text{It: "File rifiutato: da correggere", En: "File refused: to be corrected"}
		status = http.StatusUnprocessableEntity
	}
	p := d.page(w, r, ss, title)
	p.Path = d.base + "esito/" + res.ID
	p.Data = res
	d.render(w, "result", status, p)
}

func (d *Desk) showResult(w http.ResponseWriter, r *http.Request) {
	ss := d.session(r)
	if _, ok := d.account(ss); !ok {
		http.Redirect(w, r, d.base+"accedi", http.StatusSeeOther)
		return
	}
	res := d.sessions.result(ss, r.PathValue("id"))
	if res == nil {
		d.fail(w, r, http.StatusNotFound, msgGone)
		return
	}
	d.renderResult(w, r, ss, res)
}

var msgGone = catalog.Text{
	It: "Questo esito non è più disponibile: lo sportello tiene solo gli ultimi tre invii della sessione. Carica di nuovo il file.",
	En: "This result is no longer available: the desk keeps only the last three uploads of a session. Upload the file again.",
}

// annotated sends the clerk's workbook back with the issues marked.
func (d *Desk) annotated(w http.ResponseWriter, r *http.Request) {
	ss := d.session(r)
	if _, ok := d.account(ss); !ok {
		d.fail(w, r, http.StatusForbidden, msgSignedOut)
		return
	}
	res := d.sessions.result(ss, r.PathValue("id"))
	if res == nil || res.Workbook == nil {
		d.fail(w, r, http.StatusNotFound, msgGone)
		return
	}
	ctype := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	if strings.HasSuffix(res.WorkbookName, ".xlsm") {
		ctype = "application/vnd.ms-excel.sheet.macroEnabled.12"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+res.WorkbookName+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(res.Workbook)))
	w.Write(res.Workbook)
}
