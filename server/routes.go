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
	api.Delete("/me", s.requireUser, s.handleAccountDelete)
	api.Post("/admin/users", s.requireRole(models.RoleAdmin), s.handleAdminUserCreate)

	api.Post("/talents", s.requireRole(models.RoleCreator), s.handleTalentCreate)
	api.Get("/talents/:id", s.handleTalentGet)
	api.Patch("/talents/:id", s.requireUser, s.handleTalentUpdate)
	api.Delete("/talents/:id", s.requireUser, s.handleTalentDelete)
	api.Get("/talents/:id/export", s.requireUser, s.handleTalentExport)

	api.Post("/orgs", s.requireUser, s.handleOrgCreate)
	api.Get("/orgs", s.requireUser, s.handleOrgList)
	api.Get("/orgs/:id", s.requireUser, s.handleOrgGet)
	api.Post("/orgs/:id/verify", s.requireUser, s.handleOrgVerify)
	api.Get("/orgs/:id/members", s.requireUser, s.handleOrgMembers)
	api.Post("/orgs/:id/members", s.requireUser, s.handleOrgMemberAdd)

	api.Post("/bases", s.requireUser, s.handleBaseCreate)
	api.Get("/bases", s.requireUser, s.handleBaseList)
	api.Get("/bases/:id", s.requireUser, s.handleBaseGet)
	api.Post("/bases/:id/verify", s.requireUser, s.handleBaseVerify)

	api.Post("/projects", s.requireUser, s.handleProjectCreate)
	api.Get("/projects", s.requireUser, s.handleProjectList)
	api.Get("/projects/:id", s.requireUser, s.handleProjectGet)
	api.Patch("/projects/:id", s.requireUser, s.handleProjectUpdate)
	api.Delete("/projects/:id", s.requireUser, s.handleProjectDelete)
	api.Post("/projects/:id/applications", s.requireUser, s.handleApplicationCreate)

	api.Get("/applications", s.requireUser, s.handleApplicationList)
	api.Get("/applications/:id", s.requireUser, s.handleApplicationGet)
	api.Patch("/applications/:id", s.requireUser, s.handleApplicationUpdate)

	api.Post("/recruitments", s.requireUser, s.handleRecruitmentCreate)
	api.Get("/recruitments", s.requireUser, s.handleRecruitmentList)
	api.Get("/recruitments/:id", s.requireUser, s.handleRecruitmentGet)
	api.Post("/recruitments/:id/verify", s.requireUser, s.handleRecruitmentVerify)
	api.Post("/recruitments/:id/corrections", s.requireUser, s.handleRecruitmentCorrect)
	api.Delete("/recruitments/:id", s.requireUser, s.handleRecruitmentDelete)

	api.Get("/audit", s.requireUser, s.handleAuditList)
	api.Get("/taxonomies", s.handleTaxonomyGet)
	api.Put("/taxonomies", s.requireUser, s.handleTaxonomyReplace)
}
