// Package store keeps what the pipeline knows of each dataset between runs:
// every accepted version (its normalised table, so the portal can be rebuilt
// from it), the latest attempt with its issues, and where the source stands.
//
// A version is named by the hash of its normalised content. A refused or
// unreachable file only records an attempt: it never replaces the version
// that is published.
package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/provincia-como/opendata/pipeline/catalog"
)

// Record is the state of one dataset.
type Record struct {
	ID string `json:"id"`
	// Current is the ID of the published version; empty when none.
	Current string `json:"current,omitempty"`
	// History lists accepted versions, newest first.
	History []catalog.Version `json:"history"`
	// Latest is the most recent attempt, accepted or not.
	Latest *catalog.Attempt `json:"latest,omitempty"`
	// LastGoodFetch is when the source last gave an accepted file.
	LastGoodFetch time.Time `json:"lastGoodFetch,omitzero"`
	// Source is what the last fetch told about the source (ETag, checksum),
	// for conditional requests and for skipping unchanged files.
	Source catalog.Provenance `json:"source,omitzero"`
	// Downloads are the files the last export wrote, reused while the
	// dataset does not change.
	Downloads []catalog.Download `json:"downloads,omitempty"`
	// Schema is the checksum of the schema the latest file was judged
	// with: when the schema changes, the published version is checked again.
	Schema string `json:"schema,omitempty"`
	// Recheck is the published version found no longer valid against a
	// changed schema; it stays published.
	Recheck *catalog.Recheck `json:"recheck,omitempty"`
}

// Status derives the dataset's status from the record.
func (r *Record) Status() catalog.Status {
	if r.Latest != nil && r.Latest.Status != catalog.Accepted {
		return r.Latest.Status
	}
	if r.Current == "" {
		return catalog.Missing
	}
	return catalog.Accepted
}

// Version returns the record's version with the given ID.
func (r *Record) Version(id string) (catalog.Version, bool) {
	for _, v := range r.History {
		if v.ID == id {
			return v, true
		}
	}
	return catalog.Version{}, false
}

// Store is a folder of dataset records:
//
//	<dir>/<dataset>/state.json
//	<dir>/<dataset>/versions/<version>.json
type Store struct {
	dir string

	// seen holds, for datasets whose source was found unchanged, when it
	// was last confirmed. It is saved in one file by Flush, so that a run
	// where nothing changed writes one file, not one per dataset.
	mu      sync.Mutex
	seen    map[string]time.Time
	seenErr error
	loaded  bool
}

const seenFile = "confirmed.json"

// Open opens (and creates) a store in dir.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return &Store{dir: dir}, nil
}

// Dir is the folder the store keeps its files in.
func (s *Store) Dir() string { return s.dir }

// Load returns the record of a dataset; an empty record if there is none.
func (s *Store) Load(id string) (*Record, error) {
	b, err := os.ReadFile(s.statePath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return &Record{ID: id}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", id, err)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("store %s: damaged state file %s: %w", id, s.statePath(id), err)
	}
	r.ID = id
	if t, err := s.confirmed(id); err != nil {
		return nil, err
	} else if t.After(r.LastGoodFetch) && r.Status() == catalog.Accepted {
		r.LastGoodFetch = t
	}
	return &r, nil
}

// confirmed returns when the dataset's unchanged source was last confirmed.
func (s *Store) confirmed(id string) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loaded {
		s.loaded = true
		s.seen = map[string]time.Time{}
		b, err := os.ReadFile(filepath.Join(s.dir, seenFile))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.seenErr = err
		} else if err == nil {
			if err := json.Unmarshal(b, &s.seen); err != nil {
				// Only dates of confirmation: losing them loses nothing
				// that the next run does not give back.
				s.seen = map[string]time.Time{}
			}
		}
	}
	return s.seen[id], s.seenErr
}

