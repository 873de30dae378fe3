package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// The publisher keeps its manifest inside the target, under a folder the
// diff ignores: local files there are not uploaded, remote ones not deleted.
const (
	reservedDir = ".opendata/"
	manifestKey = reservedDir + "manifest.json"
)

func reserved(key string) bool { return strings.HasPrefix(key, reservedDir) }

// manifest records what the publisher uploaded. It is only a cache: an
// entry counts only while the listing shows the same size and ETag.
type manifest struct {
	Version int              `json:"version"`
	Files   map[string]entry `json:"files"`
}

type entry struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Type   string `json:"type"`
	Cache  string `json:"cache"`
	ETag   string `json:"etag"`
}

// readManifest returns the manifest and its raw bytes; a missing manifest
// is empty, and so is an unreadable one (the listing decides then).
func readManifest(ctx context.Context, t Target) (manifest, []byte, error) {
	empty := manifest{Version: 1, Files: map[string]entry{}}
	r, err := t.Get(ctx, manifestKey)
	if errors.Is(err, fs.ErrNotExist) {
		return empty, nil, nil
	}
	if err != nil {
		return empty, nil, err
	}
	defer r.Close()
	raw, err := io.ReadAll(r)
	if err != nil {
		return empty, nil, fmt.Errorf("publish: read manifest: %w", err)
	}
	m, ok := parseManifest(raw)
	if !ok {
		m = manifest{}
		if err := json.Unmarshal(raw, &m); err != nil {
			return empty, raw, errBadManifest
		}
	}
	if m.Version != 1 || m.Files == nil {
		return empty, raw, errBadManifest
	}
	return m, raw, nil
}

var errBadManifest = errors.New("publish: manifest unreadable, ignored")

// encode is deterministic (keys sorted), so an unchanged manifest encodes
// to the same bytes and is not uploaded again. It writes what
// json.MarshalIndent(m, "", " ") writes, without reflection: a Province's
// portal is a manifest of hundreds of thousands of entries.
func (m manifest) encode() []byte {
	keys := make([]string, 0, len(m.Files))
	for k := range m.Files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b := make([]byte, 0, 64+len(keys)*240)
	b = append(b, "{\n \"version\": "...)
	b = strconv.AppendInt(b, int64(m.Version), 10)
	b = append(b, ",\n \"files\": {"...)
	for i, k := range keys {
		e := m.Files[k]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n  "...)
		b = appendJSONString(b, k)
		b = append(b, ": {\n   \"sha256\": "...)
		b = appendJSONString(b, e.SHA256)
		b = append(b, ",\n   \"size\": "...)
		b = strconv.AppendInt(b, e.Size, 10)
		b = append(b, ",\n   \"type\": "...)
		b = appendJSONString(b, e.Type)
		b = append(b, ",\n   \"cache\": "...)
		b = appendJSONString(b, e.Cache)
		b = append(b, ",\n   \"etag\": "...)
		b = appendJSONString(b, e.ETag)
		b = append(b, "\n  }"...)
	}
	if len(keys) > 0 {
		b = append(b, "\n }"...)
	} else {
		b = append(b, '}')
	}
	return append(b, "\n}\n"...)
}

// appendJSONString appends s as encoding/json writes it: plain printable
// ASCII as it is, anything else through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(s)
			if err != nil {
				panic(err) // a string always encodes
			}
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// parseManifest reads a manifest laid out as encode writes it, much faster
// than encoding/json; it returns false on anything else, which is then
// left to encoding/json.
func parseManifest(raw []byte) (manifest, bool) {
	var m manifest
	lines := bytes.Split(raw, []byte{'\n'})
	if len(lines) < 5 || string(lines[0]) != "{" || len(lines[len(lines)-1]) != 0 || string(lines[len(lines)-2]) != "}" {
		return m, false
	}
	v, ok := bytes.CutPrefix(lines[1], []byte(` "version": `))
	if !ok {
		return m, false
	}
	v, ok = bytes.CutSuffix(v, []byte(","))
	n, err := strconv.Atoi(string(v))
	if !ok || err != nil {
		return m, false
	}
	m.Version = n
	body := lines[3 : len(lines)-2]
	switch string(lines[2]) {
	case ` "files": {}`:
		if len(lines) != 5 {
			return m, false
		}
		m.Files = map[string]entry{}
		return m, true
	case ` "files": {`:
	default:
		return m, false
	}
	if len(body) == 0 || len(body)%7 != 1 || string(body[len(body)-1]) != " }" {
		return m, false
	}
	body = body[:len(body)-1]
	m.Files = make(map[string]entry, len(body)/7)
	for i := 0; i < len(body); i += 7 {
		l := body[i : i+7]
		key, ok := jsonLine(l[0], "  ", ": {")
		if !ok {
			return m, false
		}
		var e entry
		var okSize bool
		e.SHA256, ok = jsonLine(l[1], `   "sha256": `, ",")
		if size, found := bytes.CutPrefix(l[2], []byte(`   "size": `)); found {
			if size, found = bytes.CutSuffix(size, []byte(",")); found {
				e.Size, err = strconv.ParseInt(string(size), 10, 64)
				okSize = err == nil
			}
		}
		var okType, okCache, okETag bool
		e.Type, okType = jsonLine(l[3], `   "type": `, ",")
		e.Cache, okCache = jsonLine(l[4], `   "cache": `, ",")
		e.ETag, okETag = jsonLine(l[5], `   "etag": `, "")
		last := i+7 == len(body)
		if !ok || !okSize || !okType || !okCache || !okETag || (last && string(l[6]) != "  }") || (!last && string(l[6]) != "  },") {
			return m, false
		}
		m.Files[key] = e
	}
	return m, true
}

// jsonLine reads the JSON string between prefix and suffix on a line.
func jsonLine(line []byte, prefix, suffix string) (string, bool) {
	q, ok := bytes.CutPrefix(line, []byte(prefix))
	if !ok {
		return "", false
	}
	if q, ok = bytes.CutSuffix(q, []byte(suffix)); !ok || len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return "", false
	}
	inner := q[1 : len(q)-1]
	plain := true
	for _, c := range inner {
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			plain = false
			break
		}
	}
	if plain {
		return string(inner), true
	}
	var s string
	if json.Unmarshal(q, &s) != nil {
		return "", false
	}
	return s, true
}
