package models

import (
	"context"
	"reflect"
	"time"
)

// AuditEntry records a state change that matters to counting or to personal
// data: who did what to which object, when, before and after.
type AuditEntry struct {
	ID           string         `json:"id"`
	At           time.Time      `json:"at"`
	ActorID      string         `json:"actor_id"`
	ActorRole    Role           `json:"actor_role"`
	Action       string         `json:"action"`
	ResourceType string         `json:"resource_type"`
	ResourceID   string         `json:"resource_id"`
	Before       map[string]any `json:"before,omitempty"`
	After        map[string]any `json:"after,omitempty"`
	Reason       string         `json:"reason,omitempty"`
}

// Audited actions.
const (
	AuditOrgDecide           = "org.decide"
	AuditOrgUpdate           = "org.update"
	AuditOrgMemberAdd        = "org.member_add" // before invitations; still in older trails
	AuditOrgInvite           = "org.invite"
	AuditOrgInviteCancel     = "org.invite_cancel"
	AuditOrgInviteDecline    = "org.invite_decline"
	AuditOrgMemberJoin       = "org.member_join"
	AuditOrgMemberLeave      = "org.member_leave"
	AuditOrgMemberRemove     = "org.member_remove"
	AuditOrgManager          = "org.manager"
	AuditBaseDecide          = "base.decide"
	AuditBaseUpdate          = "base.update"
	AuditBaseOperatorConfirm = "base.operator_confirm"
	AuditBaseOperatorDecline = "base.operator_decline"
	AuditBaseOperatorAsk     = "base.operator_ask"
	AuditBaseOperatorRemove  = "base.operator_remove"
	AuditRecruitmentReport   = "recruitment.report"
	AuditRecruitmentDecide   = "recruitment.decide"
	AuditRecruitmentCorrect  = "recruitment.correct"
	AuditRecruitmentWithdraw = "recruitment.withdraw"
	AuditRecruitmentAmend    = "recruitment.amend"
	AuditContactAccept       = "contact.accept"
	AuditContactReveal       = "contact.reveal"
	AuditContactWithdraw     = "contact.withdraw"
	AuditTalentErase         = "talent.erase"
	AuditUserCreate          = "user.create"
	AuditUserDisable         = "user.disable"
	AuditUserEnable          = "user.enable"
	AuditUserRole            = "user.role"
	AuditUserPasswordReset   = "user.password_reset"
	AuditTaxonomyReplace     = "taxonomy.replace"
	AuditTargetSet           = "target.set"
	AuditImport              = "import.commit"
	AuditOrgImport           = "org.import"
	AuditBaseImport          = "base.import"
	AuditIdentityLink        = "talent.identity_link"
	AuditPublish             = "figures.publish"
	AuditTeamInvite          = "team.invite"
	AuditCallReviewer        = "call.reviewer"
	AuditEntryDecide         = "entry.decide"
)

// AuditFilter selects audit entries for GET /audit.
type AuditFilter struct {
	Action       []string
	ResourceType []string
	ResourceID   []string
	ActorID      []string
	Page         Page
}

// AuditService reads the audit trail (bureau, admin).
type AuditService interface {
	List(ctx context.Context, actor *User, f AuditFilter) (*List[*AuditEntry], error)
	// Names returns the names of the objects the entries name, as their
	// resource or in their changes, by kind ("talent", "org", "base",
	// "recruitment", "application", "user", "team", "call", "entry") and
	// id. An erased talent is
	// named by its pseudonym, never by its name; an object that is gone
	// otherwise has no name. Returns CodeForbidden as List does.
	Names(ctx context.Context, actor *User, entries []*AuditEntry) (map[string]map[string]string, error)
}

// AuditStore persists the audit trail.
type AuditStore interface {
	// Audit appends an entry (ID and At set if empty).
	Audit(ctx context.Context, e *AuditEntry) error
	AuditEntry(ctx context.Context, id string) (*AuditEntry, error)
	// TalentReveals returns the contact reveals of a talent (export).
	TalentReveals(ctx context.Context, talentID string) ([]*AuditEntry, error)
	// DeleteTalentAudit removes, for an erasure, every entry that names
	// the talent: those about their profile (contact consents and their
	// withdrawals, reveals) and those they made.
	DeleteTalentAudit(ctx context.Context, talentID string) error
}

// StringsOf reads a list of strings recorded in an audit entry: []string
// as written, a slice of any (the database driver's own named type) as
// read back.
func StringsOf(v any) ([]string, bool) {
	if l, ok := v.([]string); ok {
		return l, true
	}
	rv := reflect.ValueOf(v)
	if v == nil || rv.Kind() != reflect.Slice {
		return nil, false
	}
	out := make([]string, 0, rv.Len())
	for i := range rv.Len() {
		s, ok := rv.Index(i).Interface().(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}
