package store

import (
	"context"
	"go.mongodb.org/mongo-driver/bson"

	"go.mongodb.org/mongo-driver/bson/primitive"

	"github.com/szdc/talenthub/models"
)

type talentDoc struct {
	ID              primitive.ObjectID `bson:"_id"` // the owner's user id
	Name            string             `bson:"name"`
	Headline        string             `bson:"headline"`
	Bio             string             `bson:"bio"`
	Skills          []string           `bson:"skills"`
	Tools           []string           `bson:"tools"`
	Industries      []string           `bson:"industries"`
	District        string             `bson:"district"`
	Origin          string             `bson:"origin"`
	YearsExperience int                `bson:"years_experience"`
	Level           string             `bson:"level"`
	Available       bool               `bson:"available"`
	Visibility      string             `bson:"visibility"`
	Contact         contactDoc         `bson:"contact"`
	Works           []workDoc          `bson:"works"`
	Languages       []string           `bson:"languages"`
	AvatarID        string             `bson:"avatar_id,omitempty"`
	Meta            `bson:",inline"`
	// Rest keeps the fields this version does not know (written by a newer
	// one during a rolling deploy), so that a replace does not drop them.
	Rest bson.M `bson:",inline"`
}

type contactDoc struct {
	Email string `bson:"email"`
	Phone string `bson:"phone"`
}

type workDoc struct {
	Title       string   `bson:"title"`
	URL         string   `bson:"url"`
	Description string   `bson:"description"`
	Year        int      `bson:"year"`
	Tags        []string `bson:"tags"`
	Images      []string `bson:"images,omitempty"`
}

func toTalent(d *talentDoc) *models.Talent {
	t := &models.Talent{
		ID: d.ID.Hex(), OwnerID: d.ID.Hex(), Name: d.Name, Headline: d.Headline, Bio: d.Bio,
		Skills: nonNil(d.Skills), Tools: nonNil(d.Tools), Industries: nonNil(d.Industries),
		District: d.District, Origin: models.Origin(d.Origin), YearsExperience: d.YearsExperience,
		Level: models.Level(d.Level), Available: d.Available, Visibility: models.Visibility(d.Visibility),
		Contact:   models.Contact{Email: d.Contact.Email, Phone: d.Contact.Phone},
		Works:     make([]models.Work, len(d.Works)),
		Languages: nonNil(d.Languages), AvatarID: d.AvatarID,
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
	for i, w := range d.Works {
		t.Works[i] = models.Work{Title: w.Title, URL: w.URL, Description: w.Description, Year: w.Year, Tags: nonNil(w.Tags), Images: nonNil(w.Images)}
	}
	return t
}

// setModel implements modelDoc: every field from t but _id and Meta.
func (d *talentDoc) setModel(t *models.Talent) error {
	*d = talentDoc{
		Rest: d.Rest,
		ID:   d.ID, Name: t.Name, Headline: t.Headline, Bio: t.Bio,
		Skills: nonNil(t.Skills), Tools: nonNil(t.Tools), Industries: nonNil(t.Industries),
		District: t.District, Origin: string(t.Origin), YearsExperience: t.YearsExperience,
		Level: string(t.Level), Available: t.Available, Visibility: string(t.Visibility),
		Contact:   contactDoc{Email: t.Contact.Email, Phone: t.Contact.Phone},
		Works:     make([]workDoc, len(t.Works)),
		Languages: nonNil(t.Languages), AvatarID: t.AvatarID,
		Meta: d.Meta,
	}
	for i, w := range t.Works {
		d.Works[i] = workDoc{Title: w.Title, URL: w.URL, Description: w.Description, Year: w.Year, Tags: nonNil(w.Tags), Images: w.Images}
	}
	return nil
}

func (d *talentDoc) model() *models.Talent { return toTalent(d) }
func (d *talentDoc) anyModel() any         { return toTalent(d) }

// nonNil keeps lists as [] rather than null, in the database and in JSON.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CreateTalent implements models.TalentStore.
func (s *Store) CreateTalent(ctx context.Context, t *models.Talent) error {
	const op = "store.CreateTalent"
	oid, err := objectID(t.ID)
	if err != nil {
		return err
	}
	err = insertModel[talentDoc](ctx, s, op, s.talents, oid, t, func(d *talentDoc) { d.ID = oid })
	if models.IsCode(err, models.CodeConflict) {
		return &models.Error{Code: models.CodeConflict, Message: "you already have a talent profile; update it instead", Op: op}
	}
	return err
}

// Talent implements models.TalentStore.
func (s *Store) Talent(ctx context.Context, id string) (*models.Talent, error) {
	return findHex[models.Talent, talentDoc](ctx, s.talents, "store.Talent", "talent profile", id)
}

// UpdateTalent implements models.TalentStore.
func (s *Store) UpdateTalent(ctx context.Context, id string, ifVersion int64, fn func(*models.Talent) error) (*models.Talent, error) {
	return updateHex[talentDoc](ctx, s, "store.UpdateTalent", "talent profile", s.talents, id, ifVersion, fn)
}

// DeleteTalent implements models.TalentStore.
func (s *Store) DeleteTalent(ctx context.Context, id string, ifVersion int64) error {
	return removeHex(ctx, s, "store.DeleteTalent", "talent profile", s.talents, id, ifVersion)
}

// notFoundAs names the missing thing in a not-found error.
func notFoundAs(err error, what string) error {
	if models.IsCode(err, models.CodeNotFound) {
		return &models.Error{Code: models.CodeNotFound, Message: what + " not found", Err: err}
	}
	return err
}
