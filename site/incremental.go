package site

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// manifestPath is where Render keeps, inside the output folder, what each
// page was made from. Publishing never uploads the .opendata folder.
const manifestPath = ".opendata/site.json"

// manifest records the pages of the last render: for each group its hash
// and the files it produced, and the hash of the Hugo project (layouts,
// translations, styles) and base URL they were rendered with.
type manifest struct {
	Version int                   `json:"version"`
	Project string                `json:"project"`
	Groups  map[string]renderedAs `json:"groups"`
}

type renderedAs struct {
	Hash  string   `json:"hash"`
	Files []string `json:"files"`
}

const manifestVersion = 1

func readManifest(out string) *manifest {
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(manifestPath)))
	if err != nil {
		return nil
	}
	var m manifest
	if json.Unmarshal(data, &m) != nil || m.Version != manifestVersion {
		return nil
	}
	return &m
}

func writeManifest(out string, m *manifest) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return writeIfChanged(filepath.Join(out, filepath.FromSlash(manifestPath)), data)
}

// projectHash identifies the Hugo project, the base URL and what every page
// shows of the portal (its title, the publisher): when any changes, every
// page is rendered again.
func projectHash(base string, portal []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%s\x00%d\x00", manifestVersion, base, len(portal))
	h.Write(portal)
	fs.WalkDir(projectFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := projectFS.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))
}

// renderAll reports whether every page must be rendered: when there is no
// usable manifest of a previous render in out.
func renderAll(prev *manifest, project, out string) bool {
	if prev == nil || prev.Project != project {
		return true
	}
	_, err := os.Stat(filepath.Join(out, "index.html"))
	return err != nil
}

// plan hashes every group and returns the new manifest and the groups to
// render: all of them when full, else those whose content changed.
func plan(groups []group, prev *manifest, project string, full bool) (*manifest, []group) {
	cur := &manifest{Version: manifestVersion, Project: project, Groups: make(map[string]renderedAs, len(groups))}
	var todo []group
	for _, g := range groups {
		h := sha256.New()
		for _, p := range g.pages {
			fmt.Fprintf(h, "%s\x00%s\x00", p.rel, p.lang)
			h.Write(p.sum[:])
		}
		r := renderedAs{Hash: hex.EncodeToString(h.Sum(nil)), Files: g.files()}
		cur.Groups[g.key] = r
		if full || prev.Groups[g.key].Hash != r.Hash {
			todo = append(todo, g)
		}
	}
	return cur, todo
}

