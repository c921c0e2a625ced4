package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/szdc/talenthub/models"
)

type correctionDoc struct {
	At     time.Time `bson:"at"`
	By     string    `bson:"by"`
	Reason string    `bson:"reason"`
	Before bson.M    `bson:"before"`
	After  bson.M    `bson:"after"`
}

type recruitmentDoc struct {
	ID            primitive.ObjectID `bson:"_id"`
	TalentID      string             `bson:"talent_id"`
	TalentName    string             `bson:"talent_name"`
	OrgID         string             `bson:"org_id"`
	Date          string             `bson:"date"`
	Origin        string             `bson:"origin"`
	Level         string             `bson:"level"`
	HighEnd       bool               `bson:"high_end"`
	District      string             `bson:"district"`
	Industry      string             `bson:"industry"`
	ProjectID     string             `bson:"project_id"`
	ApplicationID string             `bson:"application_id"`
	Status        string             `bson:"status"`
	ReportedBy    string             `bson:"reported_by"`
	Decision      *decisionDoc       `bson:"decision,omitempty"`
	Corrections   []correctionDoc    `bson:"corrections"`
	Erased        bool               `bson:"erased"`
	Person        string             `bson:"person,omitempty"`
	IDLast4       string             `bson:"id_last4,omitempty"`
	ImportID      string             `bson:"import_id,omitempty"`
	ImportKey     string             `bson:"import_key,omitempty"`
	Meta          `bson:",inline"`
	// Rest keeps the fields this version does not know (written by a newer
	// one during a rolling deploy), so that a replace does not drop them.
	Rest bson.M `bson:",inline"`
}

func toRecruitment(d *recruitmentDoc) *models.Recruitment {
	r := &models.Recruitment{
		ID: d.ID.Hex(), TalentID: d.TalentID, TalentName: d.TalentName, OrgID: d.OrgID, Date: d.Date,
		Origin: models.Origin(d.Origin), Level: models.Level(d.Level), HighEnd: d.HighEnd, District: d.District,
		Industry: d.Industry, ProjectID: d.ProjectID, ApplicationID: d.ApplicationID, Status: models.Status(d.Status),
		ReportedBy: d.ReportedBy, Decision: toDecision(d.Decision), Corrections: make([]models.Correction, len(d.Corrections)),
		Erased: d.Erased, Person: d.Person, IDLast4: d.IDLast4, ImportID: d.ImportID, ImportKey: d.ImportKey, Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
	for i, c := range d.Corrections {
		r.Corrections[i] = models.Correction{At: c.At, By: c.By, Reason: c.Reason, Before: map[string]any(c.Before), After: map[string]any(c.After)}
	}
	return r
}

func (d *recruitmentDoc) setModel(r *models.Recruitment) error {
	*d = recruitmentDoc{
		Rest: d.Rest,
		ID:   d.ID, TalentID: r.TalentID, TalentName: r.TalentName, OrgID: r.OrgID, Date: r.Date, Origin: string(r.Origin),
		Level: string(r.Level), HighEnd: r.HighEnd, District: r.District, Industry: r.Industry, ProjectID: r.ProjectID,
		ApplicationID: r.ApplicationID, Status: string(r.Status), ReportedBy: r.ReportedBy, Decision: toDecisionDoc(r.Decision),
		Corrections: make([]correctionDoc, len(r.Corrections)), Erased: r.Erased, Person: r.Person, IDLast4: r.IDLast4,
		ImportID: r.ImportID, ImportKey: r.ImportKey, Meta: d.Meta,
	}
	for i, c := range r.Corrections {
		d.Corrections[i] = correctionDoc{At: c.At.UTC().Truncate(time.Millisecond), By: c.By, Reason: c.Reason, Before: bson.M(c.Before), After: bson.M(c.After)}
	}
	return nil
}

func (d *recruitmentDoc) model() *models.Recruitment { return toRecruitment(d) }
func (d *recruitmentDoc) anyModel() any              { return toRecruitment(d) }

// CreateRecruitment implements models.RecruitmentStore. The unique index on
// (talent_id, org_id, date) refuses the same report twice.
func (s *Store) CreateRecruitment(ctx context.Context, r *models.Recruitment) error {
	const op = "store.CreateRecruitment"
	err := insertNew[recruitmentDoc](ctx, s, op, s.recruitments, r, func(d *recruitmentDoc, id primitive.ObjectID) { d.ID = id })
	if models.IsCode(err, models.CodeConflict) {
		return &models.Error{Code: models.CodeConflict, Message: "this talent's recruitment by this organisation on this date is already reported", Op: op}
	}
	return err
}

// Recruitment implements models.RecruitmentStore.
func (s *Store) Recruitment(ctx context.Context, id string) (*models.Recruitment, error) {
	return findHex[models.Recruitment, recruitmentDoc](ctx, s.recruitments, "store.Recruitment", "recruitment record", id)
}

// UpdateRecruitment implements models.RecruitmentStore.
func (s *Store) UpdateRecruitment(ctx context.Context, id string, ifVersion int64, fn func(*models.Recruitment) error) (*models.Recruitment, error) {
	const op = "store.UpdateRecruitment"
	r, err := updateHex[recruitmentDoc](ctx, s, op, "recruitment record", s.recruitments, id, ifVersion, fn)
	if isDuplicate(err) {
		return nil, &models.Error{Code: models.CodeConflict, Message: "another record has this talent, organisation and date", Op: op}
	}
	return r, err
}

// DeleteRecruitment implements models.RecruitmentStore.
func (s *Store) DeleteRecruitment(ctx context.Context, id string, ifVersion int64) error {
	return removeHex(ctx, s, "store.DeleteRecruitment", "recruitment record", s.recruitments, id, ifVersion)
}

// ErasedRecruitments returns the records of erased talents (a scan, for
// the one re-keying of unkeyed pseudonyms).
func (s *Store) ErasedRecruitments(ctx context.Context) ([]*models.Recruitment, error) {
	return findAll[models.Recruitment, recruitmentDoc](ctx, s.recruitments, "store.ErasedRecruitments", bson.D{{Key: "erased", Value: true}})
}

// TalentRecruitments implements models.RecruitmentStore.
func (s *Store) TalentRecruitments(ctx context.Context, talentID string) ([]*models.Recruitment, error) {
	return findAll[models.Recruitment, recruitmentDoc](ctx, s.recruitments, "store.TalentRecruitments", bson.D{{Key: "talent_id", Value: talentID}})
}
