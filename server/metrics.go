package server

import (
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/szdc/talenthub/models"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (not the global default), so that tests can run servers side by side.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	refusals *prometheus.CounterVec
	handler  fiber.Handler

	routesOnce sync.Once
	routes     map[string]bool
}

func newMetrics() *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talenthub_http_requests_total", Help: "HTTP requests by route template, method and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "talenthub_http_request_duration_seconds", Help: "HTTP request latency by route template and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	m.refusals = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "talenthub_admission_refused_total", Help: "Requests refused (503) because their class was at its limit, by class (search, view, read, write, sign-in).",
	}, []string{"class"})
	for _, c := range []string{classSearch, classView, classRead, classWrite, classSignIn} {
		m.refusals.WithLabelValues(c)
	}
	reg.MustRegister(m.requests, m.duration, m.refusals,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = adaptor.HTTPHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return m
}

// observe records one request under its route template, so that ids do
// not make a label per object, and unknown paths share one label.
func (m *metrics) observe(c *fiber.Ctx, elapsed time.Duration) {
	m.routesOnce.Do(func() {
		// After start-up every route is registered, the web UI's too.
		m.routes = map[string]bool{}
		for _, r := range c.App().GetRoutes(true) {
			m.routes[r.Method+" "+r.Path] = true
		}
	})
	route := "unmatched"
	if r := c.Route(); r != nil && m.routes[r.Method+" "+r.Path] {
		route = r.Path
	}
	method := c.Method()
	m.requests.WithLabelValues(method, route, strconv.Itoa(c.Response().StatusCode())).Inc()
	m.duration.WithLabelValues(method, route).Observe(elapsed.Seconds())
}

// refused counts a refusal of admission.
func (m *metrics) refused(class string) { m.refusals.WithLabelValues(class).Inc() }

// handleMetrics serves the metrics to clients on loopback (a scraper on the
// same host) and to admins.
func (s *Server) handleMetrics(c *fiber.Ctx) error {
	ip := net.ParseIP(c.IP())
	if !(ip != nil && ip.IsLoopback()) && !userOf(c).Is(models.RoleAdmin) {
		return models.Errorf(models.CodeForbidden, "metrics are for loopback clients and admins")
	}
	return s.metrics.handler(c)
}
