// Package l190 checks public-contract files of L. 190/2012 once read into
// tables (by pipeline/ingest/l190): ANAC's rules, whose breach refuses the
// file as ANAC's own validator would, and the anomalies journalists look for,
// reported as warnings. Every issue names the lotto by its CIG and points at
// the XML line of the element concerned.
//
// Errors (what ANAC's schema refuses): a missing CIG, codiceFiscaleProp,
// denominazione, oggetto, sceltaContraente, importoAggiudicazione,
// importoSommeLiquidate, ragioneSociale, or a member's ruolo; a CIG that is
// not 10 letters and digits; a fiscal code that is neither 11 digits nor the
// 16 characters of a person's code; a procedure or role in no version's list;
// an amount that is not a number, negative, above 999,999,999,999.99 or with
// more than two decimals; a date that does not exist; names and objects over
// 250 characters; a grouping of fewer than two members; the publication date,
// publisher, year and URL missing from the metadata.
//
// The CIG "0000000000" is accepted: ANAC's instructions ask for ten zeros
// when a contract has no CIG. It is never counted as a repeated CIG.
//
// A party with neither codiceFiscale nor identificativoFiscaleEstero is a
// warning, not an error: the schema's choice lets both be absent, although
// its note asks for one; such a party cannot be linked to its other
// contracts. Fiscal codes whose check character is wrong are warnings too:
// ANAC does not check it.
//
// Warnings: a procedure written with an older version's wording or other
// spacing (read as the current code); an amount written with a decimal
// comma; the same CIG twice in a year; amount paid above the amount awarded;
// completion before start; winners who are not among the bidders; a lotto
// awarded (importoAggiudicazione > 0) with no winner.
package l190

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// The fields of the tables, as pipeline/ingest/l190 names them.
const (
	fLotto              = "lotto"
	fCIG                = "cig"
	fCodiceFiscaleProp  = "codice_fiscale_prop"
	fDenominazione      = "denominazione"
	fOggetto            = "oggetto"
	fSceltaContraente   = "scelta_contraente"
	fImportoAgg         = "importo_aggiudicazione"
	fDataInizio         = "data_inizio"
	fDataUltimazione    = "data_ultimazione"
	fImportoLiquidato   = "importo_somme_liquidate"
	fAnnoRiferimento    = "anno_riferimento"
	fRaggruppamento     = "raggruppamento"
	fRuolo              = "ruolo"
	fCodiceFiscale      = "codice_fiscale"
	fEstero             = "identificativo_fiscale_estero"
	fRagioneSociale     = "ragione_sociale"
	fDataPubblicazione  = "data_pubblicazione"
	fEntePubblicatore   = "ente_pubblicatore"
	fDataUltimoAggiorn  = "data_ultimo_aggiornamento"
	fURLFile            = "url_file"
	noCIG               = "0000000000"
	maxAmount           = 999_999_999_999.99
	maxText             = 250
	defaultMaxIssues    = 100_000
	ruleRequired        = "required"
	ruleCIG             = "cig"
	ruleFiscalCode      = "codice-fiscale"
	ruleCheckDigit      = "codice-fiscale-controllo"
	ruleNoFiscalCode    = "senza-codice-fiscale"
	ruleProcedure       = "procedura"
	ruleProcVariant     = "procedura-variante"
	ruleRole            = "ruolo"
	ruleAmount          = "importo"
	ruleDecimalComma    = "importo-virgola"
	ruleDate            = "data"
	ruleLength          = "lunghezza"
	ruleGroup           = "raggruppamento"
	ruleDuplicateCIG    = "cig-ripetuto"
	rulePaidAbove       = "liquidato-oltre-aggiudicato"
	ruleEndBeforeStart  = "ultimazione-prima-di-inizio"
	ruleWinnerNotBidder = "aggiudicatario-non-partecipante"
	ruleNoWinner        = "aggiudicato-senza-aggiudicatario"
	ruleTooMany         = "too-many"
)

