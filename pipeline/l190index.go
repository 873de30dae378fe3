package pipeline

// Following an L. 190 index (indici): a dataset whose source is an index
// is the dataset files the index lists, pulled with the rules of any source
// and judged together as one version.
//
// What is followed and what is refused:
//   - links are http(s) addresses or paths relative to the index: against
//     its address, or, for an index in the catalog folder, against its
//     folder (never above the catalog folder); an uploaded index has no
//     address, so its relative links start from its metadata/urlFile;
//   - an index may list indices, to maxIndexDepth levels;
//   - a loop (a link back to the index or to an index that lists it), a
//     file listed twice, a link that is no address (file:, data:, empty),
//     more than maxIndexFiles files in all, or more than maxIndexBytes
//     together, refuse the index: issues naming the index and the line of
//     the link, nothing fetched after them;
//   - a listed file that cannot be fetched (404, a web page, too large, a
//     server that does not answer) makes the dataset stale, as its own
//     source would: one of twelve files missing is the server's state, not
//     the clerk's data, and the next run tries them all again; the last
//     good version stays published, never half of a year;
//   - a listed file that is not readable XML is judged like any file:
//     refused, with the file's name, line and column.
//
// Conditional requests: the dataset files keep their provenance in
// Provenance.Parts (ETag, Last-Modified, a local file's size and time); the
// indices are read whole each time (they are small, and their links are
// needed to ask for the files), so their provenance is kept without
// validators. When every file answers "not modified" and the index's bytes
// are the same, the dataset is unchanged and not judged again.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
	l190read "github.com/provincia-como/opendata/pipeline/ingest/l190"
	"github.com/provincia-como/opendata/pipeline/source"
	"github.com/provincia-como/opendata/pipeline/store"
)

const (
	// maxIndexDepth: an index may list indices that list dataset files,
	// no deeper. ANAC's format has one level; a body-wide index of its
	// offices' indices is the most seen in the field.
	maxIndexDepth = 2
	// maxIndexFiles caps the files fetched for one dataset, indices
	// included. A year split by month is 12 files, by office a few dozen;
	// each file is one more request to a comune's server, with its own
	// retries and waits, and all are held until the year is judged. The
	// reader would take 1,000 links in one index: that is not a year.
	maxIndexFiles = 100
	// maxIndexBytes caps the files of one dataset together: the cap of one
	// L. 190 file, so an index does not multiply what a dataset may cost.
	maxIndexBytes = 200 << 20
	// indexFetchers is how many files of one index are fetched at once:
	// they are usually on the same small server.
	indexFetchers = 4
)

// indexSet is what following an index gave: the files in the order met
// (depth first), or the issues that refuse the index.
type indexSet struct {
	files  []*indexFile
	issues []catalog.Issue
}

// indexFile is one file an index led to.
type indexFile struct {
	index bool // a nested index, not a dataset file
	// name is the file's name, unique among the dataset files (file_xml).
	name string
	at   place
	data []byte
	prov catalog.Provenance
	// notModified: the server (or the file's stat) said it is the file
	// of last time; data is empty.
	notModified bool
	// listed is where the link is: the index's name and line.
	listedIn string
	line     int
}

// place is where a file is: an address, or a path in the catalog folder
// (fetched through the Fetcher's folder). The zero place is an upload,
// with no address.
type place struct {
	url  *url.URL
	path string
}

// parsePlace is the place of an address.
func parsePlace(addr string) (place, error) {
	u, err := url.Parse(addr)
	if err != nil {
		return place{}, err
	}
	return place{url: u}, nil
}

func (p place) String() string {
	switch {
	case p.url != nil:
		return p.url.String()
	case p.path != "":
		return p.path
	}
	return ""
}

// key tells two places apart for loops and duplicates.
func (p place) key() string {
	if p.url != nil {
		u := *p.url
		u.Scheme, u.Host, u.Fragment = strings.ToLower(u.Scheme), strings.ToLower(u.Host), ""
		return u.String()
	}
	return "catalog:" + p.path
}

func (p place) source(timeout catalog.Timeout) catalog.Source {
	if p.url != nil {
		return catalog.Source{URL: p.url.String(), Timeout: timeout}
	}
	return catalog.Source{Path: p.path}
}

