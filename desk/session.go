package desk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// SessionStore keeps the desk's signed-in sessions, so that a restart does
// not sign clerks out mid-upload. Folder and Bucket implement it: a file or
// an object beside the uploads. One desk owns the store; two desks on one
// inbox would overwrite each other's sessions.
type SessionStore interface {
	// LoadSessions returns what SaveSessions last wrote, or nil when it
	// never wrote.
	LoadSessions(ctx context.Context) ([]byte, error)
	// SaveSessions replaces the stored sessions all at once: a reader sees
	// the old or the new ones, never half.
	SaveSessions(ctx context.Context, data []byte) error
}

// SessionsFile is the file (or object) in the inbox that holds the
// signed-in sessions: for each one the SHA-256 of its cookie, the clerk and
// when it expires. The cookie itself is never written, so whoever reads the
// file cannot sign in with what is there.
const SessionsFile = "sessions.json"

// session is what the desk remembers of a browser: the signed-in user (empty
// before sign-in), the CSRF token of its forms, and the last results.
type session struct {
	key     string // hex SHA-256 of the cookie's token
	user    string
	csrf    string
	expires time.Time
	saved   time.Time // the expiry last written to the store
	results []*result
}

// sessions keeps every session in memory and the signed-in ones also in a
// store. Anonymous sessions, which only carry the sign-in form's CSRF
// token, stay in memory: a bot loading the sign-in page writes nothing.
// Results (with the annotated workbooks) stay in memory too; after a
// restart the clerk uploads again to see them.
type sessions struct {
	mu    sync.Mutex
	byKey map[string]*session
	ttl   time.Duration
	gen   uint64 // counts changes to what is stored

	store    SessionStore // nil: memory only
	log      *slog.Logger
	saveMu   sync.Mutex
	savedGen uint64
}

func newSessions(ttl time.Duration, store SessionStore, log *slog.Logger) *sessions {
	return &sessions{byKey: map[string]*session{}, ttl: ttl, store: store, log: log}
}

func randomToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// tokenKey is how a session is known in memory and in the store: the
// token is random (256 bits), so a plain SHA-256 cannot be reversed or
// guessed, and no slow hash is needed.
func tokenKey(token string) string {
	sum := sha256.Sum256([]byte("session\x00" + token))
	return hex.EncodeToString(sum[:])
}

