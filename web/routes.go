package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/szdc/talenthub/models"
)

// routes registers every page of the UI in one place.
func (w *Web) routes(app *fiber.App) {
	creator, org, bureau, admin := w.signedIn(models.RoleCreator), w.signedIn(models.RoleOrg),
		w.signedIn(models.RoleBureau, models.RoleAdmin), w.signedIn(models.RoleAdmin)
	anyone := w.signedIn()
	r := app.Group("", w.session)

	r.Get("/", w.view(w.home))
	r.Get("/signup", w.view(w.signupForm))
	r.Post("/signup", w.view(w.signup))
	r.Get("/signin", w.view(w.signinForm))
	r.Post("/signin", w.view(w.signin))
	r.Post("/signout", w.view(w.signout))
	r.Post("/lang", w.view(w.setLanguage))
	r.Get("/account", anyone, w.view(w.account))
	r.Post("/account", anyone, w.view(w.accountSave))
	r.Post("/account/password", anyone, w.view(w.passwordChange))
	r.Get("/notifications", anyone, w.view(w.notifications))
	r.Get("/notifications/bell", anyone, w.view(w.bell))
	r.Post("/notifications/read", anyone, w.view(w.notificationsRead))
	r.Get("/saved", anyone, w.view(w.savedSearches))
	r.Post("/saved", anyone, w.view(w.savedCreate))
	r.Post("/saved/:id/delete", anyone, w.view(w.savedDelete))
	r.Post("/account/mail", anyone, w.view(w.mailPrefsSave))
	r.Get("/unsubscribe", w.view(w.unsubscribe))
	r.Post("/unsubscribe", w.view(w.unsubscribeDo))
	r.Post("/account/verify-email", anyone, w.view(w.verifyEmailResend))
	r.Get("/password-reset", w.view(w.forgotForm))
	r.Post("/password-reset", w.view(w.forgot))
	r.Get("/password-reset/confirm", w.view(w.resetForm))
	r.Post("/password-reset/confirm", w.view(w.reset))
	r.Get("/verify-email", w.view(w.verifyEmail))

	// Creators.
	r.Get("/me/profile", creator, w.view(w.profileForm))
	r.Post("/me/profile", creator, w.view(w.profileSave))
	r.Post("/me/profile/works", creator, w.view(w.workAdd))
	r.Post("/me/profile/works/:i", creator, w.view(w.workEdit))
	r.Post("/me/profile/works/:i/delete", creator, w.view(w.workDelete))
	r.Post("/me/profile/works/:i/move", creator, w.view(w.workMove))
	r.Get("/me/matches", creator, w.view(w.myMatches))
	r.Get("/me/applications", creator, w.view(w.myApplications))
	r.Post("/me/applications/:id", creator, w.view(w.myApplicationAct))
	r.Get("/me/privacy", creator, w.view(w.privacy))
	r.Post("/me/consents/:org/withdraw", creator, w.view(w.consentWithdraw))
	r.Get("/me/export.json", creator, w.exportData)
	r.Post("/me/delete", creator, w.view(w.deleteAccount))
	r.Get("/projects", anyone, w.view(w.projectSearch))
	r.Get("/projects/:id", anyone, w.view(w.projectView))
	r.Post("/projects/:id/apply", creator, w.view(w.apply))

	// Organisations.
	r.Get("/org", org, w.view(w.orgHome))
	r.Post("/org", org, w.view(w.orgRegister))
	r.Post("/org/members", org, w.view(w.orgMemberInvite))
	r.Post("/org/members/:user/remove", org, w.view(w.orgMemberRemove))
	r.Post("/org/members/:user/manager", org, w.view(w.orgMemberManager))
	r.Post("/org/invitations/:user/cancel", org, w.view(w.orgInvitationCancel))
	r.Post("/org/invited/:org", org, w.view(w.invitationAnswer))
	r.Post("/org/bases", org, w.view(w.baseRegister))
	r.Post("/org/bases/:id/operators", org, w.view(w.baseOperationAnswer))
	r.Get("/org/projects", org, w.view(w.orgProjects))
	r.Get("/org/projects/new", org, w.view(w.projectNew))
	r.Post("/org/projects/new", org, w.view(w.projectCreate))
	r.Get("/org/projects/:id/edit", org, w.view(w.projectEdit))
	r.Post("/org/projects/:id/edit", org, w.view(w.projectUpdate))
	r.Post("/org/projects/:id/status", org, w.view(w.projectStatus))
	r.Get("/org/projects/:id/matches", org, w.view(w.projectMatches))
	r.Post("/org/projects/:id/invite", org, w.view(w.invite))
	r.Post("/org/invite", org, w.view(w.invite))
	r.Get("/org/projects/:id/pipeline", org, w.view(w.pipeline))
	r.Post("/org/applications/:id/move", org, w.view(w.move))
	r.Get("/org/recruitments", org, w.view(w.orgRecruitments))
	r.Get("/org/recruitments/new", org, w.view(w.recruitmentNew))
	r.Post("/org/recruitments/new", org, w.view(w.recruitmentReport))
	r.Get("/talents", w.signedIn(models.RoleOrg, models.RoleBureau, models.RoleAdmin), w.view(w.talentSearch))
	r.Get("/talents/:id", anyone, w.view(w.talentView))

	// The bureau (and admins).
	r.Get("/bureau", bureau, w.view(w.dashboard))
	r.Get("/bureau/verify", bureau, w.view(w.verifyQueues))
	r.Post("/bureau/verify/:kind", bureau, w.view(w.decideMany))
	r.Post("/bureau/verify/:kind/:id", bureau, w.view(w.decide))
	r.Get("/bureau/audit", bureau, w.view(w.auditTrail))

	// Admins.
	r.Get("/admin", admin, w.view(w.adminHome))
	r.Post("/admin/users", admin, w.view(w.adminUserCreate))
	r.Post("/admin/users/:id", admin, w.view(w.adminUserUpdate))
	r.Post("/admin/users/:id/password-reset", admin, w.view(w.adminUserReset))
	r.Post("/admin/targets/:metric", admin, w.view(w.adminTargetSave))
	r.Post("/admin/taxonomies", admin, w.view(w.adminTaxonomySave))
	r.Post("/admin/reindex", admin, w.view(w.adminReindex))
	r.Get("/admin/reindex", admin, w.view(w.adminReindexStatus))
	r.Post("/admin/recount", admin, w.view(w.adminRecount))
}
