package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

func (s *Server) handleHealthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// handleReadyz answers 503 within 2 seconds when the database does not, so
// a load balancer can take the process out of rotation without waiting.
func (s *Server) handleReadyz(c *fiber.Ctx) error {
	if s.draining.Load() {
		return &models.Error{Code: models.CodeUnavailable, Message: "shutting down"}
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.cfg.Ready(ctx); err != nil {
		msg := "not ready"
		if models.IsCode(err, models.CodeUnavailable) {
			msg += ": " + models.ErrorMessage(err)
		}
		return &models.Error{Code: models.CodeUnavailable, Message: msg, Err: err}
	}
	reconciling := s.cfg.Reconciling != nil && s.cfg.Reconciling()
	return c.JSON(fiber.Map{"status": "ready", "reconciling": reconciling})
}

func (s *Server) handleOpenAPI(c *fiber.Ctx) error {
	c.Type("json", "utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(s.openapi)
}
