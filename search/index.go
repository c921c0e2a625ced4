package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/szdc/talenthub/models"
)

// Internal keys the index keeps about itself.
var (
	keyMapping = []byte("mapping_version")
	keyCursor  = []byte("feed_cursor")
	keyOpen    = []byte("open") // "1" while a process has it open
)

// Options configure an Index.
type Options struct {
	// Dir holds the index; empty keeps it in memory (tests).
	Dir string
	// Source is the database the index follows.
	Source models.FeedSource
	// Analysis chooses the analyser of free text (words by default).
	Analysis Analysis
	// Progress, if set, is told how many documents a rebuild has indexed.
	Progress func(done int)
	Logger   *slog.Logger
	// Now is the clock (time.Now).
	Now func() time.Time
	// FacetsDeferFrom is the number of matches from which a search whose
	// facets are not kept answers without them and has them counted in
	// the background (facetcache.go, counter): 0 takes
	// defaultFacetsDeferFrom, a negative number never defers.
	FacetsDeferFrom int
}

// Index is the Bleve index of the feed's documents.
type Index struct {
	bi   bleve.Index
	opts Options
	log  *slog.Logger

	// follower follows the change feed for the index (follow.go).
	follower *models.Follower

	// disk is what an index in a directory knows of its writes to disk
	// (persist.go); nil in memory.
	disk      *diskState
	closeOnce sync.Once
	closeErr  error

	// commitMu orders commits with the kept facet counts (facets.go).
	commitMu    sync.RWMutex
	facets      *facetTable
	facetCache  facetCache
	generations [3]atomic.Uint64 // profiles, projects, teams: see generationOf
	rebuilt     int              // documents of the last rebuild

	// pairs are the accepted mined synonyms (mined.go).
	pairs pairsOf

	// skillKeys remembers SkillKey's answers: a match scores a hundred
	// candidates with a few skills each, and skills repeat.
	skillKeys sync.Map
	skillN    atomic.Int64

	// counter counts deferred facets in the background, one at a time.
	counter facetCounter

	// tied remembers, per search, the step of searchPage's windows that
	// its last page needed (equal scores straddled a narrower one).
	tied  sync.Map
	tiedN atomic.Int64
}

// Open opens the index in opts.Dir, or creates it. A broken index is moved
// aside (quarantined) and a new one rebuilt from the database; so is an
// index built with another mapping. After an unclean stop the index is
// marked for reconciliation (Reconcile), which Follow runs.
func Open(ctx context.Context, opts Options) (*Index, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Analysis == "" {
		opts.Analysis = AnalysisWords
	}
	ix := &Index{opts: opts, log: opts.Logger, facets: newFacetTable()}
	ix.follower = models.NewFollower(opts.Source, (*indexApplier)(ix), models.FollowerOptions{Name: "search",
		Batch: batchSize, Now: opts.Now, Logger: opts.Logger, ResyncBeside: true})
	im, err := newMapping(opts.Analysis)
	if err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	version := ix.mappingVersion()

	if opts.Dir == "" {
		bi, err := bleve.NewMemOnly(im)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		ix.bi = bi
		if err := ix.rebuildIfSource(ctx); err != nil {
			return nil, err
		}
		return ix, ix.fillFacets()
	}

	ix.disk = newDiskState(ix.log)
	key := storePath(opts.Dir)
	// Registered before Bleve opens it, as its persister may fail at once.
	// A second Index of this process on the same directory does not open
	// (the lock), and leaves the first its entry.
	if _, taken := openIndexes.LoadOrStore(key, ix); !taken {
		if err := ix.openDir(ctx, im, version); err != nil {
			openIndexes.CompareAndDelete(key, ix)
			return nil, err
		}
		return ix, nil
	}
	if err := ix.openDir(ctx, im, version); err != nil {
		return nil, err
	}
	return ix, nil
}

