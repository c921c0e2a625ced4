package search

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	blevesearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/szdc/talenthub/models"
)

// The facets of a search that is not the browse are computed by Bleve,
// which visits every match's values: at a million profiles a word matching
// 100k of them costs 250-350 ms of a core alone and about a second under
// load, and every search that arrives meanwhile queues behind it. A cache
// of those facets by query is only worth having if it stays warm, so:
//
//   - it is kept exact across writes instead of being thrown away: a
//     commit asks Bleve, for each recently used query, which of the
//     changed documents it matched before the commit and which it matches
//     after, and moves the counts by their old and new values (a search
//     restricted to a few document ids costs 0.2-1 ms at 1M, against the
//     300 ms of a recount). Entries beyond maintainBudget are dropped as
//     before, and so is everything on a batch larger than maintainMaxDocs
//     (a rebuild, a reconciliation);
//   - it outlives a clean restart: Close saves it in the index with the
//     "closed cleanly" mark in one batch, and Open takes it back only from
//     an index closed cleanly (no commit can have followed the save);
//   - concurrent searches of the same query compute its facets once: the
//     others run their page without facets and wait for the first.
//
// Counts are kept whole (every value, not the 20 shown), as a value outside
// the top can enter it when another's count falls.

const (
	facetCacheSize = 512
	// maintainBudget bounds the time one commit spends keeping cached
	// facets, the most recently used first; at least maintainAlways of
	// them are kept whatever the time, so that behaviour does not depend
	// on the machine's speed.
	maintainBudget  = 10 * time.Millisecond
	maintainAlways  = 8
	maintainMaxDocs = 256
	// allValues asks Bleve for every value of a facet.
	allValues = 1_000_000
)

var keyFacetCache = []byte("facet_cache")

// facetEntry is the cached facets of one query.
type facetEntry struct {
	coll   string
	q      query.Query
	gen    uint64                    // the collection's generation they are exact at
	counts map[string]map[string]int // facet → value → count
	used   uint64                    // the cache's clock at the last use
	view   map[string][]models.FacetCount
}

// shown is the facets as a search answers them (made once per change).
func (e *facetEntry) shown() map[string][]models.FacetCount {
	if e.view == nil {
		e.view = map[string][]models.FacetCount{}
		for f, m := range e.counts {
			e.view[f] = topCounts(m, facetSize)
		}
	}
	return e.view
}

type facetCache struct {
	mu       sync.Mutex
	entries  map[string]*facetEntry
	partials map[string]partialCounts
	clock    uint64
	flights  map[string]chan struct{}
	stats    FacetCacheStats
}

// FacetCacheStats count what the facet cache did, for tests and /metrics.
type FacetCacheStats struct {
	Hits, Misses, Shared uint64 // Shared: searches that waited for another's count
	Maintained, Dropped  uint64 // entries kept exact by a commit, or dropped by one
	Loaded               uint64 // entries taken back at open
	Deferred             uint64 // counts handed to the background (facetCounter)
}

// FacetCacheStats reports what the facet cache did since open.
func (ix *Index) FacetCacheStats() FacetCacheStats {
	ix.facetCache.mu.Lock()
	defer ix.facetCache.mu.Unlock()
	return ix.facetCache.stats
}

// lookup returns the cached facets of key at gen; otherwise, if nobody is
// computing them, it makes the caller the one (lead) and, if somebody is,
// the channel closed when they are done.
func (c *facetCache) lookup(key string, gen uint64) (cached map[string][]models.FacetCount, lead bool, wait <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok && e.gen == gen {
		c.clock++
		e.used = c.clock
		c.stats.Hits++
		return e.shown(), false, nil
	}
	if ch, ok := c.flights[key]; ok {
		c.stats.Shared++
		return nil, false, ch
	}
	c.stats.Misses++
	if c.flights == nil {
		c.flights = map[string]chan struct{}{}
	}
	c.flights[key] = make(chan struct{})
	return nil, true, nil
}

// land ends the caller's lead of key, keeping e if it is not nil and no
// commit of its collection began since e's generation (the counts are
// then those of that generation). Commits move the generation under the
// same lock, so an entry is either kept before a commit picks what to
// maintain or not at all.
func (ix *Index) land(key string, e *facetEntry) {
	c := &ix.facetCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.flights[key]; ok {
		close(ch)
		delete(c.flights, key)
	}
	if e != nil && ix.generationOf(e.coll).Load() == e.gen {
		c.putLocked(key, e)
	}
}

