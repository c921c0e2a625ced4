package service

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/szdc/talenthub/models"
)

// VocabularyIndex is what the review of mined synonyms needs of the search
// index: the mining, and the accepted pairs applied to queries.
type VocabularyIndex interface {
	MineSynonyms(ctx context.Context, decided func(a, b string) bool) ([]models.SynonymSuggestion, int, error)
	UseSynonymPairs(pairs []models.SynonymPair) error
}

// Vocabulary is the admins' review of the synonyms mined from bilingual
// profiles (models.Vocabulary). Mining reads up to 100,000 profiles, so its
// suggestions are kept for mineFor; a decision takes its pair out of them
// at once, and an accepted pair applies to the next search, without
// rebuilding the index.
type Vocabulary struct {
	store models.SynonymStore
	index VocabularyIndex
	now   func() time.Time
	log   *slog.Logger

	mu      sync.Mutex
	mined   []models.SynonymSuggestion
	read    int
	minedAt time.Time
	loaded  int64 // the version of the pairs the index has
}

var _ models.Vocabulary = (*Vocabulary)(nil)

// mineFor is how long mined suggestions are shown before they are mined
// again.
const mineFor = 10 * time.Minute

// NewVocabulary returns the review over a store and an index.
func NewVocabulary(st models.SynonymStore, index VocabularyIndex, now func() time.Time, logger *slog.Logger) *Vocabulary {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Vocabulary{store: st, index: index, now: now, log: logger, loaded: -1}
}

// Load gives the index the accepted pairs if they changed since it was
// last given them (at start, and then periodically: another process may
// have decided).
func (v *Vocabulary) Load(ctx context.Context) error {
	p, err := v.store.SynonymPairs(ctx)
	if err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.useLocked(p)
}

func (v *Vocabulary) useLocked(p *models.SynonymPairs) error {
	if p.Version == v.loaded {
		return nil
	}
	if err := v.index.UseSynonymPairs(p.Accepted); err != nil {
		return err
	}
	v.loaded = p.Version
	return nil
}

// Follow loads the pairs every interval until ctx ends.
func (v *Vocabulary) Follow(ctx context.Context, interval time.Duration) {
	models.Every(ctx, interval, func() {
		if err := v.Load(ctx); err != nil && ctx.Err() == nil {
			v.log.Warn("vocabulary: load the accepted synonyms", "error", err)
		}
	})
}

// SynonymReview implements models.Vocabulary.
func (v *Vocabulary) SynonymReview(ctx context.Context, u *models.User) (*models.SynonymReview, error) {
	if err := models.Permit(u, models.ActReviewVocabulary); err != nil {
		return nil, err
	}
	p, err := v.store.SynonymPairs(ctx)
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	stale := v.mined == nil || v.now().Sub(v.minedAt) > mineFor
	v.mu.Unlock()
	if stale {
		mined, read, err := v.index.MineSynonyms(ctx, p.Decided)
		if err != nil {
			return nil, err
		}
		v.mu.Lock()
		v.mined, v.read, v.minedAt = mined, read, v.now().UTC()
		v.mu.Unlock()
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	out := &models.SynonymReview{Pairs: p, Profiles: v.read, MinedAt: v.minedAt, Suggestions: []models.SynonymSuggestion{}}
	for _, s := range v.mined {
		if !p.Decided(s.A, s.B) {
			out.Suggestions = append(out.Suggestions, s)
		}
	}
	return out, nil
}

// DecideSynonym implements models.Vocabulary: the pair is accepted or
// rejected (deciding again moves it), and the index has the accepted pairs
// before it returns.
func (v *Vocabulary) DecideSynonym(ctx context.Context, u *models.User, in models.SynonymDecision) (*models.SynonymPairs, error) {
	if err := models.Permit(u, models.ActReviewVocabulary); err != nil {
		return nil, err
	}
	in.A, in.B = strings.TrimSpace(in.A), strings.TrimSpace(in.B)
	if err := models.Validate(in); err != nil {
		return nil, err
	}
	if strings.EqualFold(in.A, in.B) {
		return nil, &models.Error{Code: models.CodeValidation, Message: "a pair needs two different terms",
			Fields: map[string]string{"b": "must differ from a"}, Rules: map[string]models.FieldRule{"b": {Rule: models.RuleRepeated}}}
	}
	for range 3 {
		p, err := v.store.SynonymPairs(ctx)
		if err != nil {
			return nil, err
		}
		drop := func(l []models.SynonymPair) []models.SynonymPair {
			out := []models.SynonymPair{}
			for _, x := range l {
				if !(x.A == in.A && x.B == in.B || x.A == in.B && x.B == in.A) {
					out = append(out, x)
				}
			}
			return out
		}
		next := &models.SynonymPairs{Accepted: drop(p.Accepted), Rejected: drop(p.Rejected)}
		pair := models.SynonymPair{A: in.A, B: in.B, By: u.ID, At: v.now().UTC()}
		if *in.Accept {
			next.Accepted = append(next.Accepted, pair)
		} else {
			next.Rejected = append(next.Rejected, pair)
		}
		saved, err := v.store.SaveSynonymPairs(ctx, next, p.Version)
		if models.IsCode(err, models.CodeConflict) {
			continue // another admin decided meanwhile: on top of theirs
		}
		if err != nil {
			return nil, err
		}
		v.mu.Lock()
		defer v.mu.Unlock()
		if err := v.useLocked(saved); err != nil {
			return nil, err
		}
		v.log.InfoContext(ctx, "vocabulary: synonym pair decided", "a", in.A, "b", in.B, "accepted", *in.Accept, "by", u.ID)
		return saved, nil
	}
	return nil, models.Errorf(models.CodeConflict, "the synonym pairs keep changing; try again")
}
