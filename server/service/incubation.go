package service

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/szdc/talenthub/models"
)

// Incubation implements models.IncubationService: teams, calls, entries,
// reviews, decisions, cohorts and their figures.
type Incubation struct {
	Deps
	// Search finds teams and match candidates (nil: those answer 503).
	Search models.TeamSearcher
	// Accounts makes outside experts' reviewer accounts.
	Accounts *Accounts
	// Tally, if set, counts the figures from what it keeps in memory.
	Tally IncubationTally
	// decideMu orders the decisions of the process, so that two accepted
	// at once cannot both take a call's last seat (a single embedded
	// database is one process; see the closing note on MongoDB).
	decideMu sync.Mutex
}

var _ models.IncubationService = (*Incubation)(nil)

// NewIncubation returns the incubation service.
func NewIncubation(d Deps, search models.TeamSearcher, accounts *Accounts) *Incubation {
	return newIncubation(d, search, accounts, nil)
}

func newIncubation(d Deps, search models.TeamSearcher, accounts *Accounts, tally IncubationTally) *Incubation {
	d.defaults()
	return &Incubation{Deps: d, Search: search, Accounts: accounts, Tally: tally}
}

// IncubationTally counts the incubation figures of a year from the entries
// and milestones it keeps in step with the database (server/figures).
type IncubationTally interface {
	Figures(year int) models.IncubationFigures
}

func (s *Incubation) searcher() (models.TeamSearcher, error) {
	if s.Search == nil {
		return nil, models.Errorf(models.CodeUnavailable, "team search is not available")
	}
	return s.Search, nil
}

