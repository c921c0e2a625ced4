package store

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/szdc/talenthub/models"
)

type projectDoc struct {
	ID          primitive.ObjectID `bson:"_id"`
	OrgID       string             `bson:"org_id"`
	Title       string             `bson:"title"`
	Description string             `bson:"description"`
	Kind        string             `bson:"kind"`
	Skills      []string           `bson:"skills"`
	Industries  []string           `bson:"industries"`
	District    string             `bson:"district"`
	Openings    int                `bson:"openings"`
	Deadline    string             `bson:"deadline"`
	PayMin      *int               `bson:"pay_min,omitempty"`
	PayMax      *int               `bson:"pay_max,omitempty"`
	PayUnit     string             `bson:"pay_unit,omitempty"`
	Status      string             `bson:"status"`
	CreatedBy   string             `bson:"created_by"`
	CoverID     string             `bson:"cover_id,omitempty"`
	Meta        `bson:",inline"`
	// Rest keeps the fields this version does not know (written by a newer
	// one during a rolling deploy), so that a replace does not drop them.
	Rest bson.M `bson:",inline"`
}

func toProject(d *projectDoc) *models.Project {
	p := &models.Project{
		ID: d.ID.Hex(), OrgID: d.OrgID, Title: d.Title, Description: d.Description, Kind: models.ProjectKind(d.Kind),
		Skills: nonNil(d.Skills), Industries: nonNil(d.Industries), District: d.District, Openings: d.Openings,
		Deadline: d.Deadline, PayMin: d.PayMin, PayMax: d.PayMax, PayUnit: models.PayUnit(d.PayUnit),
		Status: models.ProjectStatus(d.Status), CreatedBy: d.CreatedBy, CoverID: d.CoverID,
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
	if p.HasPay() {
		// The currency is not stored: every pay is in yuan.
		p.PayCurrency = models.PayCurrency
	}
	return p
}

func (d *projectDoc) setModel(p *models.Project) error {
	*d = projectDoc{
		Rest: d.Rest,
		ID:   d.ID, OrgID: p.OrgID, Title: p.Title, Description: p.Description, Kind: string(p.Kind),
		Skills: nonNil(p.Skills), Industries: nonNil(p.Industries), District: p.District, Openings: p.Openings,
		Deadline: p.Deadline, PayMin: p.PayMin, PayMax: p.PayMax, PayUnit: string(p.PayUnit),
		Status: string(p.Status), CreatedBy: p.CreatedBy, CoverID: p.CoverID, Meta: d.Meta,
	}
	return nil
}

func (d *projectDoc) model() *models.Project { return toProject(d) }
func (d *projectDoc) anyModel() any          { return toProject(d) }

// CreateProject implements models.ProjectStore.
func (s *Store) CreateProject(ctx context.Context, p *models.Project) error {
	return insertNew[projectDoc](ctx, s, "store.CreateProject", s.projects, p, func(d *projectDoc, id primitive.ObjectID) { d.ID = id })
}

// Project implements models.ProjectStore.
func (s *Store) Project(ctx context.Context, id string) (*models.Project, error) {
	return findHex[models.Project, projectDoc](ctx, s.projects, "store.Project", "project", id)
}

// UpdateProject implements models.ProjectStore.
func (s *Store) UpdateProject(ctx context.Context, id string, ifVersion int64, fn func(*models.Project) error) (*models.Project, error) {
	return updateHex[projectDoc](ctx, s, "store.UpdateProject", "project", s.projects, id, ifVersion, fn)
}

// DeleteProject implements models.ProjectStore.
func (s *Store) DeleteProject(ctx context.Context, id string, ifVersion int64) error {
	return removeHex(ctx, s, "store.DeleteProject", "project", s.projects, id, ifVersion)
}

// ProjectHasApplications implements models.ApplicationStore. It filters on
// project_id: indexed on MongoDB, a scan on the embedded database; it
// serves the rare deletion of a project.
func (s *Store) ProjectHasApplications(ctx context.Context, projectID string) (bool, error) {
	return found("store.ProjectHasApplications", s.applications.FindOne(ctx, bson.D{{Key: "project_id", Value: projectID}}).Err())
}
