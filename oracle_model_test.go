package main

// The oracle's own view of the records: every document read raw from the
// database, with the driver and test-local types (never the store's
// converters), and the answers a person should see, computed from them by
// brute force. Nothing here calls the code under test: the rules are
// written again from what they promise (the README's counting rules and
// the API's documentation), so that a defect in a cache, a kept count or
// an index cannot hide behind the same mistake made twice.

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
)

type RawMeta struct {
	Version   int64     `bson:"version"`
	CreatedAt time.Time `bson:"created_at"`
	UpdatedAt time.Time `bson:"updated_at"`
}

type rawDecision struct {
	By     string    `bson:"by"`
	At     time.Time `bson:"at"`
	Reason string    `bson:"reason"`
}

type rawTalent struct {
	OID             primitive.ObjectID `bson:"_id"`
	Name            string             `bson:"name"`
	Headline        string             `bson:"headline"`
	Bio             string             `bson:"bio"`
	Skills          []string           `bson:"skills"`
	Tools           []string           `bson:"tools"`
	Industries      []string           `bson:"industries"`
	District        string             `bson:"district"`
	Origin          string             `bson:"origin"`
	YearsExperience int                `bson:"years_experience"`
	Level           string             `bson:"level"`
	Available       bool               `bson:"available"`
	Visibility      string             `bson:"visibility"`
	Works           []struct {
		Title       string   `bson:"title"`
		Description string   `bson:"description"`
		Tags        []string `bson:"tags"`
	} `bson:"works"`
	RawMeta `bson:",inline"`
}

func (t *rawTalent) ID() string { return t.OID.Hex() }

// text is every searchable word of a profile (never the contact).
func (t *rawTalent) text() string {
	parts := []string{t.Name, t.Headline, t.Bio, strings.Join(t.Skills, " "), strings.Join(t.Tools, " ")}
	for _, w := range t.Works {
		parts = append(parts, w.Title, w.Description, strings.Join(w.Tags, " "))
	}
	return strings.Join(parts, " ")
}

type rawOrg struct {
	OID        primitive.ObjectID `bson:"_id"`
	Name       string             `bson:"name"`
	Kind       string             `bson:"kind"`
	District   string             `bson:"district"`
	Industries []string           `bson:"industries"`
	Flags      []string           `bson:"flags"`
	Status     string             `bson:"status"`
	Decision   *rawDecision       `bson:"decision"`
	MemberIDs  []string           `bson:"member_ids"`
	RawMeta    `bson:",inline"`
}

func (o *rawOrg) ID() string { return o.OID.Hex() }

type rawBase struct {
	OID            primitive.ObjectID `bson:"_id"`
	Name           string             `bson:"name"`
	Kind           string             `bson:"kind"`
	District       string             `bson:"district"`
	OperatorOrgIDs []string           `bson:"operator_org_ids"` // the confirmed ones
	PendingOps     []string           `bson:"pending_operator_org_ids"`
	Status         string             `bson:"status"`
	Decision       *rawDecision       `bson:"decision"`
	RawMeta        `bson:",inline"`
}

func (b *rawBase) ID() string { return b.OID.Hex() }

type rawProject struct {
	OID         primitive.ObjectID `bson:"_id"`
	OrgID       string             `bson:"org_id"`
	Title       string             `bson:"title"`
	Description string             `bson:"description"`
	Kind        string             `bson:"kind"`
	Skills      []string           `bson:"skills"`
	Industries  []string           `bson:"industries"`
	District    string             `bson:"district"`
	Deadline    string             `bson:"deadline"`
	Status      string             `bson:"status"`
	RawMeta     `bson:",inline"`
}

func (p *rawProject) ID() string { return p.OID.Hex() }

func (p *rawProject) text() string {
	return strings.Join([]string{p.Title, p.Description, strings.Join(p.Skills, " ")}, " ")
}

