package publish

import (
	"bytes"
	"net/http"
	"path"
	"regexp"
	"strings"
)

// types maps extensions to media types. It is fixed here rather than taken
// from the system's mime tables so a publish gives the same headers on
// every machine.
var mediaTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".jsonld":      "application/ld+json",
	".geojson":     "application/geo+json",
	".webmanifest": "application/manifest+json",
	".csv":         "text/csv; charset=utf-8",
	".tsv":         "text/tab-separated-values; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
	".md":          "text/markdown; charset=utf-8",
	".xml":         "application/xml",
	".xsd":         "application/xml",
	".rdf":         "application/rdf+xml",
	".ttl":         "text/turtle; charset=utf-8",
	".nt":          "application/n-triples",
	".atom":        "application/atom+xml",
	".rss":         "application/rss+xml",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/vnd.microsoft.icon",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".ttf":         "font/ttf",
	".otf":         "font/otf",
	".pdf":         "application/pdf",
	".zip":         "application/zip",
	".xlsx":        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".xls":         "application/vnd.ms-excel",
	".ods":         "application/vnd.oasis.opendocument.spreadsheet",
	".wasm":        "application/wasm",
}

// ContentType returns the media type of the file at key; head is the start
// of its content, used to tell the kinds of .xml apart (Atom and RSS feeds,
// RDF, sitemaps) and to guess unknown extensions.
func ContentType(key string, head []byte) string {
	ext := strings.ToLower(path.Ext(key))
	if ext == ".xml" {
		switch xmlRoot(head) {
		case "feed":
			return "application/atom+xml"
		case "rss":
			return "application/rss+xml"
		case "RDF":
			return "application/rdf+xml"
		}
	}
	if t, ok := KnownType(key); ok {
		return t
	}
	return http.DetectContentType(head)
}

// KnownType returns the media type of a file by its extension alone, if
// the extension is one the publisher knows.
func KnownType(key string) (string, bool) {
	t, ok := mediaTypes[strings.ToLower(path.Ext(key))]
	return t, ok
}

// xmlRoot returns the local name of the first element in head.
func xmlRoot(head []byte) string {
	for len(head) > 0 {
		i := bytes.IndexByte(head, '<')
		if i < 0 || i+1 >= len(head) {
			return ""
		}
		head = head[i+1:]
		if head[0] == '?' || head[0] == '!' {
			continue // declaration, comment or doctype
		}
		end := bytes.IndexAny(head, " \t\r\n/>")
		if end < 0 {
			return ""
		}
		name := string(head[:end])
		if _, local, ok := strings.Cut(name, ":"); ok {
			return local
		}
		return name
	}
	return ""
}

var (
	// A versioned download: datasets/<id>/<version>/..., the version being
	// a content hash of 12 hex digits or more. Its bytes never change.
	versioned = regexp.MustCompile(`(^|/)datasets/[^/]+/[0-9a-f]{12,}/`)
	// A fingerprinted asset, as Hugo's resources.Fingerprint names them
	// (main.<hash>.css).
	fingerprinted = regexp.MustCompile(`\.[0-9a-f]{16,}\.[a-z0-9]+$`)
)

const (
	cacheImmutable = "public, max-age=31536000, immutable"
	// Pages, feeds, the catalog and the latest downloads change with every
	// run; a CDN may keep them a few minutes.
	cacheShort = "public, max-age=300"
)

// CacheControl returns the Cache-Control header for the file at key.
// Pages are always short-lived, even under a version folder: a version
// page may gain a notice that a newer version exists.
func CacheControl(key string) string {
	if ext := strings.ToLower(path.Ext(key)); ext == ".html" || ext == ".htm" {
		return cacheShort
	}
	if versioned.MatchString(key) || fingerprinted.MatchString(key) {
		return cacheImmutable
	}
	return cacheShort
}
