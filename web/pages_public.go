package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// formOf reads the posted form into a map (several values of one name
// joined by commas), to fill the form again after an error.
func formOf(c *fiber.Ctx) map[string]string {
	out := map[string]string{}
	for k, v := range c.Context().PostArgs().All() {
		key := string(k)
		if key == csrfField {
			continue
		}
		if prev, ok := out[key]; ok && prev != "" {
			out[key] = prev + "," + string(v)
		} else {
			out[key] = string(v)
		}
	}
	return out
}

// again shows view once more, with the errors and the status a refused
// form gave p (the view would answer 200 over them).
func again(c *fiber.Ctx, p *page, view func(*fiber.Ctx, *page) (string, error)) (string, error) {
	status := p.Status
	name, err := view(c, p)
	p.Status = status
	return name, err
}

// formErrors turns a service error into messages next to the fields (by
// their JSON names) and one for the form ("_"). It reports false for an
// error that is not the user's to fix (then the error page shows).
func (w *Web) formErrors(p *page, err error) bool {
	switch models.ErrorCode(err) {
	case models.CodeValidation, models.CodeConflict, models.CodeBadRequest, models.CodeUnauthenticated, models.CodeRateLimited,
		models.CodePreconditionFailed, models.CodeForbidden:
	default:
		return false
	}
	p.Errors = map[string]string{}
	rules := models.ErrorRules(err)
	for k := range models.ErrorFields(err) {
		p.Errors[k] = w.ruleText(p.Lang, rules[k])
	}
	p.Errors["_"] = w.refusalText(p.Lang, err)
	p.Status = models.ErrorCode(err).HTTPStatus()
	return true
}

// refusalText says why a request was refused, in the page's language: the
// named refusal, else what the error's code means.
func (w *Web) refusalText(lang string, err error) string {
	if r, param := models.ErrorRefusal(err); r != "" {
		return w.tr.t(lang, "refusal."+string(r), "N", param)
	}
	return w.tr.t(lang, "form.code."+string(models.ErrorCode(err)))
}

// RuleText says what a rule of a field means in lang: for the messages the
// API writes for people (an import's report).
func (w *Web) RuleText(lang string, rule models.Rule, param string) string {
	return w.ruleText(lang, models.FieldRule{Rule: rule, Param: param})
}

// ruleText says what is wrong with a field in the page's language, from
// its rule (a field error without one says it is invalid).
func (w *Web) ruleText(lang string, r models.FieldRule) string {
	if r.Rule == "" {
		r.Rule = models.RuleInvalid
	}
	return w.tr.t(lang, "form.rule."+string(r.Rule), "N", r.Param)
}

func (w *Web) home(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "home.title")
	ts, err := w.cfg.Stats.Progress(c.UserContext(), p.Year)
	if err != nil {
		return "", err
	}
	p.Data = ts
	return "home", nil
}

func (w *Web) signupForm(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "signup.title")
	p.Form = map[string]string{"role": c.Query("role", "creator")}
	return "signup", nil
}

func (w *Web) signup(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "signup.title")
	p.Form = formOf(c)
	in := models.RegisterInput{Email: p.Form["email"], Password: p.Form["password"], Name: p.Form["name"], Role: models.Role(p.Form["role"])}
	if p.Form["password"] != p.Form["password2"] {
		p.Errors = map[string]string{"password2": w.tr.t(p.Lang, "signup.passwords_differ")}
		p.Status = 422
		// A password is never sent back into a page.
		delete(p.Form, "password")
		delete(p.Form, "password2")
		return "signup", nil
	}
	auth, err := w.cfg.Accounts.Register(c.UserContext(), in, clientOf(c))
	if err != nil {
		if w.formErrors(p, err) {
			delete(p.Form, "password")
			delete(p.Form, "password2")
			return "signup", nil
		}
		return "", err
	}
	w.startSession(c, auth, p.Lang)
	if auth.User.Role == models.RoleOrg {
		return w.redirect(c, "/org", "flash.welcome")
	}
	return w.redirect(c, "/me/profile", "flash.welcome")
}

// startSession keeps the token in the cookie and the language the visitor
// chose before signing in, if the account has none.
func (w *Web) startSession(c *fiber.Ctx, auth *models.Auth, lang string) {
	w.cookie(c, sessionCookie, auth.Token, auth.ExpiresAt.Sub(w.cfg.Now()))
	if auth.User.Language == "" && lang == models.LangEN {
		if _, err := w.cfg.Accounts.UpdateMe(c.UserContext(), auth.User, models.UserUpdate{Language: &lang}, 0); err != nil {
			w.log.WarnContext(c.UserContext(), "web: keep the language", "error", err)
		}
	}
}

