package web

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/szdc/talenthub/models"
)

// The words that explain a figure: what a target counts (its rule, from its
// data), the verified bases it does not count and why, and a gauge's badge.
// A count that differs from a raw count (one innovation base counted of two
// verified) is never shown without them.

// kindLabel is a taxonomy term in running text: English labels are
// capitalised as headings, so their first letter is lowered.
func kindLabel(tax *models.Taxonomy, vocab, key string, en bool) string {
	l := termLabel(tax, vocab, key, en)
	if !en {
		return l
	}
	r, n := utf8.DecodeRuneInString(l)
	return string(unicode.ToLower(r)) + l[n:]
}

// orList joins words as "a, b or c" (English) or "a、b或c" (Chinese).
func orList(words []string, en bool) string { return joinWords(words, en, "或", " or ") }

// andList joins words as "a, b and c" (English) or "a、b和c" (Chinese).
func andList(words []string, en bool) string { return joinWords(words, en, "和", " and ") }

// listJoin joins words as "a, b, c" (English) or "a、b、c" (Chinese).
func listJoin(words []string, en bool) string { return strings.Join(words, listSep(en)) }

// listSep is what separates the items of a list in running text.
func listSep(en bool) string {
	if en {
		return ", "
	}
	return "、"
}

func joinWords(words []string, en bool, zhLast, enLast string) string {
	sep, or := listSep(en), zhLast
	if en {
		or = enLast
	}
	switch len(words) {
	case 0:
		return "—"
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], sep) + or + words[len(words)-1]
}

// kindLabels are the labels of kinds of organisation, in running text.
func kindLabels(tax *models.Taxonomy, kinds []string, en bool) []string {
	out := make([]string, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, kindLabel(tax, "org_kinds", k, en))
	}
	return out
}

// targetRule says what a target counts in the year of its status.
func (w *Web) targetRule(lang string, tax *models.Taxonomy, s models.TargetStatus) string {
	en := lang == models.LangEN
	switch s.Kind {
	case models.KindTalentsPerYear:
		if s.Origin != "" {
			return w.tr.t(lang, "rule.talents_origin", "Year", s.Year, "Origin", kindLabel(tax, "origins", string(s.Origin), en))
		}
		return w.tr.t(lang, "rule.talents", "Year", s.Year)
	case models.KindBases:
		kind := kindLabel(tax, "base_kinds", s.BaseKind, en)
		if len(s.OperatorKinds) > 0 {
			return w.tr.t(lang, "rule.bases_operators", "Year", s.Year, "Kind", kind, "Operators", orList(kindLabels(tax, s.OperatorKinds, en), en))
		}
		return w.tr.t(lang, "rule.bases", "Year", s.Year, "Kind", kind)
	case models.KindBasesPerOrg:
		return w.tr.t(lang, "rule.bases_per_org", "Year", s.Year, "Flag", kindLabel(tax, "org_flags", s.OrgFlag, en),
			"Kind", kindLabel(tax, "base_kinds", s.BaseKind, en), "Goal", groupDigits(s.Goal, 0),
			"Reached", groupDigits(s.Actual, 0), "Orgs", len(s.Orgs))
	case models.KindOrgsFlagged:
		return w.tr.t(lang, "rule.orgs_flagged", "Year", s.Year, "Flag", kindLabel(tax, "org_flags", s.OrgFlag, en))
	}
	return ""
}

// notCounted says, for each verified base a target does not count, why.
func (w *Web) notCounted(lang string, tax *models.Taxonomy, s models.TargetStatus) []string {
	en := lang == models.LangEN
	var out []string
	for _, n := range s.NotCounted {
		switch n.Reason {
		case models.NotCountedOperator:
			out = append(out, w.tr.t(lang, "not_counted.operator_kind", "Name", n.Name, "Operators", andList(kindLabels(tax, n.OperatorKinds, en), en)))
		case models.NotCountedLater:
			out = append(out, w.tr.t(lang, "not_counted.verified_later", "Name", n.Name, "Year", n.Year))
		}
	}
	return out
}

// baseNotes say, for a base its organisation sees, which targets do not
// count it and why: a verified base of a target's kind whose operators are
// none of the kinds the target counts. kindOf gives an operator's kind.
func (w *Web) baseNotes(lang string, tax *models.Taxonomy, ts []models.TargetStatus, b *models.Base, kindOf func(string) string) []string {
	if b.Status != models.StatusVerified {
		return nil
	}
	en := lang == models.LangEN
	var out []string
	for _, t := range ts {
		if t.Kind != models.KindBases || t.BaseKind != b.Kind || t.CountsBase(b, kindOf) {
			continue
		}
		var have []string
		for _, id := range b.OperatorOrgIDs {
			if k := kindOf(id); k != "" && !slices.Contains(have, k) {
				have = append(have, k)
			}
		}
		label := t.LabelZH
		if en {
			label = t.LabelEN
		}
		out = append(out, w.tr.t(lang, "org.base_not_counted", "Target", label, "Operators", orList(kindLabels(tax, t.OperatorKinds, en), en),
			"Have", andList(kindLabels(tax, have, en), en)))
	}
	return out
}

// badge is the state a gauge shows: outside the period; for a year that is
// over, met or not when the year settles the goal (a yearly goal, or the
// last year of a cumulative one); otherwise on track or behind.
func badge(s models.TargetStatus, thisYear int) string {
	switch {
	case !s.InPeriod:
		return "out_of_period"
	case s.Year < thisYear && (s.Kind == models.KindTalentsPerYear || s.Year == s.Period.To):
		if s.Met() {
			return "met"
		}
		return "not_met"
	case s.OnTrack:
		return "on_track"
	}
	return "behind"
}
