package service

import (
	"context"

	"github.com/szdc/talenthub/models"
)

// Audit implements models.AuditService.
type Audit struct{ Deps }

var _ models.AuditService = (*Audit)(nil)

// NewAudit returns the audit-trail service.
func NewAudit(d Deps) *Audit { d.defaults(); return &Audit{d} }

// List implements models.AuditService.
func (s *Audit) List(ctx context.Context, actor *models.User, f models.AuditFilter) (*models.List[*models.AuditEntry], error) {
	if err := models.Authorize(actor, models.ActRead, models.Resource{Kind: models.KindAudit}); err != nil {
		if models.IsCode(err, models.CodeNotFound) {
			return nil, models.Errorf(models.CodeForbidden, "the audit trail is for the bureau and admins")
		}
		return nil, err
	}
	q := models.ListQuery{Coll: models.CollAudit, Page: f.Page, All: []models.AnyOf{
		models.Terms("action", f.Action...), models.Terms("resource_type", f.ResourceType...),
		models.Terms("resource_id", f.ResourceID...), models.Terms("actor_id", f.ActorID...),
	}}
	return listPage(ctx, s.Lister, q, s.Store.AuditEntry, func(*models.AuditEntry) bool { return true })
}

// Names implements models.AuditService. Every name is one read by _id (the
// page of a trail is at most 100 entries); the talent profiles are read from
// the store, not through Talents.Get, so that naming a talent reveals no
// contact details and records no reveal.
func (s *Audit) Names(ctx context.Context, actor *models.User, entries []*models.AuditEntry) (map[string]map[string]string, error) {
	if err := models.Authorize(actor, models.ActRead, models.Resource{Kind: models.KindAudit}); err != nil {
		if models.IsCode(err, models.CodeNotFound) {
			return nil, models.Errorf(models.CodeForbidden, "the audit trail is for the bureau and admins")
		}
		return nil, err
	}
	out := map[string]map[string]string{}
	want := map[string]map[string]bool{}
	ask := func(kind, id string) {
		if id == "" {
			return
		}
		if want[kind] == nil {
			want[kind] = map[string]bool{}
		}
		want[kind][id] = true
	}
	for _, e := range entries {
		switch models.Kind(e.ResourceType) {
		case models.KindTalent, models.KindOrg, models.KindBase, models.KindRecruitment, models.KindTeam, models.KindCall, models.KindEntry:
			ask(e.ResourceType, e.ResourceID)
		}
		for _, m := range []map[string]any{e.Before, e.After} {
			for key, kind := range map[string]string{"org_id": "org", "member_id": "user", "application_id": "application", "call_id": "call"} {
				if id, ok := m[key].(string); ok {
					ask(kind, id)
				}
			}
			// The members a decision was told to.
			if ids, ok := models.StringsOf(m["members"]); ok {
				for _, id := range ids {
					ask("user", id)
				}
			}
		}
	}
	for kind, ids := range want {
		out[kind] = map[string]string{}
		for id := range ids {
			name, err := s.name(ctx, kind, id)
			if models.IsCode(err, models.CodeNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if name != "" {
				out[kind][id] = name
			}
		}
	}
	return out, nil
}

// name is the display name of one object; CodeNotFound when it is gone
// (an erased talent is named by its pseudonym where an entry names that:
// nothing derives a pseudonym from an id).
func (s *Audit) name(ctx context.Context, kind, id string) (string, error) {
	switch kind {
	case "talent":
		if models.IsPseudonym(id) {
			return id, nil
		}
		t, err := s.Store.Talent(ctx, id)
		if err != nil {
			return "", err
		}
		return t.Name, nil
	case "org":
		o, err := s.Store.Org(ctx, id)
		if err != nil {
			return "", err
		}
		return o.Name, nil
	case "base":
		b, err := s.Store.Base(ctx, id)
		if err != nil {
			return "", err
		}
		return b.Name, nil
	case "user":
		u, err := s.Store.User(ctx, id)
		if err != nil {
			return "", err
		}
		return u.Name, nil
	case "team":
		t, err := s.Store.Team(ctx, id)
		if err != nil {
			return "", err
		}
		return t.Name, nil
	case "call":
		c, err := s.Store.Call(ctx, id)
		if err != nil {
			return "", err
		}
		return c.Title, nil
	case "entry":
		e, err := s.Store.Entry(ctx, id)
		if err != nil {
			return "", err
		}
		c, err := s.Store.Call(ctx, e.CallID)
		if err != nil {
			return "", err
		}
		if e.Name == "" {
			return c.Title, nil
		}
		return e.Name + " · " + c.Title, nil
	case "application":
		a, err := s.Store.Application(ctx, id)
		if err != nil {
			return "", err
		}
		p, err := s.Store.Project(ctx, a.ProjectID)
		if err != nil {
			return "", err
		}
		return p.Title, nil
	case "recruitment":
		r, err := s.Store.Recruitment(ctx, id)
		if err != nil {
			return "", err
		}
		who := r.TalentName
		if r.Erased || models.IsPseudonym(r.TalentID) {
			who = r.TalentID // the pseudonym
		} else if who == "" {
			if who, err = s.name(ctx, "talent", r.TalentID); err != nil && !models.IsCode(err, models.CodeNotFound) {
				return "", err
			}
		}
		if o, err := s.Store.Org(ctx, r.OrgID); err == nil {
			return who + " · " + o.Name, nil
		} else if !models.IsCode(err, models.CodeNotFound) {
			return "", err
		}
		return who, nil
	}
	return "", models.Errorf(models.CodeNotFound, "no names for %s", kind)
}
