package models

import (
	"context"
	"strings"
	"time"
)

// CandidateNote is a note an organisation's member keeps about a talent:
// seen by the organisation's members only, never by the talent or
// another organisation, and erased with the talent's data.
type CandidateNote struct {
	AuthorID   string    `json:"author_id"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	At         time.Time `json:"at"`
}

// NoteInput is the body of POST /talents/{id}/notes.
type NoteInput struct {
	Body string `json:"body" validate:"required,multiline,max=2000"`
}

// Normalize trims the text.
func (in *NoteInput) Normalize() { in.Body = strings.TrimSpace(in.Body) }

// Limits of the recruiter's desk.
const (
	MaxCandidateNotes = 100 // per talent and organisation
	MaxFavourites     = 500 // per organisation
)

// DeskService is the recruiter's desk: notes on candidates and the
// organisation's favourites, both the organisation's own.
type DeskService interface {
	Notes(ctx context.Context, actor *User, talentID string) ([]CandidateNote, error)
	AddNote(ctx context.Context, actor *User, talentID string, in NoteInput) (*CandidateNote, error)
	// Favourites lists the organisation's favourite profiles that the
	// actor may see, newest first.
	Favourites(ctx context.Context, actor *User) ([]*Talent, error)
	// SetFavourite adds (on) or removes a talent from the favourites.
	SetFavourite(ctx context.Context, actor *User, talentID string, on bool) error
	// IsFavourite reports whether the organisation keeps the talent.
	IsFavourite(ctx context.Context, actor *User, talentID string) (bool, error)
}

// DeskStore persists the desk: one document per organisation and talent
// for notes, one per organisation for favourites.
type DeskStore interface {
	CandidateNotes(ctx context.Context, orgID, talentID string) ([]CandidateNote, error)
	AddCandidateNote(ctx context.Context, orgID, talentID string, n CandidateNote) error
	FavouriteIDs(ctx context.Context, orgID string) ([]string, error)
	SetFavourite(ctx context.Context, orgID, talentID string, on bool) error
	// DeleteTalentDesk removes every note about a talent and the talent
	// from every organisation's favourites (an erasure).
	DeleteTalentDesk(ctx context.Context, talentID string) error
}
