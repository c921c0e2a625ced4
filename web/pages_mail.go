package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// mailPrefsData is the account page's email settings: one row per kind.
type mailPrefsData struct {
	Kinds []models.MailPref
}

// mailPrefs returns the user's email settings for the account page, or nil
// when the server has no mail service.
func (w *Web) mailPrefs(c *fiber.Ctx, p *page) (*mailPrefsData, error) {
	if w.cfg.Mail == nil {
		return nil, nil
	}
	prefs, err := w.cfg.Mail.Preferences(c.UserContext(), p.User)
	if err != nil {
		return nil, err
	}
	return &mailPrefsData{Kinds: prefs.Kinds}, nil
}

// mailPrefsSave stores the email settings form: every kind has its box
// (unchecked boxes are not sent, so a missing one is "off").
func (w *Web) mailPrefsSave(c *fiber.Ctx, p *page) (string, error) {
	if w.cfg.Mail == nil {
		return "", models.Errorf(models.CodeUnavailable, "mail is not set up on this server")
	}
	f := formOf(c)
	in := models.MailPrefsInput{}
	for _, k := range models.MailPrefKinds() {
		on := f["email_"+k] == "on"
		in.Kinds = append(in.Kinds, models.MailPrefInput{Kind: k, Email: &on, Frequency: f["frequency_"+k]})
	}
	if _, err := w.cfg.Mail.SetPreferences(c.UserContext(), p.User, in); err != nil {
		return "", err
	}
	return w.redirect(c, "/account#mail", "flash.saved")
}

// unsubscribeData is what the unsubscribe page shows.
type unsubscribeData struct {
	Kind    string
	Action  string // the form's address, with the token
	Done    bool
	Invalid bool
}

// unsubscribe shows what a mail's link would turn off, with a button; the
// link itself changes nothing on GET (mail scanners open links).
func (w *Web) unsubscribe(c *fiber.Ctx, p *page) (string, error) {
	return w.unsubscribePage(c, p, false)
}

// unsubscribeDo turns the kind off: the page's button, or the mail client's
// one-click POST (RFC 8058), which carries no CSRF token: the signed token
// is the authority, and session() lets this path through.
func (w *Web) unsubscribeDo(c *fiber.Ctx, p *page) (string, error) {
	return w.unsubscribePage(c, p, true)
}

func (w *Web) unsubscribePage(c *fiber.Ctx, p *page, apply bool) (string, error) {
	p.Title = w.tr.t(p.Lang, "unsub.title")
	if w.cfg.Mail == nil {
		return "", models.Errorf(models.CodeUnavailable, "mail is not set up on this server")
	}
	token := c.Query("t")
	d := &unsubscribeData{Action: "/unsubscribe?t=" + url.QueryEscape(token)}
	p.Data = d
	var u *models.Unsubscription
	var err error
	if apply {
		u, err = w.cfg.Mail.Unsubscribe(c.UserContext(), token)
	} else {
		u, err = w.cfg.Mail.CheckUnsubscribe(c.UserContext(), token)
	}
	switch {
	case models.IsCode(err, models.CodeBadRequest):
		d.Invalid, p.Status = true, fiber.StatusBadRequest
		return "unsubscribe", nil
	case err != nil:
		return "", err
	}
	d.Kind, d.Done = u.Kind, u.Done
	return "unsubscribe", nil
}

// adminMail is the admin page's view of mail, or nil without a mail
// service.
func (w *Web) adminMail(c *fiber.Ctx, p *page) (*models.MailStatus, error) {
	if w.cfg.Mail == nil {
		return nil, nil
	}
	return w.cfg.Mail.Status(c.UserContext(), p.User)
}
