package figures

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/szdc/talenthub/models"
)

// A snapshot is the figures' records, bases and organisations written to a
// file with the feed position they reflect, so that a start reads one file
// instead of decoding every record from the database (at 1M profiles and
// 333k records the load took 49 of a 52 s start) and then catches up from
// the feed like the index. It is derived data: whenever it cannot be
// trusted — missing, of another format or database, damaged, or older than
// the feed keeps — the figures load from the database as before, and
// `recount` checks either way.
//
// The file: a magic line, the SHA-256 of the rest, then parts, each its
// length (a uvarint) and a gob stream of its own: the snapshot without
// its records, then the records in chunks of snapshotChunk. gob, not
// JSON: at a million records the decoding is the start. Chunks, not one
// gob of everything, for two reasons measured at a million records (230
// MB): gob reads a message of that size by growing a buffer ten megabytes
// at a time, a second of copying; and streams of their own decode on
// every core. Version 1, one gob of the whole snapshot, is still read.

const (
	snapshotMagic   = "talenthub-figures-snapshot 2\n"
	snapshotMagicV1 = "talenthub-figures-snapshot 1\n"
	snapshotChunk   = 16384
)

type snapshot struct {
	Position string
	// Epoch names the database and its bulk loads (the store's data
	// epoch): a seed writes records without feed entries, and changes it.
	Epoch   string
	SavedAt time.Time
	Recs    []*models.Recruitment // empty in the header of version 2
	Bases   []*models.Base
	Orgs    []*models.Org
	// Records is the number of records in the chunks, Chunk the number
	// in each but the last (version 2).
	Records, Chunk int
}

