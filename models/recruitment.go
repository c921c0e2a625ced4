package models

import (
	"context"
	"time"
)

// Recruitment is a report of a hire or import (引进) by an organisation. The
// bureau verifies or rejects it; verified records are what the targets
// count, and change afterwards only through recorded corrections.
type Recruitment struct {
	ID string `json:"id"`
	// TalentID is the person hired: a talent's id; an erased talent's
	// pseudonym; or, for a record imported about someone with no profile
	// here, their PersonKey.
	TalentID      string       `json:"talent_id"`
	TalentName    string       `json:"talent_name"`
	OrgID         string       `json:"org_id"`
	Date          string       `json:"date"`
	Origin        Origin       `json:"origin"`
	Level         Level        `json:"level"`
	HighEnd       bool         `json:"high_end"`
	District      string       `json:"district"`
	Industry      string       `json:"industry"`
	ProjectID     string       `json:"project_id"`
	ApplicationID string       `json:"application_id"`
	Status        Status       `json:"status"`
	ReportedBy    string       `json:"reported_by"`
	Decision      *Decision    `json:"decision"`
	Corrections   []Correction `json:"corrections"`
	// Erased is set when the creator erased their data: TalentID is then a
	// pseudonym (stable, so that a person still counts once a year) and
	// TalentName is empty.
	Erased bool `json:"erased"`
	// Person is the PersonKey of the person's identity document when it
	// is known (imported, or linked by the creator), and IDLast4 the
	// document's last four characters.
	Person  string `json:"-"`
	IDLast4 string `json:"id_last4,omitempty"`
	// ImportID is the import that made the record, if one did, and
	// ImportKey the key of its row (what makes a row seen again).
	ImportID  string    `json:"import_id,omitempty"`
	ImportKey string    `json:"-"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CountedAs is who the record counts for ("once per person per year"):
// the person of the identity document when it is known, else the talent.
// So an imported record and a profile linked to the same document count
// once.
func (r *Recruitment) CountedAs() string {
	if r.Person != "" {
		return r.Person
	}
	return r.TalentID
}

// IsHighEnd reports whether the record is of a high-end talent: level A, B
// or C, or flagged by the bureau.
func (r *Recruitment) IsHighEnd() bool {
	return r.HighEnd || r.Level == LevelA || r.Level == LevelB || r.Level == LevelC
}

// Correction is a recorded change of a decided recruitment record.
type Correction struct {
	At     time.Time      `json:"at"`
	By     string         `json:"by"`
	Reason string         `json:"reason"`
	Before map[string]any `json:"before"`
	After  map[string]any `json:"after"`
}

// RecruitmentInput is the body of POST /recruitments. With ApplicationID
// (a hire in the pipeline) the talent, organisation and project come from
// the application, and the rest defaults from the talent's profile.
type RecruitmentInput struct {
	TalentID      string `json:"talent_id" validate:"required_without=ApplicationID,omitempty,len=24,hexadecimal"`
	OrgID         string `json:"org_id" validate:"required_without=ApplicationID,omitempty,len=24,hexadecimal"`
	Date          string `json:"date" validate:"required_without=ApplicationID,omitempty,date"`
	Origin        Origin `json:"origin" validate:"required_without=ApplicationID,omitempty,oneof=overseas domestic"`
	Level         Level  `json:"level" validate:"omitempty,oneof=A B C"`
	District      string `json:"district" validate:"required_without=ApplicationID,omitempty,district"`
	Industry      string `json:"industry" validate:"required_without=ApplicationID,omitempty,industry"`
	ProjectID     string `json:"project_id" validate:"omitempty,len=24,hexadecimal"`
	ApplicationID string `json:"application_id" validate:"omitempty,len=24,hexadecimal"`
}

// RecruitmentAmendment is the body of PATCH /recruitments/{id}: the
// reporting organisation changes its report while the bureau has not
// decided it.
type RecruitmentAmendment struct {
	Date     *string `json:"date" validate:"omitempty,date"`
	Origin   *Origin `json:"origin" validate:"omitempty,oneof=overseas domestic"`
	Level    *Level  `json:"level" validate:"omitempty,level"`
	District *string `json:"district" validate:"omitempty,district"`
	Industry *string `json:"industry" validate:"omitempty,industry"`
}

// CorrectionInput is the body of POST /recruitments/{id}/corrections
// (bureau): the fields to change and why. Status may revoke a verified
// record (rejected) or reinstate a rejected one (verified).
type CorrectionInput struct {
	Reason   string  `json:"reason" validate:"required,multiline,max=1000"`
	Date     *string `json:"date" validate:"omitempty,date"`
	Origin   *Origin `json:"origin" validate:"omitempty,oneof=overseas domestic"`
	Level    *Level  `json:"level" validate:"omitempty,level"`
	HighEnd  *bool   `json:"high_end"`
	District *string `json:"district" validate:"omitempty,district"`
	Industry *string `json:"industry" validate:"omitempty,industry"`
	Status   *Status `json:"status" validate:"omitempty,oneof=verified rejected"`
}

// RecruitmentFilter selects records for GET /recruitments.
type RecruitmentFilter struct {
	Year     int
	Status   []string
	District []string
	Industry []string
	Origin   []string
	OrgID    []string
	// Order is empty for the hire's date, newest first; OrderNewest or
	// OrderOldest order by when the hire was reported (how long it has
	// waited for the bureau).
	Order string
	Page  Page
}

// RecruitmentService manages recruitment reports.
type RecruitmentService interface {
	// Report records a hire for the actor's verified organisation.
	// Returns CodeConflict for the same talent, organisation and date.
	Report(ctx context.Context, actor *User, in RecruitmentInput) (*Recruitment, error)
	// Draft returns the record Report would make, without recording it
	// (the review before a report; missing fields are CodeValidation).
	Draft(ctx context.Context, actor *User, in RecruitmentInput) (*Recruitment, error)
	Get(ctx context.Context, actor *User, id string) (*Recruitment, error)
	List(ctx context.Context, actor *User, f RecruitmentFilter) (*List[*Recruitment], error)
	// Decide verifies or rejects a reported record (bureau).
	Decide(ctx context.Context, actor *User, id string, in DecisionInput) (*Recruitment, error)
	// Correct changes a decided record (bureau), recording the change.
	Correct(ctx context.Context, actor *User, id string, in CorrectionInput, ifVersion int64) (*Recruitment, error)
	// Amend changes a record that is still reported (its organisation).
	Amend(ctx context.Context, actor *User, id string, in RecruitmentAmendment, ifVersion int64) (*Recruitment, error)
	// Withdraw deletes a record that is still reported (its organisation).
	Withdraw(ctx context.Context, actor *User, id string, ifVersion int64) error
}

// RecruitmentStore persists recruitment records.
type RecruitmentStore interface {
	// CreateRecruitment stores r. Returns CodeConflict for the same
	// talent, organisation and date.
	CreateRecruitment(ctx context.Context, r *Recruitment) error
	Recruitment(ctx context.Context, id string) (*Recruitment, error)
	UpdateRecruitment(ctx context.Context, id string, ifVersion int64, fn func(*Recruitment) error) (*Recruitment, error)
	DeleteRecruitment(ctx context.Context, id string, ifVersion int64) error
	// TalentRecruitments returns the records naming a talent (export and
	// erasure; not a hot path).
	TalentRecruitments(ctx context.Context, talentID string) ([]*Recruitment, error)
}
