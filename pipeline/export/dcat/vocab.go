package dcat

import "github.com/provincia-como/opendata/pipeline/catalog"

// licence is what the catalog says of a licence document, taken from
// AgID's licence vocabulary
// (https://w3id.org/italia/controlled-vocabulary/licences); the tests
// check every entry against a copy of the vocabulary.
type licence struct {
	// typ is the ADMS licence type (http://purl.org/adms/licencetype/...)
	// for dct:type, as DCAT-AP_IT asks: the skos:exactMatch of the AgID
	// concept one level up (A2_Attribution is ADMS Attribution).
	typ     string
	version string
	// doc is the text of the licence (dcatapit:referenceDoc).
	doc  string
	name catalog.Text
}

const licenceType = "http://purl.org/adms/licencetype/"

// licences maps the AgID IRI of each licence config.License knows to its
// description.
func licences() map[string]licence {
	const base = "https://w3id.org/italia/controlled-vocabulary/licences/"
	return map[string]licence{
		base + "A21_CCBY40": {licenceType + "Attribution", "4.0", "https://creativecommons.org/licenses/by/4.0/",
			catalog.Text{It: "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)", En: "Creative Commons Attribution 4.0 International (CC BY 4.0)"}},
		base + "A11_CCO10": {licenceType + "PublicDomain", "1.0", "https://creativecommons.org/publicdomain/zero/1.0/",
			catalog.Text{It: "Creative Commons CC0 1.0 Universale - Public Domain Dedication (CC0 1.0)", En: "Creative Commons CC0 1.0 Universal - Public Domain Dedication (CC0 1.0)"}},
		base + "A29_IODL20": {licenceType + "Attribution", "2.0", "https://www.dati.gov.it/content/italian-open-data-license-v20",
			catalog.Text{It: "Italian Open Data License 2.0 (IODL 2.0)", En: "Italian Open Data License 2.0 (IODL 2.0)"}},
		base + "A31_CCBYSA40": {licenceType + "ViralEffect-ShareAlike", "4.0", "https://creativecommons.org/licenses/by-sa/4.0/",
			catalog.Text{It: "Creative Commons Attribuzione-Condividi allo stesso modo 4.0 Internazionale (CC BY-SA 4.0)", En: "Creative Commons Attributon–ShareAlike 4.0 International (CC BY-SA 4.0)"}},
		base + "A23_CCBY30IT": {licenceType + "Attribution", "3.0 Italia", "https://creativecommons.org/licenses/by/3.0/it/",
			catalog.Text{It: "Creative Commons Attribuzione Italia 3.0 (CC BY 3.0 IT)", En: "Creative Commons Attribution Italy 3.0 (CC BY 3.0 IT)"}},
		base + "A310_ODBL": {licenceType + "ViralEffect-ShareAlike", "1.0", "https://opendatacommons.org/licenses/odbl/summary/",
			catalog.Text{It: "Open Data Commons Open Database License 1.0 (ODbL)", En: "Open Data Commons Open Database License 1.0 (ODbL)"}},
	}
}

// licenceTypeLabel names the ADMS licence types, with the labels AgID
// gives the concepts that match them.
func licenceTypeLabel(typ string) catalog.Text {
	switch typ {
	case licenceType + "PublicDomain":
		return catalog.Text{It: "Pubblico Dominio", En: "Public Domain"}
	case licenceType + "Attribution":
		return catalog.Text{It: "Attribuzione", En: "Attribution"}
	case licenceType + "ViralEffect-ShareAlike":
		return catalog.Text{It: "Effetto Virale (aka Condivisione allo stesso modo)", En: "Viral Effect (aka Share-Alike)"}
	}
	return catalog.Text{}
}

// themeLabel names the themes of the EU data-theme vocabulary, so that the
// catalog describes each dcat:theme as the skos:Concept DCAT-AP_IT wants
// (a concept has a skos:prefLabel).
func themeLabel(code string) catalog.Text {
	switch code {
	case "AGRI":
		return catalog.Text{It: "Agricoltura, pesca, silvicoltura e prodotti alimentari", En: "Agriculture, fisheries, forestry and food"}
	case "ECON":
		return catalog.Text{It: "Economia e finanze", En: "Economy and finance"}
	case "EDUC":
		return catalog.Text{It: "Istruzione, cultura e sport", En: "Education, culture and sport"}
	case "ENER":
		return catalog.Text{It: "Energia", En: "Energy"}
	case "ENVI":
		return catalog.Text{It: "Ambiente", En: "Environment"}
	case "GOVE":
		return catalog.Text{It: "Governo e settore pubblico", En: "Government and public sector"}
	case "HEAL":
		return catalog.Text{It: "Salute", En: "Health"}
	case "INTR":
		return catalog.Text{It: "Tematiche internazionali", En: "International issues"}
	case "JUST":
		return catalog.Text{It: "Giustizia, sistema giuridico e sicurezza pubblica", En: "Justice, legal system and public safety"}
	case "REGI":
		return catalog.Text{It: "Regioni e città", En: "Regions and cities"}
	case "SOCI":
		return catalog.Text{It: "Popolazione e società", En: "Population and society"}
	case "TECH":
		return catalog.Text{It: "Scienza e tecnologia", En: "Science and technology"}
	case "TRAN":
		return catalog.Text{It: "Trasporti", En: "Transport"}
	}
	return catalog.Text{}
}
