package models

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Organisation kinds and flags (keys of the taxonomy that rules depend on).
const (
	OrgIncubator         = "incubator"
	OrgServiceCenter     = "service_center"
	OrgEnterprise        = "enterprise"
	OrgUniversity        = "university"
	OrgResearchInstitute = "research_institute"
	OrgBureau            = "bureau"

	FlagLeading     = "leading"
	FlagSME         = "sme"
	FlagSpecialized = "specialized"
	FlagBrand       = "brand"
)

// Org is an organisation: incubator, service centre, enterprise, university,
// research institute. It is pending until a bureau officer decides.
//
// Its members are the organisation accounts whose org_id names it: the one
// who registered it, and those who accepted an invitation. Its managers
// are the member who registered it (CreatedBy, always) and the members a
// manager promoted (ManagerIDs). Managers of a verified organisation
// invite; managers remove members who are not managers, promote and
// demote; every member may leave, except the last manager while other
// members remain.
type Org struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`
	District   string    `json:"district"`
	Industries []string  `json:"industries"`
	Flags      []string  `json:"flags"`
	Status     Status    `json:"status"`
	Decision   *Decision `json:"decision"`
	MemberIDs  []string  `json:"member_ids"`
	ManagerIDs []string  `json:"manager_ids"`
	CreatedBy  string    `json:"created_by"`
	// LogoID is the id of the organisation's logo (a models.Medium), or "".
	LogoID    string    `json:"logo_id"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// HasFlag reports whether the organisation carries a flag.
func (o *Org) HasFlag(f string) bool { return slices.Contains(o.Flags, f) }

