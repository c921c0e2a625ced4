package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// notificationsData is the notifications page: a page of the inbox and
// whether only the unread ones are shown.
type notificationsData struct {
	paged[*models.Notification]
	Unread     int
	UnreadOnly bool
}

const notificationsPerPage = 20

// notifications lists the signed-in user's notifications.
func (w *Web) notifications(c *fiber.Ctx, p *page) (string, error) {
	p.Title = w.tr.t(p.Lang, "notifications.title")
	unreadOnly := c.Query("unread") == "true"
	in, err := w.cfg.Notifications.Inbox(c.UserContext(), p.User, unreadOnly, pageOf(c, notificationsPerPage))
	if err != nil {
		return "", err
	}
	// In the page's language, which may not be the account's.
	for _, n := range in.Items {
		n.Title, _ = models.NoticeText(n.Kind, p.Lang, n.Params)
	}
	p.Unread = in.Unread
	p.Data = notificationsData{paged: paged[*models.Notification]{List: &in.List, Pages: pages(in.Total, notificationsPerPage)},
		Unread: in.Unread, UnreadOnly: unreadOnly}
	return "notifications", nil
}

// bell is the header's bell alone: the layout polls it, so the count
// moves without a reload.
func (w *Web) bell(_ *fiber.Ctx, _ *page) (string, error) { return "bell", nil }

// notificationsRead marks all read, or one and then opens what it is
// about (open=<id>).
func (w *Web) notificationsRead(c *fiber.Ctx, p *page) (string, error) {
	in := models.NotificationRead{All: c.FormValue("all") == "true"}
	open := c.FormValue("open")
	if open != "" {
		in.IDs = []string{open}
	}
	if err := w.cfg.Notifications.MarkRead(c.UserContext(), p.User, in); err != nil {
		return "", err
	}
	if open != "" {
		// The link comes from the page the user read; it stays on this
		// site whatever the form says.
		return w.redirect(c, localPath(c.FormValue("link")), "")
	}
	return w.redirect(c, "/notifications", "flash.saved")
}
