package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

func (s *Server) handleRecruitmentCreate(c *fiber.Ctx) error {
	var in models.RecruitmentInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.cfg.Recruitments.Report(c.UserContext(), userOf(c), in)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/recruitments/"+r.ID, r.Version, r)
}

func (s *Server) handleRecruitmentList(c *fiber.Ctx) error {
	q := parseQuery(c, "year", "status", "district", "industry", "origin", "org_id")
	f := models.RecruitmentFilter{Year: q.number("year", 2000, 2100),
		Status:   q.enum("status", string(models.StatusReported), string(models.StatusVerified), string(models.StatusRejected)),
		District: q.list("district"), Industry: q.list("industry"),
		Origin: q.enum("origin", string(models.OriginOverseas), string(models.OriginDomestic)), OrgID: q.list("org_id"), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	list, err := s.cfg.Recruitments.List(c.UserContext(), userOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (s *Server) handleRecruitmentGet(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	r, err := s.cfg.Recruitments.Get(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	setVersion(c, r.Version)
	return c.JSON(r)
}

func (s *Server) handleRecruitmentVerify(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in models.DecisionInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.cfg.Recruitments.Decide(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	setVersion(c, r.Version)
	return c.JSON(r)
}

func (s *Server) handleRecruitmentCorrect(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var in models.CorrectionInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.cfg.Recruitments.Correct(c.UserContext(), userOf(c), id, in, version)
	if err != nil {
		return err
	}
	setVersion(c, r.Version)
	return c.JSON(r)
}

func (s *Server) handleRecruitmentDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Recruitments.Withdraw(c.UserContext(), userOf(c), id, version); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
