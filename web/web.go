// Package web is talenthub's browser UI: server-rendered html/template
// pages with htmx for partial updates and ECharts for the bureau's charts,
// every asset embedded. It calls the same models services as the API,
// never the API over HTTP, and imports only models (and Fiber).
//
// Sessions are the API's session tokens kept in an HttpOnly cookie; every
// state-changing request carries a CSRF token (a form field or, from htmx,
// a header) that must equal a second HttpOnly cookie. Pages are in
// Simplified Chinese by default and in English by a toggle that sticks in a
// cookie and in the user's account.
package web

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"github.com/szdc/talenthub/models"
)

//go:embed templates static locales
var files embed.FS

// Config wires the UI to the services.
type Config struct {
	models.Services
	Maintenance models.Maintenance
	// SessionTTL is how long a sign-in lasts (the cookie's lifetime).
	SessionTTL time.Duration
	Logger     *slog.Logger
	// Now is the clock (time.Now).
	Now func() time.Time
}

// Web is the mounted UI.
type Web struct {
	cfg   Config
	pages map[string]map[string]*template.Template // language → page → template
	tr    *translator
	log   *slog.Logger
}

// Register mounts the UI on app and returns it; the server's error handler
// should hand browser paths to RenderError.
// New builds the UI (its templates and strings) without mounting it:
// server.New mounts it on the API's app (Config.Pages).
func New(cfg Config) *Web {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 30 * 24 * time.Hour
	}
	tr, err := newTranslator()
	if err != nil {
		panic(err) // embedded files, checked by the tests
	}
	w := &Web{cfg: cfg, tr: tr, log: cfg.Logger}
	if err := w.parseTemplates(); err != nil {
		panic(err)
	}
	return w
}

// Register builds the UI and mounts it on app (an app of its own, in
// tests).
func Register(app *fiber.App, cfg Config) *Web {
	w := New(cfg)
	w.Mount(app)
	return w
}

// IsPage reports whether a path is one of the UI's pages (server.Pages).
func (w *Web) IsPage(path string) bool { return IsPage(path) }

// Mount adds the UI's assets and pages to app.
func (w *Web) Mount(app *fiber.App) {
	static, _ := fs.Sub(files, "static")
	app.Use("/static", func(c *fiber.Ctx) error {
		// Assets are named by version (vendor/) or change with a deploy:
		// a day of caching, revalidated after.
		c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
		return c.Next()
	}, filesystem.New(filesystem.Config{Root: http.FS(static)}))
	w.routes(app)
}

// IsPage reports whether a path is one of the UI's pages (not the API's,
// the probes', an asset's or an image's).
func IsPage(path string) bool {
	for _, p := range []string{"/api/", "/healthz", "/readyz", "/metrics", "/static/"} {
		if strings.HasPrefix(path, p) {
			return false
		}
	}
	// An image (/media/{id}/{size}); the pickers' /media/{id}/delete is a form.
	return !strings.HasPrefix(path, "/media/") || strings.HasSuffix(path, "/delete")
}

// page is what every template gets.
type page struct {
	Title   string
	User    *models.User
	Lang    string
	CSRF    string
	Flash   string
	Path    string
	Tax     *models.Taxonomy
	Year    int
	Data    any
	Errors  map[string]string // form field → message
	Form    map[string]string // the form as sent, to fill it again
	Message string            // the error page's message
	Status  int
	Unread  int // the bell's count (signed in)
}

// h is a page handler: it returns the template to render and its data, or
// an error (rendered as an error page, or as form errors by the handler).
type h func(c *fiber.Ctx, p *page) (string, error)

// view wraps a page handler: it builds the page, runs the handler,
// renders.
func (w *Web) view(fn h) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := w.newPage(c)
		name, err := fn(c, p)
		if err != nil {
			return w.renderError(c, p, err)
		}
		if name == "" { // the handler answered itself (a redirect, a file)
			return nil
		}
		return w.render(c, p, name)
	}
}

func (w *Web) newPage(c *fiber.Ctx) *page {
	p := &page{User: userOf(c), Lang: langOf(c), CSRF: csrfOf(c), Path: c.Path(), Year: w.year()}
	if f := c.Cookies(flashCookie); f != "" {
		p.Flash = w.tr.t(p.Lang, f)
		c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HTTPOnly: true, SameSite: "Lax"})
	}
	if p.User != nil && w.cfg.Notifications != nil {
		// One _id lookup: the bell is on every page.
		if n, err := w.cfg.Notifications.Unread(c.UserContext(), p.User); err == nil {
			p.Unread = n
		}
	}
	if tax, err := w.cfg.Taxonomies.Get(c.UserContext()); err == nil {
		p.Tax = tax
	} else {
		t := models.DefaultTaxonomy()
		p.Tax = &t
	}
	return p
}

func (w *Web) year() int { return w.cfg.Now().In(models.ChinaTime).Year() }

// contentSecurityPolicy allows scripts only from this origin: no inline
// script, no eval (htmx's is turned off in the layout). Inline styles are
// allowed: ECharts writes its tooltips with style attributes. Images come
// from this origin (/media/…), and blob: is the preview of an image being
// uploaded, read from the visitor's own file.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func (w *Web) render(c *fiber.Ctx, p *page, name string) error {
	t := w.pages[p.Lang][name]
	if t == nil {
		return w.renderError(c, p, errors.New("web: no template "+name))
	}
	c.Set("Content-Security-Policy", contentSecurityPolicy)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("html", "utf-8")
	if p.Status != 0 {
		c.Status(p.Status)
	}
	// A partial (htmx) renders only its block.
	block := "layout"
	if isHTMX(c) && t.Lookup("partial") != nil {
		block = "partial"
	}
	return t.ExecuteTemplate(c.Response().BodyWriter(), block, p)
}

func isHTMX(c *fiber.Ctx) bool { return c.Get("HX-Request") == "true" }

// renderError renders an error page in the user's language. Internal
// errors are logged and shown without detail.
func (w *Web) renderError(c *fiber.Ctx, p *page, err error) error {
	status := models.ErrorCode(err).HTTPStatus()
	if status == 500 {
		w.log.ErrorContext(c.UserContext(), "web: internal error", "method", c.Method(), "path", c.Path(), "request_id", c.GetRespHeader(fiber.HeaderXRequestID), "error", err)
	}
	if status == 401 && !isHTMX(c) {
		return c.Redirect(signinURL(c), fiber.StatusSeeOther)
	}
	p.Status = status
	p.Title = w.tr.t(p.Lang, "error.title")
	switch status {
	case 404:
		p.Message = w.tr.t(p.Lang, "error.not_found")
	case 403:
		p.Message = w.tr.t(p.Lang, "error.forbidden")
	case 500:
		p.Message = w.tr.t(p.Lang, "error.internal")
	case 503:
		p.Message = w.tr.t(p.Lang, "error.unavailable")
	case 507:
		p.Message = w.tr.t(p.Lang, "error.storage_full")
	default:
		p.Message = models.ErrorMessage(err)
	}
	return w.render(c, p, "error")
}

// RenderError renders the error page for an error raised outside the UI's
// handlers (an unknown path, a method a route does not take), for the
// server's error handler.
func (w *Web) RenderError(c *fiber.Ctx, err error) error {
	if c.Locals(localLang) == nil {
		// The error came before the session middleware. While the database
		// is down the page is rendered without asking it who is signed in.
		w.loadSession(c, !models.IsCode(err, models.CodeUnavailable))
	}
	return w.renderError(c, w.newPage(c), err)
}
