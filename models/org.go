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
	CreatedBy  string    `json:"created_by"`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// HasFlag reports whether the organisation carries a flag.
func (o *Org) HasFlag(f string) bool { return slices.Contains(o.Flags, f) }

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

// MemberInput is the body of POST /orgs/{id}/members.
type MemberInput struct {
	Email string `json:"email" validate:"required,max=254,singleline,email"`
}

// Member is a member of an organisation as its fellow members see it.
type Member struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// OrgFilter selects organisations for GET /orgs.
type OrgFilter struct {
	Q        string // words of the name (the directory's search)
	Kind     []string
	District []string
	Status   []Status
	Flag     []string
	Page     Page
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
	// Decide verifies or rejects a pending organisation (bureau). Returns
	// CodeConflict when it is not pending.
	Decide(ctx context.Context, actor *User, id string, in DecisionInput) (*Org, error)
	// AddMember makes the org user with the email a member (members only).
	// Returns CodeNotFound for an unknown email, CodeConflict when that user
	// is not an org user or already belongs to an organisation.
	AddMember(ctx context.Context, actor *User, id string, in MemberInput) (*Member, error)
	// Members lists the members (members, bureau, admin).
	Members(ctx context.Context, actor *User, id string) ([]Member, error)
}

// OrgStore persists organisations.
type OrgStore interface {
	// CreateOrg stores o (ID, version and times set).
	CreateOrg(ctx context.Context, o *Org) error
	// Org returns the organisation with id, or CodeNotFound.
	Org(ctx context.Context, id string) (*Org, error)
	// UpdateOrg applies fn as one serialised write (see UpdateTalent).
	UpdateOrg(ctx context.Context, id string, ifVersion int64, fn func(*Org) error) (*Org, error)
}
