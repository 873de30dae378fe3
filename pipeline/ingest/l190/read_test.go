package l190

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func corpus(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "..", "shared", "corpus", "l190", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("corpus file absent: %v", err)
	}
	return p
}

// readAll reads a file and keeps every lotto, for tests.
func readAll(t testing.TB, path string) (*File, []*Lotto) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var lotti []*Lotto
	f, err := Read(context.Background(), filepath.Base(path), fh, Options{}, func(l *Lotto) error {
		lotti = append(lotti, l)
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f, lotti
}

func readString(s string, opt Options) (*File, []*Lotto, error) {
	var lotti []*Lotto
	f, err := Read(context.Background(), "test.xml", strings.NewReader(s), opt, func(l *Lotto) error {
		lotti = append(lotti, l)
		return nil
	})
	return f, lotti, err
}

// TestCorpus reads every real file whole and checks what is known of it
// (../shared/PROVENANCE.md and counts made with grep on the files).
func TestCorpus(t *testing.T) {
	tests := []struct {
		file                       string
		lotti, bodies              int
		partecipanti, aggiudicatri int
		groupsP, groupsA           int
		dateTag                    string
		anno                       float64
		variants, unknown, empty   int
		ndProp                     int
	}{
		{"AVCP-portaletrasparenza-scrape_2013-12.xml", 5207, 1896, 0, 124, 0, 4, "dataPubbicazioneDataset", 2013, 2799, 7, 5, 409},
		{"AVCP-portaletrasparenza-scrape_2014-01.xml", 95, 65, 0, 0, 0, 0, "dataPubbicazioneDataset", 2013, 16, 0, 1, 5},
		{"SITO-Interporto-Torino_2021.xml", 10, 1, 771, 28, 4, 2, "dataPubblicazioneDataset", 2021, 0, 0, 0, 0},
		{"SITO-Interporto-Torino_2022.xml", 200, 1, 1216, 223, 7, 3, "dataPubblicazioneDataset", 2022, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, lotti := readAll(t, corpus(t, tt.file))
			if f.Kind != Dataset || f.Namespace != "legge190_1_0" {
				t.Errorf("kind %q namespace %q", f.Kind, f.Namespace)
			}
			if f.Lotti != tt.lotti || len(lotti) != tt.lotti {
				t.Errorf("lotti: %d (%d yielded), want %d", f.Lotti, len(lotti), tt.lotti)
			}
			if f.Metadata.DataPubblicazioneTag != tt.dateTag || f.Metadata.DataPubblicazione.Value == nil {
				t.Errorf("publication date %q %v", f.Metadata.DataPubblicazioneTag, f.Metadata.DataPubblicazione)
			}
			if y, _ := f.Metadata.AnnoRiferimento.Number(); y != tt.anno {
				t.Errorf("annoRiferimento %v, want %v", y, tt.anno)
			}
			bodies := map[string]bool{}
			var p, a, variants, unknown, empty, nd int
			groupsP, groupsA := map[[2]int]bool{}, map[[2]int]bool{}
			for i, l := range lotti {
				if l.N != i+1 || l.Line == 0 || l.CIG.Line <= l.Line {
					t.Fatalf("lotto %d: N %d line %d cig line %d", i+1, l.N, l.Line, l.CIG.Line)
				}
				bodies[l.Denominazione.String()] = true
				p += len(l.Partecipanti)
				a += len(l.Aggiudicatari)
				for _, x := range l.Partecipanti {
					if x.Group > 0 {
						groupsP[[2]int{l.N, x.Group}] = true
					}
				}
				for _, x := range l.Aggiudicatari {
					if x.Group > 0 {
						groupsA[[2]int{l.N, x.Group}] = true
					}
				}
				switch l.Procedura.Match {
				case Variant, CodeOnly, WordingOnly:
					variants++
				case Unknown:
					unknown++
				case "":
					empty++
				}
				if l.CodiceFiscaleProp.Value == nil && strings.TrimSpace(l.CodiceFiscaleProp.Raw) == "ND" {
					nd++
				}
			}
			got := []int{len(bodies), p, a, len(groupsP), len(groupsA), variants, unknown, empty, nd}
			want := []int{tt.bodies, tt.partecipanti, tt.aggiudicatri, tt.groupsP, tt.groupsA, tt.variants, tt.unknown, tt.empty, tt.ndProp}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("bodies, bidders, winners, groups of bidders, groups of winners, variants, unknown, empty, ND: got %v, want %v", got, want)
					break
				}
			}
		})
	}
}

