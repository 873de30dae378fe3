package ocds

// methods maps ANAC's sceltaContraente codes (v1.3 list, which the reader
// maps every version to) to the OCDS method codelist: open (anyone may
// bid), selective (anyone may ask, the body picks who bids), limited (the
// body invites whom it chooses), direct (one supplier named). Codes
// missing here say nothing about who could bid.
var methods = map[string]string{
	"01": "open",      // procedura aperta
	"02": "selective", // procedura ristretta
	"03": "selective", // negoziata previa pubblicazione: a notice, then the body picks
	"04": "limited",   // negoziata senza previa pubblicazione
	"05": "selective", // dialogo competitivo
	"06": "limited",   // negoziata senza previa indizione (settori speciali)
	"07": "selective", // sistema dinamico di acquisizione: admission, then bids
	"08": "limited",   // cottimo fiduciario: invited operators
	"14": "selective", // procedura selettiva ex art 238 c.7
	"17": "direct",    // affidamento diretto ex art. 5 L. 381/91
	"21": "selective", // ristretta derivante da avvisi
	"22": "selective", // negoziata con previa indizione (settori speciali)
	"23": "direct",    // affidamento diretto
	"24": "direct",    // in house
	"25": "direct",    // a società raggruppate/consorziate o controllate
	"26": "direct",    // in adesione ad accordo quadro/convenzione
	"27": "limited",   // confronto competitivo tra le parti di un accordo quadro
	"29": "selective", // ristretta semplificata
	"31": "direct",    // per variante superiore al 20%
	"33": "limited",   // negoziata sotto soglia
	"34": "direct",    // opere di urbanizzazione a scomputo: the permit holder
	"35": "selective", // partenariato per l'innovazione
	"36": "direct",    // lavori, servizi o forniture supplementari
	"37": "selective", // competitiva con negoziazione
	"39": "direct",    // modifiche contrattuali o varianti
}

// method returns the OCDS method of a procedure as the reader wrote it
// ("04-PROCEDURA ..."), "" when unknown.
func method(procedure string) string {
	if len(procedure) < 3 || procedure[2] != '-' {
		return ""
	}
	return methods[procedure[:2]]
}