// Set is one dataset file read into tables. Metadata may be nil (only the
// lotti and parties are then checked); Partecipanti and Aggiudicatari may be
// nil when empty.
type Set struct {
	Metadata      *catalog.Table
	Lotti         *catalog.Table
	Partecipanti  *catalog.Table
	Aggiudicatari *catalog.Table
}

// Options tune Check; the zero value is the default.
type Options struct {
	// MaxIssues caps the issues returned (default 100,000); past it one
	// "too-many" issue says how many were left out, blocking if any of
	// them was an error.
	MaxIssues int
	// Workers > 1 checks the lotti of a large file with that many
	// goroutines; the issues are the same.
	Workers int
}

// Check checks the sets, one file each, together: a CIG repeated in a year
// is looked for across all of them (a year may be split over several
// files). Issues come in set order, then line order.
func Check(ctx context.Context, opt Options, sets ...Set) []catalog.Issue {
	if opt.MaxIssues <= 0 {
		opt.MaxIssues = defaultMaxIssues
	}
	out := &sink{max: opt.MaxIssues}
	seen := map[cigKey]catalog.Ref{}
	for _, s := range sets {
		if ctx.Err() != nil {
			break
		}
		c := newChecker(s, out)
		start := len(out.issues)
		c.metadata()
		c.lotti(ctx, seen, opt.Workers)
		c.parties(s.Partecipanti, false)
		c.parties(s.Aggiudicatari, true)
		// Line order within the file, whatever check found the issue.
		mine := out.issues[start:]
		// A workbook's sheets one after the other ("lotti", "partecipanti").
		sort.SliceStable(mine, func(a, b int) bool {
			if mine[a].Ref.Sheet != mine[b].Ref.Sheet {
				return mine[a].Ref.Sheet < mine[b].Ref.Sheet
			}
			return mine[a].Ref.Row < mine[b].Ref.Row
		})
	}
	return out.done()
}

type sink struct {
	max            int
	issues         []catalog.Issue
	dropped        int
	droppedErrors  bool
	droppedWarning bool
}

func (s *sink) add(is catalog.Issue) {
	if len(s.issues) < s.max {
		s.issues = append(s.issues, is)
		return
	}
	s.dropped++
	if is.Severity == catalog.Error {
		s.droppedErrors = true
	}
}

func (s *sink) done() []catalog.Issue {
	if s.dropped == 0 {
		return s.issues
	}
	sev := catalog.Warning
	if s.droppedErrors {
		sev = catalog.Error
	}
	return append(s.issues, catalog.Issue{
		Severity: sev, Rule: ruleTooMany,
		Message: catalog.Text{
			It: fmt.Sprintf("Ci sono altri %d problemi non elencati: correggi quelli indicati sopra e ricarica il file per vedere i successivi.", s.dropped),
			En: fmt.Sprintf("There are %d more problems not listed: fix the ones above and upload the file again to see the rest.", s.dropped),
		},
	})
}

type cigKey struct {
	year string
	cig  string
}

// party is a bidder or a winner of a lotto, by row.
type party struct {
	row             int
	cf, estero, key string
}

type checker struct {
	s   Set
	out *sink
	// bidders and winners by the lotto's position in the file.
	bidders, winners map[int][]party
}

func newChecker(s Set, out *sink) *checker {
	c := &checker{s: s, out: out}
	c.bidders = index(s.Partecipanti)
	c.winners = index(s.Aggiudicatari)
	return c
}

func index(t *catalog.Table) map[int][]party {
	m := map[int][]party{}
	if t == nil {
		return m
	}
	for i := range t.Rows {
		n, ok := at(t, i, fLotto).Value.(float64)
		if !ok {
			continue
		}
		m[int(n)] = append(m[int(n)], party{row: i, cf: at(t, i, fCodiceFiscale).str(), estero: strings.ToUpper(at(t, i, fEstero).str()), key: nameKey(at(t, i, fRagioneSociale).str())})
	}
	return m
}

// cell is the value of field in row i, with its reference.
type cell struct {
	catalog.Cell
	ref   catalog.Ref
	field string
	ok    bool // the table has the column
}

