package publish

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/html"
)

// Phase is a step of the upload order that keeps the site whole.
type Phase int

const (
	// PhaseFiles: downloads, images, fonts: what pages and styles point to.
	PhaseFiles Phase = iota + 1
	// PhaseAssets: styles and scripts, which may point to files.
	PhaseAssets
	// PhasePages: pages, each after the new pages it links to.
	PhasePages
	// PhaseTop: home pages, catalog, feeds and sitemap, which point to pages.
	PhaseTop
	// PhaseDelete: files that are gone, pages first.
	PhaseDelete
)

func (p Phase) String() string {
	switch p {
	case PhaseFiles:
		return "files"
	case PhaseAssets:
		return "assets"
	case PhasePages:
		return "pages"
	case PhaseTop:
		return "top"
	case PhaseDelete:
		return "delete"
	}
	return fmt.Sprintf("phase%d", int(p))
}

// Op is what an action does.
type Op string

const (
	Upload Op = "upload"
	Delete Op = "delete"
)

// Action is one step of a sync plan.
type Action struct {
	Op    Op
	Key   string
	Phase Phase
	// Wave orders uploads within a phase: a wave starts when the previous
	// one is done.
	Wave int
	// Reason is why: "new", "changed", "headers", "unverified", "gone".
	Reason      string
	Size        int64
	ContentType string
}

func (a Action) String() string {
	if a.Op == Delete {
		return fmt.Sprintf("delete  %s (%s)", a.Key, a.Reason)
	}
	return fmt.Sprintf("upload  %s (%s, %s, %s, %s)", a.Key, a.Reason, formatBytes(a.Size), a.ContentType, a.Phase)
}

// localFile is a file of the built portal.
type localFile struct {
	key   string
	path  string
	mtime int64
	ino   uint64
	size  int64
	sha   string
	md5   []byte
	typ   string
	cache string
}

// scan hashes every file under dir, parallel readers bounded by workers;
// withMD5 adds the MD5 an S3 target needs (a folder target does not: it is
// a third of the hashing of a first publish).
// A file whose size, modification time and inode match the hash cache kept
// in dir/.opendata/ from the last scan is not read again: the cost of a
// publish grows with what changed, not with the size of the portal. A file
// replaced by a rename has a new inode, and one rewritten in place a new
// time; only a rewrite in place that keeps the size and puts the old time
// back goes unseen.
func scan(ctx context.Context, dir string, workers int, withMD5 bool) (map[string]*localFile, error) {
	// Files modified from a second before the scan on are not cached: a
	// rewrite within the same clock tick would keep their time.
	racy := time.Now().Add(-time.Second).UnixNano()
	cache := readHashCache(dir)
	stats, err := walk(ctx, dir, false, func(key string) bool { return key+"/" == reservedDir })
	if err != nil {
		return nil, fmt.Errorf("publish: read %s: %w", dir, err)
	}
	files := make([]*localFile, len(stats))
	var todo []*localFile
	hits := 0
	for i, st := range stats {
		f := &localFile{key: st.key, path: filepath.Join(dir, filepath.FromSlash(st.key)), mtime: st.mtime, ino: st.ino}
		files[i] = f
		if c, ok := cache[st.key]; ok && c.Size == st.size && c.MTime == st.mtime && c.Ino == st.ino && (c.MD5 != nil || !withMD5) {
			f.size, f.sha, f.md5, f.typ = c.Size, c.SHA256, c.MD5, c.Type
			f.cache = CacheControl(st.key)
			hits++
			continue
		}
		todo = append(todo, f)
	}
	jobs := make(chan *localFile)
	errs := make(chan error, len(todo))
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			buf := make([]byte, 64<<10)
			for f := range jobs {
				if err := f.hash(buf, withMD5); err != nil {
					errs <- err
				}
			}
		})
	}
	for _, f := range todo {
		if ctx.Err() != nil {
			break
		}
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]*localFile, len(files))
	for _, f := range files {
		out[f.key] = f
	}
	if hits != len(cache) || hits != len(files) {
		writeHashCache(dir, files, racy)
	}
	return out, nil
}

