package store

import (
	"sync"
	"time"

	"github.com/szdc/talenthub/models"
)

// authCache keeps sessions and users read moments ago. Every authenticated
// request reads both by _id before its own work; without the cache a
// profile read cost three database round trips instead of one
// (BENCHMARKS.md, "GET /talents/{id}").
//
// Writes through this store drop the entries they touch, so one process
// (the embedded database) never sees a stale session or user. Several
// processes on one MongoDB see another's logout, role or membership change
// after at most ttl, which Options.AuthCacheTTL bounds.
type authCache struct {
	ttl time.Duration
	max int

	mu sync.Mutex
	// gen counts drops: a read that began before a drop must not cache
	// what it read, which the drop may have made stale.
	gen      uint64
	sessions map[string]cachedAt[models.Session]
	users    map[string]cachedAt[models.User]
}

type cachedAt[T any] struct {
	v  T
	at time.Time
}

func newAuthCache(ttl time.Duration) *authCache {
	return &authCache{ttl: ttl, max: 20_000, sessions: map[string]cachedAt[models.Session]{}, users: map[string]cachedAt[models.User]{}}
}

// cacheGet returns a cached value, or the generation to give cachePut
// after reading the database.
func cacheGet[T any](c *authCache, m map[string]cachedAt[T], id string) (*T, uint64, bool) {
	if c == nil {
		return nil, 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := m[id]
	if !ok || time.Since(e.at) > c.ttl {
		return nil, c.gen, false
	}
	v := e.v // a copy: callers may change what they get
	return &v, c.gen, true
}

func cachePut[T any](c *authCache, m map[string]cachedAt[T], id string, v *T, gen uint64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(m) >= c.max {
		// Rather than an LRU: at this size a full clear costs one
		// round trip per active client, once.
		clear(m)
	}
	m[id] = cachedAt[T]{v: *v, at: time.Now()}
}

func (c *authCache) dropSession(id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.sessions, id)
}

// dropUser forgets a user and every cached session of theirs.
func (c *authCache) dropUser(id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.users, id)
	for k, s := range c.sessions {
		if s.v.UserID == id {
			delete(c.sessions, k)
		}
	}
}

// The maps, nil-safe for a store without a cache.
func (c *authCache) usersMap() map[string]cachedAt[models.User] {
	if c == nil {
		return nil
	}
	return c.users
}

func (c *authCache) sessionsMap() map[string]cachedAt[models.Session] {
	if c == nil {
		return nil
	}
	return c.sessions
}