func at(t *catalog.Table, i int, field string) cell {
	j := t.ColumnOf(field)
	c := cell{field: field, ref: catalog.Ref{File: t.File, Sheet: t.Sheet, Row: t.Rows[i].Line}}
	if j < 0 || j >= len(t.Rows[i].Cells) {
		return c
	}
	// A workbook's column (Index); none in an XML file.
	c.Cell, c.ok, c.ref.Col = t.Rows[i].Cells[j], true, t.Columns[j].Index
	if c.Line > 0 {
		c.ref.Row = c.Line
	}
	return c
}

func (c cell) str() string {
	s, _ := c.Value.(string)
	return s
}

func (c cell) num() (float64, bool) {
	f, ok := c.Value.(float64)
	return f, ok && c.Problem == ""
}

// name says which lotto an issue is about and where: "Lotto CIG 1234567890
// (riga 17)", the line of the element at fault. Formatted only when an issue
// is made.
type name struct {
	cig      string
	n, line  int
	metadata bool
}

func lottoName(cig string, n int, line int) name { return name{cig: cig, n: n, line: line} }

func (n name) text() (it, en string) {
	line := strconv.Itoa(n.line)
	switch {
	case n.metadata:
		return "Metadati (riga " + line + ")", "Metadata (line " + line + ")"
	case n.cig != "":
		return "Lotto CIG " + n.cig + " (riga " + line + ")", "Lot CIG " + n.cig + " (line " + line + ")"
	}
	num := strconv.Itoa(n.n)
	return "Lotto n. " + num + " del file, senza CIG (riga " + line + ")", "Lot no. " + num + " of the file, with no CIG (line " + line + ")"
}

func (c *checker) issue(sev catalog.Severity, rule string, x cell, n name, it, en string) {
	if x.ref.Row > 0 {
		n.line = x.ref.Row // the line of the element at fault
	}
	nit, nen := n.text()
	c.out.add(catalog.Issue{
		Ref: x.ref, Severity: sev, Rule: rule, Field: x.field, Value: strings.TrimSpace(x.Raw),
		Message: catalog.Text{It: nit + ": " + it, En: nen + ": " + en},
	})
}

func (c *checker) lotti(ctx context.Context, seen map[cigKey]catalog.Ref, workers int) {
	t := c.s.Lotti
	if t == nil {
		return
	}
	// Repeated CIGs, in file order and across files.
	for i := range t.Rows {
		c.repeated(i, seen)
	}
	rows := len(t.Rows)
	if workers <= 1 || rows < 4096 {
		workers = 1
	}
	// The lotti are independent: a share of the rows to each worker, the
	// issues gathered in row order.
	per := (rows + workers - 1) / workers
	parts := make([]*sink, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*per, min((w+1)*per, rows)
		cw := *c
		cw.out = &sink{max: c.out.max}
		parts[w] = cw.out
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				if (i-lo)%1024 == 0 && ctx.Err() != nil {
					return
				}
				cw.lotto(i)
			}
		})
	}
	wg.Wait()
	for _, s := range parts {
		for _, is := range s.issues {
			c.out.add(is)
		}
		c.out.dropped += s.dropped
		c.out.droppedErrors = c.out.droppedErrors || s.droppedErrors
	}
}

// repeated reports a CIG seen before in the same year.
func (c *checker) repeated(i int, seen map[cigKey]catalog.Ref) {
	t := c.s.Lotti
	cig := at(t, i, fCIG)
	v := cig.str()
	if !cig.ok || cig.Problem != "" || !validCIG(v) || v == noCIG {
		return
	}
	nf, _ := at(t, i, fLotto).Value.(float64)
	n := lottoName(v, int(nf), cig.ref.Row)
	k := cigKey{year: valueText(at(t, i, fAnnoRiferimento).Value), cig: v}
	first, dup := seen[k]
	if !dup {
		seen[k] = cig.ref
		return
	}
	yit, yen := "nello stesso anno", "in the same year"
	if k.year != "" {
		yit, yen = "nei contratti del "+k.year, "in the contracts of "+k.year
	}
	c.issue(catalog.Warning, ruleDuplicateCIG, cig, n,
		fmt.Sprintf("lo stesso CIG compare più volte %s: la prima volta in %s. Un lotto va pubblicato una volta sola per anno; se è un errore di battitura, correggi il CIG.", yit, first),
		fmt.Sprintf("the same CIG appears more than once %s: first at %s. A lot is published once per year; if it is a typo, correct the CIG.", yen, first))
}

