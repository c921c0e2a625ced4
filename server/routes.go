package server

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// routes registers every route of the API in one place.
func (s *Server) routes() {
	app := s.app
	// Admission comes before the deadline, so that a request's time to
	// work does not include its wait for a slot, and after the access log
	// and the metrics, so that refusals are counted and logged.
	app.Use(s.requestID, s.accessLog, s.recoverPanics, s.securityHeaders, s.admission(), s.bodyLimit, s.deadline)
	// The web UI's pages (mounted after these routes) pass the same gate as
	// the API: while the database is down they answer 503 at once.
	app.Use(func(c *fiber.Ctx) error {
		if s.cfg.Pages == nil || !s.cfg.Pages.IsPage(c.Path()) {
			return c.Next()
		}
		return s.gate(c)
	})

	app.Get("/healthz", s.handleHealthz)
	app.Get("/readyz", s.handleReadyz)
	app.Get("/metrics", s.authenticate, s.handleMetrics)

	// Images are served beside the pages, with the visibility of what shows
	// them (the session cookie names the viewer).
	app.Get("/media/:id/:size", s.gate, s.authenticate, s.handleMediumServe)

	api := app.Group("/api/v1", s.gate, s.authenticate)
	api.Get("/openapi.json", s.handleOpenAPI)

	api.Post("/auth/register", s.handleRegister)
	api.Post("/auth/login", s.handleLogin)
	api.Post("/auth/logout", s.requireUser, s.handleLogout)
	api.Get("/me", s.requireUser, s.handleMe)
	api.Patch("/me", s.requireUser, s.handleMeUpdate)
	api.Post("/me/password", s.requireUser, s.handlePasswordChange)
	api.Delete("/me", s.requireUser, s.handleAccountDelete)
	api.Post("/admin/users", s.requireRole(models.RoleAdmin), s.handleAdminUserCreate)
	api.Get("/me/mail-preferences", s.requireUser, s.handleMailPrefsGet)
	api.Put("/me/mail-preferences", s.requireUser, s.handleMailPrefsPut)
	api.Get("/admin/mail", s.requireRole(models.RoleAdmin), s.handleMailStatus)
	api.Post("/unsubscribe", s.handleUnsubscribe)
	api.Post("/auth/password-reset", s.handlePasswordResetRequest)
	api.Post("/auth/password-reset/confirm", s.handlePasswordResetConfirm)
	api.Post("/auth/verify-email", s.handleVerifyEmail)
	api.Post("/me/verify-email", s.requireUser, s.handleVerifyEmailResend)
	api.Get("/admin/users", s.requireRole(models.RoleAdmin), s.handleAdminUserList)
	api.Patch("/admin/users/:id", s.requireRole(models.RoleAdmin), s.handleAdminUserUpdate)
	api.Post("/admin/users/:id/password-reset", s.requireRole(models.RoleAdmin), s.handleAdminPasswordReset)

	api.Post("/talents", s.requireRole(models.RoleCreator), create(s.cfg.Talents.Create, func(t *models.Talent) string { return "/api/v1/talents/" + t.ID }))
	api.Get("/talents", s.requireUser, s.handleTalentSearch)
	api.Get("/talents/:id", get(s.cfg.Talents.Get))
	api.Patch("/talents/:id", s.requireUser, change(s.cfg.Talents.Update))
	api.Delete("/talents/:id", s.requireUser, remove(s.cfg.Talents.Delete))
	api.Get("/talents/:id/export", s.requireUser, s.handleTalentExport)
	api.Get("/talents/:id/identity", s.requireUser, s.handleIdentity)
	api.Put("/talents/:id/identity", s.requireUser, s.handleIdentityLink)
	api.Get("/talents/:id/matches", s.requireUser, s.handleTalentMatches)
	api.Get("/talents/:id/similar", s.requireUser, paged(s.cfg.Talents.Similar))
	api.Get("/talents/:id/notes", s.requireUser, view(idParam, items(s.cfg.Desk.Notes)))
	api.Post("/talents/:id/notes", s.requireUser, s.handleNoteAdd)
	api.Post("/media", s.requireUser, s.handleMediaUpload)
	api.Get("/media", s.requireUser, mine(s.cfg.Media.Mine))
	api.Delete("/media/:id", s.requireUser, s.handleMediumDelete)
	api.Get("/favourites", s.requireUser, mine(s.cfg.Desk.Favourites))
	api.Put("/favourites/:talent_id", s.requireUser, s.handleFavourite(true))
	api.Delete("/favourites/:talent_id", s.requireUser, s.handleFavourite(false))

	api.Post("/orgs", s.requireUser, create(s.cfg.Orgs.Create, func(o *models.Org) string { return "/api/v1/orgs/" + o.ID }))
	api.Get("/orgs", s.requireUser, s.handleOrgList)
	api.Get("/orgs/:id", s.requireUser, get(s.cfg.Orgs.Get))
	api.Patch("/orgs/:id", s.requireUser, change(s.cfg.Orgs.Update))
	api.Post("/orgs/:id/verify", s.requireUser, act(s.cfg.Orgs.Decide))
	api.Put("/orgs/:id/logo", s.requireUser, act(s.cfg.Orgs.SetLogo))
	api.Get("/orgs/:id/members", s.requireUser, view(idParam, items(s.cfg.Orgs.Members)))
	api.Post("/orgs/:id/members", s.requireUser, s.handleOrgInvite)
	api.Patch("/orgs/:id/members/:user_id", s.requireUser, s.handleOrgMemberUpdate)
	api.Delete("/orgs/:id/members/:user_id", s.requireUser, removeFrom("user_id", s.cfg.Orgs.RemoveMember))
	api.Get("/orgs/:id/invitations", s.requireUser, view(idParam, items(s.cfg.Orgs.Invitations)))
	api.Delete("/orgs/:id/invitations/:user_id", s.requireUser, removeFrom("user_id", s.cfg.Orgs.CancelInvitation))
	api.Get("/me/invitations", s.requireUser, mine(s.cfg.Orgs.MyInvitations))
	api.Post("/me/invitations/:org_id", s.requireUser, s.handleInvitationAnswer)
	api.Get("/notifications", s.requireUser, s.handleNotifications)
	api.Post("/notifications/read", s.requireUser, s.handleNotificationsRead)
	api.Get("/saved-searches", s.requireUser, mine(s.cfg.SavedSearches.List))
	api.Post("/saved-searches", s.requireUser, s.handleSavedSearchCreate)
	api.Delete("/saved-searches/:id", s.requireUser, s.handleSavedSearchDelete)

	api.Post("/bases", s.requireUser, create(s.cfg.Bases.Create, func(b *models.Base) string { return "/api/v1/bases/" + b.ID }))
	api.Get("/bases", s.requireUser, s.handleBaseList)
	api.Get("/bases/:id", s.requireUser, get(s.cfg.Bases.Get))
	api.Patch("/bases/:id", s.requireUser, change(s.cfg.Bases.Update))
	api.Post("/bases/:id/verify", s.requireUser, act(s.cfg.Bases.Decide))
	api.Post("/bases/:id/operators", s.requireUser, act(s.cfg.Bases.AnswerOperation))
	api.Post("/bases/:id/co-operators", s.requireUser, act(s.cfg.Bases.AskOperator))
	api.Delete("/bases/:id/co-operators/:org_id", s.requireUser, removeFrom("org_id", s.cfg.Bases.RemoveOperator))
	api.Get("/orgs/:id/base-requests", s.requireUser, view(idParam, items(s.cfg.Bases.OperationRequests)))

	api.Post("/projects", s.requireUser, create(s.cfg.Projects.Create, func(p *models.Project) string { return "/api/v1/projects/" + p.ID }))
	api.Get("/projects", s.requireUser, s.handleProjectSearch)
	api.Get("/projects/:id", s.requireUser, get(s.cfg.Projects.Get))
	api.Patch("/projects/:id", s.requireUser, change(s.cfg.Projects.Update))
	api.Delete("/projects/:id", s.requireUser, remove(s.cfg.Projects.Delete))
	api.Post("/projects/:id/applications", s.requireUser, s.handleApplicationCreate)
	api.Get("/projects/:id/matches", s.requireUser, paged(s.cfg.Projects.Matches))

	api.Get("/applications", s.requireUser, s.handleApplicationList)
	api.Get("/applications/:id", s.requireUser, get(s.cfg.Applications.Get))
	api.Patch("/applications/:id", s.requireUser, change(s.cfg.Applications.Update))
	api.Get("/applications/:id/messages", s.requireUser, paged(s.cfg.Messages.Thread))
	api.Post("/applications/:id/messages", s.requireUser, s.handleMessagePost)
	api.Post("/applications/:id/messages/read", s.requireUser, s.handleThreadRead)
	api.Get("/consents", s.requireUser, mine(s.cfg.Applications.Consents))
	api.Delete("/consents/:org_id", s.requireUser, s.handleConsentWithdraw)

	api.Post("/publications", s.requireUser, s.handlePublish)
	api.Get("/publications", s.handlePublications)
	api.Get("/publications/:id", s.handlePublication)
	api.Get("/publications/:id/figures.xlsx", s.handlePublicationFile("xlsx"))
	api.Get("/publications/:id/figures.csv", s.handlePublicationFile("csv"))
	api.Post("/imports/:kind", s.requireUser, s.handleImport)
	api.Get("/imports/templates/:file", s.requireUser, s.handleImportTemplate)
	api.Get("/imports", s.requireUser, s.handleImports)
	api.Get("/imports/progress", s.requireUser, s.handleImportProgress)
	api.Post("/recruitments", s.requireUser, create(s.cfg.Recruitments.Report, func(r *models.Recruitment) string { return "/api/v1/recruitments/" + r.ID }))
	api.Get("/recruitments", s.requireUser, s.handleRecruitmentList)
	api.Get("/recruitments/:id", s.requireUser, get(s.cfg.Recruitments.Get))
	api.Post("/recruitments/:id/verify", s.requireUser, act(s.cfg.Recruitments.Decide))
	api.Post("/recruitments/:id/corrections", s.requireUser, change(s.cfg.Recruitments.Correct))
	api.Patch("/recruitments/:id", s.requireUser, change(s.cfg.Recruitments.Amend))
	api.Delete("/recruitments/:id", s.requireUser, remove(s.cfg.Recruitments.Withdraw))

	api.Get("/targets", s.requireUser, s.handleTargets)
	api.Get("/progress", s.handleProgress)
	api.Put("/targets/:metric", s.requireUser, s.handleTargetPut)
	api.Post("/targets/periods", s.requireUser, s.handleStartPeriod)
	api.Get("/stats/recruitment", s.requireUser, s.handleStatsRecruitment)
	api.Get("/stats/slice", s.requireUser, s.handleStatsSlice)
	api.Get("/stats/bases", s.requireUser, s.handleStatsBases)
	api.Get("/stats/lagging", s.requireUser, s.handleStatsLagging)
	api.Get("/reports/recruitment.xlsx", s.requireUser, s.handleReport("xlsx"))
	api.Get("/reports/recruitment.csv", s.requireUser, s.handleReport("csv"))
	api.Post("/admin/recount", s.requireUser, s.handleRecount)
	api.Post("/admin/reindex", s.requireRole(models.RoleAdmin), s.handleReindexStart)
	api.Get("/admin/reindex", s.requireRole(models.RoleAdmin), s.handleReindexStatus)
	api.Get("/admin/synonyms", s.requireRole(models.RoleAdmin), s.handleSynonymReview)
	api.Post("/admin/synonyms", s.requireRole(models.RoleAdmin), s.handleSynonymDecide)

	inc := s.cfg.Incubation
	api.Post("/teams", s.requireUser, create(inc.CreateTeam, func(t *models.Team) string { return "/api/v1/teams/" + t.ID }))
	api.Get("/teams", s.requireUser, s.handleTeamSearch)
	api.Get("/teams/:id", s.requireUser, get(inc.Team))
	api.Put("/teams/:id", s.requireUser, change(inc.UpdateTeam))
	api.Post("/teams/:id/members", s.requireUser, act(inc.InviteMember))
	api.Delete("/teams/:id/members/:user_id", s.requireUser, removeFrom("user_id", dropResult(inc.RemoveMember)))
	api.Post("/teams/:id/invitation", s.requireUser, s.handleTeamInvitation)
	api.Get("/teams/:id/matches", s.requireUser, paged(inc.TeamMatches))
	api.Post("/calls", s.requireUser, create(inc.CreateCall, func(c *models.Call) string { return "/api/v1/calls/" + c.ID }))
	api.Get("/calls", s.requireUser, s.handleCallList)
	api.Get("/calls/:id", s.requireUser, get(inc.Call))
	api.Put("/calls/:id", s.requireUser, change(inc.UpdateCall))
	api.Get("/calls/:id/reviewers", s.requireUser, view(idParam, items(inc.Reviewers)))
	api.Post("/calls/:id/reviewers", s.requireUser, act(inc.AddReviewer))
	api.Delete("/calls/:id/reviewers/:user_id", s.requireUser, removeFrom("user_id", dropResult(inc.RemoveReviewer)))
	api.Post("/calls/:id/entries", s.requireUser, createUnder(inc.Apply, func(e *models.Entry) string { return "/api/v1/entries/" + e.ID }))
	api.Get("/calls/:id/entries", s.requireUser, paged(func(ctx context.Context, u *models.User, id string, p models.Page) (*models.List[*models.Entry], error) {
		return inc.Entries(ctx, u, id, p)
	}))
	api.Get("/calls/:id/ranking", s.requireUser, view(idParam, inc.Ranking))
	api.Get("/calls/:id/ranking.xlsx", s.requireUser, s.handleRankingFile)
	api.Get("/calls/:id/cohort", s.requireUser, view(idParam, inc.Cohort))
	api.Post("/calls/:id/cohort/:team_id/milestones", s.requireUser, s.handleMilestone)
	api.Get("/calls/:id/matches", s.requireUser, paged(inc.CallMatches))
	api.Get("/entries", s.requireUser, s.handleMyEntries)
	api.Get("/entries/:id", s.requireUser, getBy(entryParam, inc.Entry))
	api.Patch("/entries/:id", s.requireUser, changeBy(entryParam, inc.UpdateEntry))
	api.Put("/entries/:id/review", s.requireUser, actBy(entryParam, inc.Review))
	api.Get("/entries/:id/reviews", s.requireUser, view(entryParam, items(inc.Reviews)))
	api.Post("/entries/:id/decision", s.requireUser, actBy(entryParam, inc.Decide))
	api.Get("/stats/incubation", s.requireUser, s.handleStatsIncubation)

	api.Get("/audit", s.requireUser, s.handleAuditList)
	api.Get("/taxonomies", s.handleTaxonomyGet)
	api.Put("/taxonomies", s.requireUser, s.handleTaxonomyReplace)
}
