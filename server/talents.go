package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

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

func (s *Server) handleTalentSearch(c *fiber.Ctx) error {
	q := parseQuery(c, models.TalentSearchParams...)
	f := models.ParseTalentSearch(q.Params)
	if err := q.err(); err != nil {
		return err
	}
	res, err := s.cfg.Talents.Search(c.UserContext(), userOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// handleTalentMatches ranks open projects for the owner's profile, with
// the filter of its query (min_score, any_skills).
func (s *Server) handleTalentMatches(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	q := parseQuery(c, "min_score", "any_skills")
	f := models.ParseProjectMatchFilter(q.Params)
	if err := q.err(); err != nil {
		return err
	}
	res, err := s.cfg.Talents.Matches(c.UserContext(), userOf(c), id, f)
	if err != nil {
		return err
	}
	return c.JSON(res)
}
