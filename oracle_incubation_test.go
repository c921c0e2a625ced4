package main

// Incubation in the oracle: steps that found teams, open calls, apply,
// review, decide and record milestones, and questions that check the
// incubation figures and every call's ranking against what the raw
// records say, computed again here from the rules as the documentation
// states them.

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
)

// incubation is what the sequence made of incubation.
type incubation struct {
	teams, calls, entries []string
	founder               map[string]string // team → its founder's account id
	reviewers             map[string][]string
	// reviewed are the entries with two reviews submitted, as answered:
	// the ones a decision is mostly tried on.
	reviewed map[string]int
	// accepted are the entries last answered accepted (milestones are
	// mostly tried on them).
	accepted map[string]bool
}

var oTeamStages = []string{"idea", "prototype", "launched", "revenue", "scaling"}

var incubationActions = []string{"team", "edit_team", "call", "enter", "review", "decide_entry", "milestone"}

// drawIncubationSteps is a sequence for incubation: creators and verified
// organisations first, then incubation's steps (with a restart, a crash,
// a rebuild of the index and a recount among them).
func drawIncubationSteps(r *rand.Rand, n int) []step {
	var out []step
	for _, k := range []string{"creator", "creator", "creator", "org", "decide_org", "call", "team"} {
		out = append(out, step{Kind: k, Seed: r.Uint64()})
	}
	weighted := []struct {
		kind   string
		weight int
	}{{"enter", 6}, {"review", 12}, {"decide_entry", 6}, {"milestone", 5}, {"call", 2}, {"team", 1}, {"edit_team", 1},
		{"creator", 1}, {"erase_account", 1}, {"restart", 1}, {"crash", 1}, {"reindex", 1}, {"recount", 1}}
	total := 0
	for _, a := range weighted {
		total += a.weight
	}
	for len(out) < n {
		x := r.IntN(total)
		for _, a := range weighted {
			if x < a.weight {
				out = append(out, step{Kind: a.kind, Seed: r.Uint64()})
				break
			}
			x -= a.weight
		}
	}
	return out
}

// user is the sequence's account of an id.
func (w *world) user(id string) *ouser {
	for _, u := range w.users {
		if u.id == id && !u.gone {
			return u
		}
	}
	return nil
}

