package config_test

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/provincia-como/opendata/datasets"
	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/config"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// configErrors unpacks the joined error of Load.
func configErrors(t *testing.T, err error) []*config.Error {
	t.Helper()
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	out := make([]*config.Error, 0, len(list))
	for _, e := range list {
		var ce *config.Error
		if !errors.As(e, &ce) {
			t.Fatalf("error %q is not a *config.Error", e)
		}
		out = append(out, ce)
	}
	return out
}

func TestLoadErrors(t *testing.T) {
	type want struct {
		file string
		line int
		frag string // a piece of the Italian message
	}
	tests := []struct {
		dir  string
		want []want
	}{
		{"unknown-key", []want{
			{"cantu.yaml", 7, "campo sconosciuto «titel»: forse «title»?"},
			{"cantu.yaml", 13, "campo sconosciuto «source.pth»: forse «source.path»?"},
		}},
		{"missing-field", []want{
			{"cantu.yaml", 2, "manca il campo obbligatorio «title.it»"},
			{"cantu.yaml", 1, "manca il campo obbligatorio «publisher»"},
			{"cantu.yaml", 1, "manca il campo obbligatorio «source»"},
		}},
		{"bad-values", []want{
			{"cantu.yaml", 1, "identificativo «Progetti_Cantù» non valido"},
			{"cantu.yaml", 6, "codice ISTAT «13041» non valido"},
			{"cantu.yaml", 7, "tema «ECONOMIA» non previsto"},
			{"cantu.yaml", 8, "frequenza «annual» non previsto"},
			{"cantu.yaml", 9, "licenza «CC-BY» non prevista"},
		}},
		{"duplicate-id", []want{
			{"b.yaml", 1, "identificativo «comuni» già usato in a.yaml"},
		}},
		{"source", []want{
			{"both.yaml", 12, "«path» oppure «url», non entrambi"},
			{"escape.yaml", 11, "percorso «../secret.csv» non valido"},
			{"missing-file.yaml", 11, "il file «data/Comuni.csv» non esiste"},
		}},
		{"syntax", []want{
			{"old.yml", 0, "devono terminare in «.yaml»"},
			{"tab.yaml", 3, "errore di sintassi YAML"},
			{"type.yaml", 12, "valore del tipo sbagliato"},
			{"type.yaml", 13, "valore del tipo sbagliato"},
		}},
		{"schema-ref", []want{
			{"http-url.yaml", 9, "deve iniziare con https://"},
			{"missing-schema.yaml", 9, "il file di schema «schemas/permesi.json» non esiste"},
			{"escape-schema.yaml", 9, "percorso dello schema «../schemas/ok.json» non valido"},
			{"not-json.yaml", 9, "percorso dello schema «schemas/ok.yaml» non valido"},
			{"bad-name.yaml", 9, "schema «tabela» non previsto"},
			{"folder-schema.yaml", 9, "è una cartella"},
		}},
		{"no-portal", []want{
			{"portal.yaml", 0, "file mancante"},
		}},
		{"bad-portal", []want{
			{"portal.yaml", 6, "manca il campo obbligatorio «publisher.name.it»"},
			{"portal.yaml", 9, "codice ISTAT «13» non valido"},
			{"portal.yaml", 10, "indirizzo di posta «Ufficio dati <opendata@provincia.como.it>» non valido"},
			{"portal.yaml", 11, "indirizzo «dati.provincia.como.it» non valido"},
			{"portal.yaml", 12, "lingua «de» non gestita"},
			{"portal.yaml", 14, "pianificazione «ogni notte» non valida"},
		}},
		{"ocds-prefix", []want{
			{"portal.yaml", 13, "prefisso OCDS «ocds-Como» non valido"},
		}},
		{"timeouts", []want{
			{"portal.yaml", 14, "«source_timeout.attempt» (1m30s) è più lungo di «source_timeout.total» (1m0s)"},
			{"portal.yaml", 16, "«pull_timeout» deve essere una durata positiva"},
			{"albese.yaml", 13, "durata non valida: scriverla con la sua unità"},
			{"albese.yaml", 14, "durata non valida: scriverla con la sua unità"},
			{"cantu.yaml", 13, "«source.timeout.attempt» deve essere una durata positiva"},
			{"como.yaml", 13, "campo sconosciuto «source.timeout.attemp»: forse «source.timeout.attempt»?"},
			{"erba.yaml", 13, "«source.timeout.attempt» (2m0s) è più lungo di «source.timeout.total» (1m0s)"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			cat, err := config.Load(os.DirFS(filepath.Join("testdata", tt.dir)))
			if err == nil {
				t.Fatalf("Load succeeded with %d datasets, want %d errors", len(cat.Datasets), len(tt.want))
			}
			got := configErrors(t, err)
			for _, g := range got {
				t.Log(g)
				if g.Message.En == "" || g.Message.It == "" {
					t.Errorf("%v: message not given in both languages", g)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d errors, want %d", len(got), len(tt.want))
			}
			for _, w := range tt.want {
				i := slices.IndexFunc(got, func(g *config.Error) bool {
					return g.File == w.file && g.Line == w.line && strings.Contains(g.Message.It, w.frag)
				})
				if i < 0 {
					t.Errorf("no error %s:%d containing %q", w.file, w.line, w.frag)
				}
			}
		})
	}
}

// TestLoadGood checks decoding and the defaults against a golden file.
func TestLoadGood(t *testing.T) {
	cat, err := config.Load(os.DirFS(filepath.Join("testdata", "good")))
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(cat, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "good", "want.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("catalog differs from %s (run go test -update after checking):\n%s", golden, got)
	}
}

// TestLoadDemoCatalog loads the embedded default catalog.
func TestLoadDemoCatalog(t *testing.T) {
	cat, err := config.Load(datasets.FS)
	if err != nil {
		t.Fatalf("Load(datasets.FS):\n%v", err)
	}
	var ids []string
	for _, d := range cat.Datasets {
		ids = append(ids, d.ID)
	}
	want := []string{
		"classificazioni-comuni-como", "comuni", "contratti-comuni-como-2013", "localizzazione-pnrr-como", "padigitale-altri-enti-como", "padigitale-comuni-131-como",
		"padigitale-comuni-145-como", "pnrr-cantu", "pnrr-como", "pnrr-como-italiadomani",
		"pnrr-comune-como", "pnrr-olgiate-comasco", "progetti-egov",
	}
	if !slices.Equal(ids, want) {
		t.Fatalf("datasets %v, want %v", ids, want)
	}
	if cat.Portal.Publisher.ISTAT != "013" || cat.Portal.BaseURL != "https://dati.provincia.como.it/" {
		t.Errorf("portal publisher %q, base URL %q", cat.Portal.Publisher.ISTAT, cat.Portal.BaseURL)
	}
	// The catalog's contact point names the portal's office, not the whole Province.
	if c := cat.Portal.Publisher.Contact; c == "" || c == cat.Portal.Publisher.Name.It {
		t.Errorf("portal contact %q", c)
	}
	for _, d := range cat.Datasets {
		if d.Provenance == "" {
			t.Errorf("%s: no provenance", d.ID)
		}
		if _, _, ok := config.License(d.License); !ok {
			t.Errorf("%s: licence %q unknown", d.ID, d.License)
		}
		if (d.Publisher == "013") == (len(d.Publisher) == 6) {
			t.Errorf("%s: publisher %q", d.ID, d.Publisher)
		}
	}
	olgiate, _ := cat.Dataset("pnrr-olgiate-comasco")
	if !olgiate.Example {
		t.Error("pnrr-olgiate-comasco holds errors made on purpose: it must be marked example")
	}
}

func TestLicense(t *testing.T) {
	tests := []struct {
		id, uri string
		ok      bool
	}{
		{"CC-BY-4.0", "https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40", true},
		{"CC0-1.0", "https://w3id.org/italia/controlled-vocabulary/licences/A11_CCO10", true},
		{"IODL-2.0", "https://w3id.org/italia/controlled-vocabulary/licences/A29_IODL20", true},
		{"CC-BY-SA-4.0", "https://w3id.org/italia/controlled-vocabulary/licences/A31_CCBYSA40", true},
		{"cc-by-4.0", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		uri, name, ok := config.License(tt.id)
		if uri != tt.uri || ok != tt.ok || ok == (name == "") {
			t.Errorf("License(%q) = %q, %q, %v; want %q, %v", tt.id, uri, name, ok, tt.uri, tt.ok)
		}
	}
	for _, id := range config.Licenses() {
		if _, _, ok := config.License(id); !ok {
			t.Errorf("Licenses lists %q but License does not know it", id)
		}
	}
}

func TestSchemaKind(t *testing.T) {
	for ref, want := range map[string]string{
		"tabella":                             config.SchemaBuiltin,
		"schemas/permessi.json":               config.SchemaFile,
		"permessi.json":                       config.SchemaFile,
		"https://schema.gov.it/permessi.json": config.SchemaURL,
		"http://example.org/x.json":           config.SchemaURL,
		"C:\\\\schemi\\\\x":                   config.SchemaBuiltin,
	} {
		if got := config.SchemaKind(ref); got != want {
			t.Errorf("SchemaKind(%q) = %s, want %s", ref, got, want)
		}
	}
	if msg := config.SchemaRefError(nil, "http://example.org/x.json"); !strings.Contains(msg, "https://") {
		t.Errorf("an http schema address should be refused, got %q", msg)
	}
}

// TestTimeoutDefaults: the waits for a source come from the dataset, then
// the portal, then the built-in defaults, and a value written alone never
// contradicts the other one's default.
func TestTimeoutDefaults(t *testing.T) {
	portal, err := os.ReadFile(filepath.Join("testdata", "good", "portal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const dataset = `id: albese-progetti
title:
  it: Progetti di Albese con Cassano
description:
  it: Progetti pubblicati dal comune sul suo sito.
publisher: "013004"
theme: GOVE
frequency: MONTHLY
schema: progetti
source:
  url: https://www.comune.albeseconcassano.co.it/opendata/progetti.xlsx
`
	s := time.Second
	tests := []struct {
		name           string
		portal, source string
		attempt, total time.Duration
		pull           time.Duration
	}{
		{"built-in", "", "", catalog.DefaultAttemptTimeout, catalog.DefaultSourceTimeout, catalog.DefaultPullTimeout},
		{"portal", "source_timeout:\n  attempt: 10s\n  total: 25s\npull_timeout: 2m\n", "", 10 * s, 25 * s, 120 * s},
		{"portal attempt alone", "source_timeout:\n  attempt: 90s\n", "", 90 * s, 90 * s, catalog.DefaultPullTimeout},
		{"dataset", "source_timeout:\n  attempt: 10s\n", "  timeout:\n    attempt: 5s\n    total: 12s\n", 5 * s, 12 * s, catalog.DefaultPullTimeout},
		{"dataset total alone", "", "  timeout:\n    total: 8s\n", 8 * s, 8 * s, catalog.DefaultPullTimeout},
		{"dataset attempt alone", "", "  timeout:\n    attempt: 2m\n", 120 * s, 120 * s, catalog.DefaultPullTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"portal.yaml": {Data: append(slices.Clip(portal), tt.portal...)},
				"albese.yaml": {Data: []byte(dataset + tt.source)},
			}
			cat, err := config.Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			got := cat.Datasets[0].Source.Timeout
			if got.Attempt != tt.attempt || got.Total != tt.total || cat.Portal.PullTimeout != tt.pull {
				t.Errorf("attempt %s, total %s, pull %s; want %s, %s, %s", got.Attempt, got.Total, cat.Portal.PullTimeout, tt.attempt, tt.total, tt.pull)
			}
		})
	}
}