// removeStale deletes the pages of the previous render that are no longer
// part of the portal (a dataset removed from the catalog, a shorter list).
func removeStale(out string, prev, cur *manifest) error {
	if prev == nil {
		return nil
	}
	for key, r := range prev.Groups {
		if _, ok := cur.Groups[key]; ok {
			continue
		}
		for _, f := range r.Files {
			if err := os.Remove(filepath.Join(out, filepath.FromSlash(f))); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// urlPath is the address of a page, relative to the base URL.
func urlPath(rel, lang string) string {
	p := rel + "/"
	if dir, ok := strings.CutSuffix(rel, "_index"); ok {
		p = dir
	}
	if lang != languages[0] {
		p = lang + "/" + p
	}
	return p
}

// files lists the files the pages of g are rendered to.
func (g group) files() []string {
	var out []string
	for _, p := range g.pages {
		u := urlPath(p.rel, p.lang)
		out = append(out, u+"index.html")
		if p.rel == "_index" {
			out = append(out, u+"feed.xml")
		}
	}
	return out
}

// frame reports whether g holds the home page or the first page of a
// section: pages every other page needs to exist (for breadcrumbs and
// links) even when they are not rendered.
func (g group) frame() bool {
	for _, p := range g.pages {
		if strings.HasSuffix(p.rel, "_index") {
			return true
		}
	}
	return false
}

// chunks splits groups into runs of about size pages, or fewer when their
// front matter passes maxBytes: Hugo holds a chunk's front matter as maps
// several times its size, and a supplier's or a search page can be a
// hundred times a lotto's.
func chunks(groups []group, size, maxBytes int) [][]group {
	var out [][]group
	var cur []group
	n, bytes := 0, 0
	for _, g := range groups {
		cur = append(cur, g)
		n += len(g.pages)
		for _, p := range g.pages {
			bytes += p.size
		}
		if n >= size || bytes >= maxBytes {
			out = append(out, cur)
			cur, n, bytes = nil, 0, 0
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// writeChunk writes the content files of the groups of chunk, plus the
// frame pages (home, sections) that Hugo needs for the links of the others,
// which are marked not to be rendered unless the chunk holds them. Files
// are written by as many workers as there are cores: creating a file is a
// few system calls, and a chunk has thousands.
func writeChunk(content string, all, chunk []group) error {
	in := map[string]bool{}
	var pages []page
	for _, g := range chunk {
		in[g.key] = true
		pages = append(pages, g.pages...)
	}
	for _, g := range all {
		if in[g.key] || !g.frame() {
			continue
		}
		for _, p := range g.pages {
			frame, err := newPage(p.rel, p.lang, frontMatter{Title: p.title, Outputs: p.outputs, Build: map[string]any{"render": "link"}})
			if err != nil {
				return err
			}
			pages = append(pages, frame)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	errs := make(chan error, workers)
	for i := range workers {
		go func() {
			var first error
			for j := i; j < len(pages) && first == nil; j += workers {
				first = writePage(content, pages[j])
			}
			errs <- first
		}()
	}
	var first error
	for range workers {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

func writePage(content string, p page) error {
	file := filepath.Join(content, filepath.FromSlash(p.rel)+"."+p.lang+".md")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	// JSON front matter: Hugo reads a file that is only a JSON object as
	// front matter with no content.
	data, err := unpack(p.data)
	if err != nil {
		return fmt.Errorf("page %s: %w", p.rel, err)
	}
	return os.WriteFile(file, append(data, '\n'), 0o644)
}

// Front matter is held compressed between the planning of the pages and
// their writing, all pages of the portal at once. Level 2 is the fastest
// that uses a dictionary (level 1 ignores it): with packDict a lotto's
// front matter packs to a quarter (at level 1, to 40%), for a quarter more
// time (some 45 µs a page). The compressors are pooled, as each holds
// about a megabyte.
const packLevel = 2

var (
	packers   = sync.Pool{New: func() any { w, _ := flate.NewWriterDict(nil, packLevel, packDict); return w }}
	unpackers = sync.Pool{New: func() any { return flate.NewReaderDict(nil, packDict) }}
)

// packDict primes the compressor with the keys and markup of the most
// numerous pages Hugo renders for a Province: the lists of lotti (a body's,
// a supplier's, contracts_body.go) and the search pages, whose rows are
// HTML written by lottiRows and searchPages. Each page is some kilobytes,
// too short to teach flate its own repetitions.
// It is a hint, not a format: a page unlike it packs all the same, less
// tightly, and nothing packed outlives the process.
var packDict = []byte(`{"title":" (pagina 2)","layout":"elenco","params":{"allW":"Tutti i contratti","awardedW":"Aggiudicato","backURL":"contratti/enti//","backW":"","bodyW":"Ente","cigW":"CIG","countW":"Lotti","lotti":"<tr><th scope=\"row\"><a href=\"/contratti/lotti/\"><code></code></a></th><td></td><td>COMUNE DI </td><td>20</td><td class=\"num\">,00 €</td><td class=\"num\">,00 €</td><td>non vinto</td></tr>","noBody":false,"objectW":"Oggetto","outcomeW":"Esito","pager":{"links":[{"current":false,"n":1,"url":"contratti/fornitori//"},{"gap":true}],"n":2,"next":"contratti/fornitori//page/3/","prev":"contratti/fornitori//","total":3},"paidW":"Pagato","totalW":"Totale","yearW":"Anno"}}{"title":" (page 2)","params":{"allW":"All contracts","awardedW":"Awarded","bodyW":"Body","countW":"Lots","objectW":"Object","paidW":"Paid","totalW":"Total","yearW":"Year","outcomeW":"Outcome"}}{"title":"Cerca nei contratti – ","layout":"cerca","params":{"rows":"<tr><th scope=\"row\"><a href=\"/contratti/fornitori/\"><code></code></a></th><td> S.R.L.</td><td>Fornitore</td></tr><tr><th scope=\"row\"><a href=\"/en/contratti/lotti/\"><code></code></a></th><td></td><td>Lotto</td></tr>"}}`)

func pack(data []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(data)/3 + 64)
	w := packers.Get().(*flate.Writer)
	w.Reset(&b)
	w.Write(data) // a bytes.Buffer does not fail
	w.Close()
	packers.Put(w)
	return bytes.Clone(b.Bytes())
}

func unpack(data []byte) ([]byte, error) {
	r := unpackers.Get().(io.ReadCloser)
	defer unpackers.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(data), packDict); err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}
