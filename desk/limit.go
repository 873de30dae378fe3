package desk

import (
	"sync"
	"time"
)

// Limit is at most N events per period Per.
type Limit struct {
	N   int
	Per time.Duration
}

// limiter counts events per key in a sliding window. It is small on
// purpose: one desk serves a few hundred clerks.
type limiter struct {
	mu     sync.Mutex
	lim    Limit
	events map[string][]time.Time
}

func newLimiter(l Limit) *limiter {
	return &limiter{lim: l, events: map[string][]time.Time{}}
}

// allow records an event for key at now and reports whether it is within
// the limit; when it is not, wait says when the next event will be allowed.
func (l *limiter) allow(key string, now time.Time) (ok bool, wait time.Duration) {
	if l.lim.N <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ev := l.recent(key, now)
	if len(ev) >= l.lim.N {
		l.events[key] = ev
		return false, ev[0].Add(l.lim.Per).Sub(now)
	}
	l.events[key] = append(ev, now)
	if len(l.events) > 10_000 {
		l.sweep(now)
	}
	return true, 0
}

// count returns the events of key still in the window.
func (l *limiter) count(key string, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(key, now))
}

// add records an event without checking the limit.
func (l *limiter) add(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events[key] = append(l.recent(key, now), now)
}

func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.events, key)
}

func (l *limiter) recent(key string, now time.Time) []time.Time {
	ev := l.events[key]
	i := 0
	for i < len(ev) && now.Sub(ev[i]) >= l.lim.Per {
		i++
	}
	return ev[i:]
}

// sweep forgets keys with no event in the window, so that many addresses
// do not grow the map for ever.
func (l *limiter) sweep(now time.Time) {
	for k := range l.events {
		if len(l.recent(k, now)) == 0 {
			delete(l.events, k)
		}
	}
}
