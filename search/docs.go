package search

import (
	"fmt"
	"slices"
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
		f[listedField] = strings.Join(append(slices.Clone(d.Skills), d.Tools...), "\n")
		if forms := nameForms(d.Name); len(forms) > 0 {
			f[pinyinField] = forms
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
		f[listedField] = strings.Join(d.Skills, "\n")
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
	case *models.Team:
		f := meta(d.Version, d.CreatedAt, d.UpdatedAt)
		f["text"] = teamText(d)
		f[rawField] = f["text"]
		f["stage"], f["industry"], f["district"] = string(d.Stage), d.Industry, d.District
		// Accepted members only: an invitation does not make a team
		// anyone's ("mine").
		f["member_ids"], f["founder_id"] = d.MemberIDs(), d.FounderID
		var invited []string
		for _, m := range d.Members {
			if m.Status == models.MemberInvited {
				invited = append(invited, m.UserID)
			}
		}
		f["invited_ids"] = invited
		return models.CollTeams, d.ID, f, nil
	case *models.Call:
		f := meta(d.Version, d.CreatedAt, d.UpdatedAt)
		f["text"] = callText(d)
		f[rawField] = f["text"]
		stages := make([]string, len(d.Stages))
		for i, s := range d.Stages {
			stages[i] = string(s)
		}
		f["org_id"], f["industries"], f["stages"], f["reviewers"] = d.OrgID, d.Industries, stages, d.Reviewers
		f["individuals"], f["created_by"] = d.Individuals, d.CreatedBy
		// Absent rather than empty, as a project's deadline: an empty day
		// would fall inside every range open below.
		if d.Opens != "" {
			f["opens"] = d.Opens
		}
		if d.Closes != "" {
			f["closes"] = d.Closes
		}
		return models.CollCalls, d.ID, f, nil
	case *models.Entry:
		f := meta(d.Version, d.CreatedAt, d.UpdatedAt)
		f["call_id"], f["org_id"], f["team_id"], f["applicant_id"] = d.CallID, d.OrgID, d.TeamID, d.ApplicantID
		f["status"] = d.Status
		if d.SubmittedAt != nil {
			f["submitted_at"] = *d.SubmittedAt
		}
		return models.CollEntries, d.ID, f, nil
	case *models.Milestone:
		// In the feed for the incubation figures, not searched: no fields.
		return models.CollMilestones, d.ID, nil, nil
	}
	return "", "", nil, fmt.Errorf("search: cannot index %T", doc)
}

// indexes reports whether the index keeps documents of coll: the feed
// carries collections it does not (milestones).
func indexes(coll string) bool {
	_, ok := fields[coll]
	return ok
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

// teamText is a team's searchable text, its name twice (it says more than
// a pitch of a hundred words).
func teamText(t *models.Team) string {
	return strings.Join([]string{t.Name, t.Name, t.Pitch}, "\n")
}

// callText is a call's searchable text, its title twice.
func callText(c *models.Call) string {
	return strings.Join([]string{c.Title, c.Title, c.Description}, "\n")
}

// projectText is a project's searchable text, title and skills twice.
func projectText(p *models.Project) string {
	return strings.Join([]string{p.Title, p.Title, strings.Join(p.Skills, "\n"), strings.Join(p.Skills, "\n"), p.Description}, "\n")
}
