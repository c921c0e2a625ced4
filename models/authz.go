package models

import "slices"

// Kind names a type of resource for authorization.
type Kind string

// Resource kinds.
const (
	KindTalent      Kind = "talent"
	KindOrg         Kind = "org"
	KindBase        Kind = "base"
	KindProject     Kind = "project"
	KindApplication Kind = "application"
	KindRecruitment Kind = "recruitment"
	KindAudit       Kind = "audit"
	KindTaxonomy    Kind = "taxonomy"
	KindStats       Kind = "stats"
	KindImport      Kind = "import"
)

// Action is what a principal wants to do to a resource.
type Action string

// Actions.
const (
	ActRead          Action = "read"
	ActUpdate        Action = "update"
	ActDelete        Action = "delete"
	ActExport        Action = "export"
	ActVerify        Action = "verify"
	ActCorrect       Action = "correct"
	ActAddMember     Action = "add_member" // invite
	ActManageMembers Action = "manage_members"
	ActListMembers   Action = "list_members"
	ActPostProject   Action = "post_project"
	ActRegisterBase  Action = "register_base"
	ActReport        Action = "report"
	ActApply         Action = "apply"
	ActInvite        Action = "invite"
	ActMoveAsOrg     Action = "move_as_org"
	ActMoveAsCreator Action = "move_as_creator"
	ActMessage       Action = "message" // read and write an application's thread
	ActCreateStaff   Action = "create_staff"
	ActManageUsers   Action = "manage_users"
	ActReview        Action = "review"        // a call's reviewer scores its entries
	ActDecide        Action = "decide"        // a call's incubator decides its entries
	ActReadOutcomes  Action = "read_outcomes" // a cohort's funding and revenue
	// ActManageOperators asks and removes a base's co-operators.
	ActManageOperators Action = "manage_operators"
)

// Resource describes an object for authorization: who owns it and what
// state it is in. Build it with the Resource methods of the models.
type Resource struct {
	Kind Kind
	// OwnerID is the user who owns it: a profile's creator, an
	// application's talent.
	OwnerID string
	// OrgIDs are the organisations it belongs to: the organisation itself,
	// a base's operators, a project's, application's or record's org.
	OrgIDs []string
	// Visibility of a talent profile.
	Visibility Visibility
	// Status of an organisation or base (verification).
	Status Status
	// Managers of an organisation (Org.Managers; they manage it while
	// they are its members).
	Managers []string
	// Members are a team's accounts (a team, a team's entry); for a call,
	// its reviewers.
	Members []string
	// Reviewers of the call an entry is for.
	Reviewers []string
	// Registrar is the organisation that registered a base.
	Registrar string
}

// Resource describes the profile for Authorize.
func (t *Talent) Resource() Resource {
	return Resource{Kind: KindTalent, OwnerID: t.OwnerID, Visibility: t.Visibility}
}

// Resource describes the organisation for Authorize.
func (o *Org) Resource() Resource {
	return Resource{Kind: KindOrg, OrgIDs: []string{o.ID}, Status: o.Status, Managers: o.Managers()}
}

// Resource describes the base for Authorize: the organisations named as
// co-operators see it too, to answer.
func (b *Base) Resource() Resource {
	r := Resource{Kind: KindBase, OrgIDs: slices.Concat(b.OperatorOrgIDs, b.PendingOperatorIDs), Status: b.Status}
	if len(b.OperatorOrgIDs) > 0 {
		r.Registrar = b.OperatorOrgIDs[0] // the registering organisation comes first (Bases.Create)
	}
	return r
}

// Resource describes the project for Authorize.
func (p *Project) Resource() Resource { return Resource{Kind: KindProject, OrgIDs: []string{p.OrgID}} }

// Resource describes the application for Authorize.
func (a *Application) Resource() Resource {
	return Resource{Kind: KindApplication, OwnerID: a.TalentID, OrgIDs: []string{a.OrgID}}
}

