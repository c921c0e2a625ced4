package service_test

import (
	"math"
	"slices"
	"testing"

	"github.com/szdc/talenthub/models"
)

func ip(n int) *int { return &n }

// My matches leave out projects applied or invited to and, by default,
// those of which the creator has none of the skills asked; the filter's
// minimum score and "any skills" widen or narrow them.
func TestMatchesLeaveOutAppliedAndUnskilled(t *testing.T) {
	w := newJourneyWorld(t)
	ctx := w.ctx
	post := func(title string, skills ...string) *models.Project {
		p, err := w.svc.Projects.Create(ctx, w.member, models.ProjectInput{Title: title, Kind: models.ProjectJob, Skills: skills,
			Industries: []string{"games"}, Openings: 1})
		must(t, err)
		return p
	}
	other := post("原画 角色设计", "原画", "角色设计")
	unskilled := post("原画 动画师", "Spine")
	noSkills := post("原画 实习生")
	ids := func(f models.ProjectMatchFilter) []string {
		t.Helper()
		f.Page = models.Page{Page: 1, PerPage: 50}
		l, err := w.svc.Talents.Matches(ctx, w.creator, w.talent.ID, f)
		must(t, err)
		var out []string
		for _, m := range l.Items {
			out = append(out, m.Project.ID)
			if m.OrgName != "星河工作室" {
				t.Errorf("match %s names organisation %q", m.Project.Title, m.OrgName)
			}
		}
		if l.Total != len(out) {
			t.Errorf("total %d, items %d", l.Total, len(out))
		}
		return out
	}
	got := ids(models.ProjectMatchFilter{})
	if !slices.Contains(got, w.project.ID) || !slices.Contains(got, other.ID) || !slices.Contains(got, noSkills.ID) || slices.Contains(got, unskilled.ID) {
		t.Fatalf("default filter: %v; want the projects with a skill in common and the one asking none, not %s", got, unskilled.ID)
	}
	if got := ids(models.ProjectMatchFilter{AnySkills: true}); !slices.Contains(got, unskilled.ID) {
		t.Errorf("any skills: %v lacks %s", got, unskilled.ID)
	}
	if got := ids(models.ProjectMatchFilter{MinScore: 100}); len(got) != 0 {
		t.Errorf("min score 100 %%: %v", got)
	}
	_, err := w.svc.Applications.Create(ctx, w.creator, w.project.ID, models.ApplicationInput{Message: "你好"})
	must(t, err)
	_, err = w.svc.Applications.Create(ctx, w.member, other.ID, models.ApplicationInput{TalentID: w.talent.ID})
	must(t, err)
	if got := ids(models.ProjectMatchFilter{}); slices.Contains(got, w.project.ID) || slices.Contains(got, other.ID) || !slices.Contains(got, noSkills.ID) {
		t.Errorf("after applying to %s and an invitation to %s: %v", w.project.ID, other.ID, got)
	}
}

// The creator and the organisation see the same factors, with the same
// weights summing to 100 %, for the same pair (before, the creator saw four
// factors weighing 47 + 24 + 18 + 12 = 101 % and the organisation six).
func TestMatchReasonsAreTheSameOnBothSides(t *testing.T) {
	w := newJourneyWorld(t)
	ctx := w.ctx
	mine, err := w.svc.Talents.Matches(ctx, w.creator, w.talent.ID, models.ProjectMatchFilter{Page: models.Page{Page: 1, PerPage: 20}})
	must(t, err)
	theirs, err := w.svc.Projects.Matches(ctx, w.member, w.project.ID, models.Page{Page: 1, PerPage: 20})
	must(t, err)
	if len(mine.Items) != 1 || len(theirs.Items) != 1 {
		t.Fatalf("matches: %d for the creator, %d for the organisation", len(mine.Items), len(theirs.Items))
	}
	factors := func(rs []models.Reason) ([]string, []float64) {
		var fs []string
		var ws []float64
		sum := 0.0
		for _, r := range rs {
			fs, ws = append(fs, r.Factor), append(ws, r.Weight)
			sum += math.Round(r.Weight * 100)
		}
		if sum != 100 {
			t.Errorf("weights %v sum to %v %%", ws, sum)
		}
		return fs, ws
	}
	f1, w1 := factors(mine.Items[0].Reasons)
	f2, w2 := factors(theirs.Items[0].Reasons)
	if !slices.Equal(f1, f2) || !slices.Equal(w1, w2) {
		t.Errorf("creator sees %v %v; organisation %v %v", f1, w1, f2, w2)
	}
}

