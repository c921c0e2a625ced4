package models

import (
	"math"
	"testing"
)

// TestScoreTeamForCall: a team's score for a call is the weighted share
// of what fits (stage 0.4, industry 0.3 when the call names industries,
// text 0.3), the weights renormalised when a factor does not apply, and
// each factor is a reason with its weight, score and detail.
func TestScoreTeamForCall(t *testing.T) {
	call := &Call{Stages: []TeamStage{StageIdea, StagePrototype}, Industries: []string{"games"}}
	open := &Call{Stages: []TeamStage{StageIdea}} // any industry
	team := func(stage TeamStage, industry string) *Team { return &Team{Stage: stage, Industry: industry} }
	for _, c := range []struct {
		name    string
		call    *Call
		team    *Team
		text    float64
		want    float64
		factors int
	}{
		{"everything fits", call, team(StagePrototype, "games"), 1, 1, 3},
		{"stage and industry, no words in common", call, team(StageIdea, "games"), 0, 0.7, 3},
		{"a stage the call does not take", call, team(StageRevenue, "games"), 1, 0.6, 3},
		{"another industry, half the words", call, team(StageIdea, "music"), 0.5, 0.55, 3},
		{"text beyond 1 counts as 1", call, team(StageRevenue, "music"), 7, 0.3, 3},
		{"a negative text counts as 0", call, team(StageIdea, "games"), -2, 0.7, 3},
		// No industries named: stage and text only, 0.4 and 0.3 of 0.7.
		{"no industry factor", open, team(StageIdea, "music"), 0, 0.571, 2},
		{"no industry factor, words", open, team(StageRevenue, "games"), 1, 0.429, 2},
	} {
		score, reasons := ScoreTeamForCall(c.call, c.team, c.text)
		if math.Abs(score-c.want) > 1e-9 || len(reasons) != c.factors {
			t.Errorf("%s: %v with %d reasons, want %v with %d", c.name, score, len(reasons), c.want, c.factors)
			continue
		}
		sum := 0.0
		for _, r := range reasons {
			sum += r.Weight
		}
		if math.Abs(sum-1) > 0.011 || reasons[0].Factor != "stage" || reasons[0].Detail != string(c.team.Stage) {
			t.Errorf("%s: reasons %+v (weights sum to %v)", c.name, reasons, sum)
		}
	}
}