// TestExcerpt pins values and lines of the AVCP excerpt.
func TestExcerpt(t *testing.T) {
	f, lotti := readAll(t, filepath.Join("testdata", "avcp-2013-12-excerpt.xml"))
	if len(lotti) != 8 || f.Metadata.DataPubblicazione.String() != "2013-12-31" || f.Metadata.DataPubblicazione.Line != 6 {
		t.Fatalf("%d lotti, metadata %+v", len(lotti), f.Metadata)
	}
	by := map[string]*Lotto{}
	for _, l := range lotti {
		by[l.CIG.String()] = l
	}
	first := lotti[0]
	if first.Line != 14 || first.CIG.Line != 15 || first.CodiceFiscaleProp.Line != 17 || first.ImportoSommeLiquidate.Line != 26 {
		t.Errorf("lines: lotto %d cig %d cf %d liquidate %d", first.Line, first.CIG.Line, first.CodiceFiscaleProp.Line, first.ImportoSommeLiquidate.Line)
	}
	if v, ok := first.ImportoAggiudicazione.Number(); !ok || v != 0 {
		t.Errorf("importo %v", first.ImportoAggiudicazione)
	}
	nd := by["547278905B"]
	if nd.CodiceFiscaleProp.Value != nil || nd.CodiceFiscaleProp.Raw != "ND" {
		t.Errorf("ND: %+v", nd.CodiceFiscaleProp)
	}
	if p := nd.Procedura; p.Code != "04" || p.Match != Variant || nd.SceltaContraente.String() != "04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE" {
		t.Errorf("v1.0 04: %+v %v", p, nd.SceltaContraente)
	}
	cantu := by["5518385B5A"]
	if cantu.Denominazione.String() != "COMUNE DI CANTU'" || cantu.Denominazione.Raw != "COMUNE DI CANTU&apos;" {
		t.Errorf("double escape: %q raw %q", cantu.Denominazione.String(), cantu.Denominazione.Raw)
	}
	if o := cantu.Oggetto.String(); strings.Contains(o, "  ") {
		t.Errorf("spaces not collapsed: %q", o)
	}
	st := by["5473955291"]
	if st.Procedura.Code != "06" || st.Procedura.Match != Variant {
		t.Errorf("06 with double space: %+v", st.Procedura)
	}
	grp := by["53851427C1"]
	if len(grp.Aggiudicatari) != 6 || grp.Aggiudicatari[5].Ruolo.String() != "02-MANDATARIA" || grp.Aggiudicatari[0].Group != 1 ||
		grp.Aggiudicatari[5].RagioneSociale.String() != `SOCIETA ITALIANA TUBISTERIA IMPIANTI SUD S.R.L. IN SIGLA "S.I.T. IMPIANTI SUD S.R.L."` {
		t.Errorf("grouping: %+v", grp.Aggiudicatari)
	}
	var unknown, empty *Lotto
	for _, l := range lotti {
		switch l.Procedura.Match {
		case Unknown:
			unknown = l
		case "":
			empty = l
		}
	}
	if unknown == nil || unknown.SceltaContraente.Problem == "" || unknown.SceltaContraente.String() != "999-NON CLASSIFICATO" {
		t.Errorf("999: %+v", unknown)
	}
	if empty == nil || empty.SceltaContraente.Value != nil || empty.SceltaContraente.Line == 0 {
		t.Errorf("empty procedure: %+v", empty)
	}
}

func TestIndex(t *testing.T) {
	f, lotti := readAll(t, filepath.Join("testdata", "indice-synthetic.xml"))
	if f.Kind != Index || len(lotti) != 0 || len(f.Links) != 2 {
		t.Fatalf("kind %q, %d lotti, links %+v", f.Kind, len(lotti), f.Links)
	}
	if f.Metadata.DataPubblicazioneTag != "dataPubblicazioneIndice" || f.Metadata.DataUltimoAggiornamento.String() != "2025-01-30" {
		t.Errorf("metadata %+v", f.Metadata)
	}
	l := f.Links[1]
	if l.ID != "ID_2" || l.URL.String() != "dataset2.xml" || l.URL.Line != 20 || l.Line != 19 || l.DataUltimoAggiornamento.String() != "2025-01-29" {
		t.Errorf("link %+v", l)
	}
}

