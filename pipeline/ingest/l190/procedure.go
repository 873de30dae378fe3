package l190

import (
	"strings"
	"unicode"
)

// Match says how a procedure or a role was recognised.
type Match string

const (
	// Exact: the text is the current wording, character for character.
	Exact Match = "exact"
	// Variant: the code and wording of an older schema version, or the
	// current one with other case, spacing or punctuation.
	Variant Match = "variant"
	// CodeOnly: a known code with a wording of no version; read by code.
	CodeOnly Match = "code"
	// WordingOnly: a known wording without its code, or with a wrong one;
	// read by wording.
	WordingOnly Match = "wording"
	// Unknown: neither code nor wording is in any version's list.
	Unknown Match = "unknown"
)

// Procedure is how sceltaContraente was read.
type Procedure struct {
	// Code is the two-digit code of the current list ("04"), "" if unknown.
	Code  string
	Match Match
}

// procedures is the v1.3 list of sceltaContraenteType (TypesL190.xsd), the
// current wording of each code. v1.1 and v1.2 have the same wordings, less 39.
var procedures = [][2]string{
	{"01", "PROCEDURA APERTA"},
	{"02", "PROCEDURA RISTRETTA"},
	{"03", "PROCEDURA NEGOZIATA PREVIA PUBBLICAZIONE"},
	{"04", "PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE"},
	{"05", "DIALOGO COMPETITIVO"},
	{"06", "PROCEDURA NEGOZIATA SENZA PREVIA INDIZIONE DI GARA (SETTORI SPECIALI)"},
	{"07", "SISTEMA DINAMICO DI ACQUISIZIONE"},
	{"08", "AFFIDAMENTO IN ECONOMIA - COTTIMO FIDUCIARIO"},
	{"14", "PROCEDURA SELETTIVA EX ART 238 C.7, D.LGS. 163/2006"},
	{"17", "AFFIDAMENTO DIRETTO EX ART. 5 DELLA LEGGE 381/91"},
	{"21", "PROCEDURA RISTRETTA DERIVANTE DA AVVISI CON CUI SI INDICE LA GARA"},
	{"22", "PROCEDURA NEGOZIATA CON PREVIA INDIZIONE DI GARA (SETTORI SPECIALI)"},
	{"23", "AFFIDAMENTO DIRETTO"},
	{"24", "AFFIDAMENTO DIRETTO A SOCIETA' IN HOUSE"},
	{"25", "AFFIDAMENTO DIRETTO A SOCIETA' RAGGRUPPATE/CONSORZIATE O CONTROLLATE NELLE CONCESSIONI E NEI PARTENARIATI"},
	{"26", "AFFIDAMENTO DIRETTO IN ADESIONE AD ACCORDO QUADRO/CONVENZIONE"},
	{"27", "CONFRONTO COMPETITIVO IN ADESIONE AD ACCORDO QUADRO/CONVENZIONE"},
	{"28", "PROCEDURA AI SENSI DEI REGOLAMENTI DEGLI ORGANI COSTITUZIONALI"},
	{"29", "PROCEDURA RISTRETTA SEMPLIFICATA"},
	{"30", "PROCEDURA DERIVANTE DA LEGGE REGIONALE"},
	{"31", "AFFIDAMENTO DIRETTO PER VARIANTE SUPERIORE AL 20% DELL'IMPORTO CONTRATTUALE"},
	{"32", "AFFIDAMENTO RISERVATO"},
	{"33", "PROCEDURA NEGOZIATA PER AFFIDAMENTI SOTTO SOGLIA"},
	{"34", "PROCEDURA ART.16 COMMA 2-BIS DPR 380/2001 PER OPERE URBANIZZAZIONE A SCOMPUTO PRIMARIE SOTTO SOGLIA COMUNITARIA"},
	{"35", "PARTERNARIATO PER L’INNOVAZIONE"},
	{"36", "AFFIDAMENTO DIRETTO PER LAVORI, SERVIZI O FORNITURE SUPPLEMENTARI"},
	{"37", "PROCEDURA COMPETITIVA CON NEGOZIAZIONE"},
	{"38", "PROCEDURA DISCIPLINATA DA REGOLAMENTO INTERNO PER SETTORI SPECIALI"},
	{"39", "AFFIDAMENTO DIRETTO PER MODIFICHE CONTRATTUALI O VARIANTI PER LE QUALI È NECESSARIA UNA NUOVA PROCEDURA DI AFFIDAMENTO"},
}

