package desk

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// session is what the desk remembers of a browser: the signed-in user (empty
// before sign-in), the CSRF token of its forms, and the last results.
type session struct {
	id      string
	user    string
	csrf    string
	expires time.Time
	results []*result
}

// sessions is an in-memory store: a restart signs everyone out, which is
// acceptable for a desk used a few times a month.
type sessions struct {
	mu   sync.Mutex
	byID map[string]*session
	ttl  time.Duration
}

func newSessions(ttl time.Duration) *sessions {
	return &sessions{byID: map[string]*session{}, ttl: ttl}
}

func randomToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// get returns the live session with the given id.
func (s *sessions) get(id string, now time.Time) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.byID[id]
	if !ok {
		return nil
	}
	if now.After(ss.expires) {
		delete(s.byID, id)
		return nil
	}
	ss.expires = now.Add(s.ttl)
	return ss
}

// start makes a new session for user ("" for an anonymous one that only
// carries the sign-in form's CSRF token), replacing old if given, so that
// signing in always changes the session id.
func (s *sessions) start(old *session, user string, now time.Time) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old != nil {
		delete(s.byID, old.id)
	}
	if len(s.byID) > 50_000 {
		for id, ss := range s.byID {
			if now.After(ss.expires) {
				delete(s.byID, id)
			}
		}
	}
	ss := &session{id: randomToken(), user: user, csrf: randomToken(), expires: now.Add(s.ttl)}
	s.byID[ss.id] = ss
	return ss
}

func (s *sessions) end(ss *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, ss.id)
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

func (d *Desk) setCookie(w http.ResponseWriter, r *http.Request, ss *session) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    ss.id,
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
	return d.sessions.get(c.Value, d.now())
}

// csrfOK compares the form's token with the session's in constant time.
func csrfOK(ss *session, token string) bool {
	if ss == nil || token == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(ss.csrf), []byte(token)) == 1
}