func (c *checker) lotto(i int) {
	t := c.s.Lotti
	cig := at(t, i, fCIG)
	nf, _ := at(t, i, fLotto).Value.(float64)
	num := int(nf)
	n := lottoName(cig.str(), num, t.Rows[i].Line)
	if cig.Problem == "" && cig.str() != "" {
		n = lottoName(cig.str(), num, cig.ref.Row)
	}

	// CIG
	switch v := cig.str(); {
	case !cig.ok:
	case v == "":
		c.issue(catalog.Error, ruleRequired, cig, n,
			"manca il CIG (codice identificativo gara). Se il contratto non ha CIG, scrivi dieci zeri: 0000000000.",
			"the CIG (tender identification code) is missing. If the contract has no CIG, write ten zeros: 0000000000.")
	case !validCIG(v):
		c.issue(catalog.Error, ruleCIG, cig, n,
			fmt.Sprintf("il CIG «%s» non è valido: deve avere 10 caratteri, solo cifre e lettere maiuscole, senza spazi (per esempio 5523005FE4 o Z1A0B2C3D4).", v),
			fmt.Sprintf("the CIG “%s” is not valid: it must have 10 characters, digits and capital letters only, no spaces (for example 5523005FE4 or Z1A0B2C3D4).", v))
	}

	// Contracting body, object, procedure.
	prop := at(t, i, fCodiceFiscaleProp)
	if !prop.ok {
	} else if prop.str() == "" {
		extra, extraEn := "", ""
		if r := strings.ToUpper(strings.TrimSpace(prop.Raw)); r != "" {
			extra, extraEn = fmt.Sprintf(" («%s» non è un codice)", strings.TrimSpace(prop.Raw)), fmt.Sprintf(" (“%s” is not a code)", strings.TrimSpace(prop.Raw))
		}
		c.issue(catalog.Error, ruleRequired, prop, n,
			"manca il codice fiscale della struttura proponente"+extra+": scrivi il codice fiscale dell'ente, 11 cifre.",
			"the fiscal code of the contracting body is missing"+extraEn+": write the body's fiscal code, 11 digits.")
	} else {
		c.fiscalCode(prop, n, "della struttura proponente", "of the contracting body")
	}
	c.text(at(t, i, fDenominazione), n, "il nome della struttura proponente (denominazione)", "the name of the contracting body (denominazione)")
	c.text(at(t, i, fOggetto), n, "l'oggetto del lotto", "the object of the lot")

	proc := at(t, i, fSceltaContraente)
	switch {
	case !proc.ok:
	case proc.Value == nil:
		c.issue(catalog.Error, ruleRequired, proc, n,
			"manca la procedura di scelta del contraente (sceltaContraente): scegli una voce dell'elenco ANAC, per esempio «23-AFFIDAMENTO DIRETTO».",
			"the contractor selection procedure (sceltaContraente) is missing: choose an entry of ANAC's list, for example “23-AFFIDAMENTO DIRETTO”.")
	case proc.Problem != "":
		c.issue(catalog.Error, ruleProcedure, proc, n,
			fmt.Sprintf("la procedura «%s» non è nell'elenco di ANAC: scegli una delle voci previste, con il loro codice (per esempio «04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE»).", proc.str()),
			fmt.Sprintf("the procedure “%s” is not in ANAC's list: choose one of its entries, with its code (for example “04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE”).", proc.str()))
	case proc.Raw != proc.str():
		c.issue(catalog.Warning, ruleProcVariant, proc, n,
			fmt.Sprintf("la procedura «%s» è scritta come in una versione precedente dello schema ANAC o con spazi e segni diversi: è stata letta come «%s». Usa la dicitura attuale.", strings.TrimSpace(proc.Raw), proc.str()),
			fmt.Sprintf("the procedure “%s” is written as in an earlier version of ANAC's schema or with other spacing and signs: it was read as “%s”. Use the current wording.", strings.TrimSpace(proc.Raw), proc.str()))
	}

	// Amounts and dates.
	awarded := c.amount(at(t, i, fImportoAgg), n, "l'importo di aggiudicazione", "the amount awarded")
	paid := c.amount(at(t, i, fImportoLiquidato), n, "l'importo delle somme liquidate", "the amount paid")
	start := c.date(at(t, i, fDataInizio), n, "la data di inizio", "the start date")
	end := c.date(at(t, i, fDataUltimazione), n, "la data di ultimazione", "the completion date")

	// What journalists look for.
	if a, ok := awarded.num(); ok {
		if p, ok := paid.num(); ok && p > a+0.005 {
			c.issue(catalog.Warning, rulePaidAbove, paid, n,
				fmt.Sprintf("le somme liquidate (%s) superano l'importo di aggiudicazione (%s). Può accadere per varianti o revisioni dei prezzi; altrimenti controlla i due importi.", euro(p), euro(a)),
				fmt.Sprintf("the amount paid (%s) is above the amount awarded (%s). This can happen with variations or price revisions; otherwise check both amounts.", euroEn(p), euroEn(a)))
		}
	}
	if s, e := start.str(), end.str(); start.Problem == "" && end.Problem == "" && s != "" && e != "" && e < s {
		c.issue(catalog.Warning, ruleEndBeforeStart, end, n,
			fmt.Sprintf("la data di ultimazione (%s) è prima della data di inizio (%s): controlla le due date.", itDate(e), itDate(s)),
			fmt.Sprintf("the completion date (%s) is before the start date (%s): check both dates.", e, s))
	}
	winners, bidders := c.winners[num], c.bidders[num]
	if a, ok := awarded.num(); ok && a > 0 && len(winners) == 0 {
		c.issue(catalog.Warning, ruleNoWinner, awarded, n,
			fmt.Sprintf("il lotto risulta aggiudicato per %s ma non è indicato nessun aggiudicatario: aggiungi chi ha vinto, o correggi l'importo se la gara non è stata aggiudicata.", euro(a)),
			fmt.Sprintf("the lot is awarded for %s but no winner is given: add who won, or correct the amount if the tender was not awarded.", euroEn(a)))
	}
	c.winnersAmongBidders(n, winners, bidders, t.Rows[i].Line)
}

