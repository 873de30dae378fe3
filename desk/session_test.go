package desk_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provincia-como/opendata/desk"
	"github.com/provincia-como/opendata/internal/s3test"
)

// cookie is the browser's session cookie.
func (b *browser) cookie() string {
	b.f.t.Helper()
	u, _ := url.Parse(b.f.srv.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "sportello_sessione" {
			return c.Value
		}
	}
	b.f.t.Fatal("no session cookie")
	return ""
}

// setCookie replaces the browser's session cookie.
func (b *browser) setCookie(v string) {
	u, _ := url.Parse(b.f.srv.URL)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "sportello_sessione", Value: v, Path: "/"}})
}

// storedSessions reads the sessions file of a folder inbox.
func storedSessions(t *testing.T, inbox string) (raw string, users []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(inbox, desk.SessionsFile))
	if err != nil {
		t.Fatal(err)
	}
	var st struct{ Sessions []struct{ User string } }
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatalf("%s: %v", desk.SessionsFile, err)
	}
	for _, s := range st.Sessions {
		users = append(users, s.User)
	}
	return string(data), users
}

// TestSessionSurvivesRestart: a clerk signs in, the server restarts (a
// new desk on the same inbox), and the clerk's upload goes through with the
// cookie and the form the browser already has.
func TestSessionSurvivesRestart(t *testing.T) {
	check := func(t *testing.T, f *fixture) {
		b := f.browser()
		b.mustSignIn("cantu.rossi")
		token := b.csrf()
		f.restart()
		resp, body := b.upload(token, "pnrr-cantu", "pnrr-cantu.xlsx", readFile(t, "pnrr-cantu.xlsx"))
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "File accettato") {
			t.Fatalf("upload after a restart: status %d\n%s", resp.StatusCode, body)
		}
		if _, body := b.get("/"); !strings.Contains(body, "Mario Rossi") {
			t.Errorf("home page after a restart does not know the clerk:\n%s", body)
		}
	}
	t.Run("folder", func(t *testing.T) {
		f := newFixture(t, nil)
		check(t, f)
		raw, users := storedSessions(t, f.inbox)
		if len(users) != 1 || users[0] != "cantu.rossi" {
			t.Errorf("stored sessions: %s", raw)
		}
		info, err := os.Stat(filepath.Join(f.inbox, desk.SessionsFile))
		if err != nil || info.Mode().Perm()&0o077 != 0 {
			t.Errorf("sessions file: %v, mode %v; want readable by its owner only", err, info.Mode())
		}
	})
	s3test.Each(t, func(t *testing.T, s *s3test.Server) {
		objects := s.Objects(t, "sportello")
		f := newFixtureOn(t, func(k desk.Keeping) desk.Inbox {
			box, err := desk.OpenBucket(context.Background(), objects, k)
			if err != nil {
				t.Fatal(err)
			}
			return box
		}, nil)
		check(t, f)
		if keys, err := objects.Keys(t.Context(), desk.SessionsFile); err != nil || len(keys) != 1 {
			t.Errorf("sessions object: %v %v", keys, err)
		}
		if keys, _ := objects.Keys(t.Context(), "pnrr-cantu/"); len(keys) != 1 {
			t.Errorf("accepted upload: %v", keys)
		}
	})
}

// TestSessionExpiry: a session ends after SessionIdle without a request,
// whether the desk restarted meanwhile or not; every request moves the end,
// and the store learns of it.
func TestSessionExpiry(t *testing.T) {
	idle := 30 * time.Minute
	tests := []struct {
		name    string
		steps   []time.Duration // idle times, each followed by a request to /
		restart bool            // restart before the last step
		ok      bool
	}{
		{"used within the idle time", []time.Duration{29 * time.Minute}, false, true},
		{"idle too long", []time.Duration{31 * time.Minute}, false, false},
		{"restart, used within the idle time", []time.Duration{29 * time.Minute}, true, true},
		{"restart, idle too long", []time.Duration{31 * time.Minute}, true, false},
		{"kept alive, then restart", []time.Duration{20 * time.Minute, 25 * time.Minute}, true, true},
		{"kept alive, then restart and idle too long", []time.Duration{20 * time.Minute, 31 * time.Minute}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(c *desk.Config) { c.SessionIdle = idle })
			b := f.browser()
			b.mustSignIn("cantu.rossi")
			token := b.csrf()
			for i, d := range tt.steps {
				if tt.restart && i == len(tt.steps)-1 {
					f.restart()
				}
				f.clock.advance(d)
				if i < len(tt.steps)-1 {
					if resp, _ := b.get("/"); resp.StatusCode != http.StatusOK {
						t.Fatalf("step %d: status %d", i, resp.StatusCode)
					}
				}
			}
			resp, _ := b.upload(token, "pnrr-cantu", "pnrr-cantu.xlsx", readFile(t, "pnrr-cantu.xlsx"))
			if got := resp.StatusCode == http.StatusOK; got != tt.ok {
				t.Fatalf("upload: status %d, want accepted = %v", resp.StatusCode, tt.ok)
			}
			if !tt.ok {
				if resp, _ := b.get("/"); resp.StatusCode != http.StatusSeeOther {
					t.Errorf("home after expiry: status %d, want 303 to the sign-in", resp.StatusCode)
				}
				// the ended session is dropped from the store too
				if raw, users := storedSessions(t, f.inbox); len(users) != 0 {
					t.Errorf("expired session still stored: %s", raw)
				}
			}
		})
	}
}