func (c *facetCache) putLocked(key string, e *facetEntry) {
	if c.entries == nil {
		c.entries = map[string]*facetEntry{}
	}
	c.clock++
	e.used = c.clock
	c.entries[key] = e
	if len(c.entries) > facetCacheSize {
		// The least recently used goes: a scan of 512 on a cold search,
		// which costs a hundred milliseconds anyway.
		oldest, at := "", uint64(0)
		for k, x := range c.entries {
			if oldest == "" || x.used < at {
				oldest, at = k, x.used
			}
		}
		delete(c.entries, oldest)
	}
}

// wholeCounts are a Bleve result's facets with every value (the empty one
// left out, as no one can filter by it).
func wholeCounts(fs blevesearch.FacetResults) map[string]map[string]int {
	out := map[string]map[string]int{}
	for name, fr := range fs {
		m := map[string]int{}
		if fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				if t.Term != "" {
					m[t.Term] = t.Count
				}
			}
		}
		out[name] = m
	}
	return out
}

// facetPlan is how a search gets its facets: cached; counted by its own
// Bleve request (computes: the caller adds the facet requests), kept for
// the next searches if it leads; or waited for from the search that leads.
type facetPlan struct {
	ix       *Index
	coll     string
	key      string
	q        query.Query
	gen      uint64
	lead     bool
	wait     <-chan struct{}
	cached   map[string][]models.FacetCount
	uncached bool // a commit is under way: compute, do not keep
}

func (ix *Index) planFacets(coll string, q query.Query) *facetPlan {
	raw, _ := json.Marshal(q)
	p := &facetPlan{ix: ix, coll: coll, key: joinKey(coll, string(raw)), q: q, gen: ix.generationOf(coll).Load()}
	if p.gen%2 == 1 {
		// A commit is applying a batch to this collection: what a search
		// sees may be from before or after it.
		p.uncached = true
		return p
	}
	p.cached, p.lead, p.wait = ix.facetCache.lookup(p.key, p.gen)
	return p
}

// computes reports whether the search's own request must count the facets.
func (p *facetPlan) computes() bool { return p.uncached || p.lead }

