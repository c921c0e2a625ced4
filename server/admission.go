package server

import (
	"bytes"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// Admission limits how many requests of each class run at once, so that
// a server offered more than it can do answers what it admits in good
// time and refuses the rest at once (503 with Retry-After), instead of
// letting every request queue until all of them time out. Measured on the
// 2-core machine without it (BENCHMARKS.md, "Overload"): offered twice
// what it can serve, p99 went to seconds and requests timed out, which the
// database watch could then take for a dead database.
//
// Each class has its own limit, so a class that is slow does not take the
// slots of another: no route is refused because another is slow. Profile
// views are a class of their own: the bureau's first view of a profile in
// a day writes its contact.reveal entry before it is answered, and under
// load those views, waiting on the database's writer, took every slot of
// the reads they shared with /targets, which was then refused though it is
// answered from memory. A request over its class's limit waits for a slot,
// first come first served, behind at most Queue times the limit others,
// and for at most Wait; otherwise it is refused at once. Under overload
// the queue's length bounds the wait (about Queue requests' time); Wait is
// a safety net for a class whose requests hang. (A short Wait, 50 ms,
// made every refusal of a waiter take 50 ms, and refused requests of a
// fixed number of clients once the machine was slow.)
type Admission struct {
	// Searches, Views, Reads, Writes and SignIns are the limits of
	// concurrent requests of each class (zero: no limit for that class).
	// Searches are the GETs of the search and match routes and any GET
	// with q; views the GETs of one profile (API and page); reads every
	// other GET or HEAD, the web UI's pages too; sign-ins the POSTs that
	// sign in (API and page); writes every other method. The probes,
	// /metrics, the OpenAPI document and the UI's assets are never
	// limited. Sign-ins are a class of their own so that a flood of
	// registrations or of any other write, which fills the writes' queue,
	// never refuses a real sign-in.
	Searches, Views, Reads, Writes, SignIns int
	// Queue is how many requests may wait per slot (4 if zero).
	Queue int
	// Wait is the longest a request waits for a slot (10s if zero).
	Wait time.Duration
}

// Classes of requests, by how they use the machine.
const (
	classSearch = "search"
	classView   = "view"
	classRead   = "read"
	classWrite  = "write"
	classSignIn = "sign-in"
)

// signInPaths are the routes that sign in: their POSTs are the sign-in
// class.
var signInPaths = map[string]bool{"/api/v1/auth/login": true, "/signin": true}

type admitter struct {
	wait    time.Duration
	classes map[string]*admitClass
	refused func(class string)
}

// admitClass is one class's semaphore and the count of its requests, in a
// slot or waiting for one. The two are counted together: a count of the
// waiters alone also counted, for a moment, a waiter already given the
// slot of a request that had just ended, and refused the next request of
// that request's client though there was room (20 clients, room for 20:
// half their requests refused on a busy machine).
type admitClass struct {
	slots    chan struct{}
	capacity int64 // slots and places in the queue
	inside   atomic.Int64
}

func newAdmitter(a Admission, refused func(class string)) *admitter {
	if a.Wait <= 0 {
		a.Wait = 10 * time.Second
	}
	if a.Queue <= 0 {
		a.Queue = 4
	}
	ad := &admitter{wait: a.Wait, classes: map[string]*admitClass{}, refused: refused}
	for name, n := range map[string]int{classSearch: a.Searches, classView: a.Views, classRead: a.Reads, classWrite: a.Writes, classSignIn: a.SignIns} {
		if n > 0 {
			ad.classes[name] = &admitClass{slots: make(chan struct{}, n), capacity: int64(n + a.Queue*n)}
		}
	}
	return ad
}

// admission returns the middleware that runs each request in a slot of
// its class, or refuses it.
func (s *Server) admission() fiber.Handler {
	ad := newAdmitter(s.cfg.Admission, s.metrics.refused)
	return func(c *fiber.Ctx) error {
		name := classOf(c)
		ac := ad.classes[name]
		if ac == nil {
			return c.Next()
		}
		if !ac.acquire(ad.wait) {
			ad.refused(name)
			// The error handler sets Retry-After from RetryAfter, for
			// pages and the API alike.
			return &models.Error{Code: models.CodeUnavailable, RetryAfter: time.Second,
				Message: "the server is busy with other " + plural[name] + "; try again in a second"}
		}
		defer ac.release()
		return c.Next()
	}
}

var plural = map[string]string{classSearch: "searches", classView: "profile views", classRead: "reads", classWrite: "writes", classSignIn: "sign-ins"}

// acquire takes a slot: at once if one is free, else after waiting behind
// fewer than the queue's length others, for at most wait. Go queues the
// goroutines blocked on a channel in order, so the waiters are served
// first come, first served.
func (ac *admitClass) acquire(wait time.Duration) bool {
	if ac.inside.Add(1) > ac.capacity {
		ac.inside.Add(-1)
		return false
	}
	select {
	case ac.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case ac.slots <- struct{}{}:
		return true
	case <-t.C:
		ac.inside.Add(-1)
		return false
	}
}

// release gives the slot back.
func (ac *admitClass) release() {
	ac.inside.Add(-1)
	<-ac.slots
}

// classOf is the class of a request, "" for what is never limited.
func classOf(c *fiber.Ctx) string {
	path := c.Path()
	switch {
	case path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/api/v1/openapi.json" ||
		strings.HasPrefix(path, "/static/"):
		return ""
	case c.Method() == fiber.MethodPost && signInPaths[path]:
		return classSignIn
	case c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead:
		return classWrite
	case searchPaths[path] || strings.HasSuffix(path, "/matches") || strings.HasSuffix(path, "/similar"):
		return classSearch
	case isProfileView(path):
		return classView
	}
	if len(bytes.TrimSpace(c.Context().QueryArgs().Peek("q"))) > 0 {
		return classSearch
	}
	return classRead
}

// searchPaths are the searches of the API and the UI that rank and count
// facets over the index whatever their parameters (a filter alone was the
// slowest search measured: BENCHMARKS.md, "Search at 100,000 profiles").
var searchPaths = map[string]bool{
	"/api/v1/talents": true, "/api/v1/projects": true, "/talents": true, "/projects": true,
}

// isProfileView reports whether path is one profile: /api/v1/talents/{id}
// or the page /talents/{id}.
func isProfileView(path string) bool {
	rest, ok := strings.CutPrefix(path, "/api/v1/talents/")
	if !ok {
		rest, ok = strings.CutPrefix(path, "/talents/")
	}
	return ok && rest != "" && !strings.Contains(rest, "/")
}