func (c *checker) winnersAmongBidders(n name, winners, bidders []party, line int) {
	if len(winners) == 0 || c.s.Aggiudicatari == nil {
		return
	}
	if len(bidders) == 0 {
		w := c.s.Aggiudicatari
		x := cell{field: fRagioneSociale, ref: catalog.Ref{File: w.File, Sheet: w.Sheet, Row: w.Rows[winners[0].row].Line}}
		c.issue(catalog.Warning, ruleWinnerNotBidder, x, n,
			"ci sono aggiudicatari ma nessun partecipante: chi ha vinto deve comparire anche tra i partecipanti (anche in un affidamento diretto, con un solo partecipante).",
			"there are winners but no bidders: whoever won must also appear among the bidders (even in a direct award, with a single bidder).")
		return
	}
	cf, est, names := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, b := range bidders {
		if b.cf != "" {
			cf[b.cf] = true
		}
		if b.estero != "" {
			est[b.estero] = true
		}
		if b.key != "" {
			names[b.key] = true
		}
	}
	w := c.s.Aggiudicatari
	for _, p := range winners {
		if (p.cf != "" && cf[p.cf]) || (p.estero != "" && est[p.estero]) || (p.key != "" && names[p.key]) {
			continue
		}
		x := at(w, p.row, fRagioneSociale)
		who := x.str()
		if p.cf != "" {
			who += " (" + p.cf + ")"
		}
		c.issue(catalog.Warning, ruleWinnerNotBidder, x, n,
			fmt.Sprintf("l'aggiudicatario %s non è tra i partecipanti: aggiungilo ai partecipanti, o controlla che nome e codice fiscale siano scritti allo stesso modo.", who),
			fmt.Sprintf("the winner %s is not among the bidders: add it to the bidders, or check that name and fiscal code are written the same way.", who))
	}
}

