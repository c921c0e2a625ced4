package server_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/szdc/talenthub/models"
)

// The authorization matrix: every route × every role × own/other object,
// with the status each cell must answer. Objects a caller may not see
// answer 404; actions on visible objects the caller may not take, 403.

type role int

const (
	anon     role = iota
	creator       // owns the creator-side objects (talent A, A's applications)
	creator2      // another creator
	member        // member of O1, which owns the org-side objects
	member2       // member of another verified organisation, O2
	bureau
	admin
	nRoles
)

var roleNames = [nRoles]string{"anonymous", "creator", "another creator", "org member", "member of another org", "bureau", "admin"}

// world is the fixture the matrix runs in.
type world struct {
	e                *env
	tokens           [nRoles]string
	users            [nRoles]*models.User
	o1, o2           *models.Org
	talentA, talentB string
	p1               *models.Project
	seq              atomic.Int64
	published        string
}

func (w *world) ctx() context.Context { return context.Background() }

func (w *world) next() int64 { return w.seq.Add(1) }

func (w *world) must(err error) {
	w.e.t.Helper()
	if err != nil {
		w.e.t.Fatal(err)
	}
}

// throwaway registers a new user with the role of r and signs it in.
func (w *world) throwaway(r role) (string, *models.User) {
	ctx := w.ctx()
	email := fmt.Sprintf("throwaway%d@example.com", w.next())
	switch r {
	case creator, creator2, member, member2:
		rl := models.RoleCreator
		if r == member || r == member2 {
			rl = models.RoleOrg
		}
		auth, err := w.e.svc.Accounts.Register(ctx, models.RegisterInput{Email: email, Password: "correct horse battery", Name: "T", Role: rl}, models.ClientInfo{})
		w.must(err)
		return auth.Token, auth.User
	case bureau, admin:
		rl := models.RoleBureau
		if r == admin {
			rl = models.RoleAdmin
		}
		tok, _ := w.e.staff(email, rl)
		u, err := w.e.svc.Accounts.Authenticate(ctx, tok)
		w.must(err)
		return tok, u
	}
	return "", nil
}

// verifiedOrg creates a verified organisation with user as member.
func (w *world) verifiedOrg(u *models.User, status models.Status) *models.Org {
	ctx := w.ctx()
	o, err := w.e.svc.Orgs.Create(ctx, u, models.OrgInput{Name: fmt.Sprintf("Org %d", w.next()), Kind: models.OrgEnterprise, District: "nanshan", Industries: []string{"games"}})
	w.must(err)
	if status != models.StatusPending {
		_, err = w.e.store.UpdateOrg(ctx, o.ID, 0, func(o *models.Org) error { o.Status = status; return nil })
		w.must(err)
	}
	fresh, err := w.e.store.User(ctx, u.ID)
	w.must(err)
	*u = *fresh
	u.OrgVerified = status == models.StatusVerified // as Authenticate reads it
	o, err = w.e.store.Org(ctx, o.ID)
	w.must(err)
	return o
}

func newWorld(t *testing.T) *world {
	e := newEnv(t)
	w := &world{e: e}
	ctx := context.Background()
	for r := creator; r < nRoles; r++ {
		w.tokens[r], w.users[r] = w.throwaway(r)
	}
	w.o1 = w.verifiedOrg(w.users[member], models.StatusVerified)
	w.o2 = w.verifiedOrg(w.users[member2], models.StatusVerified)

	ta, err := e.svc.Talents.Create(ctx, w.users[creator], models.TalentInput{Name: "A", Visibility: models.VisibilityOrgs, Origin: models.OriginDomestic,
		District: "nanshan", Industries: []string{"games"}, Contact: models.ContactInput{Phone: "13812345678"}})
	w.must(err)
	tb, err := e.svc.Talents.Create(ctx, w.users[creator2], models.TalentInput{Name: "B", Visibility: models.VisibilityPublic})
	w.must(err)
	w.talentA, w.talentB = ta.ID, tb.ID
	w.p1 = w.project()
	return w
}

func (w *world) project() *models.Project {
	p, err := w.e.svc.Projects.Create(w.ctx(), w.users[member], models.ProjectInput{Title: fmt.Sprintf("P%d", w.next()), Kind: models.ProjectJob, Industries: []string{"games"}})
	w.must(err)
	return p
}

// application has creator A apply to a fresh project of O1.
func (w *world) application() *models.Application {
	a, err := w.e.svc.Applications.Create(w.ctx(), w.users[creator], w.project().ID, models.ApplicationInput{})
	w.must(err)
	return a
}

func (w *world) base(status models.Status) *models.Base {
	b, err := w.e.svc.Bases.Create(w.ctx(), w.users[member], models.BaseInput{Name: fmt.Sprintf("B%d", w.next()), Kind: models.BaseTraining,
		District: "nanshan", OperatorOrgIDs: []string{w.o1.ID}})
	w.must(err)
	if status != models.StatusPending {
		_, err := w.e.svc.Bases.Decide(w.ctx(), w.users[bureau], b.ID, models.DecisionInput{Decision: status, Reason: "ok"})
		w.must(err)
	}
	return b
}

func (w *world) recruitment(status models.Status) *models.Recruitment {
	r, err := w.e.svc.Recruitments.Report(w.ctx(), w.users[member], w.reportBody())
	w.must(err)
	if status != models.StatusReported {
		_, err := w.e.svc.Recruitments.Decide(w.ctx(), w.users[bureau], r.ID, models.DecisionInput{Decision: status, Reason: "ok"})
		w.must(err)
	}
	return r
}

// publication is the figures of 2023, published once.
func (w *world) publication() string {
	if w.published == "" {
		p, err := w.e.svc.Publications.Publish(w.ctx(), w.users[bureau], models.PublicationInput{Period: "2023"})
		w.must(err)
		w.published = p.ID
	}
	return w.published
}