// linkProblem is why a link cannot be followed, in words.
type linkProblem catalog.Text

// resolve turns a link of the index at p into the place it names.
func (p place) resolve(link string) (place, *linkProblem) {
	link = strings.TrimSpace(link)
	bad := func(it, en string) (place, *linkProblem) { return place{}, &linkProblem{It: it, En: en} }
	switch {
	case link == "":
		return bad("il link è vuoto", "the link is empty")
	case len(link) > 2048:
		return bad("il link è lungo più di 2048 caratteri", "the link is longer than 2048 characters")
	case strings.ContainsAny(link, "\\\x00\r\n\t"):
		return bad("il link contiene caratteri non ammessi in un indirizzo (\\ o caratteri di controllo)", "the link holds characters not allowed in an address (\\ or control characters)")
	}
	u, err := url.Parse(link)
	if err != nil {
		return bad("non è un indirizzo valido", "it is not a valid address")
	}
	if u.Scheme != "" {
		if s := strings.ToLower(u.Scheme); s != "http" && s != "https" || u.Host == "" {
			return bad("l'indirizzo comincia con «"+u.Scheme+":»: servono indirizzi http:// o https://", "the address starts with \""+u.Scheme+":\": http:// or https:// addresses are needed")
		}
		u.Fragment = ""
		return place{url: u}, nil
	}
	switch {
	case p.url != nil:
		r := p.url.ResolveReference(u)
		r.Fragment = ""
		return place{url: r}, nil
	case p.path != "":
		if u.Host != "" || strings.HasPrefix(u.Path, "/") || u.RawQuery != "" {
			return bad("un indice nella cartella del catalogo elenca i suoi file con percorsi relativi alla sua cartella (dati/2024-1.xml) o con indirizzi http(s)", "an index in the catalog folder lists its files by paths relative to its folder (dati/2024-1.xml) or by http(s) addresses")
		}
		joined := path.Join(path.Dir(p.path), u.Path)
		if !fs.ValidPath(joined) || joined == "." {
			return bad("il percorso esce dalla cartella del catalogo (per «opendata check», dalla cartella dell'indice)", "the path leads out of the catalog folder (for \"opendata check\", out of the index's folder)")
		}
		return place{path: joined}, nil
	}
	return bad("l'indice è stato caricato e non ha un indirizzo da cui partire: scrivi nei link l'indirizzo completo, o quello dell'indice in metadata/urlFile", "the index was uploaded and has no address to start from: write full addresses in the links, or the index's own in metadata/urlFile")
}

// walker follows one dataset's index.
type walker struct {
	fetch   Fetcher
	timeout catalog.Timeout
	// prev are the dataset files' provenances of last time, by address.
	prev map[string]catalog.Provenance

	set   indexSet
	seen  map[string]string // place key -> where it is listed, for duplicates
	names map[string]bool
	files int // fetched so far, indices included
	mu    sync.Mutex
	bytes int64
}

func newWalker(fetch Fetcher, timeout catalog.Timeout, prev []catalog.Provenance) *walker {
	w := &walker{fetch: fetch, timeout: timeout, prev: map[string]catalog.Provenance{}, seen: map[string]string{}, names: map[string]bool{}}
	for _, p := range prev {
		w.prev[p.Source] = p
	}
	return w
}

// errFirstLotto stops the sniffing of a dataset file at its first lotto.
var errFirstLotto = errors.New("first lotto")

// sniffL190 reads what kind of L. 190 file data is: an index is read whole
// (at most maxIndexFiles links), a dataset file up to its first lotto. A
// file that cannot be read is reported by its judging, not here; an index
// that cannot be read comes with its reader's error.
func sniffL190(ctx context.Context, name string, data []byte) (*l190read.File, error) {
	f, err := l190read.Read(ctx, name, bytes.NewReader(data), l190read.Options{Limits: l190read.Limits{MaxBytes: l190Limits.MaxBytes, MaxLinks: maxIndexFiles}},
		func(*l190read.Lotto) error { return errFirstLotto })
	if errors.Is(err, errFirstLotto) {
		err = nil
	}
	return f, err
}

