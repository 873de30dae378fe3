package l190

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// ErrUnreadable is matched (errors.Is) by every *Error: the file cannot be
// read as an L. 190 file at all.
var ErrUnreadable = errors.New("file is not a readable L. 190 XML file")

// Error is returned for a file that cannot be read at all. Ref holds the line
// and column where reading stopped (0 when the whole file is at fault);
// Message is meant for the clerk who sent the file.
type Error struct {
	Ref catalog.Ref
	// Rule is a stable identifier: "xml", "truncated", "html", "not-l190",
	// "dtd", "depth", "too-large", "too-many", "encoding".
	Rule    string
	Message catalog.Text
	Err     error
}

func (e *Error) Error() string {
	s := "l190 " + e.Ref.String() + ": " + e.Message.In("en")
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Is(target error) bool { return target == ErrUnreadable }

// Issue is the error as a blocking issue, for reports that list issues.
func (e *Error) Issue() catalog.Issue {
	return catalog.Issue{Ref: e.Ref, Severity: catalog.Error, Rule: e.Rule, Message: e.Message}
}

func (p *parser) fail(rule string, err error, it, en string) *Error {
	line, col := p.pos()
	return &Error{
		Ref:  catalog.Ref{File: p.name, Row: line, Col: col},
		Rule: rule, Err: err,
		Message: catalog.Text{
			It: fmt.Sprintf("Riga %d, colonna %d: %s", line, col, it),
			En: fmt.Sprintf("Line %d, column %d: %s", line, col, en),
		},
	}
}

// wholeFile is an error about the file as a whole, with no position.
func wholeFile(name, rule string, err error, it, en string) *Error {
	return &Error{Ref: catalog.Ref{File: name}, Rule: rule, Err: err, Message: catalog.Text{It: it, En: en}}
}

// decodeError turns what the decoder or the guard returned into words.
func (p *parser) decodeError(err error) *Error {
	switch {
	case errors.Is(err, errFileTooBig):
		mb := p.lim.MaxBytes >> 20
		return p.fail("too-large", err,
			fmt.Sprintf("il file supera il limite di %d MB. Se è davvero così grande, dividi l'anno in più file e pubblica un indice che li elenca.", mb),
			fmt.Sprintf("the file exceeds the limit of %d MB. If it is really that large, split the year into several files and publish an index listing them.", mb))
	case errors.Is(err, errTokenTooBig):
		kb := p.lim.MaxToken >> 10
		return p.fail("too-large", err,
			fmt.Sprintf("un elemento o un testo supera il limite di %d KB: il file è danneggiato o non è un file L. 190.", kb),
			fmt.Sprintf("an element or a text exceeds the limit of %d KB: the file is damaged or is not an L. 190 file.", kb))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return p.truncated(err)
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		msg := se.Msg
		switch {
		case msg == "unexpected EOF":
			return p.truncated(err)
		case strings.HasPrefix(msg, "invalid UTF-8"):
			return p.fail("encoding", err,
				"il testo contiene caratteri non validi in UTF-8. Salva il file con codifica UTF-8, oppure dichiara la codifica giusta nella prima riga (<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>).",
				"the text has characters that are not valid UTF-8. Save the file as UTF-8, or declare the right encoding on the first line (<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>).")
		case strings.HasPrefix(msg, "invalid character entity"):
			ent := strings.TrimPrefix(msg, "invalid character entity ")
			return p.fail("xml", err,
				fmt.Sprintf("il simbolo %s non è ammesso in XML. Scrivi & come &amp;amp; e usa solo &amp;lt; &amp;gt; &amp;quot; &amp;apos; o un carattere numerico.", ent),
				fmt.Sprintf("the symbol %s is not allowed in XML. Write & as &amp;amp; and use only &amp;lt; &amp;gt; &amp;quot; &amp;apos; or a numeric character.", ent))
		case strings.Contains(msg, "closed by"):
			return p.fail("xml", err,
				"un elemento è chiuso da un tag diverso da quello che lo apre ("+msg+"). Controlla i tag intorno a questa riga.",
				"an element is closed by a tag other than the one that opens it ("+msg+"). Check the tags around this line.")
		}
		return p.fail("xml", err,
			"il file non è XML valido ("+msg+"). Controlla questa riga, oppure esporta di nuovo il file dal programma che lo produce.",
			"the file is not valid XML ("+msg+"). Check this line, or export the file again from the program that makes it.")
	}
	if _, ok := err.(*Error); ok {
		return err.(*Error)
	}
	return p.fail("xml", err,
		"il file non si può leggere: "+err.Error()+".",
		"the file cannot be read: "+err.Error()+".")
}

func (p *parser) truncated(err error) *Error {
	return p.fail("truncated", err,
		"il file finisce a metà, prima di chiudere tutti gli elementi: probabilmente è stato scaricato o salvato solo in parte. Scarica o esporta di nuovo il file completo.",
		"the file ends halfway, before all elements are closed: it was probably downloaded or saved only in part. Download or export the whole file again.")
}