func TestValues(t *testing.T) {
	tests := []struct {
		read    func(string) Item
		raw     string
		want    any
		problem bool
	}{
		{amount, "1234.56", 1234.56, false},
		{amount, " 1234,56 ", 1234.56, false},
		{amount, "1.234,56", 1234.56, false},
		{amount, "1.234.567,5", 1234567.5, false},
		{amount, "0", 0.0, false},
		{amount, "-5", -5.0, false},
		{amount, "", nil, false},
		{amount, "12,3,4", "12,3,4", true},
		{amount, "1,234.56", "1,234.56", true},
		{amount, "1e5", "1e5", true},
		{amount, "Inf", "Inf", true},
		{amount, "€ 100", "€ 100", true},
		{date, "2013-12-19", "2013-12-19", false},
		{date, "2013-12-19+01:00", "2013-12-19", false},
		{date, "2013-12-19Z", "2013-12-19", false},
		{date, "2013-12-19T00:00:00+01:00", "2013-12-19", false},
		{date, "2013-12-19T10:30:00.123Z", "2013-12-19", false},
		{date, "2013-12-19 10:30:00", "2013-12-19", false},
		{date, " 2024-02-29 ", "2024-02-29", false},
		{date, "0000-00-00", nil, false},
		{date, "", nil, false},
		{date, "2023-02-29", "2023-02-29", true},
		{date, "19/12/2013", "19/12/2013", true},
		{date, "2013-12-19+1", "2013-12-19+1", true},
		{code, " 01234567890 ", "01234567890", false},
		{code, "rssmra80a01h501u", "RSSMRA80A01H501U", false},
		{code, "ND", nil, false},
		{code, " n.d. ", nil, false},
		{text, "  DAVID GIUSEPPE  &amp; C.\n S.A.S. ", "DAVID GIUSEPPE & C. S.A.S.", false},
		{text, "CANTU&apos;", "CANTU'", false},
		{text, "R&D &#39;x&#x27; &foo; & ;", "R&D 'x' &foo; & ;", false},
		{text, "NOME TAGLIATO...", "NOME TAGLIATO...", false},
		{text, "   ", nil, false},
		{year, "2013", 2013.0, false},
		{year, "anno", "anno", true},
	}
	for _, tt := range tests {
		it := tt.read(tt.raw)
		if it.Value != tt.want || (it.Problem != "") != tt.problem || it.Raw != tt.raw {
			t.Errorf("%q: got %#v problem %q, want %#v problem %v", tt.raw, it.Value, it.Problem, tt.want, tt.problem)
		}
	}
}

func TestProcedures(t *testing.T) {
	l := newCodeList(procedures, oldProcedures)
	tests := []struct {
		raw   string
		code  string
		match Match
	}{
		{"04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE", "04", Exact},
		{"04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE DEL BANDO", "04", Variant},
		{"06-PROCEDURA NEGOZIATA SENZA PREVIA INDIZIONE DI  GARA ART. 221 D.LGS. 163/2006", "06", Variant},
		{"06-PROCEDURA NEGOZIATA SENZA PREVIA INDIZIONE DI GARA ART. 221 D.LGS. 163/2006", "06", Variant},
		{"27-CONFRONTO COMPETITIVO IN ADESIONE AD ACCORDO QUADRO/CONVENZIONE ", "27", Variant},
		{"23-AFFIDAMENTO IN ECONOMIA - AFFIDAMENTO DIRETTO", "23", Variant},
		{"23 - affidamento diretto", "23", Variant},
		{"4-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE", "04", Variant},
		{"24-AFFIDAMENTO DIRETTO A SOCIETA&apos; IN HOUSE", "24", Variant},
		{"35-PARTERNARIATO PER L'INNOVAZIONE", "35", Variant},
		{"39-AFFIDAMENTO DIRETTO PER MODIFICHE CONTRATTUALI O VARIANTI PER LE QUALI E' NECESSARIA UNA NUOVA PROCEDURA DI AFFIDAMENTO", "39", Variant},
		{"23-AFFIDAMENTO DIRETTO SOTTO SOGLIA", "23", CodeOnly},
		{"PROCEDURA APERTA", "01", WordingOnly},
		{"99-PROCEDURA APERTA", "01", WordingOnly},
		{"999-NON CLASSIFICATO", "", Unknown},
		{"", "", ""},
	}
	for _, tt := range tests {
		it, c, m := coded(tt.raw, l)
		if c != tt.code || m != tt.match {
			t.Errorf("%q: code %q match %q, want %q %q", tt.raw, c, m, tt.code, tt.match)
		}
		if m != Unknown && m != "" && it.String() != l.current[c] {
			t.Errorf("%q: value %q, want the current wording %q", tt.raw, it.String(), l.current[c])
		}
	}
}

