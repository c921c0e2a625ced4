package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Stage is where an application stands in the pipeline.
type Stage string

// Pipeline stages.
const (
	StageApplied      Stage = "applied"
	StageInvited      Stage = "invited"
	StageShortlisted  Stage = "shortlisted"
	StageInterviewing Stage = "interviewing"
	StageOffered      Stage = "offered"
	StageHired        Stage = "hired"
	StageRejected     Stage = "rejected"
	StageWithdrawn    Stage = "withdrawn"
)

// Stages lists every stage in pipeline order.
var Stages = []Stage{StageApplied, StageInvited, StageShortlisted, StageInterviewing, StageOffered, StageHired, StageRejected, StageWithdrawn}

// Terminal reports whether no move leaves s.
func (s Stage) Terminal() bool { return s == StageHired || s == StageRejected || s == StageWithdrawn }

// Side is which party acts on an application.
type Side string

// The two parties of an application.
const (
	SideCreator Side = "creator"
	SideOrg     Side = "org"
)

// orgMoves are the stages the organisation may move an application to from
// each stage. An invitation moves on only once the creator accepts it.
var orgMoves = map[Stage][]Stage{
	StageApplied:      {StageShortlisted, StageRejected},
	StageInvited:      {StageRejected, StageWithdrawn}, // withdrawn: the organisation takes its invitation back
	StageShortlisted:  {StageInterviewing, StageRejected},
	StageInterviewing: {StageOffered, StageRejected},
	StageOffered:      {StageHired, StageRejected},
}

// CheckMove decides whether side may move an application from one stage to
// another. Creators only withdraw (which also declines an invitation or an
// offer); accepting an invitation is ApplicationUpdate.AcceptInvitation.
// Every other move is CodeConflict.
func CheckMove(side Side, from, to Stage) error {
	ok := false
	switch side {
	case SideOrg:
		ok = slices.Contains(orgMoves[from], to)
	case SideCreator:
		ok = to == StageWithdrawn && !from.Terminal()
	}
	if !ok {
		return Refusef(CodeConflict, RefusalIllegalMove, string(to), "an application cannot move from %s to %s by the %s", from, to, side)
	}
	return nil
}

// Move is one entry of an application's history.
type Move struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Side   Side      `json:"side"`
	Action string    `json:"action"` // apply, invite, move, accept_contact, accept_invitation, withdraw_contact
	From   Stage     `json:"from,omitempty"`
	To     Stage     `json:"to,omitempty"`
	Note   string    `json:"note,omitempty"`
}