// done takes the facets of the search's own request (if it computed them)
// and, if it waited for another's, those; it must be called once whatever
// happened (res nil on an error).
func (p *facetPlan) done(ctx context.Context, res *bleve.SearchResult) (map[string][]models.FacetCount, error) {
	ix := p.ix
	switch {
	case p.cached != nil:
		return p.cached, nil
	case p.uncached:
		if res == nil {
			return nil, nil
		}
		return (&facetEntry{counts: wholeCounts(res.Facets)}).shown(), nil
	case p.lead:
		if res == nil {
			ix.land(p.key, nil)
			return nil, nil
		}
		e := &facetEntry{coll: p.coll, q: p.q, gen: p.gen, counts: wholeCounts(res.Facets)}
		shown := e.shown()
		ix.land(p.key, e)
		return shown, nil
	}
	if res == nil {
		return nil, nil
	}
	select {
	case <-p.wait:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if cached := ix.facetCache.peek(p.key, p.gen); cached != nil {
		return cached, nil
	}
	// The other search failed, or the index changed meanwhile: count them.
	r, err := ix.countFacets(ctx, p.coll, p.q)
	if err != nil {
		return nil, err
	}
	return (&facetEntry{counts: wholeCounts(r.Facets)}).shown(), nil
}

// countFacets counts the facets of q alone, in a request of their own.
func (ix *Index) countFacets(ctx context.Context, coll string, q query.Query) (*bleve.SearchResult, error) {
	req := bleve.NewSearchRequestOptions(lean(q), 0, 0, false)
	req.Score = bleve.ScoreNone
	addFacets(req, coll)
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

// peek is lookup without leading.
func (c *facetCache) peek(key string, gen uint64) map[string][]models.FacetCount {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok && e.gen == gen {
		c.clock++
		e.used = c.clock
		return e.shown()
	}
	return nil
}

// facets finishes p for a search of total matches: the kept facets; none
// and pending, their count handed to the counter, when they are too many
// to count in the request; otherwise the facets res counted (counted: the
// search's own request asked for them) or a count of their own, or those
// of the search that counts them. res is the search's own result, or an
// empty one for a search that has none (it must not be nil: done takes a
// nil one for a failed search).
func (p *facetPlan) facets(ctx context.Context, res *bleve.SearchResult, counted bool, total int) (map[string][]models.FacetCount, bool, error) {
	ix := p.ix
	if p.cached != nil {
		return p.cached, false, nil
	}
	if d := ix.facetsDeferFrom(); d > 0 && (total >= d || p.wait != nil && ix.counter.counting(p.key)) {
		// A count this large is not made in the request: others would
		// queue behind it. Nor is a search of words whose count the
		// counter holds kept waiting for it (a write may have made it
		// small since).
		ix.deferFacets(p)
		return map[string][]models.FacetCount{}, true, nil
	}
	if p.computes() && !counted {
		var err error
		if res, err = ix.countFacets(ctx, p.coll, p.q); err != nil {
			_, _ = p.done(ctx, nil)
			return nil, false, err
		}
	}
	f, err := p.done(ctx, res)
	return f, false, err
}

// defaultFacetsDeferFrom is where a search's facets are no longer counted
// in its request (Options.FacetsDeferFrom): at a million profiles a word
// matching 300,000 of them spends 250-400 ms of a core on its facets alone
// (after a start without saved facets, every new search of the first
// minute did, and every other search queued behind them), against 40-60
// ms for its page. From 50,000 it was not enough: in the first seconds
// after such a start the words of 40,000-odd matches each spent 150-180 ms
// on their count against 20 ms for the page, the two search slots filled
// and every request of the mix waited up to a second (BENCHMARKS.md,
// "The first seconds"). Under 15,000 matches a count costs under 60 ms and
// is made at once.
const defaultFacetsDeferFrom = 15_000

// facetsDeferFrom is Options.FacetsDeferFrom in force: 0 for never.
func (ix *Index) facetsDeferFrom() int {
	switch n := ix.opts.FacetsDeferFrom; {
	case n < 0:
		return 0
	case n == 0:
		return defaultFacetsDeferFrom
	default:
		return n
	}
}

// facetCounter counts deferred facets in the background, one search at a
// time, so that at most one core counts them while the other answers
// searches; a search of the same words after the count has them at once,
// from the cache, and the cache keeps them exact from then on. Searches
// that arrive while their count waits are answered without facets too, and
// not counted twice (the count leads their key's flight).
type facetCounter struct {
	mu      sync.Mutex
	jobs    []*facetPlan
	current string // the key of the count under way
	running bool
	closed  bool
	cancel  context.CancelFunc
	ctx     context.Context
	wg      sync.WaitGroup
	// hook, if set (tests), runs before each count.
	hook func()
}

// maxDeferredFacets bounds the counts waiting: past it a search's count is
// dropped, and a later search of the same words asks for it again.
const maxDeferredFacets = 256

// deferredFacetsTimeout bounds one background count.
const deferredFacetsTimeout = 30 * time.Second

// deferFacets hands the count of p's facets to the counter if p leads
// its key's flight; a search that does not (another leads, or a commit is
// under way) leaves it to whoever does.
func (ix *Index) deferFacets(p *facetPlan) {
	if !p.lead {
		return
	}
	c := &ix.counter
	c.mu.Lock()
	if c.closed || len(c.jobs) >= maxDeferredFacets {
		c.mu.Unlock()
		ix.land(p.key, nil)
		return
	}
	c.jobs = append(c.jobs, p)
	ix.facetCache.mu.Lock()
	ix.facetCache.stats.Deferred++
	ix.facetCache.mu.Unlock()
	if !c.running {
		c.running = true
		if c.ctx == nil {
			c.ctx, c.cancel = context.WithCancel(context.Background())
		}
		c.wg.Add(1)
		go ix.countDeferred()
	}
	c.mu.Unlock()
}

// countDeferred counts the waiting facets until none is left.
func (ix *Index) countDeferred() {
	c := &ix.counter
	defer c.wg.Done()
	for {
		c.mu.Lock()
		if len(c.jobs) == 0 || c.closed {
			for _, p := range c.jobs {
				ix.land(p.key, nil)
			}
			c.jobs, c.running = nil, false
			c.mu.Unlock()
			return
		}
		p := c.jobs[0]
		c.jobs, c.current = c.jobs[1:], p.key
		hook, ctx := c.hook, c.ctx
		c.mu.Unlock()
		if hook != nil {
			hook()
		}
		e := ix.countAside(ctx, p)
		c.mu.Lock()
		c.current = ""
		c.mu.Unlock()
		ix.land(p.key, e)
	}
}

// countAside counts p's facets for the counter: nil if they cannot be
// kept. The counts are of the generation seen before the count began;
// land keeps them only if no commit began since.
func (ix *Index) countAside(ctx context.Context, p *facetPlan) *facetEntry {
	gen := ix.generationOf(p.coll).Load()
	if gen%2 == 1 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, deferredFacetsTimeout)
	defer cancel()
	res, err := ix.countFacets(ctx, p.coll, p.q)
	if err != nil {
		return nil
	}
	return &facetEntry{coll: p.coll, q: p.q, gen: gen, counts: wholeCounts(res.Facets)}
}

// counting reports whether the counter has key's facets to count: a
// search of the same words does not wait for them.
func (c *facetCounter) counting(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return key == c.current || slices.ContainsFunc(c.jobs, func(p *facetPlan) bool { return p.key == key })
}

// stop ends the counter: the count under way is cancelled, those waiting
// are dropped, and it returns once nothing counts.
func (c *facetCounter) stop() {
	c.mu.Lock()
	c.closed = true
	if c.cancel != nil {
		c.cancel()
	}
	c.mu.Unlock()
	c.wg.Wait()
}

// settled returns once the counter has nothing left to count (tests).
func (c *facetCounter) settled() { c.wg.Wait() }

// partialCounts are the sizes of a partial search (search.go
// partialSearch): its total and its tiers' (tiers[k]: documents matching
// exactly k parts), exact at gen.
type partialCounts struct {
	gen   uint64
	total int
	tiers []int
}

const partialCacheSize = 256

// partial returns the kept sizes of a partial search, if exact at gen.
func (c *facetCache) partial(key string, gen uint64) (partialCounts, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.partials[key]
	return p, ok && p.gen == gen
}

// keepPartial keeps the sizes of a partial search if no commit of coll
// began since they were counted (land's rule).
func (ix *Index) keepPartial(key, coll string, p partialCounts) {
	c := &ix.facetCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if ix.generationOf(coll).Load() != p.gen || p.gen%2 == 1 {
		return
	}
	if c.partials == nil {
		c.partials = map[string]partialCounts{}
	}
	if len(c.partials) >= partialCacheSize {
		for k, x := range c.partials {
			if x.gen != ix.generationOf(coll).Load() || len(c.partials) >= partialCacheSize {
				delete(c.partials, k)
			}
		}
	}
	c.partials[key] = p
}

// addFacets asks req for every value of coll's facets.
func addFacets(req *bleve.SearchRequest, coll string) {
	for _, f := range facets[coll] {
		req.AddFacet(f, bleve.NewFacetRequest(f, allValues))
	}
}

// ResetFacetCache forgets the cached facets, so that the next searches
// compute theirs (benchmarks measure both).
func (ix *Index) ResetFacetCache() {
	ix.facetCache.mu.Lock()
	defer ix.facetCache.mu.Unlock()
	ix.facetCache.entries, ix.facetCache.partials = nil, nil
}

// rowDeltas are one collection's changed documents in a commit, with their
// facet rows before (nil: not indexed) and after (nil: deleted).
type rowDeltas struct {
	ids      []string // index ids (collection/id)
	old, now map[string]*facetRow
}

// maintenance is a commit's work on the cached facets of one collection.
type maintenance struct {
	coll    string
	deltas  *rowDeltas
	entries []*facetEntry
	before  [][]string // per entry, the changed documents it matched before
}

// startMaintenance is called by commit, with commitMu held, before the
// batch is applied: it makes the collection's generation odd, picks the
// entries to keep (exact until now, the most recently used first, within
// maintainBudget; none unless keep, as when the kept counts that give the
// old rows are not filled yet) and asks which changed documents each
// matched before the batch.
func (ix *Index) startMaintenance(ctx context.Context, coll string, d *rowDeltas, keep bool) *maintenance {
	c := &ix.facetCache
	c.mu.Lock()
	gen := ix.generationOf(coll).Add(1) - 1
	var picked []*facetEntry
	if keep && len(d.ids) <= maintainMaxDocs {
		for _, e := range c.entries {
			if e.coll == coll && e.gen == gen {
				picked = append(picked, e)
			}
		}
		slices.SortFunc(picked, func(a, b *facetEntry) int { return -cmpUint(a.used, b.used) })
	}
	c.mu.Unlock()
	m := &maintenance{coll: coll, deltas: d}
	start := time.Now()
	for i, e := range picked {
		if i >= maintainAlways && time.Since(start) > maintainBudget {
			break
		}
		ids, err := ix.matchingAmong(ctx, e.q, d.ids)
		if err != nil {
			ix.log.Warn("search: keep cached facets", "error", err)
			break
		}
		m.entries = append(m.entries, e)
		m.before = append(m.before, ids)
	}
	return m
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// finishMaintenance is called after the batch is applied (or failed:
// m.entries emptied), still under commitMu: each kept entry moves by the
// old values of the changed documents it matched and the new values of
// those it matches now; every other entry of the collection is dropped;
// and the generation becomes even again, the kept entries exact at it.
func (ix *Index) finishMaintenance(ctx context.Context, m *maintenance) {
	after := make([][]string, len(m.entries))
	n := len(m.entries)
	for i, e := range m.entries {
		ids, err := ix.matchingAmong(ctx, e.q, m.deltas.ids)
		if err != nil {
			ix.log.Warn("search: keep cached facets", "error", err)
			n = i
			break
		}
		after[i] = ids
	}
	c := &ix.facetCache
	c.mu.Lock()
	defer c.mu.Unlock()
	gen := ix.generationOf(m.coll).Add(1)
	kept := map[*facetEntry]bool{}
	for i, e := range m.entries[:n] {
		for _, id := range m.before[i] {
			moveCounts(e.counts, m.deltas.old[id], -1)
		}
		for _, id := range after[i] {
			moveCounts(e.counts, m.deltas.now[id], 1)
		}
		e.gen, e.view = gen, nil
		kept[e] = true
	}
	c.stats.Maintained += uint64(len(kept))
	for k, e := range c.entries {
		if e.coll == m.coll && !kept[e] {
			delete(c.entries, k)
			c.stats.Dropped++
		}
	}
}

// moveCounts adds n times a row's values (each distinct value once, as
// Bleve counts a document once per value) to counts.
func moveCounts(counts map[string]map[string]int, r *facetRow, n int) {
	if r == nil {
		return
	}
	for f, vs := range r.values {
		m := counts[f]
		if m == nil {
			continue // not a facet of this collection's searches
		}
		seen := map[string]bool{}
		for _, v := range vs {
			if v == "" || seen[v] {
				continue
			}
			seen[v] = true
			m[v] += n
			if m[v] <= 0 {
				delete(m, v)
			}
		}
	}
}

// matchingAmong returns which of the index ids match q.
func (ix *Index) matchingAmong(ctx context.Context, q query.Query, ids []string) ([]string, error) {
	only := query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), lean(q)})
	req := bleve.NewSearchRequestOptions(only, len(ids), 0, false)
	req.Score = bleve.ScoreNone
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out, nil
}

