package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

const (
	localRequestID = "request_id"
	localUser      = "user"
	localToken     = "token"
	headerReqID    = "X-Request-ID"
)

// requestID takes the client's X-Request-ID when it is short and plain,
// and makes one otherwise; the answer carries it back.
func (s *Server) requestID(c *fiber.Ctx) error {
	rid := c.Get(headerReqID)
	if !plainID(rid) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		rid = hex.EncodeToString(b[:])
	}
	c.Locals(localRequestID, rid)
	c.Set(headerReqID, rid)
	return c.Next()
}

func plainID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func requestIDOf(c *fiber.Ctx) string {
	rid, _ := c.Locals(localRequestID).(string)
	return rid
}

// accessLog answers errors with the error shape (so the logged status is
// the one sent) and logs one line per request. It logs the path but not
// the query, which may hold search terms or emails.
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		_ = s.errorHandler(c, err)
	}
	took := time.Since(start)
	attrs := []any{
		"request_id", requestIDOf(c),
		"method", c.Method(),
		"path", c.Path(),
		"status", c.Response().StatusCode(),
		"duration_ms", float64(took.Microseconds()) / 1000,
		"bytes", len(c.Response().Body()),
	}
	if u := userOf(c); u != nil {
		attrs = append(attrs, "user_id", u.ID)
	}
	s.metrics.observe(c, took)
	s.log.InfoContext(c.UserContext(), "request", attrs...)
	return nil
}

// recoverPanics turns a panic in a handler into a 500 with the error shape;
// the stack goes to the log with the request id.
func (s *Server) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.ErrorContext(c.UserContext(), "panic", "request_id", requestIDOf(c), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = models.Internal("server.panic", fmt.Errorf("panic: %v", r))
		}
	}()
	return c.Next()
}

func (s *Server) securityHeaders(c *fiber.Ctx) error {
	if s.draining.Load() {
		c.Context().SetConnectionClose()
	}
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	if strings.HasPrefix(c.Path(), "/api/") {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return c.Next()
}

// gate refuses API requests while the database is down, and ends the
// requests in flight when it goes down, instead of letting them wait for
// their deadline.
func (s *Server) gate(c *fiber.Ctx) error {
	if s.cfg.Gate == nil {
		return c.Next()
	}
	up, ok := s.cfg.Gate()
	if !ok {
		return &models.Error{Code: models.CodeUnavailable, Message: "the database is unavailable; try again shortly"}
	}
	ctx, cancel := context.WithCancelCause(c.UserContext())
	defer cancel(nil)
	stop := context.AfterFunc(up, func() { cancel(errDatabaseDown) })
	defer stop()
	c.SetUserContext(ctx)
	err := c.Next()
	if err != nil && errors.Is(context.Cause(ctx), errDatabaseDown) {
		return &models.Error{Code: models.CodeUnavailable, Message: "the database became unavailable during the request; try again shortly", Err: err}
	}
	return err
}

var errDatabaseDown = errors.New("the database became unavailable")

// isRecount reports whether a request asks for a recount (the API's, or
// the web UI's admin page).
func isRecount(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodPost && (c.Path() == "/api/v1/admin/recount" || c.Path() == "/admin/recount")
}

// bodyLimit refuses bodies over the limit (the HTTP layer reads up to eight
// times as much, so that the client reads this answer).
func (s *Server) bodyLimit(c *fiber.Ctx) error {
	limit := s.cfg.BodyLimit
	if c.Method() == fiber.MethodPost && (c.Path() == "/api/v1/media" || c.Path() == "/media") {
		limit = max(limit, mediaBodyLimit) // an image upload (the API's, or the web UI's)
	}
	if isImport(c) {
		limit = max(limit, importBodyLimit)
	}
	if len(c.Request().Body()) > limit {
		return &models.Error{Code: models.CodeTooLarge, Message: fmt.Sprintf("the request body is larger than %d bytes", limit)}
	}
	return c.Next()
}

// deadline gives every request a context that ends after RequestTimeout,
// so that a slow database fails the request instead of holding it.
func (s *Server) deadline(c *fiber.Ctx) error {
	timeout := s.cfg.RequestTimeout
	if isImport(c) || isRecount(c) {
		// Tens of thousands of rows are checked and written in one
		// request (a minute at most for 50,000, measured); a recount
		// reads every record (over 10 s for 12,000 just after a start,
		// while the index catches up: TestKill9DuringAnImport).
		timeout = max(timeout, importTimeout)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), timeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// authenticate resolves a bearer token into the signed-in user. A request
// without one is anonymous; a request with a bad one is refused, even on
// routes that anonymous visitors may use, so that a client learns at once
// that its session is gone.
func (s *Server) authenticate(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" && (c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead) {
		// The web UI's session cookie (models.SessionCookie) works
		// for reading: its downloads (the XLSX and CSV reports) are plain
		// links. Writes need the bearer header, so a cross-site form can
		// never use the cookie. A cookie that no longer signs in is
		// ignored, as the UI ignores it.
		if tok := c.Cookies(models.SessionCookie); tok != "" {
			if u, err := s.cfg.Accounts.Authenticate(c.UserContext(), tok); err == nil {
				c.Locals(localUser, u)
				c.Locals(localToken, tok)
			}
		}
		return c.Next()
	}
	if h == "" {
		return c.Next()
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return models.Errorf(models.CodeUnauthenticated, "the Authorization header must be \"Bearer <token>\"")
	}
	token = strings.TrimSpace(token)
	u, err := s.cfg.Accounts.Authenticate(c.UserContext(), token)
	if err != nil {
		return err
	}
	c.Locals(localUser, u)
	c.Locals(localToken, token)
	return c.Next()
}

func userOf(c *fiber.Ctx) *models.User {
	u, _ := c.Locals(localUser).(*models.User)
	return u
}

func (s *Server) requireUser(c *fiber.Ctx) error {
	if userOf(c) == nil {
		return models.Errorf(models.CodeUnauthenticated, "sign in first")
	}
	return c.Next()
}

func (s *Server) requireRole(roles ...models.Role) fiber.Handler {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	msg := "only " + strings.Join(names, " or ") + " users can do this"
	return func(c *fiber.Ctx) error {
		u := userOf(c)
		if u == nil {
			return models.Errorf(models.CodeUnauthenticated, "sign in first")
		}
		if !u.Is(roles...) {
			return models.Errorf(models.CodeForbidden, "%s", msg)
		}
		return c.Next()
	}
}