type rawApp struct {
	OID       primitive.ObjectID `bson:"_id"`
	ProjectID string             `bson:"project_id"`
	OrgID     string             `bson:"org_id"`
	TalentID  string             `bson:"talent_id"`
	Stage     string             `bson:"stage"`
	History   []rawMove          `bson:"history"`
	RawMeta   `bson:",inline"`
}

// rawMove is one step of an application's history.
type rawMove struct {
	Action string `bson:"action"`
	Side   string `bson:"side"`
	To     string `bson:"to"`
}

func (a *rawApp) ID() string { return a.OID.Hex() }

type rawRec struct {
	OID        primitive.ObjectID `bson:"_id"`
	TalentID   string             `bson:"talent_id"`
	TalentName string             `bson:"talent_name"`
	OrgID      string             `bson:"org_id"`
	Date       string             `bson:"date"`
	Origin     string             `bson:"origin"`
	Level      string             `bson:"level"`
	HighEnd    bool               `bson:"high_end"`
	District   string             `bson:"district"`
	Industry   string             `bson:"industry"`
	Status     string             `bson:"status"`
	Erased     bool               `bson:"erased"`
	Person     string             `bson:"person"`
	RawMeta    `bson:",inline"`
	// person is who the record counts for, worked out by readSnapshot.
	person string
}

func (r *rawRec) ID() string { return r.OID.Hex() }

type rawAudit struct {
	OID          primitive.ObjectID `bson:"_id"`
	At           time.Time          `bson:"at"`
	ActorID      string             `bson:"actor_id"`
	Action       string             `bson:"action"`
	ResourceType string             `bson:"resource_type"`
	ResourceID   string             `bson:"resource_id"`
	After        bson.M             `bson:"after"`
}

func (a *rawAudit) ID() string { return a.OID.Hex() }

// rawTarget is a target as stored (a JSON document under its metric).
type rawTarget struct {
	Metric string `json:"metric"`
	Kind   string `json:"kind"`
	Period struct {
		From int `json:"from"`
		To   int `json:"to"`
	} `json:"period"`
	Goal          float64  `json:"goal"`
	BaseKind      string   `json:"base_kind"`
	OperatorKinds []string `json:"operator_kinds"`
	OrgKind       string   `json:"org_kind"`
	OrgFlag       string   `json:"org_flag"`
	Origin        string   `json:"origin"`
	LabelZH       string   `json:"label_zh"`
	LabelEN       string   `json:"label_en"`
}

type rawTerm struct {
	Key     string `json:"key" bson:"key"`
	ZH      string `json:"zh" bson:"zh"`
	EN      string `json:"en" bson:"en"`
	Retired bool   `json:"retired,omitempty" bson:"retired,omitempty"`
}

// snapshot is the whole database as the oracle reads it.
type snapshot struct {
	talents  map[string]*rawTalent
	orgs     map[string]*rawOrg
	bases    map[string]*rawBase
	projects map[string]*rawProject
	apps     map[string]*rawApp
	recs     map[string]*rawRec
	audit    map[string]*rawAudit
	targets  []rawTarget
	consents map[string]bool   // talent_id:org_id
	userOrg  map[string]string // user → the organisation it belongs to
	// the taxonomy's live districts and industries
	districts, industries []string
	inc                   *incubationRecords
}

func readAll[T any](ctx context.Context, db *mongo.Database, coll string, id func(*T) string) (map[string]*T, error) {
	cur, err := db.Collection(coll).Find(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", coll, err)
	}
	var docs []*T
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("decode %s: %w", coll, err)
	}
	out := make(map[string]*T, len(docs))
	for _, d := range docs {
		out[id(d)] = d
	}
	return out, nil
}

