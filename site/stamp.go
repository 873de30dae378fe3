package site

// Stamped pages. A Province's contracts give a page per lotto, some
// 150,000 in each language: nine pages of the portal in ten. Hugo takes
// about a millisecond of CPU for a page, most of it in its templates, so a
// cold build of such a portal spent most of its time on pages that all look
// alike. They are stamped instead: Hugo renders, in each language, one
// frame of such a page (stamp.html: everything baseof.html gives a page,
// the head, header, breadcrumb and footer) with markers where the page's
// own title, address and article go; the article comes from a Go template
// (stamps/), and the page is the frame with its parts filled in.

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

//go:embed stamps
var stampFS embed.FS

var stampTemplates = template.Must(template.ParseFS(stampFS, "stamps/*.html"))

// The markers of a frame. Hugo renders the frame page as any other page of
// its section, under stampFrameID; the markers are plain words that no
// escaping or minifying changes.
const (
	stampFrameID    = "zzstampframezz"
	stampTitleMark  = "ZZSTAMPTITLEZZ"
	stampMainMark   = "ZZSTAMPMAINZZ"
	stampFrameDir   = "contratti/lotti/"
	stampFrameRel   = stampFrameDir + stampFrameID
	stampFrameGroup = "stamp-frame"
)

// stampJob is a page to stamp: its group (key), place and language, and
// its layout: the page's title and the data its article's template
// (stamps/<tmpl>) is executed with.
type stampJob struct {
	key, rel, lang, tmpl string
	view                 func(links linker) (title string, data any)
}

// linker resolves a portal address (as "contratti/") to the path a page
// links to, as Hugo's relLangURL does: under the base URL's path, and for
// a language other than the first under its code.
type linker struct{ prefix string }

func newLinker(base, lang string) linker {
	p := "/"
	if u, err := url.Parse(base); err == nil && u.Path != "" {
		p = strings.TrimSuffix(u.Path, "/") + "/"
	}
	if lang != languages[0] {
		p += lang + "/"
	}
	return linker{prefix: p}
}

func (l linker) url(rel string) string { return l.prefix + rel }

// frame is a page of Hugo's with the markers cut out: parts[i] comes
// before slots[i], the last part after the last slot.
type frame struct {
	parts []string
	slots []string // stampTitleMark, stampMainMark or stampFrameID
}

// cutFrame splits a rendered frame page at its markers. A frame without
// its article marker, or with it twice, means the frame layout changed
// under the stamps: an error, not a portal of empty pages.
func cutFrame(page string) (*frame, error) {
	if n := strings.Count(page, stampMainMark); n != 1 {
		return nil, fmt.Errorf("stamp frame: the article marker appears %d times", n)
	}
	if !strings.Contains(page, stampTitleMark) {
		return nil, fmt.Errorf("stamp frame: no title marker")
	}
	f := &frame{}
	for {
		at, mark := -1, ""
		for _, m := range []string{stampTitleMark, stampMainMark, stampFrameID} {
			if i := strings.Index(page, m); i >= 0 && (at < 0 || i < at) {
				at, mark = i, m
			}
		}
		if at < 0 {
			f.parts = append(f.parts, page)
			return f, nil
		}
		f.parts = append(f.parts, page[:at])
		f.slots = append(f.slots, mark)
		page = page[at+len(mark):]
	}
}

// fill writes the page of id, titled title, whose article is main.
func (f *frame) fill(dst *bytes.Buffer, id, title string, main []byte) {
	escaped := html.EscapeString(title)
	for i, s := range f.slots {
		dst.WriteString(f.parts[i])
		switch s {
		case stampTitleMark:
			dst.WriteString(escaped)
		case stampMainMark:
			dst.Write(main)
		default:
			dst.WriteString(id)
		}
	}
	dst.WriteString(f.parts[len(f.parts)-1])
}

// renderFrames has Hugo render the frame page in every language, beside
// the home and section pages its breadcrumb and links need, and returns
// the frames by language. The frame pages are removed from out.
func renderFrames(work, out, base string, groups []group, log *slog.Logger) (map[string]*frame, error) {
	g := group{key: stampFrameGroup}
	for _, lang := range languages {
		p, err := newPage(stampFrameRel, lang, frontMatter{Title: stampTitleMark, Layout: "stamp"})
		if err != nil {
			return nil, err
		}
		g.pages = append(g.pages, p)
	}
	content := filepath.Join(work, "content")
	if err := os.RemoveAll(content); err != nil {
		return nil, err
	}
	if err := writeChunk(content, groups, []group{g}); err != nil {
		return nil, err
	}
	if err := runHugo(work, out, base, &fileSet{names: map[string]bool{}}, log); err != nil {
		return nil, err
	}
	frames := map[string]*frame{}
	for _, lang := range languages {
		dir := filepath.Join(out, filepath.FromSlash(urlPath(stampFrameRel, lang)))
		data, err := os.ReadFile(filepath.Join(dir, "index.html"))
		if err != nil {
			return nil, fmt.Errorf("stamp frame: %w", err)
		}
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		f, err := cutFrame(string(data))
		if err != nil {
			return nil, err
		}
		frames[lang] = f
	}
	return frames, nil
}

