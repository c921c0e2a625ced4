package models

// Services are the application's services, as the HTTP API and the web
// UI both call them; main wires one set for both.
type Services struct {
	Accounts     AccountService
	Talents      TalentService
	Orgs         OrgService
	Bases        BaseService
	Projects     ProjectService
	Applications ApplicationService
	Recruitments RecruitmentService
	Audit        AuditService
	Taxonomies   TaxonomyService
	Stats        StatsService
}
