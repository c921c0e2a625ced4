package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
)

// Incubation's collections: teams, calls, entries and milestones are in the
// change feed (the index lists them, the figures count entries and
// milestones); reviews are read only by their call's pages.
const collReviews = "reviews" // _id: entry_id:reviewer_id

var _ models.IncubationStore = (*Store)(nil)

type teamMemberDoc struct {
	UserID   string    `bson:"user_id"`
	TalentID string    `bson:"talent_id"`
	Name     string    `bson:"name"`
	Status   string    `bson:"status"`
	Founder  bool      `bson:"founder"`
	At       time.Time `bson:"at"`
}

type teamDoc struct {
	ID             primitive.ObjectID `bson:"_id"`
	Name           string             `bson:"name"`
	Stage          string             `bson:"stage"`
	Industry       string             `bson:"industry"`
	District       string             `bson:"district"`
	Pitch          string             `bson:"pitch"`
	Website        string             `bson:"website"`
	RegistrationNo string             `bson:"registration_no"`
	FounderID      string             `bson:"founder_id"`
	Members        []teamMemberDoc    `bson:"members"`
	Meta           `bson:",inline"`
	Rest           bson.M `bson:",inline"`
}

func (d *teamDoc) model() *models.Team {
	t := &models.Team{ID: d.ID.Hex(), Name: d.Name, Stage: models.TeamStage(d.Stage), Industry: d.Industry,
		District: d.District, Pitch: d.Pitch, Website: d.Website, RegistrationNo: d.RegistrationNo, FounderID: d.FounderID,
		Members: make([]models.TeamMember, 0, len(d.Members)), Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	for _, m := range d.Members {
		t.Members = append(t.Members, models.TeamMember(m))
	}
	return t
}

func (d *teamDoc) setModel(t *models.Team) error {
	*d = teamDoc{Rest: d.Rest, ID: d.ID, Meta: d.Meta, Name: t.Name, Stage: string(t.Stage), Industry: t.Industry,
		District: t.District, Pitch: t.Pitch, Website: t.Website, RegistrationNo: t.RegistrationNo, FounderID: t.FounderID,
		Members: make([]teamMemberDoc, 0, len(t.Members))}
	for _, m := range t.Members {
		d.Members = append(d.Members, teamMemberDoc(m))
	}
	return nil
}

func (d *teamDoc) anyModel() any { return d.model() }

type questionDoc struct {
	ID       string   `bson:"id"`
	Kind     string   `bson:"kind"`
	Label    string   `bson:"label"`
	Choices  []string `bson:"choices"`
	Required bool     `bson:"required"`
}

type criterionDoc struct {
	ID     string `bson:"id"`
	Label  string `bson:"label"`
	Weight int    `bson:"weight"`
}

type callDoc struct {
	ID          primitive.ObjectID `bson:"_id"`
	OrgID       string             `bson:"org_id"`
	Title       string             `bson:"title"`
	Description string             `bson:"description"`
	Industries  []string           `bson:"industries"`
	Stages      []string           `bson:"stages"`
	Seats       int                `bson:"seats"`
	Opens       string             `bson:"opens"`
	Closes      string             `bson:"closes"`
	Individuals bool               `bson:"individuals"`
	Questions   []questionDoc      `bson:"questions"`
	Rubric      []criterionDoc     `bson:"rubric"`
	Reviewers   []string           `bson:"reviewers"`
	CreatedBy   string             `bson:"created_by"`
	Meta        `bson:",inline"`
	Rest        bson.M `bson:",inline"`
}

func (d *callDoc) model() *models.Call {
	c := &models.Call{ID: d.ID.Hex(), OrgID: d.OrgID, Title: d.Title, Description: d.Description,
		Industries: nonNil(d.Industries), Stages: make([]models.TeamStage, 0, len(d.Stages)), Seats: d.Seats, Opens: d.Opens,
		Closes: d.Closes, Individuals: d.Individuals, Questions: make([]models.Question, 0, len(d.Questions)),
		Rubric: make([]models.Criterion, 0, len(d.Rubric)), Reviewers: nonNil(d.Reviewers), CreatedBy: d.CreatedBy,
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	for _, s := range d.Stages {
		c.Stages = append(c.Stages, models.TeamStage(s))
	}
	for _, q := range d.Questions {
		c.Questions = append(c.Questions, models.Question{ID: q.ID, Kind: q.Kind, Label: q.Label, Choices: q.Choices, Required: q.Required})
	}
	for _, cr := range d.Rubric {
		c.Rubric = append(c.Rubric, models.Criterion(cr))
	}
	return c
}

func (d *callDoc) setModel(c *models.Call) error {
	*d = callDoc{Rest: d.Rest, ID: d.ID, Meta: d.Meta, OrgID: c.OrgID, Title: c.Title, Description: c.Description,
		Industries: nonNil(c.Industries), Seats: c.Seats, Opens: c.Opens, Closes: c.Closes, Individuals: c.Individuals,
		Reviewers: nonNil(c.Reviewers), CreatedBy: c.CreatedBy, Stages: []string{}, Questions: []questionDoc{}, Rubric: []criterionDoc{}}
	for _, s := range c.Stages {
		d.Stages = append(d.Stages, string(s))
	}
	for _, q := range c.Questions {
		d.Questions = append(d.Questions, questionDoc{ID: q.ID, Kind: q.Kind, Label: q.Label, Choices: q.Choices, Required: q.Required})
	}
	for _, cr := range c.Rubric {
		d.Rubric = append(d.Rubric, criterionDoc(cr))
	}
	return nil
}

func (d *callDoc) anyModel() any { return d.model() }

type entryDoc struct {
	ID          string            `bson:"_id"`
	CallID      string            `bson:"call_id"`
	OrgID       string            `bson:"org_id"`
	TeamID      string            `bson:"team_id"`
	ApplicantID string            `bson:"applicant_id"`
	Name        string            `bson:"name"`
	Answers     map[string]string `bson:"answers"`
	Status      string            `bson:"status"`
	SubmittedAt *time.Time        `bson:"submitted_at,omitempty"`
	Message     string            `bson:"message"`
	DecidedBy   string            `bson:"decided_by,omitempty"`
	DecidedOn   string            `bson:"decided_on,omitempty"`
	District    string            `bson:"district"`
	Industry    string            `bson:"industry"`
	Meta        `bson:",inline"`
	Rest        bson.M `bson:",inline"`
}

func (d *entryDoc) model() *models.Entry {
	e := &models.Entry{ID: d.ID, CallID: d.CallID, OrgID: d.OrgID, TeamID: d.TeamID, ApplicantID: d.ApplicantID,
		Name: d.Name, Answers: d.Answers, Status: d.Status, SubmittedAt: d.SubmittedAt, Message: d.Message,
		DecidedBy: d.DecidedBy, DecidedOn: d.DecidedOn, District: d.District, Industry: d.Industry,
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if e.Answers == nil {
		e.Answers = map[string]string{}
	}
	if e.SubmittedAt != nil {
		t := e.SubmittedAt.UTC()
		e.SubmittedAt = &t
	}
	return e
}

func (d *entryDoc) setModel(e *models.Entry) error {
	*d = entryDoc{Rest: d.Rest, ID: d.ID, Meta: d.Meta, CallID: e.CallID, OrgID: e.OrgID, TeamID: e.TeamID,
		ApplicantID: e.ApplicantID, Name: e.Name, Answers: e.Answers, Status: e.Status, SubmittedAt: e.SubmittedAt,
		Message: e.Message, DecidedBy: e.DecidedBy, DecidedOn: e.DecidedOn, District: e.District, Industry: e.Industry}
	if d.Answers == nil {
		d.Answers = map[string]string{}
	}
	return nil
}

func (d *entryDoc) anyModel() any { return d.model() }

type milestoneDoc struct {
	ID             primitive.ObjectID `bson:"_id"`
	TeamID         string             `bson:"team_id"`
	CallID         string             `bson:"call_id"`
	OrgID          string             `bson:"org_id"`
	Kind           string             `bson:"kind"`
	Date           string             `bson:"date"`
	Amount         int64              `bson:"amount"`
	Band           string             `bson:"band,omitempty"`
	RegistrationNo string             `bson:"registration_no,omitempty"`
	Note           string             `bson:"note"`
	RecordedBy     string             `bson:"recorded_by"`
	Meta           `bson:",inline"`
	Rest           bson.M `bson:",inline"`
}

func (d *milestoneDoc) model() *models.Milestone {
	return &models.Milestone{ID: d.ID.Hex(), TeamID: d.TeamID, CallID: d.CallID, OrgID: d.OrgID, Kind: d.Kind, Date: d.Date,
		Amount: d.Amount, Band: d.Band, RegistrationNo: d.RegistrationNo, Note: d.Note, RecordedBy: d.RecordedBy,
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

func (d *milestoneDoc) setModel(m *models.Milestone) error {
	*d = milestoneDoc{Rest: d.Rest, ID: d.ID, Meta: d.Meta, TeamID: m.TeamID, CallID: m.CallID, OrgID: m.OrgID, Kind: m.Kind,
		Date: m.Date, Amount: m.Amount, Band: m.Band, RegistrationNo: m.RegistrationNo, Note: m.Note, RecordedBy: m.RecordedBy}
	return nil
}

func (d *milestoneDoc) anyModel() any { return d.model() }

type reviewDoc struct {
	ID         string         `bson:"_id"`
	EntryID    string         `bson:"entry_id"`
	CallID     string         `bson:"call_id"`
	ReviewerID string         `bson:"reviewer_id"`
	Scores     map[string]int `bson:"scores"`
	Comment    string         `bson:"comment"`
	Conflict   bool           `bson:"conflict"`
	Submitted  bool           `bson:"submitted"`
	Total      float64        `bson:"total"`
	Meta       `bson:",inline"`
}

func (d *reviewDoc) model() *models.Review {
	r := &models.Review{ID: d.ID, EntryID: d.EntryID, CallID: d.CallID, ReviewerID: d.ReviewerID, Scores: d.Scores,
		Comment: d.Comment, Conflict: d.Conflict, Submitted: d.Submitted, Total: d.Total, Version: d.Version,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if r.Scores == nil {
		r.Scores = map[string]int{}
	}
	return r
}

// CreateTeam implements models.IncubationStore.
func (s *Store) CreateTeam(ctx context.Context, t *models.Team) error {
	return insertNew[teamDoc](ctx, s, "store.CreateTeam", s.db.Collection(models.CollTeams), t, func(d *teamDoc, id primitive.ObjectID) { d.ID = id })
}

// Team implements models.IncubationStore.
func (s *Store) Team(ctx context.Context, id string) (*models.Team, error) {
	return findHex[models.Team, teamDoc](ctx, s.db.Collection(models.CollTeams), "store.Team", "team", id)
}

// UpdateTeam implements models.IncubationStore.
func (s *Store) UpdateTeam(ctx context.Context, id string, ifVersion int64, fn func(*models.Team) error) (*models.Team, error) {
	return updateHex[teamDoc](ctx, s, "store.UpdateTeam", "team", s.db.Collection(models.CollTeams), id, ifVersion, fn)
}

// DeleteTeam implements models.IncubationStore.
func (s *Store) DeleteTeam(ctx context.Context, id string) error {
	return removeHex(ctx, s, "store.DeleteTeam", "team", s.db.Collection(models.CollTeams), id, 0)
}

// CreateCall implements models.IncubationStore.
func (s *Store) CreateCall(ctx context.Context, c *models.Call) error {
	return insertNew[callDoc](ctx, s, "store.CreateCall", s.db.Collection(models.CollCalls), c, func(d *callDoc, id primitive.ObjectID) { d.ID = id })
}

// Call implements models.IncubationStore.
func (s *Store) Call(ctx context.Context, id string) (*models.Call, error) {
	return findHex[models.Call, callDoc](ctx, s.db.Collection(models.CollCalls), "store.Call", "call", id)
}

// UpdateCall implements models.IncubationStore.
func (s *Store) UpdateCall(ctx context.Context, id string, ifVersion int64, fn func(*models.Call) error) (*models.Call, error) {
	return updateHex[callDoc](ctx, s, "store.UpdateCall", "call", s.db.Collection(models.CollCalls), id, ifVersion, fn)
}

// CreateEntry implements models.IncubationStore: the entry's id is its
// call's and applicant's, so a second one is the unique _id's conflict.
func (s *Store) CreateEntry(ctx context.Context, e *models.Entry) error {
	err := insertModel[entryDoc](ctx, s, "store.CreateEntry", s.db.Collection(models.CollEntries), e.ID, e, func(d *entryDoc) { d.ID = e.ID })
	if models.IsCode(err, models.CodeConflict) {
		return models.Errorf(models.CodeConflict, "there is already an entry of this applicant to this call; change it instead")
	}
	return err
}

// Entry implements models.IncubationStore.
func (s *Store) Entry(ctx context.Context, id string) (*models.Entry, error) {
	return findModel[models.Entry, entryDoc](ctx, s.db.Collection(models.CollEntries), "store.Entry", "entry", id)
}

// UpdateEntry implements models.IncubationStore.
func (s *Store) UpdateEntry(ctx context.Context, id string, ifVersion int64, fn func(*models.Entry) error) (*models.Entry, error) {
	return updateModel[entryDoc](ctx, s, "store.UpdateEntry", "entry", s.db.Collection(models.CollEntries), id, ifVersion, fn)
}

// CallEntries implements models.IncubationStore.
func (s *Store) CallEntries(ctx context.Context, callID string) ([]*models.Entry, error) {
	return findAll[models.Entry, entryDoc](ctx, s.db.Collection(models.CollEntries), "store.CallEntries",
		bson.D{{Key: "call_id", Value: callID}})
}

// Review implements models.IncubationStore.
func (s *Store) Review(ctx context.Context, id string) (*models.Review, error) {
	var d reviewDoc
	if err := s.db.Collection(collReviews).FindOne(ctx, idFilter(id)).Decode(&d); err != nil {
		return nil, notFoundAs(translate("store.Review", err), "review")
	}
	return d.model(), nil
}

// SaveReview implements models.IncubationStore. A review has one writer
// (its reviewer), and the per-document lock of the embedded database
// orders that writer's own requests.
func (s *Store) SaveReview(ctx context.Context, id string, fn func(*models.Review) error) (*models.Review, error) {
	coll := s.db.Collection(collReviews)
	unlock := s.locks.lock(collReviews, id)
	defer unlock()
	var d reviewDoc
	r := &models.Review{ID: id, Scores: map[string]int{}}
	switch err := coll.FindOne(ctx, idFilter(id)).Decode(&d); {
	case err == nil:
		r = d.model()
	case !models.IsCode(translate("store.SaveReview", err), models.CodeNotFound):
		return nil, translate("store.SaveReview", err)
	}
	read := r.Version
	if err := fn(r); err != nil {
		return nil, err
	}
	now := s.nowUTC()
	if read == 0 {
		r.CreatedAt = now
	}
	r.Version, r.UpdatedAt = read+1, now
	d = reviewDoc{ID: id, EntryID: r.EntryID, CallID: r.CallID, ReviewerID: r.ReviewerID, Scores: r.Scores, Comment: r.Comment,
		Conflict: r.Conflict, Submitted: r.Submitted, Total: r.Total,
		Meta: Meta{Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}}
	filter := idFilter(id)
	if read > 0 {
		filter = s.casFilter(id, read)
	}
	res, err := coll.ReplaceOne(ctx, filter, d, options.Replace().SetUpsert(read == 0))
	if err != nil {
		return nil, translate("store.SaveReview", err)
	}
	if read > 0 && res.MatchedCount == 0 {
		return nil, models.Errorf(models.CodeConflict, "the review was changed at the same time; reload it and try again")
	}
	return d.model(), nil
}

// CallReviews implements models.IncubationStore (a scan on the embedded
// database, of a collection that holds a few reviews per entry).
func (s *Store) CallReviews(ctx context.Context, callID string) ([]*models.Review, error) {
	cur, err := s.db.Collection(collReviews).Find(ctx, bson.D{{Key: "call_id", Value: callID}})
	if err != nil {
		return nil, translate("store.CallReviews", err)
	}
	defer cur.Close(ctx)
	out := []*models.Review{}
	for cur.Next(ctx) {
		var d reviewDoc
		if err := cur.Decode(&d); err != nil {
			return nil, translate("store.CallReviews", err)
		}
		out = append(out, d.model())
	}
	return out, translate("store.CallReviews", cur.Err())
}

// CreateMilestone implements models.IncubationStore.
func (s *Store) CreateMilestone(ctx context.Context, m *models.Milestone) error {
	return insertNew[milestoneDoc](ctx, s, "store.CreateMilestone", s.db.Collection(models.CollMilestones), m,
		func(d *milestoneDoc, id primitive.ObjectID) { d.ID = id })
}

// TeamMilestones implements models.IncubationStore.
func (s *Store) TeamMilestones(ctx context.Context, teamID string) ([]*models.Milestone, error) {
	return findAll[models.Milestone, milestoneDoc](ctx, s.db.Collection(models.CollMilestones), "store.TeamMilestones",
		bson.D{{Key: "team_id", Value: teamID}})
}

// AcceptedEntries implements models.IncubationStore.
func (s *Store) AcceptedEntries(ctx context.Context) ([]*models.Entry, error) {
	return findAll[models.Entry, entryDoc](ctx, s.db.Collection(models.CollEntries), "store.AcceptedEntries",
		bson.D{{Key: "status", Value: models.EntryAccepted}})
}

// Milestones implements models.IncubationStore.
func (s *Store) Milestones(ctx context.Context) ([]*models.Milestone, error) {
	return findAll[models.Milestone, milestoneDoc](ctx, s.db.Collection(models.CollMilestones), "store.Milestones", bson.D{})
}

// UserTeams implements models.IncubationStore.
func (s *Store) UserTeams(ctx context.Context, userID string) ([]*models.Team, error) {
	return findAll[models.Team, teamDoc](ctx, s.db.Collection(models.CollTeams), "store.UserTeams",
		bson.D{{Key: "members.user_id", Value: userID}})
}

// UserEntries implements models.IncubationStore.
func (s *Store) UserEntries(ctx context.Context, userID string) ([]*models.Entry, error) {
	return findAll[models.Entry, entryDoc](ctx, s.db.Collection(models.CollEntries), "store.UserEntries",
		bson.D{{Key: "applicant_id", Value: userID}})
}