// stampAll stamps the pages of jobs whose group changed since prev (all
// of them when full) and writes them into out. A group is unchanged when
// what its pages are made from is: the data of each article (its JSON),
// the title, the frame and the stamp templates, so an unchanged page is
// laid out and hashed but not rendered. It adds each group to cur and
// returns the groups, for the sitemaps, and how many pages it wrote.
func stampAll(ctx context.Context, out, base string, jobs []stampJob, frames map[string]*frame, prev, cur *manifest, full bool) ([]group, int, error) {
	// A group is its pages in every language, next to each other.
	var keys []string
	byKey := map[string][]int{}
	for i, j := range jobs {
		if _, ok := byKey[j.key]; !ok {
			keys = append(keys, j.key)
		}
		byKey[j.key] = append(byKey[j.key], i)
	}
	salt := stampSalt(frames)
	groups := make([]group, len(keys))
	done := make([]renderedAs, len(keys))
	var (
		mu      sync.Mutex
		first   error
		written int
		wg      sync.WaitGroup
	)
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			s := &stamper{out: out, frames: frames, salt: salt, links: map[string]linker{}}
			for _, lang := range languages {
				s.links[lang] = newLinker(base, lang)
			}
			for gi := range next {
				var old string
				if !full && prev != nil {
					old = prev.Groups[keys[gi]].Hash
				}
				g, r, err := s.group(keys[gi], byKey[keys[gi]], jobs, old)
				if err != nil {
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
					continue
				}
				groups[gi], done[gi] = g, r
			}
			mu.Lock()
			written += s.written
			mu.Unlock()
		})
	}
	for gi := range keys {
		if ctx.Err() != nil {
			break
		}
		next <- gi
	}
	close(next)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	if first != nil {
		return nil, 0, first
	}
	for gi, k := range keys {
		cur.Groups[k] = done[gi]
	}
	return groups, written, nil
}

// stampSalt is what every stamped page of a language is made from besides
// its own data: the stamp templates and the language's frame.
func stampSalt(frames map[string]*frame) map[string][]byte {
	h := sha256.New()
	fs.WalkDir(stampFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := stampFS.ReadFile(p)
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
		return err
	})
	templates := h.Sum(nil)
	out := map[string][]byte{}
	for lang, f := range frames {
		h := sha256.New()
		h.Write(templates)
		for i, part := range f.parts {
			fmt.Fprintf(h, "%d\x00%s\x00", len(part), part)
			if i < len(f.slots) {
				fmt.Fprintf(h, "%s\x00", f.slots[i])
			}
		}
		out[lang] = h.Sum(nil)
	}
	return out
}

// stamper stamps groups of pages; one per worker.
type stamper struct {
	out     string
	frames  map[string]*frame
	salt    map[string][]byte
	links   map[string]linker
	main    bytes.Buffer
	page    bytes.Buffer
	written int
}

// group lays out and hashes the pages of one group; when the hash is not
// old, it renders and writes them.
func (s *stamper) group(key string, idx []int, jobs []stampJob, old string) (group, renderedAs, error) {
	g := group{key: key}
	h := sha256.New()
	titles := make([]string, len(idx))
	data := make([]any, len(idx))
	for n, i := range idx {
		j := jobs[i]
		title, d := j.view(s.links[j.lang])
		js, err := json.Marshal(d)
		if err != nil {
			return g, renderedAs{}, fmt.Errorf("page %s: %w", j.rel, err)
		}
		ph := sha256.New()
		ph.Write(s.salt[j.lang])
		fmt.Fprintf(ph, "%s\x00%s\x00%s\x00%s\x00", j.rel, j.lang, j.tmpl, title)
		ph.Write(js)
		var sum [32]byte
		ph.Sum(sum[:0])
		h.Write(sum[:])
		titles[n], data[n] = title, d
		g.pages = append(g.pages, page{rel: j.rel, lang: j.lang, sum: sum})
	}
	r := renderedAs{Hash: hex.EncodeToString(h.Sum(nil)), Files: g.files()}
	if r.Hash == old {
		return g, r, nil
	}
	for n, i := range idx {
		j := jobs[i]
		t := stampTemplates.Lookup(j.tmpl)
		if t == nil {
			return g, r, fmt.Errorf("page %s: no stamp template %s", j.rel, j.tmpl)
		}
		s.main.Reset()
		if err := t.Execute(&s.main, data[n]); err != nil {
			return g, r, fmt.Errorf("page %s: %w", j.rel, err)
		}
		s.page.Reset()
		s.frames[j.lang].fill(&s.page, path.Base(j.rel), titles[n], s.main.Bytes())
		file := filepath.Join(s.out, filepath.FromSlash(urlPath(j.rel, j.lang)), "index.html")
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return g, r, err
		}
		if err := os.WriteFile(file, s.page.Bytes(), 0o644); err != nil {
			return g, r, err
		}
		s.written++
	}
	return g, r, nil
}
