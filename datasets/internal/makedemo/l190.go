package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// avcpFile is the AVCP portal's own L. 190 export for December 2013, in
// ../shared.
const avcpFile = "corpus/l190/AVCP-portaletrasparenza-scrape_2013-12.xml"

// cfProp finds a lotto's contracting body's fiscal code; the export has one
// strutturaProponente per lotto, with no nesting around it.
var cfProp = regexp.MustCompile(`<codiceFiscaleProp>([^<]*)</codiceFiscaleProp>`)

// writeContratti writes the lotti of the export whose contracting body is a
// comune of the Province of Como, told by its fiscal code as ISTAT's SITUAS
// registry gives it (column «Codice fiscale»), never by name: "COMUNE DI
// LIVO" in the export is Livo in Trentino, and bodies of the Province of
// Lecco (Merate, Oggiono, Bellano...) carry fiscal codes issued in Como.
// The file keeps the export's bytes: its header (declaration, root,
// metadata, the opening of data), then each selected lotto element with
// the blank lines and indentation before it, in file order, then the
// export's closing tags.
func writeContratti(shared, out string) error {
	recs, err := readCSV(filepath.Join(shared, situasFile))
	if err != nil {
		return err
	}
	col := columns(recs[0])
	como := map[string]string{}
	for _, r := range recs[1:] {
		if r[col["Sigla automobilistica"]] == "CO" {
			como[strings.TrimSpace(r[col["Codice fiscale"]])] = r[col["Comune (dizione italiana)"]]
		}
	}
	if len(como) != 147 {
		return fmt.Errorf("%s: %d fiscal codes of Como's comuni, want 147", situasFile, len(como))
	}
	data, err := os.ReadFile(filepath.Join(shared, avcpFile))
	if err != nil {
		return err
	}
	openTag, closeTag := []byte("<lotto>"), []byte("</lotto>")
	first := bytes.Index(data, openTag)
	last := bytes.LastIndex(data, closeTag)
	if first < 0 || last < 0 {
		return fmt.Errorf("%s: no lotto", avcpFile)
	}
	// The header ends with the line break after <data>; what lies between
	// it and the first lotto is blank lines, kept with the lotto.
	head := bytes.LastIndex(data[:first], []byte("<data>"))
	if head < 0 {
		return fmt.Errorf("%s: no data element before the first lotto", avcpFile)
	}
	head += bytes.IndexByte(data[head:], '\n') + 1
	var b bytes.Buffer
	b.Write(data[:head])
	total, kept := 0, 0
	for pos := head; ; {
		i := bytes.Index(data[pos:], openTag)
		if i < 0 {
			break
		}
		j := bytes.Index(data[pos+i:], closeTag)
		if j < 0 {
			return fmt.Errorf("%s: lotto %d not closed", avcpFile, total+1)
		}
		end := pos + i + j + len(closeTag)
		lotto := data[pos+i : end]
		total++
		m := cfProp.FindSubmatch(lotto)
		if m == nil {
			return fmt.Errorf("%s: lotto %d has no codiceFiscaleProp", avcpFile, total)
		}
		if _, ok := como[strings.TrimSpace(string(m[1]))]; ok {
			b.Write(data[pos:end])
			kept++
		}
		pos = end
	}
	b.Write(data[last+len(closeTag):])
	if total != 5207 || kept != 15 {
		return fmt.Errorf("%s: %d lotti, %d of Como's comuni; want 5207 and 15", avcpFile, total, kept)
	}
	return os.WriteFile(filepath.Join(out, "contratti-comuni-como-2013.xml"), b.Bytes(), 0o644)
}
