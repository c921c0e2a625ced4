package search

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/szdc/talenthub/models"
)

// Facets cost Bleve a visit of every matching document's values: measured
// at 100k profiles, 16 ms of a 30 ms single-word search and 100 ms of the
// 135 ms unfiltered browse. So:
//   - the browse (no words, no filters) is answered from counts kept here,
//     exact and updated with every indexed or deleted document;
//   - other facets are computed by Bleve and cached by query until the
//     index changes.

// facetRow is what the kept counts know of one document.
type facetRow struct {
	scope  string              // a profile's visibility; "" for projects
	values map[string][]string // facet → values
}

// facetFields are the fields the kept counts read back from the index (they
// are stored): the facets, and the visibility that scopes profiles.
var facetFields = map[string][]string{
	models.CollTalents:  {"district", "origin", "level", "industries", "skills", "visibility"},
	models.CollProjects: {"district", "kind", "industries", "skills"},
	models.CollTeams:    teamFacets,
}

func facetRowOf(doc any) (string, string, *facetRow) {
	switch d := doc.(type) {
	case *models.Talent:
		return models.CollTalents, d.ID, &facetRow{scope: string(d.Visibility), values: map[string][]string{
			"district": {d.District}, "origin": {string(d.Origin)}, "level": {string(d.Level)},
			"industries": d.Industries, "skills": d.Skills,
		}}
	case *models.Project:
		return models.CollProjects, d.ID, &facetRow{values: map[string][]string{
			"district": {d.District}, "kind": {string(d.Kind)}, "industries": d.Industries, "skills": d.Skills,
		}}
	case *models.Team:
		return models.CollTeams, d.ID, &facetRow{values: map[string][]string{
			"stage": {string(d.Stage)}, "industry": {d.Industry}, "district": {d.District},
		}}
	}
	return "", "", nil
}

// facetTable keeps the browse counts: per collection and scope, per facet,
// per value. It starts empty and is filled, once, by one Bleve facet query
// per collection (ready); from then on every commit adjusts it, with the
// old values of each document read back from the index.
type facetTable struct {
	ready  map[string]bool
	counts map[string]map[string]map[string]int // collection/scope → facet → value → count
}

func newFacetTable() *facetTable {
	return &facetTable{ready: map[string]bool{}, counts: map[string]map[string]map[string]int{}}
}

func (t *facetTable) add(coll string, r *facetRow, n int) {
	bucket := coll + "/" + r.scope
	c := t.counts[bucket]
	if c == nil {
		c = map[string]map[string]int{}
		t.counts[bucket] = c
	}
	if c["_total"] == nil {
		c["_total"] = map[string]int{}
	}
	c["_total"][""] += n
	for f, vs := range r.values {
		if c[f] == nil {
			c[f] = map[string]int{}
		}
		for _, v := range vs {
			if v == "" {
				continue
			}
			c[f][v] += n
			if c[f][v] == 0 {
				delete(c[f], v)
			}
		}
	}
}

// browse returns the total and facets of a collection over the scopes.
// Call with commitMu held (read).
func (t *facetTable) browse(coll string, scopes []string, names []string) (int, map[string][]models.FacetCount) {
	sum := map[string]map[string]int{}
	total := 0
	for _, s := range scopes {
		c := t.counts[coll+"/"+s]
		total += c["_total"][""]
		for _, f := range names {
			if sum[f] == nil {
				sum[f] = map[string]int{}
			}
			for v, n := range c[f] {
				sum[f][v] += n
			}
		}
	}
	out := map[string][]models.FacetCount{}
	for _, f := range names {
		out[f] = topCounts(sum[f], facetSize)
	}
	return total, out
}

