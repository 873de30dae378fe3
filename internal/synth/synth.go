// Package synth writes synthetic catalogs of any size for the scale
// benchmarks: a registry of made-up comuni, and for each comune a few
// datasets of the progetti and tabella shapes, as CSV and XLSX files with
// the values a real comune publishes (CUPs, Italian numbers, dates). Every
// text says the data is synthetic; nothing here is meant for a real portal.
package synth

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Spec is what a catalog was generated from; Generate keeps it in
// synth.json so that Change can rewrite one dataset alike.
type Spec struct {
	Comuni   int   `json:"comuni"`
	Datasets int   `json:"datasets_per_comune"`
	Rows     int   `json:"rows"`
	Seed     int64 `json:"seed"`
}

const specFile = "synth.json"

// projectRows bounds the rows of a comune's project list: a real comune has
// tens of funded projects, not thousands, and every project is a page of
// the portal. The bulk of the rows is in the tabella datasets.
const projectRows = 30

// Generate writes into dir a catalog of comuni comuni, each publishing
// datasetsPerComune datasets of rows rows, plus the registry of the comuni.
// The same arguments always give the same bytes.
func Generate(dir string, comuni, datasetsPerComune, rows int, seed int64) error {
	s := Spec{Comuni: comuni, Datasets: datasetsPerComune, Rows: rows, Seed: seed}
	if comuni < 1 || comuni > 99*999 || datasetsPerComune < 1 || rows < 1 {
		return fmt.Errorf("synth: need 1..98901 comuni, at least one dataset and one row, got %+v", s)
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	if err := writeFile(filepath.Join(dir, "portal.yaml"), portalYAML); err != nil {
		return err
	}
	cs := registry(s)
	if err := writeRegistry(dir, cs); err != nil {
		return err
	}
	for i := range cs {
		for k := range datasetsPerComune {
			if err := writeDataset(dir, s, cs, i, k, 0); err != nil {
				return err
			}
		}
	}
	buf, _ := json.MarshalIndent(s, "", "  ")
	return writeFile(filepath.Join(dir, specFile), string(buf)+"\n")
}

// Change rewrites the data file of one dataset (comune i, dataset k) with
// other values, as a comune does when it publishes a new version, and
// returns the dataset's id. variant 0 gives back the original file.
func Change(dir string, i, k, variant int) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, specFile))
	if err != nil {
		return "", fmt.Errorf("synth: not a synthetic catalog: %w", err)
	}
	var s Spec
	if err := json.Unmarshal(data, &s); err != nil {
		return "", fmt.Errorf("synth: %s: %w", specFile, err)
	}
	if i < 0 || i >= s.Comuni || k < 0 || k >= s.Datasets {
		return "", fmt.Errorf("synth: no dataset %d of comune %d in a catalog of %d×%d", k, i, s.Comuni, s.Datasets)
	}
	cs := registry(s)
	if err := writeDataset(dir, s, cs, i, k, variant); err != nil {
		return "", err
	}
	return datasetID(cs[i], k), nil
}

// TotalRows is the number of data rows a catalog of spec s holds, registry
// included.
func (s Spec) TotalRows() int {
	n := s.Comuni
	for i := range s.Comuni {
		for k := range s.Datasets {
			n += rowsOf(s, i, k)
		}
	}
	return n
}

const portalYAML = `# Catalogo sintetico generato da internal/synth per le prove di scala.
title:
  it: Portale sintetico (dati inventati)
  en: Synthetic portal (made-up data)
description:
  it: >-
    DATI SINTETICI: comuni, progetti e tabelle inventati da un generatore per
    misurare le prestazioni del programma. Nessun valore è reale.
  en: >-
    SYNTHETIC DATA: municipalities, projects and tables made up by a generator
    to measure the program's performance. No value is real.
publisher:
  name:
    it: Ente sintetico
    en: Synthetic administration
  ipa: p_synth
  istat: "999"
  email: opendata@example.org
  homepage: https://example.org/
base_url: https://synthetic.example.org/
languages: [it, en]
license: CC-BY-4.0
schedule: "0 3 * * *"
`

type comune struct {
	Code, Name, Sigla, Catastale string
	Population                   int
	Area                         float64
}

