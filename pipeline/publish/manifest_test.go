package publish

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

// TestManifestEncode: the manifest is written as json.MarshalIndent would
// write it, so a manifest of an earlier version compares equal and is not
// uploaded again, and any JSON reader reads it.
func TestManifestEncode(t *testing.T) {
	tests := []manifest{
		{Version: 1, Files: map[string]entry{}},
		{Version: 1, Files: map[string]entry{
			"index.html":         {SHA256: "ab", Size: 10, Type: "text/html; charset=utf-8", Cache: cacheShort, ETag: "f12-34"},
			"datasets/a/a.csv":   {SHA256: "cd", Size: 0, Type: "text/csv; charset=utf-8", Cache: cacheImmutable, ETag: "0123456789abcdef0123456789abcdef"},
			"strano \"<&>\".txt": {SHA256: "ef", Size: -1, Type: "text/plain", Cache: "", ETag: "\"e\\tag\"\n"},
			"città/è.html":       {SHA256: "gh", Size: 1 << 40, Type: "x\u2028y", Cache: "no-store", ETag: "\x01\xff"},
		}},
	}
	for i := range 50 {
		tests[1].Files[fmt.Sprintf("p/%03d/index.html", 49-i)] = entry{SHA256: fmt.Sprint(i), Size: int64(i)}
	}
	for i, m := range tests {
		want, err := json.MarshalIndent(m, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, '\n')
		if got := m.encode(); string(got) != string(want) {
			t.Errorf("manifest %d:\n%s\nwant\n%s", i, got, want)
		}
	}
}

// TestParseManifest: the fast reader reads back what encode writes, as
// encoding/json does, and declines what it was not written by encode.
func TestParseManifest(t *testing.T) {
	m := manifest{Version: 1, Files: map[string]entry{
		"index.html":         {SHA256: "ab", Size: 10, Type: "text/html; charset=utf-8", Cache: cacheShort, ETag: "f12-34"},
		"strano \"<&>\".txt": {SHA256: "ef", Size: -1, Type: "text/plain", ETag: "\"e\\tag\",\n"},
		"città/è.html":       {SHA256: "gh", Size: 1 << 40, Type: "x\u2028y", Cache: "no-store", ETag: "\x01"},
		"a\": {":             {SHA256: "  },", ETag: `   "etag": ""`},
	}}
	for _, tt := range []manifest{m, {Version: 1, Files: map[string]entry{}}} {
		raw := tt.encode()
		got, ok := parseManifest(raw)
		var want manifest
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("parseManifest(%s) = %v, %+v; want %+v", raw, ok, got, want)
		}
	}
	compact, _ := json.Marshal(m)
	for _, bad := range [][]byte{compact, []byte("{}\n"), m.encode()[:100], []byte("")} {
		if _, ok := parseManifest(bad); ok {
			t.Errorf("parseManifest(%q) accepted", bad)
		}
	}
}
