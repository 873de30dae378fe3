package config

import (
	"fmt"
	"io/fs"
	"net/mail"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

func (d *doc) errorf(key string, it, en string) error {
	return &Error{File: d.file, Line: d.line(key), Message: catalog.Text{It: it, En: en}}
}

// missing is the error for a mandatory key left out or left empty.
func (d *doc) missing(key, whatIt, whatEn string) error {
	if d.has(key) {
		return d.errorf(key,
			fmt.Sprintf("il campo obbligatorio «%s» (%s) è vuoto: compilarlo", key, whatIt),
			fmt.Sprintf("the mandatory key %q (%s) is empty: fill it in", key, whatEn))
	}
	return d.errorf(key,
		fmt.Sprintf("manca il campo obbligatorio «%s» (%s): aggiungerlo", key, whatIt),
		fmt.Sprintf("the mandatory key %q (%s) is missing: add it", key, whatEn))
}

func requirePortal(d *doc, p *catalog.Portal) []error {
	var errs []error
	need := func(v, key, it, en string) {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, d.missing(key, it, en))
		}
	}
	need(p.Title.It, "title.it", "il titolo del portale in italiano", "the portal's title in Italian")
	need(p.Description.It, "description.it", "la descrizione del portale in italiano", "the portal's description in Italian")
	need(p.Publisher.Name.It, "publisher.name.it", "il nome dell'ente in italiano", "the administration's name in Italian")
	need(p.Publisher.IPA, "publisher.ipa", "il codice IPA dell'ente", "the administration's IPA code")
	need(p.Publisher.ISTAT, "publisher.istat", "il codice ISTAT dell'ente", "the administration's ISTAT code")
	need(p.Publisher.Email, "publisher.email", "l'indirizzo di posta per i dati aperti", "the e-mail address for open data")
	need(p.BaseURL, "base_url", "l'indirizzo pubblico del portale", "the portal's public address")
	need(p.License, "license", "la licenza predefinita dei dataset", "the datasets' default licence")
	return errs
}

func requireDataset(d *doc) []error {
	ds := &d.dataset
	var errs []error
	need := func(v, key, it, en string) {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, d.missing(key, it, en))
		}
	}
	need(ds.ID, "id", "l'identificativo del dataset", "the dataset's identifier")
	need(ds.Title.It, "title.it", "il titolo in italiano", "the title in Italian")
	need(ds.Description.It, "description.it", "la descrizione in italiano", "the description in Italian")
	need(ds.Publisher, "publisher", "il codice ISTAT dell'ente che pubblica", "the ISTAT code of the publishing administration")
	need(ds.Theme, "theme", "il tema, per esempio GOVE", "the theme, for example GOVE")
	need(ds.Frequency, "frequency", "la frequenza di aggiornamento, per esempio ANNUAL", "the update frequency, for example ANNUAL")
	need(ds.Schema, "schema", "lo schema dei dati: comuni, progetti, tabella o l190", "the data schema: comuni, progetti, tabella or l190")
	switch hasPath, hasURL := ds.Source.Path != "", ds.Source.URL != ""; {
	case !d.has("source"):
		errs = append(errs, d.missing("source", "da dove prendere il file: path oppure url", "where to take the file from: path or url"))
	case !hasPath && !hasURL:
		errs = append(errs, d.errorf("source",
			"in «source» indicare «path» (un file del catalogo) oppure «url» (un indirizzo web)",
			"under \"source\" give \"path\" (a file of the catalog) or \"url\" (a web address)"))
	case hasPath && hasURL:
		errs = append(errs, d.errorf("source.url",
			"in «source» indicare «path» oppure «url», non entrambi: togliere uno dei due",
			"under \"source\" give \"path\" or \"url\", not both: remove one of them"))
	}
	return errs
}

