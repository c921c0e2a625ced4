package notify

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/szdc/talenthub/models"
)

// Percolator tells which stored searches one document matches (the search
// index's, which evaluates each search's own query on the document).
type Percolator interface {
	Match(ctx context.Context, doc any, kind string, searches []string) ([]bool, error)
}

// savedOf is a saved search with its owner.
type savedOf struct {
	owner string
	s     *models.SavedSearch
}

// registry is every saved search that alerts, as of a stamp of the saved
// searches: read again when the stamp moves, so that a search saved
// (through any process) before a profile changes alerts on that change.
type registry struct {
	stamp   string
	talents []savedOf
	project []savedOf
}

// savedSearches returns the registry, reading it again when the saved
// searches changed since (one _id lookup when they did not).
func (n *Notifier) savedSearches(ctx context.Context) (*registry, error) {
	stamp, err := n.st.SavedSearchesStamp(ctx)
	if err != nil {
		return nil, err
	}
	if n.reg != nil && n.reg.stamp == stamp {
		return n.reg, nil
	}
	r := &registry{stamp: stamp}
	err = n.st.EverySavedSearch(ctx, func(owner string, s *models.SavedSearch) error {
		if s.Kind == models.SavedTalents {
			r.talents = append(r.talents, savedOf{owner, s})
		} else {
			r.project = append(r.project, savedOf{owner, s})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	n.reg = r
	return r, nil
}

// viewer is a saved search's owner as authorization sees them (with
// whether their organisation is verified), nil when the account is gone or
// disabled.
func (n *Notifier) viewer(ctx context.Context, id string, cache map[string]*models.User) (*models.User, error) {
	if u, ok := cache[id]; ok {
		return u, nil
	}
	u, err := n.st.User(ctx, id)
	switch {
	case models.IsCode(err, models.CodeNotFound):
		cache[id] = nil
		return nil, nil
	case err != nil:
		return nil, err
	}
	if u.Disabled {
		u = nil
	} else if u.Role == models.RoleOrg && u.OrgID != "" {
		doc, err := n.src.Doc(ctx, models.CollOrgs, u.OrgID)
		if err != nil && !models.IsCode(err, models.CodeNotFound) {
			return nil, err
		}
		if o, ok := doc.(*models.Org); ok {
			u.OrgVerified = o.Status == models.StatusVerified
		}
	}
	cache[id] = u
	return u, nil
}

// matched are the saved searches of list, saved before the document was
// changed, that it matches.
func (n *Notifier) matched(ctx context.Context, doc any, kind string, list []savedOf, changed time.Time) ([]savedOf, error) {
	var cands []savedOf
	var queries []string
	for _, x := range list {
		if !changed.Before(x.s.CreatedAt) {
			cands = append(cands, x)
			queries = append(queries, x.s.Query)
		}
	}
	if len(cands) == 0 {
		return nil, nil
	}
	hits, err := n.opts.Percolator.Match(ctx, doc, kind, queries)
	if err != nil {
		return nil, err
	}
	var out []savedOf
	for i, x := range cands {
		if hits[i] {
			out = append(out, x)
		}
	}
	return out, nil
}

// talentAlerts are the saved talent searches a profile newly matches: it
// was created or changed after the search was saved, its owner may see
// it, and its words and filters match. One event per search and profile,
// however often the profile changes.
func (n *Notifier) talentAlerts(ctx context.Context, t *models.Talent, floor time.Time) ([]event, error) {
	if n.opts.Percolator == nil || t.Visibility == models.VisibilityPrivate || t.UpdatedAt.Before(floor) {
		return nil, nil
	}
	reg, err := n.savedSearches(ctx)
	if err != nil || len(reg.talents) == 0 {
		return nil, err
	}
	// Percolation first (a fraction of a millisecond for a thousand
	// searches), then the owners of the searches it matched: whether they
	// may see the profile is one lookup each, for the few that match.
	matched, err := n.matched(ctx, t, models.SavedTalents, reg.talents, t.UpdatedAt)
	if err != nil {
		return nil, err
	}
	users := map[string]*models.User{}
	var out []event
	for _, x := range matched {
		u, err := n.viewer(ctx, x.owner, users)
		if err != nil {
			return nil, err
		}
		// What the owner's search would show them (never a private profile).
		if u == nil || !u.Is(models.RoleOrg, models.RoleBureau, models.RoleAdmin) || !slices.Contains(models.VisibilitiesFor(u), t.Visibility) {
			continue
		}
		out = append(out, event{key: "saved:" + x.s.ID + ":" + t.ID, at: t.UpdatedAt, kind: models.NoteSavedSearch,
			params: map[string]string{"name": x.s.Name, "count": "1"}, link: "/talents/" + t.ID,
			recipients: []string{x.owner}, digest: x.s.Alert == models.AlertDaily})
	}
	return out, nil
}

// projectAlerts are the creators' saved project searches an open project
// matches, whose match score with the creator's profile reaches the
// search's threshold. The score leaves out the text's relevance (which is
// relative to other candidates): it is never more than the matches page
// shows for the same pair.
func (n *Notifier) projectAlerts(ctx context.Context, p *models.Project, floor time.Time) ([]event, error) {
	if n.opts.Percolator == nil || !p.Open(models.Today(n.opts.Now())) || p.UpdatedAt.Before(floor) {
		return nil, nil
	}
	reg, err := n.savedSearches(ctx)
	if err != nil || len(reg.project) == 0 {
		return nil, err
	}
	matched, err := n.matched(ctx, p, models.SavedProjects, reg.project, p.UpdatedAt)
	if err != nil {
		return nil, err
	}
	var out []event
	for _, x := range matched {
		doc, err := n.src.Doc(ctx, models.CollTalents, x.owner)
		if models.IsCode(err, models.CodeNotFound) {
			continue // no profile: no score
		} else if err != nil {
			return nil, err
		}
		t := doc.(*models.Talent)
		score, _, _, _ := models.Score(models.MatchInput{Project: p, Talent: t, SkillKey: n.opts.SkillKey}, n.opts.Weights)
		pct := int(score*100 + 0.5)
		if pct < x.s.MinScore {
			continue
		}
		out = append(out, event{key: "saved:" + x.s.ID + ":" + p.ID, at: p.UpdatedAt, kind: models.NoteSavedSearch,
			params: map[string]string{"name": x.s.Name, "count": "1", "project": p.Title, "score": strconv.Itoa(pct)},
			link:   "/projects/" + p.ID, recipients: []string{x.owner}, digest: x.s.Alert == models.AlertDaily})
	}
	return out, nil
}
