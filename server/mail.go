package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// mailService is the mail service, or a 503 when the server was built
// without one.
func (s *Server) mailService() (models.MailService, error) {
	if s.cfg.Mail == nil {
		return nil, models.Errorf(models.CodeUnavailable, "mail is not set up on this server")
	}
	return s.cfg.Mail, nil
}

func (s *Server) handleMailPrefsGet(c *fiber.Ctx) error {
	ms, err := s.mailService()
	if err != nil {
		return err
	}
	p, err := ms.Preferences(c.UserContext(), userOf(c))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) handleMailPrefsPut(c *fiber.Ctx) error {
	ms, err := s.mailService()
	if err != nil {
		return err
	}
	var in models.MailPrefsInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := ms.SetPreferences(c.UserContext(), userOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) handleMailStatus(c *fiber.Ctx) error {
	ms, err := s.mailService()
	if err != nil {
		return err
	}
	st, err := ms.Status(c.UserContext(), userOf(c))
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// handleUnsubscribe is the one-click unsubscribe of a mail's link: the
// signed token is the authority, no sign-in needed.
func (s *Server) handleUnsubscribe(c *fiber.Ctx) error {
	ms, err := s.mailService()
	if err != nil {
		return err
	}
	q := parseQuery(c, "t")
	if err := q.err(); err != nil {
		return err
	}
	u, err := ms.Unsubscribe(c.UserContext(), c.Query("t"))
	if err != nil {
		return err
	}
	return c.JSON(u)
}
