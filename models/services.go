package models

// SessionCookie is the web UI's cookie that holds a session's token (the
// token of the API's bearer header); the API accepts it for reading.
const SessionCookie = "th_session"

// Services are the application's services, as the HTTP API and the web
// UI both call them; main wires one set for both.
type Services struct {
	Accounts      AccountService
	Talents       TalentService
	Orgs          OrgService
	Bases         BaseService
	Projects      ProjectService
	Applications  ApplicationService
	Recruitments  RecruitmentService
	Audit         AuditService
	Taxonomies    TaxonomyService
	Stats         StatsService
	Mail          MailService
	Notifications NotificationService
	SavedSearches SavedSearchService
	Messages      MessageService
	Desk          DeskService
	Media         MediaService
	Imports       ImportService
	Publications  PublicationService
	Incubation    IncubationService
	// Vocabulary is nil where no index mines synonyms (its routes answer
	// 503).
	Vocabulary Vocabulary
}
