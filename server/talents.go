package server

import (
	"github.com/gofiber/fiber/v2"
)

func (s *Server) handleTalentExport(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	x, err := s.cfg.Talents.Export(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	c.Attachment("talenthub-export-" + id + ".json")
	return c.JSON(x)
}
