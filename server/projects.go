package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

func (s *Server) handleProjectCreate(c *fiber.Ctx) error {
	var in models.ProjectInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := s.cfg.Projects.Create(c.UserContext(), userOf(c), in)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/projects/"+p.ID, p.Version, p)
}

func (s *Server) handleProjectList(c *fiber.Ctx) error {
	q := parseQuery(c, "q", "kind", "district", "industries", "skills", "org_id", "status", "sort")
	f := models.ProjectFilter{Q: q.text("q", 200), Kind: q.list("kind"), District: q.list("district"),
		Industries: q.list("industries"), Skills: q.list("skills"), OrgID: q.list("org_id"),
		Status: q.enum("status", string(models.ProjectOpen), string(models.ProjectClosed)), Sort: q.c.Query("sort"), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	list, err := s.cfg.Projects.List(c.UserContext(), userOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (s *Server) handleProjectGet(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	p, err := s.cfg.Projects.Get(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	setVersion(c, p.Version)
	return c.JSON(p)
}

func (s *Server) handleProjectUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var u models.ProjectUpdate
	if err := decode(c, &u); err != nil {
		return err
	}
	p, err := s.cfg.Projects.Update(c.UserContext(), userOf(c), id, u, version)
	if err != nil {
		return err
	}
	setVersion(c, p.Version)
	return c.JSON(p)
}

func (s *Server) handleProjectDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Projects.Delete(c.UserContext(), userOf(c), id, version); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