// openDir is Open of an index in a directory.
func (ix *Index) openDir(ctx context.Context, im mapping.IndexMapping, version string) error {
	opts := ix.opts
	bi, err := bleve.OpenUsing(opts.Dir, runtimeConfig())
	fresh := false
	switch {
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		fresh = true
	case errors.Is(err, bolterrors.ErrTimeout):
		// Another process holds the index: not broken, and not ours to
		// move aside.
		return fmt.Errorf("search: index %s is in use by another process (its lock was not free within %s): %w", opts.Dir, lockTimeout, err)
	case err != nil:
		ix.log.Warn("search: index is unreadable; quarantining it and rebuilding", "dir", opts.Dir, "error", err)
		if err := quarantine(opts.Dir); err != nil {
			return err
		}
		fresh = true
	default:
		v, verr := bi.GetInternal(keyMapping)
		if verr != nil || string(v) != version {
			ix.log.Info("search: index has another mapping, dictionary or synonym table; rebuilding", "have", string(v), "want", version)
			_ = bi.Close()
			if err := quarantine(opts.Dir); err != nil {
				return err
			}
			fresh = true
		} else {
			ix.bi = bi
		}
	}
	if fresh {
		if err := os.MkdirAll(filepath.Dir(opts.Dir), 0o750); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		// Created with the configuration it keeps in index_meta.json
		// (lockWait), then opened with the one of this process
		// (runtimeConfig): an older release opening the index later gets
		// Bleve's own safe batches, which it waits on.
		bi, err := bleve.NewUsing(opts.Dir, im, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, lockWait())
		if err != nil {
			return fmt.Errorf("search: create index: %w", err)
		}
		if err := bi.Close(); err != nil {
			return fmt.Errorf("search: create index: %w", err)
		}
		if bi, err = bleve.OpenUsing(opts.Dir, runtimeConfig()); err != nil {
			return fmt.Errorf("search: open the new index: %w", err)
		}
		ix.bi = bi
		if err := ix.rebuildIfSource(ctx); err != nil {
			_ = bi.Close()
			return err
		}
	} else if open, _ := ix.bi.GetInternal(keyOpen); string(open) == "1" {
		// The feed has every change since the cursor, but those a crash
		// cut between their write and their entry: a reconciliation finds
		// them, beside the catch-ups.
		ix.log.Info("search: the index was not closed cleanly; it will be reconciled with the database")
		ix.follower.MarkUnclean()
	} else {
		// Closed cleanly: nothing was committed after the facets were
		// saved, if this release saved them (the mark is its own).
		ix.loadFacetCache(string(open))
	}
	// Written to disk before anything else is (commit waits for it), so
	// that the disk never holds a change of this run without the mark.
	// The saved facets go with it: Bleve writes every internal key again
	// with each batch it persists.
	bt := ix.newBatch()
	bt.b.SetInternal(keyOpen, []byte("1"))
	bt.b.DeleteInternal(keyFacetCache)
	if err := ix.commit(bt); err != nil {
		_ = ix.bi.Close()
		return fmt.Errorf("search: %w", err)
	}
	if err := ix.fillFacets(); err != nil {
		_ = ix.bi.Close()
		return err
	}
	return nil
}

// fillFacets fills the kept facet counts of every faceted collection at
// open, rather than the first browse paying for it (158 ms at 100k
// profiles); commits keep them current from then on, so a search never
// needs to check.
func (ix *Index) fillFacets() error {
	for coll := range facetFields {
		if err := ix.initFacets(coll); err != nil {
			return fmt.Errorf("search: facet counts: %w", err)
		}
	}
	return nil
}

// lockTimeout bounds the wait for the index's lock (the bolt file of
// Bleve's scorch index, which waits forever by default): a second process
// on the same directory gets an error instead of hanging.
const lockTimeout = 5 * time.Second

// lockWait is the configuration that sets lockTimeout, for bleve.NewUsing
// (which also stores it in the index's index_meta.json); a fresh map each
// time, as Bleve adds its own keys to it.
func lockWait() map[string]any {
	return map[string]any{"bolt_timeout": lockTimeout.String()}
}

// runtimeConfig is the configuration this process opens an index with:
// lockWait, and batches that return once applied in memory, their writes
// to disk waited for by commit, with the persister's failures reported to
// onAsyncError (persist.go "How a commit reaches the disk").
func runtimeConfig() map[string]any {
	c := lockWait()
	c["unsafe_batch"] = true
	c["asyncErrorCallbackName"] = asyncErrorCallback
	return c
}

