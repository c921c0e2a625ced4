package service

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/szdc/talenthub/models"
)

// candidates is how many profiles or projects the index proposes before
// they are scored: enough for a few pages of matches.
const candidates = 100

// masked is the form of a profile in a list: contact masked, whoever asks
// (the owner sees it whole on the profile itself).
func masked(t *models.Talent) *models.Talent {
	c := *t
	c.Contact, c.ContactMasked = models.MaskContact(t.Contact), true
	return &c
}

// Search implements models.TalentService.
func (s *Talents) Search(ctx context.Context, actor *models.User, q models.TalentSearch) (*models.SearchResult[models.TalentHit], error) {
	if err := models.Permit(actor, models.ActSearchTalents); err != nil {
		return nil, err
	}
	// What the actor may see (models.CanViewTalent): never private ones,
	// those for organisations only when SeesOrgsProfiles.
	q.Visibility = models.VisibilitiesFor(actor)
	page, err := s.Searcher.SearchTalents(ctx, q)
	if err != nil {
		return nil, err
	}
	ts, err := fetchHits(ctx, page.Hits, &s.docs.talents, s.Store.Talent, talentVersion, func(t *models.Talent) bool { return models.CanViewTalent(actor, t) })
	if err != nil {
		return nil, err
	}
	hl := s.Searcher.Highlighter(q.Q)
	return resultOf(page, q.Page, ts, func(t *models.Talent) string { return t.ID }, func(t *models.Talent, h models.SearchHit) models.TalentHit {
		return models.TalentHit{Talent: masked(t), Score: h.Score, Highlights: talentHighlights(hl, t)}
	}), nil
}

