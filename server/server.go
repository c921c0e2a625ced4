// Package server is talenthub's HTTP API: a Fiber app with every route in
// routes.go, thin handlers that decode, call a models service and encode,
// the middleware (request ids, access log, deadlines, authentication), and
// the one error handler that turns every failure into the error shape of
// docs/api.md.
//
// It speaks models interfaces only: it never imports the MongoDB driver,
// Bleve or FerretDB. main wires the concrete services in.
package server

import (
	"context"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/openapi"
)

// Config holds what the server needs. Services are required; the rest
// have defaults.
type Config struct {
	models.Services
	// Ready reports whether the service can take traffic (the database
	// answers); /readyz calls it.
	Ready func(ctx context.Context) error
	// Reconciling, if set, reports whether the search index is being
	// reconciled with the database (after a crash, hourly): /readyz says
	// so beside its answer, which it does not change.
	Reconciling func() bool
	// Gate, if set, says whether the database is reachable now, with a
	// context that ends when the requests in flight must stop waiting for
	// it (the embedded database; on MongoDB it never ends, so that the
	// driver's retries ride out an election). While it is down, API
	// requests are answered 503 at once rather than waiting for it.
	Gate func() (up context.Context, ok bool)
	// Logger receives the access log and internal errors.
	Logger *slog.Logger
	// RequestTimeout bounds the work of one request (10s).
	RequestTimeout time.Duration
	// BodyLimit is the largest request body accepted (1 MiB).
	BodyLimit int
	// Maintenance, if set, is the rebuild of the search index that
	// POST /admin/reindex starts.
	Maintenance models.Maintenance
	// TrustedProxies are the reverse proxies (IPs, CIDRs) whose
	// X-Forwarded-For names the client; none: the peer is the client.
	TrustedProxies []string
	// Admission limits the requests of each class that run at once
	// (admission.go); zero limits nothing.
	Admission Admission
	// Pages, if set, is the web UI, mounted on the app after the API's
	// routes: its paths pass the same database gate, and their errors (an
	// unknown page, a panic in a page handler) render as its error page
	// instead of the API's JSON.
	Pages Pages
	// RuleText says what a rule of a field means in a language (the web
	// UI's words), for messages the API writes for people (an import's
	// report); nil leaves them in English.
	RuleText func(lang string, rule models.Rule, param string) string
}

// Pages is a UI served beside the API (package web).
type Pages interface {
	// Mount adds the UI's routes and assets to the app.
	Mount(app *fiber.App)
	// IsPage reports whether a path is one of the UI's pages.
	IsPage(path string) bool
	// RenderError answers an error of a page with the UI's error page.
	RenderError(c *fiber.Ctx, err error) error
}

// Server is the HTTP server.
type Server struct {
	cfg     Config
	app     *fiber.App
	log     *slog.Logger
	metrics *metrics
	openapi []byte

	draining atomic.Bool
}

// New builds the server and its routes.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 10 * time.Second
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 1 << 20
	}
	if cfg.Ready == nil {
		cfg.Ready = func(context.Context) error { return nil }
	}
	doc, err := openapi.JSON()
	if err != nil {
		// The document is embedded and validated by the tests.
		panic(err)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, metrics: newMetrics(), openapi: doc}
	fcfg := fiber.Config{
		AppName:      "talenthub",
		ErrorHandler: s.errorHandler,
		// The HTTP layer reads bodies up to eight times the limit and the
		// bodyLimit middleware refuses what is over it with the error
		// shape. A body the HTTP layer itself refuses makes it close the
		// connection while the client is still sending, which the client
		// sees as a reset instead of a 413.
		BodyLimit:             max(8<<20, 8*cfg.BodyLimit, 2*mediaBodyLimit, importBodyLimit+1<<20),
		DisableStartupMessage: true,
		// Strings from the request outlive handlers (logs, services);
		// fasthttp would otherwise reuse their bytes.
		Immutable:     true,
		CaseSensitive: true,
		// Without a read timeout, graceful shutdown waits forever for idle
		// keep-alive connections.
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 60 * time.Second,
		IdleTimeout:  90 * time.Second,
	}
	if len(cfg.TrustedProxies) > 0 {
		// Only a trusted peer's header is believed, and only its first
		// valid address (the proxy sets it; a client's own is replaced).
		fcfg.EnableTrustedProxyCheck, fcfg.TrustedProxies = true, cfg.TrustedProxies
		fcfg.ProxyHeader, fcfg.EnableIPValidation = fiber.HeaderXForwardedFor, true
	}
	s.app = fiber.New(fcfg)
	s.routes()
	if cfg.Pages != nil {
		cfg.Pages.Mount(s.app)
	}
	return s
}

// App returns the Fiber app, for tests (app.Test) and for mounting the web
// UI on the same server.
func (s *Server) App() *fiber.App { return s.app }

// Serve serves on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Drain starts a graceful stop: /readyz answers 503, so that a load
// balancer stops sending, and every answer closes its connection, so that
// no client sends another request down a connection about to close (the
// race that cuts requests off when idle keep-alive connections are closed
// under load). Shutdown follows.
func (s *Server) Drain() { s.draining.Store(true) }

// Shutdown stops accepting connections and waits for in-flight requests,
// at most until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		return s.app.Shutdown()
	}
	return s.app.ShutdownWithTimeout(time.Until(deadline))
}
