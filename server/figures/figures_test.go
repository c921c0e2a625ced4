package figures

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
)

// memSource is a FeedSource over maps, for the counting rules. The store
// (the real source) is exercised by the service and end-to-end tests.
type memSource struct {
	docs   map[string]map[string]any
	pruned time.Time
}

func (m *memSource) PrunedBefore(context.Context) (time.Time, error) { return m.pruned, nil }

func (m *memSource) ChangesAfter(context.Context, string, int) ([]models.Change, error) {
	return nil, nil
}
func (m *memSource) Doc(_ context.Context, coll, id string) (any, error) {
	if d, ok := m.docs[coll][id]; ok {
		return d, nil
	}
	return nil, models.Errorf(models.CodeNotFound, "gone")
}
func (m *memSource) Docs(_ context.Context, coll string, fn func(any) error) error {
	for _, d := range m.docs[coll] {
		if err := fn(d); err != nil {
			return err
		}
	}
	return nil
}
func (m *memSource) Versions(context.Context, string, func(models.DocVersion) error) error {
	return nil
}

var now = time.Date(2025, 7, 2, 4, 0, 0, 0, time.UTC) // 2025-07-02 12:00 in Shenzhen

type fixture struct {
	t   *testing.T
	f   *Figures
	src *memSource
	n   int
}

func newFixture(t *testing.T) *fixture {
	src := &memSource{docs: map[string]map[string]any{models.CollRecruitments: {}, models.CollBases: {}, models.CollOrgs: {}}}
	f := New(src, func() time.Time { return now }, slog.New(slog.DiscardHandler))
	if err := f.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, f: f, src: src}
}

// put writes a document as a store would: into the source, then to the
// figures through Observe.
func (x *fixture) put(coll, id string, doc any, version int64) {
	x.src.docs[coll][id] = doc
	x.f.Observe(context.Background(), models.Change{Coll: coll, ID: id, Version: version, Doc: doc})
}

func (x *fixture) rec(talent, date string, status models.Status, level models.Level, district string) *models.Recruitment {
	x.n++
	r := &models.Recruitment{ID: fmt.Sprintf("%024d", x.n), TalentID: talent, OrgID: "o1", Date: date, Status: status,
		Level: level, Origin: models.OriginDomestic, District: district, Industry: "games", Version: 1}
	x.put(models.CollRecruitments, r.ID, r, 1)
	return r
}

// change rewrites a record with the next version.
func (x *fixture) change(r *models.Recruitment, fn func(*models.Recruitment)) *models.Recruitment {
	c := *r
	fn(&c)
	c.Version++
	x.put(models.CollRecruitments, c.ID, &c, c.Version)
	return &c
}

func (x *fixture) total(year int) int {
	x.t.Helper()
	b, err := x.f.Recruitment(year, models.ByDistrict)
	if err != nil {
		x.t.Fatal(err)
	}
	sum := 0
	for _, g := range b.Groups {
		sum += g.Count
	}
	if sum != b.Total {
		x.t.Fatalf("%d: groups sum to %d, total %d", year, sum, b.Total)
	}
	return b.Total
}

func (x *fixture) recountClean() {
	x.t.Helper()
	res, err := x.f.Recount(context.Background())
	if err != nil {
		x.t.Fatal(err)
	}
	if len(res.Differences) > 0 {
		x.t.Fatalf("recount differs: %v", res.Differences)
	}
}

func TestOnlyVerifiedRecordsCount(t *testing.T) {
	x := newFixture(t)
	x.rec("t1", "2025-03-01", models.StatusReported, models.LevelA, "nanshan")
	x.rec("t2", "2025-03-01", models.StatusRejected, models.LevelA, "nanshan")
	x.rec("t3", "2025-03-01", models.StatusVerified, models.LevelA, "nanshan")
	if got := x.total(2025); got != 1 {
		t.Fatalf("total %d, want 1", got)
	}
	x.recountClean()
}

func TestOnlyHighEndLevelsCount(t *testing.T) {
	x := newFixture(t)
	for i, l := range []models.Level{models.LevelA, models.LevelB, models.LevelC, ""} {
		x.rec(fmt.Sprintf("t%d", i), "2025-03-01", models.StatusVerified, l, "nanshan")
	}
	if got := x.total(2025); got != 3 {
		t.Fatalf("total %d, want 3 (A, B, C)", got)
	}
	// The bureau may flag an unclassified talent as high-end.
	r := x.rec("t9", "2025-03-02", models.StatusVerified, "", "futian")
	if x.total(2025) != 3 {
		t.Fatal("an unflagged unclassified record counted")
	}
	x.change(r, func(r *models.Recruitment) { r.HighEnd = true })
	if x.total(2025) != 4 {
		t.Fatal("a flagged record does not count")
	}
	b, _ := x.f.Recruitment(2025, models.ByLevel)
	if b.Groups[len(b.Groups)-1].Key != "flagged" && b.Groups[0].Key != "flagged" {
		found := false
		for _, g := range b.Groups {
			found = found || g.Key == "flagged"
		}
		if !found {
			t.Errorf("no flagged level group: %+v", b.Groups)
		}
	}
	x.recountClean()
}