func (w *world) doIncubation(r *rand.Rand, kind string, call func(method, path, token string, body any, cookie bool) (answer, error)) error {
	inc := &w.inc
	if inc.founder == nil {
		inc.founder, inc.reviewers, inc.reviewed, inc.accepted = map[string]string{}, map[string][]string{}, map[string]int{}, map[string]bool{}
	}
	today := time.Now().In(shenzhen)
	switch kind {
	case "team":
		us := w.usersOf("creator")
		if len(us) == 0 {
			return nil
		}
		u := pick(r, us)
		w.n++
		body := map[string]any{"name": fmt.Sprintf("Team %d %s", w.n, pick(r, oWords)), "stage": pick(r, oTeamStages),
			"industry": pick(r, oIndustry), "district": pick(r, oDistricts), "pitch": words(r, 6)}
		a, err := call("POST", "/api/v1/teams", u.token, body, false)
		n := len(inc.teams)
		created(a, &inc.teams)
		if len(inc.teams) > n {
			inc.founder[inc.teams[n]] = u.id
		}
		return err
	case "edit_team":
		id, ok := nth(r, inc.teams)
		u := w.user(inc.founder[id])
		if !ok || u == nil {
			return nil
		}
		body := map[string]any{"name": "Team " + pick(r, oWords), "stage": pick(r, oTeamStages), "industry": pick(r, oIndustry),
			"district": pick(r, oDistricts), "pitch": words(r, 6)}
		_, err := call("PUT", "/api/v1/teams/"+id, u.token, body, false)
		return err
	case "call":
		u, org := w.orgMember(r)
		if u == nil {
			return nil
		}
		w.n++
		body := map[string]any{"title": fmt.Sprintf("Call %d %s", w.n, pick(r, oWords)), "description": words(r, 8),
			"industries": some(r, oIndustry, r.IntN(3)), "stages": some(r, oTeamStages, 1+r.IntN(4)), "seats": 1 + r.IntN(3),
			"opens": today.AddDate(0, 0, -r.IntN(3)).Format("2006-01-02"), "closes": today.AddDate(0, 0, r.IntN(30)).Format("2006-01-02"),
			"individuals": r.IntN(3) == 0, "questions": []map[string]any{{"id": "why", "kind": "text", "label": "Why", "required": true}},
			"rubric": []map[string]any{{"id": "team", "label": "Team", "weight": 1 + r.IntN(5)}, {"id": "idea", "label": "Idea", "weight": 1 + r.IntN(5)}}}
		a, err := call("POST", "/api/v1/calls", u.token, body, false)
		if err != nil || a.code != 201 {
			return err
		}
		var c struct {
			ID string `json:"id"`
		}
		if err := a.json(&c); err != nil {
			return err
		}
		inc.calls = append(inc.calls, c.ID)
		// Its reviewers: every member of the organisation the sequence
		// knows, and an outside expert, so that entries can have the two
		// reviews a decision needs.
		if err := w.expertFor(c.ID, u, call); err != nil {
			return err
		}
		for _, m := range w.usersOf("org") {
			if w.memberOrg(m) != org {
				continue
			}
			if a, err := call("POST", "/api/v1/calls/"+c.ID+"/reviewers", u.token, map[string]string{"user_id": m.id}, false); err != nil {
				return err
			} else if a.code == 200 {
				inc.reviewers[c.ID] = append(inc.reviewers[c.ID], m.id)
			}
		}
		return nil
	case "enter":
		id, ok := nth(r, inc.calls)
		if !ok {
			return nil
		}
		var u *ouser
		body := map[string]any{"answers": map[string]string{"why": words(r, 3)}, "submit": r.IntN(6) > 0}
		// Mostly a team of a stage the call takes (now and then any), made
		// for the call when there is none.
		fits, stages := w.teamsFitting(id)
		if r.IntN(5) == 0 {
			fits = inc.teams
		} else if us := w.usersOf("creator"); (len(fits) == 0 || r.IntN(4) == 0) && len(stages) > 0 && len(us) > 0 {
			u := pick(r, us)
			w.n++
			body := map[string]any{"name": fmt.Sprintf("Team %d %s", w.n, pick(r, oWords)), "stage": pick(r, stages),
				"industry": pick(r, oIndustry), "district": pick(r, oDistricts), "pitch": words(r, 6)}
			a, err := call("POST", "/api/v1/teams", u.token, body, false)
			if err != nil {
				return err
			}
			n := len(inc.teams)
			created(a, &inc.teams)
			if len(inc.teams) > n {
				inc.founder[inc.teams[n]] = u.id
				fits = append(fits, inc.teams[n])
			}
		}
		if team, ok := nth(r, fits); ok && r.IntN(6) > 0 {
			u = w.user(inc.founder[team])
			body["team_id"] = team
		} else if us := w.usersOf("creator"); len(us) > 0 {
			u = pick(r, us)
		}
		if u == nil {
			return nil
		}
		a, err := call("POST", "/api/v1/calls/"+id+"/entries", u.token, body, false)
		if err == nil && a.code == 409 && r.IntN(4) > 0 {
			// Entered already: submit the draft, or change the answers.
			team, _ := body["team_id"].(string)
			if team == "" {
				team = u.id
			}
			_, err = call("PATCH", "/api/v1/entries/"+id+"-"+team, u.token, body, false)
		}
		created(a, &inc.entries)
		return err
	case "review":
		// An entry the sequence made (a draft is refused), reviewed by one
		// of its call's reviewers, or by each of them in turn.
		id, ok := nth(r, inc.entries)
		if !ok {
			return nil
		}
		callID, _, _ := strings.Cut(id, "-")
		revs := inc.reviewers[callID]
		if r.IntN(2) == 0 && len(revs) > 0 {
			revs = []string{pick(r, revs)}
		}
		for _, rev := range revs {
			u := w.user(rev)
			if u == nil {
				continue
			}
			body := map[string]any{"scores": map[string]int{"team": 1 + r.IntN(10), "idea": 1 + r.IntN(10)}, "submit": r.IntN(10) > 0,
				"conflict": r.IntN(20) == 0}
			a, err := call("PUT", "/api/v1/entries/"+id+"/review", u.token, body, false)
			if err != nil {
				return err
			}
			var rv struct {
				Submitted, Conflict bool
			}
			if a.code == 200 && a.json(&rv) == nil && rv.Submitted && !rv.Conflict {
				inc.reviewed[id]++
			}
		}
		return nil
	case "decide_entry":
		id, u := w.entryOfIncubator(r, func(id string) bool { return inc.reviewed[id] >= 2 })
		if u == nil {
			return nil
		}
		body := map[string]string{"decision": pick(r, []string{"accepted", "accepted", "waitlisted", "rejected"}), "message": words(r, 3)}
		a, err := call("POST", "/api/v1/entries/"+id+"/decision", u.token, body, false)
		var e struct {
			Status string `json:"status"`
		}
		if err == nil && a.code == 200 && a.json(&e) == nil {
			inc.accepted[id] = e.Status == "accepted"
		}
		return err
	case "milestone":
		id, u := w.entryOfIncubator(r, func(id string) bool { return inc.accepted[id] })
		if u == nil {
			return nil
		}
		callID, team, _ := strings.Cut(id, "-")
		kind := pick(r, []string{"incorporated", "incorporated", "funding", "headcount", "award", "revenue"})
		// Mostly today or yesterday (after the acceptance), now and then
		// long before (refused: before the team joined).
		date := today.AddDate(0, 0, -r.IntN(2))
		if r.IntN(5) == 0 {
			date = today.AddDate(0, 0, -r.IntN(500))
		}
		body := map[string]any{"kind": kind, "date": date.Format("2006-01-02"),
			"amount": r.IntN(5_000_000), "note": words(r, 2)}
		if kind == "revenue" {
			body["band"] = pick(r, []string{"lt1m", "1m-5m", "5m-20m"})
		}
		_, err := call("POST", "/api/v1/calls/"+callID+"/cohort/"+team+"/milestones", u.token, body, false)
		return err
	}
	return fmt.Errorf("no incubation step %q", kind)
}