// Resource describes the record for Authorize.
func (r *Recruitment) Resource() Resource {
	return Resource{Kind: KindRecruitment, OrgIDs: []string{r.OrgID}}
}

// registrant reports whether p belongs to the organisation that
// registered the base r.
func (r Resource) registrant(p *User) bool {
	return p != nil && p.Role == RoleOrg && r.Registrar != "" && p.OrgID == r.Registrar
}

// member reports whether p belongs to one of the organisations of r.
func (r Resource) member(p *User) bool {
	return p != nil && p.Role == RoleOrg && p.OrgID != "" && slices.Contains(r.OrgIDs, p.OrgID)
}

// Authorize is the one place that decides who may do what to which
// object. It returns nil when p (nil for an anonymous visitor) may take act
// on r; CodeNotFound when p may not even see r, so that its existence does
// not leak; CodeUnauthenticated when an anonymous visitor needs to sign in;
// CodeForbidden when p sees r but may not take act. State rules (a closed
// project, a decided record) are the services' and answer CodeConflict.
func Authorize(p *User, act Action, r Resource) error {
	if !CanSee(p, r) {
		if p == nil {
			return Errorf(CodeUnauthenticated, "sign in first")
		}
		return Errorf(CodeNotFound, "%s not found", r.Kind)
	}
	if act == ActRead {
		return nil
	}
	if p == nil {
		return Errorf(CodeUnauthenticated, "sign in first")
	}
	if allowed(p, act, r) {
		return nil
	}
	return Errorf(CodeForbidden, "you may not %s this %s", act, r.Kind)
}

// CanSee reports whether p may see r at all. Lists are built to contain
// only what CanSee allows.
func CanSee(p *User, r Resource) bool {
	switch r.Kind {
	case KindTalent:
		return CanViewTalent(p, &Talent{OwnerID: r.OwnerID, Visibility: r.Visibility})
	case KindTaxonomy:
		return true
	case KindOrg, KindBase:
		// The directory shows verified ones to everyone signed in; pending
		// and rejected ones only to their members and to the staff.
		if p == nil {
			return false
		}
		return r.Status == StatusVerified || r.member(p) || p.Is(RoleBureau, RoleAdmin)
	case KindProject:
		return p != nil
	case KindApplication:
		// Only the two parties: an application is the creator's business and
		// the organisation's, not the platform's.
		return p != nil && (p.ID == r.OwnerID || r.member(p))
	case KindRecruitment:
		return p.Is(RoleBureau, RoleAdmin) || r.member(p)
	case KindAudit, KindStats:
		return p.Is(RoleBureau, RoleAdmin)
	case KindTeam:
		// Teams are shown to everyone signed in (incubators look for
		// teams).
		return p != nil
	case KindCall:
		// Calls too (teams look for calls), but an outside expert's
		// account sees the calls that invited it only.
		return p != nil && (p.Role != RoleReviewer || slices.Contains(r.Members, p.ID))
	case KindEntry:
		// The applicants, the call's incubator and its reviewers.
		return p != nil && (p.ID == r.OwnerID || slices.Contains(r.Members, p.ID) || r.member(p) ||
			slices.Contains(r.Reviewers, p.ID))
	}
	return false
}