func readSnapshot(ctx context.Context, db *mongo.Database) (*snapshot, error) {
	s := &snapshot{}
	var err error
	if s.talents, err = readAll(ctx, db, "talents", (*rawTalent).ID); err != nil {
		return nil, err
	}
	if s.orgs, err = readAll(ctx, db, "orgs", (*rawOrg).ID); err != nil {
		return nil, err
	}
	if s.bases, err = readAll(ctx, db, "bases", (*rawBase).ID); err != nil {
		return nil, err
	}
	if s.projects, err = readAll(ctx, db, "projects", (*rawProject).ID); err != nil {
		return nil, err
	}
	if s.apps, err = readAll(ctx, db, "applications", (*rawApp).ID); err != nil {
		return nil, err
	}
	if s.recs, err = readAll(ctx, db, "recruitments", (*rawRec).ID); err != nil {
		return nil, err
	}
	if s.audit, err = readAll(ctx, db, "audit", (*rawAudit).ID); err != nil {
		return nil, err
	}
	if s.inc, err = readIncubation(ctx, db); err != nil {
		return nil, err
	}
	// A person counts once a year: the person of an identity document a
	// profile is linked to, else the document a record carries (imported,
	// or linked before an erasure), else the talent.
	type link struct {
		Person   string `bson:"_id"`
		TalentID string `bson:"talent_id"`
	}
	links, err := readAll(ctx, db, "identities", func(l *link) string { return l.TalentID })
	if err != nil {
		return nil, err
	}
	for _, r := range s.recs {
		switch l, ok := links[r.TalentID]; {
		case ok:
			r.person = l.Person
		case r.Person != "":
			r.person = r.Person
		default:
			r.person = r.TalentID
		}
	}
	type user struct {
		ID    primitive.ObjectID `bson:"_id"`
		OrgID string             `bson:"org_id"`
	}
	users, err := readAll(ctx, db, "users", func(u *user) string { return u.ID.Hex() })
	if err != nil {
		return nil, err
	}
	s.userOrg = map[string]string{}
	for id, u := range users {
		s.userOrg[id] = u.OrgID
	}
	type consent struct {
		ID string `bson:"_id"`
	}
	cs, err := readAll(ctx, db, "consents", func(c *consent) string { return c.ID })
	if err != nil {
		return nil, err
	}
	s.consents = map[string]bool{}
	for id := range cs {
		s.consents[id] = true
	}
	var tax struct {
		JSON string `bson:"json"`
	}
	if err := db.Collection("meta").FindOne(ctx, bson.D{{Key: "_id", Value: "taxonomy"}}).Decode(&tax); err != nil {
		return nil, fmt.Errorf("taxonomy: %w", err)
	}
	var terms struct {
		Districts  []rawTerm `json:"districts"`
		Industries []rawTerm `json:"industries"`
	}
	if err := json.Unmarshal([]byte(tax.JSON), &terms); err != nil {
		return nil, fmt.Errorf("taxonomy: %w", err)
	}
	for _, t := range terms.Districts {
		if !t.Retired {
			s.districts = append(s.districts, t.Key)
		}
	}
	for _, t := range terms.Industries {
		if !t.Retired {
			s.industries = append(s.industries, t.Key)
		}
	}
	cur, err := db.Collection("targets").Find(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	var docs []struct {
		ID   string `bson:"_id"`
		JSON string `bson:"json"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	for _, d := range docs {
		var t rawTarget
		if err := json.Unmarshal([]byte(d.JSON), &t); err != nil {
			return nil, fmt.Errorf("target %s: %w", d.ID, err)
		}
		t.Metric = d.ID
		s.targets = append(s.targets, t)
	}
	slices.SortFunc(s.targets, func(a, b rawTarget) int { return cmp.Compare(a.Metric, b.Metric) })
	return s, nil
}

// shenzhen is the plan's time zone: a decision counts in the year it was
// taken there.
var shenzhen = time.FixedZone("UTC+8", 8*3600)

// ---- counting (the README's counting rules, written again) ----

// counts reports whether a recruitment record counts toward the talents
// target: verified and high-end (level A, B or C, or flagged by the bureau).
func (r *rawRec) counts() bool {
	return r.Status == "verified" && (r.Level == "A" || r.Level == "B" || r.Level == "C" || r.HighEnd)
}

func (r *rawRec) year() int {
	var y int
	fmt.Sscanf(r.Date, "%d-", &y)
	return y
}

// yearFigures is a year's counted people: each person once, under their
// earliest counting record of the year (by date, then id).
type yearFigures struct {
	attributed map[string]*rawRec // person → the record they count under
}

func (s *snapshot) year(y int) yearFigures {
	f := yearFigures{attributed: map[string]*rawRec{}}
	for _, r := range s.recs {
		if !r.counts() || r.year() != y {
			continue
		}
		best := f.attributed[r.person]
		if best == nil || r.Date < best.Date || r.Date == best.Date && r.ID() < best.ID() {
			f.attributed[r.person] = r
		}
	}
	return f
}

func levelKey(r *rawRec) string {
	if r.Level == "" {
		return "flagged"
	}
	return r.Level
}

// breakdown is a year's counted talents grouped by dim, as the API orders
// groups: most first, then by key; the months all twelve, in order.
func (f yearFigures) breakdown(dim string) (int, []oGroup) {
	counts := map[string]int{}
	for _, r := range f.attributed {
		var k string
		switch dim {
		case "month":
			k = r.Date[5:7]
		case "district":
			k = r.District
		case "industry":
			k = r.Industry
		case "origin":
			k = r.Origin
		case "level":
			k = levelKey(r)
		case "district_industry":
			k = r.District + "/" + r.Industry
		}
		counts[k]++
	}
	if dim == "month" {
		out := make([]oGroup, 12)
		for m := 1; m <= 12; m++ {
			k := fmt.Sprintf("%02d", m)
			out[m-1] = oGroup{k, counts[k]}
		}
		return len(f.attributed), out
	}
	return len(f.attributed), sortedGroups(counts)
}

type oGroup struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

func sortedGroups(counts map[string]int) []oGroup {
	out := []oGroup{}
	for k, n := range counts {
		if n > 0 {
			out = append(out, oGroup{k, n})
		}
	}
	slices.SortFunc(out, func(a, b oGroup) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key)) })
	return out
}

// decidedBy: a verification counts from the year it was taken in Shenzhen.
func decidedBy(d *rawDecision, y int) bool { return d != nil && d.At.In(shenzhen).Year() <= y }

// baseBreakdown is the verified bases by kind or district, each once.
func (s *snapshot) baseBreakdown(by string) (int, []oGroup) {
	counts := map[string]int{}
	n := 0
	for _, b := range s.bases {
		if b.Status != "verified" {
			continue
		}
		n++
		if by == "kind" {
			counts[b.Kind]++
		} else {
			counts[b.District]++
		}
	}
	return n, sortedGroups(counts)
}

// oTarget is what the oracle expects of a target in a year.
type oTarget struct {
	Metric   string
	InPeriod bool
	Actual   float64
	Percent  float64
	Unit     string
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

func (s *snapshot) target(t rawTarget, y int) oTarget {
	o := oTarget{Metric: t.Metric, InPeriod: y >= t.Period.From && y <= t.Period.To}
	switch t.Kind {
	case "talents_per_year":
		o.Unit = "talents"
		n := 0
		for _, r := range s.year(y).attributed {
			if t.Origin == "" || r.Origin == t.Origin {
				n++
			}
		}
		o.Actual = float64(n)
	case "bases":
		o.Unit = "bases"
		n := 0
		for _, b := range s.bases {
			if b.Status == "verified" && decidedBy(b.Decision, y) && s.baseCounts(t, b) {
				n++
			}
		}
		o.Actual = float64(n)
	case "bases_per_org":
		o.Unit = "organisations reaching the goal"
		orgs, reached := 0, 0
		for _, org := range s.orgs {
			if org.Status != "verified" || !decidedBy(org.Decision, y) || !slices.Contains(org.Flags, t.OrgFlag) ||
				t.OrgKind != "" && org.Kind != t.OrgKind {
				continue
			}
			orgs++
			n := 0
			for _, b := range s.bases {
				if b.Kind == t.BaseKind && b.Status == "verified" && decidedBy(b.Decision, y) && slices.Contains(b.OperatorOrgIDs, org.ID()) {
					n++
				}
			}
			if float64(n) >= t.Goal {
				reached++
			}
		}
		o.Actual = float64(reached)
		if orgs > 0 {
			o.Percent = round1(float64(reached) / float64(orgs) * 100)
		}
		return o
	case "orgs_flagged":
		o.Unit = "organisations"
		n := 0
		for _, org := range s.orgs {
			if org.Status == "verified" && decidedBy(org.Decision, y) && slices.Contains(org.Flags, t.OrgFlag) &&
				(t.OrgKind == "" || org.Kind == t.OrgKind) {
				n++
			}
		}
		o.Actual = float64(n)
	}
	o.Percent = round1(o.Actual / t.Goal * 100)
	return o
}

// oFinal is a target's result over its period, once it is over.
type oFinal struct {
	Actual float64
	Of     int
	Met    bool
	Years  string // "2022:3:false …" for a yearly goal
}

// met: the count reaches the goal; for a goal per organisation, every
// organisation concerned reaches it (none concerned is not met).
func (o oTarget) met(t rawTarget) bool {
	if t.Kind == "bases_per_org" {
		return o.Percent >= 100
	}
	return o.Actual >= t.Goal
}

// final is the result over a period that is over: a yearly goal year by
// year (met when every year met it), the others by the count at the end of
// the period's last year.
func (s *snapshot) final(t rawTarget) oFinal {
	var f oFinal
	if t.Kind == "talents_per_year" {
		var years []string
		for y := t.Period.From; y <= t.Period.To; y++ {
			o := s.target(t, y)
			years = append(years, fmt.Sprintf("%d:%v:%v", y, o.Actual, o.met(t)))
			f.Of++
			if o.met(t) {
				f.Actual++
			}
		}
		f.Years, f.Met = strings.Join(years, " "), int(f.Actual) == f.Of
		return f
	}
	o := s.target(t, t.Period.To)
	f.Actual, f.Met = o.Actual, o.met(t)
	if t.Kind == "bases_per_org" {
		for _, org := range s.orgs {
			if org.Status == "verified" && decidedBy(org.Decision, t.Period.To) && slices.Contains(org.Flags, t.OrgFlag) &&
				(t.OrgKind == "" || org.Kind == t.OrgKind) {
				f.Of++
			}
		}
	}
	return f
}

// baseCounts: a base of the target's kind counts when one of its operators
// is of an operator kind the target names (any, when it names none).
func (s *snapshot) baseCounts(t rawTarget, b *rawBase) bool {
	if b.Kind != t.BaseKind {
		return false
	}
	if len(t.OperatorKinds) == 0 {
		return true
	}
	for _, id := range b.OperatorOrgIDs {
		if o, ok := s.orgs[id]; ok && slices.Contains(t.OperatorKinds, o.Kind) {
			return true
		}
	}
	return false
}

// lagRow is a district or industry behind its share of the year's goal.
type lagRow struct {
	Key       string `json:"key"`
	Actual    int    `json:"actual"`
	Expected  int    `json:"expected"`
	Shortfall int    `json:"shortfall"`
}

// lagging is, for a year over (the whole year has elapsed), the districts
// or industries whose count is below their fair share of the goal of the
// talents target, in whole people (halves up). A key's fair share is the
// mean of its share of last year's count and an equal share among every
// key (the taxonomy's and those counted this year or last); an equal
// share when last year counted nobody. Nothing lags in a year outside the
// target's period.
func (s *snapshot) lagging(y int, dim string) []lagRow {
	goal := 0.0
	for _, t := range s.targets {
		if t.Metric == "talents_imported" && y >= t.Period.From && y <= t.Period.To {
			goal = t.Goal
		}
	}
	out := []lagRow{}
	if goal <= 0 {
		return out
	}
	terms := s.districts
	if dim == "industry" {
		terms = s.industries
	}
	_, cur := s.year(y).breakdown(dim)
	prevTotal, prev := s.year(y - 1).breakdown(dim)
	keys := map[string]bool{}
	for _, k := range terms {
		keys[k] = true
	}
	curN, prevN := map[string]int{}, map[string]int{}
	for _, g := range cur {
		keys[g.Key], curN[g.Key] = true, g.Count
	}
	for _, g := range prev {
		keys[g.Key], prevN[g.Key] = true, g.Count
	}
	n := float64(len(keys))
	for k := range keys {
		share := 1 / n
		if prevTotal > 0 {
			share = (float64(prevN[k])/float64(prevTotal) + 1/n) / 2
		}
		expected := int(math.Floor(goal*share + 0.5 + 1e-9))
		if curN[k] < expected {
			out = append(out, lagRow{k, curN[k], expected, expected - curN[k]})
		}
	}
	slices.SortFunc(out, func(a, b lagRow) int { return cmp.Or(cmp.Compare(b.Shortfall, a.Shortfall), cmp.Compare(a.Key, b.Key)) })
	return out
}

// ---- who sees what ----

// viewer is a signed-in user as the oracle knows them.
type viewer struct {
	id    string
	role  string
	orgID string // read from the organisations' member lists
}

// memberOf is the organisation the user belongs to (its account says).
func (s *snapshot) memberOf(userID string) string { return s.userOrg[userID] }

func staffRole(role string) bool { return role == "bureau" || role == "admin" }

// seesOrgsProfiles: "organisations only" means the members of verified
// organisations, the bureau and admins; an organisation account without
// an organisation, or with one pending or rejected, is nobody's guarantee.
func (s *snapshot) seesOrgsProfiles(v viewer) bool {
	if staffRole(v.role) {
		return true
	}
	o := s.orgs[v.orgID]
	return v.role == "org" && o != nil && o.Status == "verified"
}

// seesTalentInSearch: talent search (organisations, the bureau and admins)
// shows public profiles, and those for organisations to whom may see them;
// never private ones.
func (s *snapshot) seesTalentInSearch(v viewer, t *rawTalent) bool {
	return t.Visibility == "public" || t.Visibility == "orgs" && s.seesOrgsProfiles(v)
}

// profileAccess is what a viewer gets of a profile: nothing (404), the
// profile with its contact masked, or the whole of it. The owner and the
// bureau see the contact; an organisation's member does once the creator
// accepted the organisation; admins moderate but see it masked.
func (s *snapshot) profileAccess(v viewer, t *rawTalent) (visible, contact bool) {
	switch {
	case v.id == t.ID():
		return true, true
	case t.Visibility == "public":
		visible = true
	case t.Visibility == "orgs":
		visible = s.seesOrgsProfiles(v)
	default:
		visible = v.role == "admin"
	}
	contact = visible && (v.role == "bureau" || v.role == "org" && v.orgID != "" && s.consents[t.ID()+":"+v.orgID])
	return visible, contact
}

// seesOrgOrBase: the directory shows verified organisations and bases to
// everyone signed in; others to their members and the staff.
func seesOrgOrBase(v viewer, status string, orgIDs []string) bool {
	return status == "verified" || staffRole(v.role) || v.orgID != "" && slices.Contains(orgIDs, v.orgID)
}

// ---- search text ----

// hasWord reports whether text contains word as a whole word (the oracle's
// words are invented, so no analyser can find them anywhere else).
func hasWord(text, word string) bool {
	for _, f := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		if f == word {
			return true
		}
	}
	return false
}

// facetCounts counts the values of a facet over a result set, as the API
// shows them: the twenty most frequent, most first, then by key; empty
// values are not a facet value.
func facetCounts(values [][]string) []oGroup {
	counts := map[string]int{}
	for _, vs := range values {
		seen := map[string]bool{}
		for _, v := range vs {
			if v == "" || seen[v] {
				continue
			}
			seen[v] = true
			counts[v]++
		}
	}
	g := sortedGroups(counts)
	if len(g) > 20 {
		g = g[:20]
	}
	return g
}
