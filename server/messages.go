package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// handleMessagePost answers POST /applications/{id}/messages.
func (s *Server) handleMessagePost(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in models.MessageInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.cfg.Messages.Post(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

// handleThreadRead answers POST /applications/{id}/messages/read.
func (s *Server) handleThreadRead(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Messages.MarkRead(c.UserContext(), userOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
