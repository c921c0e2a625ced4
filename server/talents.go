package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

func (s *Server) handleTalentCreate(c *fiber.Ctx) error {
	var in models.TalentInput
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := s.cfg.Talents.Create(c.UserContext(), userOf(c), in)
	if err != nil {
		return err
	}
	setVersion(c, t.Version)
	c.Location("/api/v1/talents/" + t.ID)
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (s *Server) handleTalentGet(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	t, err := s.cfg.Talents.Get(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	setVersion(c, t.Version)
	return c.JSON(t)
}

func (s *Server) handleTalentUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var u models.TalentUpdate
	if err := decode(c, &u); err != nil {
		return err
	}
	t, err := s.cfg.Talents.Update(c.UserContext(), userOf(c), id, u, version)
	if err != nil {
		return err
	}
	setVersion(c, t.Version)
	return c.JSON(t)
}

func (s *Server) handleTalentDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Talents.Delete(c.UserContext(), userOf(c), id, version); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

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
