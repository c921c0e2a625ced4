package models

import (
	"math"
	"strings"
	"testing"
)

func TestScore(t *testing.T) {
	key := func(s string) string { return strings.ToLower(s) }
	p := &Project{Skills: []string{"原画", "Photoshop", "Spine"}, Industries: []string{"games"}, District: "nanshan"}
	full := &Talent{Skills: []string{"原画"}, Tools: []string{"photoshop", "spine"}, Industries: []string{"games"}, District: "nanshan",
		Available: true, YearsExperience: 10}
	score, reasons, matched, missing := Score(MatchInput{Project: p, Talent: full, Text: 1, SkillKey: key}, DefaultMatchWeights())
	if score != 1 || len(matched) != 3 || len(missing) != 0 || len(reasons) != 6 {
		t.Fatalf("perfect pair: %v %v %v %v", score, reasons, matched, missing)
	}
	sum := 0.0
	for _, r := range reasons {
		sum += r.Weight
		if r.Detail == "" {
			t.Errorf("reason without detail: %+v", r)
		}
	}
	if sum < 0.999 || sum > 1.001 {
		t.Errorf("weights sum to %v", sum)
	}

	half := &Talent{Skills: []string{"原画"}, District: "futian", Available: false, YearsExperience: 2}
	score, reasons, matched, missing = Score(MatchInput{Project: p, Talent: half, Text: 0.5, SkillKey: key}, DefaultMatchWeights())
	if score <= 0 || score >= 0.5 || len(matched) != 1 || strings.Join(missing, ",") != "Photoshop,Spine" {
		t.Fatalf("weak pair: %v %v %v", score, matched, missing)
	}
	if !strings.Contains(reasons[0].Detail, "lacks Photoshop, Spine") {
		t.Errorf("skills detail: %q", reasons[0].Detail)
	}

	// Factors that do not apply share their weight: a project naming no
	// skills, industry or district is scored on text and the talent alone.
	bare := &Project{}
	score, reasons, _, _ = Score(MatchInput{Project: bare, Talent: full, Text: 1, SkillKey: key}, DefaultMatchWeights())
	if score != 1 || len(reasons) != 3 {
		t.Fatalf("bare project: %v %+v", score, reasons)
	}
}

// The weights a page shows are whole percents that add up to 100, for
// every set of factors that can apply; before, a project without an
// industry showed 47 + 24 + 12 + 12 + 6 = 101 %.
func TestScoreWeightsAreWholePercentsSummingTo100(t *testing.T) {
	key := strings.ToLower
	tal := &Talent{Skills: []string{"maya"}, District: "futian", Available: true, YearsExperience: 3}
	weights := []MatchWeights{DefaultMatchWeights(), {Skills: 1, Text: 1, Industry: 1}, {Skills: 0.33, Text: 0.33, District: 0.33, Experience: 0.01}}
	for _, w := range weights {
		for mask := range 8 {
			p := &Project{}
			if mask&1 != 0 {
				p.Skills = []string{"Maya", "Houdini"}
			}
			if mask&2 != 0 {
				p.Industries = []string{"games"}
			}
			if mask&4 != 0 {
				p.District = "nanshan"
			}
			score, reasons, _, _ := Score(MatchInput{Project: p, Talent: tal, Text: 0.5, SkillKey: key}, w)
			sum, want := 0, 0.0
			for _, r := range reasons {
				pct := r.Weight * 100
				if math.Abs(pct-math.Round(pct)) > 1e-9 {
					t.Errorf("%+v mask %d: weight %v is not a whole percent", w, mask, r.Weight)
				}
				sum += int(math.Round(pct))
				want += r.Weight * r.Score
			}
			if sum != 100 {
				t.Errorf("%+v mask %d: weights sum to %d %%: %+v", w, mask, sum, reasons)
			}
			if math.Abs(score-math.Round(want*1000)/1000) > 1e-9 {
				t.Errorf("%+v mask %d: score %v is not the weighted sum %v of the shares shown", w, mask, score, want)
			}
		}
	}
}

func TestParseMatchWeights(t *testing.T) {
	w, err := ParseMatchWeights("skills=0.7, text=0.1")
	if err != nil || w.Skills != 0.7 || w.Text != 0.1 || w.Industry != DefaultMatchWeights().Industry {
		t.Fatalf("%+v %v", w, err)
	}
	for _, bad := range []string{"skill=1", "skills", "skills=-1", "skills=x"} {
		if _, err := ParseMatchWeights(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
