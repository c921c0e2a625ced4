package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

func (s *Server) handleBaseCreate(c *fiber.Ctx) error {
	var in models.BaseInput
	if err := decode(c, &in); err != nil {
		return err
	}
	b, err := s.cfg.Bases.Create(c.UserContext(), userOf(c), in)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/bases/"+b.ID, b.Version, b)
}

func (s *Server) handleBaseList(c *fiber.Ctx) error {
	q := parseQuery(c, "kind", "district", "status", "org_id")
	f := models.BaseFilter{Kind: q.list("kind"), District: q.list("district"),
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

func (s *Server) handleBaseGet(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	b, err := s.cfg.Bases.Get(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	setVersion(c, b.Version)
	return c.JSON(b)
}

func (s *Server) handleBaseVerify(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in models.DecisionInput
	if err := decode(c, &in); err != nil {
		return err
	}
	b, err := s.cfg.Bases.Decide(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	setVersion(c, b.Version)
	return c.JSON(b)
}
