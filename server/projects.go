package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

func (s *Server) handleProjectSearch(c *fiber.Ctx) error {
	q := parseQuery(c, "q", "kind", "district", "industries", "skills", "org_id", "status", "sort")
	f := models.ProjectSearch{Q: q.text("q", 200), Kind: q.list("kind"), District: q.list("district"),
		Industries: q.list("industries"), Skills: q.list("skills"), OrgID: q.list("org_id"),
		Status: q.enum("status", string(models.ProjectOpen), string(models.ProjectClosed)), Sort: q.c.Query("sort"), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	res, err := s.cfg.Projects.Search(c.UserContext(), userOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(res)
}
