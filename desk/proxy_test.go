package desk

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddress(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	tests := []struct {
		name    string
		trusted []netip.Prefix
		peer    string
		xff     []string
		want    string
	}{
		{"no proxy trusted: header ignored", nil, "203.0.113.7:5555", []string{"198.51.100.1"}, "203.0.113.7"},
		{"untrusted peer: header ignored", proxies, "203.0.113.7:5555", []string{"198.51.100.1"}, "203.0.113.7"},
		{"trusted proxy", proxies, "10.0.0.2:443", []string{"198.51.100.1"}, "198.51.100.1"},
		{"trusted proxy, spoofed left part", proxies, "10.0.0.2:443", []string{"6.6.6.6, 198.51.100.1"}, "198.51.100.1"},
		{"two trusted proxies", proxies, "10.0.0.2:443", []string{"6.6.6.6, 198.51.100.1, 10.0.0.9"}, "198.51.100.1"},
		{"header given twice", proxies, "10.0.0.2:443", []string{"6.6.6.6", "198.51.100.1"}, "198.51.100.1"},
		{"all hops trusted", proxies, "10.0.0.2:443", []string{"10.1.1.1, 10.0.0.9"}, "10.1.1.1"},
		{"trusted proxy, no header", proxies, "10.0.0.2:443", nil, "10.0.0.2"},
		{"trusted proxy, garbage", proxies, "10.0.0.2:443", []string{"198.51.100.1, not-an-address"}, "10.0.0.2"},
		{"garbage beyond the client", proxies, "10.0.0.2:443", []string{"<script>, 198.51.100.1"}, "198.51.100.1"},
		{"IPv6 proxy and client", proxies, "[fd00::1]:443", []string{"2001:db8::5"}, "2001:db8::5"},
		{"address with a port", proxies, "10.0.0.2:443", []string{"198.51.100.1:61000"}, "198.51.100.1"},
		{"IPv4 in IPv6", proxies, "[::ffff:10.0.0.2]:443", []string{"::ffff:198.51.100.1"}, "198.51.100.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Desk{cfg: Config{TrustedProxies: tt.trusted}}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := d.clientAddress(r); got != tt.want {
				t.Errorf("clientAddress = %q, want %q", got, tt.want)
			}
		})
	}
}
