package service

import (
	"cmp"
	"context"
	"slices"
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
	byID := map[string]models.SearchHit{}
	for _, h := range page.Hits {
		byID[h.ID] = h
	}
	out := &models.SearchResult[models.TalentHit]{Items: []models.TalentHit{}, Total: page.Total, Page: q.Page.Page, PerPage: q.Page.PerPage,
		Facets: page.Facets, TookMS: ms(page.Took)}
	hl := s.Searcher.Highlighter(q.Q)
	for _, t := range ts {
		h := byID[t.ID]
		out.Items = append(out.Items, models.TalentHit{Talent: masked(t), Score: h.Score, Highlights: talentHighlights(hl, t)})
	}
	return out, nil
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
	page, err := s.Searcher.SearchProjects(ctx, q)
	if err != nil {
		return nil, err
	}
	ps, err := fetchHits(ctx, page.Hits, &s.docs.projects, s.Store.Project, projectVersion, func(*models.Project) bool { return true })
	if err != nil {
		return nil, err
	}
	byID := map[string]models.SearchHit{}
	for _, h := range page.Hits {
		byID[h.ID] = h
	}
	out := &models.SearchResult[models.ProjectHit]{Items: []models.ProjectHit{}, Total: page.Total, Page: q.Page.Page, PerPage: q.Page.PerPage,
		Facets: page.Facets, TookMS: ms(page.Took)}
	hl := s.Searcher.Highlighter(q.Q)
	for _, p := range ps {
		h := byID[p.ID]
		out.Items = append(out.Items, models.ProjectHit{Project: p, Score: h.Score,
			Highlights: hl(map[string]string{"title": p.Title, "description": p.Description, "skills": strings.Join(p.Skills, "、")})})
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
	p, err := s.Store.Project(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActUpdate, p.Resource()); err != nil {
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

// Matches implements models.TalentService: open projects for the owner.
func (s *Talents) Matches(ctx context.Context, actor *models.User, id string, page models.Page) (*models.List[models.ProjectMatch], error) {
	t, err := s.Store.Talent(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := models.Authorize(actor, models.ActExport, t.Resource()); err != nil {
		return nil, err
	}
	today := models.Today(s.Now())
	hits, err := s.Searcher.ProjectCandidates(ctx, t, candidates)
	if err != nil {
		return nil, err
	}
	rel := relative(hits)
	ps, err := fetchHits(ctx, hits, &s.docs.projects, s.Store.Project, projectVersion, func(p *models.Project) bool { return p.Open(today) })
	if err != nil {
		return nil, err
	}
	matches := make([]models.ProjectMatch, 0, len(ps))
	for _, p := range ps {
		score, reasons, matched, missing := models.Score(models.MatchInput{Project: p, Talent: t, Text: rel[p.ID], SkillKey: s.Searcher.SkillKey}, s.Weights)
		matches = append(matches, models.ProjectMatch{Project: p, Score: score, Reasons: reasons, MatchedSkills: matched, MissingSkills: missing})
	}
	slices.SortStableFunc(matches, func(a, b models.ProjectMatch) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Project.ID, b.Project.ID))
	})
	return pageOf(matches, page), nil
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