// oldProcedures are the v1.0 wordings that later versions changed (the code
// kept its meaning). 06 has a double space in the XSD itself.
var oldProcedures = [][2]string{
	{"03", "PROCEDURA NEGOZIATA PREVIA PUBBLICAZIONE DEL BANDO"},
	{"04", "PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE DEL BANDO"},
	{"06", "PROCEDURA NEGOZIATA SENZA PREVIA INDIZIONE DI  GARA ART. 221 D.LGS. 163/2006"},
	{"17", "AFFIDAMENTO DIRETTO EX ART. 5 DELLA LEGGE N.381/91"},
	{"22", "PROCEDURA NEGOZIATA DERIVANTE DA AVVISI CON CUI SI INDICE LA GARA"},
	{"23", "AFFIDAMENTO IN ECONOMIA - AFFIDAMENTO DIRETTO"},
	{"25", "AFFIDAMENTO DIRETTO A SOCIETA' RAGGRUPPATE/CONSORZIATE O CONTROLLATE NELLE CONCESSIONI DI LL.PP"},
}

// roles is ruoloType, the same in every version.
var roles = [][2]string{
	{"01", "MANDANTE"},
	{"02", "MANDATARIA"},
	{"03", "ASSOCIATA"},
	{"04", "CAPOGRUPPO"},
	{"05", "CONSORZIATA"},
}

// codeList finds the current wording of a code-wording text.
type codeList struct {
	current map[string]string // code -> "NN-WORDING"
	byKey   map[string]string // code + "|" + key(wording) -> code, every version
	byWord  map[string]string // key(wording) -> code, every version
}

func newCodeList(lists ...[][2]string) *codeList {
	c := &codeList{current: map[string]string{}, byKey: map[string]string{}, byWord: map[string]string{}}
	for i, l := range lists {
		for _, e := range l {
			if i == 0 {
				c.current[e[0]] = e[0] + "-" + e[1]
			}
			k := key(e[1])
			c.byKey[e[0]+"|"+k] = e[0]
			if _, dup := c.byWord[k]; !dup {
				c.byWord[k] = e[0]
			}
		}
	}
	return c
}

// lookup reads text (already unescaped) as "NN-WORDING". It returns the
// current wording, the code and how it matched; for Unknown the wording is "".
func (c *codeList) lookup(raw, text string) (string, string, Match) {
	if cur, ok := c.exact(raw); ok {
		return cur, raw[:2], Exact
	}
	code, rest := splitCode(text)
	if code != "" {
		if cur, ok := c.current[code]; ok {
			if _, ok := c.byKey[code+"|"+key(rest)]; ok {
				return cur, code, Variant
			}
			return cur, code, CodeOnly
		}
	}
	if code, ok := c.byWord[key(rest)]; ok {
		return c.current[code], code, WordingOnly
	}
	return "", "", Unknown
}

func (c *codeList) exact(raw string) (string, bool) {
	if len(raw) < 3 || raw[2] != '-' {
		return "", false
	}
	cur, ok := c.current[raw[:2]]
	return cur, ok && cur == raw
}

// splitCode splits "04-PROCEDURA ...", "4 - PROCEDURA", "04 PROCEDURA" into
// the code padded to two digits and the rest; code is "" without digits.
func splitCode(s string) (code, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 3 {
		return "", s
	}
	code = s[:i]
	if len(code) == 1 {
		code = "0" + code
	}
	rest = strings.TrimLeft(s[i:], " \t.")
	rest = strings.TrimPrefix(rest, "-")
	return code, strings.TrimSpace(rest)
}

// key reduces a wording to its letters and digits, upper case, accents off:
// the spacing and punctuation variants of the field meet on one key.
func key(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case 'à', 'á', 'À', 'Á':
			r = 'A'
		case 'è', 'é', 'È', 'É':
			r = 'E'
		case 'ì', 'í', 'Ì', 'Í':
			r = 'I'
		case 'ò', 'ó', 'Ò', 'Ó':
			r = 'O'
		case 'ù', 'ú', 'Ù', 'Ú':
			r = 'U'
		}
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}
