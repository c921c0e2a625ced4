package web

import (
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// forgotForm asks for the address to mail a reset link to.
func (w *Web) forgotForm(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "reset.title")
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	return "password_reset", nil
}

// forgot answers every address alike: the link goes out if an account has
// it, and the page says so either way.
func (w *Web) forgot(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "reset.title")
	p.Form = formOf(c)
	err := w.cfg.Accounts.RequestPasswordReset(c.UserContext(), models.PasswordResetRequest{Email: p.Form["email"]}, clientOf(c))
	if err != nil {
		if w.formErrors(p, err) {
			return "password_reset", nil
		}
		return "", err
	}
	return w.redirect(c, "/signin", "flash.reset_sent")
}

// resetForm is where the mailed link leads: a new password for the token.
func (w *Web) resetForm(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "reset.confirm_title")
	p.Form = map[string]string{"t": c.Query("t")}
	return "password_reset_confirm", nil
}

func (w *Web) reset(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "reset.confirm_title")
	f := formOf(c)
	// No password goes back into the page.
	p.Form = map[string]string{"t": f["t"]}
	if f["password"] != f["password2"] {
		p.Errors = map[string]string{"password2": w.tr.t(p.Lang, "signup.passwords_differ"), "_": w.tr.t(p.Lang, "form.has_errors")}
		p.Status = 422
		return "password_reset_confirm", nil
	}
	err := w.cfg.Accounts.ConfirmPasswordReset(c.UserContext(), models.PasswordResetConfirm{Token: f["t"], Password: f["password"]})
	if err != nil {
		if w.formErrors(p, err) {
			if p.Errors["token"] != "" {
				p.Errors["_"] = w.tr.t(p.Lang, "reset.link_invalid")
			}
			return "password_reset_confirm", nil
		}
		return "", err
	}
	// Every session of the account ended, this browser's too.
	w.cookie(c, sessionCookie, "", -1)
	return w.redirect(c, "/signin", "flash.password_reset")
}

// verifyEmailResult is what the verification page says.
type verifyEmailResult struct {
	Missing, OK bool
}

// verifyEmail is where the verification link leads. Opening it verifies:
// whoever can open the mail owns the address.
func (w *Web) verifyEmail(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "verify_email.title")
	token := c.Query("t")
	if token == "" {
		p.Data = verifyEmailResult{Missing: true}
		return "verify_email", nil
	}
	_, err := w.cfg.Accounts.VerifyEmail(c.UserContext(), models.EmailVerification{Token: token})
	switch {
	case models.IsCode(err, models.CodeValidation):
		p.Data, p.Status = verifyEmailResult{}, 422
	case err != nil:
		return "", err
	default:
		p.Data = verifyEmailResult{OK: true}
	}
	return "verify_email", nil
}

func (w *Web) verifyEmailResend(c *fiber.Ctx, p *page) (string, error) {
	if err := w.cfg.Accounts.ResendVerification(c.UserContext(), p.User); err != nil {
		if w.formErrors(p, err) {
			return w.account(c, p)
		}
		return "", err
	}
	return w.redirect(c, "/account", "flash.verify_sent")
}

// adminUsersPerPage is the length of a page of the admin's accounts.
const adminUsersPerPage = 20

// adminUsers reads the admin's list of accounts from the page's query.
func (w *Web) adminUsers(c *fiber.Ctx, p *page, d *adminData) error {
	q, role := c.Query("q"), models.Role(c.Query("role"))
	if !slices.Contains([]models.Role{models.RoleCreator, models.RoleOrg, models.RoleBureau, models.RoleAdmin}, role) {
		role = ""
	}
	n, _ := strconv.Atoi(c.Query("page"))
	n = min(max(n, 1), 10000)
	list, err := w.cfg.Accounts.ListUsers(c.UserContext(), p.User, models.UserFilter{Q: q, Role: role, Page: models.Page{Page: n, PerPage: adminUsersPerPage}})
	if err != nil {
		return err
	}
	d.Users, d.UserPages = list, pages(list.Total, adminUsersPerPage)
	d.UserQuery = map[string]string{"q": q, "role": string(role)}
	return nil
}

// adminUserUpdate disables or enables an account, or changes a staff
// account's role, from the buttons of the admin's list.
func (w *Web) adminUserUpdate(c *fiber.Ctx, p *page) (string, error) {
	var in models.UserAdminUpdate
	on, off := true, false
	switch c.FormValue("action") {
	case "disable":
		in.Disabled = &on
	case "enable":
		in.Disabled = &off
	case "bureau", "admin":
		r := models.Role(c.FormValue("action"))
		in.Role = &r
	}
	_, err := w.cfg.Accounts.AdminUpdateUser(c.UserContext(), p.User, c.Params("id"), in)
	if err != nil {
		if w.formErrors(p, err) {
			return w.adminHome(c, p)
		}
		return "", err
	}
	return w.redirect(c, "/admin#users", "flash.user_updated")
}

func (w *Web) adminUserReset(c *fiber.Ctx, p *page) (string, error) {
	if err := w.cfg.Accounts.AdminPasswordReset(c.UserContext(), p.User, c.Params("id")); err != nil {
		if w.formErrors(p, err) {
			return w.adminHome(c, p)
		}
		return "", err
	}
	return w.redirect(c, "/admin#users", "flash.user_reset_sent")
}