func (c *checker) metadata() {
	t := c.s.Metadata
	if t == nil {
		return
	}
	if len(t.Rows) == 0 {
		c.out.add(catalog.Issue{
			Ref: catalog.Ref{File: t.File}, Severity: catalog.Error, Rule: ruleRequired,
			Message: catalog.Text{
				It: "Manca il blocco <metadata> con i dati della pubblicazione (data, ente, anno, indirizzo del file): aggiungilo all'inizio del file.",
				En: "The <metadata> block with the publication details (date, publisher, year, file address) is missing: add it at the start of the file.",
			},
		})
		return
	}
	n := name{line: t.Rows[0].Line, metadata: true}
	req := func(x cell, it, en string) bool {
		if x.Value == nil {
			c.issue(catalog.Error, ruleRequired, x, n, "manca "+it+".", en+" is missing.")
			return false
		}
		return true
	}
	if d := at(t, 0, fDataPubblicazione); req(d, "la data di pubblicazione del dataset", "the publication date of the dataset") {
		c.date(d, n, "la data di pubblicazione", "the publication date")
	}
	c.date(at(t, 0, fDataUltimoAggiorn), n, "la data dell'ultimo aggiornamento", "the date of last update")
	req(at(t, 0, fEntePubblicatore), "l'ente pubblicatore", "the publisher")
	req(at(t, 0, fURLFile), "l'indirizzo (URL) del file", "the address (URL) of the file")
	if y := at(t, 0, fAnnoRiferimento); req(y, "l'anno di riferimento", "the reference year") && y.Problem != "" {
		c.issue(catalog.Error, ruleDate, y, n,
			fmt.Sprintf("l'anno di riferimento «%s» non è un anno: scrivi l'anno in cifre, per esempio 2024.", y.str()),
			fmt.Sprintf("the reference year “%s” is not a year: write the year in digits, for example 2024.", y.str()))
	}
}