// Managers are the users who manage the organisation if they are its
// members: its creator and those promoted.
func (o *Org) Managers() []string {
	out := []string{}
	if o.CreatedBy != "" {
		out = append(out, o.CreatedBy)
	}
	for _, id := range o.ManagerIDs {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// OrgInput is the body of POST /orgs.
type OrgInput struct {
	Name       string   `json:"name" validate:"required,singleline,max=200"`
	Kind       string   `json:"kind" validate:"required,org_kind"`
	District   string   `json:"district" validate:"required,district"`
	Industries []string `json:"industries" validate:"max=14,unique,dive,industry"`
	Flags      []string `json:"flags" validate:"max=10,unique,dive,org_flag"`
}

// Normalize trims and cleans the input.
func (in *OrgInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Industries = cleanList(in.Industries)
	in.Flags = cleanList(in.Flags)
}

// OrgUpdate is the body of PATCH /orgs/{id}: the fields given replace the
// organisation's, validated as at registration.
type OrgUpdate struct {
	Name       *string   `json:"name"`
	Kind       *string   `json:"kind"`
	District   *string   `json:"district"`
	Industries *[]string `json:"industries"`
	Flags      *[]string `json:"flags"`
}

// Apply returns in with the fields u gives replaced.
func (u OrgUpdate) Apply(in OrgInput) OrgInput {
	setIf(&in.Name, u.Name)
	setIf(&in.Kind, u.Kind)
	setIf(&in.District, u.District)
	setListIf(&in.Industries, u.Industries)
	setListIf(&in.Flags, u.Flags)
	return in
}

// Input returns the organisation's fields an update applies to.
func (o *Org) Input() OrgInput {
	return OrgInput{Name: o.Name, Kind: o.Kind, District: o.District, Industries: slices.Clone(o.Industries), Flags: slices.Clone(o.Flags)}
}

// MemberInput is the body of POST /orgs/{id}/members: the email of the
// organisation account to invite.
type MemberInput struct {
	Email string `json:"email" validate:"required,max=254,singleline,email"`
}

// Member is a member of an organisation as its fellow members see it.
type Member struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Manager bool   `json:"manager"`
}

// MemberUpdate is the body of PATCH /orgs/{id}/members/{user_id}: a
// manager promotes or demotes a member.
type MemberUpdate struct {
	Manager *bool `json:"manager" validate:"required"`
}

// Invitation asks an organisation account to join an organisation; the
// account accepts or declines it.
type Invitation struct {
	OrgID     string    `json:"org_id"`
	OrgName   string    `json:"org_name"`
	UserID    string    `json:"user_id"`
	Email     string    `json:"email"`
	InvitedBy string    `json:"invited_by"`
	At        time.Time `json:"at"`
}

// InvitationAnswer is the body of POST /me/invitations/{org_id}.
type InvitationAnswer struct {
	Decision string `json:"decision" validate:"required,oneof=accept decline"`
}

// OrgFilter selects organisations for GET /orgs.
type OrgFilter struct {
	Q        string // words of the name (the directory's search)
	Kind     []string
	District []string
	Industry []string
	Status   []Status
	Flag     []string
	// Order is by registration: OrderNewest (the default) or OrderOldest.
	Order string
	Page  Page
}

// LogoInput is the body of PUT /orgs/{id}/logo.
type LogoInput struct {
	LogoID string `json:"logo_id" validate:"omitempty,len=24,hexadecimal"`
}

// OrgService manages organisations.
type OrgService interface {
	// Create registers an organisation with the actor as its first member.
	// Returns CodeForbidden unless the actor is an org user without a live
	// organisation, CodeValidation.
	Create(ctx context.Context, actor *User, in OrgInput) (*Org, error)
	// Get returns an organisation the actor may see, or CodeNotFound.
	Get(ctx context.Context, actor *User, id string) (*Org, error)
	// List returns the organisations the actor may see that match f.
	List(ctx context.Context, actor *User, f OrgFilter) (*List[*Org], error)
	// Update changes the organisation's name, kind, district, industries
	// or flags: its managers while it is pending (a rejected one goes
	// back to pending, for the bureau to decide again), the bureau at any
	// time (a correction; the status stays). A manager's change to a
	// verified organisation is CodeConflict (RefusalOrgVerified): the
	// figures count what the bureau verified. ifVersion 0: no If-Match.
	Update(ctx context.Context, actor *User, id string, u OrgUpdate, ifVersion int64) (*Org, error)
	// Decide verifies or rejects a pending organisation (bureau). Returns
	// CodeConflict when it is not pending.
	Decide(ctx context.Context, actor *User, id string, in DecisionInput) (*Org, error)
	// Invite asks the organisation account with the email to join
	// (managers of a verified organisation; CodeForbidden otherwise).
	// Inviting again is the same invitation. Every refusal of the email
	// (no such account, another role, a member of any organisation) is
	// one CodeValidation, so that it tells nothing of the account;
	// CodeRateLimited past MaxInvitationsPerDay attempts of the
	// organisation.
	Invite(ctx context.Context, actor *User, id string, in MemberInput) (*Invitation, error)
	// Invitations lists the organisation's pending invitations (members,
	// bureau, admin).
	Invitations(ctx context.Context, actor *User, id string) ([]Invitation, error)
	// CancelInvitation withdraws an invitation (managers); CodeNotFound
	// when there is none.
	CancelInvitation(ctx context.Context, actor *User, id, userID string) error
	// MyInvitations lists the invitations of the actor (an organisation
	// account; CodeForbidden for other roles).
	MyInvitations(ctx context.Context, actor *User) ([]Invitation, error)
	// AnswerInvitation accepts (the actor joins; the answer is the user as
	// now) or declines (nil) the organisation's invitation. Returns
	// CodeNotFound without an invitation, CodeConflict when the actor
	// belongs to an organisation that is not rejected.
	AnswerInvitation(ctx context.Context, actor *User, id string, in InvitationAnswer) (*User, error)
	// SetLogo sets (or, with an empty id, removes) the organisation's logo:
	// an image a manager uploaded for PurposeLogo (managers only).
	SetLogo(ctx context.Context, actor *User, id string, in LogoInput) (*Org, error)
	// RemoveMember removes a member: the actor themselves (leaving) or, by
	// a manager, a member who is not a manager. CodeConflict when the last
	// manager would leave others without one.
	RemoveMember(ctx context.Context, actor *User, id, userID string) error
	// UpdateMember promotes or demotes a member (managers). CodeConflict
	// for the creator's demotion or the last manager's.
	UpdateMember(ctx context.Context, actor *User, id, userID string, u MemberUpdate) (*Member, error)
	// Members lists the members (members, bureau, admin).
	Members(ctx context.Context, actor *User, id string) ([]Member, error)
}

// MaxInvitationsPerDay is how many invitations (refused ones included) an
// organisation may send in 24 hours.
const MaxInvitationsPerDay = 50

// InvitationStore persists pending invitations, keyed by organisation and
// user.
type InvitationStore interface {
	// PutInvitation stores an invitation; one that exists is kept as it is
	// and returned.
	PutInvitation(ctx context.Context, inv Invitation) (*Invitation, error)
	// Invitation returns the invitation of user to org, or CodeNotFound.
	Invitation(ctx context.Context, orgID, userID string) (*Invitation, error)
	// OrgInvitations and UserInvitations list the pending invitations of
	// an organisation and of a user (small sets; a scan on the embedded
	// database).
	OrgInvitations(ctx context.Context, orgID string) ([]Invitation, error)
	UserInvitations(ctx context.Context, userID string) ([]Invitation, error)
	// DeleteInvitation removes one; CodeNotFound when there is none.
	DeleteInvitation(ctx context.Context, orgID, userID string) error
	// DeleteUserInvitations removes every invitation of a user.
	DeleteUserInvitations(ctx context.Context, userID string) error
}

// OrgStore persists organisations.
type OrgStore interface {
	// CreateOrg stores o (ID, version and times set).
	CreateOrg(ctx context.Context, o *Org) error
	// Org returns the organisation with id, or CodeNotFound.
	Org(ctx context.Context, id string) (*Org, error)
	// UpdateOrg applies fn as one serialised write (see UpdateTalent).
	UpdateOrg(ctx context.Context, id string, ifVersion int64, fn func(*Org) error) (*Org, error)
	// Atomically runs fn, whose writes (through the ctx it is given) are
	// one transaction where the database has them (a MongoDB replica set:
	// all or none, observers told after the commit); elsewhere fn runs as
	// it is, and its writes must be ordered so that a crash between two
	// leaves nothing reachable half-done.
	Atomically(ctx context.Context, fn func(ctx context.Context) error) error
}