// resultOf answers a search with the index's page and the documents read
// for its hits (in the hits' order, those the reader may not see left out),
// each made an item with its hit.
func resultOf[T, H any](page *models.SearchPage, p models.Page, docs []T, id func(T) string, item func(T, models.SearchHit) H) *models.SearchResult[H] {
	byID := make(map[string]models.SearchHit, len(page.Hits))
	for _, h := range page.Hits {
		byID[h.ID] = h
	}
	out := &models.SearchResult[H]{Items: make([]H, 0, len(docs)), Total: page.Total, Page: p.Page, PerPage: p.PerPage,
		Facets: page.Facets, TookMS: ms(page.Took), Partial: page.Partial, FacetsPending: page.FacetsPending}
	for _, d := range docs {
		out.Items = append(out.Items, item(d, byID[id(d)]))
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// talentHighlights marks where the query matched in a profile's text;
// never in its contact.
func talentHighlights(hl func(map[string]string) map[string][]string, t *models.Talent) map[string][]string {
	var works []string
	for _, w := range t.Works {
		works = append(works, w.Title, w.Description)
	}
	return hl(map[string]string{"name": t.Name, "headline": t.Headline, "bio": t.Bio,
		"skills": strings.Join(t.Skills, "、"), "tools": strings.Join(t.Tools, "、"), "works": strings.Join(works, " ")})
}

// Search implements models.ProjectService.
func (s *Projects) Search(ctx context.Context, actor *models.User, q models.ProjectSearch) (*models.SearchResult[models.ProjectHit], error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	if q.Sort == "match" {
		return s.searchByMatch(ctx, actor, q)
	}
	page, err := s.Searcher.SearchProjects(ctx, q)
	if err != nil {
		return nil, err
	}
	ps, err := fetchHits(ctx, page.Hits, &s.docs.projects, s.Store.Project, projectVersion, func(*models.Project) bool { return true })
	if err != nil {
		return nil, err
	}
	hl := s.Searcher.Highlighter(q.Q)
	orgs := s.orgsOf()
	return resultOf(page, q.Page, ps, func(p *models.Project) string { return p.ID }, func(p *models.Project, h models.SearchHit) models.ProjectHit {
		o := orgs(ctx, p.OrgID)
		return models.ProjectHit{Project: p, Score: h.Score, OrgName: o.Name, OrgLogoID: o.LogoID, Highlights: projectHighlights(hl, p)}
	}), nil
}

func projectHighlights(hl func(map[string]string) map[string][]string, p *models.Project) map[string][]string {
	return hl(map[string]string{"title": p.Title, "description": p.Description, "skills": strings.Join(p.Skills, "、")})
}

// orgsOf looks organisations' names and logos up by id, each once per
// call of the returned function's owner (a page names a few organisations
// many times). An organisation that cannot be read has neither.
func (d *Deps) orgsOf() func(ctx context.Context, id string) orgShown {
	seen := map[string]orgShown{}
	return func(ctx context.Context, id string) orgShown {
		if o, ok := seen[id]; ok {
			return o
		}
		var shown orgShown
		if o, err := d.Store.Org(ctx, id); err == nil {
			shown = orgShown{Name: o.Name, LogoID: o.LogoID}
		}
		seen[id] = shown
		return shown
	}
}

// orgShown is what a project's card shows of its organisation.
type orgShown struct{ Name, LogoID string }

// matchSortLimit is how many projects a search sorted by match may find:
// each is scored, so more are refused with advice to narrow the search.
const matchSortLimit = 1000

// searchByMatch answers a project search sorted by the signed-in creator's
// match score (as on "my matches"), best first, ties by id. Every result is
// scored, so the total is exact and pages are stable.
func (s *Projects) searchByMatch(ctx context.Context, actor *models.User, q models.ProjectSearch) (*models.SearchResult[models.ProjectHit], error) {
	refuse := func(msg string) error {
		return &models.Error{Code: models.CodeBadRequest, Message: msg, Fields: map[string]string{"sort": msg},
			Rules: map[string]models.FieldRule{"sort": {Rule: models.RuleMatchSort}}}
	}
	if models.Permit(actor, models.ActCreateProfile) != nil { // the score is against the creator's own profile
		return nil, refuse("sorting by match is for a creator with a profile")
	}
	t, err := s.Store.Talent(ctx, actor.ID)
	if models.IsCode(err, models.CodeNotFound) {
		return nil, refuse("sorting by match is for a creator with a profile")
	}
	if err != nil {
		return nil, err
	}
	all := q
	all.Sort, all.Page = "", models.Page{Page: 1, PerPage: matchSortLimit}
	page, err := s.Searcher.SearchProjects(ctx, all)
	if err != nil {
		return nil, err
	}
	if page.Total > matchSortLimit {
		msg := fmt.Sprintf("%d projects found; sorting by match takes at most %d: add words or filters", page.Total, matchSortLimit)
		return nil, &models.Error{Code: models.CodeBadRequest, Message: msg, Fields: map[string]string{"sort": msg},
			Rules: map[string]models.FieldRule{"sort": {Rule: models.RuleMatchSortTooMany, Param: strconv.Itoa(matchSortLimit)}}}
	}
	cands, err := s.Searcher.ProjectCandidates(ctx, t, candidates)
	if err != nil {
		return nil, err
	}
	rel := relative(cands)
	ps, err := fetchHits(ctx, page.Hits, &s.docs.projects, s.Store.Project, projectVersion, func(*models.Project) bool { return true })
	if err != nil {
		return nil, err
	}
	scores := map[string]float64{}
	for _, p := range ps {
		scores[p.ID], _, _, _ = models.Score(models.MatchInput{Project: p, Talent: t, Text: rel[p.ID], SkillKey: s.Searcher.SkillKey}, s.Weights)
	}
	slices.SortStableFunc(ps, func(a, b *models.Project) int {
		return cmp.Or(cmp.Compare(scores[b.ID], scores[a.ID]), cmp.Compare(a.ID, b.ID))
	})
	from := min(q.Page.Offset(), len(ps))
	to := min(from+q.Page.PerPage, len(ps))
	out := &models.SearchResult[models.ProjectHit]{Items: []models.ProjectHit{}, Total: page.Total, Page: q.Page.Page, PerPage: q.Page.PerPage,
		Facets: page.Facets, TookMS: ms(page.Took), Partial: page.Partial, FacetsPending: page.FacetsPending}
	hl := s.Searcher.Highlighter(q.Q)
	orgs := s.orgsOf()
	byID := map[string]models.SearchHit{}
	for _, h := range page.Hits {
		byID[h.ID] = h
	}
	for _, p := range ps[from:to] {
		score := scores[p.ID]
		o := orgs(ctx, p.OrgID)
		out.Items = append(out.Items, models.ProjectHit{Project: p, Score: byID[p.ID].Score, MatchScore: &score, OrgName: o.Name, OrgLogoID: o.LogoID,
			Highlights: projectHighlights(hl, p)})
	}
	return out, nil
}

// relative scales search scores to the best one, for the text factor.
func relative(hits []models.SearchHit) map[string]float64 {
	best := 0.0
	for _, h := range hits {
		best = max(best, h.Score)
	}
	out := map[string]float64{}
	for _, h := range hits {
		if best > 0 {
			out[h.ID] = h.Score / best
		}
	}
	return out
}

func pageOf[T any](items []T, page models.Page) *models.List[T] {
	from := min(page.Offset(), len(items))
	to := min(from+page.PerPage, len(items))
	return &models.List[T]{Items: items[from:to], Total: len(items), Page: page.Page, PerPage: page.PerPage}
}

// Matches implements models.ProjectService: talents for a project, for its
// organisation. Only available profiles the actor may see.
func (s *Projects) Matches(ctx context.Context, actor *models.User, id string, page models.Page) (*models.List[models.TalentMatch], error) {
	p, err := authorized(ctx, actor, models.ActUpdate, s.Store.Project, id)
	if err != nil {
		return nil, err
	}
	hits, err := s.Searcher.TalentCandidates(ctx, p, candidates)
	if err != nil {
		return nil, err
	}
	rel := relative(hits)
	ts, err := fetchHits(ctx, hits, &s.docs.talents, s.Store.Talent, talentVersion, func(t *models.Talent) bool {
		return t.Available && models.CanViewTalent(actor, t)
	})
	if err != nil {
		return nil, err
	}
	matches := make([]models.TalentMatch, 0, len(ts))
	for _, t := range ts {
		score, reasons, matched, missing := models.Score(models.MatchInput{Project: p, Talent: t, Text: rel[t.ID], SkillKey: s.Searcher.SkillKey}, s.Weights)
		matches = append(matches, models.TalentMatch{Talent: masked(t), Score: score, Reasons: reasons, MatchedSkills: matched, MissingSkills: missing})
	}
	slices.SortStableFunc(matches, func(a, b models.TalentMatch) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Talent.ID, b.Talent.ID))
	})
	return pageOf(matches, page), nil
}

