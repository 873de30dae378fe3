package config

// The controlled vocabularies a catalog may use. They are functions rather
// than package variables so that nobody can change them at run time.

// License returns the AgID licence-vocabulary URI and the English name of a
// licence identifier ("CC-BY-4.0"), for the DCAT-AP_IT catalog and the
// portal pages. The URIs are those of
// https://w3id.org/italia/controlled-vocabulary/licences (the AgID
// vocabulary spells CC0 as "CCO" in its URI, and so do we).
func License(id string) (uri, name string, ok bool) {
	const base = "https://w3id.org/italia/controlled-vocabulary/licences/"
	switch id {
	case "CC-BY-4.0":
		return base + "A21_CCBY40", "Creative Commons Attribution 4.0 International (CC BY 4.0)", true
	case "CC0-1.0":
		return base + "A11_CCO10", "Creative Commons CC0 1.0 Universal - Public Domain Dedication (CC0 1.0)", true
	case "IODL-2.0":
		return base + "A29_IODL20", "Italian Open Data License 2.0 (IODL 2.0)", true
	case "CC-BY-SA-4.0":
		return base + "A31_CCBYSA40", "Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0)", true
	case "CC-BY-3.0-IT":
		return base + "A23_CCBY30IT", "Creative Commons Attribuzione Italia 3.0 (CC BY 3.0 IT)", true
	case "ODbL-1.0":
		return base + "A310_ODBL", "Open Data Commons Open Database License 1.0 (ODbL)", true
	}
	return "", "", false
}

// Licenses lists the licence identifiers License knows, for messages and
// documentation.
func Licenses() []string {
	return []string{"CC-BY-4.0", "CC0-1.0", "IODL-2.0", "CC-BY-SA-4.0", "CC-BY-3.0-IT", "ODbL-1.0"}
}

// Themes lists the 13 codes of the EU data-theme vocabulary
// (http://publications.europa.eu/resource/authority/data-theme), which
// DCAT-AP_IT uses for dcat:theme.
func Themes() []string {
	return []string{"AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH", "TRAN"}
}

// Frequencies lists the codes of the EU frequency vocabulary
// (http://publications.europa.eu/resource/authority/frequency) a dataset
// may declare.
func Frequencies() []string {
	return []string{
		"ANNUAL", "ANNUAL_2", "ANNUAL_3", "BIENNIAL", "BIMONTHLY", "BIWEEKLY",
		"CONT", "DAILY", "IRREG", "MONTHLY", "QUARTERLY", "TRIENNIAL",
		"UNKNOWN", "WEEKLY", "NEVER", "UPDATE_CONT", "OTHER",
	}
}

// Schemas lists the schema names a dataset may declare. The schemas
// themselves live in the schemas package; the list is repeated here so that
// a typing error in a catalog file is caught with its line.
func Schemas() []string {
	return []string{"comuni", "progetti", "padigitale", "tabella", "l190"}
}