func TestATalentCountsOncePerYear(t *testing.T) {
	x := newFixture(t)
	// Reported by three organisations in one year, in two districts.
	first := x.rec("t1", "2025-02-10", models.StatusVerified, models.LevelB, "futian")
	x.rec("t1", "2025-05-01", models.StatusVerified, models.LevelA, "nanshan")
	x.rec("t1", "2025-09-01", models.StatusVerified, models.LevelA, "nanshan")
	x.rec("t1", "2026-01-15", models.StatusVerified, models.LevelA, "nanshan")
	if x.total(2025) != 1 || x.total(2026) != 1 {
		t.Fatalf("totals %d, %d; want 1 and 1", x.total(2025), x.total(2026))
	}
	// The earliest record decides where the talent counts.
	b, _ := x.f.Recruitment(2025, models.ByDistrict)
	if len(b.Groups) != 1 || b.Groups[0].Key != "futian" {
		t.Fatalf("attributed to %+v, want futian (the earliest record)", b.Groups)
	}
	m, _ := x.f.Recruitment(2025, models.ByMonth)
	if m.Groups[1].Count != 1 || m.Total != 1 {
		t.Fatalf("months %+v", m.Groups)
	}
	// When the earliest stops counting, the next one takes over at once.
	x.change(first, func(r *models.Recruitment) { r.Status = models.StatusRejected })
	b, _ = x.f.Recruitment(2025, models.ByDistrict)
	if x.total(2025) != 1 || b.Groups[0].Key != "nanshan" {
		t.Fatalf("after rejecting the first: %+v", b.Groups)
	}
	x.recountClean()
}

func TestTheYearIsTheRecordsDate(t *testing.T) {
	x := newFixture(t)
	x.rec("t1", "2024-12-31", models.StatusVerified, models.LevelA, "nanshan")
	x.rec("t2", "2025-01-01", models.StatusVerified, models.LevelA, "nanshan")
	if x.total(2024) != 1 || x.total(2025) != 1 {
		t.Fatalf("2024: %d, 2025: %d", x.total(2024), x.total(2025))
	}
	m, _ := x.f.Recruitment(2024, models.ByMonth)
	if m.Groups[11].Count != 1 {
		t.Fatalf("12-31 not in December: %+v", m.Groups)
	}
	x.recountClean()
}

func TestRejectedOrCorrectedRecordsStopCountingAtOnce(t *testing.T) {
	x := newFixture(t)
	a := x.rec("t1", "2025-03-01", models.StatusVerified, models.LevelA, "nanshan")
	b := x.rec("t2", "2025-03-01", models.StatusVerified, models.LevelA, "nanshan")
	c := x.rec("t3", "2025-03-01", models.StatusVerified, models.LevelA, "nanshan")
	if x.total(2025) != 3 {
		t.Fatal(x.total(2025))
	}
	x.change(a, func(r *models.Recruitment) { r.Status = models.StatusRejected }) // revoked
	x.change(b, func(r *models.Recruitment) { r.Level = "" })                     // not high-end after all
	x.change(c, func(r *models.Recruitment) { r.Date = "2026-03-01" })            // moved to next year
	if x.total(2025) != 0 || x.total(2026) != 1 {
		t.Fatalf("2025: %d, 2026: %d", x.total(2025), x.total(2026))
	}
	// A deleted record (withdrawn while reported) goes too.
	d := x.rec("t4", "2025-04-01", models.StatusReported, models.LevelA, "nanshan")
	delete(x.src.docs[models.CollRecruitments], d.ID)
	x.f.Observe(context.Background(), models.Change{Coll: models.CollRecruitments, ID: d.ID, Deleted: true})
	x.recountClean()
}

func TestErasedTalentsKeepCounting(t *testing.T) {
	x := newFixture(t)
	r1 := x.rec("t1", "2025-03-01", models.StatusVerified, models.LevelA, "nanshan")
	r2 := x.rec("t1", "2025-06-01", models.StatusVerified, models.LevelA, "futian")
	p := models.Pseudonym("t1")
	// (Between these two writes the person counts twice: an erasure is
	// several writes, and the figures follow each.)
	x.change(r1, func(r *models.Recruitment) { r.TalentID, r.TalentName, r.Erased = p, "", true })
	x.change(r2, func(r *models.Recruitment) { r.TalentID, r.TalentName, r.Erased = p, "", true })
	if x.total(2025) != 1 {
		t.Fatalf("after erasure: %d (the person must still count once)", x.total(2025))
	}
	x.recountClean()
}

