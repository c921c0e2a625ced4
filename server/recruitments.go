package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

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
