package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/szdc/talenthub/models"
)

// Publications implements models.PublicationService: the bureau freezes the
// figures of a year or a quarter once it is over; anyone reads them; nothing
// changes them. The live figures of the period are compared with them, for
// those who may read the live figures, as Revised.
type Publications struct {
	Deps
	stats *Stats
}

var _ models.PublicationService = (*Publications)(nil)

// NewPublications returns the publication service over the statistics.
func NewPublications(d Deps, stats *Stats) *Publications {
	d.defaults()
	return &Publications{Deps: d, stats: stats}
}

// figuresOf are the figures of a period as they are now.
func (s *Publications) figuresOf(ctx context.Context, period string) (*models.PublishedFigures, error) {
	year, quarter, from, to, err := models.ParsePeriod(period)
	if err != nil {
		return nil, err
	}
	targets, err := s.stats.Progress(ctx, year)
	if err != nil {
		return nil, err
	}
	tax, err := s.taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	p := &models.PublishedFigures{Period: models.PeriodName(year, quarter), Year: year, Quarter: quarter, AsOf: s.now(),
		Targets: targets, Recruitment: s.stats.figures.Slice(year, from, to, "", models.SliceFilter{}),
		Labels: models.Taxonomy{Districts: tax.Districts, Industries: tax.Industries, Origins: tax.Origins, Levels: tax.Levels, BaseKinds: tax.BaseKinds}}
	for _, by := range []string{models.ByKind, models.ByDistrict} {
		b, err := s.stats.figures.Bases(by)
		if err != nil {
			return nil, err
		}
		p.Bases = append(p.Bases, b)
	}
	// The figures' own times would make two publications of the same
	// numbers differ; the publication's time is the one that matters.
	for i := range p.Recruitment {
		p.Recruitment[i].AsOf = p.AsOf
	}
	for i := range p.Bases {
		p.Bases[i].AsOf = p.AsOf
	}
	return p, nil
}

// Canonical is the bytes a publication's digest is of: the JSON of the
// figures as encoding/json.Marshal writes it (struct fields in order, map
// keys sorted, no spaces, <, > and & escaped). Those bytes go through any
// later encoding of the API's answers unchanged (compact, escaped already),
// so the figures a reader gets hash to the digest.
func Canonical(p *models.PublishedFigures) ([]byte, error) { return json.Marshal(p) }

// Publish implements models.PublicationService.
func (s *Publications) Publish(ctx context.Context, actor *models.User, in models.PublicationInput) (*models.Publication, error) {
	if err := models.Permit(actor, models.ActPublish); err != nil {
		return nil, err
	}
	if err := s.validate(ctx, in); err != nil {
		return nil, err
	}
	year, quarter, _, to, err := models.ParsePeriod(in.Period)
	if err != nil {
		return nil, err
	}
	if end := models.PeriodEnd(year, to); s.now().Before(end) {
		return nil, models.Errorf(models.CodeConflict, "%s is not over yet: it can be published from %s", models.PeriodName(year, quarter), end.Format("2006-01-02"))
	}
	figs, err := s.figuresOf(ctx, in.Period)
	if err != nil {
		return nil, err
	}
	raw, err := Canonical(figs)
	if err != nil {
		return nil, models.Internal("service.Publish", err)
	}
	sum := sha256.Sum256(raw)
	p := &models.Publication{Period: figs.Period, AsOf: figs.AsOf, SHA256: hex.EncodeToString(sum[:]), Figures: raw}
	if err := s.Store.CreatePublication(ctx, p); err != nil {
		return nil, err
	}
	s.audit(ctx, actor, models.AuditPublish, models.KindStats, p.ID, nil,
		map[string]any{"period": p.Period, "sha256": p.SHA256, "total": figs.Total()}, "")
	return s.revised(actor, p)
}

// revised sets how far the live figures are from the published ones, for
// those who may read the live figures: the period's people counted now,
// less those it counted then.
func (s *Publications) revised(actor *models.User, p *models.Publication) (*models.Publication, error) {
	if s.stats.canRead(actor) != nil {
		return p, nil
	}
	var then models.PublishedFigures
	if err := json.Unmarshal(p.Figures, &then); err != nil {
		return nil, models.Internal("service.Publications", err)
	}
	year, _, from, to, err := models.ParsePeriod(p.Period)
	if err != nil {
		return nil, models.Internal("service.Publications", err)
	}
	d := s.stats.figures.Slice(year, from, to, "", models.SliceFilter{})[0].Total - then.Total()
	p.Revised = &d
	return p, nil
}

// List implements models.PublicationService.
func (s *Publications) List(ctx context.Context, actor *models.User, year int, page models.Page) (*models.List[*models.Publication], error) {
	all, err := s.Store.Publications(ctx)
	if err != nil {
		return nil, err
	}
	var items []*models.Publication
	for _, p := range all {
		if y, _, _, _, err := models.ParsePeriod(p.Period); err == nil && (year == 0 || y == year) {
			items = append(items, p)
		}
	}
	total := len(items)
	from := min((page.Page-1)*page.PerPage, total)
	items = items[from:min(from+page.PerPage, total)]
	for i, p := range items {
		if items[i], err = s.revised(actor, p); err != nil {
			return nil, err
		}
	}
	if items == nil {
		items = []*models.Publication{}
	}
	return &models.List[*models.Publication]{Items: items, Total: total, Page: page.Page, PerPage: page.PerPage}, nil
}

// Get implements models.PublicationService.
func (s *Publications) Get(ctx context.Context, actor *models.User, id string) (*models.Publication, error) {
	p, err := s.Store.Publication(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.revised(actor, p)
}
