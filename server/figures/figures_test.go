package figures

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
)

// memSource is a FeedSource over maps, for the counting rules. The store
// (the real source) is exercised by the service and end-to-end tests.
type memSource struct {
	docs    map[string]map[string]any
	pruned  time.Time
	clock   *time.Time // the writers' clock (now when nil)
	changes []models.Change
}

func (m *memSource) feed() models.SeqFeed {
	return models.SeqFeed{Log: m, Now: func() time.Time {
		if m.clock != nil {
			return *m.clock
		}
		return now
	}}
}

func (m *memSource) PrunedBefore(context.Context) (time.Time, error) { return m.pruned, nil }

func (m *memSource) ChangesAfter(_ context.Context, seq string, limit int) ([]models.Change, error) {
	var out []models.Change
	for _, c := range m.changes {
		if c.Seq > seq && len(out) < limit {
			out = append(out, c)
		}
	}
	return out, nil
}
func (m *memSource) FeedFrom(ctx context.Context, c string) (string, bool, error) {
	return m.feed().FeedFrom(ctx, c)
}
func (m *memSource) ReadFeed(ctx context.Context, from string, n int) (models.FeedRead, error) {
	return m.feed().ReadFeed(ctx, from, n)
}
func (m *memSource) FeedPosition(ctx context.Context) (string, error) {
	return m.feed().FeedPosition(ctx)
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
func (m *memSource) Versions(_ context.Context, coll string, fn func(models.DocVersion) error) error {
	for id, d := range m.docs[coll] {
		if err := fn(models.DocVersion{ID: id, Version: versionOf(d)}); err != nil {
			return err
		}
	}
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
	x.src.changes = append(x.src.changes, models.Change{Seq: fmt.Sprintf("%08x%016x", now.Unix(), len(x.src.changes)+1),
		Coll: coll, ID: id, Version: version})
	x.f.Observe(context.Background(), models.Change{Coll: coll, ID: id, Version: version, Doc: doc})
}

func (x *fixture) rec(talent, date string, status models.Status, level models.Level, district string) *models.Recruitment {
	x.n++
	r := &models.Recruitment{ID: fmt.Sprintf("%024d", x.n), TalentID: talent, OrgID: "o1", Date: date, Status: status,
		Level: level, Origin: models.OriginDomestic, District: district, Industry: "games", Version: 1,
		Corrections: []models.Correction{}} // as the store reads it
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
	p := models.Pseudonym([]byte("a key of the database"), "t1")
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

// The count of a base target differs from the number of verified bases of
// its kind only by bases it names, with the reason.
func TestBasesNotCountedAreNamedWithTheReason(t *testing.T) {
	x := newFixture(t)
	at := func(y int) *models.Decision { return &models.Decision{At: time.Date(y, 5, 1, 0, 0, 0, 0, time.UTC)} }
	for id, kind := range map[string]string{"uni": models.OrgUniversity, "inc": models.OrgIncubator, "svc": models.OrgServiceCenter} {
		x.put(models.CollOrgs, id, &models.Org{ID: id, Name: id, Kind: kind, Status: models.StatusVerified, Decision: at(2023), Version: 1}, 1)
	}
	base := func(id, name string, d *models.Decision, ops ...string) {
		x.put(models.CollBases, id, &models.Base{ID: id, Name: name, Kind: models.BaseInnovation, OperatorOrgIDs: ops,
			Status: models.StatusVerified, Decision: d, Version: 1}, 1)
	}
	base("b1", "大学创新基地", at(2023), "uni")
	base("b2", "星河孵化创新基地", at(2023), "inc")        // an incubator alone
	base("b3", "双创中心联合基地", at(2024), "inc", "svc") // neither kind counts
	base("b4", "联合实验室", at(2024), "inc", "uni")    // the university makes it count
	base("b5", "新大学基地", at(2025), "uni")           // verified after 2024
	kinds, _ := x.f.Bases(models.ByKind)
	innovation := 0
	for _, g := range kinds.Groups {
		if g.Key == models.BaseInnovation {
			innovation = g.Count
		}
	}
	s := x.f.Targets(models.DefaultTargets()[1:2], 2024)[0]
	var got []string
	for _, n := range s.NotCounted {
		got = append(got, fmt.Sprintf("%s %s %v %d", n.Name, n.Reason, n.OperatorKinds, n.Year))
	}
	want := []string{"双创中心联合基地 operator_kind [incubator service_center] 0", "星河孵化创新基地 operator_kind [incubator] 0",
		"新大学基地 verified_later [] 2025"}
	if s.Actual != 2 || innovation != 5 || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("2024: %v counted of %d verified, not counted %q, want 2 and %q", s.Actual, innovation, got, want)
	}
	if int(s.Actual)+len(s.NotCounted) != innovation {
		t.Errorf("counted %v + not counted %d != %d verified", s.Actual, len(s.NotCounted), innovation)
	}
	// A target without operator kinds names only the later ones.
	if s := x.f.Targets(models.DefaultTargets()[3:4], 2025)[0]; len(s.NotCounted) != 0 {
		t.Errorf("theme parks: %+v", s.NotCounted)
	}
}

// Once a period is over its result is final: each year against a yearly
// goal, the count at the end of the last year for the others.
func TestFinalResultOfAPeriodThatIsOver(t *testing.T) {
	x := newFixture(t) // today is 2025-07-02
	done := models.Period{From: 2022, To: 2024}
	talents := models.Target{Metric: "talents", Kind: models.KindTalentsPerYear, Period: done, Goal: 2}
	bases := models.Target{Metric: "bases", Kind: models.KindBases, Period: done, Goal: 2, BaseKind: models.BaseThemePark}
	current := models.Target{Metric: "current", Kind: models.KindBases, Period: models.Period{From: 2022, To: 2025}, Goal: 1, BaseKind: models.BaseThemePark}
	x.recs(2, "2022-05-01", "nanshan")
	x.recs(1, "2023-05-01", "nanshan")
	x.recs(3, "2024-05-01", "nanshan")
	for i, y := range []int{2023, 2025} {
		id := fmt.Sprintf("p%d", i)
		x.put(models.CollBases, id, &models.Base{ID: id, Name: id, Kind: models.BaseThemePark, Status: models.StatusVerified,
			Decision: &models.Decision{At: time.Date(y, 3, 1, 0, 0, 0, 0, time.UTC)}, Version: 1}, 1)
	}
	st := x.f.Targets([]models.Target{talents, bases, current}, 2025)
	f := st[0].Final
	if f == nil || f.Actual != 2 || f.Of != 3 || f.Met || len(f.Years) != 3 ||
		f.Years[0] != (models.YearResult{Year: 2022, Actual: 2, Met: true}) ||
		f.Years[1] != (models.YearResult{Year: 2023, Actual: 1, Met: false}) ||
		f.Years[2] != (models.YearResult{Year: 2024, Actual: 3, Met: true}) {
		t.Errorf("talents, 2 a year in 2022-2024 (2, 1, 3): %+v", f)
	}
	// One park verified by the end of 2024 (the other in 2025): 1 of 2.
	if f := st[1].Final; f == nil || f.Actual != 1 || f.Met || f.Period != done || f.Goal != 2 {
		t.Errorf("parks, 2 by 2024: %+v", f)
	}
	if st[2].Final != nil {
		t.Errorf("a period that runs to this year has no final result: %+v", st[2].Final)
	}
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

// recs adds n verified level-A records of new talents in a district.
func (x *fixture) recs(n int, date, district string) {
	for range n {
		x.rec(fmt.Sprintf("%s-%d", district, x.n), date, models.StatusVerified, models.LevelA, district)
	}
}

func lagRows(rows []models.LagRow) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%s %d/%d -%d; ", r.Key, r.Actual, r.Expected, r.Shortfall)
	}
	return b.String()
}

