package service

import (
	"context"
	"fmt"
	"time"

	"github.com/szdc/talenthub/models"
)

// Recruitments implements models.RecruitmentService.
type Recruitments struct{ Deps }

var _ models.RecruitmentService = (*Recruitments)(nil)

// NewRecruitments returns the recruitment service.
func NewRecruitments(d Deps) *Recruitments { d.defaults(); return &Recruitments{d} }

// recordFields are the fields of a record that counting depends on: what
// audit entries and corrections show before and after.
func recordFields(r *models.Recruitment) map[string]any {
	return map[string]any{"status": string(r.Status), "date": r.Date, "origin": string(r.Origin), "level": string(r.Level),
		"high_end": r.HighEnd, "district": r.District, "industry": r.Industry}
}

// changedFields keeps, of two views of the same fields, those whose values
// differ: what a correction records before and after.
func changedFields(before, after map[string]any) (map[string]any, map[string]any) {
	b, a := map[string]any{}, map[string]any{}
	for k, v := range after {
		if fmt.Sprint(before[k]) != fmt.Sprint(v) {
			b[k], a[k] = before[k], v
		}
	}
	return b, a
}

// Report implements models.RecruitmentService.
func (s *Recruitments) Report(ctx context.Context, actor *models.User, in models.RecruitmentInput) (*models.Recruitment, error) {
	r, err := s.Draft(ctx, actor, in)
	if err != nil {
		return nil, err
	}
	if err := s.Store.CreateRecruitment(ctx, r); err != nil {
		return nil, err
	}
	s.audit(ctx, actor, models.AuditRecruitmentReport, models.KindRecruitment, r.ID, nil, recordFields(r), "")
	return r, nil
}

// hiredOn is the day (Shenzhen's) an application last moved to hired: the
// day of the hire a report defaults to, whenever it is reported; today for
// an application hired without a move on record.
func hiredOn(a *models.Application, now time.Time) string {
	for i := len(a.History) - 1; i >= 0; i-- {
		if m := a.History[i]; m.To == models.StageHired {
			return models.Today(m.At)
		}
	}
	return models.Today(now)
}