func TestBasesCountOnceWhenVerified(t *testing.T) {
	x := newFixture(t)
	decided := &models.Decision{At: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}
	org := func(id, kind string, flags ...string) {
		x.put(models.CollOrgs, id, &models.Org{ID: id, Name: id, Kind: kind, Flags: flags, Status: models.StatusVerified,
			Decision: decided, Industries: []string{"games"}, Version: 1}, 1)
	}
	org("ent1", models.OrgEnterprise, models.FlagLeading, models.FlagBrand)
	org("ent2", models.OrgEnterprise, models.FlagLeading)
	org("uni", models.OrgUniversity)
	org("inc", models.OrgIncubator)
	base := func(id, kind string, status models.Status, ops ...string) {
		b := &models.Base{ID: id, Kind: kind, District: "nanshan", OperatorOrgIDs: ops, Status: status, Version: 1}
		if status != models.StatusPending {
			b.Decision = decided
		}
		x.put(models.CollBases, id, b, 1)
	}
	base("b1", models.BaseTraining, models.StatusVerified, "ent1", "ent2", "uni") // three operators
	base("b2", models.BaseTraining, models.StatusVerified, "ent1")
	base("b3", models.BaseTraining, models.StatusPending, "ent2")
	base("b4", models.BaseInnovation, models.StatusVerified, "uni")
	base("b5", models.BaseInnovation, models.StatusVerified, "inc") // an incubator does not qualify
	base("b6", models.BaseThemePark, models.StatusRejected, "ent1")

	kinds, _ := x.f.Bases(models.ByKind)
	if kinds.Total != 4 {
		t.Fatalf("verified bases %d, want 4 (each once)", kinds.Total)
	}
	st := map[string]models.TargetStatus{}
	for _, s := range x.f.Targets(models.DefaultTargets(), 2025) {
		st[s.Metric] = s
	}
	if s := st["innovation_bases"]; s.Actual != 1 {
		t.Errorf("innovation bases %v, want 1 (the incubator's does not qualify)", s.Actual)
	}
	if s := st["theme_parks"]; s.Actual != 0 {
		t.Errorf("theme parks %v", s.Actual)
	}
	s := st["training_bases_per_leading_enterprise"]
	if s.Actual != 1 || s.Percent != 50 || len(s.Orgs) != 2 || s.Orgs[0].OrgID != "ent2" || s.Orgs[0].Count != 1 || s.Orgs[0].Reached ||
		s.Orgs[1].Count != 2 || !s.Orgs[1].Reached || s.Forecast != 2 || !s.OnTrack {
		t.Errorf("per leading enterprise: %+v", s)
	}
	if len(s.ByIndustry) != 1 || s.ByIndustry[0].Orgs != 2 || s.ByIndustry[0].Reached != 1 {
		t.Errorf("by industry: %+v", s.ByIndustry)
	}
	if s := st["brands"]; s.Actual != 1 || s.Percent != 5 {
		t.Errorf("brands %+v", s)
	}
	// Before the verification year nothing counts.
	for _, s := range x.f.Targets(models.DefaultTargets(), 2023) {
		if s.Kind != models.KindTalentsPerYear && s.Actual != 0 {
			t.Errorf("2023 %s = %v, verified only in 2024", s.Metric, s.Actual)
		}
	}
	x.recountClean()
}

func TestForecastAndOnTrack(t *testing.T) {
	x := newFixture(t)
	// Half the year gone (2025-07-02), no history: linear pace.
	for i := range 400 {
		x.rec(fmt.Sprintf("t%d", i), "2025-03-01", models.StatusVerified, models.LevelB, "nanshan")
	}
	for i := range 100 {
		x.rec(fmt.Sprintf("p%d", i), "2025-06-01", models.StatusReported, models.LevelB, "nanshan")
	}
	st := x.f.Targets(models.DefaultTargets()[:1], 2025)[0]
	// 2025-07-02 is day 183 of 365: (400 verified + 100 pending × a verified
	// share of 1) ÷ (183/365) = 997.3.
	const want = 997.0
	if st.Actual != 400 || st.Percent != 40 || st.Forecast != want || st.OnTrack != (want >= 1000) {
		t.Fatalf("talents: %+v, want forecast %v", st, want)
	}
	// Past years forecast what they counted.
	x.rec("old", "2024-05-01", models.StatusVerified, models.LevelA, "nanshan")
	if st := x.f.Targets(models.DefaultTargets()[:1], 2024)[0]; st.Forecast != 1 || st.OnTrack {
		t.Fatalf("2024: %+v", st)
	}
	// With history, the pace follows its seasonality: in 2024 the only
	// talent came before July, so by now the whole year is expected done.
	if st := x.f.Targets(models.DefaultTargets()[:1], 2025)[0]; st.Forecast != 500 {
		t.Fatalf("with seasonality: %+v", st)
	}
}