// indexIssue is a blocking issue about a line of an index: the reference
// names the index, the message the line, as the reader's messages do.
func indexIssue(file string, line int, rule string, it, en string) catalog.Issue {
	msg := catalog.Text{It: "L'indice " + it, En: "The index " + en}
	if line > 0 {
		msg = catalog.Text{It: fmt.Sprintf("Riga %d: %s", line, it), En: fmt.Sprintf("Line %d: %s", line, en)}
	}
	return catalog.Issue{Ref: catalog.Ref{File: file, Row: line}, Severity: catalog.Error, Rule: rule, Message: msg}
}

// readIndex turns an index's reading into its links, or an issue: an index
// the reader refuses (too many links, broken XML) is refused.
func readIndex(name string, f *l190read.File, err error) ([]l190read.Link, *catalog.Issue) {
	if err != nil {
		var le *l190read.Error
		if !errors.As(err, &le) {
			is := indexIssue(name, 0, "unreadable", "non si può leggere.", "cannot be read.")
			return nil, &is
		}
		is := le.Issue()
		is.Rule = "unreadable"
		if le.Rule == "too-many" {
			is.Rule = "l190-indice-troppi"
		}
		return nil, &is
	}
	return f.Links, nil
}

// walk follows the links of the index at `at` (already read), depth 1 for
// the dataset's own source. ancestors are the keys and checksums of the
// indices that led here, the index itself included. A source that cannot
// be fetched is returned as a *source.Error; an index to refuse adds issues
// and stops the walk.
func (w *walker) walk(ctx context.Context, at place, name string, links []l190read.Link, depth int, ancestors map[string]bool) error {
	type target struct {
		at   place
		line int
	}
	var targets []target
	for _, l := range links {
		line := cmpLine(l.URL.Line, l.Line)
		to, bad := at.resolve(l.URL.Raw)
		if bad != nil {
			w.set.issues = append(w.set.issues, indexIssue(name, line, "l190-indice-link",
				fmt.Sprintf("il link «%s» non si può seguire: %s.", clip(l.URL.Raw), bad.It),
				fmt.Sprintf("the link “%s” cannot be followed: %s.", clip(l.URL.Raw), bad.En)))
			continue
		}
		k := to.key()
		if ancestors[k] {
			w.set.issues = append(w.set.issues, indexIssue(name, line, "l190-indice-ciclo",
				fmt.Sprintf("il link «%s» rimanda all'indice stesso o a un indice che lo elenca: i link girano in tondo. Togli il link o fallo puntare a un file dei dati.", clip(l.URL.Raw)),
				fmt.Sprintf("the link “%s” leads back to the index itself or to an index that lists it: the links go round in a loop. Remove the link or point it at a dataset file.", clip(l.URL.Raw))))
			continue
		}
		if first, dup := w.seen[k]; dup {
			w.set.issues = append(w.set.issues, indexIssue(name, line, "l190-indice-doppio",
				fmt.Sprintf("il file «%s» è già elencato (%s): ogni file va elencato una volta sola, o i suoi lotti sarebbero contati due volte.", clip(l.URL.Raw), first),
				fmt.Sprintf("the file “%s” is already listed (%s): each file is listed once, or its lots would be counted twice.", clip(l.URL.Raw), first)))
			continue
		}
		w.seen[k] = fmt.Sprintf("%s:%d", name, line)
		targets = append(targets, target{to, line})
	}
	if len(w.set.issues) > 0 {
		return nil
	}
	if len(links) == 0 {
		w.set.issues = append(w.set.issues, indexIssue(name, 0, "l190-indice-vuoto",
			"non elenca nessun file (linkDataset): pubblicare un anno vuoto nasconderebbe l'ultima versione buona.",
			"lists no file (linkDataset): publishing an empty year would hide the last good version."))
		return nil
	}
	if w.files+len(targets) > maxIndexFiles {
		over := targets[maxIndexFiles-w.files]
		w.set.issues = append(w.set.issues, indexIssue(name, over.line, "l190-indice-troppi",
			fmt.Sprintf("da qui i file da leggere sono più di %d, il limite per un dataset: un anno di contratti non ne richiede tanti. Unisci i file, o dividi il dataset in più dataset.", maxIndexFiles),
			fmt.Sprintf("from here on there are more than %d files to read, the limit for a dataset: a year of contracts does not need so many. Merge the files, or split the dataset into several.", maxIndexFiles)))
		return nil
	}
	w.files += len(targets)
	got := make([]*indexFile, len(targets))
	err := w.fetchAll(ctx, name, len(targets), func(ctx context.Context, i int) error {
		t := targets[i]
		prev := w.prev[t.at.String()]
		f, err := w.get(ctx, t.at, prev)
		if err != nil {
			return w.unavailable(err, name, t.line, t.at)
		}
		f.listedIn, f.line = name, t.line
		got[i] = f
		return nil
	})
	if err != nil || len(w.set.issues) > 0 {
		return err
	}
	for _, f := range got {
		if f.notModified {
			w.add(f)
			continue
		}
		kind, err := sniffL190(ctx, f.name, f.data)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if kind == nil || kind.Kind != l190read.Index {
			w.add(f) // a dataset file, or one its judging will refuse
			continue
		}
		f.index = true
		if depth >= maxIndexDepth {
			w.set.issues = append(w.set.issues, indexIssue(f.listedIn, f.line, "l190-indice-profondita",
				fmt.Sprintf("il link porta a un altro indice (%s) oltre %d livelli: un indice elenca file dei dati, o indici che elencano file dei dati, non di più.", f.at, maxIndexDepth),
				fmt.Sprintf("the link leads to another index (%s) beyond %d levels: an index lists dataset files, or indices listing dataset files, no more.", f.at, maxIndexDepth)))
			return nil
		}
		if ancestors[f.prov.Checksum] {
			w.set.issues = append(w.set.issues, indexIssue(f.listedIn, f.line, "l190-indice-ciclo",
				fmt.Sprintf("il link porta a una copia di un indice che lo elenca (%s): i link girano in tondo.", f.at),
				fmt.Sprintf("the link leads to a copy of an index that lists it (%s): the links go round in a loop.", f.at)))
			return nil
		}
		// Indices are read whole each time: no validators kept.
		f.prov.ETag, f.prov.LastModified, f.prov.Modified = "", "", time.Time{}
		w.set.files = append(w.set.files, f)
		nested, bad := readIndex(f.name, kind, err)
		if bad != nil {
			w.set.issues = append(w.set.issues, *bad)
			return nil
		}
		inner := map[string]bool{f.at.key(): true, f.prov.Checksum: true}
		for k := range ancestors {
			inner[k] = true
		}
		if err := w.walk(ctx, f.at, f.name, nested, depth+1, inner); err != nil || len(w.set.issues) > 0 {
			return err
		}
	}
	return nil
}