// hashCacheFile keeps the hashes of the last scan of a folder. It is
// inside the reserved folder, so it is never published. It is one line per
// file, tab-separated; hashes.json was its first, slower form.
const (
	hashCacheFile    = reservedDir + "hashes.v2"
	oldHashCacheFile = reservedDir + "hashes.json"
	hashCacheHeader  = "opendata hash cache v2\n"
)

type hashEntry struct {
	Size   int64
	MTime  int64
	Ino    uint64
	SHA256 string
	MD5    []byte
	Type   string
}

// readHashCache returns the cache, or nil when it is missing or damaged: a
// bad cache only costs a full scan.
func readHashCache(dir string) map[string]hashEntry {
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(hashCacheFile)))
	if err != nil {
		return nil
	}
	rest, ok := bytes.CutPrefix(b, []byte(hashCacheHeader))
	if !ok {
		return nil
	}
	c := make(map[string]hashEntry, bytes.Count(rest, []byte{'\n'}))
	for len(rest) > 0 {
		line, after, ok := bytes.Cut(rest, []byte{'\n'})
		if !ok {
			return nil // cut short
		}
		rest = after
		key, e, ok := parseHashLine(line)
		if !ok {
			return nil
		}
		c[key] = e
	}
	return c
}

// parseHashLine reads `"key"	size	mtime	ino	sha256	md5	"type"`; the
// MD5 is "-" when it was not computed.
func parseHashLine(line []byte) (string, hashEntry, bool) {
	var e hashEntry
	var fields [7][]byte
	for i := range fields {
		if i == len(fields)-1 {
			fields[i] = line
			break
		}
		j := bytes.IndexByte(line, '\t')
		if j < 0 {
			return "", e, false
		}
		fields[i], line = line[:j], line[j+1:]
	}
	key, ok := unquoteCache(fields[0])
	if !ok {
		return "", e, false
	}
	var err error
	if e.Size, err = strconv.ParseInt(string(fields[1]), 10, 64); err != nil {
		return "", e, false
	}
	if e.MTime, err = strconv.ParseInt(string(fields[2]), 10, 64); err != nil {
		return "", e, false
	}
	if e.Ino, err = strconv.ParseUint(string(fields[3]), 10, 64); err != nil {
		return "", e, false
	}
	if len(fields[4]) != 64 || (len(fields[5]) != 32 && string(fields[5]) != "-") {
		return "", e, false
	}
	e.SHA256 = string(fields[4])
	if len(fields[5]) == 32 {
		e.MD5 = make([]byte, 16)
		if _, err := hex.Decode(e.MD5, fields[5]); err != nil {
			return "", e, false
		}
	}
	if e.Type, ok = unquoteCache(fields[6]); !ok {
		return "", e, false
	}
	return key, e, true
}

// unquoteCache reads a string written by strconv.AppendQuote, quickly when it
// holds no escape.
func unquoteCache(q []byte) (string, bool) {
	if len(q) >= 2 && q[0] == '"' && q[len(q)-1] == '"' && bytes.IndexByte(q, '\\') < 0 && bytes.IndexByte(q[1:len(q)-1], '"') < 0 {
		return string(q[1 : len(q)-1]), true
	}
	s, err := strconv.Unquote(string(q))
	return s, err == nil
}

