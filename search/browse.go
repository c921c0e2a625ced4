package search

import (
	"context"
	"fmt"
	"slices"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/szdc/talenthub/models"
)

// A browse (no words, no filters) in the default order lists a collection by
// id, and its total and facets are kept counts; but Bleve sorts by id only
// after visiting every match: at a million profiles, 170 ms for a page of
// 20 on an idle core, the slowest thing a search mix asks. The index's
// dictionary of ids is already in that order, so a shallow browse page
// walks it instead: each id in turn is read from one snapshot of the index
// (gone: deleted; otherwise its visibility says whether it is in scope)
// until the page is full. A page deeper than browseWalkMax goes to Bleve,
// which is then cheaper than reading every document before it; so does an
// index in memory (tests), whose kind of index keeps no dictionary of ids.

const browseWalkMax = 2_000

// walkable reports whether a browse page is walked rather than searched.
func walkable(sortBy []string, page models.Page) bool {
	return slices.Equal(sortBy, []string{"-_score", "_id"}) && page.Offset()+page.PerPage <= browseWalkMax
}

// browseWalk returns a browse page of coll in the given scopes (the
// visibilities of profiles; "" for a collection without them), with the
// total and facets kept for them, all read while no commit can change
// them.
func (ix *Index) browseWalk(ctx context.Context, coll string, scopes []string, page models.Page) (*models.SearchPage, error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	ix.commitMu.RLock()
	r, err := adv.Reader()
	out := &models.SearchPage{}
	if err == nil {
		out.Total, out.Facets = ix.facets.browse(coll, scopes, facets[coll])
	}
	ix.commitMu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer r.Close()
	dict, err := r.FieldDictPrefix("_id", []byte(coll+"/"))
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer dict.Close()
	inScope := map[string]bool{}
	for _, s := range scopes {
		inScope[s] = true
	}
	skip := page.Offset()
	for len(out.Hits) < page.PerPage {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if e == nil {
			break
		}
		doc, err := r.Document(e.Term)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if doc == nil {
			continue // deleted; its id stays in a segment until a merge
		}
		scope, version := "", int64(0)
		doc.VisitFields(func(f index.Field) {
			switch f.Name() {
			case "visibility":
				scope = string(f.Value())
			case "version":
				if nf, ok := f.(index.NumericField); ok {
					if n, err := nf.Number(); err == nil {
						version = int64(n)
					}
				}
			}
		})
		if !inScope[scope] {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		_, id := splitID(e.Term)
		out.Hits = append(out.Hits, models.SearchHit{ID: id, Version: version})
	}
	return out, nil
}