func TestRoles(t *testing.T) {
	l := newCodeList(roles)
	for raw, want := range map[string]string{"02-MANDATARIA": "02-MANDATARIA", " mandante ": "01-MANDANTE", "4 - CAPOGRUPPO": "04-CAPOGRUPPO", "PRESIDENTE": ""} {
		it, _, _ := coded(raw, l)
		if got := it.String(); (want != "" && got != want) || (want == "" && it.Problem == "") {
			t.Errorf("%q: %q problem %q", raw, got, it.Problem)
		}
	}
}

const head = `<?xml version="1.0" encoding="UTF-8"?>
<legge190:pubblicazione xmlns:legge190="legge190_1_0">
<metadata><dataPubblicazioneDataset>2024-01-31</dataPubblicazioneDataset><annoRiferimento>2023</annoRiferimento></metadata>
<data>
`

const lotto = `<lotto><cig>1234567890</cig><strutturaProponente><codiceFiscaleProp>00000000000</codiceFiscaleProp><denominazione>X</denominazione></strutturaProponente><oggetto>O</oggetto><sceltaContraente>23-AFFIDAMENTO DIRETTO</sceltaContraente><partecipanti/><aggiudicatari/><importoAggiudicazione>1</importoAggiudicazione><tempiCompletamento/><importoSommeLiquidate>0</importoSommeLiquidate></lotto>
`

const tail = "</data>\n</legge190:pubblicazione>\n"

