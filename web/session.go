package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// Cookies of the UI. All are HttpOnly and SameSite=Lax, and Secure when the
// request came over TLS.
const (
	sessionCookie = models.SessionCookie // the API's session token
	csrfCookie    = "th_csrf"            // the CSRF token, which forms and htmx echo
	langCookie    = "th_lang"            // zh-CN or en
	flashCookie   = "th_flash"           // a message key for the next page
	csrfField     = "_csrf"
	csrfHeader    = "X-CSRF-Token"
)

// Locals of a request.
const (
	localUser  = "web.user"
	localLang  = "web.lang"
	localCSRF  = "web.csrf"
	localToken = "web.token"
)

func userOf(c *fiber.Ctx) *models.User { u, _ := c.Locals(localUser).(*models.User); return u }
func langOf(c *fiber.Ctx) string {
	if l, _ := c.Locals(localLang).(string); l != "" {
		return l
	}
	return models.LangZH
}
func csrfOf(c *fiber.Ctx) string { s, _ := c.Locals(localCSRF).(string); return s }

func (w *Web) cookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	ck := &fiber.Cookie{Name: name, Value: value, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: c.Protocol() == "https"}
	if maxAge < 0 {
		ck.MaxAge = -1
	} else if maxAge > 0 {
		ck.MaxAge = int(maxAge.Seconds())
	}
	c.Cookie(ck)
}

// session loads the signed-in user from the session cookie, picks the
// language (the account's, else the cookie's, else the browser's), makes sure
// the CSRF cookie exists, and refuses a state-changing request whose CSRF
// token does not match it.
func (w *Web) session(c *fiber.Ctx) error {
	if !IsPage(c.Path()) {
		// The group's middleware sees every path the API did not answer
		// (an unknown API path): it stays the API's.
		return c.Next()
	}
	w.loadSession(c, true)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if c.Path() == "/unsubscribe" {
		// A mail client's one-click unsubscribe (RFC 8058) has no cookie;
		// the link's signed token is what authorizes it.
		return c.Next()
	}
	sent := c.Get(csrfHeader)
	if sent == "" {
		sent = c.FormValue(csrfField)
	}
	want := c.Cookies(csrfCookie)
	if want == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
		// Said as it is: most often a page left open across a restart of
		// the browser (the cookie is a session cookie).
		p := w.newPage(c)
		p.Status, p.Title, p.Message = fiber.StatusForbidden, w.tr.t(p.Lang, "error.title"), w.tr.t(p.Lang, "error.csrf")
		return w.render(c, p, "error")
	}
	return c.Next()
}

func (w *Web) loadSession(c *fiber.Ctx, authenticate bool) {
	if token := c.Cookies(sessionCookie); token != "" && authenticate {
		u, err := w.cfg.Accounts.Authenticate(c.UserContext(), token)
		if err == nil {
			c.Locals(localUser, u)
			c.Locals(localToken, token)
		} else if models.IsCode(err, models.CodeUnauthenticated) {
			w.cookie(c, sessionCookie, "", -1) // ended or revoked: forget it
		}
	}
	lang := c.Cookies(langCookie)
	if u := userOf(c); u != nil && u.Language != "" {
		lang = u.Language
	}
	if lang == "" {
		lang = models.BrowserLanguage(c.Get(fiber.HeaderAcceptLanguage))
	}
	if lang != models.LangEN {
		lang = models.LangZH
	}
	c.Locals(localLang, lang)
	csrf := c.Cookies(csrfCookie)
	if len(csrf) < 32 {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		csrf = base64.RawURLEncoding.EncodeToString(b)
		w.cookie(c, csrfCookie, csrf, 0)
		// The request itself carries the old (missing) cookie; the page
		// it renders must carry the new token.
	}
	c.Locals(localCSRF, csrf)
}

// signedIn makes a page need a user with one of roles (any role if none).
func (w *Web) signedIn(roles ...models.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := userOf(c)
		if u == nil {
			if isHTMX(c) {
				c.Set("HX-Redirect", "/signin")
				return c.SendStatus(fiber.StatusUnauthorized)
			}
			return c.Redirect(signinURL(c), fiber.StatusSeeOther)
		}
		if len(roles) > 0 && !u.Is(roles...) {
			return w.renderError(c, w.newPage(c), &models.Error{Code: models.CodeForbidden, Message: "not for this role"})
		}
		return c.Next()
	}
}

// localPath keeps a destination on this site; anything else is "/". It
// must parse as an address without scheme, host or user, start with one
// "/", and hold no backslash and no control character, neither as it is
// nor once its path is decoded: browsers read "/\host" as another host and
// drop tabs and newlines, so "/<tab>/host" becomes "//host".
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	for _, s := range []string{next, u.Path} {
		if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsFunc(s, unsafeInPath) {
			return "/"
		}
	}
	return next
}

// unsafeInPath reports a backslash or a control character.
func unsafeInPath(r rune) bool { return r == '\\' || r < 0x20 || r == 0x7f || unicode.IsControl(r) }

// signinURL is the sign-in page that comes back to the page asked for.
func signinURL(c *fiber.Ctx) string {
	return "/signin?next=" + url.QueryEscape(localPath(c.OriginalURL()))
}

// redirect answers a form post with a 303 and a message for the next page.
func (w *Web) redirect(c *fiber.Ctx, to, flashKey string) (string, error) {
	if flashKey != "" {
		w.cookie(c, flashCookie, flashKey, time.Minute)
	}
	if isHTMX(c) {
		c.Set("HX-Redirect", to)
		return "", c.SendStatus(fiber.StatusNoContent)
	}
	return "", c.Redirect(to, fiber.StatusSeeOther)
}

func clientOf(c *fiber.Ctx) models.ClientInfo {
	return models.ClientInfo{Addr: c.IP(), UserAgent: c.Get(fiber.HeaderUserAgent)}
}
