package server

import (
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestClassOf: which class each kind of request is admitted in.
func TestClassOf(t *testing.T) {
	app := fiber.New()
	app.Use(func(c *fiber.Ctx) error {
		c.Set("X-Class", classOf(c))
		return nil
	})
	for _, c := range []struct{ method, target, want string }{
		{"GET", "/api/v1/talents?q=%E5%8E%9F%E7%94%BB", classSearch},
		{"GET", "/api/v1/talents?district=nanshan", classSearch}, // filters alone are searches too
		{"GET", "/api/v1/projects", classSearch},
		{"GET", "/api/v1/projects/65f0c0ffee0000000000abcd/matches", classSearch},
		{"GET", "/api/v1/talents/65f0c0ffee0000000000abcd/similar", classSearch},
		{"GET", "/api/v1/orgs?q=studio", classSearch},
		{"GET", "/api/v1/orgs?q=", classRead},
		{"GET", "/talents?q=ue5", classSearch}, // the UI's search page
		{"GET", "/api/v1/talents/65f0c0ffee0000000000abcd", classView},
		{"GET", "/talents/65f0c0ffee0000000000abcd", classView}, // the UI's profile page
		{"GET", "/api/v1/talents/65f0c0ffee0000000000abcd/export", classRead},
		{"GET", "/api/v1/targets?year=2025", classRead},
		{"HEAD", "/bureau", classRead},
		{"POST", "/api/v1/auth/login", classSignIn},
		{"POST", "/api/v1/auth/register", classWrite},
		{"POST", "/signup", classWrite},
		{"GET", "/signin", classRead},
		{"PATCH", "/api/v1/talents/65f0c0ffee0000000000abcd", classWrite},
		{"DELETE", "/api/v1/consents/65f0c0ffee0000000000abcd", classWrite},
		{"POST", "/signin", classSignIn},
		{"GET", "/healthz", ""},
		{"GET", "/readyz", ""},
		{"GET", "/metrics", ""},
		{"GET", "/api/v1/openapi.json", ""},
		{"GET", "/static/app.css", ""},
	} {
		res, err := app.Test(httptest.NewRequest(c.method, c.target, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Header.Get("X-Class"); got != c.want {
			t.Errorf("%s %s: class %q, want %q", c.method, c.target, got, c.want)
		}
	}
}

// TestAdmissionRefusesNoClientOfAFixedNumberWithinTheCapacity: 20 clients
// sending one request after another to a class with room for 20 (4 slots,
// 16 places in the queue) are never refused, however the goroutines are
// scheduled. (A count of the waiters alone once counted a waiter already
// given a slot, and refused a quarter of such requests.)
func TestAdmissionRefusesNoClientOfAFixedNumberWithinTheCapacity(t *testing.T) {
	ad := newAdmitter(Admission{Reads: 4, Queue: 4, Wait: time.Hour}, func(string) {})
	ac := ad.classes[classRead]
	var refused, in atomic.Int64
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 500 {
				if !ac.acquire(time.Hour) {
					refused.Add(1)
					continue
				}
				in.Add(1)
				time.Sleep(20 * time.Microsecond) // hold the slot a little
				in.Add(-1)
				ac.release()
			}
		}()
	}
	wg.Wait()
	if refused.Load() > 0 {
		t.Errorf("%d of 10,000 requests refused with room for every client", refused.Load())
	}
	if in.Load() != 0 || ac.inside.Load() != 0 || len(ac.slots) != 0 {
		t.Errorf("after the clients: %d running, %d counted inside, %d slots taken", in.Load(), ac.inside.Load(), len(ac.slots))
	}
}
