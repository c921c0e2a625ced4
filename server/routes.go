package server

import "github.com/szdc/talenthub/models"

// routes registers every route of the API in one place.
func (s *Server) routes() {
	app := s.app
	app.Use(s.requestID, s.accessLog, s.recoverPanics, s.securityHeaders, s.deadline)

	app.Get("/healthz", s.handleHealthz)
	app.Get("/readyz", s.handleReadyz)
	app.Get("/metrics", s.authenticate, s.handleMetrics)

	api := app.Group("/api/v1", s.authenticate)
	api.Get("/openapi.json", s.handleOpenAPI)

	api.Post("/auth/register", s.handleRegister)
	api.Post("/auth/login", s.handleLogin)
	api.Post("/auth/logout", s.requireUser, s.handleLogout)
	api.Get("/me", s.requireUser, s.handleMe)
	api.Post("/admin/users", s.requireRole(models.RoleAdmin), s.handleAdminUserCreate)

	api.Post("/talents", s.requireRole(models.RoleCreator), s.handleTalentCreate)
	api.Get("/talents/:id", s.handleTalentGet)
	api.Patch("/talents/:id", s.requireUser, s.handleTalentUpdate)
	api.Delete("/talents/:id", s.requireUser, s.handleTalentDelete)
	api.Get("/talents/:id/export", s.requireUser, s.handleTalentExport)
}
