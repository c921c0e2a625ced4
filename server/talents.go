package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
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

func (s *Server) handleTalentSearch(c *fiber.Ctx) error {
	q := parseQuery(c, models.TalentSearchParams...)
	f := models.ParseTalentSearch(q.Params)
	if err := q.err(); err != nil {
		return err
	}
	res, err := s.cfg.Talents.Search(c.UserContext(), userOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(res)
}
