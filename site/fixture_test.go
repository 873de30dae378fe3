package site

import (
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// fixture is a small build: a registry of 3 comuni, a projects dataset with
// 2 projects, a refused projects file and an open table.
func fixture() *catalog.Build {
	day := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	str := func(s string) catalog.Cell { return catalog.Cell{Raw: s, Value: s} }
	num := func(raw string, v float64) catalog.Cell { return catalog.Cell{Raw: raw, Value: v} }
	cols := func(fields ...string) []catalog.Column {
		out := make([]catalog.Column, len(fields))
		for i, f := range fields {
			out[i] = catalog.Column{Header: f, Field: f, Index: i + 1}
		}
		return out
	}
	dls := func(id, version string) []catalog.Download {
		var out []catalog.Download
		for _, f := range []struct{ format, ext, media string }{
			{"csv", "csv", "text/csv"}, {"json", "json", "application/json"},
			{"xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
			{"schema", "schema.json", "application/schema+json"},
		} {
			out = append(out, catalog.Download{Format: f.format, Path: "datasets/" + id + "/" + id + "." + f.ext, Size: 1536, MediaType: f.media})
		}
		out = append(out, catalog.Download{Format: "csv", Path: "datasets/" + id + "/" + version + "/" + id + ".csv", Size: 1400, MediaType: "text/csv", Version: version})
		return out
	}

	comuniV := catalog.Version{ID: "c0ffee1234567890abcdef", Checksum: "sha256:aa11bb22cc33dd44ee55", Accepted: day("2026-11-20T09:30:00Z"), Rows: 3, SourceRef: "comuni.csv"}
	progettiV1 := catalog.Version{ID: "b0b0b0b0b0b0b0b0b0b0", Checksum: "sha256:1111222233334444", Accepted: day("2026-10-02T10:00:00Z"), Rows: 1}
	progettiV2 := catalog.Version{ID: "babe1234babe1234babe", Checksum: "sha256:5555666677778888", Accepted: day("2026-11-25T16:45:00Z"), Rows: 2}
	parcheggiV := catalog.Version{ID: "d00dfeedd00dfeedd00d", Checksum: "sha256:9999aaaabbbbcccc", Accepted: day("2026-11-10T08:00:00Z"), Rows: 2}

	progettiFields := []string{"codice_progetto", "cup", "titolo", "descrizione", "programma", "misura", "ente_titolare",
		"soggetto_attuatore", "codice_comune", "comuni_coinvolti", "finanziamento_ue", "finanziamento_pnrr",
		"finanziamento_comune", "finanziamento_regione", "finanziamento_totale", "stato", "avanzamento_percentuale",
		"data_inizio_prevista", "data_inizio_effettiva", "data_fine_prevista", "data_fine_effettiva"}
	money := func(v float64, raw string) catalog.Cell { return num(raw, v) }
	none := catalog.Cell{}

	return &catalog.Build{
		Portal: catalog.Portal{
			Title:       catalog.Text{It: "Dati aperti della Provincia di Como", En: "Open data of the Province of Como"},
			Description: catalog.Text{It: "I dati pubblicati dai comuni della provincia.", En: "Data published by the municipalities of the province."},
			Publisher: catalog.Publisher{
				Name: catalog.Text{It: "Provincia di Como", En: "Province of Como"}, IPA: "p_co", ISTAT: "013",
				Email: "opendata@provincia.como.it", Homepage: "https://www.provincia.como.it/",
			},
			BaseURL:   "https://dati.provincia.como.it/",
			Languages: []string{"it", "en"},
			License:   "CC-BY-4.0",
		},
		Generated: day("2026-11-26T07:00:00Z"),
		Schemas: map[string]*catalog.Schema{
			"comuni": {Name: "comuni", Title: catalog.Text{It: "Anagrafe dei comuni", En: "Registry of municipalities"}, Fields: []catalog.Field{
				{Name: "codice_istat", Type: catalog.TypeString, Code: true, Required: true, Title: catalog.Text{It: "Codice ISTAT", En: "ISTAT code"}, Description: catalog.Text{It: "Sei cifre.", En: "Six digits."}},
				{Name: "denominazione", Type: catalog.TypeString, Required: true, Title: catalog.Text{It: "Denominazione", En: "Name"}},
				{Name: "sigla_provincia", Type: catalog.TypeString, Title: catalog.Text{It: "Sigla provincia", En: "Province"}},
				{Name: "popolazione", Type: catalog.TypeInteger, Title: catalog.Text{It: "Popolazione", En: "Population"}},
				{Name: "superficie_kmq", Type: catalog.TypeNumber, Unit: "km²", Title: catalog.Text{It: "Superficie", En: "Area"}},
			}},
			"progetti": {Name: "progetti", Title: catalog.Text{It: "Progetti finanziati", En: "Funded projects"}, Fields: []catalog.Field{
				{Name: "codice_progetto", Type: catalog.TypeString, Code: true, Required: true, Title: catalog.Text{It: "Codice progetto", En: "Project code"}},
				{Name: "cup", Type: catalog.TypeString, Code: true, Title: catalog.Text{It: "CUP", En: "CUP"}, Description: catalog.Text{It: "Codice unico di progetto, 15 caratteri.", En: "Unique project code, 15 characters."}},
				{Name: "titolo", Type: catalog.TypeString, Required: true, Title: catalog.Text{It: "Titolo", En: "Title"}},
				{Name: "finanziamento_pnrr", Type: catalog.TypeNumber, Unit: "EUR", Title: catalog.Text{It: "Finanziamento PNRR", En: "NRRP funding"}},
				{Name: "finanziamento_totale", Type: catalog.TypeNumber, Unit: "EUR", Required: true, Title: catalog.Text{It: "Finanziamento totale", En: "Total funding"}},
				{Name: "data_inizio_prevista", Type: catalog.TypeDate, Title: catalog.Text{It: "Inizio previsto", En: "Planned start"}},
			}},
			"tabella": {Name: "tabella", Title: catalog.Text{It: "Tabella generica", En: "Generic table"}, Open: true},
		},
		Datasets: []catalog.DatasetState{
			{
				Dataset: catalog.Dataset{ID: "comuni", Title: catalog.Text{It: "Comuni della provincia", En: "Municipalities of the province"},
					Description: catalog.Text{It: "Anagrafe dei comuni con codice ISTAT e popolazione.", En: "Registry of municipalities with ISTAT code and population."},
					Publisher:   "013", Theme: "GOVE", Frequency: "ANNUAL", Schema: "comuni", Keywords: []string{"comuni", "ISTAT"}},
				Status: catalog.Accepted, Current: &comuniV, History: []catalog.Version{comuniV},
				Latest: &catalog.Attempt{At: comuniV.Accepted, Status: catalog.Accepted},
				Table: &catalog.Table{File: "comuni.csv", HeaderRow: 1,
					Columns: cols("codice_istat", "denominazione", "sigla_provincia", "popolazione", "superficie_kmq"),
					Rows: []catalog.Row{
						{Line: 2, Cells: []catalog.Cell{str("013075"), str("Como"), str("CO"), num("83320", 83320), num("37,12", 37.12)}},
						{Line: 3, Cells: []catalog.Cell{str("013041"), str("Cantù"), str("CO"), num("39813", 39813), num("23,18", 23.18)}},
						{Line: 4, Cells: []catalog.Cell{str("013095"), str("Erba"), str("CO"), num("16430", 16430), num("17,77", 17.77)}},
					}},
				Downloads: dls("comuni", "c0ffee123456"),
			},
			{
				Dataset: catalog.Dataset{ID: "progetti-como", Title: catalog.Text{It: "Progetti finanziati del Comune di Como", En: "Funded projects of Como"},
					Description: catalog.Text{It: "Progetti PNRR e relativi finanziamenti.", En: "NRRP projects and their funding."},
					Publisher:   "013075", Theme: "ECON", Frequency: "MONTHLY", Schema: "progetti", Keywords: []string{"PNRR", "progetti"}},
				Status: catalog.Accepted, Current: &progettiV2, History: []catalog.Version{progettiV2, progettiV1},
				Latest: &catalog.Attempt{At: progettiV2.Accepted, Status: catalog.Accepted},
				Table: &catalog.Table{File: "progetti.xlsx", Sheet: "Foglio1", HeaderRow: 1, Columns: cols(progettiFields...),
					Rows: []catalog.Row{
						{Line: 2, Cells: []catalog.Cell{str("M5C2I2.1-2022-001"), str("H17H21000050006"), str("Riqualificazione della biblioteca comunale"),
							str("Lavori di efficientamento e accessibilità."), str("PNRR"), str("M5C2 I2.1"), str("Comune di Como"), str("Comune di Como"),
							str("013075"), str("013075;013041"), none, money(1234567.89, "1.234.567,89"), money(250000, "250.000"), none,
							money(1484567.89, "1.484.567,89"), str("In corso"), num("45", 45),
							str("2023-03-01"), str("2023-04-15"), str("2026-06-30"), none}},
						{Line: 3, Cells: []catalog.Cell{str("M1C1I1.4-2023-017"), str("H11F22000340006"), str("Digitalizzazione dei servizi al cittadino"),
							str("Nuovi servizi online."), str("PNRR"), str("M1C1 I1.4"), str("Comune di Como"), str("Comune di Como"),
							str("013041"), none, none, money(80000, "80.000"), none, money(20000, "20.000"),
							money(100000, "100.000"), str("Concluso"), num("100", 100),
							str("2023-01-10"), str("2023-01-10"), str("2024-12-31"), str("2025-02-28")}},
					}},
				Downloads: dls("progetti-como", "babe1234babe"),
			},
			{
				Dataset: catalog.Dataset{ID: "progetti-erba", Title: catalog.Text{It: "Progetti finanziati del Comune di Erba", En: "Funded projects of Erba"},
					Description: catalog.Text{It: "Progetti e finanziamenti del comune.", En: "Projects and funding of the municipality."},
					Publisher:   "013095", Theme: "ECON", Frequency: "QUARTERLY", Schema: "progetti"},
				Status: catalog.Refused,
				Latest: &catalog.Attempt{At: day("2026-11-24T11:15:00Z"), Checksum: "sha256:ffff", Status: catalog.Refused,
					Reason: catalog.Text{It: "Il CUP nella cella C14 non è valido.", En: "The CUP in cell C14 is not valid."},
					Issues: []catalog.Issue{
						{Ref: catalog.Ref{File: "progetti-erba.xlsx", Sheet: "Foglio1", Row: 14, Col: 3}, Severity: catalog.Error, Rule: "cup", Field: "cup", Value: "H17H2100005",
							Message: catalog.Text{It: "Il CUP deve avere 15 caratteri: controllate il codice.", En: "The CUP must be 15 characters long: check the code."}},
						{Ref: catalog.Ref{File: "progetti-erba.xlsx", Sheet: "Foglio1", Row: 15, Col: 21}, Severity: catalog.Error, Rule: "total", Field: "finanziamento_totale", Value: "1.000",
							Message: catalog.Text{It: "Il totale non è la somma delle fonti di finanziamento.", En: "The total is not the sum of the funding sources."}},
					}},
			},
			{
				Dataset: catalog.Dataset{ID: "parcheggi-cantu", Title: catalog.Text{It: "Parcheggi pubblici di Cantù", En: "Public car parks in Cantù"},
					Description: catalog.Text{It: "Parcheggi, posti e tariffe.", En: "Car parks, spaces and fees."},
					Publisher:   "013041", Theme: "TRAN", Frequency: "IRREG", Schema: "tabella", License: "CC0-1.0", Example: true},
				Status: catalog.Accepted, Current: &parcheggiV, History: []catalog.Version{parcheggiV},
				Latest: &catalog.Attempt{At: parcheggiV.Accepted, Status: catalog.Accepted},
				Table: &catalog.Table{File: "parcheggi.csv", HeaderRow: 1,
					// "Posti" as stored before free tables carried types; the
					// other columns typed as ingest infers them.
					Columns: []catalog.Column{{Header: "Nome", Field: "nome", Index: 1}, {Header: "Posti", Field: "posti", Index: 2},
						{Header: "Superficie (mq)", Field: "superficie_mq", Index: 3, Type: catalog.TypeNumber},
						{Header: "Costo lavori", Field: "costo_lavori", Index: 4, Type: catalog.TypeNumber},
						{Header: "Anno", Field: "anno", Index: 5, Type: catalog.TypeInteger},
						{Header: "Posti disabili", Field: "posti_disabili", Index: 6, Type: catalog.TypeInteger},
						{Header: "Aperto dal", Field: "aperto_dal", Index: 7, Type: catalog.TypeDate},
						{Header: "Rilevato", Field: "rilevato", Index: 8, Type: catalog.TypeDatetime},
						{Header: "Coperto", Field: "coperto", Index: 9, Type: catalog.TypeBoolean},
						{Header: "Codice", Field: "codice", Index: 10, Type: catalog.TypeString},
					},
					Rows: []catalog.Row{
						{Line: 2, Cells: []catalog.Cell{str("Piazza Garibaldi"), str("120"), num("13,1462", 13.1462), num("158.913,91", 158913.91), num("2024", 2024),
							num("1.234", 1234), str("2024-12-31"), str("2024-12-31T14:30:00Z"), {Raw: "sì", Value: true}, str("000123")}},
						{Line: 3, Cells: []catalog.Cell{str("Via Milano"), str("45"), num("2.500", 2500), num("1.234,5", 1234.5), num("2019", 2019),
							num("3", 3), str("2019-03-01"), str("2019-03-01T08:15:05"), {Raw: "no", Value: false}, str("012")}},
					}},
				Downloads: dls("parcheggi-cantu", "d00dfeedd00d"),
			},
		},
	}
}
