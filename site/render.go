// Package site renders the portal: it writes Hugo content from a catalog
// build and runs Hugo, embedded as a library, over the project kept in this
// folder (hugo.toml, layouts, i18n, assets, static).
package site

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the portal shows times in Europe/Rome on any machine

	"github.com/bep/logg"
	"github.com/gohugoio/hugo/common/loggers"
	"github.com/gohugoio/hugo/config"
	"github.com/gohugoio/hugo/config/allconfig"
	"github.com/gohugoio/hugo/deps"
	"github.com/gohugoio/hugo/hugofs"
	"github.com/gohugoio/hugo/hugolib"
	"github.com/spf13/afero"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

//go:embed hugo.toml all:layouts i18n assets static
var projectFS embed.FS

// Stats says how much a render produced.
type Stats struct {
	// Pages is the number of content pages of the portal, counting each
	// language.
	Pages int
	// Rendered is how many of them were rendered this time: the others
	// were unchanged since the last render into the same folder.
	Rendered int
	// Files is the number of files written into the output folder.
	Files int
}

var languages = []string{"it", "en"}

// chunkPages bounds the pages Hugo holds at once: the portal is rendered in
// chunks, so memory does not grow with its size.
const chunkPages = 8000

// chunkBytes bounds the front matter of a chunk: 8,000 lotti are some
// 15 MB of it, 8,000 pages of suppliers or search several times more.
const chunkBytes = 24 << 20

// Render writes the portal for b into outDir. Files already in outDir (the
// downloads written by the export stage) are left alone. A manifest kept in
// outDir (under .opendata/, which publishing skips) records what each page
// was made from: a later render into the same folder renders only the pages
// whose content changed, and removes the pages that are gone.
func Render(ctx context.Context, b *catalog.Build, outDir string, log *slog.Logger) (Stats, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := ctx.Err(); err != nil {
		return Stats{}, err
	}
	out, err := filepath.Abs(outDir)
	if err != nil {
		return Stats{}, fmt.Errorf("site: %w", err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return Stats{}, fmt.Errorf("site: %w", err)
	}
	work, err := os.MkdirTemp("", "opendata-site-")
	if err != nil {
		return Stats{}, fmt.Errorf("site: %w", err)
	}
	defer os.RemoveAll(work)

	if err := copyProject(work); err != nil {
		return Stats{}, fmt.Errorf("site: copy project: %w", err)
	}
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return Stats{}, fmt.Errorf("site: %w", err)
	}
	portal, err := writePortal(work, b)
	if err != nil {
		return Stats{}, fmt.Errorf("site: write data: %w", err)
	}
	start := time.Now()
	base := baseURL(b.Portal.BaseURL)
	m, err := newModel(b)
	if err != nil {
		return Stats{}, err
	}
	w := &writer{m: m, loc: loc, base: base}
	groups, err := w.groups(languages)
	if err != nil {
		return Stats{}, fmt.Errorf("site: %w", err)
	}
	prev := readManifest(out)
	project := projectHash(base, portal)
	full := renderAll(prev, project, out)
	cur, todo := plan(groups, prev, project, full)
	st := Stats{}
	for _, g := range groups {
		st.Pages += len(g.pages)
	}
	if len(w.stamps) > 0 {
		stamping := time.Now()
		frames, err := renderFrames(work, out, base, groups, log)
		if err != nil {
			return Stats{}, fmt.Errorf("site: hugo: %w", err)
		}
		stamped, n, err := stampAll(ctx, out, base, w.stamps, frames, prev, cur, full)
		if err != nil {
			return Stats{}, fmt.Errorf("site: %w", err)
		}
		for _, g := range stamped {
			st.Pages += len(g.pages)
		}
		st.Rendered += n
		st.Files += n
		groups = append(groups, stamped...)
		log.Debug("pages stamped", "pages", len(w.stamps), "written", n, "took", time.Since(stamping).Round(time.Millisecond))
	}
	// The pages are laid out and stamped: the contracts read for them (a
	// Province's 150,000 lotti with their parties) need not stay in memory
	// while Hugo renders.
	m.con = nil
	w.stamps = nil
	if err := removeStale(out, prev, cur); err != nil {
		return Stats{}, fmt.Errorf("site: %w", err)
	}
	written := &fileSet{names: map[string]bool{}}
	for _, chunk := range chunks(todo, chunkPages, chunkBytes) {
		if err := ctx.Err(); err != nil {
			return Stats{}, err
		}
		content := filepath.Join(work, "content")
		if err := os.RemoveAll(content); err != nil {
			return Stats{}, fmt.Errorf("site: %w", err)
		}
		if err := writeChunk(content, groups, chunk); err != nil {
			return Stats{}, fmt.Errorf("site: write content: %w", err)
		}
		if err := runHugo(work, out, base, written, log); err != nil {
			return Stats{}, fmt.Errorf("site: hugo: %w", err)
		}
		for _, g := range chunk {
			st.Rendered += len(g.pages)
		}
	}
	st.Files += written.len()
	// Hugo as a library does not copy static files (the hugo command
	// does), so they are copied here.
	static, err := copyStatic(out)
	if err != nil {
		return Stats{}, fmt.Errorf("site: static files: %w", err)
	}
	st.Files += static
	// The search index and the sitemaps cover every page, so they are
	// written here rather than by Hugo, which sees only a chunk.
	for _, lang := range languages {
		f := formatter{lang: lang, loc: loc}
		if err := writeJSON(out, indexPath(lang), w.index(f)); err != nil {
			return Stats{}, fmt.Errorf("site: search index: %w", err)
		}
	}
	n, err := writeSitemaps(out, base, groups)
	if err != nil {
		return Stats{}, fmt.Errorf("site: sitemap: %w", err)
	}
	st.Files += n + len(languages)
	if err := writeManifest(out, cur); err != nil {
		return Stats{}, fmt.Errorf("site: %w", err)
	}
	log.Info("site rendered", "pages", st.Pages, "rendered", st.Rendered, "files", st.Files, "took", time.Since(start).Round(time.Millisecond))
	return st, nil
}

func baseURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "/"
	}
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s
}

// copyProject writes the embedded Hugo project into dir.
func copyProject(dir string) error {
	return fs.WalkDir(projectFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := projectFS.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// copyStatic writes the embedded static files into out.
func copyStatic(out string) (int, error) {
	n := 0
	err := fs.WalkDir(projectFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := projectFS.ReadFile(p)
		if err != nil {
			return err
		}
		target := filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(p, "static/")))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		n++
		return os.WriteFile(target, data, 0o644)
	})
	return n, err
}

// indexPath is where the catalog of a language keeps its search index.
func indexPath(lang string) string {
	if lang == languages[0] {
		return "datasets/index.json"
	}
	return lang + "/datasets/index.json"
}

// writeJSON writes v as JSON into out/rel.
func writeJSON(out, rel string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeIfChanged(filepath.Join(out, filepath.FromSlash(rel)), data)
}

// writeIfChanged leaves a file alone when it already holds data, so its
// time stays that of its last change.
func writeIfChanged(file string, data []byte) error {
	if old, err := os.ReadFile(file); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o644)
}

// writePortal writes what every page shows of the portal, by language, and
// returns it.
func writePortal(dir string, b *catalog.Build) ([]byte, error) {
	p := b.Portal
	data := map[string]any{}
	for _, lang := range languages {
		data[lang] = map[string]any{
			"title":       p.Title.In(lang),
			"description": p.Description.In(lang),
			"publisher":   p.Publisher.Name.In(lang),
			"email":       p.Publisher.Email,
			"ipa":         p.Publisher.IPA,
			"homepage":    p.Publisher.Homepage,
			"contracts":   hasContracts(b),
		}
	}
	buf, err := json.MarshalIndent(data, "", " ")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		return nil, err
	}
	return buf, os.WriteFile(filepath.Join(dir, "data", "portal.json"), buf, 0o644)
}

// runHugo builds the Hugo project in workDir into publishDir and records
// in written the files it wrote.
func runHugo(workDir, publishDir, base string, written *fileSet, log *slog.Logger) error {
	lw := &logWriter{log: log}
	defer lw.flush()
	// LoadConfig also makes this logger Hugo's global one (deprecation
	// notices), so nothing Hugo says reaches stdout.
	hlog := loggers.New(loggers.Options{Level: logg.LevelWarn, StdOut: lw, StdErr: lw})
	flags := config.New()
	flags.Set("workingDir", workDir)
	flags.Set("publishDir", publishDir)
	flags.Set("baseURL", base)
	flags.Set("cacheDir", filepath.Join(workDir, ".cache"))
	flags.Set("environment", "production")
	configs, err := allconfig.LoadConfig(allconfig.ConfigSourceDescriptor{
		Flags:       flags,
		Fs:          hugofs.Os,
		Filename:    filepath.Join(workDir, "hugo.toml"),
		Logger:      hlog,
		Environment: "production",
		Environ:     []string{"HUGO_ENV=production"},
	})
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	hfs := hugofs.NewFrom(hugofs.Os, configs.LoadingInfo.BaseConfig)
	hfs.PublishDir = &countFs{Fs: hfs.PublishDir, set: written}
	hfs.PublishDirStatic = &countFs{Fs: hfs.PublishDirStatic, set: written}

	sites, err := hugolib.NewHugoSites(deps.DepsCfg{
		Configs:  configs,
		Fs:       hfs,
		LogLevel: logg.LevelWarn,
		StdOut:   lw,
		StdErr:   lw,
	})
	if err != nil {
		return err
	}
	defer sites.Close()
	return sites.Build(hugolib.BuildCfg{})
}

// fileSet is the set of files Hugo wrote.
type fileSet struct {
	mu    sync.Mutex
	names map[string]bool
}

func (s *fileSet) add(name string) {
	s.mu.Lock()
	s.names[filepath.Clean(name)] = true
	s.mu.Unlock()
}

func (s *fileSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.names)
}

// countFs records in set the names of the files Hugo creates.
type countFs struct {
	afero.Fs
	set *fileSet
}

func (c *countFs) Create(name string) (afero.File, error) {
	c.set.add(name)
	return c.Fs.Create(name)
}

func (c *countFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE) != 0 {
		c.set.add(name)
	}
	return c.Fs.OpenFile(name, flag, perm)
}

// logWriter turns Hugo's log lines into records of the given logger.
type logWriter struct {
	log *slog.Logger
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadString('\n')
		if err == io.EOF {
			l.buf.WriteString(line)
			break
		}
		l.emit(line)
	}
	return len(p), nil
}

func (l *logWriter) emit(line string) {
	line = strings.TrimSpace(line)
	if line == "" {
		return
	}
	level := slog.LevelInfo
	for prefix, lv := range map[string]slog.Level{"ERROR": slog.LevelError, "WARN": slog.LevelWarn, "INFO": slog.LevelInfo} {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			level, line = lv, strings.TrimSpace(rest)
			break
		}
	}
	l.log.Log(context.Background(), level, line, "component", "hugo")
}

func (l *logWriter) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	sc := bufio.NewScanner(&l.buf)
	for sc.Scan() {
		l.emit(sc.Text())
	}
	l.buf.Reset()
}