// Worked figures: a goal of 1,000, half the year's count expected by now,
// five districts of which two imported last year.
func TestLaggingGivesEveryDistrictAFairShareInWholePeople(t *testing.T) {
	x := newFixture(t)
	// 2024: nanshan 6, futian 2; half of each by July, so by 2025-07-02
	// half the year's count is expected (elapsed 0.5).
	x.recs(3, "2024-03-01", "nanshan")
	x.recs(3, "2024-10-01", "nanshan")
	x.recs(1, "2024-03-01", "futian")
	x.recs(1, "2024-10-01", "futian")
	// 2025 so far.
	x.recs(238, "2025-03-01", "nanshan")
	x.recs(100, "2025-03-01", "futian")
	x.recs(49, "2025-03-01", "luohu")
	x.recs(50, "2025-03-01", "baoan")
	districts := []string{"nanshan", "futian", "luohu", "baoan", "longgang"}
	l := x.f.Lagging(1000, 2025, districts, []string{"games", "animation"})
	// Shares, half equal (1/5 each) and half last year's (6/8, 2/8, 0…):
	//   nanshan (0.75 + 0.2) / 2 = 0.475 → 1000 × 0.475 × 0.5 = 237.5 → 238
	//   futian  (0.25 + 0.2) / 2 = 0.225 → 112.5 → 113
	//   luohu, baoan, longgang (0 + 0.2) / 2 = 0.1 → 50
	// nanshan (238) and baoan (50) are on pace; longgang, with no history
	// at all, is 50 short; futian 13; luohu one person.
	if got, want := lagRows(l.Districts), "longgang 0/50 -50; futian 100/113 -13; luohu 49/50 -1; "; got != want || l.Elapsed != 0.5 {
		t.Errorf("districts: %s (elapsed %v), want %s", got, l.Elapsed, want)
	}
	if l.Districts[0].Share != 0.1 || l.Districts[1].Share != 0.225 {
		t.Errorf("shares: %+v", l.Districts)
	}
	// Industries: every record is games (8 of 8 last year): games (1 + 0.5)
	// / 2 = 0.75 → 375, reached by 437; animation (0 + 0.5) / 2 = 0.25 →
	// 125, none yet.
	if got, want := lagRows(l.Industries), "animation 0/125 -125; "; got != want {
		t.Errorf("industries: %s, want %s", got, want)
	}
	// A year outside the goal (none) or still ahead lags nowhere.
	if l := x.f.Lagging(0, 2025, districts, nil); len(l.Districts)+len(l.Industries) != 0 {
		t.Errorf("without a goal: %+v", l)
	}
	if l := x.f.Lagging(1000, 2026, districts, nil); len(l.Districts) != 0 {
		t.Errorf("next year: %+v", l.Districts)
	}
}

