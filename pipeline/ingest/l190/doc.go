// Package l190 reads the public-contract files that Italian administrations
// publish under L. 190/2012 (art. 1, c. 32) in the XML format set by ANAC
// (namespace legge190_1_0, schema versions 1.0 to 1.3): a dataset
// (`pubblicazione`: the publisher's metadata, then one `lotto` per CIG) or an
// index (`indici`: a list of dataset URLs).
//
// The file is read token by token with encoding/xml, one lotto at a time:
// memory stays bounded whatever the size of the file. Every value keeps the
// text found in the file and the line of its element (the decoder's own
// count of the newlines it has passed, Decoder.InputPos), so a report can
// say "contratti.xml:1234". With Options.Workers > 1 the lotti are decoded
// by several decoders at once (parallel.go), with the same result. The
// plain XML real files are made of is tokenized by a faster reader of our
// own (fast.go), which hands the input to encoding/xml at the first token it
// does not know: tokens, lines and errors are encoding/xml's either way.
//
// What the files carry in the field is read, not refused:
//   - both spellings of the publication date, v1.0's dataPubbicazioneDataset
//     and the later dataPubblicazioneDataset;
//   - every version's wording of the procedure (sceltaContraente), with case,
//     spacing and punctuation variants, mapped to the current code;
//   - dates with a time zone or a time ("2013-12-19+01:00"), "0000-00-00"
//     as a missing date;
//   - amounts with a decimal comma ("1234,56", "1.234,56");
//   - stray and trailing spaces, fiscal code "ND" as missing;
//   - entities escaped twice (`&amp;apos;` read as an apostrophe);
//   - names cut with "..." are kept as they are.
//
// Whether the values obey ANAC's rules is checked elsewhere (validate); here a
// value that cannot be read at all (an amount "12,3,4", a date "31/02/2013")
// keeps its text and a Problem.
//
// Malformed XML, HTML pages, DTDs with an internal subset (entity bombs),
// deep nesting, oversized elements, too many lotti: an *Error with the line
// and column and a message for the clerk.
package l190
