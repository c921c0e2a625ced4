package server

import (
	"encoding/json"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// handlePublish answers POST /publications.
func (s *Server) handlePublish(c *fiber.Ctx) error {
	var in models.PublicationInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := s.cfg.Publications.Publish(c.UserContext(), userOf(c), in)
	if err != nil {
		return err
	}
	c.Location("/api/v1/publications/" + p.ID)
	return c.Status(fiber.StatusCreated).JSON(p)
}

// handlePublications answers GET /publications.
func (s *Server) handlePublications(c *fiber.Ctx) error {
	q := parseQuery(c, "year")
	year := q.number("year", 2000, 2100)
	page := q.page()
	if err := q.err(); err != nil {
		return err
	}
	l, err := s.cfg.Publications.List(c.UserContext(), userOf(c), year, page)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

// handlePublication answers GET /publications/{id}.
func (s *Server) handlePublication(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	p, err := s.cfg.Publications.Get(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// handlePublicationFile answers GET /publications/{id}/figures.xlsx and
// .csv: the publication as the recruitment report's files, made from the
// figures and labels it froze, so that they are the same bytes every time.
func (s *Server) handlePublicationFile(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		if err := parseQuery(c).err(); err != nil {
			return err
		}
		p, err := s.cfg.Publications.Get(c.UserContext(), userOf(c), id)
		if err != nil {
			return err
		}
		var figs models.PublishedFigures
		if err := json.Unmarshal(p.Figures, &figs); err != nil {
			return models.Internal("server.publication", err)
		}
		c.Set("X-Publication-SHA256", p.SHA256)
		return sendReport(c, format, fmt.Sprintf("figures-%s.%s", p.Period, format), figs.Report(), &figs.Labels)
	}
}
