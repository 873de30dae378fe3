package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/provincia-como/opendata/datasets"
	"github.com/provincia-como/opendata/pipeline/config"
)

// TestDemoPortal builds the embedded demo catalog, as the README's first
// command does, and checks the portal page by page.
func TestDemoPortal(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	code, stdout, stderr := runMain(t, "build", "--out", out, "--state", filepath.Join(dir, "state"))
	// The one refusal is planted in a dataset marked as an example: the
	// summary lists it as expected and the exit code stays 0.
	if code != exitOK {
		t.Fatalf("demo build: exit %d (0 expected: the only refused file is an example)\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "13 datasets, 12 accepted, 1 refused (1 expected: example data)") || !strings.Contains(stdout, "pnrr-olgiate-comasco (example: expected") {
		t.Errorf("summary:\n%s", stdout)
	}
	cat, err := config.Load(datasets.FS)
	if err != nil {
		t.Fatal(err)
	}
	read := func(p string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		if err != nil {
			t.Errorf("missing %s", p)
		}
		return string(b)
	}
	for _, d := range cat.Datasets {
		it, en := read("datasets/"+d.ID+"/index.html"), read("en/datasets/"+d.ID+"/index.html")
		if !strings.Contains(it, d.Title.It) || !strings.Contains(en, d.Title.In("en")) {
			t.Errorf("%s: page without its title", d.ID)
		}
		read("datasets/" + d.ID + "/report.json")
		if d.ID == "pnrr-olgiate-comasco" {
			for _, cell := range []string{"Foglio1!B2", "Foglio1!F3", "Foglio1!H3"} {
				if !strings.Contains(it, cell) {
					t.Errorf("the refused file's page does not point at %s", cell)
				}
			}
			continue
		}
		for _, ext := range []string{"csv", "json", "xlsx"} {
			if !strings.Contains(it, d.ID+"."+ext) {
				t.Errorf("%s: page does not offer the %s download", d.ID, ext)
			}
			read("datasets/" + d.ID + "/" + d.ID + "." + ext)
		}
		read("datasets/" + d.ID + "/datapackage.json")
		read("datasets/" + d.ID + "/" + d.ID + ".rdf")
	}
	// The free table publishes what ISTAT's workbook stores, not what its
	// cells display: Albavilla's area is stored as 10.3792 and shown as
	// 10.38, its population stored as 6360 and shown as 6,360.
	free := "datasets/classificazioni-comuni-como/classificazioni-comuni-como"
	if csv := read(free + ".csv"); !strings.Contains(csv, "\n03,013003,13003,Albavilla,,10.3792,6360,6337,1,429,") {
		t.Errorf("the free table's CSV does not carry the stored values:\n%.400s", csv)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(read(free+".json")), &rows); err != nil || len(rows) != 148 {
		t.Fatalf("the free table's JSON: %d rows, %v", len(rows), err)
	}
	if a, p := rows[0]["superficie_territoriale_kmq_al_01_01_2023"], rows[0]["popolazione_legale_2021_31_12_2021"]; a != 10.3792 || p != 6360.0 || rows[0]["codice_istat_del_comune_alfanumerico"] != "013003" {
		t.Errorf("the free table's JSON: area %#v, population %#v, code %#v", a, p, rows[0]["codice_istat_del_comune_alfanumerico"])
	}
	if page := read("datasets/classificazioni-comuni-como/index.html"); !strings.Contains(page, "10,3792") {
		t.Error("the free table's preview does not show 10,3792 the Italian way")
	}

	// The demo's contracts were published before their award: ANAC's file
	// says 0, and the overview says why its totals are 0.
	if page := read("contratti/index.html"); !strings.Contains(page, "15 lotti su 15 non hanno ancora un aggiudicatario") {
		t.Error("the contracts overview does not explain its totals of 0")
	}

	// A page per comune of the registry: 147 in the Province of Como.
	comuni, _ := filepath.Glob(filepath.Join(out, "comuni", "0*", "index.html"))
	if len(comuni) != 147 {
		t.Errorf("%d comune pages, want 147", len(comuni))
	}
	if p := read("comuni/013256/index.html"); !strings.Contains(p, "Uggiate con Ronago") {
		t.Error("the newest comune (Uggiate con Ronago, 013256) has no page")
	}
	for _, p := range []string{"index.html", "en/index.html", "datasets/index.html", "progetti/index.html", "qualita/index.html", "catalog.rdf", "catalog.ttl", "catalog.jsonld", "datapackage.json", "sitemap.xml", "robots.txt", "404.html", "feed.xml"} {
		read(p)
	}

	// Every link and resource inside the portal resolves.
	ref := regexp.MustCompile(`(?:href|src)="?(/[^"\s>#?]*)`)
	broken := map[string]string{}
	pages := 0
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		pages++
		b, _ := os.ReadFile(p)
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			target := filepath.Join(out, filepath.FromSlash(path.Clean(m[1])))
			if strings.HasSuffix(m[1], "/") {
				target = filepath.Join(target, "index.html")
			}
			if _, err := os.Stat(target); err != nil {
				rel, _ := filepath.Rel(out, p)
				broken[m[1]] = rel
			}
		}
		return nil
	})
	if pages < 400 {
		t.Errorf("only %d pages", pages)
	}
	for link, page := range broken {
		t.Errorf("%s links %s, which does not exist", page, link)
	}
	demoProgress(t, read)
}

