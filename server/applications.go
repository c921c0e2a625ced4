package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// stageNames are the stages as the ?stage filter takes them.
var stageNames = func() []string {
	out := make([]string, len(models.Stages))
	for i, s := range models.Stages {
		out[i] = string(s)
	}
	return out
}()

func (s *Server) handleApplicationCreate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in models.ApplicationInput
	if err := decode(c, &in); err != nil {
		return err
	}
	a, err := s.cfg.Applications.Create(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	setVersion(c, a.Version)
	c.Location("/api/v1/applications/" + a.ID)
	return c.Status(fiber.StatusCreated).JSON(a)
}

func (s *Server) handleApplicationList(c *fiber.Ctx) error {
	q := parseQuery(c, "project_id", "stage")
	f := models.ApplicationFilter{ProjectID: q.list("project_id"), Stage: q.enum("stage", stageNames...), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	list, err := s.cfg.Applications.List(c.UserContext(), userOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (s *Server) handleConsentWithdraw(c *fiber.Ctx) error {
	orgID, err := idParamNamed(c, "org_id")
	if err != nil {
		return err
	}
	if err := s.cfg.Applications.WithdrawConsent(c.UserContext(), userOf(c), orgID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
