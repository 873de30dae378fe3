package l190

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// Limits bound the memory and time spent on one file. Zero fields take the
// defaults.
type Limits struct {
	MaxBytes int64 // size of the file; default 256 MiB
	// MaxToken caps one tag or one run of text, which the XML decoder keeps
	// whole in memory; default 1 MiB.
	MaxToken   int64
	MaxDepth   int // nesting of elements; default 32 (the schema needs 7)
	MaxLotti   int // lotti in a dataset; default 1,000,000
	MaxParties int // bidders and winners of one lotto; default 10,000
	MaxLinks   int // datasets listed by an index; default 1,000
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 256 << 20
	}
	if l.MaxToken <= 0 {
		l.MaxToken = 1 << 20
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 32
	}
	if l.MaxLotti <= 0 {
		l.MaxLotti = 1_000_000
	}
	if l.MaxParties <= 0 {
		l.MaxParties = 10_000
	}
	if l.MaxLinks <= 0 {
		l.MaxLinks = 1_000
	}
	return l
}

// Options tell Read how far to go.
type Options struct {
	Limits Limits
	// Workers > 1 decodes the lotti with that many decoders at once (see
	// parallel.go): the same result, faster on several cores, holding a few
	// hundred kilobytes of lotti per worker instead of one lotto.
	Workers int
	// partBytes overrides partSize, for tests.
	partBytes int
	// std reads with encoding/xml alone, without the fast tokenizer (for
	// tests that compare the two).
	std bool
}

// Read reads an L. 190 file from r, a dataset or an index, calling each for
// every lotto in file order; name is the file's name for references. Only
// one lotto is held at a time (with Options.Workers, the lotti of a few
// parts of about 256 KB): each may keep the *Lotto it is given, Read does
// not touch it again. An error from each stops the reading and is
// returned as is. The returned *File has the metadata, an index's links and
// the count of lotti; an *Error (errors.Is ErrUnreadable) says why a file
// cannot be read, with its line and column.
func Read(ctx context.Context, name string, r io.Reader, opt Options, each func(*Lotto) error) (*File, error) {
	lim := opt.Limits.withDefaults()
	g := newGuard(r, lim.MaxBytes, lim.MaxToken)
	if err := sniff(name, g); err != nil {
		return nil, err
	}
	p := &parser{
		ctx: ctx, name: name, lim: lim, d: newSource(g, opt.std), g: g, each: each, std: opt.std,
		file:  &File{Name: name},
		procs: newCodeList(procedures, oldProcedures),
		roles: newCodeList(roles),
		seen:  map[string]codedText{},
	}
	if opt.Workers > 1 {
		p.handover = p.canHand
	}
	err := p.run()
	if err == errHandover {
		p.handover = nil
		size := partSize
		if opt.partBytes > 0 {
			size = opt.partBytes
		}
		err = p.parallel(opt.Workers, size)
	}
	if err != nil {
		return p.file, err
	}
	return p.file, nil
}

func newDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.CharsetReader = charsetReader
	return d
}

// sniff refuses, before any parsing, what is plainly not an XML file: a web
// page (a link to the portal rather than to the file), UTF-16, nothing.
func sniff(name string, g *guard) error {
	head := g.peek(1024)
	if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		g.skip(3)
		head = head[3:]
	}
	if bytes.HasPrefix(head, []byte{0xFE, 0xFF}) || bytes.HasPrefix(head, []byte{0xFF, 0xFE}) {
		return wholeFile(name, "encoding", nil,
			"Il file è in codifica UTF-16: salvalo in UTF-8, la codifica che ANAC chiede per i file L. 190.",
			"The file is encoded as UTF-16: save it as UTF-8, the encoding ANAC requires for L. 190 files.")
	}
	t := bytes.ToLower(bytes.TrimLeft(head, " \t\r\n"))
	if len(t) == 0 {
		return wholeFile(name, "not-l190", nil,
			"Il file è vuoto.",
			"The file is empty.")
	}
	if bytes.HasPrefix(t, []byte("<!doctype html")) || bytes.HasPrefix(t, []byte("<html")) {
		return htmlError(name)
	}
	if t[0] != '<' {
		return wholeFile(name, "not-l190", nil,
			"Il file non è XML: non comincia con un tag. Serve il file XML dei contratti pubblici (L. 190/2012), non un foglio di calcolo, un PDF o un testo.",
			"The file is not XML: it does not start with a tag. The public-contracts XML file (L. 190/2012) is needed, not a spreadsheet, a PDF or a text.")
	}
	return nil
}