var (
	heads = []string{"Val", "Monte", "Castel", "Borgo", "San ", "Santa ", "Villa", "Ponte", "Colle", "Prato", "Rocca", "Pieve", "Torre", "Lago", "Casal", "Campo"}
	mids  = []string{"ro", "ma", "ne", "lu", "ca", "ve", "di", "sa", "te", "bo", "ri", "no", "li", "gu", "mo", "pa"}
	tails = []string{"ssa", "llo", "rano", "gno", "zzo", "sco", "nate", "dello", "rio", "vico", "lengo", "scia"}
	sigle = []string{"SA", "SB", "SC", "SD", "SE", "SF", "SG", "SH", "SI", "SL", "SM", "SN"}
)

// registry makes the comuni of spec s: codes PPPNNN with PPP from 101 up,
// names unique.
func registry(s Spec) []comune {
	r := rand.New(rand.NewPCG(uint64(s.Seed), 1))
	out := make([]comune, s.Comuni)
	seen := map[string]int{}
	for i := range out {
		prov, num := 101+i/999, 1+i%999
		name := heads[r.IntN(len(heads))] + mids[r.IntN(len(mids))] + tails[r.IntN(len(tails))]
		name = strings.ToUpper(name[:1]) + name[1:]
		seen[name]++
		if n := seen[name]; n > 1 {
			name += " " + roman(n)
		}
		out[i] = comune{
			Code:       fmt.Sprintf("%03d%03d", prov, num),
			Name:       name,
			Sigla:      sigle[(prov-101)%len(sigle)],
			Catastale:  fmt.Sprintf("%c%03d", 'A'+rune(i/1000%26), i%1000),
			Population: 300 + int(r.ExpFloat64()*6000),
			Area:       float64(200+r.IntN(9000)) / 100,
		}
	}
	return out
}

func roman(n int) string {
	var b strings.Builder
	for _, p := range []struct {
		v int
		s string
	}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for n >= p.v {
			b.WriteString(p.s)
			n -= p.v
		}
	}
	return b.String()
}

func writeRegistry(dir string, cs []comune) error {
	yaml := `id: comuni
title:
  it: Comuni (sintetici)
  en: Municipalities (synthetic)
description:
  it: Elenco di comuni inventati, con codici ISTAT di sei cifre. DATI SINTETICI.
  en: List of made-up municipalities with six-digit ISTAT codes. SYNTHETIC DATA.
publisher: "999"
theme: REGI
frequency: ANNUAL
schema: comuni
source:
  path: data/comuni.csv
example: true
provenance: Generato da internal/synth; nessun dato reale.
`
	if err := writeFile(filepath.Join(dir, "comuni.yaml"), yaml); err != nil {
		return err
	}
	return writeWith(filepath.Join(dir, "data", "comuni.csv"), func(w *bufio.Writer) {
		w.WriteString("codice_istat;denominazione;sigla_provincia;codice_catastale;popolazione;superficie_kmq\n")
		for _, c := range cs {
			fmt.Fprintf(w, "%s;%s;%s;%s;%d;%s\n", c.Code, c.Name, c.Sigla, c.Catastale, c.Population, itNumber(c.Area, 2))
		}
	})
}

// kind is one shape of tabella dataset a comune publishes.
type kind struct {
	slug, it, en, theme, freq string
	heads                     []string
	row                       func(r *rand.Rand, c comune, n int) []string
}

