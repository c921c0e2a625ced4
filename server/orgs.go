package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

var statusNames = []string{string(models.StatusPending), string(models.StatusVerified), string(models.StatusRejected)}

func (s *Server) handleOrgList(c *fiber.Ctx) error {
	q := parseQuery(c, "q", "kind", "district", "status", "flag")
	f := models.OrgFilter{Q: q.text("q", 200), Kind: q.list("kind"), District: q.list("district"),
		Status: stringsOf[models.Status](q.enum("status", statusNames...)), Flag: q.list("flag"), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	list, err := s.cfg.Orgs.List(c.UserContext(), userOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (s *Server) handleOrgMemberAdd(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in models.MemberInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.cfg.Orgs.AddMember(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

func (s *Server) handleOrgMembers(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ms, err := s.cfg.Orgs.Members(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ms, "total": len(ms)})
}