// TestBad: files that cannot be read give an *Error with a rule, a place
// and words for the clerk.
func TestBad(t *testing.T) {
	deep := head + strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) + tail
	tests := []struct {
		name      string
		in        string
		opt       Options
		rule      string
		line, col int // 0: not checked
	}{
		{"malformed", head + lotto + "<lotto><cig>1</cog></lotto>\n" + tail, Options{}, "xml", 6, 20},
		{"unclosed attribute", head + "<lotto id=\"1>\n" + tail, Options{}, "xml", 0, 0},
		{"bad entity", head + "<lotto><oggetto>A &egrave; B</oggetto></lotto>" + tail, Options{}, "xml", 5, 0},
		{"truncated", head + lotto + "<lotto><cig>12345", Options{}, "truncated", 6, 0},
		{"truncated in tag", head + lotto + "<lotto><ci", Options{}, "truncated", 0, 0},
		{"truncated after lotto", head + lotto, Options{}, "truncated", 0, 0},
		{"html", "<!DOCTYPE html>\n<html><head><title>Amministrazione trasparente</title></head><body><p>Bandi<br></body></html>", Options{}, "html", 0, 0},
		{"html without doctype", "\n  <HTML><body>", Options{}, "html", 0, 0},
		{"xhtml", "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>", Options{}, "html", 0, 0},
		{"entity bomb", `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<legge190:pubblicazione xmlns:legge190="legge190_1_0"><metadata><titolo>&lol3;</titolo></metadata></legge190:pubblicazione>`, Options{}, "dtd", 6, 0},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>`, Options{}, "dtd", 0, 0},
		{"deep nesting", deep, Options{}, "depth", 5, 0},
		{"deep nesting, lower cap", head + "<a><b><c></c></b></a>" + tail, Options{Limits: Limits{MaxDepth: 4}}, "depth", 0, 0},
		{"huge text", head + "<lotto><oggetto>" + strings.Repeat("x", 5000) + "</oggetto></lotto>" + tail, Options{Limits: Limits{MaxToken: 1024}}, "too-large", 0, 0},
		{"huge text in pieces", head + "<lotto><oggetto>" + strings.Repeat("xxxxxxxx<!---->", 500) + "</oggetto></lotto>" + tail, Options{Limits: Limits{MaxToken: 1024}}, "too-large", 0, 0},
		{"file too big", head + strings.Repeat(lotto, 50) + tail, Options{Limits: Limits{MaxBytes: 4096}}, "too-large", 0, 0},
		{"too many lotti", head + strings.Repeat(lotto, 5) + tail, Options{Limits: Limits{MaxLotti: 3}}, "too-many", 0, 0},
		{"too many parties", head + "<lotto><partecipanti>" + strings.Repeat("<partecipante><ragioneSociale>A</ragioneSociale></partecipante>", 20) + "</partecipanti></lotto>" + tail, Options{Limits: Limits{MaxParties: 10}}, "too-many", 0, 0},
		{"too many links", "<indici><indice>" + strings.Repeat("<dataset><linkDataset>a.xml</linkDataset></dataset>", 20) + "</indice></indici>", Options{Limits: Limits{MaxLinks: 10}}, "too-many", 0, 0},
		{"not xml", "CIG;OGGETTO\n123;lavori\n", Options{}, "not-l190", 0, 0},
		{"empty", "  \n", Options{}, "not-l190", 0, 0},
		{"other xml", "<?xml version=\"1.0\"?>\n<rss><channel/></rss>", Options{}, "not-l190", 2, 0},
		{"only a declaration", "<?xml version=\"1.0\"?>\n", Options{}, "not-l190", 0, 0},
		{"utf-16", "\xff\xfe<\x00?\x00", Options{}, "encoding", 0, 0},
		{"invalid utf-8", head + "<lotto><oggetto>caff\xe8</oggetto></lotto>" + tail, Options{}, "encoding", 5, 0},
		{"unknown encoding", "<?xml version=\"1.0\" encoding=\"EBCDIC\"?><legge190:pubblicazione/>", Options{}, "encoding", 0, 0},
		{"second root", head + tail + "<legge190:pubblicazione/>", Options{}, "xml", 0, 0},
		{"stray end tag", head + "</lotto>" + tail, Options{}, "xml", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readString(tt.in, tt.opt)
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrUnreadable) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if e.Rule != tt.rule {
				t.Errorf("rule %q, want %q: %v", e.Rule, tt.rule, err)
			}
			if tt.line != 0 && e.Ref.Row != tt.line {
				t.Errorf("line %d, want %d: %v", e.Ref.Row, tt.line, err)
			}
			if tt.col != 0 && e.Ref.Col != tt.col {
				t.Errorf("column %d, want %d: %v", e.Ref.Col, tt.col, err)
			}
			if e.Message.It == "" || e.Message.En == "" || e.Message.It == e.Message.En {
				t.Errorf("message %+v", e.Message)
			}
			if e.Ref.File != "test.xml" {
				t.Errorf("ref %+v", e.Ref)
			}
			if is := e.Issue(); is.Severity != "error" || is.Rule != tt.rule {
				t.Errorf("issue %+v", is)
			}
		})
	}
}

func TestLenient(t *testing.T) {
	in := "\xef\xbb\xbf" + `<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE pubblicazione SYSTEM "datasetAppaltiL190.dtd">
<pubblicazione>
<metadata><dataPubblicazioneDataset>2024-01-31</dataPubblicazioneDataset></metadata>
<data>
<lotto><cig> z1a2b3c4d5 </cig><oggetto>Caff` + "\xe8" + ` &amp; cornetti</oggetto><unknown><cig>0</cig></unknown><cig>second</cig>
<aggiudicatari><aggiudicatario><codiceFiscale>01234567890 </codiceFiscale><ragioneSociale>A</ragioneSociale></aggiudicatario></aggiudicatari>
<importoAggiudicazione>1.000,50</importoAggiudicazione>
<tempiCompletamento><dataInizio>0000-00-00</dataInizio><dataUltimazione>2024-03-01+01:00</dataUltimazione></tempiCompletamento>
</lotto>
</data>
</pubblicazione>`
	f, lotti, err := readString(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Namespace != "" || len(lotti) != 1 {
		t.Fatalf("%+v", f)
	}
	l := lotti[0]
	checks := []struct {
		it   Item
		want any
		line int
	}{
		{l.CIG, "Z1A2B3C4D5", 6},
		{l.Oggetto, "Caffè & cornetti", 6},
		{l.Aggiudicatari[0].CodiceFiscale, "01234567890", 7},
		{l.ImportoAggiudicazione, 1000.5, 8},
		{l.DataInizio, nil, 9},
		{l.DataUltimazione, "2024-03-01", 9},
	}
	for i, c := range checks {
		if c.it.Value != c.want || c.it.Line != c.line {
			t.Errorf("%d: %#v line %d, want %#v line %d", i, c.it.Value, c.it.Line, c.want, c.line)
		}
	}
}

// TestStreams proves the reader does not wait for the end of the input: an
// endless file yields lotti, and the callback's error stops it.
func TestStreams(t *testing.T) {
	stop := errors.New("enough")
	n := 0
	_, err := Read(context.Background(), "endless.xml", &endless{}, Options{}, func(l *Lotto) error {
		n++
		if n == 20_000 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 20_000 {
		t.Fatalf("err %v after %d lotti", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, "endless.xml", &endless{}, Options{}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// endless is a dataset that never ends.
type endless struct {
	buf []byte
	n   int
}

func (e *endless) Read(p []byte) (int, error) {
	if e.n == 0 {
		e.buf = []byte(head)
	}
	for len(e.buf) < len(p) {
		e.buf = append(e.buf, lotto...)
	}
	e.n++
	c := copy(p, e.buf)
	e.buf = e.buf[c:]
	return c, nil
}