// Projects carry their pay through create, patch and read; a bad pay is
// refused whole; the search names the organisation and sorts by pay and by
// the creator's match.
func TestProjectPayAndSorts(t *testing.T) {
	w := newJourneyWorld(t)
	ctx := w.ctx
	in := models.ProjectInput{Title: "原画 外包", Kind: models.ProjectCollaboration, Skills: []string{"原画"}, Openings: 1,
		PayMin: ip(500), PayMax: ip(800), PayUnit: models.PayDay}
	day, err := w.svc.Projects.Create(ctx, w.member, in)
	must(t, err)
	if day.PayCurrency != "CNY" || *day.PayMax != 800 {
		t.Fatalf("created: %+v", day)
	}
	month, err := w.svc.Projects.Create(ctx, w.member, models.ProjectInput{Title: "月薪 原画", Kind: models.ProjectJob, Openings: 1,
		PayMin: ip(8000), PayMax: ip(12000), PayUnit: models.PayMonth})
	must(t, err)
	// Hostile patches change nothing.
	for _, u := range []models.ProjectUpdate{{PayMin: ip(900)}, {PayMax: ip(-1)}, {PayMax: ip(models.MaxPay + 1)}, {PayUnit: ptr(models.PayUnit("week"))},
		{PayUnit: ptr(models.PayUnit("")), PayMin: ip(1)}} {
		if _, err := w.svc.Projects.Update(ctx, w.member, day.ID, u, 0); !models.IsCode(err, models.CodeValidation) {
			t.Errorf("patch %+v: %v", u, err)
		}
	}
	got, err := w.svc.Projects.Get(ctx, w.member, day.ID)
	must(t, err)
	if *got.PayMin != 500 || *got.PayMax != 800 || got.PayUnit != models.PayDay || got.Version != day.Version {
		t.Fatalf("after refused patches: %+v", got)
	}
	res, err := w.svc.Projects.Search(ctx, w.creator, models.ProjectSearch{Sort: "pay", Page: models.Page{Page: 1, PerPage: 10}})
	must(t, err)
	var order []string
	for _, h := range res.Items {
		order = append(order, h.ID)
		if h.OrgName != "星河工作室" {
			t.Errorf("hit %s names %q", h.Title, h.OrgName)
		}
	}
	// 800 a day is 17,400 a month, above 12,000; the negotiable one last.
	if want := []string{day.ID, month.ID, w.project.ID}; !slices.Equal(order, want) {
		t.Errorf("by pay: %v, want %v", order, want)
	}
	res, err = w.svc.Projects.Search(ctx, w.creator, models.ProjectSearch{Sort: "match", Page: models.Page{Page: 1, PerPage: 10}})
	must(t, err)
	if res.Total != 3 || len(res.Items) != 3 || res.Items[0].MatchScore == nil || *res.Items[0].MatchScore < *res.Items[2].MatchScore ||
		res.Items[2].ID != month.ID {
		t.Errorf("by match: %+v", res.Items)
	}
	for _, u := range []*models.User{w.member, w.account(t, "new@example.com", models.RoleCreator)} {
		if _, err := w.svc.Projects.Search(ctx, u, models.ProjectSearch{Sort: "match", Page: models.Page{Page: 1, PerPage: 10}}); !models.IsCode(err, models.CodeBadRequest) {
			t.Errorf("sort by match without a profile (%s): %v", u.Role, err)
		}
	}
}
