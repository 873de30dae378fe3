package ocds_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/provincia-como/opendata/pipeline/export/ocds"
	read "github.com/provincia-como/opendata/pipeline/ingest/l190"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// published is the injected publication time of every test.
var published = time.Date(2024, 2, 1, 9, 30, 0, 0, time.UTC)

var opts = ocds.Options{Prefix: "ocds-test01", BaseURL: "https://dati.example.invalid/ocds", Published: published}

func corpus(name string) string {
	return filepath.Join("..", "..", "..", "..", "shared", "corpus", "l190", name)
}

// readFile reads an L. 190 file into the tables Build takes.
func readFile(t testing.TB, path string) ocds.File {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) && strings.Contains(path, "shared") {
		t.Skipf("%s is absent", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return readTables(t, filepath.Base(path), f)
}

func readTables(t testing.TB, name string, r io.Reader) ocds.File {
	t.Helper()
	tb, err := read.ReadTables(context.Background(), name, r, read.Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ocds.File{Metadata: tb.Metadata, Lotti: tb.Lotti, Partecipanti: tb.Partecipanti, Aggiudicatari: tb.Aggiudicatari}
}

// schema compiles the OCDS 1.1 release package schema from testdata: the
// package schema refers to the release schema by its id (an https URL),
// which is registered as a resource so nothing is fetched. The schemas are
// draft-04, which jsonschema/v6 tells from their $schema; for drafts before
// 2019 it asserts "format" (date-time, uri) by default.
func schema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	var pkgID string
	for _, name := range []string{"release-schema.json", "release-package-schema.json"} {
		f, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		id := doc.(map[string]any)["id"].(string)
		if err := c.AddResource(id, doc); err != nil {
			t.Fatal(err)
		}
		pkgID = id
	}
	s, err := c.Compile(pkgID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t testing.TB, s *jsonschema.Schema, p ocds.Package) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(p.JSON))
	if err != nil {
		t.Fatalf("%s: %v", p.Name, err)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("%s is not a valid OCDS 1.1 release package: %v", p.Name, err)
	}
}

func build(t testing.TB, files ...ocds.File) []ocds.Package {
	t.Helper()
	ps, err := ocds.Build(files, opts)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// Parts of a package the tests look at.
type pkg struct {
	URI           string
	PublishedDate string
	Publisher     struct{ Name, Scheme, UID string }
	Version       string
	Extensions    []string
	Releases      []rel
}

type ref struct{ ID, Name string }

type value struct {
	Amount   float64
	Currency string
}

type rel struct {
	OCID, ID, Date, InitiationType string
	Tag                            []string
	Buyer                          ref
	Parties                        []struct {
		ID, Name   string
		Roles      []string
		Identifier struct{ Scheme, ID, LegalName string }
		MemberOf   []ref
		Details    map[string]any
	}
	Tender struct {
		ID, Title, ProcurementMethod, ProcurementMethodDetails string
		NumberOfTenderers                                      *int
		Tenderers                                              []ref
	}
	Awards []struct {
		ID        string
		Value     *value
		Suppliers []ref
	}
	Contracts []struct {
		ID, AwardID    string
		Value          *value
		Period         struct{ StartDate, EndDate string }
		Implementation struct {
			Transactions []struct {
				ID, Date     string
				Value        value
				Payer, Payee *ref
			}
		}
	}
}

func decode(t testing.TB, p ocds.Package) pkg {
	t.Helper()
	var v pkg
	if err := json.Unmarshal(p.JSON, &v); err != nil {
		t.Fatalf("%s: %v", p.Name, err)
	}
	return v
}

func TestFieldNames(t *testing.T) {
	// The package reads the reader's tables by these names without
	// importing it; keep them equal.
	want := []string{read.FieldLotto, read.FieldCIG, read.FieldCodiceFiscaleProp, read.FieldDenominazione,
		read.FieldOggetto, read.FieldSceltaContraente, read.FieldImportoAggiudicazione, read.FieldDataInizio,
		read.FieldDataUltimazione, read.FieldImportoSommeLiquidate, read.FieldAnnoRiferimento,
		read.FieldRaggruppamento, read.FieldRuolo, read.FieldCodiceFiscale, read.FieldIdentificativoEstero,
		read.FieldRagioneSociale, read.FieldDataPubblicazione, read.FieldEntePubblicatore,
		read.FieldDataUltimoAggiornamento}
	got := ocds.FieldNames()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("field names\n got %v\nwant %v", got, want)
	}
}

