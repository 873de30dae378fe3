package store

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"math"
	"slices"
	"strconv"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// VersionID is the identity of a table's content: the first 12 hex digits
// of a SHA-256 over its normalised values, field by field in name order. The
// same data read from a file with other formatting, column order or title
// rows gives the same ID. Related tables count too, each after its name; a
// table without any keeps the ID it always had.
func VersionID(t *catalog.Table) string {
	h := sha256.New()
	writeTable(h, t)
	for _, r := range t.Related {
		h.Write([]byte("\x1erelated\x00"))
		writeField(h, r.Name)
		writeTable(h, r)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func writeTable(h hash.Hash, t *catalog.Table) {
	cols := make([]int, 0, len(t.Columns))
	for i, c := range t.Columns {
		if c.Field != "" {
			cols = append(cols, i)
		}
	}
	slices.SortStableFunc(cols, func(a, b int) int {
		if t.Columns[a].Field < t.Columns[b].Field {
			return -1
		}
		if t.Columns[a].Field > t.Columns[b].Field {
			return 1
		}
		return 0
	})
	for _, c := range cols {
		writeField(h, t.Columns[c].Field)
	}
	h.Write([]byte{'\n'})
	for _, row := range t.Rows {
		for _, c := range cols {
			writeValue(h, row.Cells[c].Value)
		}
		h.Write([]byte{'\n'})
	}
}

func writeField(h hash.Hash, s string) {
	h.Write([]byte(strconv.Quote(s)))
	h.Write([]byte{0})
}

func writeValue(h hash.Hash, v any) {
	var b []byte
	switch x := v.(type) {
	case nil:
		b = []byte("null")
	case string:
		b = strconv.AppendQuote(nil, x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			b = strconv.AppendInt(nil, int64(x), 10)
		} else {
			b = strconv.AppendFloat(nil, x, 'g', -1, 64)
		}
	case bool:
		b = strconv.AppendBool(nil, x)
	default:
		b = strconv.AppendQuote(nil, "?")
	}
	h.Write(b)
	h.Write([]byte{0})
}