var kinds = []kind{
	{"bilancio", "Bilancio di previsione", "Budget forecast", "ECON", "ANNUAL",
		[]string{"Anno", "Titolo", "Capitolo", "Descrizione capitolo", "Stanziamento", "Impegnato", "Pagato"},
		func(r *rand.Rand, c comune, n int) []string {
			st := float64(r.IntN(50000000)) / 100
			imp := st * r.Float64()
			return []string{strconv.Itoa(2020 + n%6), "Titolo " + roman(1+n%7), strconv.Itoa(1000 + n*7), pick(r, spese) + " - " + c.Name,
				itNumber(st, 2), itNumber(imp, 2), itNumber(imp*r.Float64(), 2)}
		}},
	{"contributi", "Contributi e sovvenzioni erogati", "Grants and subsidies paid", "SOCI", "QUARTERLY",
		[]string{"Data atto", "Numero atto", "Beneficiario", "Codice fiscale", "Importo", "Motivazione"},
		func(r *rand.Rand, c comune, n int) []string {
			return []string{itDate(day(r)), fmt.Sprintf("%d/%d", 1+n, 2020+r.IntN(6)), pick(r, enti) + " " + c.Name,
				fmt.Sprintf("%011d", r.Int64N(1e11)), itNumber(float64(r.IntN(2000000))/100, 2), pick(r, motivi)}
		}},
	{"opere", "Opere pubbliche in corso", "Public works in progress", "REGI", "ANNUAL_2",
		[]string{"CUP", "Opera", "Indirizzo", "Importo lavori", "Data inizio", "Avanzamento %"},
		func(r *rand.Rand, c comune, n int) []string {
			return []string{cup(r), pick(r, opere), fmt.Sprintf("Via %s %d", pick(r, vie), 1+r.IntN(120)),
				itNumber(float64(r.IntN(90000000))/100, 2), itDate(day(r)), itNumber(float64(r.IntN(1001))/10, 1)}
		}},
	{"popolazione", "Popolazione residente per età", "Resident population by age", "SOCI", "ANNUAL",
		[]string{"Anno", "Età", "Maschi", "Femmine", "Totale"},
		func(r *rand.Rand, c comune, n int) []string {
			m, f := r.IntN(c.Population/40+5), r.IntN(c.Population/40+5)
			return []string{strconv.Itoa(2024 - n/101), strconv.Itoa(n % 101), strconv.Itoa(m), strconv.Itoa(f), strconv.Itoa(m + f)}
		}},
	{"rifiuti", "Raccolta differenziata mensile", "Monthly separate waste collection", "ENVI", "MONTHLY",
		[]string{"Mese", "Frazione", "Chilogrammi", "Percentuale sul totale"},
		func(r *rand.Rand, c comune, n int) []string {
			return []string{fmt.Sprintf("%02d/%d", 1+n%12, 2015+n/120), pick(r, frazioni), itNumber(float64(r.IntN(5000000))/10, 1), itNumber(r.Float64()*100, 2)}
		}},
}

var (
	spese    = []string{"Manutenzione strade", "Illuminazione pubblica", "Scuola primaria", "Servizi sociali", "Verde pubblico", "Biblioteca", "Polizia locale", "Trasporto scolastico"}
	enti     = []string{"Associazione sportiva", "Pro Loco", "Parrocchia", "Cooperativa sociale", "Banda musicale", "Circolo anziani"}
	motivi   = []string{"Contributo ordinario", "Manifestazione estiva", "Sostegno al reddito", "Attività educative", "Restauro"}
	opere    = []string{"Riqualificazione piazza", "Messa in sicurezza scuola", "Nuova pista ciclabile", "Efficientamento energetico municipio", "Rifacimento acquedotto", "Palestra comunale"}
	vie      = []string{"Roma", "Garibaldi", "Mazzini", "Dante", "Manzoni", "Volta", "XXV Aprile", "Cavour"}
	frazioni = []string{"Carta", "Vetro", "Plastica", "Organico", "Verde", "Indifferenziato", "RAEE"}
	misure   = []string{"M1C1I1.4.1", "M2C4I2.2", "M4C1I1.1", "M5C2I2.1", "M5C2I3.1", "M2C1I1.1", "M1C3I2.1"}
	stati    = []string{"programmato", "in corso", "in corso", "concluso", "in valutazione"}
)

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

var epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

func day(r *rand.Rand) time.Time { return epoch.AddDate(0, 0, r.IntN(6*365)) }

func itDate(t time.Time) string { return t.Format("02/01/2006") }

// cup makes a Codice Unico di Progetto: 15 upper-case letters and digits.
func cup(r *rand.Rand) string {
	const a = "ABCDEFGHIJ"
	return fmt.Sprintf("%c%02d%c%02d%06d%03d", a[r.IntN(len(a))], r.IntN(100), 'A'+rune(r.IntN(26)), 20+r.IntN(6), r.IntN(1e6), r.IntN(1e3))
}

