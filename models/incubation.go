package models

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Incubation: startup teams apply to an incubator's calls, reviewers score
// them against the call's rubric, the incubator decides, and the accepted
// teams form the call's cohort, whose milestones it records afterwards.

// Collections of incubation in the change feed (the search index lists
// teams, calls and entries; the incubation figures follow entries and
// milestones).
const (
	CollTeams      = "teams"
	CollCalls      = "calls"
	CollEntries    = "entries"
	CollMilestones = "milestones"
)

// Resource kinds of incubation.
const (
	KindTeam  Kind = "team"
	KindCall  Kind = "call"
	KindEntry Kind = "entry"
)

// TeamStage is how far a team has come.
type TeamStage string

// Team stages, earliest first.
const (
	StageIdea      TeamStage = "idea"
	StagePrototype TeamStage = "prototype"
	StageLaunched  TeamStage = "launched"
	StageRevenue   TeamStage = "revenue"
	StageScaling   TeamStage = "scaling"
)

// TeamStages are the stages in the order forms offer them.
var TeamStages = []TeamStage{StageIdea, StagePrototype, StageLaunched, StageRevenue, StageScaling}

// Team member states: invited until the creator accepts.
const (
	MemberInvited = "invited"
	MemberActive  = "member"
)

// TeamMember is a creator in a team (or invited to it).
type TeamMember struct {
	UserID   string    `json:"user_id"`
	TalentID string    `json:"talent_id"`
	Name     string    `json:"name"`
	Status   string    `json:"status"`
	Founder  bool      `json:"founder"`
	At       time.Time `json:"at"`
}

