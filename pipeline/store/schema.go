package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// schemaDir keeps the copies of schemas pulled from https:// addresses. Its
// name cannot be a dataset id (ids are lower-case letters, digits and
// hyphens), and it travels with the rest of the state.
const schemaDir = "_schemas"

// SchemaCopy is the last good copy of a schema document pulled from an
// address, kept so that the portal still builds when the address is down.
type SchemaCopy struct {
	URL string `json:"url"`
	// Prov holds the checksum, when it was fetched, and the ETag and
	// Last-Modified for conditional requests.
	Prov catalog.Provenance `json:"source"`
	// Data is the document, byte for byte.
	Data []byte `json:"document"`
}

func (s *Store) schemaPath(url string) string {
	sum := sha256.Sum256([]byte(url))
	return filepath.Join(s.dir, schemaDir, hex.EncodeToString(sum[:8])+".json")
}

// SchemaCopy returns the last good copy of the schema at url; nil when
// there is none.
func (s *Store) SchemaCopy(url string) (*SchemaCopy, error) {
	b, err := os.ReadFile(s.schemaPath(url))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: schema %s: %w", url, err)
	}
	var c SchemaCopy
	if err := json.Unmarshal(b, &c); err != nil || c.URL != url {
		// A damaged copy is no copy: the address gives it back.
		return nil, nil
	}
	return &c, nil
}

// SaveSchemaCopy keeps a good copy of the schema at url.
func (s *Store) SaveSchemaCopy(c *SchemaCopy) error {
	return s.writeJSON(s.schemaPath(c.URL), c)
}

// SetSchema records the checksum of the schema a dataset's latest file was
// judged with, and the verdict of a recheck of its published version (nil
// when it passes or was not needed).
func (s *Store) SetSchema(id, checksum string, recheck *catalog.Recheck) error {
	r, err := s.Load(id)
	if err != nil {
		return err
	}
	if r.Schema == checksum && r.Recheck == nil && recheck == nil {
		return nil
	}
	r.Schema, r.Recheck = checksum, recheck
	return s.save(r)
}