// TestGolden compares the packages of two verbatim excerpts with the
// files in testdata/golden (go test -update rewrites them).
func TestGolden(t *testing.T) {
	s := schema(t)
	for _, name := range []string{"avcp-2013-12-excerpt.xml", "interporto-2021-excerpt.xml"} {
		t.Run(name, func(t *testing.T) {
			ps := build(t, readFile(t, filepath.Join("testdata", name)))
			dir := filepath.Join("testdata", "golden", strings.TrimSuffix(name, ".xml"))
			if *update {
				os.RemoveAll(dir)
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			var names []string
			for _, p := range ps {
				validate(t, s, p)
				names = append(names, p.Name)
				path := filepath.Join(dir, p.Name)
				if *update {
					if err := os.WriteFile(path, p.JSON, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if !bytes.Equal(p.JSON, want) {
					t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", p.Name, path, p.JSON)
				}
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != len(ps) {
				t.Errorf("%d packages %v, %d golden files", len(ps), names, len(entries))
			}
		})
	}
}

// comoFiscalCodes are the fiscal codes of Como's comuni from ISTAT's
// register: the bodies are selected by code, never by name ("COMUNE DI
// LIVO" in the AVCP export is Livo in Trentino).
func comoFiscalCodes(t *testing.T) map[string]string {
	t.Helper()
	path := filepath.Join("..", "..", "..", "..", "shared", "data", "istat", "istat-situas_comuni_2026-08-14.csv")
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		t.Skipf("%s is absent", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	prov, cf, name := col["Codice Provincia (Storico)"], col["Codice fiscale"], col["Comune"]
	out := map[string]string{}
	for _, row := range rows[1:] {
		if row[prov] == "013" {
			out[row[cf]] = row[name]
		}
	}
	if len(out) < 140 {
		t.Fatalf("%d comuni of Como in %s", len(out), path)
	}
	return out
}

// TestAVCPExport builds the packages of the whole AVCP export of December
// 2013, checks each against the schema, and looks at Como's comuni.
func TestAVCPExport(t *testing.T) {
	file := readFile(t, corpus("AVCP-portaletrasparenza-scrape_2013-12.xml"))
	como := comoFiscalCodes(t)
	ps := build(t, file)
	s := schema(t)
	releases, comoLotti, comoBodies := 0, 0, 0
	for _, p := range ps {
		validate(t, s, p)
		releases += p.Releases
		if _, ok := como[p.Body]; ok {
			comoBodies++
			comoLotti += p.Releases
			v := decode(t, p)
			if v.Publisher.UID != p.Body || v.Publisher.Scheme != "IT-CF" {
				t.Errorf("%s: publisher %+v", p.Name, v.Publisher)
			}
			for _, r := range v.Releases {
				if r.Buyer.ID != "IT-CF-"+p.Body {
					t.Errorf("%s %s: buyer %+v", p.Name, r.OCID, r.Buyer)
				}
			}
		}
	}
	if releases != 5207 {
		t.Errorf("%d releases in all, want one per lotto: 5207", releases)
	}
	// 15 lotti of 11 comuni, per the corpus's provenance.
	if comoLotti != 15 || comoBodies != 11 {
		t.Errorf("Como: %d lotti of %d comuni, want 15 of 11", comoLotti, comoBodies)
	}
	var comune *ocds.Package
	for i := range ps {
		if ps[i].Body == "80005370137" {
			comune = &ps[i]
		}
	}
	if comune == nil {
		t.Fatal("no package for the Comune di Como (80005370137)")
	}
	if comune.Name != "ocds-80005370137-2013.json" {
		t.Errorf("name %q", comune.Name)
	}
	v := decode(t, *comune)
	if v.Publisher.Name != "COMUNE DI COMO" || v.URI != opts.BaseURL+"/"+comune.Name || v.Version != "1.1" {
		t.Errorf("package head: %+v %q %q", v.Publisher, v.URI, v.Version)
	}
}

// TestInterporto checks grouped bidders and amounts paid above the amount
// awarded in both years of the public company's file.
func TestInterporto(t *testing.T) {
	s := schema(t)
	for _, name := range []string{"SITO-Interporto-Torino_2021.xml", "SITO-Interporto-Torino_2022.xml"} {
		t.Run(name, func(t *testing.T) {
			ps := build(t, readFile(t, corpus(name)))
			if len(ps) != 1 || ps[0].Body != "03717710010" {
				t.Fatalf("%d packages, want one of 03717710010", len(ps))
			}
			validate(t, s, ps[0])
			v := decode(t, ps[0])
			if len(v.Extensions) != 1 || v.Extensions[0] != ocds.MemberOfExtension {
				t.Errorf("extensions %v", v.Extensions)
			}
			groupings, members, paidAbove := 0, 0, 0
			for _, r := range v.Releases {
				ids := map[string]bool{}
				for _, p := range r.Parties {
					if ids[p.ID] {
						t.Errorf("%s: party %s twice", r.OCID, p.ID)
					}
					ids[p.ID] = true
					if p.Details["raggruppamento"] == true {
						groupings++
					}
				}
				for _, p := range r.Parties {
					for _, m := range p.MemberOf {
						members++
						if !ids[m.ID] {
							t.Errorf("%s: %s member of %s, which is not a party", r.OCID, p.ID, m.ID)
						}
					}
				}
				for _, tr := range r.Tender.Tenderers {
					if !ids[tr.ID] {
						t.Errorf("%s: tenderer %s not among the parties", r.OCID, tr.ID)
					}
				}
				if r.Tender.NumberOfTenderers != nil && *r.Tender.NumberOfTenderers != len(r.Tender.Tenderers) {
					t.Errorf("%s: numberOfTenderers %d, %d tenderers", r.OCID, *r.Tender.NumberOfTenderers, len(r.Tender.Tenderers))
				}
				for _, c := range r.Contracts {
					for _, tr := range c.Implementation.Transactions {
						if c.Value != nil && tr.Value.Amount > c.Value.Amount {
							paidAbove++
						}
					}
				}
			}
			if groupings == 0 || members < 2*groupings {
				t.Errorf("%d groupings with %d members", groupings, members)
			}
			if paidAbove == 0 {
				t.Error("no contract paid above its value: the file has some")
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	path := filepath.Join("testdata", "interporto-2021-excerpt.xml")
	a := build(t, readFile(t, path), readFile(t, filepath.Join("testdata", "avcp-2013-12-excerpt.xml")))
	for i := 0; i < 5; i++ {
		b := build(t, readFile(t, path), readFile(t, filepath.Join("testdata", "avcp-2013-12-excerpt.xml")))
		if len(a) != len(b) {
			t.Fatalf("%d then %d packages", len(a), len(b))
		}
		for j := range a {
			if a[j].Name != b[j].Name || !bytes.Equal(a[j].JSON, b[j].JSON) {
				t.Fatalf("run %d: %s differs", i, a[j].Name)
			}
		}
	}
}

// synthetic is a SYNTHETIC L. 190 file, written for these tests, with the
// given lotti.
func synthetic(lotti ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<legge190:pubblicazione xmlns:legge190="legge190_1_0">
<metadata><titolo>t</titolo><abstract>a</abstract><dataPubblicazioneDataset>2024-01-31</dataPubblicazioneDataset><entePubblicatore>ENTE DI PROVA</entePubblicatore><dataUltimoAggiornamentoDataset>2024-01-30</dataUltimoAggiornamentoDataset><annoRiferimento>2023</annoRiferimento><urlFile>https://example.invalid/l190.xml</urlFile><licenza>IODL</licenza></metadata>
<data>` + strings.Join(lotti, "\n") + `</data></legge190:pubblicazione>`
}

func lotto(cig, cf, oggetto, scelta, parties, importo, tempi, pagato string) string {
	return fmt.Sprintf(`<lotto><cig>%s</cig><strutturaProponente><codiceFiscaleProp>%s</codiceFiscaleProp><denominazione>COMUNE DI PROVA</denominazione></strutturaProponente><oggetto>%s</oggetto><sceltaContraente>%s</sceltaContraente>%s<importoAggiudicazione>%s</importoAggiudicazione><tempiCompletamento>%s</tempiCompletamento><importoSommeLiquidate>%s</importoSommeLiquidate></lotto>`,
		cig, cf, oggetto, scelta, parties, importo, tempi, pagato)
}

const (
	oneBidder = `<partecipanti><partecipante><codiceFiscale>01234567890</codiceFiscale><ragioneSociale>ALFA SRL</ragioneSociale></partecipante></partecipanti><aggiudicatari><aggiudicatario><codiceFiscale>01234567890</codiceFiscale><ragioneSociale>ALFA SRL</ragioneSociale></aggiudicatario></aggiudicatari>`
	foreign   = `<partecipanti><partecipante><identificativoFiscaleEstero>CHE-123.456.789</identificativoFiscaleEstero><ragioneSociale>BETA AG</ragioneSociale></partecipante></partecipanti><aggiudicatari/>`
	dates     = `<dataInizio>2023-03-01</dataInizio><dataUltimazione>2023-09-30</dataUltimazione>`
)

// TestReleases checks single releases built from SYNTHETIC lotti.
func TestReleases(t *testing.T) {
	s := schema(t)
	cases := []struct {
		name  string
		lotti []string
		check func(t *testing.T, rs []rel)
	}{
		{"direct award paid", []string{lotto("Z1234567AB", "00417480134", "Fornitura", "23-AFFIDAMENTO DIRETTO", oneBidder, "1234.56", dates, "1000.1")}, func(t *testing.T, rs []rel) {
			r := rs[0]
			if r.OCID != "ocds-test01-Z1234567AB" || r.ID != "l190-00417480134-2023" || r.Date != "2024-01-30T00:00:00+01:00" {
				t.Errorf("ids and date: %q %q %q", r.OCID, r.ID, r.Date)
			}
			if strings.Join(r.Tag, ",") != "tender,award,contract,implementation" || r.InitiationType != "tender" {
				t.Errorf("tag %v initiationType %q", r.Tag, r.InitiationType)
			}
			if r.Tender.ProcurementMethod != "direct" || r.Tender.ProcurementMethodDetails != "23-AFFIDAMENTO DIRETTO" || r.Tender.ID != "Z1234567AB" {
				t.Errorf("tender %+v", r.Tender)
			}
			if r.Tender.NumberOfTenderers == nil || *r.Tender.NumberOfTenderers != 1 {
				t.Errorf("numberOfTenderers %v", r.Tender.NumberOfTenderers)
			}
			a := r.Awards[0]
			if a.Value == nil || a.Value.Amount != 1234.56 || a.Value.Currency != "EUR" || a.Suppliers[0].ID != "IT-CF-01234567890" {
				t.Errorf("award %+v", a)
			}
			c := r.Contracts[0]
			if c.AwardID != a.ID || c.Period.StartDate != "2023-03-01T00:00:00+01:00" || c.Period.EndDate != "2023-09-30T00:00:00+02:00" {
				t.Errorf("contract %+v", c)
			}
			tr := c.Implementation.Transactions[0]
			if tr.ID != r.OCID+"-somme-liquidate" || tr.Value.Amount != 1000.1 || tr.Payer.ID != "IT-CF-00417480134" || tr.Payee == nil || tr.Payee.ID != "IT-CF-01234567890" {
				t.Errorf("transaction %+v", tr)
			}
			if len(r.Parties) != 2 || strings.Join(r.Parties[1].Roles, ",") != "tenderer,supplier" || r.Parties[1].Identifier.Scheme != "IT-CF" {
				t.Errorf("parties %+v", r.Parties)
			}
		}},
		{"open, not awarded", []string{lotto("1234567890", "00417480134", "Lavori", "01-PROCEDURA APERTA", "<partecipanti/><aggiudicatari/>", "0", "", "0")}, func(t *testing.T, rs []rel) {
			r := rs[0]
			if strings.Join(r.Tag, ",") != "tender" || len(r.Awards) != 0 || len(r.Contracts) != 0 {
				t.Errorf("tag %v, %d awards, %d contracts", r.Tag, len(r.Awards), len(r.Contracts))
			}
			if r.Tender.ProcurementMethod != "open" || r.Tender.NumberOfTenderers != nil {
				t.Errorf("tender %+v", r.Tender)
			}
		}},
		{"foreign bidder, unknown procedure", []string{lotto("1234567890", "00417480134", "Servizio", "99-PROCEDURA INVENTATA", foreign, "10", "", "")}, func(t *testing.T, rs []rel) {
			r := rs[0]
			p := r.Parties[1]
			if p.ID != "estero-CHE-123.456.789" || p.Identifier.Scheme != "" || p.Identifier.ID != "CHE-123.456.789" {
				t.Errorf("foreign party %+v", p)
			}
			if r.Tender.ProcurementMethod != "" || r.Tender.ProcurementMethodDetails != "99-PROCEDURA INVENTATA" {
				t.Errorf("tender %+v", r.Tender)
			}
			// An amount awarded without winners: an award without suppliers;
			// no dates, nothing paid: no contract.
			if len(r.Awards) != 1 || len(r.Awards[0].Suppliers) != 0 || len(r.Contracts) != 0 {
				t.Errorf("awards %+v contracts %+v", r.Awards, r.Contracts)
			}
		}},
		{"no CIG and repeated CIG", []string{
			lotto("0000000000", "00417480134", "Cancelleria  varia", "23-AFFIDAMENTO DIRETTO", "", "5", "", ""),
			lotto("", "00417480134", "CANCELLERIA VARIA", "23-AFFIDAMENTO DIRETTO", "", "6", "", ""),
			lotto("1234567890", "00417480134", "Lavori", "01-PROCEDURA APERTA", "", "0", "", ""),
			lotto("1234567890", "00417480134", "Lavori", "01-PROCEDURA APERTA", "", "0", "", ""),
		}, func(t *testing.T, rs []rel) {
			if !strings.HasPrefix(rs[0].OCID, "ocds-test01-NOCIG-") || len(rs[0].OCID) != len("ocds-test01-NOCIG-")+12 {
				t.Errorf("ocid without CIG %q", rs[0].OCID)
			}
			if rs[1].OCID != rs[0].OCID+"-2" {
				t.Errorf("same object, ocid %q after %q", rs[1].OCID, rs[0].OCID)
			}
			if rs[2].OCID != rs[3].OCID || rs[2].ID == rs[3].ID || rs[3].ID != rs[2].ID+"-2" {
				t.Errorf("repeated CIG: %q %q, ids %q %q", rs[2].OCID, rs[3].OCID, rs[2].ID, rs[3].ID)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := readTables(t, "prova.xml", strings.NewReader(synthetic(c.lotti...)))
			ps := build(t, f)
			if len(ps) != 1 {
				t.Fatalf("%d packages", len(ps))
			}
			validate(t, s, ps[0])
			v := decode(t, ps[0])
			if len(v.Releases) != len(c.lotti) {
				t.Fatalf("%d releases", len(v.Releases))
			}
			c.check(t, v.Releases)
		})
	}
}

// TestNoCIGStable: the id of a lotto without CIG does not move when other
// lotti are added before it or its amounts change.
func TestNoCIGStable(t *testing.T) {
	one := lotto("", "00417480134", "Cancelleria", "23-AFFIDAMENTO DIRETTO", "", "5", "", "")
	later := lotto("", "00417480134", "Cancelleria", "23-AFFIDAMENTO DIRETTO", "", "7", "", "3")
	other := lotto("1234567890", "00417480134", "Lavori", "01-PROCEDURA APERTA", "", "0", "", "")
	a := decode(t, build(t, readTables(t, "a.xml", strings.NewReader(synthetic(one))))[0])
	b := decode(t, build(t, readTables(t, "b.xml", strings.NewReader(synthetic(other, later))))[0])
	if a.Releases[0].OCID != b.Releases[1].OCID {
		t.Errorf("ocid moved: %q then %q", a.Releases[0].OCID, b.Releases[1].OCID)
	}
}

// TestBodies: packages per body and year; a body without fiscal code goes
// to "ND", published under the file's publisher.
func TestBodies(t *testing.T) {
	f := readTables(t, "prova.xml", strings.NewReader(synthetic(
		lotto("1234567890", "00417480134", "A", "01-PROCEDURA APERTA", "", "0", "", ""),
		lotto("1234567891", "ND", "B", "01-PROCEDURA APERTA", "", "0", "", ""),
		lotto("1234567892", "80005370137", "C", "01-PROCEDURA APERTA", "", "0", "", ""),
		lotto("1234567893", "../x y", "D", "01-PROCEDURA APERTA", "", "0", "", ""),
	)))
	ps := build(t, f)
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, " "); got != "ocds-___X_Y-2023.json ocds-00417480134-2023.json ocds-80005370137-2023.json ocds-ND-2023.json" {
		t.Errorf("packages %s", got)
	}
	nd := decode(t, ps[3])
	if nd.Publisher.Name != "ENTE DI PROVA" || nd.Publisher.UID != "" || nd.Releases[0].Buyer.Name != "COMUNE DI PROVA" {
		t.Errorf("ND package: publisher %+v, buyer %+v", nd.Publisher, nd.Releases[0].Buyer)
	}
	if nd.PublishedDate != "2024-02-01T09:30:00Z" {
		t.Errorf("publishedDate %q", nd.PublishedDate)
	}
}

// TestFilesOfAYear: a year split over several files is one package; a CIG
// in two of them is two releases of the same process.
func TestFilesOfAYear(t *testing.T) {
	a := readTables(t, "a.xml", strings.NewReader(synthetic(
		lotto("1234567890", "00417480134", "A", "01-PROCEDURA APERTA", oneBidder, "1.234.567,89", "", "0,1"))))
	b := readTables(t, "b.xml", strings.NewReader(synthetic(
		lotto("1234567891", "00417480134", "B", "01-PROCEDURA APERTA", "", "0", "", ""),
		lotto("1234567890", "00417480134", "A", "01-PROCEDURA APERTA", "", "0", "", ""))))
	ps := build(t, a, b)
	if len(ps) != 1 || ps[0].Releases != 3 {
		t.Fatalf("%d packages, want one of 3 releases", len(ps))
	}
	v := decode(t, ps[0])
	var ids []string
	for _, r := range v.Releases {
		ids = append(ids, r.OCID+" "+r.ID)
	}
	want := "ocds-test01-1234567890 l190-00417480134-2023,ocds-test01-1234567891 l190-00417480134-2023,ocds-test01-1234567890 l190-00417480134-2023-2"
	if strings.Join(ids, ",") != want {
		t.Errorf("releases\n got %s\nwant %s", strings.Join(ids, ","), want)
	}
	// Amounts read with decimal commas are JSON numbers, every digit kept.
	for _, n := range []string{`"value":{"amount":1234567.89,"currency":"EUR"}`, `"value":{"amount":0.1,"currency":"EUR"}`} {
		if !bytes.Contains(ps[0].JSON, []byte(n)) {
			t.Errorf("no %s in the package", n)
		}
	}
}

func TestOptions(t *testing.T) {
	f := readTables(t, "prova.xml", strings.NewReader(synthetic(lotto("1234567890", "00417480134", "A", "01-PROCEDURA APERTA", "", "0", "", ""))))
	for _, o := range []ocds.Options{{Published: published}, {Prefix: "ocds-x"}, {Prefix: "ocds-x", Published: published, BaseURL: "ocds/"}} {
		if _, err := ocds.Build([]ocds.File{f}, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if _, err := ocds.Build([]ocds.File{{}}, opts); err == nil {
		t.Error("a file without lotti table: no error")
	}
}

func BenchmarkAVCPExport(b *testing.B) {
	file := readFile(b, corpus("AVCP-portaletrasparenza-scrape_2013-12.xml"))
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		if _, err := ocds.Build([]ocds.File{file}, opts); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(len(file.Lotti.Rows)*n)/b.Elapsed().Seconds(), "lotti/s")
}
