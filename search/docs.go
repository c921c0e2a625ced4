package search

import (
	"fmt"
	"strings"
	"time"

	"github.com/szdc/talenthub/models"
)

// docID is the Bleve id of a document: collection and id, since ids of
// different collections may coincide (a talent's id is its owner's).
func docID(coll, id string) string { return coll + "/" + id }

// splitID undoes docID.
func splitID(bid string) (coll, id string) {
	for i := 0; i < len(bid); i++ {
		if bid[i] == '/' {
			return bid[:i], bid[i+1:]
		}
	}
	return "", bid
}

// indexDoc turns a model into the fields the mapping indexes. Every field is
// named explicitly: in particular a talent's contact is never copied.
func indexDoc(doc any) (coll, id string, fields map[string]any, err error) {
	meta := func(v int64, created, updated time.Time) map[string]any {
		return map[string]any{"version": v, "created_at": created, "updated_at": updated}
	}
	switch d := doc.(type) {
	case *models.Talent:
		f := meta(d.Version, d.CreatedAt, d.UpdatedAt)
		f["text"] = talentText(d)
		f[rawField] = f["text"]
		if py := namePinyin(d.Name); len(py) > 0 {
			f[pinyinField] = py
		}
		f["skills"], f["tools"], f["industries"] = d.Skills, d.Tools, d.Industries
		f["skills_key"], f["tools_key"] = keys(d.Skills), keys(d.Tools)
		f["district"], f["origin"], f["level"] = d.District, string(d.Origin), string(d.Level)
		f["available"], f["visibility"], f["years_experience"] = d.Available, string(d.Visibility), d.YearsExperience
		return models.CollTalents, d.ID, f, nil
	case *models.Org:
		f := meta(d.Version, d.CreatedAt, d.UpdatedAt)
		f["name"], f["kind"], f["district"], f["industries"] = d.Name, d.Kind, d.District, d.Industries
		f["flags"], f["status"], f["member_ids"] = d.Flags, string(d.Status), d.MemberIDs
		return models.CollOrgs, d.ID, f, nil
	case *models.Base:
		f := meta(d.Version, d.CreatedAt, d.UpdatedAt)
		f["name"], f["kind"], f["district"], f["industries"] = d.Name, d.Kind, d.District, d.Industries
		f["operator_org_ids"], f["status"] = d.OperatorOrgIDs, string(d.Status)
		return models.CollBases, d.ID, f, nil
	case *models.Project:
		f := meta(d.Version, d.CreatedAt, d.UpdatedAt)
		f["text"] = projectText(d)
		f[rawField] = f["text"]
		f["kind"], f["org_id"] = string(d.Kind), d.OrgID
		f["skills"], f["industries"], f["district"] = d.Skills, d.Industries, d.District
		f["skills_key"] = keys(d.Skills)
		f["status"] = string(d.Status)
		if d.Deadline != "" {
			// Absent rather than empty: sorted by deadline, a project
			// without one comes after every dated one (Bleve puts a
			// missing value last, an empty one first).
			f["deadline"] = d.Deadline
		}
		// Absent without a pay, for the same reason: sorted by pay, a
		// negotiable project comes last.
		if d.HasPay() {
			f["pay_unit"], f["pay_min"], f["pay_max"] = string(d.PayUnit), *d.PayMin, *d.PayMax
			if m, ok := d.MonthlyPay(); ok {
				f["pay_monthly"] = m
			}
		}
		return models.CollProjects, d.ID, f, nil
	case *models.Application:
		f := meta(d.Version, d.CreatedAt, d.UpdatedAt)
		f["project_id"], f["org_id"], f["talent_id"] = d.ProjectID, d.OrgID, d.TalentID
		f["stage"], f["initiated_by"] = string(d.Stage), string(d.InitiatedBy)
		return models.CollApplications, d.ID, f, nil
	case *models.Recruitment:
		f := meta(d.Version, d.CreatedAt, d.UpdatedAt)
		f["talent_id"], f["org_id"], f["status"] = d.TalentID, d.OrgID, string(d.Status)
		f["district"], f["industry"], f["origin"], f["level"] = d.District, d.Industry, string(d.Origin), string(d.Level)
		f["date"], f["year"], f["high_end"] = d.Date, models.DateYear(d.Date), d.HighEnd
		return models.CollRecruitments, d.ID, f, nil
	case *models.AuditEntry:
		// Audit entries never change; their time is their version's time.
		f := meta(1, d.At, d.At)
		f["action"], f["resource_type"], f["resource_id"], f["actor_id"] = d.Action, d.ResourceType, d.ResourceID, d.ActorID
		return models.CollAudit, d.ID, f, nil
	}
	return "", "", nil, fmt.Errorf("search: cannot index %T", doc)
}

// talentText is a profile's searchable text: the headline and skills twice
// (they say more than a bio), then the tools, name, bio and works. Never
// the contact.
func talentText(t *models.Talent) string {
	parts := []string{t.Headline, t.Headline, strings.Join(t.Skills, "\n"), strings.Join(t.Skills, "\n"),
		strings.Join(t.Tools, "\n"), t.Name, t.Bio}
	for _, w := range t.Works {
		parts = append(parts, w.Title, w.Description, strings.Join(w.Tags, " "))
	}
	return strings.Join(parts, "\n")
}

// projectText is a project's searchable text, title and skills twice.
func projectText(p *models.Project) string {
	return strings.Join([]string{p.Title, p.Title, strings.Join(p.Skills, "\n"), strings.Join(p.Skills, "\n"), p.Description}, "\n")
}