// CreateTeam implements models.IncubationService.
func (s *Incubation) CreateTeam(ctx context.Context, actor *models.User, in models.TeamInput) (*models.Team, error) {
	if err := models.Permit(actor, models.ActFoundTeam); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := s.validate(ctx, in); err != nil {
		return nil, err
	}
	founder := models.TeamMember{UserID: actor.ID, Name: actor.Name, Status: models.MemberActive, Founder: true, At: s.now()}
	if t, err := s.Store.Talent(ctx, actor.ID); err == nil {
		founder.TalentID, founder.Name = t.ID, t.Name
	}
	t := &models.Team{FounderID: actor.ID, Members: []models.TeamMember{founder}}
	t.ApplyInput(in)
	if err := s.Store.CreateTeam(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// Team implements models.IncubationService.
func (s *Incubation) Team(ctx context.Context, actor *models.User, id string) (*models.Team, error) {
	t, err := authorized(ctx, actor, models.ActRead, s.Store.Team, id)
	if err != nil {
		return nil, err
	}
	return teamShown(t, actor), nil
}

// teamShown is the team as the actor sees it: an invitation is the team's
// business and the invitee's until it is accepted, not everyone's (a
// founder could otherwise show any creator as tied to the team).
func teamShown(t *models.Team, actor *models.User) *models.Team {
	if actor != nil && slices.Contains(t.MemberIDs(), actor.ID) {
		return t
	}
	c := *t
	c.Members = slices.DeleteFunc(slices.Clone(t.Members), func(m models.TeamMember) bool {
		return m.Status == models.MemberInvited && (actor == nil || m.UserID != actor.ID)
	})
	return &c
}

// UpdateTeam implements models.IncubationService.
func (s *Incubation) UpdateTeam(ctx context.Context, actor *models.User, id string, in models.TeamInput, ifVersion int64) (*models.Team, error) {
	if _, err := readThen(ctx, actor, models.ActUpdate, s.Team, id); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := s.validate(ctx, in); err != nil {
		return nil, err
	}
	return s.Store.UpdateTeam(ctx, id, ifVersion, func(t *models.Team) error { t.ApplyInput(in); return nil })
}

// SearchTeams implements models.IncubationService.
func (s *Incubation) SearchTeams(ctx context.Context, actor *models.User, q models.TeamSearch) (*models.SearchResult[*models.Team], error) {
	if err := models.Permit(actor, models.ActSearchTeams); err != nil {
		return nil, err
	}
	ts, err := s.searcher()
	if err != nil {
		return nil, err
	}
	page, err := ts.SearchTeams(ctx, q)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(page.Hits))
	for i, h := range page.Hits {
		ids[i] = h.ID
	}
	items, err := fetchPage(ctx, ids, s.Store.Team, func(*models.Team) bool { return true })
	if err != nil {
		return nil, err
	}
	for i, t := range items {
		items[i] = teamShown(t, actor)
	}
	return &models.SearchResult[*models.Team]{Items: items, Total: page.Total, Page: q.Page.Page, PerPage: q.Page.PerPage,
		Facets: page.Facets, TookMS: float64(page.Took.Microseconds()) / 1000, Partial: page.Partial, FacetsPending: page.FacetsPending}, nil
}

// InviteMember implements models.IncubationService: the founder invites
// the creator of a profile the founder can see.
func (s *Incubation) InviteMember(ctx context.Context, actor *models.User, teamID string, in models.TeamInvite) (*models.Team, error) {
	t, err := readThen(ctx, actor, models.ActAddMember, s.Team, teamID)
	if err != nil {
		return nil, err
	}
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	tal, err := s.Store.Talent(ctx, in.TalentID)
	if err == nil && !models.CanViewTalent(actor, tal) {
		err = models.Errorf(models.CodeNotFound, "talent not found")
	}
	if models.IsCode(err, models.CodeNotFound) {
		return nil, fieldError("talent_id", models.RuleNoSuch, "names no profile you can see")
	} else if err != nil {
		return nil, err
	}
	if _, ok := t.Member(tal.OwnerID); ok {
		return nil, models.Errorf(models.CodeConflict, "this creator is already in the team or invited")
	}
	out, err := s.Store.UpdateTeam(ctx, teamID, 0, func(t *models.Team) error {
		if _, ok := t.Member(tal.OwnerID); ok {
			return models.Errorf(models.CodeConflict, "this creator is already in the team or invited")
		}
		if len(t.Members) >= maxTeamMembers {
			return models.Errorf(models.CodeConflict, "a team has at most %d members", maxTeamMembers)
		}
		t.Members = append(t.Members, models.TeamMember{UserID: tal.OwnerID, TalentID: tal.ID, Name: tal.Name,
			Status: models.MemberInvited, At: s.now()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.audit(ctx, actor, models.AuditTeamInvite, models.KindTeam, teamID, nil, map[string]any{"member_id": tal.OwnerID}, "")
	return out, nil
}

const maxTeamMembers = 50

// AnswerInvitation implements models.IncubationService.
func (s *Incubation) AnswerInvitation(ctx context.Context, actor *models.User, teamID string, accept bool) (*models.Team, error) {
	if actor == nil {
		return nil, models.Errorf(models.CodeUnauthenticated, "sign in first")
	}
	out, err := s.Store.UpdateTeam(ctx, teamID, 0, func(t *models.Team) error {
		i := slices.IndexFunc(t.Members, func(m models.TeamMember) bool { return m.UserID == actor.ID })
		if i < 0 || t.Members[i].Status != models.MemberInvited {
			return models.Refusef(models.CodeConflict, models.RefusalNotInvited, "", "you have no invitation to this team")
		}
		if accept {
			t.Members[i].Status, t.Members[i].At = models.MemberActive, s.now()
		} else {
			t.Members = slices.Delete(t.Members, i, i+1)
		}
		return nil
	})
	if models.IsCode(err, models.CodeNotFound) {
		return nil, err
	}
	return out, err
}

// RemoveMember implements models.IncubationService.
func (s *Incubation) RemoveMember(ctx context.Context, actor *models.User, teamID, userID string) (*models.Team, error) {
	t, err := s.Team(ctx, actor, teamID)
	if err != nil {
		return nil, err
	}
	if actor.ID != userID {
		if err := models.Authorize(actor, models.ActManageMembers, t.Resource()); err != nil {
			return nil, err
		}
	}
	if userID == t.FounderID {
		return nil, models.Errorf(models.CodeConflict, "the founder stays in the team")
	}
	return s.Store.UpdateTeam(ctx, teamID, 0, func(t *models.Team) error {
		i := slices.IndexFunc(t.Members, func(m models.TeamMember) bool { return m.UserID == userID })
		if i < 0 {
			return models.Errorf(models.CodeNotFound, "member not found")
		}
		t.Members = slices.Delete(t.Members, i, i+1)
		return nil
	})
}

// CreateCall implements models.IncubationService.
func (s *Incubation) CreateCall(ctx context.Context, actor *models.User, in models.CallInput) (*models.Call, error) {
	if err := models.Permit(actor, models.ActOpenCall); err != nil {
		return nil, err
	}
	own, err := s.memberOrg(ctx, actor, models.ActPostProject, "open calls")
	if err != nil {
		return nil, err
	}
	if err := s.checkCall(ctx, &in); err != nil {
		return nil, err
	}
	c := &models.Call{OrgID: own.ID, CreatedBy: actor.ID, Reviewers: []string{}}
	c.ApplyInput(in)
	if err := s.Store.CreateCall(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Incubation) checkCall(ctx context.Context, in *models.CallInput) error {
	in.Normalize()
	if err := s.validate(ctx, *in); err != nil {
		return err
	}
	return in.Check()
}

// Call implements models.IncubationService.
func (s *Incubation) Call(ctx context.Context, actor *models.User, id string) (*models.Call, error) {
	c, err := authorized(ctx, actor, models.ActRead, s.Store.Call, id)
	if err != nil {
		return nil, err
	}
	return callShown(c, actor), nil
}

// callShown is the call as the actor sees it: who reviews it is its
// incubator's to know (an applicant could otherwise look for its
// reviewers); a reviewer sees itself among them.
func callShown(c *models.Call, actor *models.User) *models.Call {
	if models.Authorize(actor, models.ActUpdate, c.Resource()) == nil {
		return c
	}
	shown := *c
	shown.Reviewers = []string{}
	if actor != nil && slices.Contains(c.Reviewers, actor.ID) {
		shown.Reviewers = []string{actor.ID}
	}
	return &shown
}

// UpdateCall implements models.IncubationService. Once entries exist the
// questions and rubric stay as the applicants and reviewers saw them.
func (s *Incubation) UpdateCall(ctx context.Context, actor *models.User, id string, in models.CallInput, ifVersion int64) (*models.Call, error) {
	c, err := readThen(ctx, actor, models.ActUpdate, s.Call, id)
	if err != nil {
		return nil, err
	}
	if err := s.checkCall(ctx, &in); err != nil {
		return nil, err
	}
	entries, err := s.Store.CallEntries(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(entries) > 0 && (questionsKey(in.Questions) != questionsKey(c.Questions) || !slices.Equal(in.Rubric, c.Rubric)) {
		return nil, models.Errorf(models.CodeConflict, "the call has entries: its questions and rubric can no longer change")
	}
	accepted := 0
	for _, e := range entries {
		if e.Status == models.EntryAccepted {
			accepted++
		}
	}
	if in.Seats < accepted {
		return nil, models.Refusef(models.CodeConflict, models.RefusalCohortFull, strconv.Itoa(accepted),
			"the cohort has %d accepted teams: the seats cannot be fewer", accepted)
	}
	return s.Store.UpdateCall(ctx, id, ifVersion, func(c *models.Call) error { c.ApplyInput(in); return nil })
}

// questionsKey is what a call's questions say, for comparing them: no
// questions and an empty list are the same, as are no choices and none.
func questionsKey(qs []models.Question) string {
	var b strings.Builder
	for _, q := range qs {
		fmt.Fprintf(&b, "%q|%q|%q|%q|%t\n", q.ID, q.Kind, q.Label, strings.Join(q.Choices, "\x00"), q.Required)
	}
	return b.String()
}

// Calls implements models.IncubationService.
func (s *Incubation) Calls(ctx context.Context, actor *models.User, f models.CallFilter) (*models.List[*models.Call], error) {
	if actor == nil {
		return nil, models.Errorf(models.CodeUnauthenticated, "sign in first")
	}
	q := models.ListQuery{Coll: models.CollCalls, Page: f.Page, Sort: []string{"closes", "_id"}}
	switch {
	case f.Mine:
		if err := models.Permit(actor, models.ActActForOrg); err != nil {
			return nil, err
		}
		q.All = append(q.All, models.Terms("org_id", actor.OrgID))
		q.Sort = []string{"-created_at", "_id"}
	case f.Reviewing:
		q.All = append(q.All, models.Terms("reviewers", actor.ID))
	default:
		if actor.Role == models.RoleReviewer {
			q.All = append(q.All, models.Terms("reviewers", actor.ID))
			break
		}
		// Days are indexed as numbers (20250301); Max is exclusive.
		today := models.DayNumber(models.Today(s.Now()))
		tomorrow := today + 1
		q.Ranges = append(q.Ranges, models.Range{Field: "closes", Min: &today}, models.Range{Field: "opens", Max: &tomorrow})
	}
	list, err := listPage(ctx, s.Lister, q, s.Store.Call, func(*models.Call) bool { return true })
	if err != nil {
		return nil, err
	}
	for i, c := range list.Items {
		list.Items[i] = callShown(c, actor)
	}
	return list, nil
}

// AddReviewer implements models.IncubationService: a member of the
// incubator, or an outside expert by email (a new reviewer account, or the
// expert's existing one). Every other email is refused with one answer, so
// that the form tells nothing of other accounts.
func (s *Incubation) AddReviewer(ctx context.Context, actor *models.User, callID string, in models.ReviewerInput) (*models.Call, error) {
	c, err := readThen(ctx, actor, models.ActUpdate, s.Call, callID)
	if err != nil {
		return nil, err
	}
	in.Normalize()
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	var reviewer string
	if in.UserID != "" {
		u, err := s.Store.User(ctx, in.UserID)
		if err != nil || u.Role != models.RoleOrg || u.OrgID != c.OrgID {
			if err != nil && !models.IsCode(err, models.CodeNotFound) {
				return nil, err
			}
			return nil, fieldError("user_id", models.RuleCannotReview, "is not a member of your organisation")
		}
		reviewer = u.ID
	} else {
		// Every address tried counts toward the day's limit, those refused
		// too: whether an address has an account shows in the answer (a
		// new one is invited, a creator's is refused), so the limit is
		// what bounds that probing.
		lim, err := s.Store.LimitHit(ctx, "invite:reviewers:"+c.OrgID, 24*time.Hour)
		if err != nil {
			return nil, err
		}
		if lim.Count > models.MaxInvitationsPerDay {
			return nil, &models.Error{Code: models.CodeRateLimited, RetryAfter: max(time.Second, lim.ResetAt.Sub(s.Now()).Round(time.Second)),
				Message: "your organisation tried too many reviewers' addresses today; try again tomorrow"}
		}
		u, _, err := s.Store.UserByEmail(ctx, in.Email)
		switch {
		case models.IsCode(err, models.CodeNotFound):
			if s.Accounts == nil {
				return nil, models.Errorf(models.CodeUnavailable, "reviewer accounts cannot be made here")
			}
			u, err = s.Accounts.InviteReviewer(ctx, in.Email, in.Name, actor.Language)
			if err != nil {
				return nil, err
			}
		case err != nil:
			return nil, err
		case u.Role == models.RoleReviewer && !u.EmailVerified && s.Accounts != nil:
			// An expert who never followed the link (or whose mail was
			// lost with the request that made the account) gets a new one.
			if err := s.Accounts.ResendReviewerInvite(ctx, u); err != nil {
				return nil, err
			}
		case u.Role == models.RoleReviewer, u.Role == models.RoleOrg && u.OrgID == c.OrgID:
		default:
			return nil, fieldError("email", models.RuleCannotReview,
				"cannot review: it must be a new address, an outside reviewer's, or a member of your organisation's")
		}
		reviewer = u.ID
	}
	out, err := s.Store.UpdateCall(ctx, callID, 0, func(c *models.Call) error {
		if !slices.Contains(c.Reviewers, reviewer) {
			c.Reviewers = append(c.Reviewers, reviewer)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.audit(ctx, actor, models.AuditCallReviewer, models.KindCall, callID, nil, map[string]any{"member_id": reviewer}, "")
	return out, nil
}

// Reviewers implements models.IncubationService: to the call's
// incubator, its reviewers with their names, whether each is an outside
// expert, and how far each has come (reviews submitted, conflicts).
func (s *Incubation) Reviewers(ctx context.Context, actor *models.User, callID string) ([]models.CallReviewer, error) {
	c, err := readThen(ctx, actor, models.ActUpdate, s.Call, callID)
	if err != nil {
		return nil, err
	}
	reviews, err := s.Store.CallReviews(ctx, callID)
	if err != nil {
		return nil, err
	}
	out := make([]models.CallReviewer, 0, len(c.Reviewers))
	for _, id := range c.Reviewers {
		r := models.CallReviewer{UserID: id}
		switch u, err := s.Store.User(ctx, id); {
		case err == nil:
			r.Name, r.Outside = u.Name, u.Role == models.RoleReviewer
		case !models.IsCode(err, models.CodeNotFound):
			return nil, err
		}
		for _, rv := range reviews {
			if rv.ReviewerID == id && rv.Submitted {
				if rv.Conflict {
					r.Conflicts++
				} else {
					r.Submitted++
				}
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// RemoveReviewer implements models.IncubationService. The reviews already
// given stay (they were given), and count in the ranking.
func (s *Incubation) RemoveReviewer(ctx context.Context, actor *models.User, callID, userID string) (*models.Call, error) {
	if _, err := readThen(ctx, actor, models.ActUpdate, s.Call, callID); err != nil {
		return nil, err
	}
	return s.Store.UpdateCall(ctx, callID, 0, func(c *models.Call) error {
		i := slices.Index(c.Reviewers, userID)
		if i < 0 {
			return models.Errorf(models.CodeNotFound, "reviewer not found")
		}
		c.Reviewers = slices.Delete(c.Reviewers, i, i+1)
		return nil
	})
}

// callClosed is the refusal of a change after the call's last day.
func callClosed(c *models.Call, phase string) error {
	if phase == models.PhaseUpcoming {
		return models.Refusef(models.CodeConflict, models.RefusalCallNotOpen, c.Opens, "the call opens on %s (Shenzhen time)", c.Opens)
	}
	return models.Refusef(models.CodeConflict, models.RefusalCallClosed, c.Closes, "the call closed at the end of %s (Shenzhen time): entries can no longer change", c.Closes)
}

// Apply implements models.IncubationService.
func (s *Incubation) Apply(ctx context.Context, actor *models.User, callID string, in models.EntryInput) (*models.Entry, error) {
	if err := models.Permit(actor, models.ActFoundTeam); err != nil {
		return nil, models.Errorf(models.ErrorCode(err), "only creators apply to calls, for their team or themselves")
	}
	c, err := s.Call(ctx, actor, callID)
	if err != nil {
		return nil, err
	}
	if phase := c.Phase(s.Now()); phase != models.PhaseOpen {
		return nil, callClosed(c, phase)
	}
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	e := &models.Entry{CallID: c.ID, OrgID: c.OrgID, ApplicantID: actor.ID, Answers: cleanAnswers(in.Answers), Status: models.EntryDraft}
	if in.TeamID != "" {
		t, err := s.Store.Team(ctx, in.TeamID)
		if models.IsCode(err, models.CodeNotFound) || (err == nil && !slices.Contains(t.MemberIDs(), actor.ID)) {
			return nil, fieldError("team_id", models.RuleNoSuch, "names no team of yours")
		} else if err != nil {
			return nil, err
		}
		if !slices.Contains(c.Stages, t.Stage) {
			return nil, fieldError("team_id", models.RuleOneOf, "the team's stage is not one the call accepts")
		}
		e.TeamID, e.Name, e.ID = t.ID, t.Name, models.EntryID(c.ID, t.ID)
	} else {
		if !c.Individuals {
			return nil, fieldError("team_id", models.RuleRequired, "this call takes teams: name yours")
		}
		e.Name, e.ID = actor.Name, models.EntryID(c.ID, actor.ID)
		if t, err := s.Store.Talent(ctx, actor.ID); err == nil {
			e.Name = t.Name
		}
	}
	if err := c.CheckAnswers(e.Answers, in.Submit); err != nil {
		return nil, err
	}
	if in.Submit {
		now := s.now()
		e.Status, e.SubmittedAt = models.EntrySubmitted, &now
	}
	if err := s.Store.CreateEntry(ctx, e); err != nil {
		return nil, err
	}
	return e, nil
}

func cleanAnswers(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		if v = strings.TrimSpace(v); v != "" {
			out[k] = v
		}
	}
	return out
}

// entryAccess reads an entry with its call and team, and says whether the
// actor may see it: a draft is its applicants' alone.
func (s *Incubation) entryAccess(ctx context.Context, actor *models.User, id string) (*models.Entry, *models.Call, *models.Team, error) {
	e, err := s.Store.Entry(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := s.Store.Call(ctx, e.CallID)
	if err != nil {
		return nil, nil, nil, err
	}
	var t *models.Team
	if e.TeamID != "" {
		if t, err = s.Store.Team(ctx, e.TeamID); err != nil && !models.IsCode(err, models.CodeNotFound) {
			return nil, nil, nil, err
		}
	}
	r := e.Resource(t, c.Reviewers)
	if err := models.Authorize(actor, models.ActRead, r); err != nil {
		return nil, nil, nil, err
	}
	if e.Status == models.EntryDraft && !applies(actor, e, t) {
		return nil, nil, nil, models.Errorf(models.CodeNotFound, "entry not found")
	}
	return e, c, t, nil
}

// applies reports whether the actor is the entry's applicant: the creator
// who applied alone, or a member of the team now (not one who left it).
func applies(actor *models.User, e *models.Entry, t *models.Team) bool {
	if e.TeamID == "" {
		return actor.ID == e.ApplicantID
	}
	return t != nil && slices.Contains(t.MemberIDs(), actor.ID)
}

// Entry implements models.IncubationService.
func (s *Incubation) Entry(ctx context.Context, actor *models.User, id string) (*models.Entry, error) {
	e, _, _, err := s.entryAccess(ctx, actor, id)
	return e, err
}

// UpdateEntry implements models.IncubationService: answers change, and a
// draft is submitted, until the end of the call's last day; a submitted
// entry may still be corrected until then.
func (s *Incubation) UpdateEntry(ctx context.Context, actor *models.User, id string, in models.EntryInput, ifVersion int64) (*models.Entry, error) {
	e, c, t, err := s.entryAccess(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActUpdate, e.Resource(t, c.Reviewers)); err != nil {
		return nil, err
	}
	if phase := c.Phase(s.Now()); phase != models.PhaseOpen {
		return nil, callClosed(c, phase)
	}
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	if in.TeamID != "" && in.TeamID != e.TeamID {
		return nil, fieldError("team_id", models.RuleServerOwned, "cannot change: an entry is its applicant's")
	}
	answers := cleanAnswers(in.Answers)
	submit := in.Submit || e.Status == models.EntrySubmitted
	if err := c.CheckAnswers(answers, submit); err != nil {
		return nil, err
	}
	if e.Decided() {
		return nil, models.Refusef(models.CodeConflict, models.RefusalAlreadyDecided, e.Status, "the entry is %s", e.Status)
	}
	if e.Status != models.EntryDraft {
		// What the reviewers score stays what they read.
		reviews, err := s.Store.CallReviews(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(reviews, func(r *models.Review) bool { return r.EntryID == e.ID }) {
			return nil, models.Refusef(models.CodeConflict, models.RefusalUnderReview, "", "the entry is being reviewed: its answers can no longer change")
		}
	}
	return s.Store.UpdateEntry(ctx, id, ifVersion, func(e *models.Entry) error {
		if e.Decided() {
			return models.Refusef(models.CodeConflict, models.RefusalAlreadyDecided, e.Status, "the entry is %s", e.Status)
		}
		e.Answers = answers
		if submit && e.Status == models.EntryDraft {
			now := s.now()
			e.Status, e.SubmittedAt = models.EntrySubmitted, &now
		}
		return nil
	})
}

// Entries implements models.IncubationService.
func (s *Incubation) Entries(ctx context.Context, actor *models.User, callID string, page models.Page) (*models.List[*models.Entry], error) {
	if actor == nil {
		return nil, models.Errorf(models.CodeUnauthenticated, "sign in first")
	}
	if callID == "" {
		// The actor's own, and those of the teams the actor is in now (an
		// entry the actor made for a team it has left is the team's).
		mine := models.Terms("applicant_id", actor.ID)
		teams := map[string]bool{}
		if ts, err := s.searcher(); err == nil && actor.Role == models.RoleCreator {
			found, err := ts.SearchTeams(ctx, models.TeamSearch{MemberID: actor.ID, Page: models.Page{Page: 1, PerPage: models.MaxPerPage}})
			if err != nil {
				return nil, err
			}
			for _, h := range found.Hits {
				mine = append(mine, models.Match{Field: "team_id", Value: h.ID})
				teams[h.ID] = true
			}
		}
		q := models.ListQuery{Coll: models.CollEntries, Page: page, Sort: []string{"-created_at", "_id"}, All: []models.AnyOf{mine}}
		return listPage(ctx, s.Lister, q, s.Store.Entry, func(e *models.Entry) bool {
			return e.TeamID == "" && e.ApplicantID == actor.ID || teams[e.TeamID]
		})
	}
	c, err := s.Call(ctx, actor, callID)
	if err != nil {
		return nil, err
	}
	if models.Authorize(actor, models.ActUpdate, c.Resource()) != nil && models.Authorize(actor, models.ActReview, c.Resource()) != nil {
		return nil, models.Errorf(models.CodeForbidden, "a call's entries are seen by its incubator and reviewers")
	}
	entries, err := s.submitted(ctx, callID)
	if err != nil {
		return nil, err
	}
	return pageOf(entries, page), nil
}

// submitted are a call's entries that were handed in, earliest first.
func (s *Incubation) submitted(ctx context.Context, callID string) ([]*models.Entry, error) {
	all, err := s.Store.CallEntries(ctx, callID)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(all, func(e *models.Entry) bool { return e.Status == models.EntryDraft })
	slices.SortFunc(out, func(a, b *models.Entry) int {
		return cmp.Or(submittedAt(a).Compare(submittedAt(b)), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

func submittedAt(e *models.Entry) time.Time {
	if e.SubmittedAt == nil {
		return time.Time{}
	}
	return *e.SubmittedAt
}

// Review implements models.IncubationService: a reviewer of the call
// scores a submitted entry, or declares a conflict of interest (then never
// scores it, nor sees its scores). A member of the applying team has a
// conflict by rule. A submitted review is final.
func (s *Incubation) Review(ctx context.Context, actor *models.User, entryID string, in models.ReviewInput) (*models.Review, error) {
	e, c, t, err := s.entryAccess(ctx, actor, entryID)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActReview, e.Resource(t, c.Reviewers)); err != nil {
		return nil, models.Errorf(models.ErrorCode(err), "only the call's reviewers review its entries")
	}
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	if actor.ID == e.ApplicantID || (t != nil && slices.Contains(t.MemberIDs(), actor.ID)) {
		return nil, models.Refusef(models.CodeConflict, models.RefusalConflictOfInterest, "", "you are in the applying team: you cannot review its entry")
	}
	for k := range in.Scores {
		if _, ok := c.Criterion(k); !ok {
			return nil, fieldError("scores."+k, models.RuleUnknown, "is not a criterion of the call's rubric")
		}
	}
	var total float64
	if in.Submit && !in.Conflict {
		var complete bool
		if total, complete = c.WeightedTotal(in.Scores); !complete {
			return nil, fieldError("scores", models.RuleRequired, "score every criterion of the rubric to submit")
		}
	}
	return s.Store.SaveReview(ctx, models.ReviewID(e.ID, actor.ID), func(r *models.Review) error {
		if r.Submitted {
			return models.Refusef(models.CodeConflict, models.RefusalAlreadyDecided, "submitted", "your review of this entry is submitted and final")
		}
		r.EntryID, r.CallID, r.ReviewerID = e.ID, c.ID, actor.ID
		r.Scores, r.Comment, r.Conflict, r.Submitted, r.Total = in.Scores, strings.TrimSpace(in.Comment), in.Conflict, in.Submit, total
		if r.Scores == nil || in.Conflict {
			r.Scores = map[string]int{}
		}
		if in.Conflict {
			r.Submitted, r.Total = true, 0
		}
		return nil
	})
}

// blind reports, of the reviews of one entry, those the actor may see: a
// reviewer of the call sees the others' once their own is submitted (and
// none if they declared a conflict); the incubator's other members see all.
func blind(actor *models.User, c *models.Call, reviews []*models.Review) []*models.Review {
	if !slices.Contains(c.Reviewers, actor.ID) && !slices.ContainsFunc(reviews, func(r *models.Review) bool { return r.ReviewerID == actor.ID }) {
		return reviews
	}
	own := slices.IndexFunc(reviews, func(r *models.Review) bool { return r.ReviewerID == actor.ID })
	if own < 0 || !reviews[own].Submitted || reviews[own].Conflict {
		if own < 0 {
			return []*models.Review{}
		}
		return []*models.Review{reviews[own]}
	}
	return reviews
}

// Reviews implements models.IncubationService.
func (s *Incubation) Reviews(ctx context.Context, actor *models.User, entryID string) ([]*models.Review, error) {
	e, c, _, err := s.entryAccess(ctx, actor, entryID)
	if err != nil {
		return nil, err
	}
	if models.Authorize(actor, models.ActUpdate, c.Resource()) != nil && models.Authorize(actor, models.ActReview, c.Resource()) != nil {
		return nil, models.Errorf(models.CodeForbidden, "reviews are seen by the call's incubator and reviewers")
	}
	all, err := s.Store.CallReviews(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	mine := slices.DeleteFunc(all, func(r *models.Review) bool { return r.EntryID != e.ID })
	// Another's draft is nobody's business but its author's.
	mine = slices.DeleteFunc(mine, func(r *models.Review) bool { return !r.Submitted && r.ReviewerID != actor.ID })
	slices.SortFunc(mine, func(a, b *models.Review) int { return strings.Compare(a.ReviewerID, b.ReviewerID) })
	return blind(actor, c, mine), nil
}

// RankingExport implements models.IncubationService.
func (s *Incubation) RankingExport(ctx context.Context, actor *models.User, callID string) (*models.Ranking, error) {
	c, err := s.Call(ctx, actor, callID)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActExport, c.Resource()); err != nil {
		return nil, models.Errorf(models.CodeForbidden, "the call's incubator downloads its ranking")
	}
	return s.ranking(ctx, actor, c)
}

// Ranking implements models.IncubationService: the incubator's members
// and the call's reviewers; a reviewer sees the scores of the entries they
// have reviewed only.
func (s *Incubation) Ranking(ctx context.Context, actor *models.User, callID string) (*models.Ranking, error) {
	c, err := s.Call(ctx, actor, callID)
	if err != nil {
		return nil, err
	}
	return s.ranking(ctx, actor, c)
}

// ranking is Ranking of a call the actor may read.
func (s *Incubation) ranking(ctx context.Context, actor *models.User, c *models.Call) (*models.Ranking, error) {
	callID := c.ID
	member := models.Authorize(actor, models.ActUpdate, c.Resource()) == nil
	entries, err := s.submitted(ctx, callID)
	if err != nil {
		return nil, err
	}
	reviews, err := s.Store.CallReviews(ctx, callID)
	if err != nil {
		return nil, err
	}
	// A reviewer is blind whether or not it is still on the panel: a
	// member who reviewed and then left it does not see the others' scores
	// by leaving.
	reviewer := slices.Contains(c.Reviewers, actor.ID) ||
		slices.ContainsFunc(reviews, func(r *models.Review) bool { return r.ReviewerID == actor.ID })
	if !member && !reviewer {
		return nil, models.Errorf(models.CodeForbidden, "the ranking is seen by the call's incubator and reviewers")
	}
	ranked, stats := models.Rank(entries, reviews)
	reviewed := map[string]bool{}
	for _, r := range reviews {
		if r.ReviewerID == actor.ID && r.Submitted && !r.Conflict {
			reviewed[r.EntryID] = true
		}
	}
	out := &models.Ranking{Call: c, Items: ranked, Reviewers: stats}
	if reviewer && slices.ContainsFunc(entries, func(e *models.Entry) bool { return !reviewed[e.ID] }) {
		// A z-score is taken over all of its reviewer's reviews, so another
		// reviewer's z-scores of the entries the reader has reviewed would
		// tell what that reviewer gave the others: until the reader has
		// reviewed every entry, the normalised scores wait, and the
		// reviewed entries rank by their raw scores. A declared conflict
		// is not a review: its entry's scores stay the others' for good,
		// and so do the normalised scores.
		out.NormalisedHidden = true
		for i := range out.Items {
			it := &out.Items[i]
			it.Normalised = 0
			for j := range it.Scores {
				it.Scores[j].Z = 0
			}
		}
		slices.SortStableFunc(out.Items, func(a, b models.RankedEntry) int {
			ra, rb := reviewed[a.Entry.ID], reviewed[b.Entry.ID]
			switch {
			case ra != rb:
				if ra {
					return -1
				}
				return 1
			case ra && a.Raw != b.Raw:
				if a.Raw > b.Raw {
					return -1
				}
				return 1
			}
			return submittedAt(a.Entry).Compare(submittedAt(b.Entry))
		})
		for i := range out.Items {
			out.Items[i].Rank = i + 1
		}
	}
	for i := range out.Items {
		it := &out.Items[i]
		if it.Entry.Status == models.EntryAccepted {
			out.Accepted++
		}
		if reviewer && !reviewed[it.Entry.ID] {
			// Blind: the entry's scores wait for the reader's own review.
			it.Hidden, it.Reviews, it.Raw, it.Normalised, it.Spread, it.Scores = true, 0, 0, 0, 0, []models.RankedScore{}
		}
	}
	if reviewer {
		// Another reviewer's mean and spread would tell their scores.
		out.Reviewers = slices.DeleteFunc(out.Reviewers, func(st models.ReviewerStats) bool { return st.ReviewerID != actor.ID })
	}
	names := map[string]string{}
	for i, st := range out.Reviewers {
		if _, ok := names[st.ReviewerID]; !ok {
			if u, err := s.Store.User(ctx, st.ReviewerID); err == nil {
				names[st.ReviewerID] = u.Name
			}
		}
		out.Reviewers[i].Name = names[st.ReviewerID]
	}
	return out, nil
}

// Decide implements models.IncubationService: accept, waitlist or reject
// a submitted entry with at least MinReviews reviews; accepted entries
// stay within the call's seats. A decision may change (a waitlisted team
// accepted when a seat frees).
func (s *Incubation) Decide(ctx context.Context, actor *models.User, entryID string, in models.DecideInput) (*models.Entry, error) {
	e, c, t, err := s.entryAccess(ctx, actor, entryID)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActDecide, e.Resource(t, c.Reviewers)); err != nil {
		return nil, err
	}
	in.Message = strings.TrimSpace(in.Message)
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	reviews, err := s.Store.CallReviews(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, r := range reviews {
		if r.EntryID == e.ID && r.Submitted && !r.Conflict {
			n++
		}
	}
	if n < models.MinReviews {
		return nil, models.Refusef(models.CodeConflict, models.RefusalTooFewReviews, "", "the entry has %d submitted reviews: it needs %d before a decision", n, models.MinReviews)
	}
	// Where the incubation counts: the team's district and industry, or
	// those of the profile of a creator who applied alone.
	district, industry := "", ""
	if t != nil {
		district, industry = t.District, t.Industry
	} else if p, err := s.Store.Talent(ctx, e.ApplicantID); err == nil {
		district = p.District
		if len(p.Industries) > 0 {
			industry = p.Industries[0]
		}
	}
	s.decideMu.Lock()
	defer s.decideMu.Unlock()
	// The entry as it is now, under the lock: another decision may have
	// moved it since it was read.
	e, err = s.Store.Entry(ctx, entryID)
	if err != nil {
		return nil, err
	}
	if e.Status == in.Decision && e.Message == in.Message {
		return e, nil
	}
	if in.Decision == models.EntryAccepted && e.Status != models.EntryAccepted {
		all, err := s.Store.CallEntries(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		taken := 0
		for _, o := range all {
			if o.Status == models.EntryAccepted && o.ID != e.ID {
				taken++
			}
		}
		if taken >= c.Seats {
			return nil, models.Refusef(models.CodeConflict, models.RefusalCohortFull, strconv.Itoa(c.Seats), "the cohort is full: the call has %d seats", c.Seats)
		}
	}
	before := e.Status
	out, err := s.Store.UpdateEntry(ctx, entryID, 0, func(e *models.Entry) error {
		if e.Status == models.EntryDraft {
			return models.Errorf(models.CodeConflict, "a draft is not decided")
		}
		e.Message, e.DecidedBy = in.Message, actor.ID
		if e.Status != in.Decision {
			// A new decision is counted on its day, where the team is
			// then; a message changed is not a new decision.
			e.Status, e.DecidedOn, e.District, e.Industry = in.Decision, models.Today(s.Now()), district, industry
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	after := map[string]any{"status": out.Status, "call_id": c.ID}
	if t != nil {
		// Who is told: the team's members when it was decided, not
		// whoever they are when the notifier reads the entry a moment
		// later (a member may leave or erase their profile meanwhile).
		after["members"] = t.MemberIDs()
	}
	s.audit(ctx, actor, models.AuditEntryDecide, models.KindEntry, entryID, map[string]any{"status": before}, after, in.Message)
	return out, nil
}

// Cohort implements models.IncubationService: the accepted teams with
// their milestones.
func (s *Incubation) Cohort(ctx context.Context, actor *models.User, callID string) (*models.Cohort, error) {
	c, err := s.Call(ctx, actor, callID)
	if err != nil {
		return nil, err
	}
	entries, err := s.Store.CallEntries(ctx, callID)
	if err != nil {
		return nil, err
	}
	entries = slices.DeleteFunc(entries, func(e *models.Entry) bool { return e.Status != models.EntryAccepted })
	slices.SortFunc(entries, func(a, b *models.Entry) int {
		return cmp.Or(strings.Compare(a.DecidedOn, b.DecidedOn), strings.Compare(a.ID, b.ID))
	})
	// Funding and revenue are the teams' business: the cohort is shown to
	// the incubator, the bureau and the cohort's own members.
	allowed := models.Authorize(actor, models.ActReadOutcomes, c.Resource()) == nil
	out := &models.Cohort{Call: c, Teams: []models.CohortTeam{}}
	for _, e := range entries {
		ct := models.CohortTeam{Entry: e, Milestones: []*models.Milestone{}}
		allowed = allowed || e.TeamID == "" && e.ApplicantID == actor.ID
		if e.TeamID != "" {
			if t, err := s.Store.Team(ctx, e.TeamID); err == nil {
				ct.Team = t
				allowed = allowed || slices.Contains(t.MemberIDs(), actor.ID)
			}
		}
		ms, err := s.Store.TeamMilestones(ctx, e.Applicant())
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.CallID == callID {
				ct.Milestones = append(ct.Milestones, m)
			}
		}
		slices.SortFunc(ct.Milestones, func(a, b *models.Milestone) int {
			return cmp.Or(strings.Compare(a.Date, b.Date), a.CreatedAt.Compare(b.CreatedAt))
		})
		out.Teams = append(out.Teams, ct)
	}
	if !allowed {
		return nil, models.Errorf(models.CodeForbidden, "a cohort is seen by its incubator, its teams and the bureau")
	}
	out.Outcomes = models.Outcomes(out.Teams)
	return out, nil
}

// AddMilestone implements models.IncubationService: the incubator records
// a milestone of a team of the call's cohort. An incorporation names the
// team's company code, which the team then carries.
func (s *Incubation) AddMilestone(ctx context.Context, actor *models.User, callID, teamID string, in models.MilestoneInput) (*models.Milestone, error) {
	c, err := readThen(ctx, actor, models.ActUpdate, s.Call, callID)
	if err != nil {
		return nil, err
	}
	in.Normalize()
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	if in.Date > models.Today(s.Now()) {
		return nil, fieldError("date", models.RuleDate, "is in the future: a milestone is recorded once reached")
	}
	e, err := s.Store.Entry(ctx, models.EntryID(callID, teamID))
	if models.IsCode(err, models.CodeNotFound) || (err == nil && e.Status != models.EntryAccepted) {
		return nil, models.Errorf(models.CodeNotFound, "the team is not in this call's cohort")
	} else if err != nil {
		return nil, err
	}
	if in.Date < e.DecidedOn {
		// What the team did before it joined is not the incubation's.
		return nil, fieldError("date", models.RuleDate, "is before the team joined the cohort ("+e.DecidedOn+")")
	}
	m := &models.Milestone{TeamID: teamID, CallID: callID, OrgID: c.OrgID, Kind: in.Kind, Date: in.Date, Amount: in.Amount,
		Band: in.Band, RegistrationNo: in.RegistrationNo, Note: in.Note, RecordedBy: actor.ID}
	if m.Kind != models.MilestoneFunding && m.Kind != models.MilestoneHeadcount {
		m.Amount = 0
	}
	if err := s.Store.CreateMilestone(ctx, m); err != nil {
		return nil, err
	}
	if m.Kind == models.MilestoneIncorporated && m.RegistrationNo != "" {
		if _, err := s.Store.UpdateTeam(ctx, teamID, 0, func(t *models.Team) error {
			if t.RegistrationNo == "" {
				t.RegistrationNo = m.RegistrationNo
			}
			return nil
		}); err != nil && !models.IsCode(err, models.CodeNotFound) {
			s.Logger.WarnContext(ctx, "incubation: the team's company code was not set", "team_id", teamID, "error", err)
		}
	}
	return m, nil
}

// CallMatches implements models.IncubationService: teams for a call, to its
// incubator.
func (s *Incubation) CallMatches(ctx context.Context, actor *models.User, callID string, page models.Page) (*models.List[models.TeamMatch], error) {
	c, err := readThen(ctx, actor, models.ActUpdate, s.Call, callID)
	if err != nil {
		return nil, err
	}
	ts, err := s.searcher()
	if err != nil {
		return nil, err
	}
	hits, err := ts.TeamCandidates(ctx, c, candidates)
	if err != nil {
		return nil, err
	}
	rel := relative(hits)
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	teams, err := fetchPage(ctx, ids, s.Store.Team, func(*models.Team) bool { return true })
	if err != nil {
		return nil, err
	}
	out := make([]models.TeamMatch, 0, len(teams))
	for _, t := range teams {
		score, reasons := models.ScoreTeamForCall(c, t, rel[t.ID])
		out = append(out, models.TeamMatch{Team: t, Score: score, Reasons: reasons})
	}
	slices.SortStableFunc(out, func(a, b models.TeamMatch) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Team.ID, b.Team.ID))
	})
	return pageOf(out, page), nil
}

// TeamMatches implements models.IncubationService: calls open today for a
// team, to its members.
func (s *Incubation) TeamMatches(ctx context.Context, actor *models.User, teamID string, page models.Page) (*models.List[models.CallMatch], error) {
	t, err := readThen(ctx, actor, models.ActApply, s.Team, teamID)
	if err != nil {
		return nil, err
	}
	ts, err := s.searcher()
	if err != nil {
		return nil, err
	}
	today := models.Today(s.Now())
	hits, err := ts.CallCandidates(ctx, t, today, candidates)
	if err != nil {
		return nil, err
	}
	rel := relative(hits)
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	calls, err := fetchPage(ctx, ids, s.Store.Call, func(c *models.Call) bool { return c.Phase(s.Now()) == models.PhaseOpen })
	if err != nil {
		return nil, err
	}
	orgs := s.orgsOf()
	out := make([]models.CallMatch, 0, len(calls))
	for _, c := range calls {
		score, reasons := models.ScoreTeamForCall(c, t, rel[c.ID])
		out = append(out, models.CallMatch{Call: c, OrgName: orgs(ctx, c.OrgID).Name, Score: score, Reasons: reasons})
	}
	slices.SortStableFunc(out, func(a, b models.CallMatch) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Call.ID, b.Call.ID))
	})
	return pageOf(out, page), nil
}

// Figures implements models.IncubationService: counted at each read from
// the accepted entries and the milestones (models.CountIncubation), as the
// tally keeps them, or as the store reads them without one.
func (s *Incubation) Figures(ctx context.Context, actor *models.User, year int) (*models.IncubationFigures, error) {
	if err := models.Authorize(actor, models.ActRead, models.Resource{Kind: models.KindStats}); err != nil {
		if models.IsCode(err, models.CodeNotFound) {
			return nil, models.Errorf(models.CodeForbidden, "the figures are for the bureau and admins")
		}
		return nil, err
	}
	if year == 0 {
		year = s.Now().In(models.ChinaTime).Year()
	}
	if s.Tally != nil {
		f := s.Tally.Figures(year)
		return &f, nil
	}
	entries, err := s.Store.AcceptedEntries(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := s.Store.Milestones(ctx)
	if err != nil {
		return nil, err
	}
	f := models.CountIncubation(year, entries, ms)
	return &f, nil
}

// eraseIncubation takes an erased creator out of incubation: out of every
// team (a founder's team passes to its earliest member; a team left with
// no member goes, its invitations with it), and, of the entries the
// creator made alone, the name, the answers, the decision's message and
// the reviewers' comments. The entries stay, decided as they were, for
// the figures (an entry's id names an account that no longer exists, and
// nothing else). Each step is idempotent, as the erasure's are.
func (d *Deps) eraseIncubation(ctx context.Context, userID string) error {
	teams, err := d.Store.UserTeams(ctx, userID)
	if err != nil {
		return err
	}
	for _, t := range teams {
		left, err := d.Store.UpdateTeam(ctx, t.ID, 0, func(t *models.Team) error {
			t.Members = slices.DeleteFunc(t.Members, func(m models.TeamMember) bool { return m.UserID == userID })
			if t.FounderID == userID {
				t.FounderID = ""
				for i, m := range t.Members {
					if m.Status == models.MemberActive {
						t.FounderID, t.Members[i].Founder = m.UserID, true
						break
					}
				}
			}
			return nil
		})
		if models.IsCode(err, models.CodeNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if len(left.MemberIDs()) == 0 {
			if err := d.Store.DeleteTeam(ctx, t.ID); err != nil && !models.IsCode(err, models.CodeNotFound) {
				return err
			}
		}
	}
	entries, err := d.Store.UserEntries(ctx, userID)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.TeamID != "" {
			continue // the team's, written in its name
		}
		_, err := d.Store.UpdateEntry(ctx, e.ID, 0, func(e *models.Entry) error {
			e.Name, e.Answers, e.Message = "", map[string]string{}, ""
			return nil
		})
		if err != nil && !models.IsCode(err, models.CodeNotFound) {
			return err
		}
		reviews, err := d.Store.CallReviews(ctx, e.CallID)
		if err != nil {
			return err
		}
		for _, r := range reviews {
			if r.EntryID != e.ID || r.Comment == "" {
				continue
			}
			if _, err := d.Store.SaveReview(ctx, r.ID, func(r *models.Review) error { r.Comment = ""; return nil }); err != nil {
				return err
			}
		}
	}
	return nil
}