// itNumber writes v the Italian way: 1.234.567,89.
func itNumber(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, d := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

func datasetID(c comune, k int) string {
	if k == 0 {
		return "s" + c.Code + "-progetti"
	}
	return fmt.Sprintf("s%s-%s-%d", c.Code, kinds[(k-1)%len(kinds)].slug, k)
}

// rowsOf is the number of rows of dataset k of comune i.
func rowsOf(s Spec, i, k int) int {
	if k == 0 {
		return min(s.Rows, 5+(i*7+int(s.Seed))%(projectRows-4))
	}
	return s.Rows
}

// xlsx reports whether dataset k is published as a workbook: one in five,
// as many comuni export from a spreadsheet and others from their software.
func xlsx(k int) bool { return k%5 == 2 }

func writeDataset(dir string, s Spec, cs []comune, i, k, variant int) error {
	c := cs[i]
	id := datasetID(c, k)
	ext := "csv"
	if xlsx(k) {
		ext = "xlsx"
	}
	file := fmt.Sprintf("data/%s/%s.%s", c.Code, id, ext)
	r := rand.New(rand.NewPCG(uint64(s.Seed), uint64(i)<<20|uint64(k)<<4|uint64(variant)))
	var heads []string
	var row func(n int) []string
	var yaml string
	if k == 0 {
		heads = []string{"Codice progetto", "CUP", "Titolo progetto", "Misura", "Soggetto attuatore", "Codice ISTAT comune",
			"Finanziamento PNRR", "Finanziamento comune", "Finanziamento totale", "Stato", "Avanzamento percentuale", "Data inizio prevista", "Data fine prevista"}
		row = func(n int) []string {
			pnrr := float64(r.IntN(200000000)) / 100
			own := float64(r.IntN(20000000)) / 100
			start := day(r)
			return []string{fmt.Sprintf("S%s-%04d", c.Code, n+1), cup(r), pick(r, opere) + " a " + c.Name, pick(r, misure), "Comune di " + c.Name, c.Code,
				itNumber(pnrr, 2), itNumber(own, 2), itNumber(pnrr+own, 2), pick(r, stati), itNumber(float64(r.IntN(101)), 0),
				itDate(start), itDate(start.AddDate(0, 6+r.IntN(36), 0))}
		}
		yaml = datasetYAML(id, "Progetti PNRR del Comune di "+c.Name, "PNRR projects of the Comune di "+c.Name, c.Code, "ECON", "IRREG", "progetti", file)
	} else {
		kd := kinds[(k-1)%len(kinds)]
		heads = kd.heads
		row = func(n int) []string { return kd.row(r, c, n) }
		yaml = datasetYAML(id, kd.it+" del Comune di "+c.Name, kd.en+" of the Comune di "+c.Name, c.Code, kd.theme, kd.freq, "tabella", file)
	}
	n := rowsOf(s, i, k)
	if err := writeFile(filepath.Join(dir, id+".yaml"), yaml); err != nil {
		return err
	}
	path := filepath.Join(dir, filepath.FromSlash(file))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	if ext == "xlsx" {
		return writeXLSX(path, heads, n, row)
	}
	return writeWith(path, func(w *bufio.Writer) {
		writeCSVLine(w, heads)
		for j := range n {
			writeCSVLine(w, row(j))
		}
	})
}

func datasetYAML(id, it, en, publisher, theme, freq, schema, file string) string {
	return fmt.Sprintf(`id: %s
title:
  it: %q
  en: %q
description:
  it: "%s. DATI SINTETICI generati per le prove di scala."
  en: "%s. SYNTHETIC DATA generated for scale tests."
publisher: %q
theme: %s
frequency: %s
schema: %s
source:
  path: %s
keywords: [sintetico, %s]
example: true
provenance: Generato da internal/synth; nessun dato reale.
`, id, it, en, it, en, publisher, theme, freq, schema, file, schema)
}

// writeCSVLine writes fields separated by ";" as an Italian spreadsheet
// exports them, quoting only what needs it.
func writeCSVLine(w io.StringWriter, fields []string) {
	for i, f := range fields {
		if i > 0 {
			w.WriteString(";")
		}
		if strings.ContainsAny(f, ";\"\n") {
			f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
		}
		w.WriteString(f)
	}
	w.WriteString("\n")
}

func writeXLSX(path string, heads []string, n int, row func(int) []string) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return fmt.Errorf("synth: %s: %w", path, err)
	}
	cells := func(s []string) []any {
		out := make([]any, len(s))
		for i, v := range s {
			out[i] = v
		}
		return out
	}
	if err := sw.SetRow("A1", cells(heads)); err != nil {
		return fmt.Errorf("synth: %s: %w", path, err)
	}
	for j := range n {
		if err := sw.SetRow("A"+strconv.Itoa(j+2), cells(row(j))); err != nil {
			return fmt.Errorf("synth: %s: %w", path, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("synth: %s: %w", path, err)
	}
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("synth: %s: %w", path, err)
	}
	return nil
}

func writeFile(path, s string) error {
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

func writeWith(path string, fill func(*bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	w := bufio.NewWriter(f)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("synth: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}