func htmlError(name string) *Error {
	return wholeFile(name, "html", nil,
		"Il file è una pagina web (HTML), non il file XML dei contratti: il link porta probabilmente alla pagina che lo presenta. Usa il link diretto al file .xml.",
		"The file is a web page (HTML), not the contracts XML file: the link probably points to the page presenting it. Use the direct link to the .xml file.")
}

// charsetReader reads the 8-bit encodings Italian offices still declare.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1",
		"windows-1252", "cp1252", "x-cp1252":
		// Windows-1252 is what "ISO-8859-1" files hold in practice (€, ’).
		return charmap.Windows1252.NewDecoder().Reader(in), nil
	case "iso-8859-15", "iso8859-15", "latin9", "latin-9":
		return charmap.ISO8859_15.NewDecoder().Reader(in), nil
	case "us-ascii", "ascii", "utf8":
		return in, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}

// elem names the elements the reader knows, in their context.
type elem uint8

const (
	elUnknown elem = iota
	elPubblicazione
	elIndici
	elMetadata
	elMetaLeaf
	elData
	elLotto
	elLottoLeaf
	elStruttura
	elStrutturaLeaf
	elPartecipanti
	elAggiudicatari
	elGroup
	elParty
	elPartyLeaf
	elTempi
	elTempiLeaf
	elIndice
	elDataset
	elDatasetLeaf
)

type frame struct {
	name xml.Name
	el   elem
}

type parser struct {
	ctx  context.Context
	name string
	lim  Limits
	d    tokenSource
	g    *guard
	std  bool // no fast tokenizer
	each func(*Lotto) error
	file *File

	procs, roles *codeList
	seen         map[string]codedText

	stack []frame
	done  bool // the root element is closed

	lotto  *Lotto
	list   *[]Party // the list the current party goes to
	party  *Party
	group  int
	groups int // groupings seen in the current list
	link   *Link

	// A part of the file read on its own (parallel.go): where it starts in
	// the file, and whether it is the last.
	lineOff, colOff int
	part, last      bool
	// handover, when set, is called once the data element is open.
	handover func() bool

	// leaf capture
	capDepth int
	capLine  int
	capName  string
	capBuf   []byte
	target   *Item
	read     func(string) Item
	// isProc: the capture is a procedure, which p.seen may know without
	// a string made of the text.
	isProc         bool
	procFn, roleFn func(string) Item
}

func (p *parser) run() error {
	for n := 1; ; n++ {
		t, err := p.d.next()
		if n%4096 == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			if strings.Contains(err.Error(), "opening charset") {
				return p.fail("encoding", err,
					"la codifica dichiarata nella prima riga non è supportata: salva il file in UTF-8.",
					"the encoding declared on the first line is not supported: save the file as UTF-8.")
			}
			return p.decodeError(err)
		}
		switch t.kind {
		case tokStart:
			if err := p.start(xml.StartElement{Name: t.name, Attr: t.attr}); err != nil {
				return err
			}
			if p.handover != nil && p.top() == elData && p.handover() {
				return errHandover
			}
		case tokEnd:
			if err := p.end(xml.EndElement{Name: t.name}); err != nil {
				return err
			}
		case tokText:
			t := t.data
			if p.target != nil && len(p.stack) == p.capDepth {
				if len(p.capBuf)+len(t) > int(p.lim.MaxToken) {
					return p.decodeError(errTokenTooBig)
				}
				p.capBuf = append(p.capBuf, t...)
			} else if len(p.stack) == 0 && len(bytes.TrimSpace(t)) > 0 {
				return p.fail("not-l190", nil,
					"c'è del testo fuori dagli elementi XML: il file non è un file L. 190 valido.",
					"there is text outside the XML elements: the file is not a valid L. 190 file.")
			}
		case tokDirective:
			if p.part {
				return p.oddPart()
			}
			if err := p.directive(xml.Directive(t.data)); err != nil {
				return err
			}
		case tokComment, tokProcInst:
			if p.part {
				return p.oddPart()
			}
		}
	}
	if p.part && !p.last {
		// A part must end where it was cut: after a lotto, inside data.
		if len(p.stack) != 2 || p.top() != elData || p.lotto != nil {
			return p.oddPart()
		}
		return nil
	}
	if len(p.stack) > 0 || !p.done {
		if p.file.Kind == "" {
			return p.fail("not-l190", io.ErrUnexpectedEOF,
				"il file non contiene elementi XML.",
				"the file holds no XML element.")
		}
		return p.truncated(io.ErrUnexpectedEOF)
	}
	return nil
}