// csrfFor derives the forms' token from the cookie's, so that nothing
// secret needs storing: neither can be computed from the stored key.
func csrfFor(token string) string {
	sum := sha256.Sum256([]byte("csrf\x00" + token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// storedSession is one line of SessionsFile.
type storedSession struct {
	Key     string    `json:"key"`
	User    string    `json:"user"`
	Expires time.Time `json:"expires"`
}

type storedSessions struct {
	Sessions []storedSession `json:"sessions"`
}

// load reads the stored sessions still alive at now. A broken file signs
// everyone out rather than keeping the desk from starting.
func (s *sessions) load(ctx context.Context, now time.Time) error {
	if s.store == nil {
		return nil
	}
	data, err := s.store.LoadSessions(ctx)
	if err != nil {
		return fmt.Errorf("desk sessions: %w", err)
	}
	if data == nil {
		return nil
	}
	var st storedSessions
	if err := json.Unmarshal(data, &st); err != nil {
		s.log.Warn("desk sessions unreadable: everyone signs in again", "err", err)
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range st.Sessions {
		if x.User == "" || len(x.Key) != sha256.Size*2 || !now.Before(x.Expires) {
			continue
		}
		// the CSRF token needs the cookie: it is derived again on the
		// first request (see get)
		s.byKey[x.Key] = &session{key: x.Key, user: x.User, expires: x.Expires, saved: x.Expires}
	}
	return nil
}

// get returns the live session of a cookie's token, and extends it.
func (s *sessions) get(ctx context.Context, token string, now time.Time) *session {
	if len(token) > 128 {
		return nil
	}
	key := tokenKey(token)
	s.mu.Lock()
	ss, ok := s.byKey[key]
	if !ok {
		s.mu.Unlock()
		return nil
	}
	if !now.Before(ss.expires) {
		delete(s.byKey, key)
		s.changed(ss)
		s.mu.Unlock()
		s.save(ctx, now)
		return nil
	}
	if ss.csrf == "" {
		ss.csrf = csrfFor(token)
	}
	ss.expires = now.Add(s.ttl)
	// Writing at every request would be wasteful: the stored expiry is
	// refreshed once it lags by a tenth of the idle time, so after a
	// restart a session may end that much earlier.
	stale := ss.user != "" && ss.expires.Sub(ss.saved) > s.ttl/10
	if stale {
		s.changed(ss)
	}
	s.mu.Unlock()
	if stale {
		s.save(ctx, now)
	}
	return ss
}

// changed notes that the store must be written; s.mu is held.
func (s *sessions) changed(ss *session) {
	if ss.user != "" && s.store != nil {
		s.gen++
	}
}

// start makes a new session for user ("" for an anonymous one that only
// carries the sign-in form's CSRF token), replacing old if given, so that
// signing in always changes the session's token. It returns the token for
// the cookie.
func (s *sessions) start(ctx context.Context, old *session, user string, now time.Time) (*session, string, error) {
	token := randomToken()
	ss := &session{key: tokenKey(token), user: user, csrf: csrfFor(token), expires: now.Add(s.ttl)}
	s.mu.Lock()
	if old != nil {
		delete(s.byKey, old.key)
		s.changed(old)
	}
	if len(s.byKey) > 50_000 {
		for k, x := range s.byKey {
			if !now.Before(x.expires) {
				delete(s.byKey, k)
				s.changed(x)
			}
		}
	}
	s.byKey[ss.key] = ss
	s.changed(ss)
	s.mu.Unlock()
	if err := s.save(ctx, now); err != nil && user != "" {
		s.mu.Lock()
		delete(s.byKey, ss.key)
		s.mu.Unlock()
		return nil, "", err
	}
	return ss, token, nil
}

func (s *sessions) end(ctx context.Context, ss *session, now time.Time) {
	s.mu.Lock()
	delete(s.byKey, ss.key)
	s.changed(ss)
	s.mu.Unlock()
	s.save(ctx, now)
}

// save writes the signed-in sessions alive at now, unless a newer state is
// already written. Writes are serialised so that an older state never
// overwrites a newer one.
func (s *sessions) save(ctx context.Context, now time.Time) error {
	if s.store == nil {
		return nil
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	gen := s.gen
	if gen == s.savedGen {
		s.mu.Unlock()
		return nil
	}
	st := storedSessions{Sessions: []storedSession{}}
	var written []*session
	for _, ss := range s.byKey {
		if ss.user != "" && now.Before(ss.expires) {
			st.Sessions = append(st.Sessions, storedSession{Key: ss.key, User: ss.user, Expires: ss.expires.UTC()})
			written = append(written, ss)
		}
	}
	exp := make([]time.Time, len(written))
	for i, ss := range written {
		exp[i] = ss.expires
	}
	s.mu.Unlock()
	data, err := json.Marshal(st)
	if err == nil {
		// a clerk who closed the browser tab must not hold up the write
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		err = s.store.SaveSessions(wctx, data)
		cancel()
	}
	if err != nil {
		s.log.Error("desk sessions not saved", "err", err)
		return fmt.Errorf("desk sessions: %w", err)
	}
	s.mu.Lock()
	s.savedGen = max(s.savedGen, gen)
	for i, ss := range written {
		ss.saved = exp[i]
	}
	s.mu.Unlock()
	return nil
}

// keep adds a result to the session, keeping the newest few so that the
// annotated workbooks do not fill the memory.
func (s *sessions) keep(ss *session, r *result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss.results = append(ss.results, r)
	if len(ss.results) > 3 {
		ss.results = ss.results[len(ss.results)-3:]
	}
}

func (s *sessions) result(ss *session, id string) *result {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range ss.results {
		if r.ID == id {
			return r
		}
	}
	return nil
}

const sessionCookie = "sportello_sessione"

// setCookie gives the browser its session's token. The cookie has no
// expiry of its own: the desk ends idle sessions on its side.
func (d *Desk) setCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     d.base,
		HttpOnly: true,
		Secure:   d.cfg.Secure || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}

func (d *Desk) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: d.base, MaxAge: -1,
		HttpOnly: true, Secure: d.cfg.Secure || r.TLS != nil, SameSite: http.SameSiteLaxMode,
	})
}

// session returns the browser's session, or nil.
func (d *Desk) session(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	return d.sessions.get(r.Context(), c.Value, d.now())
}

// csrfOK compares the form's token with the session's in constant time.
func csrfOK(ss *session, token string) bool {
	if ss == nil || token == "" || ss.csrf == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(ss.csrf), []byte(token)) == 1
}