// Matches implements models.TalentService: open projects for the owner,
// leaving out those applied or invited to, and those the filter does not
// keep.
func (s *Talents) Matches(ctx context.Context, actor *models.User, id string, f models.ProjectMatchFilter) (*models.List[models.ProjectMatch], error) {
	t, err := authorized(ctx, actor, models.ActExport, s.Store.Talent, id)
	if err != nil {
		return nil, err
	}
	today := models.Today(s.Now())
	hits, err := s.Searcher.ProjectCandidates(ctx, t, candidates)
	if err != nil {
		return nil, err
	}
	rel := relative(hits)
	taken, err := s.projectsTaken(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	ps, err := fetchHits(ctx, hits, &s.docs.projects, s.Store.Project, projectVersion, func(p *models.Project) bool { return p.Open(today) && !taken[p.ID] })
	if err != nil {
		return nil, err
	}
	matches := make([]models.ProjectMatch, 0, len(ps))
	orgs := s.orgsOf()
	for _, p := range ps {
		score, reasons, matched, missing := models.Score(models.MatchInput{Project: p, Talent: t, Text: rel[p.ID], SkillKey: s.Searcher.SkillKey}, s.Weights)
		m := models.ProjectMatch{Project: p, Score: score, Reasons: reasons, MatchedSkills: matched, MissingSkills: missing}
		if f.Keeps(m) {
			o := orgs(ctx, p.OrgID)
			m.OrgName, m.OrgLogoID = o.Name, o.LogoID
			matches = append(matches, m)
		}
	}
	slices.SortStableFunc(matches, func(a, b models.ProjectMatch) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Project.ID, b.Project.ID))
	})
	return pageOf(matches, f.Page), nil
}

// projectsTaken are the projects the talent applied or was invited to, at
// any stage (withdrawn and rejected too: applying again is refused).
func (s *Talents) projectsTaken(ctx context.Context, talentID string) (map[string]bool, error) {
	out := map[string]bool{}
	for n := 1; ; n++ {
		list, err := listPage(ctx, s.Lister, models.ListQuery{Coll: models.CollApplications, Page: models.Page{Page: n, PerPage: models.MaxPerPage},
			Sort: []string{"_id"}, All: []models.AnyOf{models.Terms("talent_id", talentID)}}, s.Store.Application, func(*models.Application) bool { return true })
		if err != nil {
			return nil, err
		}
		for _, a := range list.Items {
			out[a.ProjectID] = true
		}
		if n*models.MaxPerPage >= list.Total || len(list.Items) == 0 {
			return out, nil
		}
	}
}

// Similar implements models.TalentService.
func (s *Talents) Similar(ctx context.Context, actor *models.User, id string, page models.Page) (*models.List[models.TalentHit], error) {
	t, err := s.readable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := models.Permit(actor, models.ActSearchTalents); err != nil {
		return nil, models.Errorf(models.ErrorCode(err), "similar profiles are for organisations, the bureau and admins")
	}
	hits, err := s.Searcher.SimilarTalents(ctx, t, candidates)
	if err != nil {
		return nil, err
	}
	if !models.SeesOrgsProfiles(actor) {
		// The index proposes profiles for organisations too: the actor's
		// total and pages count only those it may see.
		visible, err := fetchHits(ctx, hits, &s.docs.talents, s.Store.Talent, talentVersion, func(t *models.Talent) bool { return models.CanViewTalent(actor, t) })
		if err != nil {
			return nil, err
		}
		keep := map[string]bool{}
		for _, v := range visible {
			keep[v.ID] = true
		}
		hits = slices.DeleteFunc(hits, func(h models.SearchHit) bool { return !keep[h.ID] })
	}
	scores := map[string]float64{}
	for _, h := range hits {
		scores[h.ID] = h.Score
	}
	from := min(page.Offset(), len(hits))
	to := min(from+page.PerPage, len(hits))
	ts, err := fetchHits(ctx, hits[from:to], &s.docs.talents, s.Store.Talent, talentVersion, func(t *models.Talent) bool { return models.CanViewTalent(actor, t) })
	if err != nil {
		return nil, err
	}
	items := make([]models.TalentHit, 0, len(ts))
	for _, t := range ts {
		items = append(items, models.TalentHit{Talent: masked(t), Score: scores[t.ID], Highlights: map[string][]string{}})
	}
	return &models.List[models.TalentHit]{Items: items, Total: len(hits), Page: page.Page, PerPage: page.PerPage}, nil
}
