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

func (s *Server) handleOrgInvite(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in models.MemberInput
	if err := decode(c, &in); err != nil {
		return err
	}
	inv, err := s.cfg.Orgs.Invite(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(inv)
}

func (s *Server) handleInvitationAnswer(c *fiber.Ctx) error {
	orgID, err := idParamNamed(c, "org_id")
	if err != nil {
		return err
	}
	var in models.InvitationAnswer
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := s.cfg.Orgs.AnswerInvitation(c.UserContext(), userOf(c), orgID, in)
	if err != nil {
		return err
	}
	if u == nil {
		return c.SendStatus(fiber.StatusNoContent)
	}
	setVersion(c, u.Version)
	return c.JSON(u)
}

func (s *Server) handleOrgMemberUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	userID, err := idParamNamed(c, "user_id")
	if err != nil {
		return err
	}
	var in models.MemberUpdate
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.cfg.Orgs.UpdateMember(c.UserContext(), userOf(c), id, userID, in)
	if err != nil {
		return err
	}
	return c.JSON(m)
}