// directive refuses DTDs that declare anything: the internal subset is where
// entity-expansion bombs live, and an L. 190 file has no use for one.
func (p *parser) directive(t xml.Directive) error {
	s := bytes.TrimSpace(t)
	word := s
	if i := bytes.IndexAny(s, " \t\r\n["); i >= 0 {
		word = s[:i]
	}
	switch {
	case bytes.EqualFold(word, []byte("DOCTYPE")):
		rest := bytes.ToLower(bytes.TrimSpace(s[len(word):]))
		if bytes.HasPrefix(rest, []byte("html")) {
			return htmlError(p.name)
		}
		if bytes.IndexByte(s, '[') < 0 {
			return nil // a bare DOCTYPE declares nothing and is never fetched
		}
	}
	return p.fail("dtd", nil,
		"il file contiene una dichiarazione DTD (<!DOCTYPE ... [ ... ]> o <!ENTITY>), che i file L. 190 non usano e che può servire a bloccare i sistemi che leggono il file. Togli la dichiarazione e ricarica il file.",
		"the file holds a DTD declaration (<!DOCTYPE ... [ ... ]> or <!ENTITY>), which L. 190 files do not use and which can be used to choke the systems reading the file. Remove the declaration and upload the file again.")
}

func (p *parser) top() elem {
	if len(p.stack) == 0 {
		return elUnknown
	}
	return p.stack[len(p.stack)-1].el
}

func (p *parser) line() int {
	l, _ := p.pos()
	return l
}

// pos is the decoder's position in the file: a part of a file read on its
// own (parallel.go) starts at line lineOff+1, column colOff+1.
func (p *parser) pos() (line, col int) {
	line, col = p.d.InputPos()
	if line == 1 {
		col += p.colOff
	}
	return line + p.lineOff, col
}

func (p *parser) start(t xml.StartElement) error {
	if len(p.stack) >= p.lim.MaxDepth {
		return p.fail("depth", nil,
			fmt.Sprintf("gli elementi sono annidati più di %d livelli: un file L. 190 ne usa al massimo 7. Il file è danneggiato o costruito per bloccare chi lo legge.", p.lim.MaxDepth),
			fmt.Sprintf("elements are nested more than %d levels deep: an L. 190 file uses at most 7. The file is damaged or built to choke its readers.", p.lim.MaxDepth))
	}
	if p.done {
		return p.fail("xml", nil,
			"c'è un altro elemento dopo la chiusura dell'elemento principale: un file XML ne ha uno solo.",
			"there is another element after the main element is closed: an XML file has only one.")
	}
	local := t.Name.Local
	el := elUnknown
	switch p.top() {
	case elUnknown:
		if len(p.stack) == 0 {
			switch local {
			case "pubblicazione":
				el = elPubblicazione
				p.file.Kind = Dataset
			case "indici":
				el = elIndici
				p.file.Kind = Index
			case "html", "HTML":
				return htmlError(p.name)
			default:
				return p.fail("not-l190", nil,
					fmt.Sprintf("l'elemento principale è <%s>, non <legge190:pubblicazione> né <indici>: il file non è un file dei contratti pubblici L. 190/2012.", local),
					fmt.Sprintf("the main element is <%s>, not <legge190:pubblicazione> nor <indici>: the file is not an L. 190/2012 public-contracts file.", local))
			}
			p.file.Namespace = namespace(t)
		}
	case elPubblicazione, elIndici:
		switch local {
		case "metadata":
			el = elMetadata
			p.file.Metadata.Line = p.line()
		case "data":
			if p.top() == elPubblicazione {
				el = elData
			}
		case "indice":
			if p.top() == elIndici {
				el = elIndice
			}
		}
	case elMetadata:
		el = p.metaLeaf(local)
	case elData:
		if local != "lotto" && p.part {
			return p.oddPart()
		}
		if local == "lotto" {
			el = elLotto
			if p.file.Lotti >= p.lim.MaxLotti {
				return p.fail("too-many", nil,
					fmt.Sprintf("il file ha più di %d lotti, il limite per un file: dividi l'anno in più file e pubblica un indice che li elenca.", p.lim.MaxLotti),
					fmt.Sprintf("the file has more than %d lots, the limit for one file: split the year into several files and publish an index listing them.", p.lim.MaxLotti))
			}
			p.file.Lotti++
			p.lotto = &Lotto{N: p.file.Lotti, Line: p.line()}
		}
	case elLotto:
		el = p.lottoChild(local)
	case elStruttura:
		switch local {
		case "codiceFiscaleProp":
			el = p.leaf(elStrutturaLeaf, local, &p.lotto.CodiceFiscaleProp, code)
		case "denominazione":
			el = p.leaf(elStrutturaLeaf, local, &p.lotto.Denominazione, text)
		}
	case elPartecipanti, elAggiudicatari:
		group := "raggruppamento"
		single := "partecipante"
		if p.top() == elAggiudicatari {
			group, single = "aggiudicatarioRaggruppamento", "aggiudicatario"
		}
		switch local {
		case group:
			el = elGroup
			p.groups++
			p.group = p.groups
		case single:
			el = elParty
			if err := p.newParty(0); err != nil {
				return err
			}
		}
	case elGroup:
		if local == "membro" {
			el = elParty
			if err := p.newParty(p.group); err != nil {
				return err
			}
		}
	case elParty:
		switch local {
		case "codiceFiscale":
			el = p.leaf(elPartyLeaf, local, &p.party.CodiceFiscale, code)
		case "identificativoFiscaleEstero":
			el = p.leaf(elPartyLeaf, local, &p.party.IdentificativoFiscaleEstero, text)
		case "ragioneSociale":
			el = p.leaf(elPartyLeaf, local, &p.party.RagioneSociale, text)
		case "ruolo":
			if p.roleFn == nil {
				p.roleFn = p.role
			}
			el = p.leaf(elPartyLeaf, local, &p.party.Ruolo, p.roleFn)
		}
	case elTempi:
		switch local {
		case "dataInizio":
			el = p.leaf(elTempiLeaf, local, &p.lotto.DataInizio, date)
		case "dataUltimazione":
			el = p.leaf(elTempiLeaf, local, &p.lotto.DataUltimazione, date)
		}
	case elIndice:
		if local == "dataset" {
			el = elDataset
			if len(p.file.Links) >= p.lim.MaxLinks {
				return p.fail("too-many", nil,
					fmt.Sprintf("l'indice elenca più di %d file: è più di quanti un ente ne pubblichi in un anno.", p.lim.MaxLinks),
					fmt.Sprintf("the index lists more than %d files: more than a body publishes in a year.", p.lim.MaxLinks))
			}
			p.link = &Link{Line: p.line(), ID: attr(t, "id")}
		}
	case elDataset:
		switch local {
		case "linkDataset":
			el = p.leaf(elDatasetLeaf, local, &p.link.URL, text)
		case "dataUltimoAggiornamento":
			el = p.leaf(elDatasetLeaf, local, &p.link.DataUltimoAggiornamento, date)
		}
	}
	p.stack = append(p.stack, frame{name: t.Name, el: el})
	return nil
}

