package models

import (
	"context"
	"time"
)

// SynonymPair is two ways of saying one thing ("网文" and "网络文学", "音效设计师"
// and "sound designer"), found in bilingual profiles and decided by an
// admin: an accepted pair widens searches at once, without rebuilding the
// index; a rejected one is not suggested again.
type SynonymPair struct {
	A  string    `json:"a"`
	B  string    `json:"b"`
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// SynonymPairs are the decided pairs.
type SynonymPairs struct {
	Accepted []SynonymPair `json:"accepted"`
	Rejected []SynonymPair `json:"rejected"`
	Version  int64         `json:"version"`
}

// Decided reports whether a pair, in either order, was accepted or
// rejected.
func (p *SynonymPairs) Decided(a, b string) bool {
	for _, l := range [][]SynonymPair{p.Accepted, p.Rejected} {
		for _, x := range l {
			if x.A == a && x.B == b || x.A == b && x.B == a {
				return true
			}
		}
	}
	return false
}

// SynonymSuggestion is a candidate pair: how many profiles say both (one
// in Chinese, the other in English, side by side in a headline or a
// skill), and some of those headlines.
type SynonymSuggestion struct {
	A        string   `json:"a"`
	B        string   `json:"b"`
	Support  int      `json:"support"`
	Examples []string `json:"examples"`
}

// SynonymReview is what an admin reviews: the suggestions not yet decided,
// and the decided pairs.
type SynonymReview struct {
	Suggestions []SynonymSuggestion `json:"suggestions"`
	Pairs       *SynonymPairs       `json:"pairs"`
	// Profiles is how many profiles the suggestions were mined from.
	Profiles int       `json:"profiles"`
	MinedAt  time.Time `json:"mined_at"`
}

// SynonymDecision is an admin's decision on a pair.
type SynonymDecision struct {
	A      string `json:"a" validate:"required,max=80,singleline"`
	B      string `json:"b" validate:"required,max=80,singleline"`
	Accept *bool  `json:"accept" validate:"required"`
}

// Vocabulary is the admins' review of the synonyms mined from profiles.
type Vocabulary interface {
	SynonymReview(ctx context.Context, u *User) (*SynonymReview, error)
	DecideSynonym(ctx context.Context, u *User, in SynonymDecision) (*SynonymPairs, error)
}

// SynonymStore keeps the decided pairs.
type SynonymStore interface {
	// SynonymPairs returns the decided pairs (none, version 0, before the
	// first decision).
	SynonymPairs(ctx context.Context) (*SynonymPairs, error)
	// SaveSynonymPairs replaces them if their version is ifVersion
	// (CodeConflict otherwise); version 0 creates them.
	SaveSynonymPairs(ctx context.Context, p *SynonymPairs, ifVersion int64) (*SynonymPairs, error)
}