// incubatorOf is mostly a member of the call's organisation among its
// reviewers (the opener), now and then any of its reviewers.
func (w *world) incubatorOf(r *rand.Rand, callID string) *ouser {
	var members []*ouser
	for _, id := range w.inc.reviewers[callID] {
		if u := w.user(id); u != nil && (u.role == "org" || r.IntN(8) == 0) {
			members = append(members, u)
		}
	}
	if len(members) == 0 {
		return nil
	}
	return pick(r, members)
}

// teamsFitting are the sequence's teams of a stage the call takes, and
// those stages.
func (w *world) teamsFitting(callID string) ([]string, []string) {
	a, err := w.srv.call("GET", "/api/v1/calls/"+callID, w.bureau.token, nil, false)
	var c struct {
		Stages []string `json:"stages"`
	}
	if err != nil || a.code != 200 || a.json(&c) != nil {
		return nil, nil
	}
	var out []string
	for _, id := range w.inc.teams {
		a, err := w.srv.call("GET", "/api/v1/teams/"+id, w.bureau.token, nil, false)
		var t struct {
			Stage string `json:"stage"`
		}
		if err == nil && a.code == 200 && a.json(&t) == nil && slices.Contains(c.Stages, t.Stage) {
			out = append(out, id)
		}
	}
	return out, c.Stages
}

// entryOfIncubator is an entry, mostly one of those likely (the others are
// mostly refused, and that is tried too), and a member of the incubator
// of its call; no member when there is none.
func (w *world) entryOfIncubator(r *rand.Rand, likely func(id string) bool) (string, *ouser) {
	id, ok := nth(r, slices.DeleteFunc(slices.Clone(w.inc.entries), func(id string) bool { return !likely(id) }))
	if !ok || r.IntN(5) == 0 {
		id, ok = nth(r, w.inc.entries)
	}
	if !ok {
		return "", nil
	}
	callID, _, _ := strings.Cut(id, "-")
	return id, w.incubatorOf(r, callID)
}