func (p *parser) metaLeaf(local string) elem {
	m := &p.file.Metadata
	switch local {
	case "titolo":
		return p.leaf(elMetaLeaf, local, &m.Titolo, text)
	case "abstract":
		return p.leaf(elMetaLeaf, local, &m.Abstract, text)
	case "dataPubblicazioneDataset", "dataPubbicazioneDataset", "dataPubblicazioneIndice":
		m.DataPubblicazioneTag = local
		return p.leaf(elMetaLeaf, local, &m.DataPubblicazione, date)
	case "entePubblicatore":
		return p.leaf(elMetaLeaf, local, &m.EntePubblicatore, text)
	case "dataUltimoAggiornamentoDataset", "dataUltimoAggiornamentoIndice":
		return p.leaf(elMetaLeaf, local, &m.DataUltimoAggiornamento, date)
	case "annoRiferimento":
		return p.leaf(elMetaLeaf, local, &m.AnnoRiferimento, year)
	case "urlFile":
		return p.leaf(elMetaLeaf, local, &m.URLFile, text)
	case "licenza":
		return p.leaf(elMetaLeaf, local, &m.Licenza, text)
	}
	return elUnknown
}

func (p *parser) lottoChild(local string) elem {
	l := p.lotto
	switch local {
	case "cig":
		return p.leaf(elLottoLeaf, local, &l.CIG, code)
	case "strutturaProponente":
		return elStruttura
	case "oggetto":
		return p.leaf(elLottoLeaf, local, &l.Oggetto, text)
	case "sceltaContraente":
		// One method value per parser, not one per lotto.
		if p.procFn == nil {
			p.procFn = p.procedure
		}
		el := p.leaf(elLottoLeaf, local, &l.SceltaContraente, p.procFn)
		p.isProc = el != elUnknown
		return el
	case "partecipanti":
		p.list, p.groups = &l.Partecipanti, 0
		return elPartecipanti
	case "aggiudicatari":
		p.list, p.groups = &l.Aggiudicatari, 0
		return elAggiudicatari
	case "importoAggiudicazione":
		return p.leaf(elLottoLeaf, local, &l.ImportoAggiudicazione, amount)
	case "tempiCompletamento":
		return elTempi
	case "importoSommeLiquidate":
		return p.leaf(elLottoLeaf, local, &l.ImportoSommeLiquidate, amount)
	}
	return elUnknown
}

