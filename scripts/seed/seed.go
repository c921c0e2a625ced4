// Package seed generates realistic, deterministic talenthub data: talents
// with Chinese and English names, headlines, bios, skills, tools and
// portfolio works built from the word lists of words.go; organisations of
// every kind in every district; bases; projects; applications in every
// stage; recruitment records 2022-2026 in every state. The same seed gives
// the same data. `talenthub seed` and the benchmarks use it.
//
// It imports models only.
package seed

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/szdc/talenthub/models"
)

// Generator makes records from a seeded random source.
type Generator struct {
	rng *rand.Rand
	now time.Time
}

// New returns a generator; now anchors dates.
func New(seed uint64, now time.Time) *Generator {
	return &Generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), now: now.UTC().Truncate(time.Millisecond)}
}

func pick[T any](g *Generator, s []T) T { return s[g.rng.IntN(len(s))] }

// ID returns a fresh 24-hex-digit id from the generator's source.
func (g *Generator) ID() string {
	b := make([]byte, 12)
	for i := range b {
		b[i] = byte(g.rng.UintN(256))
	}
	// A plausible ObjectID: a time in the first four bytes.
	ts := uint32(g.now.Add(-time.Duration(g.rng.IntN(3*365*24)) * time.Hour).Unix())
	b[0], b[1], b[2], b[3] = byte(ts>>24), byte(ts>>16), byte(ts>>8), byte(ts)
	return hex.EncodeToString(b)
}

