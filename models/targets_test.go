package models

import "testing"

func TestPairKeyRoundTrips(t *testing.T) {
	if k := PairKey("nanshan", "games"); k != "nanshan/games" {
		t.Fatalf("PairKey = %q", k)
	}
	for key, want := range map[string][2]string{"nanshan/games": {"nanshan", "games"}, "nanshan": {"nanshan", ""}, "/games": {"", "games"}} {
		if d, i := SplitPair(key); d != want[0] || i != want[1] {
			t.Errorf("SplitPair(%q) = %q, %q", key, d, i)
		}
	}
}

func TestResultYearOpensOnAFinalResultAfterThePeriod(t *testing.T) {
	plan := DefaultTargets() // 2022-2025
	next := append(DefaultTargets(), Target{Metric: "next", Period: Period{From: 2026, To: 2030}})
	later := []Target{{Metric: "later", Period: Period{From: 2028, To: 2030}}}
	for _, c := range []struct {
		ts         []Target
		year, want int
		over       bool
	}{
		{plan, 2024, 2024, false},
		{plan, 2025, 2025, false},
		{plan, 2026, 2025, true}, // the plan is over: its last year
		{plan, 2031, 2025, true},
		{next, 2026, 2026, false}, // the next plan has begun
		{later, 2026, 2026, false},
		{nil, 2026, 2026, false},
	} {
		if got := ResultYear(c.ts, c.year); got != c.want {
			t.Errorf("ResultYear(%d targets, %d) = %d, want %d", len(c.ts), c.year, got, c.want)
		}
		if got := PeriodsOver(c.ts, c.year); got != c.over {
			t.Errorf("PeriodsOver(%d targets, %d) = %v, want %v", len(c.ts), c.year, got, c.over)
		}
	}
}

func TestCountsBaseByTheOperatorsKinds(t *testing.T) {
	innovation := DefaultTargets()[1]
	parks := DefaultTargets()[3]
	kinds := map[string]string{"u": OrgUniversity, "i": OrgIncubator}
	kindOf := func(id string) string { return kinds[id] }
	for _, c := range []struct {
		t    Target
		b    Base
		want bool
	}{
		{innovation, Base{Kind: BaseInnovation, OperatorOrgIDs: []string{"u"}}, true},
		{innovation, Base{Kind: BaseInnovation, OperatorOrgIDs: []string{"i"}}, false},
		{innovation, Base{Kind: BaseInnovation, OperatorOrgIDs: []string{"i", "u"}}, true},
		{innovation, Base{Kind: BaseInnovation, OperatorOrgIDs: []string{"unknown"}}, false},
		{innovation, Base{Kind: BaseTraining, OperatorOrgIDs: []string{"u"}}, false},
		{parks, Base{Kind: BaseThemePark, OperatorOrgIDs: []string{"i"}}, true},
	} {
		if got := c.t.CountsBase(&c.b, kindOf); got != c.want {
			t.Errorf("%s counts %s run by %v: %v, want %v", c.t.Metric, c.b.Kind, c.b.OperatorOrgIDs, got, c.want)
		}
	}
}
