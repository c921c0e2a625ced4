package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

func (s *Server) handleBaseList(c *fiber.Ctx) error {
	q := parseQuery(c, "q", "kind", "district", "status", "org_id")
	f := models.BaseFilter{Q: q.text("q", 200), Kind: q.list("kind"), District: q.list("district"),
		Status: stringsOf[models.Status](q.enum("status", statusNames...)), OrgID: q.list("org_id"), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	list, err := s.cfg.Bases.List(c.UserContext(), userOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(list)
}