// add records a dataset file, giving it a name no other file of the
// dataset has: its own, or else its address.
func (w *walker) add(f *indexFile) {
	if w.names[f.name] {
		f.name = f.at.String()
	}
	w.names[f.name] = true
	w.set.files = append(w.set.files, f)
}

// get fetches one file, counting its bytes against the dataset's cap.
func (w *walker) get(ctx context.Context, at place, prev catalog.Provenance) (*indexFile, error) {
	res, err := w.fetch.Fetch(ctx, at.source(w.timeout), prev)
	if err != nil {
		return nil, err
	}
	f := &indexFile{name: res.Name, at: at, data: res.Data, prov: res.Prov, notModified: res.NotModified}
	if f.notModified {
		f.prov = prev
		f.prov.Fetched = res.Prov.Fetched
		return f, nil
	}
	w.mu.Lock()
	w.bytes += int64(len(res.Data))
	over := w.bytes > maxIndexBytes
	w.mu.Unlock()
	if over {
		return nil, errIndexTooBig
	}
	return f, nil
}

var errIndexTooBig = errors.New("the files of the index are larger than the cap")

// unavailable names the index line of a file that could not be fetched.
func (w *walker) unavailable(err error, index string, line int, at place) error {
	if errors.Is(err, errIndexTooBig) {
		mb := maxIndexBytes >> 20
		w.mu.Lock()
		defer w.mu.Unlock()
		if len(w.set.issues) > 0 {
			return errIndexTooBig // said once
		}
		w.set.issues = append(w.set.issues, indexIssue(index, line, "l190-indice-dimensione",
			fmt.Sprintf("con il file %s i file dell'indice superano insieme %d MB, il limite di un dataset: dividi l'anno in più dataset.", at, mb),
			fmt.Sprintf("with the file %s the files of the index are larger than %d MB together, the limit for a dataset: split the year into several datasets.", at, mb)))
		return errIndexTooBig
	}
	var se *source.Error
	if !errors.As(err, &se) {
		return err
	}
	return &source.Error{Source: at.String(), Err: se.Err, Message: catalog.Text{
		It: fmt.Sprintf("%s, riga %d: il file %s non si è potuto scaricare: %s", index, line, at, se.Message.It),
		En: fmt.Sprintf("%s, line %d: the file %s could not be fetched: %s", index, line, at, se.Message.En),
	}}
}

