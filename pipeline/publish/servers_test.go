package publish

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/provincia-como/opendata/internal/s3test"
)

// fault is what the proxy does to one request.
type fault int

const (
	pass fault = iota
	fail500
	fail503
	dropBefore // close the connection before the server sees the request
	dropAfter  // let the server store the object, then close the connection
)

// proxy sits between the client and an S3 server on 127.0.0.1: it counts
// requests by method and injects the faults its fault function picks.
type proxy struct {
	srv      *httptest.Server
	upstream *url.URL
	rp       *httputil.ReverseProxy

	mu     sync.Mutex
	counts map[string]int
	faults map[fault]int
	pick   func(r *http.Request) fault
}

func newProxy(t testing.TB, upstream string) *proxy {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{upstream: u, counts: map[string]int{}, faults: map[fault]int{}}
	p.rp = &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(u)
		r.Out.Host = r.In.Host // the request is signed for this host
	}}
	p.srv = httptest.NewServer(p)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *proxy) URL() string { return p.srv.URL }

func (p *proxy) setFaults(pick func(r *http.Request) fault) {
	p.mu.Lock()
	p.pick = pick
	p.mu.Unlock()
}

func (p *proxy) count(method string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts[method]
}

func (p *proxy) reset() {
	p.mu.Lock()
	p.counts = map[string]int{}
	p.faults = map[fault]int{}
	p.mu.Unlock()
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.counts[r.Method]++
	f := pass
	if p.pick != nil {
		f = p.pick(r)
	}
	p.faults[f]++
	p.mu.Unlock()
	switch f {
	case fail500, fail503:
		io.Copy(io.Discard, r.Body)
		code, name := http.StatusInternalServerError, "InternalError"
		if f == fail503 {
			code, name = http.StatusServiceUnavailable, "SlowDown"
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(code)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>injected by the test</Message></Error>`, name)
	case dropBefore:
		hangUp(w)
	case dropAfter:
		out := r.Clone(r.Context())
		out.URL.Scheme, out.URL.Host = p.upstream.Scheme, p.upstream.Host
		out.RequestURI = ""
		if resp, err := http.DefaultTransport.RoundTrip(out); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		hangUp(w)
	default:
		p.rp.ServeHTTP(w, r)
	}
}

func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

// s3Server is an S3 endpoint (see internal/s3test, shared with the tests
// of the desk's inbox) with one way to make a fresh bucket.
type s3Server struct{ *s3test.Server }

func newGofakes3(t testing.TB) *s3Server { return &s3Server{s3test.Gofakes3(t)} }

// newVersity starts versitygw on loopback; without the binary the test is
// skipped, unless OPENDATA_REQUIRE_S3=1 (set by CI) makes it a failure.
func newVersity(t testing.TB) *s3Server { return &s3Server{s3test.Versity(t)} }

// s3Env points the standard AWS chain at the test credentials, away from
// any configuration of the machine.
func s3Env(t testing.TB) { s3test.Env(t, nil) }

// fastRetry keeps the SDK's retries but not its seconds-long backoff.
func fastRetry(opt Options) Options {
	opt.maxBackoff = 20 * time.Millisecond
	return opt
}

// bucket makes a fresh bucket on the server and opens the target
// s3://bucket/site through a proxy.
func (s *s3Server) bucket(t testing.TB) (*S3, *proxy) {
	t.Helper()
	s3Env(t)
	name := s.Bucket(t, "portal")
	ctx := context.Background()
	px := newProxy(t, s.Endpoint)
	tg, err := Open(ctx, "s3://"+name+"/site", fastRetry(Options{Endpoint: px.URL()}))
	if err != nil {
		t.Fatal(err)
	}
	return tg.(*S3), px
}