// TestSessionCookieTampered: only the exact cookie opens a session; the
// store holds a hash of it, and that hash is no cookie either.
func TestSessionCookieTampered(t *testing.T) {
	f := newFixture(t, nil)
	b := f.browser()
	b.mustSignIn("cantu.rossi")
	token, cookie := b.csrf(), b.cookie()
	raw, _ := storedSessions(t, f.inbox)
	if strings.Contains(raw, cookie) {
		t.Fatalf("the sessions file holds the cookie in clear: %s", raw)
	}
	var st struct{ Sessions []struct{ Key string } }
	json.Unmarshal([]byte(raw), &st)
	if len(st.Sessions) != 1 {
		t.Fatalf("stored sessions: %s", raw)
	}
	flip := []byte(cookie)
	if flip[5] == 'A' {
		flip[5] = 'B'
	} else {
		flip[5] = 'A'
	}
	sum := sha256.Sum256([]byte(cookie))
	for _, bad := range []string{
		string(flip),
		cookie + "x",
		cookie[:len(cookie)-1],
		st.Sessions[0].Key,         // what a reader of the store has
		hex.EncodeToString(sum[:]), // a plain hash of the cookie
		strings.Repeat("A", 43),
	} {
		for _, restart := range []bool{false, true} {
			if restart {
				f.restart()
			}
			b.setCookie(bad)
			if resp, _ := b.upload(token, "pnrr-cantu", "pnrr-cantu.xlsx", readFile(t, "pnrr-cantu.xlsx")); resp.StatusCode != http.StatusForbidden {
				t.Errorf("cookie %q (restart %v): upload status %d, want 403", bad, restart, resp.StatusCode)
			}
		}
	}
	if got := f.accepted(); len(got) != 0 {
		t.Errorf("inbox holds %v", got)
	}
	// the real cookie still works
	b.setCookie(cookie)
	if resp, _ := b.upload(token, "pnrr-cantu", "pnrr-cantu.xlsx", readFile(t, "pnrr-cantu.xlsx")); resp.StatusCode != http.StatusOK {
		t.Errorf("the real cookie: status %d", resp.StatusCode)
	}
}

// TestSignOutSurvivesRestart: a signed-out session does not come back
// when the desk restarts.
func TestSignOutSurvivesRestart(t *testing.T) {
	f := newFixture(t, nil)
	b := f.browser()
	b.mustSignIn("cantu.rossi")
	token, cookie := b.csrf(), b.cookie()
	if resp, _ := b.post("/esci", url.Values{"csrf": {token}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out: status %d", resp.StatusCode)
	}
	if raw, users := storedSessions(t, f.inbox); len(users) != 0 {
		t.Errorf("stored sessions after sign-out: %s", raw)
	}
	f.restart()
	b.setCookie(cookie)
	if resp, _ := b.upload(token, "pnrr-cantu", "pnrr-cantu.xlsx", readFile(t, "pnrr-cantu.xlsx")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("upload with the signed-out cookie after a restart: status %d, want 403", resp.StatusCode)
	}
}

// brokenStore reads nothing and cannot write.
type brokenStore struct{}

func (brokenStore) LoadSessions(context.Context) ([]byte, error) { return nil, nil }
func (brokenStore) SaveSessions(context.Context, []byte) error {
	return errors.New("disk full")
}

// TestSessionStoreFailures: a sign-in the desk cannot record is refused
// with a message rather than lost at the next restart; a sessions file
// that cannot be read signs everyone out but does not stop the desk.
func TestSessionStoreFailures(t *testing.T) {
	t.Run("cannot write", func(t *testing.T) {
		f := newFixture(t, func(c *desk.Config) { c.Sessions = brokenStore{} })
		b := f.browser()
		resp := b.signIn("cantu.rossi", password)
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(b.last, "non è riuscito a registrare l&#39;accesso") {
			t.Fatalf("sign-in: status %d\n%s", resp.StatusCode, b.last)
		}
		if resp, _ := b.get("/"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("home after a failed sign-in: status %d, want 303 to the sign-in", resp.StatusCode)
		}
	})
	t.Run("unreadable file", func(t *testing.T) {
		f := newFixture(t, nil)
		b := f.browser()
		b.mustSignIn("cantu.rossi")
		token := b.csrf()
		if err := os.WriteFile(filepath.Join(f.inbox, desk.SessionsFile), []byte(`{"sessions":[`), 0o600); err != nil {
			t.Fatal(err)
		}
		f.restart()
		if resp, _ := b.upload(token, "pnrr-cantu", "pnrr-cantu.xlsx", readFile(t, "pnrr-cantu.xlsx")); resp.StatusCode != http.StatusForbidden {
			t.Errorf("upload: status %d, want 403", resp.StatusCode)
		}
		b.mustSignIn("cantu.rossi")
		if _, users := storedSessions(t, f.inbox); len(users) != 1 {
			t.Errorf("stored sessions after signing in again: %v", users)
		}
	})
}