// importTarget is a dry run of a CSV file of a kind.
func (w *world) importTarget(kind, csv string) target {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", "list.csv")
	w.must(err)
	_, err = fw.Write([]byte(csv))
	w.must(err)
	w.must(mw.Close())
	return target{path: "/api/v1/imports/" + kind + "?dry_run=true", body: b.Bytes(), headers: []string{"Content-Type", mw.FormDataContentType()}}
}

func (w *world) reportBody() models.RecruitmentInput {
	n := w.next()
	return models.RecruitmentInput{TalentID: w.talentA, OrgID: w.o1.ID, Date: fmt.Sprintf("2025-%02d-%02d", 1+n%12, 1+n%28),
		Origin: models.OriginDomestic, Level: models.LevelB, District: "nanshan", Industry: "games"}
}

// target is what one cell sends: a path, a body, and the tokens of roles
// that act as someone else (a throwaway account, the member of a fresh
// organisation) in this cell.
type target struct {
	path   string
	body   any
	tokens map[role]string
	// headers are sent as they are (a multipart body's Content-Type).
	headers []string
}

type row struct {
	method, route, name string
	make                func(w *world, r role) target
	want                [nRoles]int
}

func fixed(path string, body any) func(*world, role) target {
	return func(*world, role) target { return target{path: path, body: body} }
}

