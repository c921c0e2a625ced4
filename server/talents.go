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
	q := parseQuery(c, "q", "skills", "tools", "industries", "district", "origin", "level", "available", "min_years", "max_years", "sort")
	f := models.TalentSearch{Q: q.text("q", 200), Skills: q.list("skills"), Tools: q.list("tools"), Industries: q.list("industries"),
		District: q.list("district"), Origin: q.enum("origin", string(models.OriginOverseas), string(models.OriginDomestic)),
		Level: q.enum("level", string(models.LevelA), string(models.LevelB), string(models.LevelC)), Sort: q.c.Query("sort"), Page: q.page()}
	switch c.Query("available") {
	case "":
	case "true":
		t := true
		f.Available = &t
	case "false":
		v := false
		f.Available = &v
	default:
		q.errs["available"] = "must be true or false"
	}
	if c.Query("min_years") != "" {
		n := q.number("min_years", 0, 70)
		f.MinYears = &n
	}
	if c.Query("max_years") != "" {
		n := q.number("max_years", 0, 70)
		f.MaxYears = &n
	}
	if err := q.err(); err != nil {
		return err
	}
	res, err := s.cfg.Talents.Search(c.UserContext(), userOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(res)
}
