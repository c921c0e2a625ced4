package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// threadData is an application's thread as either side sees it.
type threadData struct {
	App    *models.Application
	Thread *models.Thread
	Side   models.Side
	// Back is the page the reader came from: the pipeline or their
	// applications.
	Back string
}

// thread shows an application's messages and marks them read for the
// reader's side.
func (w *Web) thread(c *fiber.Ctx, p *page) (string, error) {
	a, err := w.cfg.Applications.Get(c.UserContext(), p.User, c.Params("id"))
	if err != nil {
		return "", err
	}
	th, err := w.cfg.Messages.Thread(c.UserContext(), p.User, a.ID, models.Page{Page: 1, PerPage: 100})
	if err != nil {
		return "", err
	}
	if th.Unread > 0 {
		if err := w.cfg.Messages.MarkRead(c.UserContext(), p.User, a.ID); err != nil {
			return "", err
		}
	}
	d := threadData{App: a, Thread: th, Side: models.SideOrg, Back: "/org/projects/" + a.ProjectID + "/pipeline"}
	if p.User.ID == a.TalentID {
		d.Side, d.Back = models.SideCreator, "/me/applications"
	}
	p.Title = w.tr.t(p.Lang, "thread.title")
	p.Data = d
	return "thread", nil
}

// threadPost sends a message and shows the thread again.
func (w *Web) threadPost(c *fiber.Ctx, p *page) (string, error) {
	id := c.Params("id")
	if _, err := w.cfg.Messages.Post(c.UserContext(), p.User, id, models.MessageInput{Body: c.FormValue("body")}); err != nil {
		if !w.formErrors(p, err) {
			return "", err
		}
		p.Form = map[string]string{"body": c.FormValue("body")}
		return w.thread(c, p)
	}
	return w.redirect(c, "/applications/"+id+"/messages#latest", "")
}