// quarantine moves a broken index aside, keeping it for inspection.
func quarantine(dir string) error {
	to := fmt.Sprintf("%s.broken-%s", dir, time.Now().UTC().Format("20060102T150405.000000000"))
	if err := os.Rename(dir, to); err != nil {
		return fmt.Errorf("search: quarantine %s: %w", dir, err)
	}
	return nil
}

// mappingVersion identifies what an index was built with.
func (ix *Index) mappingVersion() string {
	return mappingVersion + ":" + string(ix.opts.Analysis) + ":" + analysisVersion()
}

func (ix *Index) rebuildIfSource(ctx context.Context) error {
	if err := ix.setInternal(keyMapping, []byte(ix.mappingVersion())); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if ix.opts.Source == nil {
		return nil
	}
	return ix.Rebuild(ctx)
}

// Close marks the index cleanly closed and closes it. If the mark cannot
// be written (a full disk), the index on disk stays marked open and the
// next start reconciles it. A second Close does nothing.
func (ix *Index) Close() error {
	ix.closeOnce.Do(func() {
		ix.counter.stop()
		ix.closeErr = ix.follower.Exclusive(func() error {
			_ = ix.markClosed()
			err := ix.bi.Close()
			if ix.disk != nil {
				close(ix.disk.closed)
				openIndexes.CompareAndDelete(storePath(ix.opts.Dir), ix)
			}
			return err
		})
	})
	return ix.closeErr
}

// markClosed writes the "closed cleanly" mark and, for an index in a
// directory, the cached facets (facetcache.go), in one batch and with
// commits held off, so that the next Open knows they are exact.
func (ix *Index) markClosed() error {
	if ix.follower.NeedsResync() {
		// Closed before a reconciliation found what may be missing (a
		// stop soon after a crash, a change lost with its feed entry):
		// left marked open, the next start reconciles.
		ix.log.Info("search: the index is closed before its reconciliation; the next start reconciles it")
		return nil
	}
	ix.commitMu.Lock()
	defer ix.commitMu.Unlock()
	bt := ix.newBatch()
	mark := "0"
	if ix.disk != nil {
		// A mark of its own ("0:" and a nonce the saved facets repeat): a
		// release that does not know the saved facets writes a bare "0"
		// when it closes, and its changes then do not pass for theirs.
		mark = "0:" + strconv.FormatUint(rand.Uint64(), 36)
		if blob, err := ix.encodeFacetCache(mark); err != nil {
			ix.log.Warn("search: save the cached facets", "error", err)
		} else {
			bt.b.SetInternal(keyFacetCache, blob)
		}
	}
	bt.b.SetInternal(keyOpen, []byte(mark))
	return ix.commitLocked(bt)
}

// Observe applies a change made by this process, with its document, before
// the write is answered, so that a creator finds their change at once. It
// is registered with the store.
func (ix *Index) Observe(ctx context.Context, c models.Change) {
	if !indexes(c.Coll) {
		return
	}
	if b := models.BatchOf(ctx); b != nil {
		ix.observeInBatch(ctx, b, c)
		return
	}
	bt := ix.newBatch()
	var err error
	if c.Deleted {
		bt.Delete(c.Coll, c.ID)
	} else if c.Doc != nil {
		err = ix.index(bt, c.Doc)
	}
	if err == nil && bt.Size() > 0 {
		err = ix.commit(bt)
	}
	// Applied but not on disk yet is applied: the disk state logs it and
	// the index writes it later, or the next start reconciles it.
	if !applied(err) {
		ix.log.WarnContext(ctx, "search: index a local change", "coll", c.Coll, "id", c.ID, "error", err)
		if c.Unrecorded {
			// Its feed entry was lost too: no catch-up will bring it.
			ix.follower.MarkGap()
		}
	}
	// The change is not remembered as applied: a catch-up running at the
	// same time may have read the document before this write and index the
	// older version after it; the follower then sees, by version, that the
	// feed entry of this change still needs applying.
}

