package publish

import "testing"

func TestContentType(t *testing.T) {
	tests := []struct {
		key, head, want string
	}{
		{"index.html", "<!doctype html>", "text/html; charset=utf-8"},
		{"css/site.css", "body{}", "text/css; charset=utf-8"},
		{"js/site.js", "", "text/javascript; charset=utf-8"},
		{"img/logo.svg", "<svg", "image/svg+xml"},
		{"datasets/a/a.csv", "a;b", "text/csv; charset=utf-8"},
		{"datasets/a/a.CSV", "a;b", "text/csv; charset=utf-8"},
		{"datasets/a/a.json", "{}", "application/json"},
		{"datasets/a/datapackage.json", "{}", "application/json"},
		{"datasets/a/a.xlsx", "PK\x03\x04", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"catalog.rdf", "<?xml", "application/rdf+xml"},
		{"catalog.ttl", "@prefix", "text/turtle; charset=utf-8"},
		{"catalog.jsonld", "{", "application/ld+json"},
		{"sitemap.xml", `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`, "application/xml"},
		{"feed.xml", `<?xml version="1.0" encoding="utf-8"?>` + "\n<!-- feed -->\n" + `<feed xmlns="http://www.w3.org/2005/Atom">`, "application/atom+xml"},
		{"index.xml", `<?xml version="1.0"?><rss version="2.0">`, "application/rss+xml"},
		{"en/index.xml", `<rss version="2.0">`, "application/rss+xml"},
		{"datasets/feed.atom", "<feed>", "application/atom+xml"},
		{"catalog.xml", `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`, "application/rdf+xml"},
		{"robots.txt", "User-agent", "text/plain; charset=utf-8"},
		{"fonts/a.woff2", "", "font/woff2"},
		{"README", "plain words", "text/plain; charset=utf-8"},
		{"blob", "\x00\x01\x02", "application/octet-stream"},
	}
	for _, tt := range tests {
		if got := ContentType(tt.key, []byte(tt.head)); got != tt.want {
			t.Errorf("ContentType(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestCacheControl(t *testing.T) {
	const (
		short = "public, max-age=300"
		long  = "public, max-age=31536000, immutable"
	)
	tests := []struct{ key, want string }{
		{"index.html", short},
		{"datasets/comuni/index.html", short},
		{"datasets/comuni/comuni.csv", short},
		{"datasets/comuni/3f2a9c1b7d4e/comuni.csv", long},
		{"datasets/comuni/3f2a9c1b7d4e0011223344556677889900aabbccddeeff00112233445566778899/comuni.xlsx", long},
		{"datasets/comuni/3f2a9c1b7d4/comuni.csv", short},      // 11 digits: not a version
		{"datasets/comuni/3F2A9C1B7D4E/comuni.csv", short},     // versions are lower-case
		{"datasets/comuni/3f2a9c1b7d4e/index.html", short},     // a page, even of a version
		{"en/datasets/comuni/3f2a9c1b7d4e/comuni.csv", long},   // a language prefix
		{"datasets/comuni/versione-3f2a9c1b7d4e/a.csv", short}, // not a bare version
		{"css/main.0123456789abcdef0123.css", long},
		{"css/main.css", short},
		{"feed.xml", short},
	}
	for _, tt := range tests {
		if got := CacheControl(tt.key); got != tt.want {
			t.Errorf("CacheControl(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}
