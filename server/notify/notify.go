// Package notify tells people what concerns them: it follows the change
// feed (one more applier of models.Follower, beside the search index and
// the figures), turns the events it finds into one notification per
// event and recipient, and asks the mailer for a mail about each.
//
// An event is named by what cannot change: a move of an application is
// its place in the application's history, a decision or an invitation is
// its audit entry. That name, with the recipient's id, is the
// notification's id, so however often the feed is replayed (its overlap
// window, a resynchronisation, a restart after kill -9 before the cursor
// was saved) the inbox holds the event once and the outbox mails it once.
package notify

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/szdc/talenthub/models"
)

// Name is the follower's name: in the log and in its saved position.
const Name = "notify"

// Store is what the notifier needs of the database.
type Store interface {
	models.NotificationStore
	models.SavedSearchStore
	User(ctx context.Context, id string) (*models.User, error)
	// ForgetUser deletes what names an account (its notifications, its
	// mail): the notifier's own writes for an account deleted meanwhile.
	ForgetUser(ctx context.Context, id string) error
	// FollowerPosition returns the saved feed position and the time the
	// notifier first ran (events before it are not told).
	FollowerPosition(ctx context.Context, name string) (cursor string, since time.Time, err error)
	SetFollowerCursor(ctx context.Context, name, cursor string) error
}

// slack is how much earlier than its feed entry an event may be stamped
// (the clock is read before the write that leaves the entry).
const slack = time.Minute

// Options configure a Notifier.
type Options struct {
	// Mailer takes a mail about each notification; nil sends none.
	Mailer models.Mailer
	// Percolator matches profiles and projects against the saved
	// searches; nil: saved searches do not alert.
	Percolator Percolator
	// Weights and SkillKey compute a creator's match score with a project
	// (the matches' own).
	Weights  models.MatchWeights
	SkillKey func(string) string
	// Overlap is the follower's overlap window (10 s).
	Overlap time.Duration
	Now     func() time.Time
	Logger  *slog.Logger
}

// Notifier follows the feed for notifications.
type Notifier struct {
	src      models.FeedSource
	st       Store
	opts     Options
	follower *models.Follower

	// cursor is the saved position (read once, then kept in step), since
	// the time before which nothing is told.
	cursor  string
	since   time.Time
	loaded  bool
	savedAt time.Time
	reg     *registry
}

// saveEvery is how often the position is saved while it moves.
const saveEvery = 5 * time.Second