// fetchAll runs get for n files, a few at once; the first failure stops
// the others. index names the index, for the log. Files left unfetched because the time for pulling ran out
// make the dataset stale, like a source that did not answer: never a year
// judged without some of its files.
func (w *walker) fetchAll(ctx context.Context, index string, n int, get func(context.Context, int) error) error {
	err := parallel(ctx, indexes(n), indexFetchers, get)
	var se *source.Error
	switch {
	case errors.Is(err, errIndexTooBig):
		return nil // an issue, already recorded
	case err != nil && ctx.Err() != nil && !errors.As(err, &se):
		return &source.Error{Source: index, Err: err, Message: catalog.Text{
			It: "i file elencati dall'indice non sono arrivati tutti nel tempo concesso allo scaricamento",
			En: "not all the files the index lists arrived within the time allowed for pulling",
		}}
	}
	return err
}

// indexes is 0, 1, …, n-1.
func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// cmpLine is the first non-zero line.
func cmpLine(a, b int) int {
	if a > 0 {
		return a
	}
	return b
}

// clip shortens a link for a message.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}

// setChecksum is the checksum of an index and the files it led to: the
// same when, and only when, every byte is the same.
func setChecksum(index string, files []*indexFile) string {
	h := sha256.New()
	fmt.Fprintf(h, "index %s\n", index)
	for _, f := range files {
		fmt.Fprintf(h, "%s %s\n", f.at.key(), f.prov.Checksum)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// follow reads the file at `top` and, when it is an index, follows it. It
// returns nil, nil for a file that is not an index. prev are the stored
// parts (none: every file fetched in full).
func follow(ctx context.Context, fetch Fetcher, timeout catalog.Timeout, top place, res *source.Result, prev []catalog.Provenance) (*indexSet, error) {
	if res == nil || res.NotModified {
		return nil, nil
	}
	kind, err := sniffL190(ctx, res.Name, res.Data)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if kind == nil || kind.Kind != l190read.Index {
		return nil, nil
	}
	w := newWalker(fetch, timeout, prev)
	links, bad := readIndex(res.Name, kind, err)
	if bad != nil {
		w.set.issues = append(w.set.issues, *bad)
		return &w.set, nil
	}
	if top.url == nil && top.path == "" {
		// An upload: its own address, if it says it, is where its
		// relative links start.
		if u, err := url.Parse(strings.TrimSpace(kind.Metadata.URLFile.Raw)); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			top = place{url: u}
		}
	}
	ancestors := map[string]bool{res.Prov.Checksum: true}
	if top.url != nil || top.path != "" {
		ancestors[top.key()] = true
	}
	if err := w.walk(ctx, top, res.Name, links, 1, ancestors); err != nil {
		return nil, err
	}
	return &w.set, nil
}

// refetch fetches in full the dataset files that answered "not modified":
// the dataset changed elsewhere, and is judged from every file's bytes.
func (s *indexSet) refetch(ctx context.Context, fetch Fetcher, timeout catalog.Timeout) error {
	w := newWalker(fetch, timeout, nil)
	var todo []*indexFile
	for _, f := range s.files {
		if f.notModified {
			todo = append(todo, f)
		} else {
			w.bytes += int64(len(f.data))
		}
	}
	index := ""
	if len(todo) > 0 {
		index = todo[0].listedIn
	}
	err := w.fetchAll(ctx, index, len(todo), func(ctx context.Context, i int) error {
		f := todo[i]
		got, err := w.get(ctx, f.at, catalog.Provenance{})
		if err != nil {
			return w.unavailable(err, f.listedIn, f.line, f.at)
		}
		f.data, f.prov, f.notModified = got.data, got.prov, false
		return nil
	})
	s.issues = append(s.issues, w.set.issues...)
	return err
}

// result is the dataset's pull: the index's bytes, and a provenance that
// stands for every file (Parts).
func (s *indexSet) result(top *source.Result) *source.Result {
	prov := catalog.Provenance{Source: top.Prov.Source, Fetched: top.Prov.Fetched, Size: top.Prov.Size,
		Checksum: setChecksum(top.Prov.Checksum, s.files)}
	for _, f := range s.files {
		prov.Size += f.prov.Size
		prov.Parts = append(prov.Parts, f.prov)
	}
	return &source.Result{Name: top.Name, Data: top.Data, Prov: prov}
}

// parts are the dataset files to judge, in order.
func (s *indexSet) parts() ([]l190Part, error) {
	var out []l190Part
	for _, f := range s.files {
		if f.index {
			continue
		}
		if f.notModified {
			return nil, fmt.Errorf("l190 index: %s has no bytes to judge", f.at)
		}
		out = append(out, l190Part{name: f.name, data: f.data})
	}
	return out, nil
}

// xmlFetcher is the run's fetcher asking for XML files: an .xml address
// is not a spreadsheet, and only a web page is refused by its type.
func xmlFetcher(f Fetcher) Fetcher {
	if sf, ok := f.(*source.Fetcher); ok {
		c := *sf
		c.XML = true
		return &c
	}
	return f
}

// followL190 is the pull of an L. 190 dataset: when res (the dataset's
// source, or the clerks' upload) is an index, its files are fetched, and
// the result stands for them all. The files are kept until process judges
// them (judgePulled).
func (r *runner) followL190(ctx context.Context, d catalog.Dataset, rec *store.Record, prev catalog.Provenance, res *source.Result, err error) (*source.Result, error) {
	if err != nil || d.Schema != L190Schema || res == nil {
		return res, err
	}
	var top place
	switch {
	case strings.HasPrefix(res.Prov.Source, "inbox/"):
		// An upload: no address of its own.
	case d.Source.URL != "":
		if top, err = parsePlace(d.Source.URL); err != nil {
			return res, nil // the fetcher took it: not reached
		}
	case d.Source.Path != "":
		top = place{path: path.Clean(d.Source.Path)}
	}
	fetch := xmlFetcher(r.fetch)
	set, err := follow(ctx, fetch, d.Source.Timeout, top, res, prev.Parts)
	if err != nil || set == nil {
		return res, err
	}
	out := set.result(res)
	if len(set.issues) == 0 && !r.unchanged(d, rec, out.Prov.Checksum) {
		if err := set.refetch(ctx, fetch, d.Source.Timeout); err != nil {
			return nil, err
		}
		out = set.result(res)
	}
	r.followed.Store(out, set)
	return out, nil
}

// unchanged is process's test for a source it need not judge again.
func (r *runner) unchanged(d catalog.Dataset, rec *store.Record, sum string) bool {
	_, recheck := r.schemaChanged(d, rec)
	return !recheck && !r.filterChanged(d, rec) && rec.Latest != nil && rec.Latest.Status != catalog.Stale && sum == rec.Source.Checksum
}

// judgePulled judges what pull gave: the files of an index together, or
// the one file.
func (r *runner) judgePulled(ctx context.Context, d catalog.Dataset, res *source.Result) ([]catalog.Issue, *catalog.Table, error) {
	v, ok := r.followed.LoadAndDelete(res)
	if !ok {
		return r.judgeDataset(ctx, d, res.Name, res.Data)
	}
	set := v.(*indexSet)
	if len(set.issues) > 0 {
		return set.issues, nil, nil
	}
	parts, err := set.parts()
	if err != nil {
		return nil, nil, err
	}
	return judgeL190Set(ctx, r.schemas[d.Schema].Info(), res.Name, parts)
}
