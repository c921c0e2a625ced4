package models

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Base kinds (keys of the taxonomy that the targets count).
const (
	BaseInnovation  = "innovation"
	BaseTraining    = "training"
	BaseThemePark   = "theme_park"
	BaseCooperation = "cooperation"
	BaseIncubator   = "incubator"
)

// Base is an innovation base, training base, theme park, cooperation base or
// incubator, operated by one or more organisations and verified by the
// bureau. Its operators (OperatorOrgIDs) are the organisation that
// registered it and the co-operators that confirmed; an organisation named
// as co-operator is pending (PendingOperatorIDs) until a manager of it
// confirms or declines. The targets count a base's operators only.
type Base struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Kind           string   `json:"kind"`
	District       string   `json:"district"`
	Industries     []string `json:"industries"`
	OperatorOrgIDs []string `json:"operator_org_ids"`
	// PendingOperatorIDs are the co-operators that have not answered.
	PendingOperatorIDs []string  `json:"pending_operator_org_ids"`
	EstablishedOn      string    `json:"established_on"`
	Capacity           int       `json:"capacity"`
	Status             Status    `json:"status"`
	Decision           *Decision `json:"decision"`
	RegisteredBy       string    `json:"registered_by"`
	Version            int64     `json:"version"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

// BaseInput is the body of POST /bases.
type BaseInput struct {
	Name           string   `json:"name" validate:"required,singleline,max=200"`
	Kind           string   `json:"kind" validate:"required,base_kind"`
	District       string   `json:"district" validate:"required,district"`
	Industries     []string `json:"industries" validate:"max=14,unique,dive,industry"`
	OperatorOrgIDs []string `json:"operator_org_ids" validate:"required,min=1,max=20,unique,dive,len=24,hexadecimal"`
	EstablishedOn  string   `json:"established_on" validate:"omitempty,date"`
	Capacity       int      `json:"capacity" validate:"gte=0,lte=1000000"`
}

// BaseUpdate is the body of PATCH /bases/{id}: the fields given replace
// the base's, validated as at registration. Its operators are not among
// them: co-operators are asked and confirm (POST /bases/{id}/co-operators).
type BaseUpdate struct {
	Name          *string   `json:"name"`
	Kind          *string   `json:"kind"`
	District      *string   `json:"district"`
	Industries    *[]string `json:"industries"`
	EstablishedOn *string   `json:"established_on"`
	Capacity      *int      `json:"capacity"`
}

// Apply returns in with the fields u gives replaced.
func (u BaseUpdate) Apply(in BaseInput) BaseInput {
	setIf(&in.Name, u.Name)
	setIf(&in.Kind, u.Kind)
	setIf(&in.District, u.District)
	setListIf(&in.Industries, u.Industries)
	setIf(&in.EstablishedOn, u.EstablishedOn)
	setIf(&in.Capacity, u.Capacity)
	return in
}

// Input returns the base's fields an update applies to.
func (b *Base) Input() BaseInput {
	return BaseInput{Name: b.Name, Kind: b.Kind, District: b.District, Industries: slices.Clone(b.Industries),
		OperatorOrgIDs: slices.Clone(b.OperatorOrgIDs), EstablishedOn: b.EstablishedOn, Capacity: b.Capacity}
}

// Normalize trims and cleans the input.
func (in *BaseInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Industries = cleanList(in.Industries)
	in.OperatorOrgIDs = cleanList(in.OperatorOrgIDs)
}

// BaseFilter selects bases for GET /bases.
type BaseFilter struct {
	Q        string // words of the name (the directory's search)
	Kind     []string
	District []string
	Industry []string
	Status   []Status
	OrgID    []string
	// Order is by registration: OrderNewest (the default) or OrderOldest.
	Order string
	Page  Page
}

// BaseService manages bases.
type BaseService interface {
	// Create registers a base; the actor must be a member of a verified
	// operator. Returns CodeForbidden, CodeValidation.
	Create(ctx context.Context, actor *User, in BaseInput) (*Base, error)
	Get(ctx context.Context, actor *User, id string) (*Base, error)
	List(ctx context.Context, actor *User, f BaseFilter) (*List[*Base], error)
	// Update changes the base's name, kind, district, industries, date of
	// establishment or capacity: members of the organisation that
	// registered it while it is pending (a rejected one goes back to
	// pending), the bureau at any time (its status stays). A member's
	// change to a verified base is CodeConflict (RefusalBaseVerified).
	Update(ctx context.Context, actor *User, id string, u BaseUpdate, ifVersion int64) (*Base, error)
	// Decide verifies or rejects a pending base (bureau).
	Decide(ctx context.Context, actor *User, id string, in DecisionInput) (*Base, error)
	// AnswerOperation confirms or declines, for the actor's organisation
	// (its managers), being named a co-operator of the base. Returns
	// CodeConflict when the organisation is not waiting to answer.
	AnswerOperation(ctx context.Context, actor *User, id string, in OperationAnswer) (*Base, error)
	// OperationRequests lists the bases that wait for the organisation to
	// answer (its members, bureau, admin).
	OperationRequests(ctx context.Context, actor *User, orgID string) ([]*Base, error)
	// AskOperator names a verified organisation as a co-operator of a base
	// after its registration (the members of the organisation that
	// registered it): pending until the organisation's managers confirm,
	// as at registration. Returns CodeConflict (RefusalAlreadyOperator)
	// when it operates the base or was asked already.
	AskOperator(ctx context.Context, actor *User, id string, in OperatorInput) (*Base, error)
	// RemoveOperator takes an organisation off a base, confirmed or only
	// asked: the members of the organisation that registered it remove
	// any co-operator, the managers of a co-operator remove their own
	// organisation (it leaves). The registering organisation stays
	// (CodeConflict, RefusalRegistrarStays); an organisation the base does
	// not name is CodeNotFound. Every figure follows at once.
	RemoveOperator(ctx context.Context, actor *User, id, orgID string) error
}

// OperatorInput is the body of POST /bases/{id}/co-operators.
type OperatorInput struct {
	OrgID string `json:"org_id" validate:"required,len=24,hexadecimal"`
}

// OperationAnswer is the body of POST /bases/{id}/operators.
type OperationAnswer struct {
	Decision string `json:"decision" validate:"required,oneof=confirm decline"`
}

// BaseStore persists bases.
type BaseStore interface {
	CreateBase(ctx context.Context, b *Base) error
	Base(ctx context.Context, id string) (*Base, error)
	UpdateBase(ctx context.Context, id string, ifVersion int64, fn func(*Base) error) (*Base, error)
	// BasesAwaiting returns the bases that name org as a co-operator that
	// has not answered (a small set; a scan on the embedded database).
	BasesAwaiting(ctx context.Context, orgID string) ([]*Base, error)
}