func validatePortal(d *doc, p *catalog.Portal) []error {
	var errs []error
	if p.Publisher.ISTAT != "" && !istatCode(p.Publisher.ISTAT) {
		errs = append(errs, d.errorf("publisher.istat",
			fmt.Sprintf("codice ISTAT «%s» non valido: 3 cifre per una provincia (es. \"013\"), 6 per un comune, tra virgolette per non perdere gli zeri iniziali", p.Publisher.ISTAT),
			fmt.Sprintf("invalid ISTAT code %q: 3 digits for a province (e.g. \"013\"), 6 for a comune, in quotes to keep the leading zeros", p.Publisher.ISTAT)))
	}
	if p.Publisher.Email != "" {
		if a, err := mail.ParseAddress(p.Publisher.Email); err != nil || a.Address != p.Publisher.Email {
			errs = append(errs, d.errorf("publisher.email",
				fmt.Sprintf("indirizzo di posta «%s» non valido: scrivere solo l'indirizzo, es. opendata@provincia.como.it", p.Publisher.Email),
				fmt.Sprintf("invalid e-mail address %q: write the address only, e.g. opendata@provincia.como.it", p.Publisher.Email)))
		}
	}
	for _, key := range []string{"base_url", "publisher.homepage"} {
		v := p.BaseURL
		if key == "publisher.homepage" {
			v = p.Publisher.Homepage
		}
		if v != "" && !webURL(v) {
			errs = append(errs, d.errorf(key,
				fmt.Sprintf("indirizzo «%s» non valido: deve iniziare con https:// (o http://)", v),
				fmt.Sprintf("invalid address %q: it must start with https:// (or http://)", v)))
		}
	}
	for _, l := range p.Languages {
		if l != "it" && l != "en" {
			errs = append(errs, d.errorf("languages",
				fmt.Sprintf("lingua «%s» non gestita: le lingue possibili sono it ed en", l),
				fmt.Sprintf("language %q is not supported: the languages are it and en", l)))
		}
	}
	if !slices.Contains(p.Languages, "it") {
		errs = append(errs, d.errorf("languages",
			"l'italiano (it) deve essere tra le lingue del portale", "Italian (it) must be one of the portal's languages"))
	}
	if p.License != "" {
		if err := checkLicense(d, "license", p.License); err != nil {
			errs = append(errs, err)
		}
	}
	if !cronSpec(p.Schedule) {
		errs = append(errs, badSchedule(d, p.Schedule))
	}
	errs = append(errs, checkTimeout(d, "source_timeout.", p.SourceTimeout)...)
	if p.OCDSPrefix != "" && !ocidPrefix.MatchString(p.OCDSPrefix) {
		errs = append(errs, d.errorf("ocds_prefix",
			fmt.Sprintf("prefisso OCDS «%s» non valido: è quello assegnato dalla Open Contracting Partnership, «ocds-» seguito da 6 lettere minuscole o cifre (es. ocds-abc123); se manca, il portale usa «ocds-» e il codice IPA", p.OCDSPrefix),
			fmt.Sprintf("invalid OCDS prefix %q: it is the one the Open Contracting Partnership assigns, \"ocds-\" and 6 lower-case letters or digits (e.g. ocds-abc123); when missing, the portal uses \"ocds-\" and the IPA code", p.OCDSPrefix)))
	}
	return errs
}

// ocidPrefix is the form of a prefix the Open Contracting Partnership
// registers.
var ocidPrefix = regexp.MustCompile(`^ocds-[a-z0-9]{6}$`)