// SaveSnapshot writes the figures to path (atomically: a crash leaves the
// old file or the new one) with the feed position they reflect and epoch.
func (f *Figures) SaveSnapshot(path, epoch string) error {
	s := snapshot{Epoch: epoch}
	f.mu.RLock()
	// Documents are replaced, never changed in place, so the pointers are
	// a consistent copy once the lock is released.
	s.Position, s.SavedAt = f.cursor, f.now().UTC()
	s.Recs = make([]*models.Recruitment, 0, len(f.recs))
	for _, r := range f.recs {
		s.Recs = append(s.Recs, r.m)
	}
	for _, b := range f.bases {
		s.Bases = append(s.Bases, b.m)
	}
	for _, o := range f.orgs {
		s.Orgs = append(s.Orgs, o.m)
	}
	f.mu.RUnlock()
	if s.Position == "" {
		return errors.New("figures: no feed position to snapshot")
	}
	body, err := encodeSnapshot(plainCorrections(s), snapshotChunk)
	if err != nil {
		return fmt.Errorf("figures: snapshot: %w", err)
	}
	sum := sha256.Sum256(body.Bytes())
	tmp, err := os.CreateTemp(filepath.Dir(path), ".figures-*")
	if err != nil {
		return fmt.Errorf("figures: snapshot: %w", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	fmt.Fprintf(w, "%s%x\n", snapshotMagic, sum)
	if _, err := w.Write(body.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("figures: snapshot: %w", err)
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("figures: snapshot: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("figures: snapshot: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("figures: snapshot: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("figures: snapshot: %w", err)
	}
	f.log.Info("figures: snapshot saved", "records", len(s.Recs), "position", s.Position)
	return nil
}

// Start loads the figures for a server's start: from the snapshot at path
// when it can be trusted for a database of epoch, from the database
// otherwise. A mark beside the snapshot (runningMark) is there from the
// start to the clean stop: found at a start, it says the last run crashed,
// and the snapshot (saved by that run every so often, or at the clean stop
// before it) is then reconciled with the database by versions after its
// catch-up, to find the changes a crash cut off from their feed entries.
// (Before, the snapshot was used once and a crash loaded every record: 51
// s at a million profiles, BENCHMARKS.md "A start after a crash at one
// million".) Stopped takes the mark away after the last save.
func (f *Figures) Start(ctx context.Context, path, epoch string) error {
	mark := runningMark(path)
	_, err := os.Stat(mark)
	crashed := err == nil
	if err := writeSynced(mark); err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	ok, err := f.loadSnapshot(ctx, path, epoch, crashed)
	if err != nil {
		f.log.Warn("figures: the snapshot could not be caught up; loading from the database", "error", err)
	}
	if !ok {
		if err := f.Load(ctx); err != nil {
			return fmt.Errorf("load the figures: %w", err)
		}
	}
	return nil
}

// Stopped records a clean stop, after the snapshot was saved at it: the
// next start trusts the snapshot without a reconciliation.
func (f *Figures) Stopped(path string) error {
	if err := os.Remove(runningMark(path)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("figures: %w", err)
	}
	return nil
}

// runningMark is the file that says the figures of the snapshot at path
// are in use by a running server.
func runningMark(path string) string { return path + ".running" }

// writeSynced creates an empty file and syncs it and its directory: a
// power cut after the start must not lose the mark.
func writeSynced(path string) error {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fh.Sync(); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Close(); err != nil {
		return err
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}

// LoadSnapshot loads the figures from the snapshot at path if it can be
// trusted for a database of epoch, and catches them up from the feed. It
// reports false (and why, in the log) when the caller must Load instead.
func (f *Figures) LoadSnapshot(ctx context.Context, path, epoch string) (bool, error) {
	return f.loadSnapshot(ctx, path, epoch, false)
}

// loadSnapshot is LoadSnapshot, reconciling the figures with the database
// after the catch-up when the last run crashed, or when the feed no longer
// has every entry since the snapshot: the versions of every record, base
// and organisation compared (read from the database's file on the
// embedded database, from an index on MongoDB), and each that differs
// read again.
func (f *Figures) loadSnapshot(ctx context.Context, path, epoch string, crashed bool) (bool, error) {
	began := time.Now()
	// A start builds a million small objects that all stay alive: the
	// collector's passes over them were a third of the time. It runs
	// less often until the figures are built.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	s, why := readSnapshot(path)
	read := time.Since(began)
	switch {
	case why == "" && s.Epoch != epoch:
		why = "written for another database, or before a bulk load"
	case why == "" && s.Position == "":
		why = "no feed position"
	}
	if why != "" {
		f.log.Info("figures: no usable snapshot; loading from the database", "why", why)
		return false, nil
	}
	err := f.follower.Rebuild(ctx, func(string) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.reset()
		f.addAll(s.Recs)
		for _, b := range s.Bases {
			f.bases[b.ID] = baseRow{b}
		}
		for _, o := range s.Orgs {
			f.orgs[o.ID] = orgRow{o}
		}
		f.cursor, f.asOf = s.Position, s.SavedAt
		return nil
	})
	if err != nil {
		return false, err
	}
	built := time.Since(began)
	if _, err := f.follower.CatchUp(ctx); err != nil {
		return false, err
	}
	caughtUp := time.Since(began)
	if f.follower.NeedsResync() || crashed {
		f.log.Info("figures: reconciling the snapshot with the database", "saved_at", s.SavedAt,
			"after_a_crash", crashed, "older_than_the_feed", f.follower.NeedsResync())
		fixed, err := f.follower.Resync(ctx)
		if err != nil {
			return false, err
		}
		f.log.Info("figures: the snapshot reconciled", "fixed", fixed)
	}
	ms := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	// Each phase's end, from the beginning, to see where a start goes.
	f.log.Info("figures loaded from a snapshot", "records", len(s.Recs), "bases", len(s.Bases), "orgs", len(s.Orgs),
		"saved_at", s.SavedAt, "read", ms(read), "built", ms(built), "caught_up", ms(caughtUp), "took", ms(time.Since(began)))
	return true, nil
}

// readSnapshot reads and checks a snapshot; why says what is wrong with it.
func readSnapshot(path string) (s snapshot, why string) {
	raw, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return s, "none saved"
	case err != nil:
		return s, err.Error()
	}
	rest, ok := bytes.CutPrefix(raw, []byte(snapshotMagic))
	v1 := false
	if !ok {
		rest, v1 = bytes.CutPrefix(raw, []byte(snapshotMagicV1))
	}
	if !ok && !v1 {
		return s, "another format"
	}
	line, body, ok := bytes.Cut(rest, []byte("\n"))
	if !ok || fmt.Sprintf("%x", sha256.Sum256(body)) != string(line) {
		return s, "damaged (checksum)"
	}
	if v1 {
		err = gob.NewDecoder(bytes.NewReader(body)).Decode(&s)
		if errors.Is(err, io.EOF) {
			err = nil
		}
	} else {
		s, err = decodeSnapshot(body)
	}
	if err != nil {
		return snapshot{}, "undecodable: " + err.Error()
	}
	s.nonNil()
	return s, ""
}

// nonNil gives every list of the snapshot's documents as the store does:
// gob gives an empty slice back as nil, the store every slice of these
// documents non-nil (an empty list, not null, in the API).
func (s snapshot) nonNil() {
	for _, r := range s.Recs {
		nonNilSlices(r)
	}
	for _, b := range s.Bases {
		nonNilSlices(b)
	}
	for _, o := range s.Orgs {
		nonNilSlices(o)
	}
}

// encodeSnapshot writes s as the parts of version 2.
func encodeSnapshot(s snapshot, chunk int) (*bytes.Buffer, error) {
	var body, part bytes.Buffer
	add := func(v any) error {
		part.Reset()
		if err := gob.NewEncoder(&part).Encode(v); err != nil {
			return err
		}
		body.Write(binary.AppendUvarint(nil, uint64(part.Len())))
		body.Write(part.Bytes())
		return nil
	}
	recs := s.Recs
	s.Recs, s.Records, s.Chunk = nil, len(recs), chunk
	if err := add(s); err != nil {
		return nil, err
	}
	for part := range slices.Chunk(recs, chunk) {
		if err := add(part); err != nil {
			return nil, err
		}
	}
	return &body, nil
}

// decodeSnapshot reads the parts of version 2, the chunks of records on
// every core.
func decodeSnapshot(body []byte) (snapshot, error) {
	var parts [][]byte
	for len(body) > 0 {
		n, k := binary.Uvarint(body)
		if k <= 0 || n > uint64(len(body)-k) {
			return snapshot{}, errors.New("a part's length is cut or too long")
		}
		parts, body = append(parts, body[k:k+int(n)]), body[k+int(n):]
	}
	if len(parts) == 0 {
		return snapshot{}, errors.New("no header")
	}
	var s snapshot
	if err := gob.NewDecoder(bytes.NewReader(parts[0])).Decode(&s); err != nil {
		return snapshot{}, err
	}
	chunks := parts[1:]
	if s.Chunk <= 0 || s.Records < 0 || len(s.Recs) != 0 {
		return snapshot{}, fmt.Errorf("a header of %d records in chunks of %d", s.Records, s.Chunk)
	}
	if want := (s.Records + s.Chunk - 1) / s.Chunk; len(chunks) != want {
		return snapshot{}, fmt.Errorf("%d chunks of records where %d records make %d", len(chunks), s.Records, want)
	}
	s.Recs = make([]*models.Recruitment, s.Records)
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, chunk := range chunks {
		g.Go(func() error {
			var recs []*models.Recruitment
			if err := gob.NewDecoder(bytes.NewReader(chunk)).Decode(&recs); err != nil {
				return err
			}
			dst := s.Recs[i*s.Chunk : min((i+1)*s.Chunk, s.Records)]
			if len(recs) != len(dst) || slices.Contains(recs, nil) {
				return fmt.Errorf("chunk %d has %d records, want %d", i, len(recs), len(dst))
			}
			copy(dst, recs)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return snapshot{}, err
	}
	return s, nil
}

func nonNilSlices(p any) {
	v := reflect.ValueOf(p).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Slice && f.IsNil() && f.CanSet() {
			f.Set(reflect.MakeSlice(f.Type(), 0, 0))
		}
	}
}

// plainCorrections returns s with the values of the records' corrections
// as the database gives them back (a string, a bool): gob carries an
// interface value only of a registered type, and a correction made in
// this process holds typed strings (models.Level …).
func plainCorrections(s snapshot) snapshot {
	for i, r := range s.Recs {
		if len(r.Corrections) == 0 {
			continue
		}
		c := *r
		c.Corrections = make([]models.Correction, len(r.Corrections))
		for j, k := range r.Corrections {
			k.Before, k.After = plainMap(k.Before), plainMap(k.After)
			c.Corrections[j] = k
		}
		s.Recs[i] = &c
	}
	return s
}

func plainMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		rv := reflect.ValueOf(v)
		switch {
		case v == nil:
			out[k] = nil
		case rv.Kind() == reflect.String:
			out[k] = rv.String()
		case rv.Kind() == reflect.Bool:
			out[k] = rv.Bool()
		case rv.CanInt():
			out[k] = rv.Int()
		case rv.CanFloat():
			out[k] = rv.Float()
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}