// expertFor adds an outside expert to a call as its opener would, and
// signs the expert in as the expert would: the link of the invitation
// mail (read from the outbox, the expert's mailbox here) sets the
// password.
func (w *world) expertFor(callID string, opener *ouser, call func(method, path, token string, body any, cookie bool) (answer, error)) error {
	w.n++
	email := fmt.Sprintf("expert%d@oracle.example", w.n)
	a, err := call("POST", "/api/v1/calls/"+callID+"/reviewers", opener.token, map[string]string{"email": email, "name": fmt.Sprintf("Expert %d", w.n)}, false)
	if err != nil || a.code != 200 {
		return err
	}
	var mail struct {
		Link string `bson:"link"`
	}
	ctx := context.Background()
	if err := w.srv.db().Collection("mails").FindOne(ctx, bson.D{{Key: "to", Value: email}, {Key: "kind", Value: "reviewer_invite"}}).Decode(&mail); err != nil {
		return fmt.Errorf("the expert's invitation: %w", err)
	}
	_, token, _ := strings.Cut(mail.Link, "?t=")
	if a, err := w.srv.call("POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": token, "password": oraclePassword}, false); err != nil || a.code != 204 {
		return fmt.Errorf("the expert sets a password: %v %s", err, a)
	}
	u, err := w.signIn(email, "reviewer")
	if err != nil {
		return err
	}
	u.name = "Expert"
	w.users = append(w.users, u)
	w.inc.reviewers[callID] = append(w.inc.reviewers[callID], u.id)
	return nil
}

// decisionNotices are the notifications the entries' decisions owe their
// applicants (and their teams' members, as the teams are now), by
// account: one per decision audited and recipient.
func (s *snapshot) decisionNotices() map[string][]string {
	want := map[string][]string{}
	for id, a := range s.audit {
		if a.Action != "entry.decide" {
			continue
		}
		e := s.inc.entries[a.ResourceID]
		if e == nil {
			continue
		}
		// The creator who applied alone; for a team, the members the
		// decision recorded (its members when it was decided).
		to := []string{e.ApplicantID}
		if members, ok := a.After["members"].(bson.A); ok && e.TeamID != "" {
			to = nil
			for _, m := range members {
				to = append(to, m.(string))
			}
		} else if e.TeamID != "" {
			to = nil
			if t := s.inc.teams[e.TeamID]; t != nil {
				for _, m := range t.Members {
					if m.Status == "member" {
						to = append(to, m.UserID)
					}
				}
			}
		}
		for _, u := range to {
			want[u] = append(want[u], "audit:"+id+":"+u)
		}
	}
	return want
}

// The raw records of incubation.

type rawEntry struct {
	ID          string     `bson:"_id"`
	CallID      string     `bson:"call_id"`
	OrgID       string     `bson:"org_id"`
	TeamID      string     `bson:"team_id"`
	ApplicantID string     `bson:"applicant_id"`
	Status      string     `bson:"status"`
	SubmittedAt *time.Time `bson:"submitted_at"`
	DecidedOn   string     `bson:"decided_on"`
	District    string     `bson:"district"`
	Industry    string     `bson:"industry"`
}

func (e *rawEntry) applicant() string { return cmp.Or(e.TeamID, e.ApplicantID) }

type rawMilestone struct {
	OID       primitive.ObjectID `bson:"_id"`
	TeamID    string             `bson:"team_id"`
	CallID    string             `bson:"call_id"`
	Kind      string             `bson:"kind"`
	Date      string             `bson:"date"`
	Amount    int64              `bson:"amount"`
	CreatedAt time.Time          `bson:"created_at"`
}

type rawReview struct {
	ID         string         `bson:"_id"`
	EntryID    string         `bson:"entry_id"`
	CallID     string         `bson:"call_id"`
	ReviewerID string         `bson:"reviewer_id"`
	Scores     map[string]int `bson:"scores"`
	Conflict   bool           `bson:"conflict"`
	Submitted  bool           `bson:"submitted"`
}

type rawCall struct {
	OID    primitive.ObjectID `bson:"_id"`
	OrgID  string             `bson:"org_id"`
	Rubric []struct {
		ID     string `bson:"id"`
		Weight int    `bson:"weight"`
	} `bson:"rubric"`
}

type rawTeam struct {
	OID     primitive.ObjectID `bson:"_id"`
	Members []struct {
		UserID string `bson:"user_id"`
		Status string `bson:"status"`
	} `bson:"members"`
}

type incubationRecords struct {
	teams      map[string]*rawTeam
	entries    map[string]*rawEntry
	milestones map[string]*rawMilestone
	reviews    map[string]*rawReview
	calls      map[string]*rawCall
}

