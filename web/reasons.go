package web

import (
	"slices"
	"strconv"

	"github.com/szdc/talenthub/models"
)

// why says, in the page's language, what one factor of a match score
// measured. The models' Detail is English prose for the API; the page
// builds its own sentence from the pair, so that both languages say the
// same thing.
func (w *Web) why(lang string, tax *models.Taxonomy, r models.Reason, t *models.Talent, p *models.Project, matched, missing []string) string {
	en := lang == models.LangEN
	labels := func(vocab string, keys []string) string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = termLabel(tax, vocab, k, en)
		}
		return listJoin(out, en)
	}
	switch r.Factor {
	case "skills":
		return w.tr.t(lang, "why.skills", "Has", len(matched), "Of", len(matched)+len(missing))
	case "text":
		return w.tr.t(lang, "why.text", "P", strconv.Itoa(int(r.Score*100+0.5)))
	case "industry":
		if t == nil || p == nil {
			break
		}
		var common []string
		for _, i := range p.Industries {
			if slices.Contains(t.Industries, i) {
				common = append(common, i)
			}
		}
		if len(common) == 0 {
			return w.tr.t(lang, "why.industry_none")
		}
		return w.tr.t(lang, "why.industry_common", "List", labels("industries", common))
	case "district":
		if t == nil || p == nil {
			break
		}
		switch {
		case t.District == p.District:
			return w.tr.t(lang, "why.district_same", "D", termLabel(tax, "districts", p.District, en))
		case t.District == "":
			return w.tr.t(lang, "why.district_unknown")
		}
		return w.tr.t(lang, "why.district_other", "T", termLabel(tax, "districts", t.District, en), "P", termLabel(tax, "districts", p.District, en))
	case "availability":
		if r.Score > 0 {
			return w.tr.t(lang, "why.available")
		}
		return w.tr.t(lang, "why.unavailable")
	case "experience":
		if t != nil {
			return w.tr.t(lang, "why.experience", "N", t.YearsExperience)
		}
	}
	if en {
		return r.Detail
	}
	return ""
}
