package publish

import (
	"context"
	"io"
	"strings"
)

// Sub is the part of a target under a prefix, as a target of its own: the
// pipeline's state lives under ".opendata/state/" of the portal's target.
func Sub(t Target, prefix string) Target {
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return &sub{t: t, prefix: prefix}
}

type sub struct {
	t      Target
	prefix string
}

func (s *sub) String() string { return describe(s.t) + s.prefix }

// prefixLister is a target that can list the keys under a prefix without
// listing the rest; keys come back relative to the prefix.
type prefixLister interface {
	listPrefix(ctx context.Context, prefix string) (map[string]Object, error)
}

func (s *sub) List(ctx context.Context) (map[string]Object, error) {
	if pl, ok := s.t.(prefixLister); ok {
		return pl.listPrefix(ctx, s.prefix)
	}
	all, err := s.t.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Object)
	for k, o := range all {
		if rest, ok := strings.CutPrefix(k, s.prefix); ok {
			out[rest] = o
		}
	}
	return out, nil
}

func (s *sub) listPrefix(ctx context.Context, prefix string) (map[string]Object, error) {
	if pl, ok := s.t.(prefixLister); ok {
		return pl.listPrefix(ctx, s.prefix+prefix)
	}
	all, err := s.t.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Object)
	for k, o := range all {
		if rest, ok := strings.CutPrefix(k, s.prefix+prefix); ok {
			out[rest] = o
		}
	}
	return out, nil
}

func (s *sub) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	return s.t.Get(ctx, s.prefix+key)
}

func (s *sub) Put(ctx context.Context, key string, body io.ReadSeeker, size int64, meta Meta) (Object, error) {
	return s.t.Put(ctx, s.prefix+key, body, size, meta)
}

func (s *sub) Delete(ctx context.Context, keys ...string) error {
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = s.prefix + k
	}
	return s.t.Delete(ctx, full...)
}

func (s *sub) Create(ctx context.Context, key string, body []byte, meta Meta) error {
	c, ok := s.t.(creator)
	if !ok {
		return errNoCreate
	}
	return c.Create(ctx, s.prefix+key, body, meta)
}

func describe(t Target) string {
	if s, ok := t.(interface{ String() string }); ok {
		return s.String()
	}
	return "target"
}