func (c *checker) parties(t *catalog.Table, winners bool) {
	if t == nil {
		return
	}
	cigs := map[int]string{}
	if l := c.s.Lotti; l != nil {
		for i := range l.Rows {
			if f, ok := at(l, i, fLotto).Value.(float64); ok {
				cigs[int(f)] = at(l, i, fCIG).str()
			}
		}
	}
	who, whoEn := "del partecipante", "of the bidder"
	if winners {
		who, whoEn = "dell'aggiudicatario", "of the winner"
	}
	type groupKey struct{ lotto, group int }
	members := map[groupKey][]int{}
	for i := range t.Rows {
		nf, _ := at(t, i, fLotto).Value.(float64)
		n := lottoName(cigs[int(nf)], int(nf), t.Rows[i].Line)
		if cig := at(t, i, fCIG).str(); cig != "" {
			n = lottoName(cig, int(nf), t.Rows[i].Line)
		}
		name := at(t, i, fRagioneSociale)
		c.text(name, n, "la ragione sociale "+who, "the company name "+whoEn)
		cf, est := at(t, i, fCodiceFiscale), at(t, i, fEstero)
		switch {
		case cf.str() != "":
			c.fiscalCode(cf, n, who+" "+name.str(), whoEn+" "+name.str())
		case est.str() == "" && (cf.ok || est.ok):
			x := cf
			if x.Line == 0 {
				x.ref.Row = t.Rows[i].Line
			}
			c.issue(catalog.Warning, ruleNoFiscalCode, x, n,
				fmt.Sprintf("manca il codice fiscale %s %s: scrivi il codice fiscale o, per un'impresa estera, l'identificativo fiscale estero. Senza codice l'impresa non si può collegare agli altri suoi contratti.", who, name.str()),
				fmt.Sprintf("the fiscal code %s %s is missing: write the fiscal code or, for a foreign company, its foreign tax identifier. Without a code the company cannot be linked to its other contracts.", whoEn, name.str()))
		}
		g, ok := at(t, i, fRaggruppamento).Value.(float64)
		if !ok {
			continue
		}
		members[groupKey{int(nf), int(g)}] = append(members[groupKey{int(nf), int(g)}], i)
		role := at(t, i, fRuolo)
		switch {
		case role.Value == nil:
			x := role
			if x.Line == 0 {
				x.ref.Row = t.Rows[i].Line
			}
			c.issue(catalog.Error, ruleRequired, x, n,
				fmt.Sprintf("manca il ruolo di %s nel raggruppamento: scrivi per esempio «01-MANDANTE» o «02-MANDATARIA».", name.str()),
				fmt.Sprintf("the role of %s in the grouping is missing: write for example “01-MANDANTE” or “02-MANDATARIA”.", name.str()))
		case role.Problem != "":
			c.issue(catalog.Error, ruleRole, role, n,
				fmt.Sprintf("il ruolo «%s» non è previsto: usa 01-MANDANTE, 02-MANDATARIA, 03-ASSOCIATA, 04-CAPOGRUPPO o 05-CONSORZIATA.", role.str()),
				fmt.Sprintf("the role “%s” is not allowed: use 01-MANDANTE, 02-MANDATARIA, 03-ASSOCIATA, 04-CAPOGRUPPO or 05-CONSORZIATA.", role.str()))
		}
	}
	for _, rows := range members {
		if len(rows) >= 2 {
			continue
		}
		i := rows[0]
		nf, _ := at(t, i, fLotto).Value.(float64)
		n := lottoName(cigs[int(nf)], int(nf), t.Rows[i].Line)
		x := at(t, i, fRaggruppamento)
		x.ref.Row = t.Rows[i].Line
		c.issue(catalog.Error, ruleGroup, x, n,
			"un raggruppamento ha un solo membro: un raggruppamento ne ha almeno due; un'impresa da sola va indicata come partecipante singolo.",
			"a grouping has a single member: a grouping has at least two; a company on its own is given as a single bidder.")
	}
}

// text checks a required name or object.
func (c *checker) text(x cell, n name, it, en string) {
	if !x.ok {
		return
	}
	v := x.str()
	if v == "" {
		c.issue(catalog.Error, ruleRequired, x, n, "manca "+it+".", en+" is missing.")
		return
	}
	if k := utf8.RuneCountInString(v); k > maxText {
		c.issue(catalog.Error, ruleLength, x, n,
			fmt.Sprintf("%s ha %d caratteri: ANAC ne accetta al massimo %d. Accorcia il testo.", it, k, maxText),
			fmt.Sprintf("%s is %d characters long: ANAC accepts at most %d. Shorten the text.", en, k, maxText))
	}
}

func (c *checker) fiscalCode(x cell, n name, it, en string) {
	v := x.str()
	switch {
	case isDigits(v) && len(v) == 11:
		if !partitaIVA(v) {
			c.issue(catalog.Warning, ruleCheckDigit, x, n,
				fmt.Sprintf("il codice fiscale %s «%s» ha l'ultima cifra (di controllo) sbagliata: probabilmente c'è un errore di battitura.", it, v),
				fmt.Sprintf("the fiscal code %s “%s” has a wrong last (check) digit: probably a typo.", en, v))
		}
	case personCode(v):
		if !personCheck(v) {
			c.issue(catalog.Warning, ruleCheckDigit, x, n,
				fmt.Sprintf("il codice fiscale %s «%s» ha l'ultima lettera (di controllo) sbagliata: probabilmente c'è un errore di battitura.", it, v),
				fmt.Sprintf("the fiscal code %s “%s” has a wrong last (check) letter: probably a typo.", en, v))
		}
	default:
		hint, hintEn := "", ""
		if strings.HasPrefix(v, "IT") && isDigits(v[2:]) && len(v) == 13 {
			hint, hintEn = " Togli il prefisso IT.", " Remove the IT prefix."
		} else if !isDigits(v) && len(v) != 16 {
			hint, hintEn = " Per un'impresa estera usa l'identificativo fiscale estero.", " For a foreign company use the foreign tax identifier."
		}
		c.issue(catalog.Error, ruleFiscalCode, x, n,
			fmt.Sprintf("il codice fiscale %s «%s» non è valido: deve avere 11 cifre (enti e imprese) o 16 caratteri (persone, come RSSMRA80A01H501U).%s", it, v, hint),
			fmt.Sprintf("the fiscal code %s “%s” is not valid: it must have 11 digits (bodies and companies) or 16 characters (people, like RSSMRA80A01H501U).%s", en, v, hintEn))
	}
}