// writeHashCache saves the scan, but for the files modified since racy (Unix
// ns); a folder that cannot be written to just gets scanned in full next
// time.
func writeHashCache(dir string, files []*localFile, racy int64) {
	b := make([]byte, 0, len(hashCacheHeader)+len(files)*200)
	b = append(b, hashCacheHeader...)
	for _, f := range files {
		if f.mtime >= racy || len(f.sha) != 64 || (len(f.md5) != 16 && f.md5 != nil) {
			continue
		}
		b = strconv.AppendQuote(b, f.key)
		b = append(b, '\t')
		b = strconv.AppendInt(b, f.size, 10)
		b = append(b, '\t')
		b = strconv.AppendInt(b, f.mtime, 10)
		b = append(b, '\t')
		b = strconv.AppendUint(b, f.ino, 10)
		b = append(b, '\t')
		b = append(b, f.sha...)
		b = append(b, '\t')
		if f.md5 == nil {
			b = append(b, '-')
		} else {
			b = hex.AppendEncode(b, f.md5)
		}
		b = append(b, '\t')
		b = strconv.AppendQuote(b, f.typ)
		b = append(b, '\n')
	}
	p := filepath.Join(dir, filepath.FromSlash(hashCacheFile))
	if os.MkdirAll(filepath.Dir(p), 0o755) != nil {
		return
	}
	tmp := p + ".tmp"
	if os.WriteFile(tmp, b, 0o644) == nil && os.Rename(tmp, p) == nil {
		os.Remove(filepath.Join(dir, filepath.FromSlash(oldHashCacheFile)))
	}
}

// hash reads the file once, through buf.
func (f *localFile) hash(buf []byte, withMD5 bool) error {
	r, err := openFile(f.path, os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	defer r.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return fmt.Errorf("publish: read %s: %w", f.path, err)
	}
	head = head[:n]
	s := sha256.New()
	var w io.Writer = s
	var m hash.Hash
	if withMD5 {
		m = md5.New()
		w = io.MultiWriter(s, m)
	}
	w.Write(head)
	rest, err := io.CopyBuffer(w, struct{ io.Reader }{r}, buf)
	if err != nil {
		return fmt.Errorf("publish: read %s: %w", f.path, err)
	}
	f.size = int64(n) + rest
	f.sha = hex.EncodeToString(s.Sum(nil))
	f.md5 = nil
	if m != nil {
		f.md5 = m.Sum(nil)
	}
	f.typ = ContentType(f.key, head)
	f.cache = CacheControl(f.key)
	return nil
}

var plainMD5 = regexp.MustCompile(`^[0-9a-f]{32}$`)

// decide says whether f must be uploaded, and why. The listing is the
// truth: the manifest only vouches for an object whose size and ETag it
// recorded; an ETag that is a plain MD5 vouches for itself.
func decide(f *localFile, remote Object, inRemote bool, old entry, inOld bool) (reason string, upload bool) {
	if !inRemote {
		return "new", true
	}
	if remote.Size != f.size {
		return "changed", true
	}
	headersDiffer := inOld && (old.Type != f.typ || old.Cache != f.cache)
	if inOld && old.ETag == remote.ETag && old.Size == remote.Size {
		if old.SHA256 != f.sha {
			return "changed", true
		}
		if headersDiffer {
			return "headers", true
		}
		return "", false
	}
	if plainMD5.MatchString(remote.ETag) {
		if remote.ETag != hex.EncodeToString(f.md5) {
			return "changed", true
		}
		if headersDiffer {
			return "headers", true
		}
		return "", false
	}
	return "unverified", true
}

// phaseOf puts a file in its upload phase.
func phaseOf(key string) Phase {
	base := path.Base(key)
	ext := strings.ToLower(path.Ext(key))
	switch {
	case isHome(key), isTop(base, ext):
		return PhaseTop
	case ext == ".html" || ext == ".htm":
		return PhasePages
	case ext == ".css" || ext == ".js" || ext == ".mjs":
		return PhaseAssets
	}
	return PhaseFiles
}

var langHome = regexp.MustCompile(`^[a-z]{2}/index\.html$`)

// isHome: the home page and the home of each language ("en/index.html").
func isHome(key string) bool { return key == "index.html" || langHome.MatchString(key) }

