package site

import (
	"fmt"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
	"github.com/provincia-como/opendata/pipeline/config"
)

// Labels for the codes the catalog uses, in both languages. Unknown codes
// are shown as they are.

var themes = map[string]catalog.Text{
	"AGRI":      {It: "Agricoltura, pesca, silvicoltura e prodotti alimentari", En: "Agriculture, fisheries, forestry and food"},
	"ECON":      {It: "Economia e finanze", En: "Economy and finance"},
	"EDUC":      {It: "Istruzione, cultura e sport", En: "Education, culture and sport"},
	"ENER":      {It: "Energia", En: "Energy"},
	"ENVI":      {It: "Ambiente", En: "Environment"},
	"GOVE":      {It: "Governo e settore pubblico", En: "Government and public sector"},
	"HEAL":      {It: "Salute", En: "Health"},
	"INTR":      {It: "Tematiche internazionali", En: "International issues"},
	"JUST":      {It: "Giustizia, sistema giuridico e sicurezza pubblica", En: "Justice, legal system and public safety"},
	"REGI":      {It: "Regioni e città", En: "Regions and cities"},
	"SOCI":      {It: "Popolazione e società", En: "Population and society"},
	"TECH":      {It: "Scienza e tecnologia", En: "Science and technology"},
	"TRAN":      {It: "Trasporti", En: "Transport"},
	"OP_DATPRO": {It: "Dati provvisori", En: "Provisional data"},
}

var frequencies = map[string]catalog.Text{
	"DAILY":       {It: "Giornaliera", En: "Daily"},
	"WEEKLY":      {It: "Settimanale", En: "Weekly"},
	"MONTHLY":     {It: "Mensile", En: "Monthly"},
	"QUARTERLY":   {It: "Trimestrale", En: "Quarterly"},
	"ANNUAL":      {It: "Annuale", En: "Annual"},
	"ANNUAL_2":    {It: "Semestrale", En: "Semiannual"},
	"BIENNIAL":    {It: "Biennale", En: "Biennial"},
	"IRREG":       {It: "Irregolare", En: "Irregular"},
	"CONT":        {It: "Continua", En: "Continuous"},
	"NEVER":       {It: "Mai (dati storici)", En: "Never (historical data)"},
	"UNKNOWN":     {It: "Sconosciuta", En: "Unknown"},
	"OTHER":       {It: "Altra", En: "Other"},
	"AS_NEEDED":   {It: "Quando necessario", En: "As needed"},
	"UPDATE_CONT": {It: "Continua", En: "Continuous"},
}

var licenses = map[string]catalog.Text{
	"CC-BY-4.0":    {It: "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)", En: "Creative Commons Attribution 4.0 International (CC BY 4.0)"},
	"CC0-1.0":      {It: "Creative Commons CC0 1.0 Universale (pubblico dominio)", En: "Creative Commons CC0 1.0 Universal (public domain)"},
	"CC-BY-SA-4.0": {It: "Creative Commons Attribuzione - Condividi allo stesso modo 4.0 (CC BY-SA 4.0)", En: "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)"},
	"IODL-2.0":     {It: "Italian Open Data License 2.0 (IODL 2.0)", En: "Italian Open Data License 2.0 (IODL 2.0)"},
	"ODbL-1.0":     {It: "Open Data Commons Open Database License (ODbL 1.0)", En: "Open Data Commons Open Database License (ODbL 1.0)"},
}

var statuses = map[catalog.Status]catalog.Text{
	catalog.Accepted: {It: "Aggiornato", En: "Up to date"},
	catalog.Refused:  {It: "Ultimo file rifiutato", En: "Latest file refused"},
	catalog.Stale:    {It: "Fonte non raggiungibile", En: "Source unreachable"},
	catalog.Missing:  {It: "Nessuna versione pubblicata", En: "No published version"},
}

var formats = map[string]catalog.Text{
	"csv":         {It: "CSV (testo separato da virgole)", En: "CSV (comma-separated text)"},
	"json":        {It: "JSON", En: "JSON"},
	"xlsx":        {It: "Excel (XLSX)", En: "Excel (XLSX)"},
	"schema":      {It: "Schema JSON dei dati", En: "JSON Schema of the data"},
	"report":      {It: "Rapporto di validazione", En: "Validation report"},
	"datapackage": {It: "Frictionless Data Package", En: "Frictionless Data Package"},
	"ocds":        {It: "Open Contracting (OCDS 1.1), JSON", En: "Open Contracting (OCDS 1.1), JSON"},
	"anac":        {It: "File XML per ANAC (L. 190/2012)", En: "XML file for ANAC (Law 190/2012)"},
	"modello":     {It: "Modello Excel da compilare", En: "Excel template to fill in"},
}

