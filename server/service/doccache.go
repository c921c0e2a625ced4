package service

import (
	"context"
	"sync"

	"github.com/szdc/talenthub/models"
)

// docCache keeps profiles and projects read for search hits and matches.
// An entry is used only when the index reports the same version for the
// hit, so the answer is what reading the database would have given as of
// the index (in one process: exactly; with several processes on MongoDB:
// as of the index, which trails another process's write by at most the
// one-second feed interval — as the hit list itself does). Matches read a
// hundred candidates each; without the cache, reading them was most of the
// server's CPU under the mixed load (BENCHMARKS.md).
//
// Cached documents are shared: the services never modify what they read
// (masked and ForViewer copy).
type docCache struct {
	talents  versionCache[models.Talent]
	projects versionCache[models.Project]
}

func newDocCache() *docCache {
	return &docCache{talents: versionCache[models.Talent]{max: 50_000}, projects: versionCache[models.Project]{max: 20_000}}
}

type versionCache[T any] struct {
	mu  sync.Mutex
	m   map[string]*T
	max int
}

func (c *versionCache[T]) get(id string, version int64, ver func(*T) int64) (*T, bool) {
	if version <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[id]
	if !ok || ver(v) != version {
		return nil, false
	}
	return v, true
}

func (c *versionCache[T]) put(id string, v *T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= c.max {
		// A full clear rather than an LRU: refilling costs one read per
		// document, once.
		c.m = make(map[string]*T, 1024)
	}
	c.m[id] = v
}

// fetchHits reads the documents of search hits in order, from the cache
// where it holds the version the index has, the rest from the database a
// few at a time; documents gone since the index saw them, or not visible,
// are left out.
func fetchHits[T any](ctx context.Context, hits []models.SearchHit, cache *versionCache[T], get func(context.Context, string) (*T, error),
	ver func(*T) int64, visible func(*T) bool) ([]*T, error) {
	items := make([]*T, len(hits))
	var missing []string
	var at []int
	for i, h := range hits {
		if v, ok := cache.get(h.ID, h.Version, ver); ok {
			items[i] = v
			continue
		}
		missing = append(missing, h.ID)
		at = append(at, i)
	}
	if len(missing) > 0 {
		read, err := fetchPage(ctx, missing, get, func(*T) bool { return true })
		if err != nil {
			return nil, err
		}
		// fetchPage keeps the order and leaves out what is gone.
		byID := make(map[string]*T, len(read))
		for _, v := range read {
			byID[idOf(v)] = v
			cache.put(idOf(v), v)
		}
		for k, i := range at {
			items[i] = byID[missing[k]]
		}
	}
	out := make([]*T, 0, len(items))
	for _, v := range items {
		if v != nil && visible(v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// idOf returns the id of a profile or project.
func idOf[T any](v *T) string {
	switch d := any(v).(type) {
	case *models.Talent:
		return d.ID
	case *models.Project:
		return d.ID
	}
	return ""
}

func talentVersion(t *models.Talent) int64   { return t.Version }
func projectVersion(p *models.Project) int64 { return p.Version }