func validateDatasets(fsys fs.FS, docs []*doc) []error {
	var errs []error
	seen := make(map[string]string) // id -> file
	for _, d := range docs {
		ds := &d.dataset
		if ds.ID != "" {
			if !slug(ds.ID) {
				errs = append(errs, d.errorf("id",
					fmt.Sprintf("identificativo «%s» non valido: usare solo lettere minuscole senza accenti, cifre e trattini (es. progetti-pnrr-cantu)", ds.ID),
					fmt.Sprintf("invalid identifier %q: use lower-case letters without accents, digits and hyphens only (e.g. progetti-pnrr-cantu)", ds.ID)))
			} else if first, dup := seen[ds.ID]; dup {
				errs = append(errs, d.errorf("id",
					fmt.Sprintf("identificativo «%s» già usato in %s: ogni dataset deve avere un identificativo diverso", ds.ID, first),
					fmt.Sprintf("identifier %q already used in %s: each dataset needs its own identifier", ds.ID, first)))
			} else {
				seen[ds.ID] = d.file
			}
		}
		if ds.Publisher != "" && !istatCode(ds.Publisher) {
			errs = append(errs, d.errorf("publisher",
				fmt.Sprintf("codice ISTAT «%s» non valido: 6 cifre per un comune (es. \"013075\" per Como), \"013\" per la Provincia, tra virgolette per non perdere gli zeri iniziali", ds.Publisher),
				fmt.Sprintf("invalid ISTAT code %q: 6 digits for a comune (e.g. \"013075\" for Como), \"013\" for the Province, in quotes to keep the leading zeros", ds.Publisher)))
		}
		errs = append(errs, oneOf(d, "theme", ds.Theme, Themes(), "tema", "theme")...)
		errs = append(errs, oneOf(d, "frequency", ds.Frequency, Frequencies(), "frequenza", "frequency")...)
		if ds.Schema != "" {
			if err := checkSchemaRef(fsys, d, ds.Schema); err != nil {
				errs = append(errs, err)
			}
		}
		if ds.License != "" {
			if err := checkLicense(d, "license", ds.License); err != nil {
				errs = append(errs, err)
			}
		}
		if err := checkSource(fsys, d); err != nil {
			errs = append(errs, err)
		}
		errs = append(errs, checkProgress(d)...)
		if ds.Schedule != "" && !cronSpec(ds.Schedule) {
			errs = append(errs, badSchedule(d, ds.Schedule))
		}
		errs = append(errs, checkTimeout(d, "source.timeout.", ds.Source.Timeout)...)
		if ds.Temporal != nil {
			errs = append(errs, checkPeriod(d, *ds.Temporal)...)
		}
		for _, k := range ds.Keywords {
			if strings.TrimSpace(k) == "" {
				errs = append(errs, d.errorf("keywords",
					"parola chiave vuota: toglierla dall'elenco", "empty keyword: remove it from the list"))
			}
		}
		if ds.Example && strings.TrimSpace(ds.Provenance) == "" {
			errs = append(errs, d.errorf("example",
				"un dataset di esempio deve dire in «provenance» da dove vengono i dati e che cosa è stato modificato",
				"an example dataset must say in \"provenance\" where its data comes from and what was changed"))
		}
	}
	return errs
}

func oneOf(d *doc, key, v string, allowed []string, whatIt, whatEn string) []error {
	if v == "" || slices.Contains(allowed, v) {
		return nil
	}
	list := strings.Join(allowed, ", ")
	return []error{d.errorf(key,
		fmt.Sprintf("%s «%s» non previsto: usare uno tra %s", whatIt, v, list),
		fmt.Sprintf("%s %q is not allowed: use one of %s", whatEn, v, list))}
}

func checkLicense(d *doc, key, id string) error {
	if _, _, ok := License(id); ok {
		return nil
	}
	list := strings.Join(Licenses(), ", ")
	return d.errorf(key,
		fmt.Sprintf("licenza «%s» non prevista: usare uno tra %s", id, list),
		fmt.Sprintf("licence %q is not supported: use one of %s", id, list))
}

func checkSource(fsys fs.FS, d *doc) error {
	src := d.dataset.Source
	switch {
	case src.Path != "" && src.URL != "":
		return nil // reported as missing/conflicting already
	case src.Path != "":
		if !fs.ValidPath(src.Path) || path.Clean(src.Path) != src.Path {
			return d.errorf("source.path",
				fmt.Sprintf("percorso «%s» non valido: scriverlo relativo alla cartella del catalogo, con «/», senza «..» né «/» iniziale (es. data/progetti.xlsx)", src.Path),
				fmt.Sprintf("invalid path %q: write it relative to the catalog folder, with \"/\", without \"..\" or a leading \"/\" (e.g. data/progetti.xlsx)", src.Path))
		}
		fi, err := fs.Stat(fsys, src.Path)
		if err != nil {
			return d.errorf("source.path",
				fmt.Sprintf("il file «%s» non esiste nella cartella del catalogo: controllare il nome (maiuscole comprese)", src.Path),
				fmt.Sprintf("the file %q does not exist in the catalog folder: check the name (including capitals)", src.Path))
		}
		if !fi.Mode().IsRegular() {
			return d.errorf("source.path",
				fmt.Sprintf("«%s» è una cartella, non un file", src.Path),
				fmt.Sprintf("%q is a folder, not a file", src.Path))
		}
	case src.URL != "":
		if !webURL(src.URL) {
			return d.errorf("source.url",
				fmt.Sprintf("indirizzo «%s» non valido: deve iniziare con https:// (o http://)", src.URL),
				fmt.Sprintf("invalid address %q: it must start with https:// (or http://)", src.URL))
		}
	}
	return nil
}