var formatShort = map[string]string{
	"csv": "CSV", "json": "JSON", "xlsx": "XLSX", "schema": "Schema",
	"report": "Report", "datapackage": "Data Package", "ocds": "OCDS",
	"anac": "ANAC XML", "modello": "Modello",
}

var fieldTypes = map[catalog.FieldType]catalog.Text{
	catalog.TypeString:   {It: "testo", En: "text"},
	catalog.TypeInteger:  {It: "numero intero", En: "whole number"},
	catalog.TypeNumber:   {It: "numero", En: "number"},
	catalog.TypeBoolean:  {It: "sì/no", En: "yes/no"},
	catalog.TypeDate:     {It: "data (AAAA-MM-GG)", En: "date (YYYY-MM-DD)"},
	catalog.TypeDatetime: {It: "data e ora (AAAA-MM-GGThh:mm:ss)", En: "date and time (YYYY-MM-DDThh:mm:ss)"},
}

var severities = map[catalog.Severity]catalog.Text{
	catalog.Error:   {It: "Errore", En: "Error"},
	catalog.Warning: {It: "Avviso", En: "Warning"},
}

// fundingSources are the funding fields of the "progetti" schema, in the
// order the portal shows them.
var fundingSources = []struct {
	Field string
	Label catalog.Text
}{
	{"finanziamento_ue", catalog.Text{It: "Unione europea", En: "European Union"}},
	{"finanziamento_pnrr", catalog.Text{It: "PNRR", En: "NRRP (PNRR)"}},
	{"finanziamento_pnc", catalog.Text{It: "Piano nazionale complementare", En: "National complementary plan"}},
	{"finanziamento_stato", catalog.Text{It: "Stato", En: "State"}},
	{"finanziamento_regione", catalog.Text{It: "Regione", En: "Region"}},
	{"finanziamento_provincia", catalog.Text{It: "Provincia", En: "Province"}},
	{"finanziamento_comune", catalog.Text{It: "Comune", En: "Municipality"}},
	{"finanziamento_altro_pubblico", catalog.Text{It: "Altri fondi pubblici", En: "Other public funds"}},
	{"finanziamento_privato", catalog.Text{It: "Privati", En: "Private"}},
	{"finanziamento_da_reperire", catalog.Text{It: "Da reperire", En: "Still to be found"}},
}

var projectDates = []struct {
	Planned, Actual string
	Label           catalog.Text
}{
	{"data_inizio_prevista", "data_inizio_effettiva", catalog.Text{It: "Inizio", En: "Start"}},
	{"data_fine_prevista", "data_fine_effettiva", catalog.Text{It: "Fine", En: "End"}},
}

// label returns the text for code in lang, or the code itself.
func label[K comparable](m map[K]catalog.Text, code K, lang string) string {
	if t, ok := m[code]; ok {
		return t.In(lang)
	}
	return fmt.Sprint(code)
}

// licenseDeeds are the pages that explain each licence to a person; the
// vocabulary's URI (config.License) is for machines.
var licenseDeeds = map[string]string{
	"CC-BY-4.0":    "https://creativecommons.org/licenses/by/4.0/deed.",
	"CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/deed.",
	"CC0-1.0":      "https://creativecommons.org/publicdomain/zero/1.0/deed.",
	"CC-BY-3.0-IT": "https://creativecommons.org/licenses/by/3.0/it/deed.",
	"ODbL-1.0":     "https://opendatacommons.org/licenses/odbl/1-0/",
	"IODL-2.0":     "https://www.dati.gov.it/iodl/2.0/",
}

// licenseURL is the page a reader follows to learn what a licence allows.
func licenseURL(id, lang string) string {
	if u, ok := licenseDeeds[id]; ok {
		if strings.HasSuffix(u, "deed.") {
			u += lang
		}
		return u
	}
	uri, _, _ := config.License(id)
	return uri
}