// Draft implements models.RecruitmentService: the record a report would
// make, checked and filled from the application, the profile and the
// project, without recording it (the form a member reviews before it goes
// to the bureau).
func (s *Recruitments) Draft(ctx context.Context, actor *models.User, in models.RecruitmentInput) (*models.Recruitment, error) {
	own, err := s.memberOrg(ctx, actor, models.ActReport, "report recruitments")
	if err != nil {
		return nil, err
	}
	if err := s.validate(ctx, in); err != nil {
		return nil, err
	}
	r := &models.Recruitment{OrgID: in.OrgID, TalentID: in.TalentID, Date: in.Date, Origin: in.Origin, Level: in.Level,
		District: in.District, Industry: in.Industry, ProjectID: in.ProjectID, ApplicationID: in.ApplicationID,
		Status: models.StatusReported, ReportedBy: actor.ID}
	var project *models.Project
	if in.ApplicationID != "" {
		// A hire in the pipeline: one step, the rest from the application.
		a, err := s.Store.Application(ctx, in.ApplicationID)
		if models.IsCode(err, models.CodeNotFound) || err == nil && a.OrgID != own.ID {
			return nil, fieldError("application_id", models.RuleNoSuch, "no such application of your organisation")
		}
		if err != nil {
			return nil, err
		}
		if a.Stage != models.StageHired {
			return nil, models.Refusef(models.CodeConflict, models.RefusalNotHired, string(a.Stage), "only a hired application can be reported (this one is %s)", a.Stage)
		}
		for field, v := range map[string]string{"talent_id": in.TalentID, "project_id": in.ProjectID} {
			want := map[string]string{"talent_id": a.TalentID, "project_id": a.ProjectID}[field]
			if v != "" && v != want {
				return nil, fieldError(field, models.RuleDiffers, "differs from the application's")
			}
		}
		r.TalentID, r.ProjectID = a.TalentID, a.ProjectID
		if r.OrgID == "" {
			r.OrgID = own.ID
		}
		if r.Date == "" {
			r.Date = hiredOn(a, s.now())
		}
	}
	if r.OrgID != own.ID {
		return nil, models.Errorf(models.CodeForbidden, "you can report recruitments for your own organisation only")
	}
	// The profile is read under the rule of reading it (a report copies
	// its name and defaults): one the organisation may not see is, as an
	// id of nothing, not found. A hire from the organisation's own
	// application names a talent who applied or accepted an invitation.
	t, err := s.Store.Talent(ctx, r.TalentID)
	if models.IsCode(err, models.CodeNotFound) || err == nil && in.ApplicationID == "" && !models.CanViewTalent(actor, t) {
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	if r.ProjectID != "" {
		project, err = s.Store.Project(ctx, r.ProjectID)
		if models.IsCode(err, models.CodeNotFound) || err == nil && project.OrgID != own.ID {
			return nil, fieldError("project_id", models.RuleNoSuch, "no such project of your organisation")
		}
		if err != nil {
			return nil, err
		}
	}
	fillFromProfile(r, t, project)
	missing := map[string]string{}
	if r.Origin == "" {
		missing["origin"] = "is required (the talent's profile does not say)"
	}
	if r.District == "" {
		missing["district"] = "is required (neither the profile nor the project says)"
	}
	if r.Industry == "" {
		missing["industry"] = "is required (neither the project nor the profile says)"
	}
	if len(missing) > 0 {
		rules := map[string]models.FieldRule{}
		for f := range missing {
			rules[f] = models.FieldRule{Rule: models.RuleRequired}
		}
		return nil, &models.Error{Code: models.CodeValidation, Message: "some fields are invalid", Fields: missing, Rules: rules}
	}
	r.TalentName = t.Name
	// A profile linked to an identity document counts as that person, once
	// with the records imported about them.
	switch ident, err := s.Store.TalentIdentity(ctx, t.ID); {
	case err == nil:
		r.Person, r.IDLast4 = ident.Person, ident.Last4
	case !models.IsCode(err, models.CodeNotFound):
		return nil, err
	}
	return r, nil
}

// fillFromProfile defaults the fields a report left empty from the talent's
// profile and the project.
func fillFromProfile(r *models.Recruitment, t *models.Talent, p *models.Project) {
	if r.Origin == "" {
		r.Origin = t.Origin
	}
	if r.Level == "" {
		r.Level = t.Level
	}
	if r.District == "" {
		r.District = t.District
		if p != nil && p.District != "" {
			r.District = p.District
		}
	}
	if r.Industry == "" {
		switch {
		case p != nil && len(p.Industries) > 0:
			r.Industry = p.Industries[0]
		case len(t.Industries) > 0:
			r.Industry = t.Industries[0]
		}
	}
}

// Get implements models.RecruitmentService.
func (s *Recruitments) Get(ctx context.Context, actor *models.User, id string) (*models.Recruitment, error) {
	return authorized(ctx, actor, models.ActRead, s.Store.Recruitment, id)
}

// List implements models.RecruitmentService.
func (s *Recruitments) List(ctx context.Context, actor *models.User, f models.RecruitmentFilter) (*models.List[*models.Recruitment], error) {
	if err := models.Permit(actor, models.ActListRecruitments); err != nil {
		return nil, err
	}
	var own models.AnyOf // the staff see all; a member their organisation's
	if !staff(actor) {
		own = models.Terms("org_id", actor.OrgID)
	}
	sort := models.CreatedOrder(f.Order)
	if sort == nil {
		sort = []string{"-date", "-created_at", "_id"}
	}
	q := models.ListQuery{Coll: models.CollRecruitments, Page: f.Page, Sort: sort, All: []models.AnyOf{
		own, models.Terms("status", f.Status...), models.Terms("district", f.District...), models.Terms("industry", f.Industry...),
		models.Terms("origin", f.Origin...), models.Terms("org_id", f.OrgID...),
	}}
	if f.Year != 0 {
		lo, hi := float64(f.Year), float64(f.Year+1)
		q.Ranges = []models.Range{{Field: "year", Min: &lo, Max: &hi}}
	}
	return listPage(ctx, s.Lister, q, s.Store.Recruitment, func(r *models.Recruitment) bool { return models.CanSee(actor, r.Resource()) })
}

// Decide implements models.RecruitmentService.
func (s *Recruitments) Decide(ctx context.Context, actor *models.User, id string, in models.DecisionInput) (*models.Recruitment, error) {
	if _, err := authorized(ctx, actor, models.ActVerify, s.Store.Recruitment, id); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	var before map[string]any
	r, err := s.Store.UpdateRecruitment(ctx, id, 0, func(r *models.Recruitment) error {
		if r.Status != models.StatusReported {
			return models.Refusef(models.CodeConflict, models.RefusalAlreadyDecided, string(r.Status), "the record is already %s; change it with a correction", r.Status)
		}
		before = recordFields(r)
		r.Status = in.Decision
		r.Decision = &models.Decision{By: actor.ID, At: s.now(), Reason: in.Reason}
		return nil
	})
	if err != nil {
		return nil, err
	}
	after := recordFields(r)
	if members, ok := s.membersOf(ctx, []string{r.OrgID}); ok {
		after["members"] = members
	}
	s.audit(ctx, actor, models.AuditRecruitmentDecide, models.KindRecruitment, r.ID, before, after, in.Reason)
	return r, nil
}

// Correct implements models.RecruitmentService.
func (s *Recruitments) Correct(ctx context.Context, actor *models.User, id string, in models.CorrectionInput, ifVersion int64) (*models.Recruitment, error) {
	if _, err := authorized(ctx, actor, models.ActCorrect, s.Store.Recruitment, id); err != nil {
		return nil, err
	}
	if err := s.validate(ctx, in); err != nil {
		return nil, err
	}
	var before, after map[string]any
	r, err := s.Store.UpdateRecruitment(ctx, id, ifVersion, func(r *models.Recruitment) error {
		if r.Status == models.StatusReported {
			return models.Refusef(models.CodeConflict, models.RefusalNotDecided, "", "the record is not decided yet; verify or reject it first")
		}
		before = recordFields(r)
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&r.Date, in.Date)
		set(&r.District, in.District)
		set(&r.Industry, in.Industry)
		if in.Origin != nil {
			r.Origin = *in.Origin
		}
		if in.Level != nil {
			r.Level = *in.Level
		}
		if in.HighEnd != nil {
			r.HighEnd = *in.HighEnd
		}
		if in.Status != nil {
			r.Status = *in.Status
		}
		before, after = changedFields(before, recordFields(r))
		if len(after) == 0 {
			return &models.Error{Code: models.CodeValidation, Message: "the correction changes nothing",
				Fields: map[string]string{"reason": "a correction must change at least one field"}, Rules: map[string]models.FieldRule{"reason": {Rule: models.RuleNoChange}}}
		}
		r.Corrections = append(r.Corrections, models.Correction{At: s.now(), By: actor.ID, Reason: in.Reason, Before: before, After: after})
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.audit(ctx, actor, models.AuditRecruitmentCorrect, models.KindRecruitment, r.ID, before, after, in.Reason)
	return r, nil
}

// Amend implements models.RecruitmentService: the fields named change,
// the change is audited with what it was, and the record waits for the
// bureau as before.
func (s *Recruitments) Amend(ctx context.Context, actor *models.User, id string, in models.RecruitmentAmendment, ifVersion int64) (*models.Recruitment, error) {
	r, err := authorized(ctx, actor, models.ActUpdate, s.Store.Recruitment, id)
	if err != nil {
		return nil, err
	}
	if err := s.validate(ctx, in); err != nil {
		return nil, err
	}
	before := recordFields(r)
	out, err := s.Store.UpdateRecruitment(ctx, id, ifVersion, func(r *models.Recruitment) error {
		if r.Status != models.StatusReported {
			return models.Refusef(models.CodeConflict, models.RefusalNotWithdrawable, string(r.Status), "a %s record cannot be changed; ask the bureau for a correction", r.Status)
		}
		if in.Date != nil {
			r.Date = *in.Date
		}
		if in.Origin != nil {
			r.Origin = *in.Origin
		}
		if in.Level != nil {
			r.Level = *in.Level
		}
		if in.District != nil {
			r.District = *in.District
		}
		if in.Industry != nil {
			r.Industry = *in.Industry
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.audit(ctx, actor, models.AuditRecruitmentAmend, models.KindRecruitment, r.ID, before, recordFields(out), "")
	return out, nil
}

// Withdraw implements models.RecruitmentService.
func (s *Recruitments) Withdraw(ctx context.Context, actor *models.User, id string, ifVersion int64) error {
	r, err := authorized(ctx, actor, models.ActDelete, s.Store.Recruitment, id)
	if err != nil {
		return err
	}
	if r.Status != models.StatusReported {
		return models.Refusef(models.CodeConflict, models.RefusalNotWithdrawable, string(r.Status), "a %s record cannot be withdrawn; ask the bureau for a correction", r.Status)
	}
	if ifVersion == 0 {
		ifVersion = r.Version
	}
	if r.ImportKey != "" {
		// First the row: a crash before the record goes leaves the record,
		// which the next import of the row finds again; the other order
		// would leave a row that says "unchanged" about nothing.
		if err := s.Store.DeleteImportRow(ctx, models.ImportRecruitments, r.ImportKey); err != nil {
			return err
		}
	}
	if err := s.Store.DeleteRecruitment(ctx, id, ifVersion); err != nil {
		return err
	}
	s.audit(ctx, actor, models.AuditRecruitmentWithdraw, models.KindRecruitment, r.ID, recordFields(r), nil, "")
	return nil
}
