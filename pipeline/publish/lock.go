package publish

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"
)

// lockKey is where a runner that works on a target says so.
const lockKey = reservedDir + "lock.json"

// settle is how long a best-effort lock waits before reading itself back.
const settle = 500 * time.Millisecond

// ErrLocked is returned when another runner holds the target's lock.
var ErrLocked = errors.New("publish: another runner is working on this target")

// ErrExists is returned by Create when the key is already there.
var ErrExists = errors.New("publish: object already exists")

var errNoCreate = errors.New("publish: target cannot create objects exclusively")

// creator is implemented by targets that can store an object only if the
// key is free, atomically: a folder (a hard link) and S3 (If-None-Match).
type creator interface {
	Create(ctx context.Context, key string, body []byte, meta Meta) error
}

// Lock is a runner's claim on a target, with an expiry so that a runner
// that died does not block the others for ever.
type Lock struct {
	t      Target
	record lockRecord
}

type lockRecord struct {
	Holder  string    `json:"holder"`
	Token   string    `json:"token"`
	Taken   time.Time `json:"taken"`
	Expires time.Time `json:"expires"`
}

// Acquire takes the target's lock for ttl. A lock whose expiry has passed
// is taken over. The lock is exclusive on targets that can create objects
// exclusively (folders, S3 servers with conditional writes); elsewhere it is
// a best effort, confirmed by reading it back.
func Acquire(ctx context.Context, t Target, holder string, ttl time.Duration, now func() time.Time) (*Lock, error) {
	if now == nil {
		now = time.Now
	}
	token := make([]byte, 12)
	rand.Read(token)
	rec := lockRecord{Holder: holder, Token: hex.EncodeToString(token), Taken: now().UTC(), Expires: now().UTC().Add(ttl)}
	body, _ := json.Marshal(rec)
	meta := Meta{ContentType: "application/json", CacheControl: "no-store"}
	for attempt := 0; attempt < 2; attempt++ {
		held, err := readLock(ctx, t)
		if err != nil {
			return nil, err
		}
		if held != nil {
			if now().Before(held.Expires) {
				return nil, fmt.Errorf("%w: %s since %s, until %s", ErrLocked, held.Holder, held.Taken.Format(time.RFC3339), held.Expires.Format(time.RFC3339))
			}
			// Expired: whoever deletes it and then creates first wins.
			if err := t.Delete(ctx, lockKey); err != nil {
				return nil, err
			}
		}
		c, ok := t.(creator)
		if ok {
			err = c.Create(ctx, lockKey, body, meta)
			if errors.Is(err, ErrExists) {
				continue // someone was quicker: look at their lock
			}
			if !errors.Is(err, errNoCreate) {
				if err != nil {
					return nil, err
				}
				return &Lock{t: t, record: rec}, nil
			}
		}
		if _, err := t.Put(ctx, lockKey, bytes.NewReader(body), int64(len(body)), meta); err != nil {
			return nil, err
		}
		// Let a runner that read the same free lock write its own, then
		// see whose write stands: the last writer wins, the others back off.
		select {
		case <-time.After(settle):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		back, err := readLock(ctx, t)
		if err != nil {
			return nil, err
		}
		if back == nil || back.Token != rec.Token {
			continue
		}
		return &Lock{t: t, record: rec}, nil
	}
	held, _ := readLock(ctx, t)
	if held != nil {
		return nil, fmt.Errorf("%w: %s since %s", ErrLocked, held.Holder, held.Taken.Format(time.RFC3339))
	}
	return nil, ErrLocked
}

// Release gives the lock up, if it is still ours.
func (l *Lock) Release(ctx context.Context) error {
	held, err := readLock(ctx, l.t)
	if err != nil {
		return err
	}
	if held == nil || held.Token != l.record.Token {
		return nil // expired and taken over: not ours to delete
	}
	return l.t.Delete(ctx, lockKey)
}

func readLock(ctx context.Context, t Target) (*lockRecord, error) {
	r, err := t.Get(ctx, lockKey)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, 1<<16))
	if err != nil {
		return nil, err
	}
	var rec lockRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		// A damaged lock protects nothing: treat it as expired.
		return &lockRecord{Holder: "unknown (damaged lock)"}, nil
	}
	return &rec, nil
}