// Team is a startup team founded by a creator.
type Team struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Stage    TeamStage `json:"stage"`
	Industry string    `json:"industry"`
	District string    `json:"district"`
	Pitch    string    `json:"pitch"`
	Website  string    `json:"website"`
	// RegistrationNo is the company's unified social credit code, once
	// incorporated.
	RegistrationNo string       `json:"registration_no"`
	FounderID      string       `json:"founder_id"`
	Members        []TeamMember `json:"members"`
	Version        int64        `json:"version"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
}

// MemberIDs are the accounts that belong to the team (accepted members).
func (t *Team) MemberIDs() []string {
	var out []string
	for _, m := range t.Members {
		if m.Status == MemberActive {
			out = append(out, m.UserID)
		}
	}
	return out
}

// Member returns the team's row for a user, if any.
func (t *Team) Member(userID string) (TeamMember, bool) {
	for _, m := range t.Members {
		if m.UserID == userID {
			return m, true
		}
	}
	return TeamMember{}, false
}

// Resource describes the team for Authorize: its members own it.
func (t *Team) Resource() Resource {
	return Resource{Kind: KindTeam, OwnerID: t.FounderID, Members: t.MemberIDs()}
}

// TeamInput is the body of POST /teams and PUT /teams/{id}.
type TeamInput struct {
	Name           string    `json:"name" validate:"required,singleline,max=100"`
	Stage          TeamStage `json:"stage" validate:"required,oneof=idea prototype launched revenue scaling"`
	Industry       string    `json:"industry" validate:"required,industry"`
	District       string    `json:"district" validate:"required,district"`
	Pitch          string    `json:"pitch" validate:"required,multiline,max=5000"`
	Website        string    `json:"website" validate:"omitempty,httpurl,max=500"`
	RegistrationNo string    `json:"registration_no" validate:"omitempty,len=18,alphanum"`
}

// Normalize trims the input.
func (in *TeamInput) Normalize() {
	in.Name, in.Pitch, in.Website = strings.TrimSpace(in.Name), strings.TrimSpace(in.Pitch), strings.TrimSpace(in.Website)
	in.RegistrationNo = strings.ToUpper(strings.TrimSpace(in.RegistrationNo))
}

// Input returns the team as the input that would make it.
func (t *Team) Input() TeamInput {
	return TeamInput{Name: t.Name, Stage: t.Stage, Industry: t.Industry, District: t.District, Pitch: t.Pitch,
		Website: t.Website, RegistrationNo: t.RegistrationNo}
}

// ApplyInput sets the team's editable fields.
func (t *Team) ApplyInput(in TeamInput) {
	t.Name, t.Stage, t.Industry, t.District, t.Pitch = in.Name, in.Stage, in.Industry, in.District, in.Pitch
	t.Website, t.RegistrationNo = in.Website, in.RegistrationNo
}

// TeamInvite is the body of POST /teams/{id}/members: the profile of the
// creator invited.
type TeamInvite struct {
	TalentID string `json:"talent_id" validate:"required,len=24,hexadecimal"`
}

// TeamSearch is GET /teams.
type TeamSearch struct {
	Q        string
	Stage    []string
	Industry []string
	District []string
	// MemberID keeps the teams of one account ("mine"), InvitedID those
	// that invited it and wait for its answer.
	MemberID  string
	InvitedID string
	Page      Page
}

// Question kinds of a call.
const (
	QuestionText   = "text"
	QuestionChoice = "choice"
	QuestionNumber = "number"
	QuestionLink   = "link"
)

// Question is one question of a call, answered by every applicant.
type Question struct {
	ID       string   `json:"id" validate:"required,alphanum,max=20"`
	Kind     string   `json:"kind" validate:"required,oneof=text choice number link"`
	Label    string   `json:"label" validate:"required,singleline,max=300"`
	Choices  []string `json:"choices" validate:"required_if=Kind choice,max=20,unique,dive,required,singleline,max=100"`
	Required bool     `json:"required"`
}

// Criterion is one line of a call's scoring rubric. Reviewers score each
// from 1 to 10; an entry's score is the weighted mean.
type Criterion struct {
	ID     string `json:"id" validate:"required,alphanum,max=20"`
	Label  string `json:"label" validate:"required,singleline,max=200"`
	Weight int    `json:"weight" validate:"gte=1,lte=100"`
}

// Score bounds of a criterion.
const (
	MinScore = 1
	MaxScore = 10
)

// Call is an incubator's call for teams.
type Call struct {
	ID          string      `json:"id"`
	OrgID       string      `json:"org_id"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Industries  []string    `json:"industries"`
	Stages      []TeamStage `json:"stages"`
	Seats       int         `json:"seats"`
	// Opens and Closes are the first and last days (Shenzhen) on which
	// entries are made and changed.
	Opens string `json:"opens"`
	// Closes: changes end at the end of this day in Shenzhen.
	Closes      string      `json:"closes"`
	Individuals bool        `json:"individuals"`
	Questions   []Question  `json:"questions"`
	Rubric      []Criterion `json:"rubric"`
	Reviewers   []string    `json:"reviewers"`
	CreatedBy   string      `json:"created_by"`
	Version     int64       `json:"version"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// DayNumber is a YYYY-MM-DD day as the number YYYYMMDD, which the index
// compares in ranges (0 for what is not a date).
func DayNumber(date string) float64 {
	t, err := ParseDate(date)
	if err != nil {
		return 0
	}
	return float64(t.Year()*10000 + int(t.Month())*100 + t.Day())
}

// Call phases, by the day in Shenzhen.
const (
	PhaseUpcoming = "upcoming"
	PhaseOpen     = "open"
	PhaseClosed   = "closed"
)

// Phase is where the call stands at now: upcoming before its first day,
// open through the end of its last day in Shenzhen, closed after.
func (c *Call) Phase(now time.Time) string {
	today := Today(now)
	switch {
	case today < c.Opens:
		return PhaseUpcoming
	case today > c.Closes:
		return PhaseClosed
	}
	return PhaseOpen
}

// Resource describes the call for Authorize: its incubator's members own
// it; its reviewers read it.
func (c *Call) Resource() Resource {
	return Resource{Kind: KindCall, OrgIDs: []string{c.OrgID}, Members: c.Reviewers}
}

// Criterion returns the rubric's criterion id.
func (c *Call) Criterion(id string) (Criterion, bool) {
	i := slices.IndexFunc(c.Rubric, func(cr Criterion) bool { return cr.ID == id })
	if i < 0 {
		return Criterion{}, false
	}
	return c.Rubric[i], true
}

// CallInput is the body of POST /calls and PUT /calls/{id}.
type CallInput struct {
	Title       string      `json:"title" validate:"required,singleline,max=200"`
	Description string      `json:"description" validate:"required,multiline,max=10000"`
	Industries  []string    `json:"industries" validate:"max=14,unique,dive,industry"`
	Stages      []TeamStage `json:"stages" validate:"required,min=1,max=5,unique,dive,oneof=idea prototype launched revenue scaling"`
	Seats       int         `json:"seats" validate:"gte=1,lte=1000"`
	Opens       string      `json:"opens" validate:"required,date"`
	Closes      string      `json:"closes" validate:"required,date"`
	Individuals bool        `json:"individuals"`
	Questions   []Question  `json:"questions" validate:"max=30,dive"`
	Rubric      []Criterion `json:"rubric" validate:"required,min=1,max=20,dive"`
}

// Normalize trims the input.
func (in *CallInput) Normalize() {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	in.Industries = cleanList(in.Industries)
	for i := range in.Questions {
		q := &in.Questions[i]
		q.ID, q.Label, q.Choices = strings.TrimSpace(q.ID), strings.TrimSpace(q.Label), cleanList(q.Choices)
		if q.Kind != QuestionChoice {
			q.Choices = nil
		}
	}
	for i := range in.Rubric {
		in.Rubric[i].ID, in.Rubric[i].Label = strings.TrimSpace(in.Rubric[i].ID), strings.TrimSpace(in.Rubric[i].Label)
	}
}

// Check is what the tags cannot say: the call closes on or after it
// opens, and question and criterion ids are unique.
func (in *CallInput) Check() error {
	if in.Closes < in.Opens {
		return FieldProblem(CodeValidation, "closes", RuleDate, "", "must be on or after opens")
	}
	seen := map[string]bool{}
	for i, q := range in.Questions {
		if seen[q.ID] {
			return FieldProblem(CodeValidation, "questions["+strconv.Itoa(i)+"].id", RuleUnique, "", "question ids must be unique")
		}
		seen[q.ID] = true
	}
	seen = map[string]bool{}
	for i, c := range in.Rubric {
		if seen[c.ID] {
			return FieldProblem(CodeValidation, "rubric["+strconv.Itoa(i)+"].id", RuleUnique, "", "criterion ids must be unique")
		}
		seen[c.ID] = true
	}
	return nil
}

// ApplyInput sets the call's editable fields.
func (c *Call) ApplyInput(in CallInput) {
	c.Title, c.Description, c.Industries, c.Stages = in.Title, in.Description, nonNilList(in.Industries), in.Stages
	c.Seats, c.Opens, c.Closes, c.Individuals = in.Seats, in.Opens, in.Closes, in.Individuals
	c.Questions, c.Rubric = in.Questions, in.Rubric
	if c.Questions == nil {
		c.Questions = []Question{}
	}
}

// Input returns the call as the input that would make it.
func (c *Call) Input() CallInput {
	return CallInput{Title: c.Title, Description: c.Description, Industries: slices.Clone(c.Industries),
		Stages: slices.Clone(c.Stages), Seats: c.Seats, Opens: c.Opens, Closes: c.Closes, Individuals: c.Individuals,
		Questions: slices.Clone(c.Questions), Rubric: slices.Clone(c.Rubric)}
}

// ReviewerInput is the body of POST /calls/{id}/reviewers: a member of the
// incubator by user_id, or an outside expert by email and name (who gets a
// reviewer account limited to the calls that name it).
type ReviewerInput struct {
	UserID string `json:"user_id" validate:"required_without=Email,omitempty,len=24,hexadecimal"`
	Email  string `json:"email" validate:"required_without=UserID,omitempty,email,max=254"`
	Name   string `json:"name" validate:"required_with=Email,omitempty,singleline,max=100"`
}

// Normalize trims the input.
func (in *ReviewerInput) Normalize() {
	in.UserID, in.Email, in.Name = strings.TrimSpace(in.UserID), NormalizeEmail(in.Email), strings.TrimSpace(in.Name)
}

// CallReviewer is a call's reviewer as its incubator sees it: the name,
// an outside expert or a member, and the reviews submitted and conflicts
// declared so far.
type CallReviewer struct {
	UserID    string `json:"user_id"`
	Name      string `json:"name"`
	Outside   bool   `json:"outside"`
	Submitted int    `json:"submitted"`
	Conflicts int    `json:"conflicts"`
}

// Entry states.
const (
	EntryDraft      = "draft"
	EntrySubmitted  = "submitted"
	EntryAccepted   = "accepted"
	EntryWaitlisted = "waitlisted"
	EntryRejected   = "rejected"
)

// Entry is a team's (or a creator's) application to a call.
type Entry struct {
	ID     string `json:"id"`
	CallID string `json:"call_id"`
	OrgID  string `json:"org_id"`
	// TeamID is the team that applies; "" for a creator applying alone.
	TeamID      string            `json:"team_id"`
	ApplicantID string            `json:"applicant_id"`
	Name        string            `json:"name"` // the team's or the creator's, when applied
	Answers     map[string]string `json:"answers"`
	Status      string            `json:"status"`
	SubmittedAt *time.Time        `json:"submitted_at,omitempty"`
	// The decision: the message to the applicants, who and when (the day
	// in Shenzhen counts it).
	Message   string `json:"message"`
	DecidedBy string `json:"decided_by,omitempty"`
	DecidedOn string `json:"decided_on,omitempty"`
	// District and Industry are the team's when it was decided: where
	// the incubation counts.
	District  string    `json:"district"`
	Industry  string    `json:"industry"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// EntryID is the id of the entry of a team (or a creator) to a call: one
