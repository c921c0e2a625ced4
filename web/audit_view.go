package web

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/szdc/talenthub/models"
)

// auditRow is an audit entry as the trail shows it: the action that
// happened (a decision says whether it verified or rejected), the object by
// name, only the fields that changed, labelled and valued in the reader's
// language.
type auditRow struct {
	*models.AuditEntry
	ActionKey string // the message id of the action
	Actor     string // the actor's name ("" when unknown)
	Object    string // the object's name ("" when unknown or gone)
	Changes   []auditChange
}

// auditChange is one field of an entry: its label and values (From is
// empty for a field that was set, To for one that was removed).
type auditChange struct {
	Label, From, To string
}

// auditFields are the fields audit entries record, in the order the trail
// lists them; each has a label "audit_field.<field>".
var auditFields = []string{"status", "name", "org_kind", "date", "origin", "level", "high_end", "district", "industry", "industries", "flags", "base_kind", "established_on", "capacity", "org_id", "member_id",
	"application_id", "call_id", "members", "kind", "goal", "period_from", "period_to", "applications", "recruitments_pseudonymised", "version"}

// auditActionKey is the message id of what an entry did: a decision is
// named by its outcome, since "decided" would call a rejection a
// verification.
func auditActionKey(e *models.AuditEntry) string {
	if e.Action == models.AuditEntryDecide {
		// An entry is accepted, waitlisted or rejected, not verified.
		if st, _ := e.After["status"].(string); st == models.EntryAccepted || st == models.EntryWaitlisted || st == models.EntryRejected {
			return "audit_action.entry." + st
		}
	}
	if prefix, ok := strings.CutSuffix(e.Action, ".decide"); ok {
		if st, _ := e.After["status"].(string); st == string(models.StatusVerified) || st == string(models.StatusRejected) {
			return "audit_action." + prefix + "." + st
		}
	}
	return "audit_action." + e.Action
}

// auditRows builds the rows of a page of the trail. names are the objects'
// names by kind and id (AuditService.Names), actors the actors' names,
// targets the targets (for target.set, named by metric).
func (w *Web) auditRows(lang string, tax *models.Taxonomy, entries []*models.AuditEntry, names map[string]map[string]string,
	actors map[string]string, targets []models.TargetStatus) []auditRow {
	en := lang == models.LangEN
	value := func(field string, v any) string {
		if v == nil {
			return ""
		}
		s, isString := v.(string)
		switch field {
		case "status":
			if isString && s != "" {
				return w.tr.t(lang, "status."+s)
			}
		case "origin":
			return termLabel(tax, "origins", s, en)
		case "level":
			return termLabel(tax, "levels", s, en)
		case "district":
			return termLabel(tax, "districts", s, en)
		case "industry":
			return termLabel(tax, "industries", s, en)
		case "org_kind":
			return termLabel(tax, "org_kinds", s, en)
		case "base_kind":
			return termLabel(tax, "base_kinds", s, en)
		case "industries", "flags":
			// A list of keys, comma-separated (an organisation's or a base's).
			vocab := map[string]string{"industries": "industries", "flags": "org_flags"}[field]
			var labels []string
			for k := range strings.SplitSeq(s, ",") {
				if k != "" {
					labels = append(labels, termLabel(tax, vocab, k, en))
				}
			}
			return listJoin(labels, en)
		case "kind":
			return w.tr.t(lang, "kind."+s)
		case "members":
			// The members a decision was told to, by name.
			ids, _ := models.StringsOf(v)
			var ns []string
			for _, id := range ids {
				ns = append(ns, cmp.Or(names["user"][id], w.tr.t(lang, "audit.gone")))
			}
			return listJoin(ns, en)
		case "org_id", "member_id", "application_id", "call_id":
			kind := map[string]string{"org_id": "org", "member_id": "user", "application_id": "application", "call_id": "call"}[field]
			if n := names[kind][s]; n != "" {
				return n
			}
			return w.tr.t(lang, "audit.gone")
		}
		switch x := v.(type) {
		case bool:
			if x {
				return w.tr.t(lang, "audit.yes")
			}
			return w.tr.t(lang, "audit.no")
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
		s = fmt.Sprint(v)
		if r := []rune(s); len(r) > 80 {
			s = string(r[:80]) + "…"
		}
		return s
	}
	label := func(field string) string {
		if slices.Contains(auditFields, field) {
			return w.tr.t(lang, "audit_field."+field)
		}
		return field
	}
	rows := make([]auditRow, 0, len(entries))
	for _, e := range entries {
		r := auditRow{AuditEntry: e, ActionKey: auditActionKey(e), Actor: actors[e.ActorID], Changes: auditDiff(e.Before, e.After)}
		switch models.Kind(e.ResourceType) {
		case models.KindTalent, models.KindOrg, models.KindBase, models.KindRecruitment, models.KindTeam, models.KindCall, models.KindEntry:
			r.Object = names[e.ResourceType][e.ResourceID]
		case models.KindStats:
			for _, t := range targets {
				if t.Metric == e.ResourceID {
					r.Object = t.LabelZH
					if en {
						r.Object = t.LabelEN
					}
				}
			}
		}
		// A talent who erased their data is their pseudonym: the erasure's
		// entry names no actor when the creator erased it themselves.
		if models.Kind(e.ResourceType) == models.KindTalent && models.IsPseudonym(r.Object) && e.ActorID == "" && e.ActorRole == models.RoleCreator {
			r.Actor = r.Object
		}
		for i, c := range r.Changes {
			field := c.Label
			r.Changes[i] = auditChange{Label: label(field), From: value(field, e.Before[field]), To: value(field, e.After[field])}
		}
		rows = append(rows, r)
	}
	return rows
}

// auditDiff lists the fields an entry changed (labelled by field name):
// those whose value differs between before and after; when only one side
// is recorded (a report, a withdrawal), those it sets to something.
func auditDiff(before, after map[string]any) []auditChange {
	zero := func(v any) bool { return v == nil || v == "" || v == false }
	changed := map[string]bool{}
	for _, side := range []map[string]any{before, after} {
		for k := range side {
			b, hasB := before[k]
			a, hasA := after[k]
			switch {
			case hasB && hasA:
				changed[k] = fmt.Sprint(b) != fmt.Sprint(a)
			case len(before) > 0 && len(after) > 0:
				changed[k] = true // set or removed by the change
			case hasA:
				changed[k] = !zero(a)
			default:
				changed[k] = !zero(b)
			}
		}
	}
	var keys []string
	for k, ok := range changed {
		if ok {
			keys = append(keys, k)
		}
	}
	rank := func(k string) int {
		if i := slices.Index(auditFields, k); i >= 0 {
			return i
		}
		return len(auditFields)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	out := make([]auditChange, len(keys))
	for i, k := range keys {
		out[i] = auditChange{Label: k}
	}
	return out
}
