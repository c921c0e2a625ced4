package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// handleNotifications answers GET /notifications: the caller's own, a page
// at a time, with the unread count.
func (s *Server) handleNotifications(c *fiber.Ctx) error {
	q := parseQuery(c, "unread")
	unread := q.Bool("unread")
	page := q.page()
	if err := q.err(); err != nil {
		return err
	}
	in, err := s.cfg.Notifications.Inbox(c.UserContext(), userOf(c), unread != nil && *unread, page)
	if err != nil {
		return err
	}
	return c.JSON(in)
}

// handleNotificationsRead answers POST /notifications/read.
func (s *Server) handleNotificationsRead(c *fiber.Ctx) error {
	var in models.NotificationRead
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.cfg.Notifications.MarkRead(c.UserContext(), userOf(c), in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