// each.
func EntryID(callID, applicant string) string { return callID + "-" + applicant }

// Applicant is who applied: the team, or the creator who applied alone
// (whose milestones are recorded under its account's id).
func (e *Entry) Applicant() string {
	if e.TeamID != "" {
		return e.TeamID
	}
	return e.ApplicantID
}

// Decided reports whether the entry has a decision.
func (e *Entry) Decided() bool {
	return e.Status == EntryAccepted || e.Status == EntryWaitlisted || e.Status == EntryRejected
}

// Resource describes the entry for Authorize: the applicants own it, the
// call's incubator and reviewers see it once submitted (the service's
// rule).
func (e *Entry) Resource(team *Team, reviewers []string) Resource {
	r := Resource{Kind: KindEntry, OrgIDs: []string{e.OrgID}, Reviewers: reviewers}
	switch {
	case e.TeamID == "":
		r.OwnerID = e.ApplicantID
	case team != nil:
		// A team's entry is its members' now: one who left it, the
		// member who applied included, has no more say.
		r.Members = team.MemberIDs()
	}
	return r
}

// EntryInput is the body of POST /calls/{id}/entries and PATCH
// /entries/{id}: the answers, and submit to hand it in (a draft
// otherwise).
type EntryInput struct {
	TeamID  string            `json:"team_id" validate:"omitempty,len=24,hexadecimal"`
	Answers map[string]string `json:"answers" validate:"max=30,dive,keys,max=20,endkeys,multiline,max=5000"`
	Submit  bool              `json:"submit"`
}

