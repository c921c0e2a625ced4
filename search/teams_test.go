package search

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
)

var teamBase = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// team is team n (newer with n), with one accepted member and one invited.
func team(n int, name, pitch string, stage models.TeamStage, industry, district string) *models.Team {
	return &models.Team{ID: hex24(0x7000 + n), Name: name, Pitch: pitch, Stage: stage, Industry: industry, District: district,
		FounderID: fmt.Sprintf("founder%d", n),
		Members: []models.TeamMember{
			{UserID: fmt.Sprintf("founder%d", n), Status: models.MemberActive, Founder: true},
			{UserID: fmt.Sprintf("invited%d", n), Status: models.MemberInvited},
		},
		Version: 1, CreatedAt: teamBase.Add(time.Duration(n) * time.Hour), UpdatedAt: teamBase}
}

func call(n int, title, desc string, stages []models.TeamStage, industries []string, opens, closes string) *models.Call {
	return &models.Call{ID: hex24(0x8000 + n), OrgID: "org1", Title: title, Description: desc, Stages: stages, Industries: industries,
		Opens: opens, Closes: closes, Reviewers: []string{"rev1"}, Version: 1, CreatedAt: teamBase.Add(time.Duration(n) * time.Hour)}
}

func observe(ix *Index, coll, id string, version int64, doc any) {
	ix.Observe(context.Background(), models.Change{Coll: coll, ID: id, Version: version, Doc: doc, Deleted: doc == nil})
}