// Flush saves the confirmation dates of unchanged sources.
func (s *Store) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loaded {
		return nil
	}
	return s.writeJSON(filepath.Join(s.dir, seenFile), s.seen)
}

// Accept records a valid table read from a file. When its content equals a
// known version, that version becomes current again and no new version is
// made. It returns the version now published and whether it is new.
func (s *Store) Accept(ctx context.Context, id string, t *catalog.Table, prov catalog.Provenance, warnings []catalog.Issue) (catalog.Version, bool, error) {
	if err := ctx.Err(); err != nil {
		return catalog.Version{}, false, err
	}
	r, err := s.Load(id)
	if err != nil {
		return catalog.Version{}, false, err
	}
	vid := VersionID(t)
	v, known := r.Version(vid)
	if !known {
		v = catalog.Version{
			ID:        vid,
			Checksum:  prov.Checksum,
			Accepted:  prov.Fetched.UTC(),
			Rows:      len(t.Rows),
			SourceRef: prov.Source,
			Warnings:  len(warnings),
		}
		for _, rt := range t.Related {
			if rt != nil && rt.Name != "" {
				v.Related = append(v.Related, rt.Name)
			}
		}
		if err := s.writeData(s.versionPath(id, vid), t); err != nil {
			return catalog.Version{}, false, err
		}
		if err := s.writeData(s.previewPath(id, vid), preview(t)); err != nil {
			return catalog.Version{}, false, err
		}
		r.History = append([]catalog.Version{v}, r.History...)
	}
	r.Current = vid
	r.Latest = &catalog.Attempt{At: prov.Fetched.UTC(), Checksum: prov.Checksum, Status: catalog.Accepted, Issues: warnings}
	r.LastGoodFetch = prov.Fetched.UTC()
	r.Source = prov
	if err := s.save(r); err != nil {
		return catalog.Version{}, false, err
	}
	return v, !known, nil
}

// Refuse records a file that did not pass validation. The published version
// does not change.
func (s *Store) Refuse(ctx context.Context, id string, prov catalog.Provenance, issues []catalog.Issue) error {
	return s.attempt(ctx, id, prov, catalog.Attempt{Status: catalog.Refused, Reason: catalog.FirstReason(issues), Issues: issues})
}

// Stale records a source that could not be fetched. The published version
// does not change.
func (s *Store) Stale(ctx context.Context, id string, at time.Time, reason catalog.Text) error {
	return s.attempt(ctx, id, catalog.Provenance{Fetched: at}, catalog.Attempt{Status: catalog.Stale, Reason: reason})
}

// Unchanged records a fetch that found the same file as last time (same
// checksum, or an HTTP 304): the record keeps its latest attempt.
func (s *Store) Unchanged(ctx context.Context, id string, prov catalog.Provenance) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r, err := s.Load(id)
	if err != nil {
		return err
	}
	changed := false
	if r.Latest != nil && r.Latest.Status == catalog.Stale {
		// The source answers again; what it answers was judged before.
		r.Latest = r.previousJudgement()
		changed = true
	}
	if (prov.ETag != "" && prov.ETag != r.Source.ETag) || (prov.LastModified != "" && prov.LastModified != r.Source.LastModified) ||
		(!prov.Modified.IsZero() && !prov.Modified.Equal(r.Source.Modified)) {
		r.Source.ETag, r.Source.LastModified, r.Source.Modified = prov.ETag, prov.LastModified, prov.Modified
		changed = true
	}
	if len(prov.Parts) > 0 && !slices.EqualFunc(prov.Parts, r.Source.Parts, sameValidators) {
		// The parts of an index: their validators, for the next requests.
		r.Source.Parts = prov.Parts
		changed = true
	}
	if r.Status() == catalog.Accepted {
		if changed {
			r.LastGoodFetch = prov.Fetched.UTC()
		} else {
			s.mu.Lock()
			s.seen[id] = prov.Fetched.UTC()
			s.mu.Unlock()
		}
	}
	if !changed {
		return nil
	}
	return s.save(r)
}