// CheckAnswers checks answers against the call's questions: every key a
// question, numbers numbers, links links, choices among the choices, and,
// to submit, every required question answered.
func (c *Call) CheckAnswers(answers map[string]string, submit bool) error {
	for k, v := range answers {
		i := slices.IndexFunc(c.Questions, func(q Question) bool { return q.ID == k })
		if i < 0 {
			return FieldProblem(CodeValidation, "answers."+k, RuleUnknown, "", "the call asks no such question")
		}
		q, v := c.Questions[i], strings.TrimSpace(v)
		if v == "" {
			continue
		}
		switch q.Kind {
		case QuestionNumber:
			if !isNumber(v) {
				return FieldProblem(CodeValidation, "answers."+k, RuleInvalid, "", "must be a number")
			}
		case QuestionLink:
			if !isHTTPURL(v) {
				return FieldProblem(CodeValidation, "answers."+k, RuleURL, "", "must be an http or https link")
			}
		case QuestionChoice:
			if !slices.Contains(q.Choices, v) {
				return FieldProblem(CodeValidation, "answers."+k, RuleOneOf, strings.Join(q.Choices, " "), "must be one of the question's choices")
			}
		}
	}
	if !submit {
		return nil
	}
	for _, q := range c.Questions {
		if q.Required && strings.TrimSpace(answers[q.ID]) == "" {
			return FieldProblem(CodeValidation, "answers."+q.ID, RuleRequired, "", "is required")
		}
	}
	return nil
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	dot := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
		case r == '-' && i == 0 && len(s) > 1:
		case r == '.' && !dot && i > 0:
			dot = true
		default:
			return false
		}
	}
	return true
}

// DecideInput is the body of POST /entries/{id}/decision.
type DecideInput struct {
	Decision string `json:"decision" validate:"required,oneof=accepted waitlisted rejected"`
	Message  string `json:"message" validate:"multiline,max=2000"`
}

