package server

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/report"
)

// Incubation's routes: teams, calls, entries, reviews, cohorts.

// entryParam returns the :id of an entry's path, or a 400.
func entryParam(c *fiber.Ctx) (string, error) {
	id := c.Params("id")
	if !models.ValidEntryID(id) {
		return "", models.Errorf(models.CodeBadRequest, "malformed entry id %q: an entry's id is its call's and its applicant's, joined by -", truncateForMessage(id))
	}
	return id, nil
}

// handleTeamSearch answers GET /teams.
func (s *Server) handleTeamSearch(c *fiber.Ctx) error {
	q := parseQuery(c, "q", "stage", "industry", "district", "mine", "page", "per_page")
	f := models.TeamSearch{Q: q.text("q", 200), Stage: q.list("stage"), Industry: q.list("industry"), District: q.list("district"),
		Page: q.page()}
	mine := q.Bool("mine")
	if err := q.err(); err != nil {
		return err
	}
	if mine != nil && *mine && userOf(c) != nil {
		f.MemberID = userOf(c).ID
	}
	res, err := s.cfg.Incubation.SearchTeams(c.UserContext(), userOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// handleTeamInvitation answers POST /teams/{id}/invitation: the invited
// creator accepts or declines.
func (s *Server) handleTeamInvitation(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in struct {
		Accept *bool `json:"accept" validate:"required"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := models.Validate(in); err != nil {
		return err
	}
	t, err := s.cfg.Incubation.AnswerInvitation(c.UserContext(), userOf(c), id, *in.Accept)
	if err != nil {
		return err
	}
	setVersion(c, t.Version)
	return c.JSON(t)
}

// handleCallList answers GET /calls: open ones, ?mine=true the caller's
// organisation's, ?reviewing=true those the caller reviews.
func (s *Server) handleCallList(c *fiber.Ctx) error {
	q := parseQuery(c, "mine", "reviewing", "page", "per_page")
	var f models.CallFilter
	if b := q.Bool("mine"); b != nil {
		f.Mine = *b
	}
	if b := q.Bool("reviewing"); b != nil {
		f.Reviewing = *b
	}
	f.Page = q.page()
	if err := q.err(); err != nil {
		return err
	}
	res, err := s.cfg.Incubation.Calls(c.UserContext(), userOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// handleMyEntries answers GET /entries: the caller's own.
func (s *Server) handleMyEntries(c *fiber.Ctx) error {
	q := parseQuery(c, "page", "per_page")
	page := q.page()
	if err := q.err(); err != nil {
		return err
	}
	res, err := s.cfg.Incubation.Entries(c.UserContext(), userOf(c), "", page)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// handleMilestone answers POST /calls/{id}/cohort/{team_id}/milestones.
func (s *Server) handleMilestone(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	team, err := idParamNamed(c, "team_id")
	if err != nil {
		return err
	}
	var in models.MilestoneInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.cfg.Incubation.AddMilestone(c.UserContext(), userOf(c), id, team, in)
	if err != nil {
		return err
	}
	setVersion(c, m.Version)
	return c.Status(fiber.StatusCreated).JSON(m)
}

// handleStatsIncubation answers GET /stats/incubation.
func (s *Server) handleStatsIncubation(c *fiber.Ctx) error {
	q := parseQuery(c, "year")
	year := q.number("year", 2000, 2100)
	if err := q.err(); err != nil {
		return err
	}
	f, err := s.cfg.Incubation.Figures(c.UserContext(), userOf(c), year)
	if err != nil {
		return err
	}
	return c.JSON(f)
}

// handleRankingFile answers GET /calls/{id}/ranking.xlsx: the ranking as
// the incubator's workbook, in the caller's language.
func (s *Server) handleRankingFile(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	r, err := s.cfg.Incubation.RankingExport(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	tax, err := s.cfg.Taxonomies.Get(c.UserContext())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.RankingXLSX(&buf, r, tax, requestLanguage(c)); err != nil {
		return models.Internal("server.ranking", err)
	}
	return sendFile(c, xlsxType, "ranking-"+id+".xlsx", buf.Bytes())
}