func allowed(p *User, act Action, r Resource) bool {
	switch r.Kind {
	case KindTalent:
		switch act {
		case ActUpdate, ActExport:
			return p.ID == r.OwnerID
		case ActDelete:
			return p.ID == r.OwnerID || p.Role == RoleAdmin
		}
	case KindOrg:
		switch act {
		case ActVerify, ActCorrect:
			// The bureau decides, and corrects what it verified in any
			// state (the service's rule says which state each may change).
			return p.Role == RoleBureau
		case ActAddMember:
			// Only a verified organisation invites: a pending one could
			// otherwise gather accounts before anyone checked it.
			return r.member(p) && slices.Contains(r.Managers, p.ID) && r.Status == StatusVerified
		case ActManageMembers:
			return r.member(p) && slices.Contains(r.Managers, p.ID)
		case ActUpdate:
			// Its managers, and the bureau correcting what it verifies
			// (the service's rule says which state each may change).
			return r.member(p) && slices.Contains(r.Managers, p.ID) || p.Role == RoleBureau
		case ActListMembers:
			return r.member(p) || p.Is(RoleBureau, RoleAdmin)
		case ActPostProject, ActRegisterBase, ActReport:
			return r.member(p) && r.Status == StatusVerified
		}
	case KindBase:
		switch act {
		case ActVerify, ActCorrect:
			return p.Role == RoleBureau
		case ActUpdate:
			// The members of the organisation that registered it, and the
			// bureau correcting what it verifies (the service's rule says
			// which state each may change).
			return p.Role == RoleBureau || r.registrant(p)
		case ActManageOperators:
			return r.registrant(p)
		}
	case KindProject:
		switch act {
		case ActUpdate, ActDelete, ActInvite:
			return r.member(p)
		case ActApply:
			return p.Role == RoleCreator
		}
	case KindApplication:
		switch act {
		case ActMoveAsOrg:
			return r.member(p)
		case ActMoveAsCreator:
			return p.ID == r.OwnerID
		case ActMessage:
			// The thread is the two sides' own, whoever else may ever
			// read applications.
			return p.ID == r.OwnerID || r.member(p)
		}
	case KindRecruitment:
		switch act {
		case ActVerify, ActCorrect:
			return p.Role == RoleBureau
		case ActDelete, ActUpdate:
			// The reporting organisation withdraws or amends its report
			// (while it is reported: the service's state rule).
			return r.member(p)
		}
	case KindTeam:
		switch act {
		case ActUpdate, ActAddMember, ActManageMembers:
			return p.ID == r.OwnerID
		case ActApply:
			return slices.Contains(r.Members, p.ID)
		}
	case KindCall:
		switch act {
		case ActUpdate, ActDecide, ActExport:
			return r.member(p)
		case ActReadOutcomes:
			// Funding and revenue are the teams' business: the incubator
			// and the staff see a cohort's, its own teams theirs.
			return r.member(p) || p.Is(RoleBureau, RoleAdmin)
		case ActReview:
			return slices.Contains(r.Members, p.ID)
		}
	case KindEntry:
		switch act {
		case ActUpdate:
			return p.ID == r.OwnerID || slices.Contains(r.Members, p.ID)
		case ActDecide:
			return r.member(p)
		case ActReview:
			return slices.Contains(r.Reviewers, p.ID)
		}
	case KindTaxonomy, KindStats:
		// Targets, taxonomies and recounts are the platform operator's.
		return act == ActUpdate && p.Role == RoleAdmin
	}
	return false
}

// Actions on no particular object: what a role may do at all. Permit
// decides them, as Authorize decides the actions on one object.
const (
	ActCreateProfile    Action = "create_profile" // creators have one profile each
	ActRegisterOrg      Action = "register_org"   // organisation accounts register organisations
	ActJoinOrg          Action = "join_org"       // organisation accounts answer invitations
	ActSearchTalents    Action = "search_talents" // organisations, the bureau and admins search profiles
	ActActForOrg        Action = "act_for_org"    // members of an organisation act in its name
	ActOwnApply         Action = "own_applications"
	ActSeeActors        Action = "see_actors"        // the bureau and admins see who did what
	ActListApplications Action = "list_applications" // creators their own, organisations theirs
	ActListRecruitments Action = "list_recruitments" // the bureau and admins all, members their organisation's
	ActDeleteOwnAccount Action = "delete_own_account"
	ActReviewVocabulary Action = "review_vocabulary" // admins accept or reject mined synonym pairs
	ActImport           Action = "import"            // the bureau imports spreadsheets; members of an organisation its hires
	ActPublish          Action = "publish"           // the bureau publishes a period's figures
	ActFoundTeam        Action = "found_team"        // creators found startup teams
	ActOpenCall         Action = "open_call"         // members of a verified organisation open calls
	ActSearchTeams      Action = "search_teams"      // everyone signed in but an outside reviewer searches teams
	ActImportDirectory  Action = "import_directory"  // the bureau imports organisations and bases
	ActListAll          Action = "list_all"          // the bureau and admins list organisations, bases and records in every state
)

