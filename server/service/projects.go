package service

import (
	"context"
	"maps"
	"slices"

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
	c := mediaDiff("", nil, projectMedia(p))
	if err := s.checkMedia(ctx, actor, c, func(string) string { return "cover_id" }); err != nil {
		return nil, err
	}
	if err := s.Store.CreateProject(ctx, p); err != nil {
		return nil, err
	}
	// The project's id is the store's, so its cover is marked after the
	// write; a crash in between leaves the cover to the orphans' sweep,
	// and the project without it.
	c.use = models.MediaUse(models.KindProject, p.ID)
	if err := s.attachMedia(ctx, c); err != nil {
		s.Logger.WarnContext(ctx, "media: a new project's cover was not marked", "project_id", p.ID, "error", err)
	}
	return p, nil
}

// projectMedia is the cover a project names.
func projectMedia(p *models.Project) map[string]string {
	if p.CoverID == "" {
		return map[string]string{}
	}
	return map[string]string{p.CoverID: models.PurposeCover}
}

// Get implements models.ProjectService.
func (s *Projects) Get(ctx context.Context, actor *models.User, id string) (*models.Project, error) {
	return authorized(ctx, actor, models.ActRead, s.Store.Project, id)
}

// Update implements models.ProjectService.
func (s *Projects) Update(ctx context.Context, actor *models.User, id string, u models.ProjectUpdate, ifVersion int64) (*models.Project, error) {
	p, err := authorized(ctx, actor, models.ActUpdate, s.Store.Project, id)
	if err != nil {
		return nil, err
	}
	tax, err := s.taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	if err := tax.Validate(u); err != nil {
		return nil, err
	}
	apply := func(p *models.Project) error {
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
	}
	next := *p
	if err := apply(&next); err != nil {
		return nil, err
	}
	c := mediaDiff(models.MediaUse(models.KindProject, p.ID), slices.Collect(maps.Keys(projectMedia(p))), projectMedia(&next))
	if err := s.checkMedia(ctx, actor, c, func(string) string { return "cover_id" }); err != nil {
		return nil, err
	}
	return withMedia(ctx, &s.Deps, c, func() (*models.Project, error) { return s.Store.UpdateProject(ctx, id, ifVersion, apply) })
}

// Delete implements models.ProjectService.
func (s *Projects) Delete(ctx context.Context, actor *models.User, id string, ifVersion int64) error {
	p, err := authorized(ctx, actor, models.ActDelete, s.Store.Project, id)
	if err != nil {
		return err
	}
	has, err := s.Store.ProjectHasApplications(ctx, id)
	if err != nil {
		return err
	}
	if has {
		return models.Refusef(models.CodeConflict, models.RefusalProjectHasApplicants, "", "the project has applications; close it instead")
	}
	if err := s.Store.DeleteProject(ctx, id, ifVersion); err != nil {
		return err
	}
	if p.CoverID != "" {
		s.dropMedia(ctx, mediaChange{dropped: []string{p.CoverID}})
	}
	return nil
}
