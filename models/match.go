package models

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// MatchWeights weigh the factors of a match score. They are configuration
// (MATCH_WEIGHTS); a factor that does not apply to a pair (a project that
// names no industry) is left out and the others share its weight.
type MatchWeights struct {
	Skills       float64 `json:"skills"`
	Text         float64 `json:"text"`
	Industry     float64 `json:"industry"`
	District     float64 `json:"district"`
	Availability float64 `json:"availability"`
	Experience   float64 `json:"experience"`
}

// DefaultMatchWeights favour skills, then what the text says.
func DefaultMatchWeights() MatchWeights {
	return MatchWeights{Skills: 0.40, Text: 0.20, Industry: 0.15, District: 0.10, Availability: 0.10, Experience: 0.05}
}

// ParseMatchWeights reads "skills=0.4,text=0.2,…"; unnamed factors keep
// their defaults.
func ParseMatchWeights(s string) (MatchWeights, error) {
	w := DefaultMatchWeights()
	if strings.TrimSpace(s) == "" {
		return w, nil
	}
	fields := map[string]*float64{"skills": &w.Skills, "text": &w.Text, "industry": &w.Industry, "district": &w.District,
		"availability": &w.Availability, "experience": &w.Experience}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		f, known := fields[strings.TrimSpace(k)]
		n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || !known || err != nil || n < 0 || n > 100 {
			return w, fmt.Errorf("MATCH_WEIGHTS: %q is not factor=weight with a factor of skills, text, industry, district, availability, experience", part)
		}
		*f = n
	}
	return w, nil
}

// Reason is one factor of a match score: its share of the score, how well
// the pair did on it (0-1), and why.
type Reason struct {
	Factor string  `json:"factor"`
	Weight float64 `json:"weight"`
	Score  float64 `json:"score"`
	Detail string  `json:"detail"`
}

// TalentMatch is a talent ranked for a project.
type TalentMatch struct {
	Talent        *Talent  `json:"talent"`
	Score         float64  `json:"score"`
	Reasons       []Reason `json:"reasons"`
	MatchedSkills []string `json:"matched_skills"`
	MissingSkills []string `json:"missing_skills"`
}

// ProjectMatch is a project ranked for a talent.
type ProjectMatch struct {
	Project       *Project `json:"project"`
	OrgName       string   `json:"org_name"`
	OrgLogoID     string   `json:"org_logo_id,omitempty"`
	Score         float64  `json:"score"`
	Reasons       []Reason `json:"reasons"`
	MatchedSkills []string `json:"matched_skills"`
	MissingSkills []string `json:"missing_skills"`
}

// ProjectMatchFilter narrows a creator's matches (GET
// /talents/{id}/matches, /me/matches). Projects the creator applied or was
// invited to are always left out.
type ProjectMatchFilter struct {
	// MinScore is the least score shown, in percent (0-100).
	MinScore int
	// AnySkills keeps projects of which the creator has none of the skills
	// asked; by default a project that asks for skills is shown only when
	// the creator has at least one of them (one that asks for none is
	// shown).
	AnySkills bool
	Page      Page
}

// Keeps reports whether a match passes the filter.
func (f ProjectMatchFilter) Keeps(m ProjectMatch) bool {
	if !f.AnySkills && len(m.Project.Skills) > 0 && len(m.MatchedSkills) == 0 {
		return false
	}
	return math.Round(m.Score*100) >= float64(f.MinScore)
}

// ParseProjectMatchFilter reads min_score and any_skills.
func ParseProjectMatchFilter(p *Params) ProjectMatchFilter {
	f := ProjectMatchFilter{MinScore: p.Number("min_score", 0, 100), Page: p.Page()}
	if b := p.Bool("any_skills"); b != nil {
		f.AnySkills = *b
	}
	return f
}

// MatchInput is what a score is computed from: the pair, how relevant the
// search found the text (0-1, relative to the best candidate), and how
// skills compare (a key that folds script, case, inflection and synonyms).
// The score is the pair's, whichever side asks: the creator ranking
// projects sees the factors and weights the organisation sees.
type MatchInput struct {
	Project  *Project
	Talent   *Talent
	Text     float64
	SkillKey func(string) string
}