func hitIDs(hits []models.SearchHit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

func searchTeams(t *testing.T, ix *Index, q models.TeamSearch) *models.SearchPage {
	t.Helper()
	if q.Page.PerPage == 0 {
		q.Page = models.Page{Page: 1, PerPage: 50}
	}
	p, err := ix.SearchTeams(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// facetString writes facets in a fixed order, for comparison.
func facetString(f map[string][]models.FacetCount) string {
	var b strings.Builder
	for _, name := range teamFacets {
		fmt.Fprintf(&b, "%s:", name)
		cs := slices.Clone(f[name])
		slices.SortFunc(cs, func(a, b models.FacetCount) int { return strings.Compare(a.Key, b.Key) })
		for _, c := range cs {
			fmt.Fprintf(&b, " %s=%d", c.Key, c.Count)
		}
		b.WriteString("; ")
	}
	return b.String()
}

// wantFacets counts the facets of teams by hand.
func wantFacets(teams []*models.Team) string {
	f := map[string][]models.FacetCount{}
	for _, name := range teamFacets {
		m := map[string]int{}
		for _, t := range teams {
			m[map[string]string{"stage": string(t.Stage), "industry": t.Industry, "district": t.District}[name]]++
		}
		for k, n := range m {
			f[name] = append(f[name], models.FacetCount{Key: k, Count: n})
		}
	}
	return facetString(f)
}

func TestTeamFieldsAreDeclared(t *testing.T) {
	now := time.Now()
	sub := now
	for _, d := range []any{team(1, "n", "p", models.StageIdea, "game", "nanshan"),
		call(1, "t", "d", []models.TeamStage{models.StageIdea}, []string{"game"}, "2026-01-01", "2026-02-01"),
		&models.Entry{ID: "c-a", CallID: "c", OrgID: "o", ApplicantID: "a", Status: models.EntrySubmitted, SubmittedAt: &sub}} {
		coll, _, f, err := indexDoc(d)
		if err != nil {
			t.Fatal(err)
		}
		for name := range f {
			if _, ok := fields[coll][name]; !ok {
				t.Errorf("%s: field %q is indexed but not in the mapping", coll, name)
			}
		}
	}
	_, _, f, _ := indexDoc(team(1, "n", "p", models.StageIdea, "game", "nanshan"))
	if got := f["member_ids"].([]string); !slices.Equal(got, []string{"founder1"}) {
		t.Errorf("member_ids = %v, want the accepted member only", got)
	}
}

// A team is found by the words of its name and pitch, in Chinese and in
// English (synonyms of the vocabulary included).
func TestTeamSearchFindsChineseAndEnglish(t *testing.T) {
	ix := memIndex(t)
	teams := []*models.Team{
		team(1, "星幕科技", "数字人 虚拟主播 动作捕捉", models.StagePrototype, "animation", "nanshan"),
		team(2, "Pixel Forge", "Indie game studio making roguelike games with Unreal Engine", models.StageIdea, "game", "futian"),
		team(3, "声音工坊", "为游戏和动画做音效设计与配音", models.StageLaunched, "audio", "baoan"),
	}
	for _, tm := range teams {
		observe(ix, models.CollTeams, tm.ID, 1, tm)
	}
	for q, want := range map[string]string{
		"虚拟主播": teams[0].ID, "数字人": teams[0].ID, "motion capture": teams[0].ID, "vtuber": teams[0].ID, "星幕科技": teams[0].ID,
		"roguelike": teams[1].ID, "unreal": teams[1].ID, "pixel forge": teams[1].ID, "音效": teams[2].ID,
	} {
		p := searchTeams(t, ix, models.TeamSearch{Q: q})
		if p.Total != 1 || len(p.Hits) != 1 || p.Hits[0].ID != want || p.Hits[0].Version != 1 || p.Hits[0].Score <= 0 {
			t.Errorf("%q: total %d, hits %+v; want %s alone", q, p.Total, p.Hits, want)
		}
	}
	// Words match teams, not the other collections that share the text
	// field.
	pr := &models.Project{ID: hex24(0x9001), OrgID: "o", Title: "虚拟主播 运营", Kind: models.ProjectJob, Status: models.ProjectOpen, Version: 1}
	observe(ix, models.CollProjects, pr.ID, 1, pr)
	c := call(1, "虚拟主播 孵化", "", []models.TeamStage{models.StageIdea}, nil, "2026-01-01", "2026-12-31")
	observe(ix, models.CollCalls, c.ID, 1, c)
	if p := searchTeams(t, ix, models.TeamSearch{Q: "虚拟主播"}); p.Total != 1 || p.Hits[0].ID != teams[0].ID {
		t.Errorf("虚拟主播 with a project and a call of the same words: %d %v", p.Total, hitIDs(p.Hits))
	}
	// Without words the newest come first.
	p := searchTeams(t, ix, models.TeamSearch{})
	if got := hitIDs(p.Hits); !slices.Equal(got, []string{teams[2].ID, teams[1].ID, teams[0].ID}) || p.Total != 3 {
		t.Errorf("browse: %d %v", p.Total, got)
	}
}

// Totals and facets are those of every match, exact on every page and on
// a repeated search (cached facets), on an index on disk as a server has.
func TestTeamSearchTotalsAndFacetsExact(t *testing.T) {
	ix := openOnDisk(t)
	stages := []models.TeamStage{models.StageIdea, models.StagePrototype, models.StageLaunched}
	industries := []string{"game", "animation"}
	districts := []string{"nanshan", "futian", "baoan", "luohu"}
	var teams []*models.Team
	for i := range 37 {
		pitch := "独立游戏 工作室"
		if i%3 == 0 {
			pitch = "动画 短片"
		}
		tm := team(i, fmt.Sprintf("团队%d", i), pitch, stages[i%3], industries[i%2], districts[i%4])
		teams = append(teams, tm)
		observe(ix, models.CollTeams, tm.ID, 1, tm)
	}
	pick := func(keep func(*models.Team) bool) []*models.Team {
		var out []*models.Team
		for _, tm := range teams {
			if keep(tm) {
				out = append(out, tm)
			}
		}
		return out
	}
	cases := []struct {
		q    models.TeamSearch
		want []*models.Team
	}{
		{models.TeamSearch{}, teams},
		{models.TeamSearch{Stage: []string{"idea", "launched"}}, pick(func(tm *models.Team) bool { return tm.Stage != models.StagePrototype })},
		{models.TeamSearch{Industry: []string{"game"}, District: []string{"nanshan", "baoan"}},
			pick(func(tm *models.Team) bool {
				return tm.Industry == "game" && (tm.District == "nanshan" || tm.District == "baoan")
			})},
		{models.TeamSearch{Q: "游戏"}, pick(func(tm *models.Team) bool { return strings.Contains(tm.Pitch, "游戏") })},
		{models.TeamSearch{Q: "游戏", District: []string{"futian"}},
			pick(func(tm *models.Team) bool { return strings.Contains(tm.Pitch, "游戏") && tm.District == "futian" })},
	}
	for _, c := range cases {
		want := make([]string, len(c.want))
		for i, tm := range c.want {
			want[i] = tm.ID
		}
		slices.Sort(want)
		for round := range 2 {
			var got []string
			for page := 1; ; page++ {
				q := c.q
				q.Page = models.Page{Page: page, PerPage: 7}
				p := searchTeams(t, ix, q)
				if p.Total != len(c.want) {
					t.Fatalf("%+v round %d page %d: total %d, want %d", c.q, round, page, p.Total, len(c.want))
				}
				if f := facetString(p.Facets); f != wantFacets(c.want) {
					t.Fatalf("%+v round %d page %d: facets %s\nwant %s", c.q, round, page, f, wantFacets(c.want))
				}
				got = append(got, hitIDs(p.Hits)...)
				if len(p.Hits) < 7 {
					break
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("%+v round %d: the pages hold %v, want %v", c.q, round, got, want)
			}
		}
	}
}

func TestTeamFilters(t *testing.T) {
	ix := memIndex(t)
	a := team(1, "A", "x", models.StageIdea, "game", "nanshan")
	b := team(2, "B", "x", models.StageRevenue, "animation", "futian")
	b.Members = append(b.Members, models.TeamMember{UserID: "founder1", Status: models.MemberActive})
	c := team(3, "C", "x", models.StageScaling, "game", "futian")
	for _, tm := range []*models.Team{a, b, c} {
		observe(ix, models.CollTeams, tm.ID, 1, tm)
	}
	for _, tc := range []struct {
		q    models.TeamSearch
		want []string
	}{
		{models.TeamSearch{Stage: []string{"idea", "scaling"}}, []string{c.ID, a.ID}},
		{models.TeamSearch{Industry: []string{"animation"}}, []string{b.ID}},
		{models.TeamSearch{District: []string{"futian"}, Industry: []string{"game"}}, []string{c.ID}},
		{models.TeamSearch{MemberID: "founder1"}, []string{b.ID, a.ID}},
		{models.TeamSearch{MemberID: "founder3", Stage: []string{"scaling"}}, []string{c.ID}},
		// An invitation does not make a team the invitee's.
		{models.TeamSearch{MemberID: "invited1"}, nil},
		// It finds the team among the invitations.
		{models.TeamSearch{InvitedID: "invited1"}, []string{a.ID}},
		{models.TeamSearch{InvitedID: "founder1"}, nil},
		{models.TeamSearch{Stage: []string{"launched"}}, nil},
	} {
		p := searchTeams(t, ix, tc.q)
		if got := hitIDs(p.Hits); !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) || p.Total != len(tc.want) {
			t.Errorf("%+v: %d %v, want %v", tc.q, p.Total, got, tc.want)
		}
	}
}

// A team whose stage changes moves between the buckets of the facets (kept
// counts, and cached counts of a filtered and of a worded search); a
// deleted team leaves every search and count.
func TestTeamUpdatesAndDeletesMoveFacets(t *testing.T) {
	for _, disk := range []bool{false, true} {
		t.Run(fmt.Sprint("disk=", disk), func(t *testing.T) {
			ix := memIndex(t)
			if disk {
				ix = openOnDisk(t)
			}
			var teams []*models.Team
			for i := range 6 {
				tm := team(i, fmt.Sprint("T", i), "游戏 开发", []models.TeamStage{models.StageIdea, models.StagePrototype}[i%2], "game", "nanshan")
				teams = append(teams, tm)
				observe(ix, models.CollTeams, tm.ID, 1, tm)
			}
			queries := []models.TeamSearch{{}, {District: []string{"nanshan"}}, {Q: "游戏"}}
			check := func(when string, want []*models.Team) {
				t.Helper()
				for _, q := range queries {
					p := searchTeams(t, ix, q)
					if p.Total != len(want) || facetString(p.Facets) != wantFacets(want) {
						t.Fatalf("%s, %+v: total %d, facets %s; want %d, %s", when, q, p.Total, facetString(p.Facets), len(want), wantFacets(want))
					}
				}
			}
			check("at first", teams)
			moved := *teams[0]
			moved.Stage, moved.Version = models.StageRevenue, 2
			observe(ix, models.CollTeams, moved.ID, 2, &moved)
			teams[0] = &moved
			check("after a stage change", teams)
			if p := searchTeams(t, ix, models.TeamSearch{Stage: []string{"revenue"}}); p.Total != 1 || p.Hits[0].ID != moved.ID || p.Hits[0].Version != 2 {
				t.Fatalf("revenue: %d %+v", p.Total, p.Hits)
			}
			if p := searchTeams(t, ix, models.TeamSearch{Stage: []string{"idea"}}); p.Total != 2 || slices.Contains(hitIDs(p.Hits), moved.ID) {
				t.Fatalf("idea after the move: %d %v", p.Total, hitIDs(p.Hits))
			}
			observe(ix, models.CollTeams, teams[1].ID, 2, nil)
			gone := teams[1].ID
			teams = slices.Delete(teams, 1, 2)
			check("after a delete", teams)
			for _, q := range queries {
				if slices.Contains(hitIDs(searchTeams(t, ix, q).Hits), gone) {
					t.Fatalf("%+v: the deleted team is still found", q)
				}
			}
		})
	}
}

// A rebuild re-indexes every team in place: counts are not doubled, even
// after the segments are merged.
func TestTeamRebuildKeepsCountsExact(t *testing.T) {
	src := &feedSource{}
	var teams []*models.Team
	for i := range 5 {
		tm := team(i, "团队", "游戏", []models.TeamStage{models.StageIdea, models.StageLaunched}[i%2], "game", "luohu")
		teams = append(teams, tm)
		src.put(models.CollTeams, tm.ID, tm)
	}
	ix, err := Open(context.Background(), Options{Dir: t.TempDir() + "/index", Source: src})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for round := range 3 {
		forceMerge(t, ix)
		if err := ix.Rebuild(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, q := range []models.TeamSearch{{}, {Stage: []string{"idea", "launched"}}, {Q: "游戏"}} {
			p := searchTeams(t, ix, q)
			if p.Total != 5 || facetString(p.Facets) != wantFacets(teams) {
				t.Fatalf("after rebuild %d, %+v: total %d, facets %s", round+1, q, p.Total, facetString(p.Facets))
			}
		}
	}
}

// TeamCandidates: the teams of the stages a call accepts, the text matches
// first by score, then the others with a score of 0, those of an industry
// the call names first.
func TestTeamCandidates(t *testing.T) {
	ix := memIndex(t)
	c := call(1, "虚拟主播 孵化计划", "寻找做数字人和动作捕捉的早期团队", []models.TeamStage{models.StageIdea, models.StagePrototype},
		[]string{"animation"}, "2026-01-01", "2026-12-31")
	best := team(1, "星幕", "虚拟主播 数字人 动作捕捉", models.StageIdea, "game", "nanshan")
	some := team(2, "像素", "我们做数字人", models.StagePrototype, "game", "nanshan")
	wrongStage := team(3, "满分", "虚拟主播 数字人 动作捕捉 孵化计划", models.StageLaunched, "animation", "nanshan")
	industry := team(4, "茶馆", "线下 茶饮 连锁", models.StageIdea, "animation", "futian")
	newest := team(5, "花店", "鲜花 电商", models.StagePrototype, "retail", "futian")
	for _, tm := range []*models.Team{best, some, wrongStage, industry, newest} {
		observe(ix, models.CollTeams, tm.ID, 1, tm)
	}
	// Calls and projects that share the words are not teams.
	observe(ix, models.CollCalls, c.ID, 1, c)
	hits, err := ix.TeamCandidates(context.Background(), c, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hitIDs(hits), []string{best.ID, some.ID, industry.ID, newest.ID}; !slices.Equal(got, want) {
		t.Fatalf("candidates %v, want %v", got, want)
	}
	if !(hits[0].Score > hits[1].Score && hits[1].Score > 0 && hits[2].Score == 0 && hits[3].Score == 0) || hits[0].Version != 1 {
		t.Errorf("scores %+v", hits)
	}
	for _, limit := range []int{1, 3} {
		hits, err := ix.TeamCandidates(context.Background(), c, limit)
		if err != nil || !slices.Equal(hitIDs(hits), []string{best.ID, some.ID, industry.ID}[:limit]) {
			t.Errorf("limit %d: %v %v", limit, hitIDs(hits), err)
		}
	}
	if hits, err := ix.TeamCandidates(context.Background(), c, 0); err != nil || len(hits) != 0 {
		t.Errorf("limit 0: %v %v", hits, err)
	}
	// A word the segmenter does not know is matched by its characters.
	tea := call(3, "茶饮 加速营", "", []models.TeamStage{models.StageIdea}, nil, "2026-01-01", "2026-12-31")
	if hits, err := ix.TeamCandidates(context.Background(), tea, 1); err != nil || len(hits) != 1 || hits[0].ID != industry.ID || hits[0].Score <= 0 {
		t.Errorf("茶饮: %+v %v", hits, err)
	}
	// Only the stages the call accepts.
	c2 := *c
	c2.Stages = []models.TeamStage{models.StageLaunched}
	if hits, err := ix.TeamCandidates(context.Background(), &c2, 10); err != nil || !slices.Equal(hitIDs(hits), []string{wrongStage.ID}) {
		t.Errorf("launched only: %v %v", hitIDs(hits), err)
	}
}

// The filters of a match add nothing to its score: two teams with the same
// text score the same whatever their stage, however rare, so that the
// score says how well the text matches.
func TestTeamCandidateScoresAreTextOnly(t *testing.T) {
	ix := memIndex(t)
	for i := range 8 {
		tm := team(i, fmt.Sprint("T", i), "鲜花 电商", models.StageIdea, "retail", "futian")
		observe(ix, models.CollTeams, tm.ID, 1, tm)
	}
	common := team(20, "花", "虚拟主播 数字人", models.StageIdea, "game", "nanshan")
	rare := team(21, "花", "虚拟主播 数字人", models.StageScaling, "game", "nanshan")
	observe(ix, models.CollTeams, common.ID, 1, common)
	observe(ix, models.CollTeams, rare.ID, 1, rare)
	c := call(1, "虚拟主播", "数字人", []models.TeamStage{models.StageIdea, models.StageScaling}, nil, "2026-01-01", "2026-12-31")
	hits, err := ix.TeamCandidates(context.Background(), c, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 3 || hits[0].Score <= 0 || math.Abs(hits[0].Score-hits[1].Score) > 1e-9 || hits[2].Score != 0 {
		t.Fatalf("hits %+v: the two teams of the same text must score the same", hits)
	}
}

// CallCandidates: the calls open on the day that accept the team's stage,
// the text matches first.
func TestCallCandidates(t *testing.T) {
	ix := memIndex(t)
	const today = "2026-03-15"
	early := []models.TeamStage{models.StageIdea, models.StagePrototype}
	tm := team(1, "星幕", "虚拟主播 数字人 动作捕捉", models.StageIdea, "animation", "nanshan")
	match := call(1, "虚拟主播 孵化", "数字人 方向", early, []string{"game"}, "2026-03-01", "2026-03-31")
	plain := call(2, "硬科技 加速营", "芯片 新材料", early, nil, "2026-03-15", "2026-03-15") // opens and closes today
	industry := call(3, "文创 加速营", "茶饮 餐饮", early, []string{"animation"}, "2026-02-01", "2026-03-15")
	notYet := call(4, "虚拟主播 孵化 二期", "数字人", early, nil, "2026-03-16", "2026-04-30")
	closed := call(5, "虚拟主播 孵化 一期", "数字人", early, nil, "2026-01-01", "2026-03-14")
	laterStage := call(6, "虚拟主播 成长营", "数字人", []models.TeamStage{models.StageRevenue}, nil, "2026-03-01", "2026-03-31")
	for _, c := range []*models.Call{match, plain, industry, notYet, closed, laterStage} {
		observe(ix, models.CollCalls, c.ID, 1, c)
	}
	observe(ix, models.CollTeams, tm.ID, 1, tm)
	hits, err := ix.CallCandidates(context.Background(), tm, today, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hitIDs(hits), []string{match.ID, industry.ID, plain.ID}; !slices.Equal(got, want) {
		t.Fatalf("candidates %v, want %v", got, want)
	}
	if hits[0].Score <= 0 || hits[1].Score != 0 || hits[2].Score != 0 || hits[0].Version != 1 {
		t.Errorf("scores %+v", hits)
	}
	if hits, err := ix.CallCandidates(context.Background(), tm, today, 1); err != nil || !slices.Equal(hitIDs(hits), []string{match.ID}) {
		t.Errorf("limit 1: %v %v", hitIDs(hits), err)
	}
	// The day after, the call that closed today is no longer open.
	hits, err = ix.CallCandidates(context.Background(), tm, "2026-03-16", 10)
	if got := slices.Sorted(slices.Values(hitIDs(hits))); err != nil || !slices.Equal(got, []string{match.ID, notYet.ID}) {
		t.Errorf("the next day: %v %v", got, err)
	}
	if _, err := ix.CallCandidates(context.Background(), tm, "15/03/2026", 10); err == nil {
		t.Error("a day not written YYYY-MM-DD was accepted")
	}
}

// Teams, calls and entries are listed like every collection: keyword
// filters, day ranges, sorts.
func TestListIncubation(t *testing.T) {
	ctx := context.Background()
	ix := memIndex(t)
	early := []models.TeamStage{models.StageIdea}
	calls := []*models.Call{
		call(1, "一", "", early, nil, "2026-01-01", "2026-01-31"),
		call(2, "二", "", early, nil, "2026-03-01", "2026-03-31"),
		call(3, "三", "", early, nil, "2026-03-10", "2026-04-30"),
	}
	calls[2].OrgID, calls[2].Reviewers, calls[2].Individuals = "org2", []string{"rev2", "rev3"}, true
	for _, c := range calls {
		observe(ix, models.CollCalls, c.ID, 1, c)
	}
	list := func(q models.ListQuery) []string {
		t.Helper()
		q.Page = models.Page{Page: 1, PerPage: 50}
		ids, total, err := ix.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if total != len(ids) {
			t.Fatalf("%+v: total %d, %d ids", q, total, len(ids))
		}
		return ids
	}
	day := func(f float64) *float64 { return &f }
	for _, tc := range []struct {
		q    models.ListQuery
		want []string
	}{
		{models.ListQuery{Coll: models.CollCalls, All: []models.AnyOf{models.Terms("org_id", "org1")}}, []string{calls[1].ID, calls[0].ID}},
		{models.ListQuery{Coll: models.CollCalls, All: []models.AnyOf{models.Terms("reviewers", "rev3")}}, []string{calls[2].ID}},
		{models.ListQuery{Coll: models.CollCalls, All: []models.AnyOf{models.Terms("individuals", "true")}}, []string{calls[2].ID}},
		{models.ListQuery{Coll: models.CollCalls, All: []models.AnyOf{models.Terms("stages", "idea")}, Sort: []string{"closes", "_id"}},
			[]string{calls[0].ID, calls[1].ID, calls[2].ID}},
		// Open on 2026-03-15: opens <= day < the day after, closes >= day.
		{models.ListQuery{Coll: models.CollCalls, Ranges: []models.Range{{Field: "opens", Max: day(20260316)}, {Field: "closes", Min: day(20260315)}},
			Sort: []string{"opens", "_id"}}, []string{calls[1].ID, calls[2].ID}},
		{models.ListQuery{Coll: models.CollCalls, Ranges: []models.Range{{Field: "closes", Min: day(20260401)}}}, []string{calls[2].ID}},
		{models.ListQuery{Coll: models.CollCalls, Text: "三"}, []string{calls[2].ID}},
	} {
		if got := list(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.q, got, tc.want)
		}
	}
	for _, bad := range []models.Range{{Field: "closes", Min: day(2026.5)}, {Field: "closes"}, {Field: "org_id", Min: day(1)}} {
		if _, _, err := ix.List(ctx, models.ListQuery{Coll: models.CollCalls, Ranges: []models.Range{bad}}); err == nil {
			t.Errorf("range %+v accepted", bad)
		}
	}

	statuses := []string{models.EntryDraft, models.EntrySubmitted, models.EntryAccepted, models.EntryWaitlisted, models.EntryRejected}
	var decided []string
	for i, st := range statuses {
		e := &models.Entry{ID: models.EntryID(calls[1].ID, fmt.Sprint("team", i)), CallID: calls[1].ID, OrgID: "org1", TeamID: fmt.Sprint("team", i),
			ApplicantID: fmt.Sprint("user", i), Status: st, Version: 1, CreatedAt: teamBase.Add(time.Duration(i) * time.Minute)}
		observe(ix, models.CollEntries, e.ID, 1, e)
		if st != models.EntryDraft {
			decided = append([]string{e.ID}, decided...)
		}
	}
	other := &models.Entry{ID: models.EntryID(calls[0].ID, "user9"), CallID: calls[0].ID, OrgID: "org1", ApplicantID: "user9", Status: models.EntrySubmitted, Version: 1}
	observe(ix, models.CollEntries, other.ID, 1, other)
	got := list(models.ListQuery{Coll: models.CollEntries, All: []models.AnyOf{models.Terms("call_id", calls[1].ID),
		models.Terms("status", models.EntrySubmitted, models.EntryAccepted, models.EntryWaitlisted, models.EntryRejected)}})
	if !slices.Equal(got, decided) {
		t.Errorf("submitted entries of the call: %v, want %v", got, decided)
	}
	if got := list(models.ListQuery{Coll: models.CollEntries, All: []models.AnyOf{models.Terms("applicant_id", "user9")}}); !slices.Equal(got, []string{other.ID}) {
		t.Errorf("by applicant: %v", got)
	}
	if got := list(models.ListQuery{Coll: models.CollEntries, All: []models.AnyOf{models.Terms("team_id", "")}}); !slices.Equal(got, []string{other.ID}) {
		t.Errorf("entries of creators alone: %v", got)
	}

	a, b := team(1, "A", "x", models.StageIdea, "game", "nanshan"), team(2, "B", "x", models.StageIdea, "game", "nanshan")
	b.Members = append(b.Members, models.TeamMember{UserID: "founder1", Status: models.MemberActive})
	observe(ix, models.CollTeams, a.ID, 1, a)
	observe(ix, models.CollTeams, b.ID, 1, b)
	if got := list(models.ListQuery{Coll: models.CollTeams, All: []models.AnyOf{models.Terms("member_ids", "founder1")}}); !slices.Equal(got, []string{b.ID, a.ID}) {
		t.Errorf("teams of founder1: %v", got)
	}
	if got := list(models.ListQuery{Coll: models.CollTeams, All: []models.AnyOf{models.Terms("member_ids", "invited1")}}); len(got) != 0 {
		t.Errorf("teams of an invitee: %v", got)
	}
}

// Milestones are in the change feed but not in the index: a rebuild, a
// catch-up, a reconciliation and a local change pass over them without an
// error or a warning, and index the teams beside them.
func TestMilestonesInTheFeedAreIgnored(t *testing.T) {
	ctx := context.Background()
	src := &feedSource{}
	tm := team(1, "星幕", "虚拟主播", models.StageIdea, "animation", "nanshan")
	src.put(models.CollTeams, tm.ID, tm)
	m := &models.Milestone{ID: hex24(0xa001), TeamID: tm.ID, CallID: "c", Kind: "funding", Date: "2026-01-02", Version: 1}
	src.put(models.CollMilestones, m.ID, m)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ix, err := Open(ctx, Options{Source: src, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if p := searchTeams(t, ix, models.TeamSearch{}); p.Total != 1 {
		t.Fatalf("after the rebuild: %d teams", p.Total)
	}
	if ix.Rebuilt() != 1 {
		t.Errorf("the rebuild indexed %d documents, want the team alone", ix.Rebuilt())
	}
	// Through the feed: a new milestone, a new team, a deleted milestone.
	m2 := &models.Milestone{ID: hex24(0xa002), TeamID: tm.ID, Kind: "award", Date: "2026-01-03", Version: 1}
	src.put(models.CollMilestones, m2.ID, m2)
	tm2 := team(2, "像素", "游戏", models.StagePrototype, "game", "futian")
	src.put(models.CollTeams, tm2.ID, tm2)
	src.remove(models.CollMilestones, m.ID)
	n, err := ix.CatchUp(ctx)
	if err != nil || n != 1 {
		t.Fatalf("CatchUp = %d, %v; want the team alone", n, err)
	}
	if fixed, err := ix.Reconcile(ctx); err != nil || fixed != 0 {
		t.Fatalf("Reconcile = %d, %v", fixed, err)
	}
	if p := searchTeams(t, ix, models.TeamSearch{}); p.Total != 2 {
		t.Fatalf("after the catch-up: %d teams", p.Total)
	}
	observe(ix, models.CollMilestones, m2.ID, 2, m2)
	observe(ix, models.CollMilestones, m2.ID, 3, nil)
	ix.Observe(ctx, models.Change{Coll: models.CollMilestones, ID: m2.ID, Version: 4, Doc: m2, Unrecorded: true})
	if ix.NeedsReconcile() {
		t.Error("a milestone's unrecorded change asked for a reconciliation")
	}
	if _, _, err := ix.List(ctx, models.ListQuery{Coll: models.CollMilestones}); err == nil {
		t.Error("milestones are listed")
	}
	if logs.Len() > 0 {
		t.Errorf("warnings: %s", logs.String())
	}
}

// feedSource is a database with a change feed, in memory.
type feedSource struct {
	mu      sync.Mutex
	docs    map[string]map[string]any
	changes []models.Change
	n       int
}

func docVersion(doc any) int64 {
	switch d := doc.(type) {
	case *models.Team:
		return d.Version
	case *models.Call:
		return d.Version
	case *models.Entry:
		return d.Version
	case *models.Milestone:
		return d.Version
	}
	return 0
}

func (s *feedSource) record(coll, id string, version int64, deleted bool) {
	s.n++
	s.changes = append(s.changes, models.Change{Seq: fmt.Sprintf("%08x%016x", uint32(time.Now().Unix()), s.n), Coll: coll, ID: id,
		Version: version, Deleted: deleted, At: time.Now()})
}

func (s *feedSource) put(coll, id string, doc any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.docs == nil {
		s.docs = map[string]map[string]any{}
	}
	if s.docs[coll] == nil {
		s.docs[coll] = map[string]any{}
	}
	s.docs[coll][id] = doc
	s.record(coll, id, docVersion(doc), false)
}

func (s *feedSource) remove(coll, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := docVersion(s.docs[coll][id])
	delete(s.docs[coll], id)
	s.record(coll, id, v+1, true)
}

func (s *feedSource) ChangesAfter(_ context.Context, seq string, limit int) ([]models.Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []models.Change
	for _, c := range s.changes {
		if c.Seq > seq && len(out) < limit {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *feedSource) Doc(_ context.Context, coll, id string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.docs[coll][id]; ok {
		return d, nil
	}
	return nil, models.Errorf(models.CodeNotFound, "gone")
}

func (s *feedSource) Docs(_ context.Context, coll string, fn func(any) error) error {
	s.mu.Lock()
	ids := slices.Sorted(maps.Keys(s.docs[coll]))
	docs := make([]any, len(ids))
	for i, id := range ids {
		docs[i] = s.docs[coll][id]
	}
	s.mu.Unlock()
	for _, d := range docs {
		if err := fn(d); err != nil {
			return err
		}
	}
	return nil
}

func (s *feedSource) Versions(_ context.Context, coll string, fn func(models.DocVersion) error) error {
	s.mu.Lock()
	var dvs []models.DocVersion
	for id, d := range s.docs[coll] {
		dvs = append(dvs, models.DocVersion{ID: id, Version: docVersion(d)})
	}
	s.mu.Unlock()
	sort.Slice(dvs, func(i, j int) bool { return dvs[i].ID < dvs[j].ID })
	for _, dv := range dvs {
		if err := fn(dv); err != nil {
			return err
		}
	}
	return nil
}

func (s *feedSource) PrunedBefore(context.Context) (time.Time, error) { return time.Time{}, nil }

func (s *feedSource) FeedFrom(ctx context.Context, c string) (string, bool, error) {
	return models.SeqFeed{Log: s}.FeedFrom(ctx, c)
}

func (s *feedSource) ReadFeed(ctx context.Context, from string, n int) (models.FeedRead, error) {
	return models.SeqFeed{Log: s}.ReadFeed(ctx, from, n)
}

func (s *feedSource) FeedPosition(ctx context.Context) (string, error) {
	return models.SeqFeed{Log: s}.FeedPosition(ctx)
}

// The words of a call's title weigh more than those of its description: of
// two teams alike but for the word they share with the call, the one
// sharing a word of the title comes first.
func TestMatchTitleWordsWeighMore(t *testing.T) {
	ix := memIndex(t)
	byTitle := team(1, "甲", "虚拟主播 咖啡", models.StageIdea, "game", "nanshan")
	byBody := team(2, "乙", "电商 咖啡", models.StageIdea, "game", "nanshan")
	observe(ix, models.CollTeams, byTitle.ID, 1, byTitle)
	observe(ix, models.CollTeams, byBody.ID, 1, byBody)
	for _, c := range []*models.Call{
		call(1, "虚拟主播", "电商", []models.TeamStage{models.StageIdea}, nil, "2026-01-01", "2026-12-31"),
		call(2, "电商", "虚拟主播", []models.TeamStage{models.StageIdea}, nil, "2026-01-01", "2026-12-31"),
	} {
		hits, err := ix.TeamCandidates(context.Background(), c, 2)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{byTitle.ID, byBody.ID}
		if c.Title == "电商" {
			want = []string{byBody.ID, byTitle.ID}
		}
		if !slices.Equal(hitIDs(hits), want) || !(hits[0].Score > hits[1].Score && hits[1].Score > 0) {
			t.Errorf("call %q: %+v, want %v", c.Title, hits, want)
		}
	}
}

// Saved searches are of profiles or projects: a team or a milestone given
// to the percolator is refused, not matched against a project search.
func TestPercolatorRefusesIncubation(t *testing.T) {
	ix := memIndex(t)
	p, err := ix.NewPercolator()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, doc := range []any{team(1, "星幕", "虚拟主播", models.StageIdea, "game", "nanshan"), &models.Milestone{ID: "m"}} {
		if _, err := p.Match(context.Background(), doc, models.SavedProjects, []string{"q=虚拟主播"}); err == nil {
			t.Errorf("%T matched against a project search", doc)
		}
	}
}