// permits are, for each action on no particular object, the roles that
// may take it and what a refusal says.
var permits = map[Action]struct {
	roles  []Role
	member bool // an organisation account must belong to an organisation
	msg    string
}{
	ActCreateProfile:    {roles: []Role{RoleCreator}, msg: "only creators have talent profiles"},
	ActRegisterOrg:      {roles: []Role{RoleOrg}, msg: "only organisation accounts register organisations"},
	ActJoinOrg:          {roles: []Role{RoleOrg}, msg: "only organisation accounts are invited to organisations"},
	ActSearchTalents:    {roles: []Role{RoleOrg, RoleBureau, RoleAdmin}, msg: "talent search is for organisations, the bureau and admins"},
	ActActForOrg:        {roles: []Role{RoleOrg}, member: true, msg: "only members of an organisation can do this"},
	ActOwnApply:         {roles: []Role{RoleCreator}, msg: "only creators have applications of their own"},
	ActSeeActors:        {roles: []Role{RoleBureau, RoleAdmin}, msg: "only the bureau and admins see who did what"},
	ActCreateStaff:      {roles: []Role{RoleAdmin}, msg: "only an admin can create bureau and admin accounts"},
	ActListApplications: {roles: []Role{RoleCreator, RoleOrg}, msg: "applications are seen by their creator and organisation only"},
	ActListRecruitments: {roles: []Role{RoleOrg, RoleBureau, RoleAdmin}, member: true,
		msg: "recruitment records are seen by the bureau, admins and the reporting organisation"},
	// Admin accounts keep the platform running: another admin removes one.
	ActDeleteOwnAccount: {roles: []Role{RoleCreator, RoleOrg, RoleBureau, RoleReviewer}, msg: "admin accounts cannot delete themselves"},
	ActManageUsers:      {roles: []Role{RoleAdmin}, msg: "only an admin can manage accounts"},
	ActReviewVocabulary: {roles: []Role{RoleAdmin}, msg: "only an admin reviews the vocabulary"},
	ActImport: {roles: []Role{RoleBureau, RoleOrg}, member: true,
		msg: "spreadsheets are imported by the bureau, and an organisation's hires by its members"},
	ActPublish:   {roles: []Role{RoleBureau}, msg: "only the bureau publishes figures"},
	ActFoundTeam: {roles: []Role{RoleCreator}, msg: "only creators found teams"},
	ActOpenCall:  {roles: []Role{RoleOrg}, member: true, msg: "only members of an organisation open calls"},
	// An outside expert reviews the calls that name it and reads the
	// teams of their entries; it searches none.
	ActSearchTeams: {roles: []Role{RoleCreator, RoleOrg, RoleBureau, RoleAdmin}, msg: "an outside reviewer's account does not search teams"},
	ActImportDirectory: {roles: []Role{RoleBureau},
		msg: "organisations import their own hires; organisations and bases are imported by the bureau"},
	ActListAll: {roles: []Role{RoleBureau, RoleAdmin}, msg: "only the bureau and admins list what is not verified"},
}

// Permit decides an action on no particular object (Authorize decides
// those on one): nil when p may take it, CodeUnauthenticated for an
// anonymous visitor, CodeForbidden with the rule's reason otherwise. An
// action without a rule is refused.
func Permit(p *User, act Action) error {
	if p == nil {
		return Errorf(CodeUnauthenticated, "sign in first")
	}
	rule, ok := permits[act]
	if !ok || !slices.Contains(rule.roles, p.Role) || rule.member && p.Role == RoleOrg && p.OrgID == "" {
		msg := rule.msg
		if !ok {
			msg = "you may not " + string(act)
		}
		return Errorf(CodeForbidden, "%s", msg)
	}
	return nil
}
