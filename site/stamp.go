package site

// Stamped pages. A Province's contracts give a page per lotto, some
// 150,000 in each language: nine pages of the portal in ten. Hugo takes
// about a millisecond of CPU for a page, most of it in its templates, so a
// cold build of such a portal spent most of its time on pages that all look
// alike. They are stamped instead: Hugo renders, in each language, one
// frame of such a page (stamp.html: everything baseof.html gives a page,
// the head, header, breadcrumb and footer) with markers where the page's
// own title, address and article go; the article is written by Go code
// (as lottoView.write), and the page is the frame with its parts filled in.
// The article is written, not executed from an html/template: that took
// 270 µs a lotto, most of it in the escapers' reflective calls; markup
// escapes every text it is given, so only the markup is written raw.

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"log/slog"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

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
// how to write its article, which returns the page's title.
type stampJob struct {
	key, rel, lang string
	render         func(m markup, links linker) (title string)
}

// markup writes HTML: raw the markup of the page, text and the rest the
// data in it, escaped.
type markup struct{ b *bytes.Buffer }

func (m markup) raw(s string) { m.b.WriteString(s) }

// text writes s escaped for an element's content or a quoted attribute.
func (m markup) text(s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		default:
			continue
		}
		m.b.WriteString(s[last:i])
		m.b.WriteString(esc)
		last = i + 1
	}
	m.b.WriteString(s[last:])
}

// link writes <a href="url">text</a>.
func (m markup) link(url, text string) {
	m.raw(`<a href="`)
	m.text(url)
	m.raw(`">`)
	m.text(text)
	m.raw(`</a>`)
}

func (m markup) code(s string) {
	m.raw(`<code>`)
	m.text(s)
	m.raw(`</code>`)
}

// cell writes a table cell of text.
func (m markup) cell(s string) {
	m.raw(`<td>`)
	m.text(s)
	m.raw(`</td>`)
}

// fact writes a term of a description list and its description.
func (m markup) fact(term string, desc func()) {
	m.raw(`<div><dt>`)
	m.text(term)
	m.raw(`</dt><dd>`)
	desc()
	m.raw(`</dd></div>`)
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

// stampAll stamps the pages of jobs and writes those of the groups that
// changed since prev (all of them when full). It adds each group to cur and
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
			s := &stamper{out: out, frames: frames, links: map[string]linker{}}
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

// stamper stamps groups of pages; one per worker.
type stamper struct {
	out     string
	frames  map[string]*frame
	links   map[string]linker
	main    bytes.Buffer
	pages   []bytes.Buffer
	written int
}

// group stamps the pages of one group and hashes them; when the hash is
// not old, it writes them.
func (s *stamper) group(key string, idx []int, jobs []stampJob, old string) (group, renderedAs, error) {
	g := group{key: key}
	h := sha256.New()
	for len(s.pages) < len(idx) {
		s.pages = append(s.pages, bytes.Buffer{})
	}
	for n, i := range idx {
		j := jobs[i]
		s.main.Reset()
		title := j.render(markup{&s.main}, s.links[j.lang])
		out := &s.pages[n]
		out.Reset()
		s.frames[j.lang].fill(out, path.Base(j.rel), title, s.main.Bytes())
		sum := sha256.Sum256(out.Bytes())
		fmt.Fprintf(h, "%s\x00%s\x00", j.rel, j.lang)
		h.Write(sum[:])
		g.pages = append(g.pages, page{rel: j.rel, lang: j.lang, sum: sum})
	}
	r := renderedAs{Hash: hex.EncodeToString(h.Sum(nil)), Files: g.files()}
	if r.Hash == old {
		return g, r, nil
	}
	for n, p := range g.pages {
		file := filepath.Join(s.out, filepath.FromSlash(urlPath(p.rel, p.lang)), "index.html")
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return g, r, err
		}
		if err := os.WriteFile(file, s.pages[n].Bytes(), 0o644); err != nil {
			return g, r, err
		}
		s.written++
	}
	return g, r, nil
}