// Score computes a match score in [0,1] with its reasons, and the
// project's skills the talent has and lacks.
func Score(in MatchInput, w MatchWeights) (float64, []Reason, []string, []string) {
	p, t := in.Project, in.Talent
	var reasons []Reason
	add := func(factor string, weight, score float64, detail string) {
		if weight > 0 {
			reasons = append(reasons, Reason{Factor: factor, Weight: weight, Score: math.Round(score*1000) / 1000, Detail: detail})
		}
	}
	have := map[string]bool{}
	for _, s := range append(slices.Clone(t.Skills), t.Tools...) {
		have[in.SkillKey(s)] = true
	}
	matched, missing := []string{}, []string{}
	for _, s := range p.Skills {
		if have[in.SkillKey(s)] {
			matched = append(matched, s)
		} else {
			missing = append(missing, s)
		}
	}
	if len(p.Skills) > 0 {
		detail := fmt.Sprintf("has %d of the %d skills asked", len(matched), len(p.Skills))
		if len(matched) > 0 {
			detail += ": " + strings.Join(matched, ", ")
		}
		if len(missing) > 0 {
			detail += "; lacks " + strings.Join(missing, ", ")
		}
		add("skills", w.Skills, float64(len(matched))/float64(len(p.Skills)), detail)
	}
	add("text", w.Text, in.Text, fmt.Sprintf("the profile's text matches the project's at %.0f%% of the best match", in.Text*100))
	if len(p.Industries) > 0 {
		common := []string{}
		for _, i := range p.Industries {
			if slices.Contains(t.Industries, i) {
				common = append(common, i)
			}
		}
		score, detail := 0.0, "works in none of the project's industries"
		if len(common) > 0 {
			score, detail = 1, "works in "+strings.Join(common, ", ")
		}
		add("industry", w.Industry, score, detail)
	}
	if p.District != "" {
		score, detail := 0.0, fmt.Sprintf("in %s, the project in %s", orDash(t.District), p.District)
		switch {
		case t.District == p.District:
			score, detail = 1, "in the project's district, "+p.District
		case t.District == "":
			score, detail = 0.5, "district not given"
		}
		add("district", w.District, score, detail)
	}
	if t.Available {
		add("availability", w.Availability, 1, "available for new work")
	} else {
		add("availability", w.Availability, 0, "not available at the moment")
	}
	years := float64(t.YearsExperience)
	add("experience", w.Experience, math.Min(years/10, 1), fmt.Sprintf("%d years of experience", t.YearsExperience))
	if !wholePercents(reasons) {
		return 0, reasons, matched, missing
	}
	score := 0.0
	for _, r := range reasons {
		score += r.Weight * r.Score
	}
	return math.Min(1, math.Round(score*1000)/1000), reasons, matched, missing
}

// wholePercents turns the weights of the factors that apply into shares
// that are whole percents summing to exactly 100, by the largest
// remainder: rounded one by one, shares of 47.06, 23.53, 17.65 and 11.76 %
// showed as 47 + 24 + 18 + 12 = 101 %. The score is computed with the
// shares shown, so what the page says adds up to the score it shows.
// False when no factor weighs anything.
func wholePercents(reasons []Reason) bool {
	total := 0.0
	for _, r := range reasons {
		total += r.Weight
	}
	if total == 0 {
		return false
	}
	pct := make([]int, len(reasons))
	rest := make([]float64, len(reasons))
	left := 100
	for i, r := range reasons {
		exact := r.Weight / total * 100
		pct[i] = int(math.Floor(exact))
		rest[i] = exact - float64(pct[i])
		left -= pct[i]
	}
	order := make([]int, len(reasons))
	for i := range order {
		order[i] = i
	}
	// Largest remainder first; ties go to the earlier (weightier by
	// default) factor, so the result does not depend on the sort.
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloatDesc(rest[a], rest[b]) })
	for _, i := range order[:left] {
		pct[i]++
	}
	for i := range reasons {
		reasons[i].Weight = float64(pct[i]) / 100
	}
	return true
}

func cmpFloatDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
