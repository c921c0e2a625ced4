package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// handleNoteAdd answers POST /talents/{id}/notes.
func (s *Server) handleNoteAdd(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in models.NoteInput
	if err := decode(c, &in); err != nil {
		return err
	}
	n, err := s.cfg.Desk.AddNote(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(n)
}

// handleFavourite answers PUT (on) and DELETE (off) /favourites/{talent_id}.
func (s *Server) handleFavourite(on bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParamNamed(c, "talent_id")
		if err != nil {
			return err
		}
		if err := s.cfg.Desk.SetFavourite(c.UserContext(), userOf(c), id, on); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}
