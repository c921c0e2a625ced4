package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

type moveDoc struct {
	At     time.Time `bson:"at"`
	By     string    `bson:"by"`
	Side   string    `bson:"side"`
	Action string    `bson:"action"`
	From   string    `bson:"from,omitempty"`
	To     string    `bson:"to,omitempty"`
	Note   string    `bson:"note,omitempty"`
}

type applicationDoc struct {
	ID              primitive.ObjectID `bson:"_id"`
	ProjectID       string             `bson:"project_id"`
	ProjectTitle    string             `bson:"project_title"`
	OrgID           string             `bson:"org_id"`
	TalentID        string             `bson:"talent_id"`
	TalentName      string             `bson:"talent_name"`
	Stage           string             `bson:"stage"`
	InitiatedBy     string             `bson:"initiated_by"`
	Message         string             `bson:"message"`
	ContactAccepted bool               `bson:"contact_accepted"`
	History         []moveDoc          `bson:"history"`
	Meta            `bson:",inline"`
	// Rest keeps the fields this version does not know (written by a newer
	// one during a rolling deploy), so that a replace does not drop them.
	Rest bson.M `bson:",inline"`
}

func toApplication(d *applicationDoc) *models.Application {
	a := &models.Application{
		ID: d.ID.Hex(), ProjectID: d.ProjectID, ProjectTitle: d.ProjectTitle, OrgID: d.OrgID, TalentID: d.TalentID,
		TalentName: d.TalentName, Stage: models.Stage(d.Stage), InitiatedBy: models.Side(d.InitiatedBy),
		Message: d.Message, ContactAccepted: d.ContactAccepted, History: make([]models.Move, len(d.History)),
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
	for i, m := range d.History {
		a.History[i] = models.Move{At: m.At, By: m.By, Side: models.Side(m.Side), Action: m.Action,
			From: models.Stage(m.From), To: models.Stage(m.To), Note: m.Note}
	}
	return a
}

func (d *applicationDoc) setModel(a *models.Application) error {
	*d = applicationDoc{
		Rest: d.Rest,
		ID:   d.ID, ProjectID: a.ProjectID, ProjectTitle: a.ProjectTitle, OrgID: a.OrgID, TalentID: a.TalentID,
		TalentName: a.TalentName, Stage: string(a.Stage), InitiatedBy: string(a.InitiatedBy), Message: a.Message,
		ContactAccepted: a.ContactAccepted, History: make([]moveDoc, len(a.History)), Meta: d.Meta,
	}
	for i, m := range a.History {
		d.History[i] = moveDoc{At: m.At.UTC().Truncate(time.Millisecond), By: m.By, Side: string(m.Side), Action: m.Action,
			From: string(m.From), To: string(m.To), Note: m.Note}
	}
	return nil
}

func (d *applicationDoc) model() *models.Application { return toApplication(d) }
func (d *applicationDoc) anyModel() any              { return toApplication(d) }

// CreateApplication implements models.ApplicationStore. The unique index on
// (project_id, talent_id) refuses a second application to one project.
func (s *Store) CreateApplication(ctx context.Context, a *models.Application) error {
	const op = "store.CreateApplication"
	oid := primitive.NewObjectIDFromTimestamp(s.nowUTC())
	err := insertModel[applicationDoc](ctx, s, op, s.applications, oid, a, func(d *applicationDoc) { d.ID = oid })
	if models.IsCode(err, models.CodeConflict) {
		return &models.Error{Code: models.CodeConflict, Message: "this talent already has an application to this project", Op: op}
	}
	return err
}

// Application implements models.ApplicationStore.
func (s *Store) Application(ctx context.Context, id string) (*models.Application, error) {
	return findHex[models.Application, applicationDoc](ctx, s.applications, "store.Application", "application", id)
}

// UpdateApplication implements models.ApplicationStore.
func (s *Store) UpdateApplication(ctx context.Context, id string, ifVersion int64, fn func(*models.Application) error) (*models.Application, error) {
	return updateHex[applicationDoc](ctx, s, "store.UpdateApplication", "application", s.applications, id, ifVersion, fn)
}

// DeleteApplication implements models.ApplicationStore.
func (s *Store) DeleteApplication(ctx context.Context, id string) error {
	oid, err := objectID(id)
	if err != nil {
		return notFoundAs(err, "application")
	}
	// Its messages go first: a thread never outlives its application
	// (an erasure deletes the creator's applications).
	if err := s.DeleteThread(ctx, id); err != nil {
		return err
	}
	return removeModel(ctx, s, "store.DeleteApplication", "application", s.applications, oid, 0)
}

// TalentApplications implements models.ApplicationStore. It filters on
// talent_id (indexed on MongoDB; a scan on the embedded database), for the
// export and the erasure of one creator's data.
func (s *Store) TalentApplications(ctx context.Context, talentID string) ([]*models.Application, error) {
	return findAll[models.Application, applicationDoc](ctx, s.applications, "store.TalentApplications", bson.D{{Key: "talent_id", Value: talentID}})
}

type consentDoc struct {
	ID            string    `bson:"_id"` // talent_id:org_id
	TalentID      string    `bson:"talent_id"`
	OrgID         string    `bson:"org_id"`
	ApplicationID string    `bson:"application_id"`
	At            time.Time `bson:"at"`
}

// AcceptContact implements models.ApplicationStore. The consent is keyed by
// talent and organisation, so checking it is one _id lookup and accepting
// twice keeps the first.
func (s *Store) AcceptContact(ctx context.Context, c models.Consent) error {
	d := consentDoc{ID: models.ConsentKey(c.TalentID, c.OrgID), TalentID: c.TalentID, OrgID: c.OrgID,
		ApplicationID: c.ApplicationID, At: c.At.UTC().Truncate(time.Millisecond)}
	_, err := s.consents.UpdateOne(ctx, idFilter(d.ID), bson.D{{Key: "$setOnInsert", Value: d}}, options.Update().SetUpsert(true))
	return translate("store.AcceptContact", err)
}

// ContactAccepted implements models.ApplicationStore.
func (s *Store) ContactAccepted(ctx context.Context, talentID, orgID string) (bool, error) {
	return found("store.ContactAccepted", s.consents.FindOne(ctx, idFilter(models.ConsentKey(talentID, orgID))).Err())
}

// WithdrawContact implements models.ApplicationStore.
func (s *Store) WithdrawContact(ctx context.Context, talentID, orgID string) error {
	res, err := s.consents.DeleteOne(ctx, idFilter(models.ConsentKey(talentID, orgID)))
	if err == nil && res.DeletedCount == 0 {
		return models.Errorf(models.CodeNotFound, "no consent to contact from this organisation")
	}
	return translate("store.WithdrawContact", err)
}

// TalentConsents implements models.ApplicationStore.
func (s *Store) TalentConsents(ctx context.Context, talentID string) ([]models.Consent, error) {
	cur, err := s.consents.Find(ctx, bson.D{{Key: "talent_id", Value: talentID}})
	if err != nil {
		return nil, translate("store.TalentConsents", err)
	}
	var docs []consentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("store.TalentConsents", err)
	}
	out := make([]models.Consent, len(docs))
	for i, d := range docs {
		out[i] = models.Consent{TalentID: d.TalentID, OrgID: d.OrgID, ApplicationID: d.ApplicationID, At: d.At}
	}
	return out, nil
}

// DeleteTalentConsents implements models.ApplicationStore.
func (s *Store) DeleteTalentConsents(ctx context.Context, talentID string) error {
	_, err := s.consents.DeleteMany(ctx, bson.D{{Key: "talent_id", Value: talentID}})
	return translate("store.DeleteTalentConsents", err)
}