// demoProgress checks the pages of project progress on the real PA
// digitale 2026 rows: the national files filtered for Como, the states
// mapped, Ronago's "N/D" row placed in Uggiate con Ronago, the maps.
func demoProgress(t *testing.T, read func(string) string) {
	t.Helper()
	for _, tt := range []struct {
		page string
		want []string
	}{
		// 121 of the 7,707 rows of the national file are Como's.
		{"datasets/padigitale-comuni-145-como/index.html", []string{"Righe tenute", "121 delle 7.707 righe del file candidature_finanziate_145.csv", "cod_provincia = «013»"}},
		{"datasets/padigitale-comuni-131-como/index.html", []string{"200 delle 11.856 righe"}},
		// Ronago's grant, withdrawn: its comune code reads "N/D".
		{"progetti/j81f22003870006/index.html", []string{"Comune di Ronago", `href="/comuni/013256/"`, "Uggiate con Ronago",
			"Revocato o rinunciato", "19 aprile 2024", "Finanziamento assegnato", "3 gennaio 2023", `role="img"`, "Cronologia del progetto"}},
		{"en/progetti/j81f22003870006/index.html", []string{"Withdrawn", "19 April 2024", "Project timeline", "today"}},
		// Paid out: paid equals funded.
		{"progetti/h51f22002960006/index.html", []string{"Finanziamento erogato", "13 agosto 2025", "32.589,00 € / 32.589,00 €", "100 %"}},
		// The Province's own grant is the Province's, not Como's.
		{"progetti/g19b25000060006/index.html", []string{"Provincia di Como", "931.712,00"}},
		{"comuni/013256/index.html", []string{`class="geo-map"`, "Dove si trova Uggiate con Ronago", "Progetti per stato di attuazione", "Revocato o rinunciato", "Finanziamento erogato"}},
		{"progetti/index.html", []string{`aria-labelledby="funding-map-t"`, "funding-map-table", "€ per abitante", "nessun progetto",
			"Filtra i progetti", `href="/progetti/filtri/stato-erogato/"`, "Senza fonte indicata", "Provincia di Como"}},
		{"progetti/filtri/stato-revocato/index.html", []string{"Stato: Revocato o rinunciato", "Tutti i progetti"}},
		{"index.html", []string{"Progetti per stato di attuazione", "Finanziamento assegnato", "Finanziamento erogato", "Revocato o rinunciato"}},
		{"en/index.html", []string{"Projects by status", "Funding paid out", "Withdrawn"}},
	} {
		page := read(tt.page)
		for _, w := range tt.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: missing %q", tt.page, w)
			}
		}
	}
	// Nothing left without a comune: the quality page reports no row.
	if q := read("qualita/index.html"); strings.Contains(q, "non è attribuito a nessun comune") {
		t.Error("a row's comune could not be placed")
	}
}

// TestRefusalExitCode: a refused file makes the exit code 3 unless its
// dataset is marked `example: true`, as the demo's planted refusal is.
func TestRefusalExitCode(t *testing.T) {
	for _, tt := range []struct {
		name    string
		example bool
		code    int
		want    string
	}{
		{"example", true, exitOK, "1 refused (1 expected: example data)"},
		{"real", false, exitRejected, "1 refused;"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cat := filepath.Join(dir, "catalog")
			for _, p := range []string{"portal.yaml", "comuni.yaml", "data/comuni-como.csv", "pnrr-olgiate-comasco.yaml", "data/pnrr-olgiate-comasco.xlsx"} {
				b, err := fs.ReadFile(datasets.FS, p)
				if err != nil {
					t.Fatal(err)
				}
				if p == "pnrr-olgiate-comasco.yaml" && !tt.example {
					b = []byte(strings.Replace(string(b), "example: true\n", "", 1))
				}
				if err := os.MkdirAll(filepath.Join(cat, "data"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(cat, filepath.FromSlash(p)), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			code, out, errs := runMain(t, "build", "--catalog", cat, "--out", filepath.Join(dir, "public"), "--state", filepath.Join(dir, "state"))
			if code != tt.code || !strings.Contains(out, tt.want) || !strings.Contains(out, "pnrr-olgiate-comasco") {
				t.Errorf("exit %d, want %d; summary does not say %q:\n%s%s", code, tt.code, tt.want, out, errs)
			}
		})
	}
}
