package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// Visibility says who may see a talent profile.
type Visibility string

// Visibilities: public to anyone, orgs to members of verified
// organisations, the bureau and admins only (SeesOrgsProfiles), private to
// the creator alone (and admins, who moderate).
const (
	VisibilityPublic  Visibility = "public"
	VisibilityOrgs    Visibility = "orgs"
	VisibilityPrivate Visibility = "private"
)

// Origin is where a talent comes from, for the import statistics.
type Origin string

// Origins: overseas includes Hong Kong, Macao and Taiwan.
const (
	OriginOverseas Origin = "overseas"
	OriginDomestic Origin = "domestic"
)

// Level is Shenzhen's high-level talent class; only A, B and C count as
// high-end toward the import target. Empty means unclassified.
type Level string

// The high-end levels.
const (
	LevelA Level = "A"
	LevelB Level = "B"
	LevelC Level = "C"
)

// Contact is the personal data of a profile: never indexed, never logged,
// masked for viewers the creator has not accepted.
type Contact struct {
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// Work is one portfolio item.
type Work struct {
	Title       string   `json:"title"`
	URL         string   `json:"url"`
	Description string   `json:"description"`
	Year        int      `json:"year"`
	Tags        []string `json:"tags"`
	// Images are ids of media (models.Medium), the first the cover.
	Images []string `json:"images"`
}

// Talent is a creator's profile. Its ID is the owner's user ID: one profile
// per creator, looked up by _id.
type Talent struct {
	ID              string     `json:"id"`
	OwnerID         string     `json:"owner_id"`
	Name            string     `json:"name"`
	Headline        string     `json:"headline"`
	Bio             string     `json:"bio"`
	Skills          []string   `json:"skills"`
	Tools           []string   `json:"tools"`
	Industries      []string   `json:"industries"`
	District        string     `json:"district"`
	Origin          Origin     `json:"origin"`
	YearsExperience int        `json:"years_experience"`
	Level           Level      `json:"level"`
	Available       bool       `json:"available"`
	Visibility      Visibility `json:"visibility"`
	Contact         Contact    `json:"contact"`
	// AvatarID is the id of the profile's photo (a models.Medium), or "".
	AvatarID string `json:"avatar_id"`
	// ContactMasked tells the client that Contact holds masked values.
	ContactMasked bool      `json:"contact_masked"`
	Works         []Work    `json:"works"`
	Languages     []string  `json:"languages"`
	Version       int64     `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// ContactInput is the contact part of a profile as a client sends it.
type ContactInput struct {
	Email string `json:"email" validate:"omitempty,max=254,singleline,email"`
	Phone string `json:"phone" validate:"omitempty,phone"`
}

// WorkInput is a portfolio item as a client sends it.
type WorkInput struct {
	Title       string   `json:"title" validate:"required,singleline,max=200"`
	URL         string   `json:"url" validate:"omitempty,httpurl"`
	Description string   `json:"description" validate:"multiline,max=2000"`
	Year        int      `json:"year" validate:"omitempty,gte=1950,lte=2100"`
	Tags        []string `json:"tags" validate:"max=20,dive,required,singleline,max=40"`
	Images      []string `json:"images" validate:"max=12,unique,dive,len=24,hexadecimal"`
}

// TalentInput is the body of POST /talents. Server-owned fields (id,
// owner_id, version, times) are absent, so a client cannot set them.
type TalentInput struct {
	Name            string       `json:"name" validate:"required,singleline,max=100"`
	Headline        string       `json:"headline" validate:"singleline,max=200"`
	Bio             string       `json:"bio" validate:"multiline,max=5000"`
	Skills          []string     `json:"skills" validate:"max=50,unique,dive,required,singleline,max=50"`
	Tools           []string     `json:"tools" validate:"max=50,unique,dive,required,singleline,max=50"`
	Industries      []string     `json:"industries" validate:"max=14,unique,dive,industry"`
	District        string       `json:"district" validate:"omitempty,district"`
	Origin          Origin       `json:"origin" validate:"omitempty,oneof=overseas domestic"`
	YearsExperience int          `json:"years_experience" validate:"gte=0,lte=70"`
	Level           Level        `json:"level" validate:"omitempty,oneof=A B C"`
	Available       *bool        `json:"available"`
	Visibility      Visibility   `json:"visibility" validate:"omitempty,oneof=public orgs private"`
	Contact         ContactInput `json:"contact"`
	Works           []WorkInput  `json:"works" validate:"max=50,dive"`
	Languages       []string     `json:"languages" validate:"max=10,unique,dive,langtag"`
	AvatarID        string       `json:"avatar_id" validate:"omitempty,len=24,hexadecimal"`
}

// TalentUpdate is the body of PATCH /talents/{id}: a nil field is left as
// it is; a list or object that is present replaces the stored one whole.
type TalentUpdate struct {
	Name            *string       `json:"name"`
	Headline        *string       `json:"headline"`
	Bio             *string       `json:"bio"`
	Skills          *[]string     `json:"skills"`
	Tools           *[]string     `json:"tools"`
	Industries      *[]string     `json:"industries"`
	District        *string       `json:"district"`
	Origin          *Origin       `json:"origin"`
	YearsExperience *int          `json:"years_experience"`
	Level           *Level        `json:"level"`
	Available       *bool         `json:"available"`
	Visibility      *Visibility   `json:"visibility"`
	Contact         *ContactInput `json:"contact"`
	Works           *[]WorkInput  `json:"works"`
	Languages       *[]string     `json:"languages"`
	AvatarID        *string       `json:"avatar_id"`
}

// Normalize trims text and drops empty list entries, so that what is stored
// is what validation saw.
func (in *TalentInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Headline = strings.TrimSpace(in.Headline)
	in.Bio = strings.TrimSpace(in.Bio)
	in.Skills = cleanList(in.Skills)
	in.Tools = cleanList(in.Tools)
	in.Industries = cleanList(in.Industries)
	in.District = strings.TrimSpace(in.District)
	in.Languages = cleanList(in.Languages)
	in.AvatarID = strings.TrimSpace(in.AvatarID)
	in.Contact.Email = NormalizeEmail(in.Contact.Email)
	in.Contact.Phone = strings.Join(strings.FieldsFunc(in.Contact.Phone, func(r rune) bool { return r == ' ' || r == '-' }), "")
	for i := range in.Works {
		w := &in.Works[i]
		w.Title = strings.TrimSpace(w.Title)
		w.URL = strings.TrimSpace(w.URL)
		w.Description = strings.TrimSpace(w.Description)
		w.Tags = cleanList(w.Tags)
		w.Images = cleanList(w.Images)
	}
}

// cleanList trims entries, drops empty ones and case-insensitive duplicates,
// keeping the first spelling and the order.
func cleanList(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, s) }) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// NewTalent builds the profile that a valid, normalised input describes.
func NewTalent(ownerID string, in TalentInput) *Talent {
	t := &Talent{ID: ownerID, OwnerID: ownerID}
	t.apply(in)
	return t
}

func (t *Talent) apply(in TalentInput) {
	t.Name = in.Name
	t.Headline = in.Headline
	t.Bio = in.Bio
	t.Skills = in.Skills
	t.Tools = in.Tools
	t.Industries = in.Industries
	t.District = in.District
	t.Origin = in.Origin
	t.YearsExperience = in.YearsExperience
	t.Level = in.Level
	t.Available = in.Available == nil || *in.Available
	t.Visibility = in.Visibility
	if t.Visibility == "" {
		// Visible to organisations unless the creator says otherwise: the
		// platform exists to be found by them, and not by the whole web.
		t.Visibility = VisibilityOrgs
	}
	t.Contact = Contact(in.Contact)
	t.Works = make([]Work, len(in.Works))
	for i, w := range in.Works {
		t.Works[i] = Work(w)
		if t.Works[i].Images == nil {
			t.Works[i].Images = []string{}
		}
	}
	t.Languages = in.Languages
	t.AvatarID = in.AvatarID
}

// MediaIDs are the media the profile names: its photo and its works'
// images.
func (t *Talent) MediaIDs() []string {
	var ids []string
	if t.AvatarID != "" {
		ids = append(ids, t.AvatarID)
	}
	for _, w := range t.Works {
		ids = append(ids, w.Images...)
	}
	return ids
}

// Input returns the profile as the input that would create it, so that an
// update can be validated exactly like a create.
func (t *Talent) Input() TalentInput {
	avail := t.Available
	in := TalentInput{
		Name: t.Name, Headline: t.Headline, Bio: t.Bio,
		Skills: slices.Clone(t.Skills), Tools: slices.Clone(t.Tools), Industries: slices.Clone(t.Industries),
		District: t.District, Origin: t.Origin, YearsExperience: t.YearsExperience, Level: t.Level,
		Available: &avail, Visibility: t.Visibility, Contact: ContactInput(t.Contact),
		Works: make([]WorkInput, len(t.Works)), Languages: slices.Clone(t.Languages), AvatarID: t.AvatarID,
	}
	for i, w := range t.Works {
		w.Tags, w.Images = slices.Clone(w.Tags), slices.Clone(w.Images)
		in.Works[i] = WorkInput(w)
	}
	return in
}

// Apply returns in with the fields of u that are set.
func (u TalentUpdate) Apply(in TalentInput) TalentInput {
	setIf(&in.Name, u.Name)
	setIf(&in.Headline, u.Headline)
	setIf(&in.Bio, u.Bio)
	setListIf(&in.Skills, u.Skills)
	setListIf(&in.Tools, u.Tools)
	setListIf(&in.Industries, u.Industries)
	setIf(&in.District, u.District)
	setIf(&in.Origin, u.Origin)
	setIf(&in.YearsExperience, u.YearsExperience)
	setIf(&in.Level, u.Level)
	if u.Available != nil {
		in.Available = u.Available
	}
	setIf(&in.Visibility, u.Visibility)
	setIf(&in.Contact, u.Contact)
	setListIf(&in.Works, u.Works)
	setListIf(&in.Languages, u.Languages)
	setIf(&in.AvatarID, u.AvatarID)
	return in
}

// setIf sets *dst to *src when a patch has the field.
func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// setListIf sets *dst to a copy of *src when a patch has the field.
func setListIf[T any](dst *[]T, src *[]T) {
	if src != nil {
		*dst = slices.Clone(*src)
	}
}

// ApplyInput replaces the editable fields of t with those of a valid,
// normalised input.
func (t *Talent) ApplyInput(in TalentInput) { t.apply(in) }

// TalentExport is everything the platform holds about a creator (GET
// /talents/{id}/export).
type TalentExport struct {
	GeneratedAt     time.Time      `json:"generated_at"`
	Account         *User          `json:"account"`
	Profile         *Talent        `json:"profile"`
	Sessions        []*Session     `json:"sessions"`
	Applications    []*Application `json:"applications"`
	ContactConsents []Consent      `json:"contact_consents"`
	ContactReveals  []*AuditEntry  `json:"contact_reveals"`
	Recruitments    []*Recruitment `json:"recruitments"`
	// Media are the images the creator uploaded (their URLs work for the
	// creator).
	Media []*Medium `json:"media"`
	// Threads are the messages of each application, by its id.
	Threads map[string][]*Message `json:"threads"`
	// Identity is the identity document linked to the profile (its type
	// and last four characters: the number is not kept).
	Identity *Identity `json:"identity,omitempty"`
	// Teams are the startup teams the creator is in or invited to, and
	// Entries the entries to calls the creator made.
	Teams   []*Team  `json:"teams"`
	Entries []*Entry `json:"entries"`
}

// TalentService manages talent profiles on behalf of an actor (nil for an
// anonymous visitor).
type TalentService interface {
	// Create stores the actor's profile. Returns CodeForbidden unless the
	// actor is a creator, CodeConflict if they have one, CodeValidation.
	Create(ctx context.Context, actor *User, in TalentInput) (*Talent, error)
	// Get returns a profile as actor may see it (contact masked unless
	// allowed). Returns CodeNotFound also when actor may not see it.
	Get(ctx context.Context, actor *User, id string) (*Talent, error)
	// Update applies u to the owner's profile; ifVersion 0 means any
	// version. Returns CodeNotFound, CodeForbidden, CodeValidation,
	// CodePreconditionFailed.
	Update(ctx context.Context, actor *User, id string, u TalentUpdate, ifVersion int64) (*Talent, error)
	// Delete erases a profile and the creator's personal data everywhere
	// (owner or admin). Returns CodeNotFound, CodeForbidden,
	// CodePreconditionFailed.
	Delete(ctx context.Context, actor *User, id string, ifVersion int64) error
	// DeleteAccount deletes the actor's own account, erasing a creator's
	// data first.
	DeleteAccount(ctx context.Context, actor *User) error
	// Export returns everything held about the creator of profile id, for
	// its owner only.
	Export(ctx context.Context, actor *User, id string) (*TalentExport, error)
	// Search finds profiles (org, bureau, admin), contact masked.
	Search(ctx context.Context, actor *User, q TalentSearch) (*SearchResult[TalentHit], error)
	// Matches ranks open projects for the owner's profile: those not
	// applied or invited to, passing the filter.
	Matches(ctx context.Context, actor *User, id string, f ProjectMatchFilter) (*List[ProjectMatch], error)
	// Similar finds profiles like profile id ("more like this"; org,
	// bureau, admin).
	Similar(ctx context.Context, actor *User, id string, page Page) (*List[TalentHit], error)
	// LinkIdentity links an identity document to the owner's profile, so
	// that the records imported about the same person and the profile's
	// count as one person; the number itself is not kept. Returns
	// CodeValidation for a number that is not of its type, CodeConflict
	// when another profile is linked to the document.
	LinkIdentity(ctx context.Context, actor *User, id string, in IdentityInput) (*Identity, error)
	// Identity returns the document linked to the owner's profile (Linked
	// false when none).
	Identity(ctx context.Context, actor *User, id string) (*Identity, error)
}

// TalentStore persists talent profiles.
type TalentStore interface {
	// CreateTalent stores t (ID set to the owner's ID) and sets its version
	// and times. Returns CodeConflict if the owner has a profile.
	CreateTalent(ctx context.Context, t *Talent) error
	// Talent returns the profile with id, or CodeNotFound.
	Talent(ctx context.Context, id string) (*Talent, error)
	// UpdateTalent applies fn to the stored profile and saves it with the
	// next version, as one write that no concurrent write can interleave.
	// ifVersion 0 accepts any version. Returns CodeNotFound,
	// CodePreconditionFailed, or fn's error (nothing is written then).
	UpdateTalent(ctx context.Context, id string, ifVersion int64, fn func(*Talent) error) (*Talent, error)
	// DeleteTalent removes the profile. Returns CodeNotFound,
	// CodePreconditionFailed.
	DeleteTalent(ctx context.Context, id string, ifVersion int64) error
}

// Erasure is a creator's request to erase their data, kept until every
// step is done so that an interrupted erasure resumes.
type Erasure struct {
	TalentID string    `json:"talent_id"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// Pseudonym is what replaces an erased talent's ID in the recruitment
// records that stay for the statistics: stable, so the person still counts
// at most once a year, and not the ID of anything. It is keyed with a
// secret of the database (SecretPseudonym), so that knowing a talent's id
// does not find their records: HMAC-SHA256 of the id, 128 bits in hex.
func Pseudonym(key []byte, talentID string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(talentID))
	return pseudonymPrefix + hex.EncodeToString(m.Sum(nil)[:16])
}

// SecretPseudonym names the database's secret that keys Pseudonym.
const SecretPseudonym = "pseudonym"

const pseudonymPrefix = "erased-"

// IsPseudonym reports whether id is a Pseudonym (an erased talent's).
func IsPseudonym(id string) bool { return strings.HasPrefix(id, pseudonymPrefix) }

// IsUnkeyedPseudonym reports whether id is a pseudonym of the form made
// before pseudonyms were keyed (an unkeyed hash of the id, 96 bits), which
// anyone who knew the id could compute.
func IsUnkeyedPseudonym(id string) bool {
	return IsPseudonym(id) && len(id) == len(pseudonymPrefix)+24
}