func (p *parser) newParty(group int) error {
	if len(p.lotto.Partecipanti)+len(p.lotto.Aggiudicatari) >= p.lim.MaxParties {
		return p.fail("too-many", nil,
			fmt.Sprintf("il lotto ha più di %d partecipanti e aggiudicatari: il file è danneggiato o costruito per bloccare chi lo legge.", p.lim.MaxParties),
			fmt.Sprintf("the lot has more than %d bidders and winners: the file is damaged or built to choke its readers.", p.lim.MaxParties))
	}
	p.party = &Party{Line: p.line(), Group: group}
	return nil
}

func (p *parser) procedure(raw string) Item {
	r, ok := p.seen[raw]
	if !ok {
		r.it, r.code, r.match = coded(raw, p.procs)
		p.remember(raw, r)
	}
	p.lotto.Procedura = Procedure{Code: r.code, Match: r.match}
	return r.it
}

func (p *parser) role(raw string) Item {
	r, ok := p.seen[" role "+raw]
	if !ok {
		r.it, r.code, r.match = coded(raw, p.roles)
		p.remember(" role "+raw, r)
	}
	return r.it
}

// remember keeps the reading of a procedure or role: a file repeats the
// same few texts thousands of times.
func (p *parser) remember(raw string, r codedText) {
	if len(p.seen) < 512 {
		p.seen[raw] = r
	}
}

type codedText struct {
	it    Item
	code  string
	match Match
}

// leaf starts capturing the text of an element into target; the first
// occurrence wins when an element is repeated.
func (p *parser) leaf(el elem, local string, target *Item, read func(string) Item) elem {
	if target.Line > 0 {
		return elUnknown
	}
	p.target, p.read, p.isProc = target, read, false
	p.capDepth = len(p.stack) + 1
	p.capLine = p.line()
	p.capName = local
	p.capBuf = p.capBuf[:0]
	return el
}

func (p *parser) end(t xml.EndElement) error {
	n := len(p.stack)
	if n == 0 {
		return p.fail("xml", nil,
			fmt.Sprintf("il tag di chiusura </%s> non chiude nessun elemento aperto.", t.Name.Local),
			fmt.Sprintf("the closing tag </%s> closes no open element.", t.Name.Local))
	}
	f := p.stack[n-1]
	if f.name != t.Name {
		return p.fail("xml", nil,
			fmt.Sprintf("l'elemento <%s> è chiuso da </%s>: i tag devono chiudersi nell'ordine in cui si aprono. Controlla i tag intorno a questa riga.", qname(f.name), qname(t.Name)),
			fmt.Sprintf("the element <%s> is closed by </%s>: tags must close in the order they open. Check the tags around this line.", qname(f.name), qname(t.Name)))
	}
	p.stack = p.stack[:n-1]
	if p.target != nil && n == p.capDepth {
		var it Item
		var r codedText
		ok := false
		if p.isProc {
			r, ok = p.seen[string(p.capBuf)]
		}
		if ok {
			p.lotto.Procedura = Procedure{Code: r.code, Match: r.match}
			it = r.it
		} else {
			it = p.read(string(p.capBuf))
		}
		p.isProc = false
		it.Line = p.capLine
		*p.target = it
		p.target = nil
	}
	switch f.el {
	case elPubblicazione, elIndici:
		p.done = true
	case elParty:
		*p.list = append(*p.list, *p.party)
		p.party = nil
	case elGroup:
		p.group = 0
	case elDataset:
		p.file.Links = append(p.file.Links, *p.link)
		p.link = nil
	case elLotto:
		l := p.lotto
		p.lotto = nil
		if l.N%256 == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
		if p.each != nil {
			if err := p.each(l); err != nil {
				return err
			}
		}
	}
	return nil
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// namespace is the URI bound to the root element's prefix (RawToken leaves
// names unresolved).
func namespace(t xml.StartElement) string {
	for _, a := range t.Attr {
		if t.Name.Space == "" && a.Name.Space == "" && a.Name.Local == "xmlns" {
			return a.Value
		}
		if t.Name.Space != "" && a.Name.Space == "xmlns" && a.Name.Local == t.Name.Space {
			return a.Value
		}
	}
	return ""
}
