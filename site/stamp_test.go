package site

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

func TestCutFrame(t *testing.T) {
	for _, bad := range []string{
		"<title>ZZSTAMPTITLEZZ</title><main></main>",
		"<title>ZZSTAMPTITLEZZ</title><main>ZZSTAMPMAINZZ ZZSTAMPMAINZZ</main>",
		"<title>x</title><main>ZZSTAMPMAINZZ</main>",
	} {
		if _, err := cutFrame(bad); err == nil {
			t.Errorf("cutFrame(%q): no error", bad)
		}
	}
	f, err := cutFrame(`<title>ZZSTAMPTITLEZZ – P</title><link href="/x/zzstampframezz/"><a href="/en/x/zzstampframezz/">en</a><span>ZZSTAMPTITLEZZ</span><main>ZZSTAMPMAINZZ</main>`)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	f.fill(&b, "abc123", `Lotto "A" <B> & C`, []byte("<article>x</article>"))
	want := `<title>Lotto &#34;A&#34; &lt;B&gt; &amp; C – P</title><link href="/x/abc123/"><a href="/en/x/abc123/">en</a><span>Lotto &#34;A&#34; &lt;B&gt; &amp; C</span><main><article>x</article></main>`
	if b.String() != want {
		t.Errorf("fill:\n got %s\nwant %s", b.String(), want)
	}
}

func TestLinker(t *testing.T) {
	tests := []struct{ base, lang, want string }{
		{"https://dati.example.org/", "it", "/contratti/"},
		{"https://dati.example.org/", "en", "/en/contratti/"},
		{"https://example.org/portale/", "it", "/portale/contratti/"},
		{"https://example.org/portale", "en", "/portale/en/contratti/"},
		{"/", "it", "/contratti/"},
	}
	for _, tt := range tests {
		if got := newLinker(tt.base, tt.lang).url("contratti/"); got != tt.want {
			t.Errorf("newLinker(%q, %q).url = %q, want %q", tt.base, tt.lang, got, tt.want)
		}
	}
}

// TestStampedPages checks that a stamped lotto page is framed as Hugo
// frames the other pages of its section: the same head, menu and footer as
// a supplier's page, its own address in canonical, alternates and language
// switch, its title in the breadcrumb, and no marker left anywhere.
func TestStampedPages(t *testing.T) {
	out := t.TempDir()
	b := contractsBuild()
	b.Portal.BaseURL = "https://dati.example.org/"
	if _, err := Render(context.Background(), b, out, nil); err != nil {
		t.Fatal(err)
	}
	lotto := read(t, out, "contratti/lotti/z0a1b2c3d4/index.html")
	supplier := read(t, out, "contratti/fornitori/01234567890/index.html")
	for _, re := range []string{`<link rel="stylesheet"[^>]*>`, `<nav class="main-nav".*?</nav>`, `<footer.*</footer>`, `<meta name="description"[^>]*>`} {
		r := regexp.MustCompile(re)
		if got, want := r.FindString(lotto), r.FindString(supplier); got == "" || got != want {
			t.Errorf("%s:\n lotto    %q\n supplier %q", re, got, want)
		}
	}
	for _, want := range []string{
		`<html lang="it">`,
		`<title>Lotto Z0A1B2C3D4: Manutenzione del verde – `,
		`<link rel="canonical" href="https://dati.example.org/contratti/lotti/z0a1b2c3d4/">`,
		`<link rel="alternate" hreflang="en" href="https://dati.example.org/en/contratti/lotti/z0a1b2c3d4/">`,
		`<a href="/en/contratti/lotti/z0a1b2c3d4/" hreflang="en" lang="en">English</a>`,
		`<li><a href="/contratti/">Contratti pubblici</a></li><li><span aria-current="page">Lotto Z0A1B2C3D4: Manutenzione del verde</span></li></ol></nav><article><h1>Lotto Z0A1B2C3D4: Manutenzione del verde</h1>`,
		`</article></div></main><footer`,
	} {
		if !strings.Contains(lotto, want) {
			t.Errorf("lotto page lacks %s", want)
		}
	}
	en := read(t, out, "en/contratti/lotti/z0a1b2c3d4/index.html")
	for _, want := range []string{`<html lang="en">`, `<title>Lot Z0A1B2C3D4: Manutenzione del verde – `, `<a href="/contratti/lotti/z0a1b2c3d4/" hreflang="it" lang="it">Italiano</a>`, `<h2 id="lotto-h">Lot details</h2>`} {
		if !strings.Contains(en, want) {
			t.Errorf("English lotto page lacks %s", want)
		}
	}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if d != nil && d.Name() == stampFrameID {
				t.Errorf("the frame page was left in %s", p)
			}
			return err
		}
		data, err := os.ReadFile(p)
		for _, m := range []string{stampTitleMark, stampMainMark, stampFrameID} {
			if bytes.Contains(data, []byte(m)) {
				t.Errorf("%s holds the marker %s", p, m)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestStampIncremental renders the contracts twice into one folder: the
// second time no page is written; then a lotto's object changes, and its
// two pages are stamped again, no other lotto's.
func TestStampIncremental(t *testing.T) {
	out := t.TempDir()
	first, err := Render(context.Background(), contractsBuild(), out, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Render(context.Background(), contractsBuild(), out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Rendered != 0 || again.Pages != first.Pages {
		t.Errorf("nothing changed: %d of %d pages rendered (first render: %d pages)", again.Rendered, again.Pages, first.Pages)
	}
	// An old time on an unchanged lotto's page shows whether it is
	// written again.
	other := filepath.Join(out, "contratti/lotti/1234567890/index.html")
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(other, old, old); err != nil {
		t.Fatal(err)
	}
	b := contractsBuild()
	d := &b.Datasets[len(b.Datasets)-1]
	d.Table.Rows[0].Cells[3] = catalog.Cell{Raw: "Potatura dei tigli", Value: "Potatura dei tigli"}
	if _, err := Render(context.Background(), b, out, nil); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"contratti/lotti/z0a1b2c3d4/index.html", "en/contratti/lotti/z0a1b2c3d4/index.html"} {
		if page := read(t, out, p); !strings.Contains(page, "Potatura dei tigli") {
			t.Errorf("%s was not stamped again", p)
		}
	}
	after, err := os.Stat(other)
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(old) {
		t.Errorf("an unchanged lotto's page was written again")
	}
}

// TestMarkupEscapes checks that data written into a stamped page is
// escaped, in text and in attributes, and the markup is not.
func TestMarkupEscapes(t *testing.T) {
	var b bytes.Buffer
	m := markup{&b}
	m.raw(`<p>`)
	m.link(`/a?x="1"&y='2'`, `<script>alert("x")</script> & 'y'`)
	m.raw(`</p>`)
	want := `<p><a href="/a?x=&#34;1&#34;&amp;y=&#39;2&#39;">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;y&#39;</a></p>`
	if b.String() != want {
		t.Errorf("got  %s\nwant %s", b.String(), want)
	}
}