func readIncubation(ctx context.Context, db *mongo.Database) (*incubationRecords, error) {
	var ir incubationRecords
	var err error
	if ir.teams, err = readAll(ctx, db, "teams", func(t *rawTeam) string { return t.OID.Hex() }); err != nil {
		return nil, err
	}
	if ir.entries, err = readAll(ctx, db, "entries", func(e *rawEntry) string { return e.ID }); err != nil {
		return nil, err
	}
	if ir.milestones, err = readAll(ctx, db, "milestones", func(m *rawMilestone) string { return m.OID.Hex() }); err != nil {
		return nil, err
	}
	if ir.reviews, err = readAll(ctx, db, "reviews", func(r *rawReview) string { return r.ID }); err != nil {
		return nil, err
	}
	if ir.calls, err = readAll(ctx, db, "calls", func(c *rawCall) string { return c.OID.Hex() }); err != nil {
		return nil, err
	}
	return &ir, nil
}

type oIncCount struct {
	Key          string `json:"key"`
	Teams        int    `json:"teams"`
	Incorporated int    `json:"incorporated"`
}

type oCohort struct {
	CallID       string `json:"call_id"`
	Teams        int    `json:"teams"`
	Incorporated int    `json:"incorporated"`
	Funding      int64  `json:"funding"`
	Headcount    int64  `json:"headcount"`
	Awards       int    `json:"awards"`
}

type oIncFigures struct {
	Teams        int         `json:"teams"`
	Incorporated int         `json:"incorporated"`
	ByIncubator  []oIncCount `json:"by_incubator"`
	ByDistrict   []oIncCount `json:"by_district"`
	ByIndustry   []oIncCount `json:"by_industry"`
	Cohorts      []oCohort   `json:"cohorts"`
}

// figures are the year's incubation figures as the documentation says
// them: a team is incubated in the year (in Shenzhen) it was accepted into
// a cohort, once however many cohorts took it that year; it counts for
// the incubator, district and industry of each acceptance that year. A
// company is incorporated from incubation in the year of its first
// incorporation milestone, if it was ever accepted, where it was first
// accepted.
func (ir *incubationRecords) figures(year int) oIncFigures {
	inYear := func(date string) bool { return strings.HasPrefix(date, fmt.Sprintf("%04d-", year)) }
	teams := map[string]bool{}
	group := func() map[string]map[string]bool { return map[string]map[string]bool{} }
	byOrg, byDistrict, byIndustry := group(), group(), group()
	incOrg, incDistrict, incIndustry := group(), group(), group()
	put := func(m map[string]map[string]bool, k, team string) {
		if m[k] == nil {
			m[k] = map[string]bool{}
		}
		m[k][team] = true
	}
	first := map[string]*rawEntry{}
	for _, e := range ir.entries {
		if e.Status != "accepted" {
			continue
		}
		t := e.applicant()
		if f := first[t]; f == nil || e.DecidedOn < f.DecidedOn || e.DecidedOn == f.DecidedOn && e.ID < f.ID {
			first[t] = e
		}
		if inYear(e.DecidedOn) {
			teams[t] = true
			put(byOrg, e.OrgID, t)
			put(byDistrict, e.District, t)
			put(byIndustry, e.Industry, t)
		}
	}
	incorporated := map[string]*rawMilestone{}
	for _, m := range ir.milestones {
		if m.Kind != "incorporated" || first[m.TeamID] == nil || m.Date < first[m.TeamID].DecidedOn {
			continue
		}
		if p := incorporated[m.TeamID]; p == nil || m.Date < p.Date || m.Date == p.Date && m.OID.Hex() < p.OID.Hex() {
			incorporated[m.TeamID] = m
		}
	}
	f := oIncFigures{Teams: len(teams)}
	for t, m := range incorporated {
		if inYear(m.Date) {
			f.Incorporated++
			e := first[t]
			put(incOrg, e.OrgID, t)
			put(incDistrict, e.District, t)
			put(incIndustry, e.Industry, t)
		}
	}
	lines := func(ts, inc map[string]map[string]bool) []oIncCount {
		out := []oIncCount{}
		keys := map[string]bool{}
		for k := range ts {
			keys[k] = true
		}
		for k := range inc {
			keys[k] = true
		}
		for k := range keys {
			out = append(out, oIncCount{Key: k, Teams: len(ts[k]), Incorporated: len(inc[k])})
		}
		slices.SortFunc(out, func(a, b oIncCount) int { return cmp.Or(b.Teams-a.Teams, strings.Compare(a.Key, b.Key)) })
		return out
	}
	f.ByIncubator, f.ByDistrict, f.ByIndustry = lines(byOrg, incOrg), lines(byDistrict, incDistrict), lines(byIndustry, incIndustry)
	f.Cohorts = []oCohort{}
	cohorts := map[string]*oCohort{}
	for _, e := range ir.entries {
		if e.Status != "accepted" {
			continue
		}
		c := cohorts[e.CallID]
		if c == nil {
			c = &oCohort{CallID: e.CallID}
			cohorts[e.CallID] = c
		}
		c.Teams++
		var head *rawMilestone
		incorporated := false
		for _, m := range ir.milestones {
			if m.CallID != e.CallID || m.TeamID != e.applicant() {
				continue
			}
			switch m.Kind {
			case "incorporated":
				incorporated = true
			case "funding":
				c.Funding += m.Amount
			case "award":
				c.Awards++
			case "headcount":
				if head == nil || m.Date > head.Date || m.Date == head.Date && m.CreatedAt.After(head.CreatedAt) {
					head = m
				}
			}
		}
		if incorporated {
			c.Incorporated++
		}
		if head != nil {
			c.Headcount += head.Amount
		}
	}
	for _, c := range cohorts {
		f.Cohorts = append(f.Cohorts, *c)
	}
	slices.SortFunc(f.Cohorts, func(a, b oCohort) int { return strings.Compare(a.CallID, b.CallID) })
	return f
}