// savedFacets is the facet cache as Close saves it.
type savedFacets struct {
	Mark    string // the closed-cleanly mark written with them
	Entries []savedFacetEntry
}

type savedFacetEntry struct {
	Key    string
	Counts map[string]map[string]int
}

// encodeFacetCache is the cache's exact entries, for Close (commitMu held,
// so that no commit slips between them and the save).
func (ix *Index) encodeFacetCache(mark string) ([]byte, error) {
	c := &ix.facetCache
	c.mu.Lock()
	s := savedFacets{Mark: mark}
	for k, e := range c.entries {
		if e.gen == ix.generationOf(e.coll).Load() {
			s.Entries = append(s.Entries, savedFacetEntry{Key: k, Counts: e.counts})
		}
	}
	c.mu.Unlock()
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// loadFacetCache takes back the facets saved by the last Close, called by
// Open before any commit, when the index was closed cleanly with the mark
// saved with them. An entry whose query does not read back as it was
// written is left out.
func (ix *Index) loadFacetCache(mark string) {
	raw, err := ix.bi.GetInternal(keyFacetCache)
	if err != nil || len(raw) == 0 {
		return
	}
	var s savedFacets
	if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&s); err != nil {
		ix.log.Warn("search: saved facets unreadable; they will be counted again", "error", err)
		return
	}
	if s.Mark != mark {
		return // saved by an earlier clean stop; a release without them ran since
	}
	c := &ix.facetCache
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, se := range s.Entries {
		coll, js, ok := strings.Cut(se.Key, "\x00")
		if _, faceted := facets[coll]; !ok || !faceted {
			continue
		}
		q, err := query.ParseQuery([]byte(js))
		if err != nil {
			continue
		}
		if again, err := json.Marshal(q); err != nil || string(again) != js {
			continue
		}
		c.putLocked(se.Key, &facetEntry{coll: coll, q: q, gen: ix.generationOf(coll).Load(), counts: se.Counts})
		c.stats.Loaded++
	}
	ix.log.Info("search: the facets of recent searches taken back from the last clean stop", "searches", c.stats.Loaded)
}