// amount checks an ImportoType and returns the cell.
func (c *checker) amount(x cell, n name, it, en string) cell {
	if !x.ok {
		return x
	}
	if x.Value == nil {
		c.issue(catalog.Error, ruleRequired, x, n,
			"manca "+it+": scrivi l'importo in euro, 0 se non c'è.",
			en+" is missing: write the amount in euros, 0 if there is none.")
		return x
	}
	if x.Problem != "" {
		c.issue(catalog.Error, ruleAmount, x, n,
			fmt.Sprintf("%s «%s» non è un numero: scrivi solo cifre e il punto per i decimali, senza simbolo dell'euro né separatore delle migliaia (per esempio 1234.56).", it, strings.TrimSpace(x.Raw)),
			fmt.Sprintf("%s “%s” is not a number: write digits only and a point for decimals, with no euro sign nor thousands separator (for example 1234.56).", en, strings.TrimSpace(x.Raw)))
		return x
	}
	f, _ := x.Value.(float64)
	raw := strings.TrimSpace(x.Raw)
	switch {
	case f < 0:
		c.issue(catalog.Error, ruleAmount, x, n,
			fmt.Sprintf("%s è negativo (%s): ANAC accetta solo importi da zero in su.", it, raw),
			fmt.Sprintf("%s is negative (%s): ANAC accepts only amounts from zero up.", en, raw))
	case f > maxAmount:
		c.issue(catalog.Error, ruleAmount, x, n,
			fmt.Sprintf("%s (%s) supera il massimo che ANAC accetta, 999.999.999.999,99 euro: controlla l'importo.", it, raw),
			fmt.Sprintf("%s (%s) exceeds the largest ANAC accepts, 999,999,999,999.99 euros: check the amount.", en, raw))
	case decimals(raw) > 2:
		c.issue(catalog.Error, ruleAmount, x, n,
			fmt.Sprintf("%s (%s) ha più di due decimali: arrotonda ai centesimi.", it, raw),
			fmt.Sprintf("%s (%s) has more than two decimals: round to the cent.", en, raw))
	}
	if strings.IndexByte(raw, ',') >= 0 {
		c.issue(catalog.Warning, ruleDecimalComma, x, n,
			fmt.Sprintf("%s «%s» è scritto con la virgola: è stato letto come %s, ma ANAC vuole il punto per i decimali (%s).", it, raw, euro(f), dotted(f)),
			fmt.Sprintf("%s “%s” is written with a comma: it was read as %s, but ANAC wants a point for decimals (%s).", en, raw, euroEn(f), dotted(f)))
	}
	return x
}

func (c *checker) date(x cell, n name, it, en string) cell {
	if x.ok && x.Problem != "" {
		c.issue(catalog.Error, ruleDate, x, n,
			fmt.Sprintf("%s «%s» non è una data valida: scrivila come anno-mese-giorno, per esempio 2024-12-31.", it, strings.TrimSpace(x.Raw)),
			fmt.Sprintf("%s “%s” is not a valid date: write it as year-month-day, for example 2024-12-31.", en, strings.TrimSpace(x.Raw)))
	}
	return x
}