// sameValidators reports whether two provenances would ask a server the
// same conditional question.
func sameValidators(a, b catalog.Provenance) bool {
	return a.Source == b.Source && a.Checksum == b.Checksum && a.ETag == b.ETag && a.LastModified == b.LastModified && a.Modified.Equal(b.Modified)
}

func (r *Record) previousJudgement() *catalog.Attempt {
	if r.Current == "" {
		return nil
	}
	v, _ := r.Version(r.Current)
	return &catalog.Attempt{At: v.Accepted, Checksum: v.Checksum, Status: catalog.Accepted}
}

func (s *Store) attempt(ctx context.Context, id string, prov catalog.Provenance, a catalog.Attempt) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r, err := s.Load(id)
	if err != nil {
		return err
	}
	a.At = prov.Fetched.UTC()
	a.Checksum = prov.Checksum
	r.Latest = &a
	if prov.Checksum != "" {
		r.Source = prov
	}
	return s.save(r)
}

// SetDownloads records the files exported for a dataset.
func (s *Store) SetDownloads(id string, d []catalog.Download) error {
	r, err := s.Load(id)
	if err != nil {
		return err
	}
	r.Downloads = d
	return s.save(r)
}

// PreviewRows is how many rows a version's preview keeps.
const PreviewRows = 20

func preview(t *catalog.Table) *catalog.Table {
	p := *t
	p.Rows = t.Rows[:min(len(t.Rows), PreviewRows)]
	if t.Related != nil {
		// The related tables' columns and first rows, for their schemas.
		p.Related = make([]*catalog.Table, len(t.Related))
		for i, r := range t.Related {
			p.Related[i] = preview(r)
		}
	}
	return &p
}

// Preview returns the columns and first rows of a version: a small read,
// where the whole table may be large.
func (s *Store) Preview(id, version string) (*catalog.Table, error) {
	b, err := os.ReadFile(s.previewPath(id, version))
	if errors.Is(err, fs.ErrNotExist) {
		t, err := s.Table(id, version) // a version kept before previews were
		if err != nil {
			return nil, err
		}
		return preview(t), nil
	}
	if err != nil {
		return nil, fmt.Errorf("store %s version %s: %w", id, version, err)
	}
	var t catalog.Table
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("store %s version %s: damaged preview: %w", id, version, err)
	}
	return &t, nil
}

// Table returns the normalised table of a version.
func (s *Store) Table(id, version string) (*catalog.Table, error) {
	b, err := os.ReadFile(s.versionPath(id, version))
	if err != nil {
		return nil, fmt.Errorf("store %s version %s: %w", id, version, err)
	}
	var t catalog.Table
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("store %s version %s: damaged: %w", id, version, err)
	}
	return &t, nil
}

func (s *Store) save(r *Record) error { return s.writeJSON(s.statePath(r.ID), r) }

func (s *Store) statePath(id string) string { return filepath.Join(s.dir, id, "state.json") }

func (s *Store) versionPath(id, v string) string {
	return filepath.Join(s.dir, id, "versions", v+".json")
}

func (s *Store) previewPath(id, v string) string {
	return filepath.Join(s.dir, id, "previews", v+".json")
}

// writeJSON writes a small record, indented for people who look into the
// store.
func (s *Store) writeJSON(path string, v any) error {
	return s.write(path, v, " ")
}

// writeData writes a table compactly: a region's store holds millions of
// rows.
func (s *Store) writeData(path string, v any) error {
	return s.write(path, v, "")
}

// write writes atomically: a reader sees the old file or the new one,
// never half of one, even if the run is killed. There is no fsync per
// file: the rename is what makes the write atomic, and a region's cold run
// writes tens of thousands of files.
func (s *Store) write(path string, v any, indent string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("store: encode %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("store: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}