// isTop: files that list the whole portal: catalog, feeds, sitemaps.
func isTop(base, ext string) bool {
	switch {
	case ext == ".xml", ext == ".atom", ext == ".rss":
		return true // feeds (feed.xml, Hugo's index.xml), sitemap.xml
	case base == "robots.txt":
		return true
	case strings.HasPrefix(base, "catalog"), strings.HasPrefix(base, "catalogo"):
		return true // catalog.rdf, catalog.ttl, catalog.jsonld, ...
	}
	return false
}

// waves orders the uploads of one phase: a page goes in a later wave than
// every page of the same phase it links to, so that each wave links only to
// what is already there. New pages that link to each other in a cycle (a
// new dataset page and its version page) share a wave: none of them is
// reachable before the pages that link to the cycle, which come later.
func waves(acts []*Action, local map[string]*localFile) {
	pending := make(map[string]*Action, len(acts))
	for _, a := range acts {
		pending[a.Key] = a
	}
	deps := pageDeps(acts, pending, local)
	keys := make([]string, 0, len(acts))
	for _, a := range acts {
		keys = append(keys, a.Key)
	}
	sort.Strings(keys)
	// Tarjan's algorithm finds the cycles (strongly connected components)
	// and emits each after every component it depends on, so one pass
	// gives each component its wave.
	var (
		index   = map[string]int{}
		low     = map[string]int{}
		onStack = map[string]bool{}
		stack   []string
		next    int
	)
	var visit func(k string)
	visit = func(k string) {
		index[k], low[k] = next, next
		next++
		stack = append(stack, k)
		onStack[k] = true
		for _, d := range deps[k] {
			if _, seen := index[d]; !seen {
				visit(d)
				low[k] = min(low[k], low[d])
			} else if onStack[d] {
				low[k] = min(low[k], index[d])
			}
		}
		if low[k] != index[k] {
			return
		}
		var comp []string
		for {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[top] = false
			comp = append(comp, top)
			if top == k {
				break
			}
		}
		in := make(map[string]bool, len(comp))
		for _, c := range comp {
			in[c] = true
		}
		wave := 0
		for _, c := range comp {
			for _, d := range deps[c] {
				if !in[d] {
					wave = max(wave, pending[d].Wave+1)
				}
			}
		}
		for _, c := range comp {
			pending[c].Wave = wave
		}
	}
	for _, k := range keys {
		if _, seen := index[k]; !seen {
			visit(k)
		}
	}
}

// pageDeps reads the pages to upload, several at a time, and returns for
// each the new files of the phase it links to. Only a link to a new file
// must wait: an old version of a changed file is there until its new one
// replaces it. With no new file in the phase, no page is read.
func pageDeps(acts []*Action, pending map[string]*Action, local map[string]*localFile) map[string][]string {
	deps := make(map[string][]string)
	anyNew := false
	for _, a := range acts {
		anyNew = anyNew || a.Reason == "new"
	}
	if !anyNew {
		return deps
	}
	var pages []*Action
	for _, a := range acts {
		if ext := path.Ext(a.Key); ext == ".html" || ext == ".htm" {
			pages = append(pages, a)
		}
	}
	found := make([][]string, len(pages))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(len(pages), max(2, runtime.GOMAXPROCS(0))) {
		wg.Go(func() {
			var buf bytes.Buffer
			for i := int(next.Add(1) - 1); i < len(pages); i = int(next.Add(1) - 1) {
				a := pages[i]
				buf.Reset()
				if err := readInto(&buf, local[a.Key].path); err != nil {
					continue // the upload will report it
				}
				links, ok := fastLinks(a.Key, buf.Bytes())
				if !ok {
					links = pageLinks(a.Key, bytes.NewReader(buf.Bytes()))
				}
				for _, l := range links {
					if d, ok := pending[l]; ok && l != a.Key && d.Reason == "new" {
						found[i] = append(found[i], l)
					}
				}
			}
		})
	}
	wg.Wait()
	for i, a := range pages {
		if len(found[i]) > 0 {
			deps[a.Key] = found[i]
		}
	}
	return deps
}