// incubationFigures asks /stats/incubation of a year.
type incubationFigures struct{ Year int }

func (q incubationFigures) String() string {
	return fmt.Sprintf("the incubation figures of %d", q.Year)
}

func (q incubationFigures) ask(w *world, s *snapshot) error {
	a, err := w.srv.call("GET", fmt.Sprintf("/api/v1/stats/incubation?year=%d", q.Year), w.bureau.token, nil, false)
	if err != nil {
		return err
	}
	if a.code != 200 {
		return fmt.Errorf("incubation figures: %s", a)
	}
	var got oIncFigures
	if err := a.json(&got); err != nil {
		return err
	}
	want := s.inc.figures(q.Year)
	if g, x := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != x {
		return fmt.Errorf("incubation %d:\n got %s\nwant %s", q.Year, g, x)
	}
	return nil
}

// rankings asks every call's ranking as its reviewers see it: each
// entry's raw, normalised and spread from the raw reviews (the totals
// worked out again from the scores and the rubric), hidden where the
// reader has not reviewed it, and the order.
type rankings struct{}

func (rankings) String() string { return "every call's ranking" }

func (rankings) ask(w *world, s *snapshot) error {
	for callID, revs := range w.inc.reviewers {
		c := s.inc.calls[callID]
		if c == nil || len(revs) == 0 {
			continue
		}
		u := w.user(revs[0])
		if u == nil {
			continue
		}
		a, err := w.srv.call("GET", "/api/v1/calls/"+callID+"/ranking", u.token, nil, false)
		if err != nil {
			return err
		}
		if a.code == 403 && w.memberOrg(u) != c.OrgID {
			continue // the reviewer left the organisation
		}
		if a.code != 200 {
			return fmt.Errorf("ranking of %s: %s", callID, a)
		}
		var got struct {
			NormalisedHidden bool `json:"normalised_hidden"`
			Items            []struct {
				Entry struct {
					ID string `json:"id"`
				} `json:"entry"`
				Reviews    int     `json:"reviews"`
				Raw        float64 `json:"raw"`
				Normalised float64 `json:"normalised"`
				Spread     float64 `json:"spread"`
				Hidden     bool    `json:"hidden"`
			} `json:"items"`
		}
		if err := a.json(&got); err != nil {
			return err
		}
		want := s.inc.ranking(callID, c)
		var ids []string
		// Entries the reader has not reviewed: a declared conflict is not a
		// review, so a reviewer with one never sees the normalised scores
		// (they would tell what the others gave the entry it may not see).
		left := false
		for _, e := range s.inc.entries {
			if e.CallID == callID && e.Status != "draft" {
				ids = append(ids, e.ID)
				if r := s.inc.reviews[e.ID+":"+u.id]; r == nil || !r.Submitted || r.Conflict {
					left = true
				}
			}
		}
		if got.NormalisedHidden != left {
			return fmt.Errorf("ranking of %s: normalised hidden %v for a reviewer with entries left %v", callID, got.NormalisedHidden, left)
		}
		if len(got.Items) != len(ids) {
			return fmt.Errorf("ranking of %s: %d entries; the records have %d submitted", callID, len(got.Items), len(ids))
		}
		for i, it := range got.Items {
			x := want[it.Entry.ID]
			mine := s.inc.reviews[it.Entry.ID+":"+u.id]
			seen := mine != nil && mine.Submitted && !mine.Conflict
			if it.Hidden == seen {
				return fmt.Errorf("ranking of %s: entry %s hidden=%v for a reviewer whose review is %+v", callID, it.Entry.ID, it.Hidden, mine)
			}
			if it.Hidden {
				continue
			}
			if left {
				// No normalised score until every entry is reviewed; the
				// reviewed ones rank by raw score.
				x.norm = 0
			}
			if it.Reviews != x.n || math.Abs(it.Raw-x.raw) > 1e-3 || math.Abs(it.Normalised-x.norm) > 1e-3 || math.Abs(it.Spread-x.spread) > 1e-3 {
				return fmt.Errorf("ranking of %s: entry %s reviews %d raw %v normalised %v spread %v; the records say %+v", callID,
					it.Entry.ID, it.Reviews, it.Raw, it.Normalised, it.Spread, x)
			}
			if i > 0 && left {
				p := got.Items[i-1]
				if p.Hidden && !it.Hidden || !p.Hidden && !it.Hidden && p.Raw < it.Raw-1e-6 {
					return fmt.Errorf("ranking of %s by raw score: %s (%+v) ranked above %s (%+v)", callID, p.Entry.ID, p, it.Entry.ID, it)
				}
			} else if i > 0 {
				p := want[got.Items[i-1].Entry.ID]
				if (p.n == 0 && x.n > 0) || (p.n > 0 && x.n > 0 && p.norm < x.norm-1e-6) {
					return fmt.Errorf("ranking of %s: %s (%+v) ranked above %s (%+v)", callID, got.Items[i-1].Entry.ID, p, it.Entry.ID, x)
				}
			}
		}
	}
	return nil
}