// Review is one reviewer's scores of one entry. A reviewer with a
// conflict of interest declares it instead of scoring.
type Review struct {
	ID         string         `json:"id"`
	EntryID    string         `json:"entry_id"`
	CallID     string         `json:"call_id"`
	ReviewerID string         `json:"reviewer_id"`
	Scores     map[string]int `json:"scores"`
	Comment    string         `json:"comment"`
	Conflict   bool           `json:"conflict"`
	Submitted  bool           `json:"submitted"`
	// Total is the weighted mean of the scores (1-10), once submitted.
	Total     float64   `json:"total"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ReviewID is the id of a reviewer's review of an entry: one each.
func ReviewID(entryID, reviewerID string) string { return entryID + ":" + reviewerID }

// ReviewInput is the body of PUT /entries/{id}/review: scores by criterion,
// or a declared conflict; submit ends it (a draft is kept otherwise).
type ReviewInput struct {
	Scores   map[string]int `json:"scores" validate:"max=20,dive,keys,max=20,endkeys,gte=1,lte=10"`
	Comment  string         `json:"comment" validate:"multiline,max=5000"`
	Conflict bool           `json:"conflict"`
	Submit   bool           `json:"submit"`
}

// WeightedTotal is the rubric's weighted mean of scores, and whether every
// criterion is scored.
func (c *Call) WeightedTotal(scores map[string]int) (float64, bool) {
	sum, weights := 0.0, 0.0
	for _, cr := range c.Rubric {
		s, ok := scores[cr.ID]
		if !ok {
			return 0, false
		}
		sum += float64(s * cr.Weight)
		weights += float64(cr.Weight)
	}
	if weights == 0 {
		return 0, false
	}
	return sum / weights, true
}

// MinReviews is how many submitted reviews an entry needs before it is
// decided.
const MinReviews = 2

// ReviewerStats are one reviewer's scores over a call: how many, their
// mean and standard deviation (population), which normalise them.
type ReviewerStats struct {
	ReviewerID string  `json:"reviewer_id"`
	Name       string  `json:"name"`
	Reviews    int     `json:"reviews"`
	Mean       float64 `json:"mean"`
	SD         float64 `json:"sd"`
}

// RankedScore is one reviewer's score of an entry, raw and normalised.
type RankedScore struct {
	ReviewerID string  `json:"reviewer_id"`
	Raw        float64 `json:"raw"`
	Z          float64 `json:"z"`
}

// RankedEntry is an entry in a call's ranking. Hidden: the reader is a
// reviewer who has not yet reviewed it, and sees no scores.
type RankedEntry struct {
	Entry      *Entry        `json:"entry"`
	Reviews    int           `json:"reviews"`
	Raw        float64       `json:"raw"`
	Normalised float64       `json:"normalised"`
	Spread     float64       `json:"spread"`
	Scores     []RankedScore `json:"scores"`
	Hidden     bool          `json:"hidden"`
	Rank       int           `json:"rank"`
}

// Ranking is GET /calls/{id}/ranking.
type Ranking struct {
	Call      *Call           `json:"call"`
	Items     []RankedEntry   `json:"items"`
	Reviewers []ReviewerStats `json:"reviewers"`
	Accepted  int             `json:"accepted"`
	// NormalisedHidden: the reader reviews the call and has entries left
	// to review; no normalised score or z-score is shown, and the entries
	// the reader reviewed rank by their raw scores.
	NormalisedHidden bool `json:"normalised_hidden"`
}

// Rank ranks the submitted entries of a call by their reviews: each
// reviewer's totals are turned into z-scores over that reviewer's reviews
// of the call (a reviewer with one review, or with the same total for all,
// has no spread and counts as their mean, 0), an entry's normalised score
// is the mean of its z-scores, its raw score the mean of its totals and
// its spread the largest minus the smallest total. Entries without reviews
// come last; ties go to the raw score, then to the earlier submission.
func Rank(entries []*Entry, reviews []*Review) ([]RankedEntry, []ReviewerStats) {
	byReviewer := map[string][]float64{}
	for _, r := range reviews {
		if r.Submitted && !r.Conflict {
			byReviewer[r.ReviewerID] = append(byReviewer[r.ReviewerID], r.Total)
		}
	}
	stats := map[string]ReviewerStats{}
	for id, ts := range byReviewer {
		st := ReviewerStats{ReviewerID: id, Reviews: len(ts)}
		for _, t := range ts {
			st.Mean += t
		}
		st.Mean /= float64(len(ts))
		for _, t := range ts {
			st.SD += (t - st.Mean) * (t - st.Mean)
		}
		st.SD = math.Sqrt(st.SD / float64(len(ts)))
		stats[id] = st
	}
	byEntry := map[string][]*Review{}
	for _, r := range reviews {
		if r.Submitted && !r.Conflict {
			byEntry[r.EntryID] = append(byEntry[r.EntryID], r)
		}
	}
	out := make([]RankedEntry, 0, len(entries))
	for _, e := range entries {
		re := RankedEntry{Entry: e, Scores: []RankedScore{}}
		rs := byEntry[e.ID]
		slices.SortFunc(rs, func(a, b *Review) int { return strings.Compare(a.ReviewerID, b.ReviewerID) })
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, r := range rs {
			st := stats[r.ReviewerID]
			z := 0.0
			if st.SD > 1e-9 {
				z = (r.Total - st.Mean) / st.SD
			}
			re.Scores = append(re.Scores, RankedScore{ReviewerID: r.ReviewerID, Raw: round3(r.Total), Z: round3(z)})
			re.Raw += r.Total
			re.Normalised += z
			lo, hi = math.Min(lo, r.Total), math.Max(hi, r.Total)
		}
		if n := len(rs); n > 0 {
			re.Reviews = n
			re.Raw, re.Normalised, re.Spread = round3(re.Raw/float64(n)), round3(re.Normalised/float64(n)), round3(hi-lo)
		}
		out = append(out, re)
	}
	slices.SortStableFunc(out, func(a, b RankedEntry) int {
		switch {
		case (a.Reviews > 0) != (b.Reviews > 0):
			if a.Reviews > 0 {
				return -1
			}
			return 1
		case a.Normalised != b.Normalised:
			if a.Normalised > b.Normalised {
				return -1
			}
			return 1
		case a.Raw != b.Raw:
			if a.Raw > b.Raw {
				return -1
			}
			return 1
		}
		return submittedAt(a.Entry).Compare(submittedAt(b.Entry))
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	ids := make([]string, 0, len(stats))
	for id := range stats {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	list := make([]ReviewerStats, 0, len(ids))
	for _, id := range ids {
		st := stats[id]
		st.Mean, st.SD = round3(st.Mean), round3(st.SD)
		list = append(list, st)
	}
	return out, list
}

func submittedAt(e *Entry) time.Time {
	if e.SubmittedAt == nil {
		return time.Time{}
	}
	return *e.SubmittedAt
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// Milestone kinds.
const (
	MilestoneIncorporated = "incorporated"
	MilestoneFunding      = "funding"
	MilestoneRevenue      = "revenue"
	MilestoneHeadcount    = "headcount"
	MilestoneAward        = "award"
)

// RevenueBands are a year's revenue, in yuan.
var RevenueBands = []string{"lt1m", "1m-5m", "5m-20m", "20m-100m", "gte100m"}

// Milestone is one thing a cohort's team achieved, recorded by its
// incubator.
type Milestone struct {
	ID     string `json:"id"`
	TeamID string `json:"team_id"`
	CallID string `json:"call_id"`
	OrgID  string `json:"org_id"`
	Kind   string `json:"kind"`
	Date   string `json:"date"`
	// Amount is the funding raised (yuan) or the headcount.
	Amount int64 `json:"amount"`
	// Band is the revenue band; RegistrationNo the company's code when
	// incorporated.
	Band           string    `json:"band,omitempty"`
	RegistrationNo string    `json:"registration_no,omitempty"`
	Note           string    `json:"note"`
	RecordedBy     string    `json:"recorded_by"`
	Version        int64     `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// MilestoneInput is the body of POST /calls/{id}/cohort/{team_id}/milestones.
type MilestoneInput struct {
	Kind           string `json:"kind" validate:"required,oneof=incorporated funding revenue headcount award"`
	Date           string `json:"date" validate:"required,date"`
	Amount         int64  `json:"amount" validate:"gte=0,lte=100000000000"`
	Band           string `json:"band" validate:"required_if=Kind revenue,omitempty,oneof=lt1m 1m-5m 5m-20m 20m-100m gte100m"`
	RegistrationNo string `json:"registration_no" validate:"omitempty,len=18,alphanum"`
	Note           string `json:"note" validate:"multiline,max=1000"`
}

// Normalize trims the input.
func (in *MilestoneInput) Normalize() {
	in.Note = strings.TrimSpace(in.Note)
	in.RegistrationNo = strings.ToUpper(strings.TrimSpace(in.RegistrationNo))
	if in.Kind != MilestoneRevenue {
		in.Band = ""
	}
}

// CohortTeam is one team of a call's cohort with its milestones.
type CohortTeam struct {
	Entry      *Entry       `json:"entry"`
	Team       *Team        `json:"team,omitempty"`
	Milestones []*Milestone `json:"milestones"`
}

// CohortOutcomes sum a cohort's milestones.
type CohortOutcomes struct {
	Teams        int   `json:"teams"`
	Incorporated int   `json:"incorporated"`
	Funding      int64 `json:"funding"`
	Headcount    int64 `json:"headcount"`
	Awards       int   `json:"awards"`
}

// Cohort is GET /calls/{id}/cohort.
type Cohort struct {
	Call     *Call          `json:"call"`
	Teams    []CohortTeam   `json:"teams"`
	Outcomes CohortOutcomes `json:"outcomes"`
}

// Outcomes sums a cohort: its teams, those incorporated (once each), the
// funding raised, the latest headcount of each team and the awards.
func Outcomes(teams []CohortTeam) CohortOutcomes {
	var o CohortOutcomes
	for _, t := range teams {
		o.Teams++
		incorporated := false
		var head *Milestone
		for _, m := range t.Milestones {
			switch m.Kind {
			case MilestoneIncorporated:
				incorporated = true
			case MilestoneFunding:
				o.Funding += m.Amount
			case MilestoneAward:
				o.Awards++
			case MilestoneHeadcount:
				if head == nil || m.Date > head.Date || (m.Date == head.Date && m.CreatedAt.After(head.CreatedAt)) {
					head = m
				}
			}
		}
		if incorporated {
			o.Incorporated++
		}
		if head != nil {
			o.Headcount += head.Amount
		}
	}
	return o
}

// IncubationCount is one line of the incubation figures.
type IncubationCount struct {
	Key          string `json:"key"`
	Teams        int    `json:"teams"`
	Incorporated int    `json:"incorporated"`
}

// IncubationFigures is GET /stats/incubation: for a year, the teams
// incubated (accepted into a cohort that year, each team once) and the
// companies incorporated from incubation (a cohort's team whose first
// incorporation milestone falls in the year), in total, by incubator,
// district and industry, and every cohort's outcomes.
type IncubationFigures struct {
	Year         int               `json:"year"`
	Teams        int               `json:"teams"`
	Incorporated int               `json:"incorporated"`
	ByIncubator  []IncubationCount `json:"by_incubator"`
	ByDistrict   []IncubationCount `json:"by_district"`
	ByIndustry   []IncubationCount `json:"by_industry"`
	Cohorts      []CohortFigures   `json:"cohorts"`
}

// CohortFigures are one call's outcomes in the figures.
type CohortFigures struct {
	CallID string `json:"call_id"`
	OrgID  string `json:"org_id"`
	CohortOutcomes
}

// CountIncubation computes the figures of a year from the raw entries and
// milestones: the one definition the figures, the dashboard and the
// oracle share.
func CountIncubation(year int, entries []*Entry, milestones []*Milestone) IncubationFigures {
	f := IncubationFigures{Year: year, ByIncubator: []IncubationCount{}, ByDistrict: []IncubationCount{},
		ByIndustry: []IncubationCount{}, Cohorts: []CohortFigures{}}
	type teamKey struct{ org, team string }
	counted := map[string]bool{}
	byOrg, byDistrict, byIndustry := map[string]map[string]bool{}, map[string]map[string]bool{}, map[string]map[string]bool{}
	add := func(m map[string]map[string]bool, k, team string) {
		if m[k] == nil {
			m[k] = map[string]bool{}
		}
		m[k][team] = true
	}
	accepted := map[string]*Entry{} // team → its earliest accepted entry, for attribution
	cohorts := map[string][]CohortTeam{}
	callOrg := map[string]string{}
	for _, e := range entries {
		if e.Status != EntryAccepted {
			continue
		}
		team := e.Applicant()
		if prev, ok := accepted[team]; !ok || e.DecidedOn < prev.DecidedOn || (e.DecidedOn == prev.DecidedOn && e.ID < prev.ID) {
			accepted[team] = e
		}
		cohorts[e.CallID] = append(cohorts[e.CallID], CohortTeam{Entry: e})
		callOrg[e.CallID] = e.OrgID
		if DateYear(e.DecidedOn) != year {
			continue
		}
		counted[team] = true
		add(byOrg, e.OrgID, team)
		add(byDistrict, e.District, team)
		add(byIndustry, e.Industry, team)
	}
	f.Teams = len(counted)
	// The first incorporation of a team that was in a cohort.
	first := map[string]*Milestone{}
	for _, m := range milestones {
		if m.Kind != MilestoneIncorporated {
			continue
		}
		// Incorporated from incubation: on or after the team's first
		// acceptance (a company that existed before is not the
		// incubation's).
		if e, ok := accepted[m.TeamID]; !ok || m.Date < e.DecidedOn {
			continue
		}
		if p, ok := first[m.TeamID]; !ok || m.Date < p.Date || (m.Date == p.Date && m.ID < p.ID) {
			first[m.TeamID] = m
		}
	}
	inc := map[string]map[string]bool{}
	incDistrict, incIndustry := map[string]map[string]bool{}, map[string]map[string]bool{}
	for team, m := range first {
		if DateYear(m.Date) != year {
			continue
		}
		f.Incorporated++
		e := accepted[team]
		add(inc, e.OrgID, team)
		add(incDistrict, e.District, team)
		add(incIndustry, e.Industry, team)
	}
	lines := func(teams, incorporated map[string]map[string]bool) []IncubationCount {
		keys := map[string]bool{}
		for k := range teams {
			keys[k] = true
		}
		for k := range incorporated {
			keys[k] = true
		}
		out := []IncubationCount{}
		for k := range keys {
			out = append(out, IncubationCount{Key: k, Teams: len(teams[k]), Incorporated: len(incorporated[k])})
		}
		slices.SortFunc(out, func(a, b IncubationCount) int {
			if a.Teams != b.Teams {
				return b.Teams - a.Teams
			}
			return strings.Compare(a.Key, b.Key)
		})
		return out
	}
	f.ByIncubator, f.ByDistrict, f.ByIndustry = lines(byOrg, inc), lines(byDistrict, incDistrict), lines(byIndustry, incIndustry)
	byTeamCall := map[teamKey][]*Milestone{}
	for _, m := range milestones {
		byTeamCall[teamKey{m.CallID, m.TeamID}] = append(byTeamCall[teamKey{m.CallID, m.TeamID}], m)
	}
	for call, teams := range cohorts {
		for i := range teams {
			teams[i].Milestones = byTeamCall[teamKey{call, teams[i].Entry.Applicant()}]
		}
		f.Cohorts = append(f.Cohorts, CohortFigures{CallID: call, OrgID: callOrg[call], CohortOutcomes: Outcomes(teams)})
	}
	slices.SortFunc(f.Cohorts, func(a, b CohortFigures) int { return strings.Compare(a.CallID, b.CallID) })
	return f
}

// TeamMatch is a team suggested for a call, or (CallMatch) a call for a
// team, with its explained score.
type TeamMatch struct {
	Team    *Team    `json:"team"`
	Score   float64  `json:"score"`
	Reasons []Reason `json:"reasons"`
}

// CallMatch is an open call suggested for a team.
type CallMatch struct {
	Call    *Call    `json:"call"`
	OrgName string   `json:"org_name"`
	Score   float64  `json:"score"`
	Reasons []Reason `json:"reasons"`
}

// ScoreTeamForCall scores a pair: the stage accepted (40%), the industry
// (30%, left out when the call names none), and how well the pitch
// matches the call's text (30%, text 0-1 relative to the best candidate).
func ScoreTeamForCall(c *Call, t *Team, text float64) (float64, []Reason) {
	type factor struct {
		name   string
		weight float64
		score  float64
		detail string
	}
	fs := []factor{}
	stage := 0.0
	if slices.Contains(c.Stages, t.Stage) {
		stage = 1
	}
	fs = append(fs, factor{"stage", 0.4, stage, string(t.Stage)})
	if len(c.Industries) > 0 {
		ind := 0.0
		if slices.Contains(c.Industries, t.Industry) {
			ind = 1
		}
		fs = append(fs, factor{"industry", 0.3, ind, t.Industry})
	}
	fs = append(fs, factor{"text", 0.3, math.Max(0, math.Min(1, text)), ""})
	total := 0.0
	for _, f := range fs {
		total += f.weight
	}
	score := 0.0
	reasons := make([]Reason, 0, len(fs))
	for _, f := range fs {
		w := f.weight / total
		score += w * f.score
		reasons = append(reasons, Reason{Factor: f.name, Weight: math.Round(w*100) / 100, Score: round3(f.score), Detail: f.detail})
	}
	return round3(score), reasons
}

// TeamSearcher finds teams and match candidates (the search index).
type TeamSearcher interface {
	SearchTeams(ctx context.Context, q TeamSearch) (*SearchPage, error)
	// TeamCandidates finds teams for a call: of a stage it accepts, best
	// matching its text first.
	TeamCandidates(ctx context.Context, c *Call, limit int) ([]SearchHit, error)
	// CallCandidates finds calls open on today for a team, best matching
	// its pitch first.
	CallCandidates(ctx context.Context, t *Team, today string, limit int) ([]SearchHit, error)
}

// IncubationService runs teams, calls, reviews, decisions and cohorts.
type IncubationService interface {
	CreateTeam(ctx context.Context, actor *User, in TeamInput) (*Team, error)
	Team(ctx context.Context, actor *User, id string) (*Team, error)
	UpdateTeam(ctx context.Context, actor *User, id string, in TeamInput, ifVersion int64) (*Team, error)
	SearchTeams(ctx context.Context, actor *User, q TeamSearch) (*SearchResult[*Team], error)
	InviteMember(ctx context.Context, actor *User, teamID string, in TeamInvite) (*Team, error)
	// AnswerInvitation accepts (or declines) the actor's invitation.
	AnswerInvitation(ctx context.Context, actor *User, teamID string, accept bool) (*Team, error)
	// RemoveMember removes a member (the founder, or the member itself).
	RemoveMember(ctx context.Context, actor *User, teamID, userID string) (*Team, error)

	CreateCall(ctx context.Context, actor *User, in CallInput) (*Call, error)
	Call(ctx context.Context, actor *User, id string) (*Call, error)
	UpdateCall(ctx context.Context, actor *User, id string, in CallInput, ifVersion int64) (*Call, error)
	// Calls lists calls: open ones to everyone, mine (org_id) to their
	// incubator, reviewing to their reviewers.
	Calls(ctx context.Context, actor *User, f CallFilter) (*List[*Call], error)
	AddReviewer(ctx context.Context, actor *User, callID string, in ReviewerInput) (*Call, error)
	// Reviewers are a call's reviewers as its incubator sees them.
	Reviewers(ctx context.Context, actor *User, callID string) ([]CallReviewer, error)
	RemoveReviewer(ctx context.Context, actor *User, callID, userID string) (*Call, error)

	// Apply makes (or changes, while the call is open) the entry of a team
	// or a creator to a call.
	Apply(ctx context.Context, actor *User, callID string, in EntryInput) (*Entry, error)
	Entry(ctx context.Context, actor *User, id string) (*Entry, error)
	UpdateEntry(ctx context.Context, actor *User, id string, in EntryInput, ifVersion int64) (*Entry, error)
	// Entries lists a call's submitted entries (its incubator and
	// reviewers), or the actor's own (callID "").
	Entries(ctx context.Context, actor *User, callID string, page Page) (*List[*Entry], error)

	Review(ctx context.Context, actor *User, entryID string, in ReviewInput) (*Review, error)
	// Reviews lists an entry's reviews the actor may see (blind review).
	Reviews(ctx context.Context, actor *User, entryID string) ([]*Review, error)
	Ranking(ctx context.Context, actor *User, callID string) (*Ranking, error)
	// RankingExport is the ranking for the call's incubator to download
	// (its members; reviewers see the page only). CodeForbidden for
	// anyone else who sees the call.
	RankingExport(ctx context.Context, actor *User, callID string) (*Ranking, error)
	Decide(ctx context.Context, actor *User, entryID string, in DecideInput) (*Entry, error)

	Cohort(ctx context.Context, actor *User, callID string) (*Cohort, error)
	AddMilestone(ctx context.Context, actor *User, callID, teamID string, in MilestoneInput) (*Milestone, error)

	CallMatches(ctx context.Context, actor *User, callID string, page Page) (*List[TeamMatch], error)
	TeamMatches(ctx context.Context, actor *User, teamID string, page Page) (*List[CallMatch], error)

	// Figures are the incubation figures of a year (bureau, admin).
	Figures(ctx context.Context, actor *User, year int) (*IncubationFigures, error)
}

// CallFilter selects calls.
type CallFilter struct {
	// Mine: the calls of the actor's incubator; Reviewing: those the actor
	// reviews; neither: the calls open today.
	Mine, Reviewing bool
	Page            Page
}

// IncubationStore persists incubation.
type IncubationStore interface {
	CreateTeam(ctx context.Context, t *Team) error
	Team(ctx context.Context, id string) (*Team, error)
	UpdateTeam(ctx context.Context, id string, ifVersion int64, fn func(*Team) error) (*Team, error)
	// DeleteTeam removes a team (one whose last member was erased).
	DeleteTeam(ctx context.Context, id string) error
	CreateCall(ctx context.Context, c *Call) error
	Call(ctx context.Context, id string) (*Call, error)
	UpdateCall(ctx context.Context, id string, ifVersion int64, fn func(*Call) error) (*Call, error)
	// CreateEntry inserts the entry under its id (EntryID): CodeConflict
	// when the applicant has one for the call.
	CreateEntry(ctx context.Context, e *Entry) error
	Entry(ctx context.Context, id string) (*Entry, error)
	UpdateEntry(ctx context.Context, id string, ifVersion int64, fn func(*Entry) error) (*Entry, error)
	// CallEntries are every entry of a call (a scan on the embedded
	// database: calls have tens of entries and are read by their
	// incubator).
	CallEntries(ctx context.Context, callID string) ([]*Entry, error)
	// Review returns a review by id (CodeNotFound if none).
	Review(ctx context.Context, id string) (*Review, error)
	// SaveReview writes a review as fn makes it from the stored one (a new
	// one when none).
	SaveReview(ctx context.Context, id string, fn func(r *Review) error) (*Review, error)
	CallReviews(ctx context.Context, callID string) ([]*Review, error)
	CreateMilestone(ctx context.Context, m *Milestone) error
	TeamMilestones(ctx context.Context, teamID string) ([]*Milestone, error)
	// AcceptedEntries and Milestones are every accepted entry and every
	// milestone, which the incubation figures count: cohorts are a few
	// teams per call, so these stay small where entries and reviews grow.
	AcceptedEntries(ctx context.Context) ([]*Entry, error)
	Milestones(ctx context.Context) ([]*Milestone, error)
	// UserTeams and UserEntries are the teams an account is in (or invited
	// to) and the entries it made, for its export and its erasure (scans
	// on the embedded database, as erasures are).
	UserTeams(ctx context.Context, userID string) ([]*Team, error)
	UserEntries(ctx context.Context, userID string) ([]*Entry, error)
}

// GetVersion returns the team's version, for ETags.
func (t *Team) GetVersion() int64 { return t.Version }

// GetVersion returns the call's version, for ETags.
func (c *Call) GetVersion() int64 { return c.Version }

// GetVersion returns the entry's version, for ETags.
func (e *Entry) GetVersion() int64 { return e.Version }

// GetVersion returns the review's version, for ETags.
func (r *Review) GetVersion() int64 { return r.Version }

// GetVersion returns the milestone's version, for ETags.
func (m *Milestone) GetVersion() int64 { return m.Version }

// ValidEntryID reports whether id can be an entry's: a call's id and an
// applicant's (a team's or a creator's), joined by "-".
func ValidEntryID(id string) bool {
	call, applicant, ok := strings.Cut(id, "-")
	return ok && ValidID(call) && ValidID(applicant)
}