func TestLaggingWithoutALastYearSharesEqually(t *testing.T) {
	x := newFixture(t)
	// No 2024: the pace is the share of days, 183/365 = 0.50137. Four keys:
	// three districts of the taxonomy and yantian, counted this year
	// though no longer in it: 1000 × 0.50137 / 4 = 125.34 → 125 each.
	x.recs(200, "2025-03-01", "nanshan")
	x.recs(125, "2025-03-01", "yantian")
	x.recs(124, "2025-03-01", "futian")
	l := x.f.Lagging(1000, 2025, []string{"nanshan", "futian", "luohu"}, nil)
	if got, want := lagRows(l.Districts), "luohu 0/125 -125; futian 124/125 -1; "; got != want {
		t.Errorf("districts: %s, want %s", got, want)
	}
	// A past year is over: its whole share is expected. 2024 had nothing
	// before it and counts nothing: 1000 / 3 = 333.3 → 333 for each.
	if got, want := lagRows(x.f.Lagging(1000, 2024, []string{"nanshan", "futian", "luohu"}, nil).Districts),
		"futian 0/333 -333; luohu 0/333 -333; nanshan 0/333 -333; "; got != want {
		t.Errorf("2024: %s, want %s", got, want)
	}
}

func TestWholePeopleRoundsHalvesUp(t *testing.T) {
	for x, want := range map[float64]int{0: 0, 0.49: 0, 0.5: 1, 62.4999: 62, 62.5: 63, 237.49999999999997: 238, 712.5: 713} {
		if got := wholePeople(x); got != want {
			t.Errorf("wholePeople(%v) = %d, want %d", x, got, want)
		}
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
	// A base it never heard of; an organisation deleted behind its back.
	x.src.docs[models.CollBases]["b1"] = &models.Base{ID: "b1", Name: "基地", Kind: models.BaseTraining, Status: models.StatusPending,
		OperatorOrgIDs: []string{"o1"}, Version: 1}
	x.put(models.CollOrgs, "o1", &models.Org{ID: "o1", Name: "机构", Kind: models.OrgEnterprise, Status: models.StatusVerified, Version: 1}, 1)
	delete(x.src.docs[models.CollOrgs], "o1")
	res, err := x.f.Recount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(res.Differences, "\n")
	for _, want := range []string{
		"recruitment " + r.ID + " is at version 1 live, 2 in the database",
		"base b1 is missing from the live figures",
		"organisation o1 is in the live figures but not in the database",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the recount does not say %q:\n%s", want, all)
		}
	}
	if !strings.Contains(all, "2025") {
		t.Errorf("the recount names no figure of the year that moved:\n%s", all)
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
	src := &memSource{docs: map[string]map[string]any{models.CollRecruitments: {}, models.CollBases: {}, models.CollOrgs: {}}, clock: &clock}
	f := New(src, func() time.Time { return clock }, slog.New(slog.DiscardHandler))
	if err := f.Load(ctx); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		clock = clock.Add(30 * time.Second)
		src.pruned = clock.Add(-time.Minute)
		if _, err := f.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if f.follower.NeedsResync() {
			t.Fatalf("behind after %s of an idle feed", clock.Sub(now))
		}
	}
	clock = clock.Add(5 * time.Minute)
	src.pruned = clock.Add(-time.Minute)
	if _, err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if !f.follower.NeedsResync() {
		t.Fatal("not behind after the feed was pruned past the unread cursor")
	}
}

