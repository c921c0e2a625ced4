package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

func (s *Server) handleProjectSearch(c *fiber.Ctx) error {
	q := parseQuery(c, models.ProjectSearchParams...)
	f := models.ParseProjectSearch(q.Params)
	if err := q.err(); err != nil {
		return err
	}
	res, err := s.cfg.Projects.Search(c.UserContext(), userOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(res)
}