func checkPeriod(d *doc, p catalog.Period) []error {
	var errs []error
	bad := func(key string, v catalog.Date) {
		errs = append(errs, d.errorf(key,
			fmt.Sprintf("data «%s» non valida: scriverla come AAAA-MM-GG (es. 2021-01-01)", v),
			fmt.Sprintf("invalid date %q: write it as YYYY-MM-DD (e.g. 2021-01-01)", v)))
	}
	if p.Start == "" {
		errs = append(errs, d.missing("temporal.start", "la data di inizio del periodo", "the start date of the period"))
	} else if p.Start.Time().IsZero() {
		bad("temporal.start", p.Start)
	}
	if p.End != "" {
		if p.End.Time().IsZero() {
			bad("temporal.end", p.End)
		} else if !p.Start.Time().IsZero() && p.End.Time().Before(p.Start.Time()) {
			errs = append(errs, d.errorf("temporal.end",
				"la data di fine viene prima di quella di inizio", "the end date comes before the start date"))
		}
	}
	return errs
}

func badSchedule(d *doc, spec string) error {
	return d.errorf("schedule",
		fmt.Sprintf("pianificazione «%s» non valida: scrivere cinque campi cron (minuto ora giorno mese giorno-della-settimana), es. \"0 3 * * *\" per le 3 di ogni notte, oppure @daily", spec),
		fmt.Sprintf("invalid schedule %q: write five cron fields (minute hour day month weekday), e.g. \"0 3 * * *\" for 3 am every night, or @daily", spec))
}

// cronSpec is a shape check only; the scheduler parses the spec for real.
func cronSpec(s string) bool {
	if strings.HasPrefix(s, "@") {
		return len(s) > 1
	}
	f := strings.Fields(s)
	if len(f) != 5 {
		return false
	}
	for _, p := range f {
		// digits, ranges, steps, lists and month or weekday names (jan, mon)
		if strings.Trim(strings.ToLower(p), "0123456789*/,-?abcdefghijklmnopqrstuvwxyz") != "" {
			return false
		}
	}
	return true
}

func istatCode(s string) bool {
	if len(s) != 3 && len(s) != 6 {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}

func slug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// writtenTimeouts checks the durations a file writes, before defaults fill
// the others: each must be positive.
func writtenTimeouts(d *doc, prefix string, t catalog.Timeout) []error {
	return append(positive(d, prefix+"attempt", t.Attempt), positive(d, prefix+"total", t.Total)...)
}

func positive(d *doc, key string, v time.Duration) []error {
	if !d.has(key) || v > 0 {
		return nil
	}
	return []error{d.errorf(key,
		fmt.Sprintf("«%s» deve essere una durata positiva con la sua unità, es. 30s o 2m", key),
		fmt.Sprintf("%q must be a positive duration with its unit, e.g. 30s or 2m", key))}
}

// checkTimeout reports an attempt longer than the total it must fit in,
// once defaults are applied: only a file that writes both can do that.
func checkTimeout(d *doc, prefix string, t catalog.Timeout) []error {
	if t.Attempt <= t.Total {
		return nil
	}
	return []error{d.errorf(prefix+"attempt",
		fmt.Sprintf("«%sattempt» (%s) è più lungo di «%stotal» (%s): un tentativo deve stare nel tempo totale", prefix, t.Attempt, prefix, t.Total),
		fmt.Sprintf("%q (%s) is longer than %q (%s): one attempt must fit in the total", prefix+"attempt", t.Attempt, prefix+"total", t.Total))}
}
