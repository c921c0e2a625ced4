package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// handleSavedSearchCreate answers POST /saved-searches.
func (s *Server) handleSavedSearchCreate(c *fiber.Ctx) error {
	var in models.SavedSearchInput
	if err := decode(c, &in); err != nil {
		return err
	}
	saved, err := s.cfg.SavedSearches.Create(c.UserContext(), userOf(c), in)
	if err != nil {
		return err
	}
	c.Location("/api/v1/saved-searches/" + saved.ID)
	return c.Status(fiber.StatusCreated).JSON(saved)
}

// handleSavedSearchDelete answers DELETE /saved-searches/{id}.
func (s *Server) handleSavedSearchDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := s.cfg.SavedSearches.Delete(c.UserContext(), userOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
