// Package ocds writes the contracts of L. 190/2012 files as Open
// Contracting Data Standard 1.1 release packages: one package per
// contracting body (by fiscal code) and year, one release per lotto.
//
// The input is the four tables that pipeline/ingest/l190 makes of a file
// (metadata, lotti, partecipanti, aggiudicatari), read by field name; this
// package does not import the reader (no stage imports another), so the
// field names are repeated here and a test keeps them equal.
//
// Choices, where ANAC's format and OCDS do not meet one to one:
//
//   - ocid is Options.Prefix + "-" + CIG. A lotto without a CIG (missing or
//     "0000000000", which ANAC allows for contracts outside its tracing)
//     gets Prefix + "-NOCIG-" + the first 12 hex digits of the SHA-256 of
//     the body's fiscal code and the object (spaces collapsed, upper case):
//     stable across new versions of the file, other lotti added or moved,
//     amounts paid updated; lotti of the same body with the same object in
//     the same package get "-2", "-3"... in file order.
//   - The release id is "l190-" + body + "-" + year (unique within an ocid
//     across the packages of the portal), with "-2", "-3"... when the same
//     CIG appears more than once in a package (a warning of the checks).
//   - Organisation identifiers: org-id.guide lists IT-CF ("Italian Tax Code
//     / VAT Number") and no separate partita IVA scheme: a company's
//     11-digit codice fiscale is its partita IVA, and a person's 16-character
//     codice fiscale is in the same register. So both get scheme "IT-CF" and
//     party id "IT-CF-" + code. A foreign identifier (identificativo fiscale
//     estero) names no country, so no scheme can be told: identifier.id
//     carries it without a scheme, party id "estero-" + code. A party with no
//     code at all has party id "nome-" + a hash of its name.
//   - Groupings (raggruppamento, aggiudicatarioRaggruppamento) are a party of
//     their own, the tenderer or supplier, with details.raggruppamento true,
//     id "raggruppamento-" + a hash of its members' ids (so the same grouping
//     among bidders and winners is one party) and a name made of its
//     members'; each member is a party with memberOf (the memberOf
//     extension, declared in the package) and details.ruoliRaggruppamento
//     giving ANAC's role ("02-MANDATARIA") in each grouping.
//   - procurementMethod maps ANAC's sceltaContraente code (procedure.go);
//     procurementMethodDetails is ANAC's wording as the reader normalised it
//     ("04-PROCEDURA NEGOZIATA SENZA PREVIA PUBBLICAZIONE"), or the text of
//     the file when it is in no list. Codes whose openness depends on the
//     case (28, 30, 32, 38) get no method, only the details.
//   - Amounts are ANAC's, net of VAT, in EUR. The award and the contract
//     carry importoAggiudicazione. The amount paid (importoSommeLiquidate)
//     is a running total, not a payment: it is stated the OCDS way, as
//     contracts[].implementation.transactions, with one transaction whose id
//     (ocid + "-somme-liquidate") is the same in every year's release, so a
//     compiled record keeps the latest total; its date is the date of the
//     file's last update, payer the buyer, payee the supplier when there is
//     just one.
//   - tag: "tender" always, "award" with winners or an amount awarded,
//     "contract" when an award has dates or an amount paid above zero
//     (ANAC's importoSommeLiquidate is always there, 0 when nothing was
//     paid), "implementation" when something was paid.
//   - Dates are ANAC dates (no time) written as midnight in Europe/Rome in
//     RFC 3339; the release date is the file's last update (else its
//     publication date, else Options.Published).
//   - The publisher of a package is the contracting body (name, IT-CF,
//     fiscal code). Lotti whose body has no fiscal code ("ND") go into a
//     package of body "ND" published under the file's entePubblicatore.
//
// Output is deterministic: the same tables and options give the same bytes.
package ocds
