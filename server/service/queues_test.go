package service_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// TestQueueOrdersAndFilters: the bureau's queues list what waits oldest
// first or newest first by when it was registered or reported (whatever
// the hire's date), page by page without overlap, and filter organisations
// and bases by industry.
func TestQueueOrdersAndFilters(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 4, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st := storetest.MustOpen(t, func(o *store.Options) { o.Now = clock })
	logger := slog.New(slog.DiscardHandler)
	ix, err := search.Open(ctx, search.Options{Source: st, Logger: logger})
	must(t, err)
	t.Cleanup(func() { _ = ix.Close() })
	st.Observe(ix.Observe)
	svc := service.New(service.Config{Store: st, Index: ix, Logger: logger, Now: clock})
	must(t, svc.Taxonomies.Seed(ctx))
	bureau := &models.User{ID: store.NewID(), Role: models.RoleBureau}

	// Four organisations registered a day apart; the second and the
	// fourth in animation.
	var orgs []string
	for i, industry := range []string{"games", "animation", "games", "animation"} {
		u := &models.User{Email: string(rune('a'+i)) + "@org.example", Name: "hr", Role: models.RoleOrg}
		must(t, st.CreateUser(ctx, u, "h"))
		o, err := svc.Orgs.Create(ctx, u, models.OrgInput{Name: "机构" + string(rune('甲'+i)), Kind: models.OrgEnterprise, District: "nanshan",
			Industries: []string{industry}})
		must(t, err)
		orgs = append(orgs, o.ID)
		now = now.Add(24 * time.Hour)
	}
	pending := []models.Status{models.StatusPending}
	ids := func(l *models.List[*models.Org]) []string {
		var out []string
		for _, o := range l.Items {
			out = append(out, o.ID)
		}
		return out
	}
	list := func(f models.OrgFilter) []string {
		t.Helper()
		f.Status = pending
		l, err := svc.Orgs.List(ctx, bureau, f)
		must(t, err)
		return ids(l)
	}
	all := models.Page{Page: 1, PerPage: 10}
	if got := list(models.OrgFilter{Order: models.OrderOldest, Page: all}); !slices.Equal(got, orgs) {
		t.Errorf("oldest first: %v, want %v", got, orgs)
	}
	newest := slices.Clone(orgs)
	slices.Reverse(newest)
	if got := list(models.OrgFilter{Order: models.OrderNewest, Page: all}); !slices.Equal(got, newest) {
		t.Errorf("newest first: %v, want %v", got, newest)
	}
	p1 := list(models.OrgFilter{Order: models.OrderOldest, Page: models.Page{Page: 1, PerPage: 3}})
	p2 := list(models.OrgFilter{Order: models.OrderOldest, Page: models.Page{Page: 2, PerPage: 3}})
	if !slices.Equal(append(p1, p2...), orgs) {
		t.Errorf("pages of 3: %v then %v, want %v", p1, p2, orgs)
	}
	if got := list(models.OrgFilter{Order: models.OrderOldest, Industry: []string{"animation"}, Page: all}); !slices.Equal(got, []string{orgs[1], orgs[3]}) {
		t.Errorf("in animation: %v, want %v", got, []string{orgs[1], orgs[3]})
	}

	// Two verified organisations' bases: one in animation.
	_, err = svc.Orgs.Decide(ctx, bureau, orgs[0], models.DecisionInput{Decision: models.StatusVerified})
	must(t, err)
	member, err := st.User(ctx, mustOrg(t, st, orgs[0]).CreatedBy)
	must(t, err)
	member.OrgVerified = true
	var bases []string
	for _, industry := range []string{"animation", "games"} {
		b, err := svc.Bases.Create(ctx, member, models.BaseInput{Name: "基地", Kind: models.BaseTraining, District: "nanshan",
			Industries: []string{industry}, OperatorOrgIDs: []string{orgs[0]}})
		must(t, err)
		bases = append(bases, b.ID)
		now = now.Add(time.Hour)
	}
	bl, err := svc.Bases.List(ctx, bureau, models.BaseFilter{Status: pending, Industry: []string{"animation"}, Order: models.OrderOldest, Page: all})
	must(t, err)
	if len(bl.Items) != 1 || bl.Items[0].ID != bases[0] {
		t.Errorf("bases in animation: %+v", bl.Items)
	}

	// Reports: the later report has the earlier hire date.
	var recs []string
	for i, date := range []string{"2025-02-01", "2024-12-01"} {
		tu := &models.User{Email: string(rune('p'+i)) + "@creator.example", Name: "c", Role: models.RoleCreator}
		must(t, st.CreateUser(ctx, tu, "h"))
		tal, err := svc.Talents.Create(ctx, tu, models.TalentInput{Name: "创作者", Visibility: models.VisibilityPublic})
		must(t, err)
		r, err := svc.Recruitments.Report(ctx, member, models.RecruitmentInput{TalentID: tal.ID, OrgID: orgs[0], Date: date,
			Origin: models.OriginDomestic, District: "nanshan", Industry: "games"})
		must(t, err)
		recs = append(recs, r.ID)
		now = now.Add(time.Hour)
	}
	rl := func(order string) []string {
		t.Helper()
		l, err := svc.Recruitments.List(ctx, bureau, models.RecruitmentFilter{Status: []string{string(models.StatusReported)}, Order: order, Page: all})
		must(t, err)
		var out []string
		for _, r := range l.Items {
			out = append(out, r.ID)
		}
		return out
	}
	if got := rl(models.OrderOldest); !slices.Equal(got, recs) {
		t.Errorf("reports oldest first: %v, want %v", got, recs)
	}
	if got := rl(models.OrderNewest); !slices.Equal(got, []string{recs[1], recs[0]}) {
		t.Errorf("reports newest first: %v", got)
	}
	if got := rl(""); !slices.Equal(got, recs) { // by the hire's date, the latest first
		t.Errorf("reports by date: %v", got)
	}
}

func mustOrg(t *testing.T, st *store.Store, id string) *models.Org {
	t.Helper()
	o, err := st.Org(context.Background(), id)
	must(t, err)
	return o
}
