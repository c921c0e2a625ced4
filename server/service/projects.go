package service

import (
	"context"

	"github.com/szdc/talenthub/models"
)

// Projects implements models.ProjectService.
type Projects struct{ Deps }

var _ models.ProjectService = (*Projects)(nil)

// NewProjects returns the project service.
func NewProjects(d Deps) *Projects { d.defaults(); return &Projects{d} }

// Create implements models.ProjectService.
func (s *Projects) Create(ctx context.Context, actor *models.User, in models.ProjectInput) (*models.Project, error) {
	own, err := s.memberOrg(ctx, actor, models.ActPostProject, "post projects")
	if err != nil {
		return nil, err
	}
	in.Normalize()
	if err := s.validate(ctx, in); err != nil {
		return nil, err
	}
	p := &models.Project{OrgID: own.ID, Status: models.ProjectOpen, CreatedBy: actor.ID}
	p.ApplyInput(in)
	if err := s.Store.CreateProject(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// Get implements models.ProjectService.
func (s *Projects) Get(ctx context.Context, actor *models.User, id string) (*models.Project, error) {
	p, err := s.Store.Project(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActRead, p.Resource()); err != nil {
		return nil, err
	}
	return p, nil
}

// Update implements models.ProjectService.
func (s *Projects) Update(ctx context.Context, actor *models.User, id string, u models.ProjectUpdate, ifVersion int64) (*models.Project, error) {
	p, err := s.Store.Project(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActUpdate, p.Resource()); err != nil {
		return nil, err
	}
	tax, err := s.taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	if err := tax.Validate(u); err != nil {
		return nil, err
	}
	return s.Store.UpdateProject(ctx, id, ifVersion, func(p *models.Project) error {
		in := u.Apply(p.Input())
		in.Normalize()
		if err := tax.Validate(in); err != nil {
			return err
		}
		p.ApplyInput(in)
		if u.Status != nil {
			p.Status = *u.Status
		}
		return nil
	})
}

// Delete implements models.ProjectService.
func (s *Projects) Delete(ctx context.Context, actor *models.User, id string, ifVersion int64) error {
	p, err := s.Store.Project(ctx, id)
	if err != nil {
		return err
	}
	if err := models.Authorize(actor, models.ActDelete, p.Resource()); err != nil {
		return err
	}
	has, err := s.Store.ProjectHasApplications(ctx, id)
	if err != nil {
		return err
	}
	if has {
		return models.Refusef(models.CodeConflict, models.RefusalProjectHasApplicants, "", "the project has applications; close it instead")
	}
	return s.Store.DeleteProject(ctx, id, ifVersion)
}
