package models

import (
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
	// Ranking projects for a talent leaves out the talent's own factors.
	_, reasons, _, _ = Score(MatchInput{Project: p, Talent: full, Text: 1, SkillKey: key, ForTalent: true}, DefaultMatchWeights())
	for _, r := range reasons {
		if r.Factor == "availability" || r.Factor == "experience" {
			t.Errorf("talent-side factor when ranking projects: %+v", r)
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