// pending is the index's part of a models.Batch: one Bleve batch for all
// the changes, committed at the batch's flush.
type pending struct {
	mu         sync.Mutex
	bt         *batch
	n          int
	unrecorded bool
}

// observeInBatch adds a change to the batch's Bleve batch (Observe's rules,
// one commit for all).
func (ix *Index) observeInBatch(ctx context.Context, b *models.Batch, c models.Change) {
	p := b.Get(ix, func() (any, func()) {
		p := &pending{bt: ix.newBatch()}
		return p, func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			var err error
			if p.bt.Size() > 0 {
				err = ix.commit(p.bt)
			}
			if !applied(err) {
				ix.log.WarnContext(ctx, "search: index local changes", "changes", p.n, "error", err)
				if p.unrecorded {
					ix.follower.MarkGap()
				}
			}
		}
	}).(*pending)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	p.unrecorded = p.unrecorded || c.Unrecorded
	if c.Deleted {
		p.bt.Delete(c.Coll, c.ID)
	} else if c.Doc != nil {
		if err := ix.index(p.bt, c.Doc); err != nil {
			ix.log.WarnContext(ctx, "search: index a local change", "coll", c.Coll, "id", c.ID, "error", err)
		}
	}
}

// index adds a document to a batch, with its facet row; a document of a
// collection the index does not keep is passed over.
func (ix *Index) index(bt *batch, doc any) error {
	coll, id, fields, err := indexDoc(doc)
	if err != nil {
		return err
	}
	return ix.add(bt, doc, coll, id, fields)
}

// add is index with the document's fields already made (indexDoc).
func (ix *Index) add(bt *batch, doc any, coll, id string, fields map[string]any) error {
	if !indexes(coll) {
		return nil
	}
	fields[typeField] = coll
	if err := bt.Index(docID(coll, id), fields); err != nil {
		return err
	}
	if c, rid, row := facetRowOf(doc); row != nil {
		bt.note(c, rid, row)
	}
	return nil
}

// version returns the indexed version of a document, 0 if it is absent.
func (ix *Index) version(coll, id string) (int64, error) {
	doc, err := ix.bi.Document(docID(coll, id))
	if err != nil || doc == nil {
		return 0, err
	}
	var v int64
	doc.VisitFields(func(f index.Field) {
		if f.Name() == "version" {
			if nf, ok := f.(index.NumericField); ok {
				if n, err := nf.Number(); err == nil {
					v = int64(n)
				}
			}
		}
	})
	return v, nil
}

// List implements models.Lister.
func (ix *Index) List(ctx context.Context, q models.ListQuery) ([]string, int, error) {
	if _, ok := fields[q.Coll]; !ok {
		return nil, 0, fmt.Errorf("search: unknown collection %q", q.Coll)
	}
	bq, err := ix.buildQuery(q)
	if err != nil {
		return nil, 0, err
	}
	if q.Page, err = checkPage(q.Page, "items", "add filters"); err != nil {
		return nil, 0, err
	}
	req := bleve.NewSearchRequestOptions(bq, q.Page.PerPage, q.Page.Offset(), false)
	sort := q.Sort
	if len(sort) == 0 {
		sort = []string{"-created_at", "_id"}
	}
	for _, s := range sort {
		f := strings.TrimPrefix(s, "-")
		if _, ok := fields[q.Coll][f]; !ok && f != "_id" && f != "_score" {
			return nil, 0, fmt.Errorf("search: cannot sort %s by %q", q.Coll, f)
		}
	}
	req.SortBy(sort)
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, &models.Error{Code: models.CodeUnavailable, Message: "the search took too long", Err: err}
		}
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	ids := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		_, id := splitID(h.ID)
		ids = append(ids, id)
	}
	return ids, int(res.Total), nil
}