// New returns a notifier of the feed of src.
func New(src models.FeedSource, st Store, opts Options) *Notifier {
	if opts.Overlap <= 0 {
		opts.Overlap = 10 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SkillKey == nil {
		opts.SkillKey = strings.ToLower
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	n := &Notifier{src: src, st: st, opts: opts}
	n.follower = models.NewFollower(src, (*applier)(n), models.FollowerOptions{Name: Name, Now: opts.Now, Logger: opts.Logger})
	return n
}

// Load reads the notifier's saved position, recording the first start's
// time if this is it: run it before the server takes requests, so that no
// event made in the first moments is taken for one from before the
// notifier existed.
func (n *Notifier) Load(ctx context.Context) error { return n.load(ctx) }

// CatchUp tells the events of the feed since the saved position.
func (n *Notifier) CatchUp(ctx context.Context) (int, error) { return n.follower.CatchUp(ctx) }

// Follow catches up every interval until ctx ends (and resynchronises
// after a gap in the feed).
func (n *Notifier) Follow(ctx context.Context, interval time.Duration) {
	n.follower.Follow(ctx, interval, 0)
}

// event is one thing that happened, to tell some people.
type event struct {
	key        string // what names it for ever
	at         time.Time
	kind       string
	params     map[string]string
	link       string
	recipients []string
	digest     bool // its mail waits for the daily digest
}

// tell makes the notification of e for each recipient and asks for its
// mail. Both steps are idempotent by the notification's id, and the mail
// is asked for even when the notification was there already: a crash
// between the two is mended by the replay.
func (n *Notifier) tell(ctx context.Context, e event) error {
	seen := map[string]bool{}
	for _, uid := range e.recipients {
		if uid == "" || seen[uid] {
			continue
		}
		seen[uid] = true
		note := &models.Notification{ID: e.key + ":" + uid, UserID: uid, Kind: e.kind, Params: e.params, Link: e.link, CreatedAt: e.at}
		if _, err := n.st.Notify(ctx, note); err != nil {
			return err
		}
		// The account is read after the notification is written: one
		// deleted meanwhile (an erasure between the event and its
		// telling) is gone by then, and what was written for it goes.
		// An account deleted after this read was still there when the
		// notification was written, and its deletion sweeps it.
		u, err := n.st.User(ctx, uid)
		switch {
		case models.IsCode(err, models.CodeNotFound):
			if err := n.st.ForgetUser(ctx, uid); err != nil {
				return err
			}
			continue
		case err != nil:
			return err
		}
		if n.opts.Mailer == nil {
			continue
		}
		title, body := models.NoticeText(e.kind, u.Language, e.params)
		if err := n.opts.Mailer.Send(ctx, &models.MailRequest{Key: note.ID, UserID: uid, To: u.Email, Lang: u.Language,
			Kind: e.kind, Title: title, Body: body, Link: e.link, Security: models.SecurityNote(e.kind), Digest: e.digest}); err != nil {
			return err
		}
		// The same for the mail, asked for after the read above.
		if _, err := n.st.User(ctx, uid); models.IsCode(err, models.CodeNotFound) {
			if err := n.st.ForgetUser(ctx, uid); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
	}
	return nil
}

// members returns the members of an organisation (none if it is gone).
func (n *Notifier) members(ctx context.Context, orgID string) ([]string, string, error) {
	if orgID == "" {
		return nil, "", nil
	}
	doc, err := n.src.Doc(ctx, models.CollOrgs, orgID)
	switch {
	case models.IsCode(err, models.CodeNotFound):
		return nil, "", nil
	case err != nil:
		return nil, "", err
	}
	o := doc.(*models.Org)
	return o.MemberIDs, o.Name, nil
}

// base returns a base, or nil if it is gone.
func (n *Notifier) base(ctx context.Context, id string) (*models.Base, error) {
	doc, err := n.src.Doc(ctx, models.CollBases, id)
	switch {
	case models.IsCode(err, models.CodeNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return doc.(*models.Base), nil
}

// applicationEvents are the moves of an application's history since floor.
func (n *Notifier) applicationEvents(ctx context.Context, a *models.Application, floor time.Time) ([]event, error) {
	var out []event
	var orgMembers []string
	var orgName string
	loaded := false
	for i, m := range a.History {
		if m.At.Before(floor) {
			continue
		}
		if !loaded {
			var err error
			if orgMembers, orgName, err = n.members(ctx, a.OrgID); err != nil {
				return nil, err
			}
			loaded = true
		}
		params := map[string]string{"project": a.ProjectTitle, "org": orgName}
		toOrg := event{key: "app:" + a.ID + ":" + strconv.Itoa(i), at: m.At, params: params,
			link: "/org/projects/" + a.ProjectID + "/pipeline", recipients: orgMembers}
		toCreator := event{key: toOrg.key, at: m.At, params: params, link: "/me/applications", recipients: []string{a.TalentID}}
		switch {
		case m.Action == "apply":
			toOrg.kind = models.NoteApplied
			out = append(out, toOrg)
		case m.Action == "invite":
			toCreator.kind = models.NoteInvited
			out = append(out, toCreator)
		case m.Action == "accept_invitation":
			toOrg.kind = models.NoteAccepted
			out = append(out, toOrg)
		case m.Action == "accept_contact":
			toOrg.kind = models.NoteContactShared
			out = append(out, toOrg)
		case m.Action == "move" && m.Side == models.SideCreator && m.To == models.StageWithdrawn:
			toOrg.kind = models.NoteWithdrew
			out = append(out, toOrg)
		case m.Action == "move" && m.Side == models.SideOrg && m.From == models.StageInvited && m.To == models.StageWithdrawn:
			// Not "your application: withdrawn": the creator never applied.
			toCreator.kind = models.NoteInviteWithdrawn
			out = append(out, toCreator)
		case m.Action == "move" && m.Side == models.SideOrg:
			toCreator.kind = models.NoteMoved
			toCreator.params = map[string]string{"project": a.ProjectTitle, "org": orgName, "stage": string(m.To)}
			out = append(out, toCreator)
		}
	}
	return out, nil
}

// auditEvents are the decisions and invitations an audit entry records.
func (n *Notifier) auditEvents(ctx context.Context, e *models.AuditEntry) ([]event, error) {
	ev := event{key: "audit:" + e.ID, at: e.At}
	status, _ := e.After["status"].(string)
	switch e.Action {
	case models.AuditOrgDecide:
		members, name, err := n.members(ctx, e.ResourceID)
		if err != nil {
			return nil, err
		}
		if ev.recipients, err = told(e, func() ([]string, error) { return members, nil }); err != nil {
			return nil, err
		}
		ev.kind, ev.link = models.NoteOrgDecided, "/org"
		ev.params = map[string]string{"org": name, "status": status, "reason": e.Reason}
	case models.AuditBaseDecide:
		b, err := n.base(ctx, e.ResourceID)
		if b == nil {
			return nil, err
		}
		if ev.recipients, err = told(e, func() ([]string, error) {
			var all []string
			for _, id := range b.OperatorOrgIDs {
				members, _, err := n.members(ctx, id)
				if err != nil {
					return nil, err
				}
				all = append(all, members...)
			}
			return all, nil
		}); err != nil {
			return nil, err
		}
		ev.kind, ev.link = models.NoteBaseDecided, "/org"
		ev.params = map[string]string{"base": b.Name, "status": status, "reason": e.Reason}
	case models.AuditBaseOperatorAsk:
		asked, _ := e.After["org_id"].(string)
		b, err := n.base(ctx, e.ResourceID)
		if b == nil {
			return nil, err
		}
		if !slices.Contains(b.PendingOperatorIDs, asked) {
			// Answered or taken off before the notice was made: nothing
			// waits for the organisation any more.
			return nil, nil
		}
		members, _, err := n.members(ctx, asked)
		if err != nil {
			return nil, err
		}
		_, registrar, err := n.members(ctx, b.Resource().Registrar)
		if err != nil {
			return nil, err
		}
		ev.kind, ev.link, ev.recipients = models.NoteOperatorAsked, "/org#requests", members
		ev.params = map[string]string{"base": b.Name, "org": registrar}
	case models.AuditRecruitmentDecide:
		doc, err := n.src.Doc(ctx, models.CollRecruitments, e.ResourceID)
		if models.IsCode(err, models.CodeNotFound) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		r := doc.(*models.Recruitment)
		if ev.recipients, err = told(e, func() ([]string, error) {
			members, _, err := n.members(ctx, r.OrgID)
			return members, err
		}); err != nil {
			return nil, err
		}
		ev.kind, ev.link = models.NoteRecruitmentDecided, "/org/recruitments"
		ev.params = map[string]string{"date": r.Date, "status": status, "reason": e.Reason}
	case models.AuditTeamInvite, models.AuditCallReviewer, models.AuditEntryDecide:
		return n.incubationEvent(ctx, e, ev)
	case models.AuditOrgInvite:
		member, _ := e.After["member_id"].(string)
		_, name, err := n.members(ctx, e.ResourceID)
		if err != nil {
			return nil, err
		}
		ev.kind, ev.link, ev.recipients = models.NoteMemberInvited, "/org", []string{member}
		ev.params = map[string]string{"org": name}
	default:
		return nil, nil
	}
	return []event{ev}, nil
}

// told returns the members a decision recorded (who belonged when it was
// made: one who joins or leaves while the notifier catches up changes
// nothing), or, for an entry recorded before decisions named them (or
// whose organisations could not be read then), the members now, read
// only in that case.
func told(e *models.AuditEntry, now func() ([]string, error)) ([]string, error) {
	if members, ok := models.StringsOf(e.After["members"]); ok {
		return members, nil
	}
	return now()
}

// incubationEvent is the event of an audited step of incubation: an
// invitation into a team, a reviewer added to a call, a decision on an
// entry (to its applicant and the team's members).
func (n *Notifier) incubationEvent(ctx context.Context, e *models.AuditEntry, ev event) ([]event, error) {
	doc := func(coll, id string) (any, error) {
		d, err := n.src.Doc(ctx, coll, id)
		if models.IsCode(err, models.CodeNotFound) {
			return nil, nil
		}
		return d, err
	}
	member, _ := e.After["member_id"].(string)
	switch e.Action {
	case models.AuditTeamInvite:
		d, err := doc(models.CollTeams, e.ResourceID)
		if d == nil || err != nil {
			return nil, err
		}
		t := d.(*models.Team)
		founder, _ := t.Member(t.FounderID)
		ev.kind, ev.link, ev.recipients = models.NoteTeamInvited, "/teams/"+t.ID, []string{member}
		ev.params = map[string]string{"team": t.Name, "name": founder.Name}
	case models.AuditCallReviewer:
		d, err := doc(models.CollCalls, e.ResourceID)
		if d == nil || err != nil {
			return nil, err
		}
		c := d.(*models.Call)
		_, org, err := n.members(ctx, c.OrgID)
		if err != nil {
			return nil, err
		}
		ev.kind, ev.link, ev.recipients = models.NoteReviewerAdded, "/calls/"+c.ID, []string{member}
		ev.params = map[string]string{"call": c.Title, "org": org}
	case models.AuditEntryDecide:
		d, err := doc(models.CollEntries, e.ResourceID)
		if d == nil || err != nil {
			return nil, err
		}
		en := d.(*models.Entry)
		cd, err := doc(models.CollCalls, en.CallID)
		if cd == nil || err != nil {
			return nil, err
		}
		c := cd.(*models.Call)
		_, org, err := n.members(ctx, c.OrgID)
		if err != nil {
			return nil, err
		}
		// The creator who applied alone, or the team's members when it
		// was decided (the decision records them); for a decision
		// recorded before it did, the team's members now.
		ev.recipients = []string{en.ApplicantID}
		if en.TeamID != "" {
			if ev.recipients, err = told(e, func() ([]string, error) {
				td, err := doc(models.CollTeams, en.TeamID)
				if td == nil || err != nil {
					return nil, err
				}
				return td.(*models.Team).MemberIDs(), nil
			}); err != nil {
				return nil, err
			}
		}
		status, _ := e.After["status"].(string)
		ev.kind, ev.link = models.NoteEntryDecided, "/calls/"+c.ID
		ev.params = map[string]string{"call": c.Title, "org": org, "status": status, "reason": e.Reason}
	}
	return []event{ev}, nil
}

// floor is the time before which events were told already: when the
// notifier first ran, or a little before its saved position.
func (n *Notifier) floor() time.Time {
	f := n.since
	if n.cursor != "" {
		if c := models.SeqTime(n.cursor).Add(-n.opts.Overlap - slack); c.After(f) {
			f = c
		}
	}
	return f
}

// events are the events of one document of the feed.
func (n *Notifier) events(ctx context.Context, doc any, floor time.Time) ([]event, error) {
	switch d := doc.(type) {
	case *models.Application:
		return n.applicationEvents(ctx, d, floor)
	case *models.AuditEntry:
		if d.At.Before(floor) {
			return nil, nil
		}
		return n.auditEvents(ctx, d)
	case *models.Talent:
		return n.talentAlerts(ctx, d, floor)
	case *models.Project:
		return n.projectAlerts(ctx, d, floor)
	}
	return nil, nil
}