// Application links a talent and a project: the creator applied or the
// organisation invited.
type Application struct {
	ID              string    `json:"id"`
	ProjectID       string    `json:"project_id"`
	ProjectTitle    string    `json:"project_title"`
	OrgID           string    `json:"org_id"`
	TalentID        string    `json:"talent_id"`
	TalentName      string    `json:"talent_name"`
	Stage           Stage     `json:"stage"`
	InitiatedBy     Side      `json:"initiated_by"`
	Message         string    `json:"message"`
	ContactAccepted bool      `json:"contact_accepted"`
	History         []Move    `json:"history"`
	Version         int64     `json:"version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// ApplicationInput is the body of POST /projects/{id}/applications: a
// creator applies (TalentID empty), an organisation invites (TalentID set).
type ApplicationInput struct {
	TalentID      string `json:"talent_id" validate:"omitempty,len=24,hexadecimal"`
	Message       string `json:"message" validate:"multiline,max=2000"`
	AcceptContact bool   `json:"accept_contact"`
}

// ApplicationUpdate is the body of PATCH /applications/{id}: the
// organisation sets Stage; the creator sets Stage "withdrawn" (withdraw or
// decline), AcceptInvitation (moves an invitation on, sharing nothing) or
// AcceptContact (shares the contact details with the organisation,
// accepting nothing): two separate consents.
type ApplicationUpdate struct {
	Stage            Stage  `json:"stage" validate:"omitempty,oneof=applied invited shortlisted interviewing offered hired rejected withdrawn"`
	AcceptInvitation bool   `json:"accept_invitation"`
	AcceptContact    bool   `json:"accept_contact"`
	Note             string `json:"note" validate:"multiline,max=1000"`
}

// Normalize trims free text.
func (in *ApplicationInput) Normalize() { in.Message = strings.TrimSpace(in.Message) }

// Normalize trims free text.
func (u *ApplicationUpdate) Normalize() { u.Note = strings.TrimSpace(u.Note) }

// Apply performs an update by side on a, recording every step in the
// history. It returns CodeConflict for a move the pipeline does not allow
// and CodeValidation for an empty update.
func (a *Application) Apply(side Side, by string, u ApplicationUpdate, at time.Time) error {
	if u.Stage == "" && !u.AcceptContact && !u.AcceptInvitation {
		return &Error{Code: CodeValidation, Message: "nothing to do: set stage, accept_invitation or accept_contact",
			Fields: map[string]string{"stage": "is required unless accept_invitation or accept_contact is true"},
			Rules:  map[string]FieldRule{"stage": {Rule: RuleStageOrConsent}}}
	}
	if u.AcceptInvitation {
		if side != SideCreator {
			return Errorf(CodeForbidden, "only the creator can accept an invitation")
		}
		if a.Stage != StageInvited || u.Stage != "" {
			return Refusef(CodeConflict, RefusalNotInvited, string(a.Stage), "only an invitation can be accepted (this application is %s)", a.Stage)
		}
		a.History = append(a.History, Move{At: at, By: by, Side: side, Action: "accept_invitation", From: a.Stage, To: StageShortlisted, Note: u.Note})
		a.Stage = StageShortlisted
	}
	if u.AcceptContact {
		if side != SideCreator {
			return Errorf(CodeForbidden, "only the creator can accept contact")
		}
		if !a.ContactAccepted {
			a.ContactAccepted = true
			a.History = append(a.History, Move{At: at, By: by, Side: side, Action: "accept_contact", Note: u.Note})
		}
	}
	if u.Stage != "" {
		if err := CheckMove(side, a.Stage, u.Stage); err != nil {
			return err
		}
		a.History = append(a.History, Move{At: at, By: by, Side: side, Action: "move", From: a.Stage, To: u.Stage, Note: u.Note})
		a.Stage = u.Stage
	}
	return nil
}

// WithdrawContact records that the creator withdrew their consent to
// contact from the application's organisation.
func (a *Application) WithdrawContact(by string, at time.Time) {
	if a.ContactAccepted {
		a.ContactAccepted = false
		a.History = append(a.History, Move{At: at, By: by, Side: SideCreator, Action: "withdraw_contact"})
	}
}

// ApplicationFilter selects applications for GET /applications.
type ApplicationFilter struct {
	ProjectID []string
	Stage     []string
	Page      Page
}

// ApplicationService runs the pipeline.
type ApplicationService interface {
	// Create applies (creator) or invites (member of the project's org).
	// Returns CodeConflict for a duplicate or a closed project.
	Create(ctx context.Context, actor *User, projectID string, in ApplicationInput) (*Application, error)
	Get(ctx context.Context, actor *User, id string) (*Application, error)
	// List returns the actor's applications (creator) or those of its
	// organisation's projects (org).
	List(ctx context.Context, actor *User, f ApplicationFilter) (*List[*Application], error)
	// Update moves the application, accepts an invitation or records
	// contact consent.
	Update(ctx context.Context, actor *User, id string, u ApplicationUpdate, ifVersion int64) (*Application, error)
	// Consents lists the organisations the actor (a creator) lets see
	// their contact details. Returns CodeForbidden for other roles.
	Consents(ctx context.Context, actor *User) ([]Consent, error)
	// WithdrawConsent ends the actor's consent to contact from an
	// organisation, at once: its members see the contact masked from
	// their next read, the applications record the withdrawal, and the
	// audit trail too. Returns CodeNotFound when there is no such consent,
	// CodeForbidden for other roles than creator.
	WithdrawConsent(ctx context.Context, actor *User, orgID string) error
	// Board returns a page of a project's applications as its
	// organisation's pipeline shows them (the project's organisation only).
	Board(ctx context.Context, actor *User, projectID string, p Page) (*List[*ApplicationCard], error)
}

// ApplicationCard is an application on the organisation's board: who (the
// headline, if the organisation may see the profile), how well they match
// the project (the score without the text's relevance, and the project's
// skills they have), and when it last moved.
type ApplicationCard struct {
	*Application
	Headline string    `json:"headline"`
	Score    *float64  `json:"score"` // nil when the profile is not visible
	Matched  []string  `json:"matched_skills"`
	LastMove time.Time `json:"last_move"`
}

// ApplicationStore persists applications and contact consents.
type ApplicationStore interface {
	// CreateApplication stores a. Returns CodeConflict when the talent has
	// an application to the project already.
	CreateApplication(ctx context.Context, a *Application) error
	Application(ctx context.Context, id string) (*Application, error)
	UpdateApplication(ctx context.Context, id string, ifVersion int64, fn func(*Application) error) (*Application, error)
	// ProjectHasApplications reports whether any application names the project.
	ProjectHasApplications(ctx context.Context, projectID string) (bool, error)
	// TalentApplications returns every application of a talent (export and
	// erasure; not a hot path).
	TalentApplications(ctx context.Context, talentID string) ([]*Application, error)
	// DeleteApplication removes an application (erasure).
	DeleteApplication(ctx context.Context, id string) error

	// AcceptContact records that the talent accepted contact from the org.
	AcceptContact(ctx context.Context, c Consent) error
	// ContactAccepted reports whether the talent accepted contact from org.
	ContactAccepted(ctx context.Context, talentID, orgID string) (bool, error)
	// WithdrawContact removes the talent's consent to contact from org;
	// CodeNotFound when there is none.
	WithdrawContact(ctx context.Context, talentID, orgID string) error
	// TalentConsents returns the talent's consents (export).
	TalentConsents(ctx context.Context, talentID string) ([]Consent, error)
	// DeleteTalentConsents removes the talent's consents (erasure).
	DeleteTalentConsents(ctx context.Context, talentID string) error
}

// Consent records that a creator accepted contact from an organisation.
type Consent struct {
	TalentID      string    `json:"talent_id"`
	OrgID         string    `json:"org_id"`
	ApplicationID string    `json:"application_id"`
	At            time.Time `json:"at"`
	// OrgName is the organisation's name, in the creator's list of
	// consents (not stored).
	OrgName string `json:"org_name,omitempty"`
}

// ConsentKey is the natural key of a consent.
func ConsentKey(talentID, orgID string) string { return fmt.Sprintf("%s:%s", talentID, orgID) }
