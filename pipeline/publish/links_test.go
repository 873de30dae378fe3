package publish

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestFastLinks: the fast reader finds what the tokenizer finds, or gives
// up; it does not give up on pages shaped like the portal's.
func TestFastLinks(t *testing.T) {
	tests := []struct {
		name   string
		page   string
		giveUp bool
	}{
		{"plain", `<!DOCTYPE html><html><head><link rel="stylesheet" href="/css/site.css"><script src="../js/a.js" defer></script></head><body><a href="x/">x</a><img srcset="a.png 1x, b.png 2x" src=c.png></body></html>`, false},
		{"refresh", `<meta http-equiv="Refresh" content="0; URL=/datasets/nuovo/">`, false},
		{"refresh, content first", `<meta content="0; url=../altro/" http-equiv=refresh>`, false},
		{"upper case", `<A HREF="/Grande/">x</A><IMG SRC='p.png'/>`, false},
		{"duplicate attribute", `<a href="/primo/" href="/secondo/">x</a>`, false},
		{"quotes hide '>'", `<a title="a > b" href='/c/'>x</a><a title='x"y' href=/d/>`, false},
		{"unquoted", `<a href=/e/>x</a><a href=f/ class=x>y</a><a href= g/ >z</a>`, false},
		{"equals first", `<a =href="/no/" href="/si/">x</a>`, false},
		{"slashes", `<a/href="/h/"><br/><a / href = "/i/" / >`, false},
		{"script hides tags", `<script>if (a<b && c>d) { s = '<a href="/non/">' }</script><a href="/dopo/">x</a>`, false},
		{"script end in other case", `<SCRIPT>x</Script ><a href="/j/">`, false},
		{"style and title", `<title><a href="/no/"></title><style>a>b{}</style><a href="/k/">`, false},
		{"textarea", `<textarea><a href="/no/"></textarea  ><a href="/l/">`, false},
		{"end tag attributes", `</a href="/no/"><a href="/m/"></ foo><a href="/n/"></>`, false},
		{"processing instruction", `<?xml version="1.0"?><a href="/o/">`, false},
		{"less-than in text", `a < b <3 <<a href="/p/">`, false},
		{"ampersand", `<a href="/q/?a=1&amp;b=2">x</a>`, false},
		{"entity", `<a href="/r/&eacute;">x</a>`, true},
		{"comment", `<!-- <a href="/no/"> --><a href="/s/">`, true},
		{"escaped script", `<script><!-- </script> --></script><a href="/t/">`, true},
		{"cut short", `<a href="/u/">x</a><a href="/v/`, true},
		{"cut short unquoted", `<a href=/w/`, true},
		{"plaintext", `<plaintext><a href="/no/">`, true},
		{"carriage return", "<a href=\"/x\r/\">", true},
		{"nul", "<a href=\"/y/\">\x00", true},
		{"raw to the end", `<a href="/z/"><script>never closed <a href="/no/">`, false},
		{"cdata", `<![CDATA[<a href="/no/">]]><a href="/aa/">`, true},
	}
	for _, tt := range tests {
		checkFastLinks(t, tt.name, "datasets/a/index.html", []byte(tt.page), tt.giveUp)
	}
	for _, name := range []string{"portal-v1", "portal-v2"} {
		ar, err := txtar.ParseFile(filepath.Join("testdata", name+".txtar"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".html") {
				checkFastLinks(t, name+"/"+f.Name, f.Name, f.Data, false)
			}
		}
	}
}

func checkFastLinks(t *testing.T, name, key string, page []byte, giveUp bool) {
	t.Helper()
	want := pageLinks(key, bytes.NewReader(page))
	got, ok := fastLinks(key, page)
	if ok == giveUp {
		t.Errorf("%s: fastLinks ok = %v, want %v", name, ok, !giveUp)
	}
	if !ok {
		return
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: fastLinks = %v, pageLinks = %v", name, got, want)
	}
}

// FuzzFastLinks: whenever the fast reader answers, it answers as the
// tokenizer does.
func FuzzFastLinks(f *testing.F) {
	f.Add([]byte(`<!doctype html><a href="x/" title='y>z'>a</a><script>1<2</script><img srcset="a 1x,b 2x">`))
	f.Add([]byte(`<meta http-equiv=refresh content="0;url=/a/"></p id=x><?pi?><textarea></textarea/>`))
	if b, err := os.ReadFile(filepath.Join("testdata", "portal-v2.txtar")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		got, ok := fastLinks("datasets/a/index.html", page)
		if !ok {
			return
		}
		want := pageLinks("datasets/a/index.html", bytes.NewReader(page))
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("fastLinks = %q, pageLinks = %q", got, want)
		}
	})
}

// TestFastLinksRandom compares the fast reader with the tokenizer on pages
// made of random pieces of markup (a fixed seed: the same pages each run).
func TestFastLinksRandom(t *testing.T) {
	parts := []string{"<", ">", "a", "A", " ", "/", "=", "\"", "'", "href", "src", "srcset", "x/", "script", "</", "<!--", "!", "?",
		"&amp;", "&", "http-equiv", "refresh", "content", "url=", ",", "title", "style", "\n", "doctype", "<!", "-->", "1x"}
	r := rand.New(rand.NewPCG(1, 2))
	fast := 0
	for range 50000 {
		var b bytes.Buffer
		for range r.IntN(40) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		got, ok := fastLinks("d/a/index.html", b.Bytes())
		if !ok {
			continue
		}
		fast++
		want := pageLinks("d/a/index.html", bytes.NewReader(b.Bytes()))
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("%q: fastLinks %q, pageLinks %q", b.Bytes(), got, want)
		}
	}
	if fast < 10000 {
		t.Errorf("only %d of 50000 pages read fast", fast)
	}
}

// BenchmarkLinks reads the links of a page shaped like a contract's (a
// table of 180 rows, ~16 KB) with the fast reader and with the tokenizer.
func BenchmarkLinks(b *testing.B) {
	var page bytes.Buffer
	page.WriteString(`<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Lotto</title><link rel="stylesheet" href="/css/site.css"><script src="/js/site.js" defer></script></head><body><nav><a href="/">Home</a> <a href="../">Elenco</a></nav><table>`)
	for i := range 180 {
		fmt.Fprintf(&page, "<tr><td>%d</td><td>Fornitore %d S.r.l.</td><td>CIG %010d</td><td>&euro; %d,00</td></tr>\n", i, i*7, i*7919, i*13)
	}
	page.WriteString(`</table><a href="/contratti/lotti/0000001/">1</a></body></html>`)
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(page.Len()))
		for b.Loop() {
			if _, ok := fastLinks("contratti/lotti/0000002/index.html", page.Bytes()); !ok {
				b.Fatal("gave up")
			}
		}
	})
	b.Run("tokenizer", func(b *testing.B) {
		b.SetBytes(int64(page.Len()))
		for b.Loop() {
			pageLinks("contratti/lotti/0000002/index.html", bytes.NewReader(page.Bytes()))
		}
	})
}
