package site

import (
	"bytes"
	"encoding/xml"
	"path/filepath"
)

// writeSitemaps writes a sitemap of every page per language, and at the
// root an index of them, as Hugo does for a multilingual site. It returns
// how many files it wrote.
func writeSitemaps(out, base string, groups []group) (int, error) {
	type url struct {
		Loc     string `xml:"loc"`
		Lastmod string `xml:"lastmod,omitempty"`
	}
	byLang := map[string][]url{}
	for _, g := range groups {
		for _, p := range g.pages {
			byLang[p.lang] = append(byLang[p.lang], url{base + urlPath(p.rel, p.lang), p.modified})
		}
	}
	type set struct {
		XMLName xml.Name `xml:"urlset"`
		NS      string   `xml:"xmlns,attr"`
		URLs    []url    `xml:"url"`
	}
	type loc struct {
		Loc string `xml:"loc"`
	}
	type index struct {
		XMLName  xml.Name `xml:"sitemapindex"`
		NS       string   `xml:"xmlns,attr"`
		Sitemaps []loc    `xml:"sitemap"`
	}
	const ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
	idx := index{NS: ns}
	n := 0
	for _, lang := range languages {
		rel := lang + "/sitemap.xml"
		if err := writeXML(out, rel, set{NS: ns, URLs: byLang[lang]}); err != nil {
			return n, err
		}
		idx.Sitemaps = append(idx.Sitemaps, loc{base + rel})
		n++
	}
	return n + 1, writeXML(out, "sitemap.xml", idx)
}

func writeXML(out, rel string, v any) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.WriteByte('\n')
	return writeIfChanged(filepath.Join(out, filepath.FromSlash(rel)), buf.Bytes())
}