func (g *Generator) some(from []string, min, max int) []string {
	n := min + g.rng.IntN(max-min+1)
	perm := g.rng.Perm(len(from))
	out := []string{}
	for _, i := range perm[:minInt(n, len(from))] {
		out = append(out, from[i])
	}
	return out
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// Name returns a person's name: mostly Chinese, some English.
func (g *Generator) Name() string {
	if g.rng.IntN(8) == 0 {
		return pick(g, englishFirst) + " " + pick(g, englishLast)
	}
	return pick(g, surnames) + pick(g, givenNames)
}

// Talent returns a profile with the given id (its owner's id too).
func (g *Generator) Talent(id string) *models.Talent {
	r := pick(g, roles)
	years := g.rng.IntN(16)
	headline := r.zh
	switch g.rng.IntN(4) {
	case 0:
		headline = "资深" + r.zh
	case 1:
		headline = r.en
	case 2:
		headline = r.zh + " / " + r.en
	}
	bio := fmt.Sprintf(pick(g, r.bios), max(years, 1))
	if g.rng.IntN(3) == 0 {
		bio += " " + fmt.Sprintf(pick(g, r.bios), max(years, 1))
	}
	levels := []models.Level{"", "", "", "", "C", "C", "B", "A"}
	origin := models.OriginDomestic
	if g.rng.IntN(5) == 0 {
		origin = models.OriginOverseas
	}
	vis := []models.Visibility{models.VisibilityPublic, models.VisibilityPublic, models.VisibilityOrgs, models.VisibilityOrgs, models.VisibilityPrivate}
	t := &models.Talent{
		ID: id, OwnerID: id, Name: g.Name(), Headline: headline, Bio: bio,
		Skills: g.some(r.skills, 2, 4), Tools: g.some(r.tools, 1, 3), Industries: g.some(r.industries, 1, 2),
		District: pick(g, districts), Origin: origin, YearsExperience: years, Level: pick(g, levels),
		Available: g.rng.IntN(4) != 0, Visibility: pick(g, vis),
		Contact:   models.Contact{Email: fmt.Sprintf("u%s@example.com", id[16:]), Phone: fmt.Sprintf("13%d%08d", 5+g.rng.IntN(5), g.rng.IntN(100_000_000))},
		Languages: []string{"zh"},
	}
	if origin == models.OriginOverseas || g.rng.IntN(3) == 0 {
		t.Languages = append(t.Languages, "en")
	}
	for range g.rng.IntN(4) {
		t.Works = append(t.Works, models.Work{Title: pick(g, workTitles), Year: 2015 + g.rng.IntN(11),
			URL: fmt.Sprintf("https://portfolio.example.com/%s/%d", id[16:], g.rng.IntN(1000)), Description: r.zh + "作品", Tags: g.some(r.skills, 1, 2)})
	}
	if t.Works == nil {
		t.Works = []models.Work{}
	}
	return t
}

var orgKinds = []string{models.OrgEnterprise, models.OrgEnterprise, models.OrgEnterprise, models.OrgIncubator, models.OrgServiceCenter,
	models.OrgUniversity, models.OrgResearchInstitute}

// Org returns an organisation; most are verified.
func (g *Generator) Org(id, creator string) *models.Org {
	kind := pick(g, orgKinds)
	o := &models.Org{ID: id, Name: pick(g, orgNames) + pick(g, orgSuffixes), Kind: kind, District: pick(g, districts[:16]),
		Industries: g.some([]string{"games", "esports", "animation", "online_av", "digital_art", "creative_design", "film_tv", "vr_ar"}, 1, 2),
		Flags:      []string{}, Status: models.StatusVerified, MemberIDs: []string{creator}, CreatedBy: creator}
	if kind == models.OrgEnterprise {
		switch g.rng.IntN(6) {
		case 0:
			o.Flags = []string{models.FlagLeading}
		case 1:
			o.Flags = []string{models.FlagSME, models.FlagSpecialized}
		case 2:
			o.Flags = []string{models.FlagSME}
		}
		if g.rng.IntN(10) == 0 {
			o.Flags = append(o.Flags, models.FlagBrand)
		}
	}
	switch g.rng.IntN(10) {
	case 0:
		o.Status = models.StatusPending
	case 1:
		o.Status = models.StatusRejected
	}
	if o.Status != models.StatusPending {
		o.Decision = &models.Decision{By: "seed", At: g.past(4), Reason: "材料齐全"}
	}
	return o
}

// past returns a time within the last n years.
func (g *Generator) past(years int) time.Time {
	return g.now.Add(-time.Duration(g.rng.IntN(years*365*24)) * time.Hour)
}

// Base returns a base operated by the given organisations.
func (g *Generator) Base(id string, operators []string) *models.Base {
	kinds := []string{models.BaseInnovation, models.BaseTraining, models.BaseTraining, models.BaseThemePark, models.BaseCooperation, models.BaseIncubator}
	kind := pick(g, kinds)
	names := map[string]string{models.BaseInnovation: "产学研用创新基地", models.BaseTraining: "数字创意人才培训基地",
		models.BaseThemePark: "数字创意产业园", models.BaseCooperation: "国际合作产业基地", models.BaseIncubator: "数字创意孵化基地"}
	b := &models.Base{ID: id, Name: pick(g, orgNames) + names[kind], Kind: kind, District: pick(g, districts[:16]),
		Industries: g.some([]string{"games", "animation", "digital_art", "film_tv", "vr_ar"}, 1, 2), OperatorOrgIDs: operators,
		EstablishedOn: g.past(8).Format(models.DateLayout), Capacity: 50 * (1 + g.rng.IntN(20)), Status: models.StatusVerified, RegisteredBy: "seed"}
	if g.rng.IntN(6) == 0 {
		b.Status = models.StatusPending
	} else {
		b.Decision = &models.Decision{By: "seed", At: g.past(4), Reason: "现场核查通过"}
	}
	return b
}

// Project returns a project of an organisation.
func (g *Generator) Project(id, orgID, createdBy string) *models.Project {
	r := pick(g, roles)
	kinds := []models.ProjectKind{models.ProjectJob, models.ProjectJob, models.ProjectJob, models.ProjectIncubation, models.ProjectTraining, models.ProjectCollaboration}
	kind := pick(g, kinds)
	title := map[models.ProjectKind]string{models.ProjectJob: "招聘" + r.zh, models.ProjectIncubation: r.zh + "创业孵化营",
		models.ProjectTraining: r.zh + "进阶培训班", models.ProjectCollaboration: r.zh + "项目合作"}[kind]
	p := &models.Project{ID: id, OrgID: orgID, Title: title, Kind: kind,
		Description: fmt.Sprintf("我们正在寻找%s（%s）。%s", r.zh, r.en, strings.Join(r.skills, "、")),
		Skills:      g.some(r.skills, 2, 4), Industries: g.some(r.industries, 1, 1), District: pick(g, districts[:16]),
		Openings: 1 + g.rng.IntN(5), Status: models.ProjectOpen, CreatedBy: createdBy}
	if g.rng.IntN(4) == 0 {
		p.Status = models.ProjectClosed
	}
	if g.rng.IntN(2) == 0 {
		p.Deadline = g.now.AddDate(0, 1+g.rng.IntN(6), 0).Format(models.DateLayout)
	}
	return p
}

// Application returns an application of talent t to project p, in any
// stage, with a history that leads there.
func (g *Generator) Application(id string, p *models.Project, t *models.Talent, orgUser string) *models.Application {
	at := g.past(1)
	a := &models.Application{ID: id, ProjectID: p.ID, ProjectTitle: p.Title, OrgID: p.OrgID, TalentID: t.ID, TalentName: t.Name,
		InitiatedBy: models.SideCreator, Stage: models.StageApplied, Message: "您好，我对这个项目很感兴趣。"}
	a.History = []models.Move{{At: at, By: t.ID, Side: models.SideCreator, Action: "apply", To: models.StageApplied}}
	if g.rng.IntN(4) == 0 {
		a.InitiatedBy, a.Stage = models.SideOrg, models.StageInvited
		a.History = []models.Move{{At: at, By: orgUser, Side: models.SideOrg, Action: "invite", To: models.StageInvited}}
	}
	path := []models.Stage{models.StageShortlisted, models.StageInterviewing, models.StageOffered, models.StageHired}
	steps := g.rng.IntN(len(path) + 1)
	if a.Stage == models.StageInvited && steps > 0 {
		a.ContactAccepted = true
		at = at.Add(time.Hour)
		a.History = append(a.History, models.Move{At: at, By: t.ID, Side: models.SideCreator, Action: "accept_invitation", From: models.StageInvited, To: models.StageShortlisted})
		a.Stage = models.StageShortlisted
		steps--
		path = path[1:]
	}
	for _, st := range path[:minInt(steps, len(path))] {
		at = at.Add(24 * time.Hour)
		a.History = append(a.History, models.Move{At: at, By: orgUser, Side: models.SideOrg, Action: "move", From: a.Stage, To: st})
		a.Stage = st
	}
	if !a.Stage.Terminal() {
		switch g.rng.IntN(8) {
		case 0:
			a.History = append(a.History, models.Move{At: at.Add(time.Hour), By: orgUser, Side: models.SideOrg, Action: "move", From: a.Stage, To: models.StageRejected})
			a.Stage = models.StageRejected
		case 1:
			a.History = append(a.History, models.Move{At: at.Add(time.Hour), By: t.ID, Side: models.SideCreator, Action: "move", From: a.Stage, To: models.StageWithdrawn})
			a.Stage = models.StageWithdrawn
		}
	}
	return a
}

// Recruitment returns a recruitment record of talent t by organisation
// orgID dated in year, in any state.
func (g *Generator) Recruitment(id string, t *models.Talent, orgID string, year int) *models.Recruitment {
	date := time.Date(year, time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), 0, 0, 0, 0, time.UTC)
	if date.After(g.now) {
		date = g.now.AddDate(0, 0, -g.rng.IntN(60))
	}
	level := t.Level
	if level == "" && g.rng.IntN(3) > 0 {
		level = pick(g, []models.Level{models.LevelA, models.LevelB, models.LevelC, models.LevelC})
	}
	industry := "games"
	if len(t.Industries) > 0 {
		industry = t.Industries[0]
	}
	r := &models.Recruitment{ID: id, TalentID: t.ID, TalentName: t.Name, OrgID: orgID, Date: date.Format(models.DateLayout),
		Origin: t.Origin, Level: level, District: t.District, Industry: industry, Status: models.StatusVerified, ReportedBy: "seed",
		Corrections: []models.Correction{}}
	if r.District == "outside" {
		r.District = "nanshan"
	}
	switch g.rng.IntN(10) {
	case 0, 1:
		r.Status = models.StatusReported
	case 2:
		r.Status = models.StatusRejected
	}
	if r.Status != models.StatusReported {
		r.Decision = &models.Decision{By: "seed", At: date.Add(72 * time.Hour), Reason: "劳动合同已核验"}
	}
	return r
}

// Password is the password of every seeded account.
const Password = "talenthub-demo"

// Accounts of seeded data: creators and organisation members are numbered
// from 1 (CreatorEmail(1), OrgEmail(1)); one bureau officer.
const BureauEmail = "bureau@seed.talenthub.example"

// CreatorEmail is the email of the i-th seeded creator (from 1).
func CreatorEmail(i int) string { return fmt.Sprintf("creator%d@seed.talenthub.example", i) }

// OrgEmail is the email of the member of the i-th seeded organisation.
func OrgEmail(i int) string { return fmt.Sprintf("org%d@seed.talenthub.example", i) }
