package server

import (
	"bytes"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/report"
)

func (s *Server) handleTargets(c *fiber.Ctx) error {
	return s.targetsAnswer(c, func(year int) ([]models.TargetStatus, error) {
		return s.cfg.Stats.Targets(c.UserContext(), userOf(c), year)
	})
}

// handleProgress is the public view of the targets.
func (s *Server) handleProgress(c *fiber.Ctx) error {
	return s.targetsAnswer(c, func(year int) ([]models.TargetStatus, error) {
		return s.cfg.Stats.Progress(c.UserContext(), year)
	})
}

func (s *Server) targetsAnswer(c *fiber.Ctx, get func(year int) ([]models.TargetStatus, error)) error {
	q := parseQuery(c, "year")
	year := q.number("year", 2000, 2100)
	if err := q.err(); err != nil {
		return err
	}
	ts, err := get(year)
	if err != nil {
		return err
	}
	out := fiber.Map{"items": ts, "total": len(ts)}
	if len(ts) > 0 {
		out["year"], out["as_of"] = ts[0].Year, ts[0].AsOf
	}
	return c.JSON(out)
}

func (s *Server) handleTargetPut(c *fiber.Ctx) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var in models.TargetInput
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := s.cfg.Stats.SetTarget(c.UserContext(), userOf(c), c.Params("metric"), in, version)
	if err != nil {
		return err
	}
	setVersion(c, t.Version)
	return c.JSON(t)
}

// handleStartPeriod answers POST /targets/periods: the next plan period's
// targets, copied from the last period's.
func (s *Server) handleStartPeriod(c *fiber.Ctx) error {
	var in models.PeriodInput
	if err := decode(c, &in); err != nil {
		return err
	}
	ts, err := s.cfg.Stats.StartPeriod(c.UserContext(), userOf(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"items": ts, "total": len(ts)})
}

// handleStatsSlice answers GET /stats/slice: a year's people under a
// filter, with the quarters and the previous year at the same point.
func (s *Server) handleStatsSlice(c *fiber.Ctx) error {
	q := parseQuery(c, "year", "district", "industry", "origin")
	year := q.number("year", 2000, 2100)
	f := models.SliceFilter{District: q.text("district", 40), Industry: q.text("industry", 40), Origin: q.text("origin", 40)}
	if err := q.err(); err != nil {
		return err
	}
	r, err := s.cfg.Stats.Slice(c.UserContext(), userOf(c), year, f)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) handleStatsRecruitment(c *fiber.Ctx) error {
	q := parseQuery(c, "year", "by")
	year := q.number("year", 2000, 2100)
	by := q.c.Query("by")
	if err := q.err(); err != nil {
		return err
	}
	b, err := s.cfg.Stats.Recruitment(c.UserContext(), userOf(c), year, by)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (s *Server) handleStatsBases(c *fiber.Ctx) error {
	q := parseQuery(c, "by")
	by := q.c.Query("by")
	if err := q.err(); err != nil {
		return err
	}
	b, err := s.cfg.Stats.Bases(c.UserContext(), userOf(c), by)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (s *Server) handleStatsLagging(c *fiber.Ctx) error {
	q := parseQuery(c, "year")
	year := q.number("year", 2000, 2100)
	if err := q.err(); err != nil {
		return err
	}
	l, err := s.cfg.Stats.Lagging(c.UserContext(), userOf(c), year)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

// handleReport renders the year's report as xlsx or csv, from one snapshot.
func (s *Server) handleReport(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		q := parseQuery(c, "year")
		year := q.number("year", 2000, 2100)
		if err := q.err(); err != nil {
			return err
		}
		r, err := s.cfg.Stats.Report(c.UserContext(), userOf(c), year, format == "xlsx")
		if err != nil {
			return err
		}
		tax, err := s.cfg.Taxonomies.Get(c.UserContext())
		if err != nil {
			return err
		}
		c.Set("X-As-Of", r.AsOf.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
		return sendReport(c, format, fmt.Sprintf("recruitment-%d.%s", r.Year, format), r, tax)
	}
}

func (s *Server) handleRecount(c *fiber.Ctx) error {
	res, err := s.cfg.Stats.Recount(c.UserContext(), userOf(c))
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// xlsxType is the media type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendReport answers with a report as an Excel workbook (format "xlsx")
// or as CSV, to download under name.
func sendReport(c *fiber.Ctx, format, name string, r *models.Report, tax *models.Taxonomy) error {
	var buf bytes.Buffer
	if format == "xlsx" {
		if err := report.XLSX(&buf, r, tax); err != nil {
			return models.Internal("server.report", err)
		}
		return sendFile(c, xlsxType, name, buf.Bytes())
	}
	if err := report.CSV(&buf, r, tax); err != nil {
		return models.Internal("server.report", err)
	}
	return sendFile(c, "text/csv; charset=utf-8", name, buf.Bytes())
}

// sendFile answers with a file to download under name.
func sendFile(c *fiber.Ctx, contentType, name string, body []byte) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, name))
	return c.Send(body)
}