// Changes that never reached the figures (a feed entry lost between a
// write and its record; a write by another process whose entry was
// pruned unread) are found by the reconcile, which compares versions with
// the database and fixes each difference — before it, the figures had no
// reconcile and stayed wrong until a restart. A record the figures hold
// at a newer version than the database (a write a replica set rolled
// back) goes back to the database's.
func TestReconcileFindsLostChanges(t *testing.T) {
	ctx := context.Background()
	x := newFixture(t)
	kept := x.rec("t1", "2025-03-01", models.StatusVerified, models.LevelA, "nanshan")
	gone := x.rec("t2", "2025-03-02", models.StatusVerified, models.LevelA, "futian")
	rolled := x.rec("t3", "2025-03-03", models.StatusVerified, models.LevelA, "futian")
	if got := x.total(2025); got != 3 {
		t.Fatalf("total %d, want 3", got)
	}
	// Written to the database with no feed entry and no observer.
	lost := &models.Recruitment{ID: "lost", TalentID: "t4", OrgID: "o1", Date: "2025-04-01", Status: models.StatusVerified,
		Level: models.LevelB, Origin: models.OriginOverseas, District: "nanshan", Industry: "games", Version: 1}
	x.src.docs[models.CollRecruitments]["lost"] = lost
	delete(x.src.docs[models.CollRecruitments], gone.ID)
	rejected := *kept
	rejected.Status, rejected.Version = models.StatusRejected, 2
	x.src.docs[models.CollRecruitments][kept.ID] = &rejected
	// Held at version 2, the database has version 1 (rolled back).
	newer := *rolled
	newer.Status, newer.Version = models.StatusRejected, 2
	x.f.Observe(ctx, models.Change{Coll: models.CollRecruitments, ID: rolled.ID, Version: 2, Doc: &newer})
	if got := x.total(2025); got != 2 {
		t.Fatalf("before the reconcile: total %d, want 2 (still stale)", got)
	}

	n, err := x.f.Reconcile(ctx)
	if err != nil || n != 4 {
		t.Fatalf("Reconcile = %d, %v; want 4 fixed", n, err)
	}
	if got := x.total(2025); got != 2 { // t3 (rolled back to verified) and t4 (lost)
		t.Fatalf("after the reconcile: total %d, want 2", got)
	}
	x.recountClean()
	if n, err := x.f.Reconcile(ctx); err != nil || n != 0 {
		t.Fatalf("second Reconcile = %d, %v; want nothing to fix", n, err)
	}
}
