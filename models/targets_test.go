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