func (w *Web) signinForm(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "signin.title")
	p.Form = map[string]string{"next": c.Query("next")}
	return "signin", nil
}

func (w *Web) signin(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "signin.title")
	p.Form = formOf(c)
	auth, err := w.cfg.Accounts.Login(c.UserContext(), models.LoginInput{Email: p.Form["email"], Password: p.Form["password"]}, clientOf(c))
	if err != nil {
		if w.formErrors(p, err) {
			delete(p.Form, "password")
			return "signin", nil
		}
		return "", err
	}
	w.startSession(c, auth, p.Lang)
	next := localPath(p.Form["next"])
	if next == "/" || next == "" {
		next = homeOf(auth.User)
	}
	return w.redirect(c, next, "")
}

// homeOf is where a role starts.
func homeOf(u *models.User) string {
	switch u.Role {
	case models.RoleCreator:
		return "/me/profile"
	case models.RoleOrg:
		return "/org"
	case models.RoleBureau:
		return "/bureau"
	case models.RoleAdmin:
		return "/admin"
	case models.RoleReviewer:
		return "/calls"
	}
	return "/"
}

func (w *Web) signout(c *fiber.Ctx, p *page) (string, error) {
	if tok, _ := c.Locals(localToken).(string); tok != "" {
		if err := w.cfg.Accounts.Logout(c.UserContext(), tok); err != nil {
			return "", err
		}
	}
	w.cookie(c, sessionCookie, "", -1)
	return w.redirect(c, "/", "flash.signed_out")
}

// setLanguage switches the UI's language: a cookie for every visitor, the
// account's setting for a signed-in one, so that it follows them.
func (w *Web) setLanguage(c *fiber.Ctx, p *page) (string, error) {
	lang := c.FormValue("lang")
	if lang != models.LangEN {
		lang = models.LangZH
	}
	w.cookie(c, langCookie, lang, 365*24*60*60*1e9)
	if u := p.User; u != nil && u.Language != lang {
		if _, err := w.cfg.Accounts.UpdateMe(c.UserContext(), u, models.UserUpdate{Language: &lang}, 0); err != nil {
			return "", err
		}
	}
	next := localPath(c.FormValue("next"))
	return w.redirect(c, next, "")
}

// account is every user's own page: name, language, password.
func (w *Web) account(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "account.title")
	if p.Form == nil {
		p.Form = map[string]string{"name": p.User.Name, "language": p.User.Language}
		if p.Form["language"] == "" {
			p.Form["language"] = p.Lang
		}
	}
	mp, err := w.mailPrefs(c, p)
	if err != nil {
		return "", err
	}
	p.Data = mp
	return "account", nil
}

func (w *Web) accountSave(c *fiber.Ctx, p *page) (string, error) {
	p.Form = formOf(c)
	name, lang := p.Form["name"], p.Form["language"]
	u, err := w.cfg.Accounts.UpdateMe(c.UserContext(), p.User, models.UserUpdate{Name: &name, Language: &lang}, 0)
	if err != nil {
		if w.formErrors(p, err) {
			return w.account(c, p)
		}
		return "", err
	}
	w.cookie(c, langCookie, u.Language, 365*24*time.Hour)
	return w.redirect(c, "/account", "flash.saved")
}

// passwordChange changes the password; the other sessions of the account
// end, this one stays.
func (w *Web) passwordChange(c *fiber.Ctx, p *page) (string, error) {
	f := formOf(c)
	fail := func(errs map[string]string, status int) (string, error) {
		p.Errors, p.Status = errs, status
		p.Form = nil // the names and languages as stored; no password is sent back
		return w.account(c, p)
	}
	if f["new_password"] != f["new_password2"] {
		return fail(map[string]string{"new_password2": w.tr.t(p.Lang, "signup.passwords_differ"), "_": w.tr.t(p.Lang, "form.has_errors")}, 422)
	}
	tok, _ := c.Locals(localToken).(string)
	err := w.cfg.Accounts.ChangePassword(c.UserContext(), p.User, tok, models.PasswordChange{CurrentPassword: f["current_password"], NewPassword: f["new_password"]}, clientOf(c))
	if err != nil {
		if w.formErrors(p, err) {
			errs := p.Errors
			if errs["current_password"] != "" {
				errs["current_password"] = w.tr.t(p.Lang, "account.wrong_password")
			}
			return fail(errs, p.Status)
		}
		return "", err
	}
	return w.redirect(c, "/account", "flash.password_changed")
}