func TestLagging(t *testing.T) {
	x := newFixture(t)
	// 2024: half nanshan, half futian; half the year's count came by July.
	for i := range 10 {
		d, date := "nanshan", "2024-03-01"
		if i%2 == 0 {
			d = "futian"
		}
		if i >= 5 {
			date = "2024-10-01"
		}
		x.rec(fmt.Sprintf("a%d", i), date, models.StatusVerified, models.LevelA, d)
	}
	// 2025 by July: 400 nanshan, 10 futian; the goal 1000 needs 500 each
	// by year-end, so about 250 each by now.
	for i := range 400 {
		x.rec(fmt.Sprintf("n%d", i), "2025-03-01", models.StatusVerified, models.LevelA, "nanshan")
	}
	for i := range 10 {
		x.rec(fmt.Sprintf("f%d", i), "2025-03-01", models.StatusVerified, models.LevelA, "futian")
	}
	l := x.f.Lagging(1000, 2025)
	if len(l.Districts) != 1 || l.Districts[0].Key != "futian" || l.Districts[0].Actual != 10 || l.Districts[0].Share != 0.5 ||
		l.Districts[0].Expected != 250 || l.Elapsed != 0.5 {
		t.Fatalf("lagging districts: %+v (elapsed %v)", l.Districts, l.Elapsed)
	}
}

func TestBreakdownsSumToTotal(t *testing.T) {
	x := newFixture(t)
	districts := []string{"nanshan", "futian", "luohu"}
	for i := range 300 {
		r := x.rec(fmt.Sprintf("t%d", i%120), fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28), models.StatusVerified, []models.Level{"A", "B", "C", ""}[i%4], districts[i%3])
		if i%7 == 0 {
			x.change(r, func(r *models.Recruitment) { r.Origin = models.OriginOverseas; r.Industry = "animation" })
		}
	}
	for _, by := range models.RecruitmentDims {
		b, err := x.f.Recruitment(2025, by)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, g := range b.Groups {
			sum += g.Count
		}
		if sum != b.Total || b.Total == 0 {
			t.Errorf("%s: groups sum to %d, total %d", by, sum, b.Total)
		}
	}
	if _, err := x.f.Recruitment(2025, "colour"); !models.IsCode(err, models.CodeBadRequest) {
		t.Errorf("unknown dimension: %v", err)
	}
	x.recountClean()
}

// The recount is not vacuous: a live figure that drifted is reported.
func TestRecountFindsDrift(t *testing.T) {
	x := newFixture(t)
	r := x.rec("t1", "2025-03-01", models.StatusVerified, models.LevelA, "nanshan")
	// The database changes without the figures hearing of it.
	c := *r
	c.Status, c.Version = models.StatusRejected, 2
	x.src.docs[models.CollRecruitments][r.ID] = &c
	res, err := x.f.Recount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Differences) < 2 {
		t.Fatalf("drift not found: %+v", res)
	}
}

// An idle feed is not a missed one: read every 30 s for ten minutes with no
// entries while the feed is pruned to one minute, the figures are never
// behind (before the fix they reloaded everything once the last entry was
// older than the retention); left unread while it is pruned past them,
// they are.
func TestIdleFeedIsNotBehind(t *testing.T) {
	ctx := context.Background()
	clock := now
	src := &memSource{docs: map[string]map[string]any{models.CollRecruitments: {}, models.CollBases: {}, models.CollOrgs: {}}}
	f := New(src, func() time.Time { return clock }, slog.New(slog.DiscardHandler))
	if err := f.Load(ctx); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		clock = clock.Add(30 * time.Second)
		src.pruned = clock.Add(-time.Minute)
		if behind, err := f.behind(ctx); err != nil || behind {
			t.Fatalf("behind after %s of an idle feed (%v)", clock.Sub(now), err)
		}
		if _, err := f.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	clock = clock.Add(5 * time.Minute)
	src.pruned = clock.Add(-time.Minute)
	if behind, _ := f.behind(ctx); !behind {
		t.Fatal("not behind after the feed was pruned past the unread cursor")
	}
}