func topCounts(m map[string]int, n int) []models.FacetCount {
	out := make([]models.FacetCount, 0, len(m))
	for k, c := range m {
		out = append(out, models.FacetCount{Key: k, Count: c})
	}
	slices.SortFunc(out, func(a, b models.FacetCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key))
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// batch collects index writes and the facet rows they change; the counts
// follow when the batch is committed.
type batch struct {
	b    *bleve.Batch
	rows map[string]rowChange // last change per document
}

type rowChange struct {
	coll, id string
	row      *facetRow
}

func (ix *Index) newBatch() *batch { return &batch{b: ix.bi.NewBatch(), rows: map[string]rowChange{}} }

// Index adds a document to the batch (indexer).
func (bt *batch) Index(id string, data any) error { return bt.b.Index(id, data) }

func (bt *batch) note(coll, id string, row *facetRow) {
	bt.rows[coll+"/"+id] = rowChange{coll, id, row}
}

// Delete removes a document in the batch.
func (bt *batch) Delete(coll, id string) {
	bt.b.Delete(docID(coll, id))
	if _, ok := facetFields[coll]; ok {
		bt.note(coll, id, nil)
	}
}

// Size is the number of writes in the batch.
func (bt *batch) Size() int { return bt.b.Size() }

// commit writes the batch, adjusts the kept counts by the old and new rows
// of its documents, keeps the cached facets of the collections it touched
// exact or drops them (facetcache.go), and moves those collections'
// generation on twice: to an odd number while the batch is applied (no
// search keeps facets it counted then), to the next even one after. An
// index in a directory then waits for the batch to be on disk; a
// notPersisted error says that it is applied (searches and the counts have
// it) but not on disk yet (persist.go).
func (ix *Index) commit(bt *batch) error {
	ix.commitMu.Lock()
	defer ix.commitMu.Unlock()
	return ix.commitLocked(bt)
}

// commitLocked is commit with commitMu held.
func (ix *Index) commitLocked(bt *batch) error {
	byColl := map[string]*rowDeltas{}
	for key, ch := range bt.rows {
		d := byColl[ch.coll]
		if d == nil {
			d = &rowDeltas{old: map[string]*facetRow{}, now: map[string]*facetRow{}}
			byColl[ch.coll] = d
		}
		d.ids = append(d.ids, key)
		d.now[key] = ch.row
		if !ix.facets.ready[ch.coll] {
			continue
		}
		old, err := ix.storedRow(ch.coll, ch.id)
		if err != nil {
			return err
		}
		d.old[key] = old
	}
	// Only the collections the batch touched: an application or an audit
	// entry must not retire the cached facets of profile searches.
	ctx := context.Background()
	var ms []*maintenance
	for coll, d := range byColl {
		ms = append(ms, ix.startMaintenance(ctx, coll, d, ix.facets.ready[coll]))
	}
	written := func() error { return nil }
	if ix.disk != nil {
		written = ix.disk.expect(bt.b)
	}
	if err := ix.bi.Batch(bt.b); err != nil {
		for _, m := range ms {
			m.entries = nil
			ix.finishMaintenance(ctx, m)
		}
		return err
	}
	for coll, d := range byColl {
		if !ix.facets.ready[coll] {
			continue
		}
		for key, old := range d.old {
			if old != nil {
				ix.facets.add(coll, old, -1)
			}
			if now := d.now[key]; now != nil {
				ix.facets.add(coll, now, 1)
			}
		}
	}
	for _, m := range ms {
		ix.finishMaintenance(ctx, m)
	}
	// A new batch rather than Reset: Bleve's Batch can return while the
	// goroutine that queued the analysis still reads the old batch's map
	// (scorch.Batch), so a Reset here is a data race.
	bt.b = ix.bi.NewBatch()
	clear(bt.rows)
	return written()
}

// setInternal writes one of the index's own keys as a commit, waiting for
// the disk as commit does.
func (ix *Index) setInternal(key, val []byte) error {
	bt := ix.newBatch()
	bt.b.SetInternal(key, val)
	return ix.commit(bt)
}

// storedRow reads back the facet values of an indexed document (nil when
// it is not indexed).
func (ix *Index) storedRow(coll, id string) (*facetRow, error) {
	doc, err := ix.bi.Document(docID(coll, id))
	if err != nil || doc == nil {
		return nil, err
	}
	r := &facetRow{values: map[string][]string{}}
	wanted := map[string]bool{}
	for _, f := range facetFields[coll] {
		wanted[f] = true
	}
	doc.VisitFields(func(f index.Field) {
		name := f.Name()
		if !wanted[name] {
			return
		}
		if name == "visibility" {
			r.scope = string(f.Value())
			return
		}
		r.values[name] = append(r.values[name], string(f.Value()))
	})
	return r, nil
}

// initFacets fills the kept counts of a collection from one Bleve facet
// query, with commits held off so that none slips between the query and
// the first adjustment.
func (ix *Index) initFacets(coll string) error {
	ix.commitMu.Lock()
	defer ix.commitMu.Unlock()
	if ix.facets.ready[coll] {
		return nil
	}
	scopes := []string{""}
	if coll == models.CollTalents {
		scopes = []string{string(models.VisibilityPublic), string(models.VisibilityOrgs), string(models.VisibilityPrivate)}
	}
	for _, scope := range scopes {
		q := []query.Query{termQuery(typeField, coll)}
		if scope != "" {
			q = append(q, termQuery("visibility", scope))
		}
		req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery(q), 0, 0, false)
		for _, f := range facets[coll] {
			req.AddFacet(f, bleve.NewFacetRequest(f, 100_000))
		}
		res, err := ix.bi.Search(req)
		if err != nil {
			return err
		}
		c := map[string]map[string]int{"_total": {"": int(res.Total)}}
		for name, fr := range res.Facets {
			c[name] = map[string]int{}
			if fr.Terms != nil {
				for _, t := range fr.Terms.Terms() {
					if t.Term != "" { // no value, as the adjustments skip it
						c[name][t.Term] = t.Count
					}
				}
			}
		}
		ix.facets.counts[coll+"/"+scope] = c
	}
	ix.facets.ready[coll] = true
	return nil
}

func joinKey(parts ...string) string { return strings.Join(parts, "\x00") }

// generationOf is the counter of a faceted collection's changes. Each
// faceted collection has its own: a commit moves its collection's counter
// and retires the cached counts exact at the old value, and a write to a
// team must not retire those of profile searches.
func (ix *Index) generationOf(coll string) *atomic.Uint64 {
	switch coll {
	case models.CollProjects:
		return &ix.generations[1]
	case models.CollTeams:
		return &ix.generations[2]
	}
	return &ix.generations[0]
}
