package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
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

// handleTeamMemberRemove answers DELETE /teams/{id}/members/{user_id}.
func (s *Server) handleTeamMemberRemove(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	user, err := idParamNamed(c, "user_id")
	if err != nil {
		return err
	}
	if _, err := s.cfg.Incubation.RemoveMember(c.UserContext(), userOf(c), id, user); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
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

// handleReviewerRemove answers DELETE /calls/{id}/reviewers/{user_id}.
func (s *Server) handleReviewerRemove(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	user, err := idParamNamed(c, "user_id")
	if err != nil {
		return err
	}
	if _, err := s.cfg.Incubation.RemoveReviewer(c.UserContext(), userOf(c), id, user); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// handleEntryCreate answers POST /calls/{id}/entries.
func (s *Server) handleEntryCreate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in models.EntryInput
	if err := decode(c, &in); err != nil {
		return err
	}
	e, err := s.cfg.Incubation.Apply(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	setVersion(c, e.Version)
	c.Location("/api/v1/entries/" + e.ID)
	return c.Status(fiber.StatusCreated).JSON(e)
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

// handleEntry answers GET /entries/{id}.
func (s *Server) handleEntry(c *fiber.Ctx) error {
	id, err := entryParam(c)
	if err != nil {
		return err
	}
	e, err := s.cfg.Incubation.Entry(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	setVersion(c, e.Version)
	return c.JSON(e)
}

// handleEntryUpdate answers PATCH /entries/{id} (If-Match).
func (s *Server) handleEntryUpdate(c *fiber.Ctx) error {
	id, err := entryParam(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var in models.EntryInput
	if err := decode(c, &in); err != nil {
		return err
	}
	e, err := s.cfg.Incubation.UpdateEntry(c.UserContext(), userOf(c), id, in, version)
	if err != nil {
		return err
	}
	setVersion(c, e.Version)
	return c.JSON(e)
}

// handleReview answers PUT /entries/{id}/review: the caller's review.
func (s *Server) handleReview(c *fiber.Ctx) error {
	id, err := entryParam(c)
	if err != nil {
		return err
	}
	var in models.ReviewInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.cfg.Incubation.Review(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	setVersion(c, r.Version)
	return c.JSON(r)
}

// handleReviews answers GET /entries/{id}/reviews.
func (s *Server) handleReviews(c *fiber.Ctx) error {
	id, err := entryParam(c)
	if err != nil {
		return err
	}
	if err := parseQuery(c).err(); err != nil {
		return err
	}
	rs, err := s.cfg.Incubation.Reviews(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": rs, "total": len(rs)})
}

// handleDecide answers POST /entries/{id}/decision.
func (s *Server) handleDecide(c *fiber.Ctx) error {
	id, err := entryParam(c)
	if err != nil {
		return err
	}
	var in models.DecideInput
	if err := decode(c, &in); err != nil {
		return err
	}
	e, err := s.cfg.Incubation.Decide(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	setVersion(c, e.Version)
	return c.JSON(e)
}

// handleRanking answers GET /calls/{id}/ranking.
func (s *Server) handleRanking(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := parseQuery(c).err(); err != nil {
		return err
	}
	r, err := s.cfg.Incubation.Ranking(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// handleCohort answers GET /calls/{id}/cohort.
func (s *Server) handleCohort(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := parseQuery(c).err(); err != nil {
		return err
	}
	r, err := s.cfg.Incubation.Cohort(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
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

// handleReviewers answers GET /calls/{id}/reviewers.
func (s *Server) handleReviewers(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := parseQuery(c).err(); err != nil {
		return err
	}
	rs, err := s.cfg.Incubation.Reviewers(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": rs, "total": len(rs)})
}