func readInto(buf *bytes.Buffer, name string) error {
	f, err := openFile(name, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = buf.ReadFrom(f)
	return err
}

// pageLinks returns the keys an HTML page refers to (href, src, srcset and
// refresh redirects), resolved against the page's own key.
func pageLinks(key string, body io.Reader) []string {
	var out []string
	add := func(ref string) {
		if k, ok := resolve(key, ref); ok {
			out = append(out, k)
		}
	}
	z := html.NewTokenizer(body)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		var refresh bool
		var content string
		for {
			k, v, more := z.TagAttr()
			switch string(k) {
			case "href", "src":
				add(string(v))
			case "srcset":
				for _, c := range strings.Split(string(v), ",") {
					if f := strings.Fields(c); len(f) > 0 {
						add(f[0])
					}
				}
			case "http-equiv":
				refresh = strings.EqualFold(string(v), "refresh")
			case "content":
				content = string(v)
			}
			if !more {
				break
			}
		}
		if refresh {
			if _, u, ok := strings.Cut(strings.ToLower(content), "url="); ok {
				add(content[len(content)-len(u):])
			}
		}
	}
}

// resolve turns a reference found in page into a key. Links to other hosts
// resolve too (by path): at worst they add an order that was not needed.
func resolve(page, ref string) (string, bool) {
	ref = strings.TrimSpace(ref)
	u, err := url.Parse(ref)
	if err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") {
		return "", false
	}
	p := u.Path
	if p == "" {
		return "", false // fragment or query only
	}
	if !strings.HasPrefix(p, "/") {
		dirLink := strings.HasSuffix(p, "/")
		p = path.Join(path.Dir("/"+page), p)
		if dirLink {
			p += "/"
		}
	}
	if strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	p = strings.TrimPrefix(path.Clean(p), "/")
	if p == "" || p == "." || strings.HasPrefix(p, "..") {
		return "", false
	}
	return p, true
}

// plan compares the local files with the target and returns the actions in
// execution order, the keys left as they are, and the manifest entries of
// the unchanged files.
func plan(local map[string]*localFile, remote map[string]Object, old manifest) (acts []Action, unchanged map[string]entry) {
	unchanged = make(map[string]entry)
	byPhase := make(map[Phase][]*Action)
	for key, f := range local {
		r, inRemote := remote[key]
		o, inOld := old.Files[key]
		reason, up := decide(f, r, inRemote, o, inOld)
		if !up {
			unchanged[key] = entry{SHA256: f.sha, Size: f.size, Type: f.typ, Cache: f.cache, ETag: r.ETag}
			continue
		}
		ph := phaseOf(key)
		byPhase[ph] = append(byPhase[ph], &Action{Op: Upload, Key: key, Phase: ph, Reason: reason, Size: f.size, ContentType: f.typ})
	}
	for _, ph := range []Phase{PhasePages, PhaseTop} {
		waves(byPhase[ph], local)
	}
	for key, r := range remote {
		if _, ok := local[key]; ok {
			continue
		}
		// Pages go first (wave 0), so no page is left pointing at a file
		// deleted before it.
		w := 1
		if ext := path.Ext(key); ext == ".html" || ext == ".htm" {
			w = 0
		}
		byPhase[PhaseDelete] = append(byPhase[PhaseDelete], &Action{Op: Delete, Key: key, Phase: PhaseDelete, Wave: w, Reason: "gone", Size: r.Size})
	}
	for ph := PhaseFiles; ph <= PhaseDelete; ph++ {
		list := byPhase[ph]
		sort.Slice(list, func(i, j int) bool {
			if list[i].Wave != list[j].Wave {
				return list[i].Wave < list[j].Wave
			}
			return list[i].Key < list[j].Key
		})
		for _, a := range list {
			acts = append(acts, *a)
		}
	}
	return acts, unchanged
}