func rows(w *world) []row {
	A, O1 := w.talentA, w.o1.ID
	const (
		ok = 200
		cr = 201
		no = 204
	)
	return []row{
		{"GET", "/healthz", "", fixed("/healthz", nil), [nRoles]int{ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/readyz", "", fixed("/readyz", nil), [nRoles]int{ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/metrics", "off loopback", fixed("/metrics", nil), [nRoles]int{403, 403, 403, 403, 403, 403, ok}},
		{"GET", "/api/v1/openapi.json", "", fixed("/api/v1/openapi.json", nil), [nRoles]int{ok, ok, ok, ok, ok, ok, ok}},

		{"POST", "/api/v1/auth/register", "", func(w *world, _ role) target {
			return target{path: "/api/v1/auth/register", body: map[string]any{"email": fmt.Sprintf("r%d@example.com", w.next()), "password": "correct horse", "name": "R", "role": "creator"}}
		}, [nRoles]int{cr, cr, cr, cr, cr, cr, cr}},
		{"POST", "/api/v1/auth/login", "", func(w *world, _ role) target {
			return target{path: "/api/v1/auth/login", body: map[string]any{"email": w.users[creator2].Email, "password": "correct horse battery"}}
		}, [nRoles]int{ok, ok, ok, ok, ok, ok, ok}},
		{"POST", "/api/v1/auth/logout", "a throwaway session", throwaway("/api/v1/auth/logout", nil), [nRoles]int{401, no, no, no, no, no, no}},
		{"GET", "/api/v1/me", "", fixed("/api/v1/me", nil), [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/progress", "", fixed("/api/v1/progress?year=2025", nil), [nRoles]int{ok, ok, ok, ok, ok, ok, ok}},
		{"PATCH", "/api/v1/me", "a throwaway account", throwaway("/api/v1/me", map[string]any{"language": "en"}), [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"DELETE", "/api/v1/me", "a throwaway account", throwaway("/api/v1/me", nil), [nRoles]int{401, no, no, no, no, no, 403}},
		{"GET", "/api/v1/me/mail-preferences", "", fixed("/api/v1/me/mail-preferences", nil), [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"PUT", "/api/v1/me/mail-preferences", "", fixed("/api/v1/me/mail-preferences", map[string]any{"kinds": []any{map[string]any{"kind": "invitation", "email": false}}}),
			[nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/admin/mail", "", fixed("/api/v1/admin/mail", nil), [nRoles]int{401, 403, 403, 403, 403, 403, ok}},
		{"POST", "/api/v1/unsubscribe", "a forged link", fixed("/api/v1/unsubscribe?t=forged.token", nil), [nRoles]int{400, 400, 400, 400, 400, 400, 400}},
		{"POST", "/api/v1/me/password", "a throwaway account", throwaway("/api/v1/me/password",
			map[string]any{"current_password": "correct horse battery", "new_password": "a new long password"}), [nRoles]int{401, no, no, no, no, no, no}},
		{"POST", "/api/v1/admin/users", "", func(w *world, _ role) target {
			return target{path: "/api/v1/admin/users", body: map[string]any{"email": fmt.Sprintf("b%d@sz.gov.cn", w.next()), "password": "correct horse battery", "name": "B", "role": "bureau"}}
		}, [nRoles]int{401, 403, 403, 403, 403, 403, cr}},
		{"POST", "/api/v1/auth/password-reset", "an address without an account", func(w *world, _ role) target {
			return target{path: "/api/v1/auth/password-reset", body: map[string]any{"email": fmt.Sprintf("nobody%d@example.com", w.next())}}
		}, [nRoles]int{202, 202, 202, 202, 202, 202, 202}},
		{"POST", "/api/v1/auth/password-reset", "another user's address", func(w *world, _ role) target {
			_, u := w.throwaway(creator)
			return target{path: "/api/v1/auth/password-reset", body: map[string]any{"email": u.Email}}
		}, [nRoles]int{202, 202, 202, 202, 202, 202, 202}},
		{"POST", "/api/v1/auth/password-reset/confirm", "a token nobody was sent", fixed("/api/v1/auth/password-reset/confirm",
			map[string]any{"token": strings.Repeat("A", 43), "password": "a new long password"}), [nRoles]int{422, 422, 422, 422, 422, 422, 422}},
		{"POST", "/api/v1/auth/verify-email", "a token nobody was sent", fixed("/api/v1/auth/verify-email",
			map[string]any{"token": strings.Repeat("A", 43)}), [nRoles]int{422, 422, 422, 422, 422, 422, 422}},
		{"POST", "/api/v1/me/verify-email", "a throwaway account", throwaway("/api/v1/me/verify-email", nil), [nRoles]int{401, 202, 202, 202, 202, 202, 202}},
		{"GET", "/api/v1/admin/users", "", fixed("/api/v1/admin/users?q=example&role=creator&page=1&per_page=5", nil), [nRoles]int{401, 403, 403, 403, 403, 403, ok}},
		{"PATCH", "/api/v1/admin/users/:id", "disable another creator", func(w *world, _ role) target {
			_, u := w.throwaway(creator)
			return target{path: "/api/v1/admin/users/" + u.ID, body: map[string]any{"disabled": true}}
		}, [nRoles]int{401, 403, 403, 403, 403, 403, ok}},
		{"PATCH", "/api/v1/admin/users/:id", "disable oneself", func(w *world, r role) target {
			return target{path: "/api/v1/admin/users/" + w.users[max(r, creator)].ID, body: map[string]any{"disabled": true}}
		}, [nRoles]int{401, 403, 403, 403, 403, 403, 403}},
		{"PATCH", "/api/v1/admin/users/:id", "make a bureau officer admin", func(w *world, _ role) target {
			_, u := w.throwaway(bureau)
			return target{path: "/api/v1/admin/users/" + u.ID, body: map[string]any{"role": "admin"}}
		}, [nRoles]int{401, 403, 403, 403, 403, 403, ok}},
		{"POST", "/api/v1/admin/users/:id/password-reset", "another user", func(w *world, _ role) target {
			return target{path: "/api/v1/admin/users/" + w.users[creator2].ID + "/password-reset"}
		}, [nRoles]int{401, 403, 403, 403, 403, 403, 202}},

		{"POST", "/api/v1/talents", "a throwaway account", throwaway("/api/v1/talents", map[string]any{"name": "T"}), [nRoles]int{401, cr, cr, 403, 403, 403, 403}},
		{"GET", "/api/v1/talents/:id", "orgs-visible profile", fixed("/api/v1/talents/"+A, nil), [nRoles]int{404, ok, 404, ok, ok, ok, ok}},
		{"GET", "/api/v1/talents/:id", "orgs-visible profile, the org member's organisation pending", func(w *world, _ role) target {
			tok, u := w.throwaway(member)
			w.verifiedOrg(u, models.StatusPending)
			return target{path: "/api/v1/talents/" + A, tokens: map[role]string{member: tok}}
		}, [nRoles]int{404, ok, 404, 404, ok, ok, ok}},
		{"GET", "/api/v1/talents/:id", "orgs-visible profile, the org member without organisation", func(w *world, _ role) target {
			tok, _ := w.throwaway(member)
			return target{path: "/api/v1/talents/" + A, tokens: map[role]string{member: tok}}
		}, [nRoles]int{404, ok, 404, 404, ok, ok, ok}},
		{"GET", "/api/v1/talents/:id", "public profile", fixed("/api/v1/talents/"+w.talentB, nil), [nRoles]int{ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/talents/:id", "private profile", func(w *world, _ role) target {
			tok, u := w.throwaway(creator)
			_, err := w.e.svc.Talents.Create(w.ctx(), u, models.TalentInput{Name: "P", Visibility: models.VisibilityPrivate})
			w.must(err)
			return target{path: "/api/v1/talents/" + u.ID, tokens: map[role]string{creator: tok}}
		}, [nRoles]int{404, ok, 404, 404, 404, 404, ok}},
		{"PATCH", "/api/v1/talents/:id", "", fixed("/api/v1/talents/"+A, map[string]any{"headline": "h"}), [nRoles]int{401, ok, 404, 403, 403, 403, 403}},
		{"DELETE", "/api/v1/talents/:id", "a fresh profile", func(w *world, _ role) target {
			tok, u := w.throwaway(creator)
			_, err := w.e.svc.Talents.Create(w.ctx(), u, models.TalentInput{Name: "D", Visibility: models.VisibilityOrgs})
			w.must(err)
			return target{path: "/api/v1/talents/" + u.ID, tokens: map[role]string{creator: tok}}
		}, [nRoles]int{401, no, 404, 403, 403, 403, no}},
		{"GET", "/api/v1/talents/:id/export", "", fixed("/api/v1/talents/"+A+"/export", nil), [nRoles]int{401, ok, 404, 403, 403, 403, 403}},
		{"GET", "/api/v1/talents", "", fixed("/api/v1/talents?q=A", nil), [nRoles]int{401, 403, 403, ok, ok, ok, ok}},
		{"GET", "/api/v1/talents/:id/identity", "", fixed("/api/v1/talents/"+A+"/identity", nil), [nRoles]int{401, ok, 404, 403, 403, 403, 403}},
		{"PUT", "/api/v1/talents/:id/identity", "", fixed("/api/v1/talents/"+A+"/identity", map[string]any{"type": "passport", "number": "E7654321"}),
			[nRoles]int{401, ok, 404, 403, 403, 403, 403}},
		{"GET", "/api/v1/talents/:id/matches", "", fixed("/api/v1/talents/"+A+"/matches", nil), [nRoles]int{401, ok, 404, 403, 403, 403, 403}},
		{"GET", "/api/v1/talents/:id/similar", "orgs-visible profile", fixed("/api/v1/talents/"+A+"/similar", nil), [nRoles]int{401, 403, 404, ok, ok, ok, ok}},

		{"POST", "/api/v1/orgs", "a throwaway account", throwaway("/api/v1/orgs", map[string]any{"name": "New", "kind": "enterprise", "district": "futian"}), [nRoles]int{401, 403, 403, cr, cr, 403, 403}},
		{"GET", "/api/v1/orgs", "", fixed("/api/v1/orgs", nil), [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/orgs/:id", "verified", fixed("/api/v1/orgs/"+O1, nil), [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/orgs/:id", "pending", pendingOrg(""), [nRoles]int{401, 404, 404, ok, 404, ok, ok}},
		{"POST", "/api/v1/orgs/:id/verify", "pending", pendingOrg("/verify"), [nRoles]int{401, 404, 404, 403, 404, ok, 403}},
		{"PATCH", "/api/v1/orgs/:id", "a pending organisation renamed by its manager", orgWithStatus(models.StatusPending, map[string]any{"name": "更名工作室"}),
			[nRoles]int{401, 404, 404, ok, 404, ok, 403}},
		{"PATCH", "/api/v1/orgs/:id", "a verified organisation renamed: the bureau corrects, its manager may not", orgWithStatus(models.StatusVerified, map[string]any{"name": "更名工作室"}),
			[nRoles]int{401, 403, 403, 409, 403, ok, 403}},
		{"GET", "/api/v1/orgs/:id/members", "", fixed("/api/v1/orgs/"+O1+"/members", nil), [nRoles]int{401, 403, 403, ok, 403, ok, ok}},
		{"POST", "/api/v1/orgs/:id/members", "invite to O1 (its member manages it)", func(w *world, _ role) target {
			_, u := w.throwaway(member)
			return target{path: "/api/v1/orgs/" + O1 + "/members", body: map[string]any{"email": u.Email}}
		}, [nRoles]int{401, 403, 403, cr, 403, 403, 403}},
		{"POST", "/api/v1/orgs/:id/members", "invite to a pending organisation", func(w *world, _ role) target {
			tg := pendingOrg("/members")(w, member)
			_, u := w.throwaway(member)
			tg.body = map[string]any{"email": u.Email}
			return tg
		}, [nRoles]int{401, 404, 404, 403, 404, 403, 403}},
		{"POST", "/api/v1/orgs/:id/members", "invite to O1 as a member who is not a manager", func(w *world, _ role) target {
			tok, _ := w.joined()
			_, u := w.throwaway(member)
			return target{path: "/api/v1/orgs/" + O1 + "/members", body: map[string]any{"email": u.Email}, tokens: map[role]string{member: tok}}
		}, [nRoles]int{401, 403, 403, 403, 403, 403, 403}},
		{"PATCH", "/api/v1/orgs/:id/members/:user_id", "promote a member of O1", func(w *world, _ role) target {
			_, u := w.joined()
			return target{path: "/api/v1/orgs/" + O1 + "/members/" + u.ID, body: map[string]any{"manager": true}}
		}, [nRoles]int{401, 403, 403, ok, 403, 403, 403}},
		{"DELETE", "/api/v1/orgs/:id/members/:user_id", "remove a member of O1", func(w *world, _ role) target {
			_, u := w.joined()
			return target{path: "/api/v1/orgs/" + O1 + "/members/" + u.ID}
		}, [nRoles]int{401, 403, 403, no, 403, 403, 403}},
		{"DELETE", "/api/v1/orgs/:id/members/:user_id", "leave O1 (the member acts as itself)", func(w *world, r role) target {
			tok, u := w.joined()
			return target{path: "/api/v1/orgs/" + O1 + "/members/" + u.ID, tokens: map[role]string{member: tok}}
		}, [nRoles]int{401, 403, 403, no, 403, 403, 403}},
		{"GET", "/api/v1/orgs/:id/invitations", "", fixed("/api/v1/orgs/"+O1+"/invitations", nil), [nRoles]int{401, 403, 403, ok, 403, ok, ok}},
		{"DELETE", "/api/v1/orgs/:id/invitations/:user_id", "a pending invitation of O1", func(w *world, _ role) target {
			u := w.invited()
			return target{path: "/api/v1/orgs/" + O1 + "/invitations/" + u.ID}
		}, [nRoles]int{401, 403, 403, no, 403, 403, 403}},
		{"GET", "/api/v1/me/invitations", "", fixed("/api/v1/me/invitations", nil), [nRoles]int{401, 403, 403, ok, ok, 403, 403}},
		{"POST", "/api/v1/me/invitations/:org_id", "accept O1's invitation (the org member is the invitee)", func(w *world, _ role) target {
			u := w.invited()
			tok := w.signIn(u)
			return target{path: "/api/v1/me/invitations/" + O1, body: map[string]any{"decision": "accept"}, tokens: map[role]string{member: tok}}
		}, [nRoles]int{401, 403, 403, ok, 404, 403, 403}},

		{"POST", "/api/v1/bases", "operated by O1", fixed("/api/v1/bases", map[string]any{"name": "Base", "kind": "training", "district": "nanshan", "operator_org_ids": []string{O1}}),
			[nRoles]int{401, 403, 403, cr, 422, 403, 403}},
		{"GET", "/api/v1/bases", "", fixed("/api/v1/bases", nil), [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/bases/:id", "verified", func(w *world, _ role) target {
			return target{path: "/api/v1/bases/" + w.base(models.StatusVerified).ID}
		}, [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/bases/:id", "pending", func(w *world, _ role) target {
			return target{path: "/api/v1/bases/" + w.base(models.StatusPending).ID}
		}, [nRoles]int{401, 404, 404, ok, 404, ok, ok}},
		{"PATCH", "/api/v1/bases/:id", "O1's pending base renamed", func(w *world, _ role) target {
			return target{path: "/api/v1/bases/" + w.base(models.StatusPending).ID, body: map[string]any{"name": "更名基地"}}
		}, [nRoles]int{401, 404, 404, ok, 404, ok, 403}},
		{"PATCH", "/api/v1/bases/:id", "O1's verified base renamed: the bureau corrects, its members may not", func(w *world, _ role) target {
			return target{path: "/api/v1/bases/" + w.base(models.StatusVerified).ID, body: map[string]any{"name": "更名基地"}}
		}, [nRoles]int{401, 403, 403, 409, 403, ok, 403}},
		{"POST", "/api/v1/bases/:id/verify", "pending", func(w *world, _ role) target {
			return target{path: "/api/v1/bases/" + w.base(models.StatusPending).ID + "/verify", body: map[string]any{"decision": "verified"}}
		}, [nRoles]int{401, 404, 404, 403, 404, ok, 403}},

		{"POST", "/api/v1/bases/:id/operators", "O1's pending base naming O2", func(w *world, _ role) target {
			b, err := w.e.svc.Bases.Create(w.ctx(), w.users[member], models.BaseInput{Name: fmt.Sprintf("B%d", w.next()), Kind: models.BaseTraining,
				District: "nanshan", OperatorOrgIDs: []string{w.o1.ID, w.o2.ID}})
			w.must(err)
			return target{path: "/api/v1/bases/" + b.ID + "/operators", body: map[string]any{"decision": "confirm"}}
		}, [nRoles]int{401, 404, 404, 409, ok, 403, 403}},
		{"POST", "/api/v1/bases/:id/co-operators", "O1's verified base asks O2", func(w *world, _ role) target {
			return target{path: "/api/v1/bases/" + w.base(models.StatusVerified).ID + "/co-operators", body: map[string]any{"org_id": w.o2.ID}}
		}, [nRoles]int{401, 403, 403, ok, 403, 403, 403}},
		{"DELETE", "/api/v1/bases/:id/co-operators/:org_id", "O2 off O1's verified base it co-operates (O1 removes it, or O2 leaves)", func(w *world, _ role) target {
			b, err := w.e.svc.Bases.Create(w.ctx(), w.users[member], models.BaseInput{Name: fmt.Sprintf("B%d", w.next()), Kind: models.BaseTraining,
				District: "nanshan", OperatorOrgIDs: []string{w.o1.ID, w.o2.ID}})
			w.must(err)
			_, err = w.e.svc.Bases.AnswerOperation(w.ctx(), w.users[member2], b.ID, models.OperationAnswer{Decision: "confirm"})
			w.must(err)
			_, err = w.e.svc.Bases.Decide(w.ctx(), w.users[bureau], b.ID, models.DecisionInput{Decision: models.StatusVerified})
			w.must(err)
			return target{path: "/api/v1/bases/" + b.ID + "/co-operators/" + w.o2.ID}
		}, [nRoles]int{401, 403, 403, no, no, 403, 403}},
		{"DELETE", "/api/v1/bases/:id/co-operators/:org_id", "O1 off the verified base it registered", func(w *world, _ role) target {
			return target{path: "/api/v1/bases/" + w.base(models.StatusVerified).ID + "/co-operators/" + w.o1.ID}
		}, [nRoles]int{401, 403, 403, 409, 403, 403, 403}},
		{"GET", "/api/v1/orgs/:id/base-requests", "O1's", fixed("/api/v1/orgs/"+O1+"/base-requests", nil), [nRoles]int{401, 403, 403, ok, 403, ok, ok}},

		{"POST", "/api/v1/projects", "", fixed("/api/v1/projects", map[string]any{"title": "Job", "kind": "job"}), [nRoles]int{401, 403, 403, cr, cr, 403, 403}},
		{"GET", "/api/v1/projects", "", fixed("/api/v1/projects", nil), [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/projects/:id", "", fixed("/api/v1/projects/"+w.p1.ID, nil), [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/projects/:id/matches", "O1's project", fixed("/api/v1/projects/"+w.p1.ID+"/matches", nil), [nRoles]int{401, 403, 403, ok, 403, 403, 403}},
		{"PATCH", "/api/v1/projects/:id", "O1's project", func(w *world, _ role) target {
			return target{path: "/api/v1/projects/" + w.project().ID, body: map[string]any{"status": "closed"}}
		}, [nRoles]int{401, 403, 403, ok, 403, 403, 403}},
		{"DELETE", "/api/v1/projects/:id", "O1's project", func(w *world, _ role) target {
			return target{path: "/api/v1/projects/" + w.project().ID}
		}, [nRoles]int{401, 403, 403, no, 403, 403, 403}},
		{"POST", "/api/v1/projects/:id/applications", "apply", func(w *world, _ role) target {
			return target{path: "/api/v1/projects/" + w.project().ID + "/applications", body: map[string]any{"message": "hi"}}
		}, [nRoles]int{401, cr, cr, 403, 403, 403, 403}},
		{"POST", "/api/v1/projects/:id/applications", "invite", func(w *world, _ role) target {
			return target{path: "/api/v1/projects/" + w.project().ID + "/applications", body: map[string]any{"talent_id": w.talentB}}
		}, [nRoles]int{401, 403, 403, cr, 403, 403, 403}},

		{"GET", "/api/v1/applications", "", fixed("/api/v1/applications", nil), [nRoles]int{401, ok, ok, ok, ok, 403, 403}},
		{"GET", "/api/v1/applications/:id", "A's application to O1", func(w *world, _ role) target {
			return target{path: "/api/v1/applications/" + w.application().ID}
		}, [nRoles]int{401, ok, 404, ok, 404, 404, 404}},
		{"PATCH", "/api/v1/applications/:id", "shortlist", func(w *world, _ role) target {
			return target{path: "/api/v1/applications/" + w.application().ID, body: map[string]any{"stage": "shortlisted"}}
		}, [nRoles]int{401, 409, 404, ok, 404, 404, 404}},
		{"PATCH", "/api/v1/applications/:id", "withdraw", func(w *world, _ role) target {
			return target{path: "/api/v1/applications/" + w.application().ID, body: map[string]any{"stage": "withdrawn"}}
		}, [nRoles]int{401, ok, 404, 409, 404, 404, 404}},

		// A thread is the two sides' own, like the application.
		{"GET", "/api/v1/applications/:id/messages", "A's application to O1", func(w *world, _ role) target {
			return target{path: "/api/v1/applications/" + w.application().ID + "/messages"}
		}, [nRoles]int{401, ok, 404, ok, 404, 404, 404}},
		{"POST", "/api/v1/applications/:id/messages", "write", func(w *world, _ role) target {
			return target{path: "/api/v1/applications/" + w.application().ID + "/messages", body: map[string]any{"body": "你好"}}
		}, [nRoles]int{401, cr, 404, cr, 404, 404, 404}},
		{"POST", "/api/v1/applications/:id/messages/read", "read", func(w *world, _ role) target {
			return target{path: "/api/v1/applications/" + w.application().ID + "/messages/read"}
		}, [nRoles]int{401, no, 404, no, 404, 404, 404}},

		// The desk is an organisation's own: members of verified
		// organisations, about profiles they may read.
		{"GET", "/api/v1/talents/:id/notes", "talent A", fixed("/api/v1/talents/"+w.talentA+"/notes", nil), [nRoles]int{401, 403, 403, ok, ok, 403, 403}},
		{"POST", "/api/v1/talents/:id/notes", "talent A", fixed("/api/v1/talents/"+w.talentA+"/notes", map[string]any{"body": "作品扎实"}), [nRoles]int{401, 403, 403, cr, cr, 403, 403}},
		{"POST", "/api/v1/media", "a JSON body", fixed("/api/v1/media", map[string]any{"file": "x"}), [nRoles]int{401, 415, 415, 415, 415, 415, 415}},
		{"GET", "/api/v1/media", "", fixed("/api/v1/media", nil), [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"DELETE", "/api/v1/media/:id", "the creator's unused upload", func(w *world, _ role) target {
			return target{path: "/api/v1/media/" + w.upload(creator, models.PurposeWork).ID}
		}, [nRoles]int{401, no, 404, 404, 404, 404, 404}},
		{"GET", "/media/:id/:size", "an image of talent A's work (visible to organisations)", func(w *world, _ role) target {
			return target{path: "/media/" + w.workImage() + "/thumb"}
		}, [nRoles]int{404, ok, 404, ok, ok, ok, ok}},
		{"GET", "/media/:id/:size", "the creator's upload that nothing shows", func(w *world, _ role) target {
			return target{path: "/media/" + w.upload(creator, models.PurposeWork).ID + "/large"}
		}, [nRoles]int{404, ok, 404, 404, 404, 404, 404}},
		{"PUT", "/api/v1/orgs/:id/logo", "O1's logo removed", fixed("/api/v1/orgs/"+O1+"/logo", map[string]any{"logo_id": ""}), [nRoles]int{401, 403, 403, ok, 403, 403, 403}},
		{"GET", "/api/v1/favourites", "", fixed("/api/v1/favourites", nil), [nRoles]int{401, 403, 403, ok, ok, 403, 403}},
		{"PUT", "/api/v1/favourites/:talent_id", "talent A", fixed("/api/v1/favourites/"+w.talentA, nil), [nRoles]int{401, 403, 403, no, no, 403, 403}},
		{"DELETE", "/api/v1/favourites/:talent_id", "talent A", fixed("/api/v1/favourites/"+w.talentA, nil), [nRoles]int{401, 403, 403, no, no, 403, 403}},

		{"GET", "/api/v1/consents", "", fixed("/api/v1/consents", nil), [nRoles]int{401, ok, ok, 403, 403, 403, 403}},
		{"DELETE", "/api/v1/consents/:org_id", "the creator's consent to O1", func(w *world, r role) target {
			if r != creator {
				return target{path: "/api/v1/consents/" + O1}
			}
			tok, u := w.throwaway(creator)
			_, err := w.e.svc.Talents.Create(w.ctx(), u, models.TalentInput{Name: "C", Visibility: models.VisibilityPublic})
			w.must(err)
			_, err = w.e.svc.Applications.Create(w.ctx(), u, w.project().ID, models.ApplicationInput{AcceptContact: true})
			w.must(err)
			return target{path: "/api/v1/consents/" + O1, tokens: map[role]string{creator: tok}}
		}, [nRoles]int{401, no, 404, 403, 403, 403, 403}},

		// Every signed-in user has an inbox of their own: there is no
		// other's to reach (the service takes the caller's id only).
		{"GET", "/api/v1/notifications", "own", fixed("/api/v1/notifications?unread=true", nil), [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"POST", "/api/v1/notifications/read", "own", fixed("/api/v1/notifications/read", map[string]any{"all": true}), [nRoles]int{401, no, no, no, no, no, no}},

		// Saved searches are their owner's: talent searches for those who
		// search profiles, project searches for creators; another's id is
		// none of the caller's (404).
		{"GET", "/api/v1/saved-searches", "own", fixed("/api/v1/saved-searches", nil), [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"POST", "/api/v1/saved-searches", "a talent search", fixed("/api/v1/saved-searches", map[string]any{"name": "原画", "kind": "talents", "query": "q=原画"}),
			[nRoles]int{401, 403, 403, cr, cr, cr, cr}},
		{"POST", "/api/v1/saved-searches", "a project search", fixed("/api/v1/saved-searches", map[string]any{"name": "游戏", "kind": "projects", "query": "industries=games", "min_score": 40}),
			[nRoles]int{401, cr, cr, 403, 403, 403, 403}},
		{"DELETE", "/api/v1/saved-searches/:id", "the member's", func(w *world, _ role) target {
			s, err := w.e.svc.SavedSearches.Create(w.ctx(), w.users[member], models.SavedSearchInput{Name: "x", Query: "q=x"})
			w.must(err)
			return target{path: "/api/v1/saved-searches/" + s.ID}
		}, [nRoles]int{401, 404, 404, no, 404, 404, 404}},

		{"POST", "/api/v1/recruitments", "for O1", func(w *world, _ role) target {
			return target{path: "/api/v1/recruitments", body: w.reportBody()}
		}, [nRoles]int{401, 403, 403, cr, 403, 403, 403}},
		{"GET", "/api/v1/recruitments", "", fixed("/api/v1/recruitments", nil), [nRoles]int{401, 403, 403, ok, ok, ok, ok}},
		// A dry run of one hire by O1: O2's member names an organisation
		// not its own (a row error, 422); only the bureau imports
		// organisations.
		{"POST", "/api/v1/imports/:kind", "a dry run of O1's hire", func(w *world, _ role) target {
			return w.importTarget("recruitments", "name,id type,id number,organisation,date,origin,district,industry\n"+
				"Wang,passport,E1234567,"+w.o1.ID+",2025-03-01,domestic,nanshan,games\n")
		}, [nRoles]int{401, 403, 403, ok, 422, ok, 403}},
		{"POST", "/api/v1/imports/:kind", "a dry run of an organisation", func(w *world, _ role) target {
			return w.importTarget("orgs", "name,kind,district\nNew studio,enterprise,futian\n")
		}, [nRoles]int{401, 403, 403, 403, 403, ok, 403}},
		{"GET", "/api/v1/imports/templates/:file", "", fixed("/api/v1/imports/templates/recruitments.xlsx", nil), [nRoles]int{401, 403, 403, ok, ok, ok, 403}},
		{"GET", "/api/v1/imports", "", fixed("/api/v1/imports", nil), [nRoles]int{401, 403, 403, ok, ok, ok, 403}},
		// Published figures are public; the bureau publishes.
		{"POST", "/api/v1/publications", "2024-Q1, once", fixed("/api/v1/publications", map[string]any{"period": "2024-Q1"}), [nRoles]int{401, 403, 403, 403, 403, 201, 403}},
		{"GET", "/api/v1/publications", "", fixed("/api/v1/publications", nil), [nRoles]int{ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/publications/:id", "", func(w *world, _ role) target { return target{path: "/api/v1/publications/" + w.publication()} },
			[nRoles]int{ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/publications/:id/figures.xlsx", "", func(w *world, _ role) target {
			return target{path: "/api/v1/publications/" + w.publication() + "/figures.xlsx"}
		}, [nRoles]int{ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/publications/:id/figures.csv", "", func(w *world, _ role) target {
			return target{path: "/api/v1/publications/" + w.publication() + "/figures.csv"}
		}, [nRoles]int{ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/imports/progress", "", fixed("/api/v1/imports/progress", nil), [nRoles]int{401, 403, 403, ok, ok, ok, 403}},
		{"GET", "/api/v1/recruitments/:id", "O1's record", func(w *world, _ role) target {
			return target{path: "/api/v1/recruitments/" + w.recruitment(models.StatusReported).ID}
		}, [nRoles]int{401, 404, 404, ok, 404, ok, ok}},
		{"POST", "/api/v1/recruitments/:id/verify", "reported", func(w *world, _ role) target {
			return target{path: "/api/v1/recruitments/" + w.recruitment(models.StatusReported).ID + "/verify", body: map[string]any{"decision": "verified"}}
		}, [nRoles]int{401, 404, 404, 403, 404, ok, 403}},
		{"POST", "/api/v1/recruitments/:id/corrections", "verified", func(w *world, _ role) target {
			return target{path: "/api/v1/recruitments/" + w.recruitment(models.StatusVerified).ID + "/corrections", body: map[string]any{"reason": "level was wrong", "level": "A"}}
		}, [nRoles]int{401, 404, 404, 403, 404, ok, 403}},
		{"PATCH", "/api/v1/recruitments/:id", "reported", func(w *world, _ role) target {
			return target{path: "/api/v1/recruitments/" + w.recruitment(models.StatusReported).ID, body: map[string]any{"level": "A"}}
		}, [nRoles]int{401, 404, 404, ok, 404, 403, 403}},
		{"DELETE", "/api/v1/recruitments/:id", "reported", func(w *world, _ role) target {
			return target{path: "/api/v1/recruitments/" + w.recruitment(models.StatusReported).ID}
		}, [nRoles]int{401, 404, 404, no, 404, 403, 403}},

		{"GET", "/api/v1/audit", "", fixed("/api/v1/audit", nil), [nRoles]int{401, 403, 403, 403, 403, ok, ok}},
		{"GET", "/api/v1/targets", "", fixed("/api/v1/targets?year=2025", nil), [nRoles]int{401, 403, 403, 403, 403, ok, ok}},
		{"PUT", "/api/v1/targets/:metric", "", fixed("/api/v1/targets/theme_parks", map[string]any{"kind": "bases", "label_zh": "主题园区", "label_en": "Theme parks",
			"period": map[string]any{"from": 2022, "to": 2025}, "goal": 12, "base_kind": "theme_park"}), [nRoles]int{401, 403, 403, 403, 403, 403, ok}},
		{"POST", "/api/v1/targets/periods", "2026-2030 (again: the same copies)", fixed("/api/v1/targets/periods", map[string]any{"from": 2026, "to": 2030}),
			[nRoles]int{401, 403, 403, 403, 403, 403, 201}},
		{"GET", "/api/v1/stats/recruitment", "", fixed("/api/v1/stats/recruitment?year=2025&by=district", nil), [nRoles]int{401, 403, 403, 403, 403, ok, ok}},
		{"GET", "/api/v1/stats/slice", "", fixed("/api/v1/stats/slice?year=2025&district=nanshan&origin=overseas", nil), [nRoles]int{401, 403, 403, 403, 403, ok, ok}},
		{"GET", "/api/v1/stats/bases", "", fixed("/api/v1/stats/bases?by=kind", nil), [nRoles]int{401, 403, 403, 403, 403, ok, ok}},
		{"GET", "/api/v1/stats/lagging", "", fixed("/api/v1/stats/lagging?year=2025", nil), [nRoles]int{401, 403, 403, 403, 403, ok, ok}},
		{"GET", "/api/v1/reports/recruitment.xlsx", "", fixed("/api/v1/reports/recruitment.xlsx?year=2025", nil), [nRoles]int{401, 403, 403, 403, 403, ok, ok}},
		{"GET", "/api/v1/reports/recruitment.csv", "", fixed("/api/v1/reports/recruitment.csv?year=2025", nil), [nRoles]int{401, 403, 403, 403, 403, ok, ok}},
		{"POST", "/api/v1/admin/recount", "", fixed("/api/v1/admin/recount", nil), [nRoles]int{401, 403, 403, 403, 403, 403, ok}},
		{"GET", "/api/v1/admin/reindex", "", fixed("/api/v1/admin/reindex", nil), [nRoles]int{401, 403, 403, 403, 403, 403, ok}},
		{"POST", "/api/v1/admin/reindex", "", fixed("/api/v1/admin/reindex", nil), [nRoles]int{401, 403, 403, 403, 403, 403, 202}},
		{"GET", "/api/v1/admin/synonyms", "", fixed("/api/v1/admin/synonyms", nil), [nRoles]int{401, 403, 403, 403, 403, 403, ok}},
		{"POST", "/api/v1/admin/synonyms", "", fixed("/api/v1/admin/synonyms", map[string]any{"a": "网文", "b": "web novel", "accept": true}),
			[nRoles]int{401, 403, 403, 403, 403, 403, ok}},
		{"GET", "/api/v1/taxonomies", "", fixed("/api/v1/taxonomies", nil), [nRoles]int{ok, ok, ok, ok, ok, ok, ok}},
		{"PUT", "/api/v1/taxonomies", "unchanged", func(w *world, _ role) target {
			t := models.DefaultTaxonomy()
			return target{path: "/api/v1/taxonomies", body: map[string]any{"industries": t.Industries, "districts": t.Districts,
				"business_forms": t.BusinessForms, "base_kinds": t.BaseKinds, "org_kinds": t.OrgKinds, "org_flags": t.OrgFlags,
				"project_kinds": t.ProjectKinds, "origins": t.Origins, "levels": t.Levels}}
		}, [nRoles]int{401, 403, 403, 403, 403, 403, ok}},
	}
}

// invited is a fresh organisation account that O1's member invited.
func (w *world) invited() *models.User {
	_, u := w.throwaway(member)
	_, err := w.e.svc.Orgs.Invite(w.ctx(), w.users[member], w.o1.ID, models.MemberInput{Email: u.Email})
	w.must(err)
	return u
}

// joined is a fresh member of O1 (not a manager), signed in.
func (w *world) joined() (string, *models.User) {
	u := w.invited()
	_, err := w.e.svc.Orgs.AnswerInvitation(w.ctx(), u, w.o1.ID, models.InvitationAnswer{Decision: "accept"})
	w.must(err)
	return w.signIn(u), u
}

// signIn signs a throwaway account in again.
func (w *world) signIn(u *models.User) string {
	auth, err := w.e.svc.Accounts.Login(w.ctx(), models.LoginInput{Email: u.Email, Password: "correct horse battery"}, models.ClientInfo{})
	w.must(err)
	return auth.Token
}

// throwaway acts as a fresh account of the cell's role, for routes that
// consume the caller's session, account or single profile.
func throwaway(path string, body any) func(*world, role) target {
	return func(w *world, r role) target {
		if r == anon {
			return target{path: path, body: body}
		}
		tok, _ := w.throwaway(r)
		return target{path: path, body: body, tokens: map[role]string{r: tok}}
	}
}

// upload stores a small image uploaded by the user of r.
func (w *world) upload(r role, purpose string) *models.Medium {
	m, err := w.e.svc.Media.Upload(w.ctx(), w.users[r], purpose, bytes.NewReader(testPNG(w.e.t, 40, 30)))
	w.must(err)
	return m
}

// workImage adds a new image to talent A's works and returns its id.
func (w *world) workImage() string {
	m := w.upload(creator, models.PurposeWork)
	works := []models.WorkInput{{Title: "Image " + m.ID, Images: []string{m.ID}}}
	_, err := w.e.svc.Talents.Update(w.ctx(), w.users[creator], w.talentA, models.TalentUpdate{Works: &works}, 0)
	w.must(err)
	return m.ID
}

// pendingOrg is a fresh pending organisation whose only member acts as the
// "org member" of the cell.
func pendingOrg(suffix string) func(*world, role) target {
	return func(w *world, _ role) target {
		tok, u := w.throwaway(member)
		o := w.verifiedOrg(u, models.StatusPending)
		var body any
		if suffix == "/verify" {
			body = map[string]any{"decision": "verified"}
		}
		return target{path: "/api/v1/orgs/" + o.ID + suffix, body: body, tokens: map[role]string{member: tok}}
	}
}

// orgWithStatus is a fresh organisation of the status whose only member
// (its manager) acts as the "org member" of the cell, and body.
func orgWithStatus(st models.Status, body any) func(*world, role) target {
	return func(w *world, _ role) target {
		tok, u := w.throwaway(member)
		o := w.verifiedOrg(u, st)
		return target{path: "/api/v1/orgs/" + o.ID, body: body, tokens: map[role]string{member: tok}}
	}
}

func TestAuthorizationMatrix(t *testing.T) {
	w := newWorld(t)
	table := append(rows(w), incubationRows()...)
	cells := 0
	for _, rw := range table {
		for r := anon; r < nRoles; r++ {
			name := fmt.Sprintf("%s %s [%s] as %s", rw.method, rw.route, rw.name, roleNames[r])
			tg := rw.make(w, r)
			tok := w.tokens[r]
			if o, ok := tg.tokens[r]; ok {
				tok = o
			}
			res := w.e.call(rw.method, tg.path, tok, tg.body, tg.headers...)
			cells++
			if res.status != rw.want[r] {
				t.Errorf("%s: status %d, want %d: %.200s", name, res.status, rw.want[r], res.raw)
			}
		}
	}
	t.Logf("authorization matrix: %d routes, %d rows × %d roles = %d cells", len(routesOf(table)), len(table), nRoles, cells)

	// Every route has rows: a route added without them fails here.
	covered := routesOf(table)
	for _, r := range w.e.app.GetRoutes(true) {
		if r.Method == "HEAD" || strings.HasPrefix(r.Path, "/test/") {
			continue
		}
		if !covered[r.Method+" "+r.Path] {
			t.Errorf("route %s %s has no row in the authorization matrix", r.Method, r.Path)
		}
	}
}

func routesOf(table []row) map[string]bool {
	out := map[string]bool{}
	for _, rw := range table {
		out[rw.method+" "+rw.route] = true
	}
	return out
}
