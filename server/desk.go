package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// handleNotes answers GET /talents/{id}/notes: the organisation's notes.
func (s *Server) handleNotes(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	notes, err := s.cfg.Desk.Notes(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": notes, "total": len(notes)})
}

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

// handleFavourites answers GET /favourites.
func (s *Server) handleFavourites(c *fiber.Ctx) error {
	if err := parseQuery(c).err(); err != nil {
		return err
	}
	ts, err := s.cfg.Desk.Favourites(c.UserContext(), userOf(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ts, "total": len(ts)})
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