// buildQuery turns a ListQuery into a Bleve query: every condition is a
// term, range or match query on a field the mapping declares.
func (ix *Index) buildQuery(q models.ListQuery) (query.Query, error) {
	known := fields[q.Coll]
	must := []query.Query{termQuery(typeField, q.Coll)}
	for _, cond := range q.All {
		if len(cond) == 0 {
			continue
		}
		or := make([]query.Query, 0, len(cond))
		for _, m := range cond {
			if m.Field == "_id" {
				or = append(or, query.NewDocIDQuery([]string{docID(q.Coll, m.Value)}))
				continue
			}
			if known[m.Field] != kw && known[m.Field] != flag {
				return nil, fmt.Errorf("search: %s has no keyword field %q", q.Coll, m.Field)
			}
			if known[m.Field] == flag {
				bq := query.NewBoolFieldQuery(m.Value == "true")
				bq.SetField(m.Field)
				or = append(or, bq)
				continue
			}
			or = append(or, termQuery(m.Field, m.Value))
		}
		must = append(must, query.NewDisjunctionQuery(or))
	}
	for _, r := range q.Ranges {
		incl, excl := true, false
		switch {
		case known[r.Field] == num:
			rq := query.NewNumericRangeInclusiveQuery(r.Min, r.Max, &incl, &excl)
			rq.SetField(r.Field)
			must = append(must, rq)
		case known[r.Field] == kw && dayFields[r.Field]:
			lo, hi, err := dayBounds(r)
			if err != nil {
				return nil, err
			}
			rq := query.NewTermRangeInclusiveQuery(lo, hi, &incl, &excl)
			rq.SetField(r.Field)
			must = append(must, rq)
		default:
			return nil, fmt.Errorf("search: %s has no numeric or day field %q", q.Coll, r.Field)
		}
	}
	var not []query.Query
	if q.Text != "" {
		parsed, err := ParseText(q.Text)
		if err != nil {
			return nil, err
		}
		tq, nq, err := ix.textQuery(q.Coll, parsed, nil)
		if err != nil {
			return nil, err
		}
		if tq != nil {
			must = append(must, tq)
		}
		not = append(not, nq...)
	}
	bq := query.NewBooleanQuery(must, nil, not)
	for _, m := range q.Not {
		if known[m.Field] != kw {
			return nil, fmt.Errorf("search: %s has no keyword field %q", q.Coll, m.Field)
		}
		bq.AddMustNot(termQuery(m.Field, m.Value))
	}
	return bq, nil
}

// dayFields are the keyword fields that hold days (YYYY-MM-DD). A Range
// bounds them too: its bounds are numbers, so it gives the days as
// YYYYMMDD (20260315 is 2026-03-15), Min <= day < Max as for numbers. The
// days are compared as written, which orders them, so an exclusive bound
// past a month's last day (20260332) is still the day after it.
var dayFields = map[string]bool{"opens": true, "closes": true, "deadline": true, "date": true}

// dayBounds are a Range's bounds as days ("" where open).
func dayBounds(r models.Range) (lo, hi string, err error) {
	day := func(f *float64) (string, error) {
		if f == nil {
			return "", nil
		}
		n := *f
		if n != math.Trunc(n) || n < 0 || n > 99_99_99_99 {
			return "", fmt.Errorf("search: %s: %v is not a day written YYYYMMDD", r.Field, n)
		}
		d := int64(n)
		return fmt.Sprintf("%04d-%02d-%02d", d/1_00_00, d/100%100, d%100), nil
	}
	if lo, err = day(r.Min); err != nil {
		return "", "", err
	}
	if hi, err = day(r.Max); err != nil {
		return "", "", err
	}
	if lo == "" && hi == "" {
		return "", "", fmt.Errorf("search: the range of %s has no bound", r.Field)
	}
	return lo, hi, nil
}

func termQuery(field, value string) query.Query {
	tq := query.NewTermQuery(value)
	tq.SetField(field)
	return tq
}

// Add indexes documents written in bulk without a change feed entry (the
// seed command on the embedded database, which no other process can be
// using), in batches, each committed before Add returns.
func (ix *Index) Add(ctx context.Context, docs []any) error {
	for start := 0; start < len(docs); start += batchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		bt := ix.newBatch()
		for _, d := range docs[start:min(start+batchSize, len(docs))] {
			if err := ix.index(bt, d); err != nil {
				return fmt.Errorf("search: %w", err)
			}
		}
		if err := ix.commit(bt); err != nil {
			return fmt.Errorf("search: %w", err)
		}
	}
	return nil
}