type oRanked struct {
	n                       int
	raw, norm, spread, zsum float64
}

func (ir *incubationRecords) ranking(callID string, c *rawCall) map[string]oRanked {
	total := func(r *rawReview) float64 {
		sum, ws := 0.0, 0.0
		for _, cr := range c.Rubric {
			sum += float64(r.Scores[cr.ID] * cr.Weight)
			ws += float64(cr.Weight)
		}
		return sum / ws
	}
	by := map[string][]float64{}
	for _, r := range ir.reviews {
		if r.CallID == callID && r.Submitted && !r.Conflict {
			by[r.ReviewerID] = append(by[r.ReviewerID], total(r))
		}
	}
	mean, sd := map[string]float64{}, map[string]float64{}
	for id, ts := range by {
		for _, t := range ts {
			mean[id] += t / float64(len(ts))
		}
		for _, t := range ts {
			sd[id] += (t - mean[id]) * (t - mean[id]) / float64(len(ts))
		}
		sd[id] = math.Sqrt(sd[id])
	}
	out := map[string]oRanked{}
	lo, hi := map[string]float64{}, map[string]float64{}
	for _, r := range ir.reviews {
		if r.CallID != callID || !r.Submitted || r.Conflict {
			continue
		}
		x := out[r.EntryID]
		t := total(r)
		z := 0.0
		if sd[r.ReviewerID] > 1e-9 {
			z = (t - mean[r.ReviewerID]) / sd[r.ReviewerID]
		}
		if x.n == 0 || t < lo[r.EntryID] {
			lo[r.EntryID] = t
		}
		if x.n == 0 || t > hi[r.EntryID] {
			hi[r.EntryID] = t
		}
		x.n++
		x.raw += t
		x.zsum += z
		out[r.EntryID] = x
	}
	for id, x := range out {
		x.norm, x.raw, x.spread = x.zsum/float64(x.n), x.raw/float64(x.n), hi[id]-lo[id]
		out[id] = x
	}
	return out
}
