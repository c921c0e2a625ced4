package server_test

import (
	"fmt"
	"time"

	"github.com/szdc/talenthub/models"
)

// Incubation's fixtures and rows of the authorization matrix.

// team is a fresh team founded by creator A.
func (w *world) team() *models.Team {
	t, err := w.e.svc.Incubation.CreateTeam(w.ctx(), w.users[creator], models.TeamInput{Name: fmt.Sprintf("Team %d", w.next()),
		Stage: models.StagePrototype, Industry: "games", District: "nanshan", Pitch: "数字人 虚拟主播"})
	w.must(err)
	return t
}

// teamWithInvite is a fresh team of creator A that invited creator B.
func (w *world) teamWithInvite() *models.Team {
	t := w.team()
	t, err := w.e.svc.Incubation.InviteMember(w.ctx(), w.users[creator], t.ID, models.TeamInvite{TalentID: w.talentB})
	w.must(err)
	return t
}

func (w *world) callInput() models.CallInput {
	today := time.Now().In(models.ChinaTime)
	return models.CallInput{Title: fmt.Sprintf("Call %d", w.next()), Description: "数字人 孵化", Stages: []models.TeamStage{models.StageIdea, models.StagePrototype},
		Seats: 2, Opens: today.AddDate(0, 0, -1).Format(models.DateLayout), Closes: today.AddDate(0, 0, 30).Format(models.DateLayout), Individuals: true,
		Questions: []models.Question{{ID: "q1", Kind: models.QuestionText, Label: "Why", Required: true}},
		Rubric:    []models.Criterion{{ID: "a", Label: "Team", Weight: 2}, {ID: "b", Label: "Market", Weight: 1}}}
}

// call is a fresh open call of O1 that O1's member reviews.
func (w *world) call() *models.Call {
	c, err := w.e.svc.Incubation.CreateCall(w.ctx(), w.users[member], w.callInput())
	w.must(err)
	c, err = w.e.svc.Incubation.AddReviewer(w.ctx(), w.users[member], c.ID, models.ReviewerInput{UserID: w.users[member].ID})
	w.must(err)
	return c
}

// entry is creator A's submitted entry (alone) to a fresh call.
func (w *world) entry() *models.Entry {
	e, err := w.e.svc.Incubation.Apply(w.ctx(), w.users[creator], w.call().ID, models.EntryInput{Answers: map[string]string{"q1": "because"}, Submit: true})
	w.must(err)
	return e
}

// accepted is a fresh call with creator A's team accepted into its cohort,
// reviewed by O1's member and an outside expert.
func (w *world) accepted() (*models.Call, *models.Team) {
	ctx, inc := w.ctx(), w.e.svc.Incubation
	c := w.call()
	c, err := inc.AddReviewer(ctx, w.users[member], c.ID, models.ReviewerInput{Email: fmt.Sprintf("expert%d@example.com", w.next()), Name: "Expert"})
	w.must(err)
	expert, err := w.e.store.User(ctx, c.Reviewers[1])
	w.must(err)
	t := w.team()
	e, err := inc.Apply(ctx, w.users[creator], c.ID, models.EntryInput{TeamID: t.ID, Answers: map[string]string{"q1": "x"}, Submit: true})
	w.must(err)
	for _, u := range []*models.User{w.users[member], expert} {
		_, err := inc.Review(ctx, u, e.ID, models.ReviewInput{Scores: map[string]int{"a": 7, "b": 5}, Submit: true})
		w.must(err)
	}
	_, err = inc.Decide(ctx, w.users[member], e.ID, models.DecideInput{Decision: models.EntryAccepted, Message: "welcome"})
	w.must(err)
	return c, t
}

func incubationRows() []row {
	const (
		ok = 200
		cr = 201
		no = 204
	)
	teamBody := map[string]any{"name": "Team", "stage": "idea", "industry": "games", "district": "nanshan", "pitch": "虚拟主播"}
	return []row{
		{"POST", "/api/v1/teams", "", fixed("/api/v1/teams", teamBody), [nRoles]int{401, cr, cr, 403, 403, 403, 403}},
		{"GET", "/api/v1/teams", "", fixed("/api/v1/teams?q=虚拟主播&stage=idea,prototype&mine=true", nil), [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/teams/:id", "", func(w *world, _ role) target { return target{path: "/api/v1/teams/" + w.team().ID} },
			[nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"PUT", "/api/v1/teams/:id", "creator A's", func(w *world, _ role) target {
			return target{path: "/api/v1/teams/" + w.team().ID, body: teamBody}
		}, [nRoles]int{401, ok, 403, 403, 403, 403, 403}},
		{"POST", "/api/v1/teams/:id/members", "invite creator B", func(w *world, _ role) target {
			return target{path: "/api/v1/teams/" + w.team().ID + "/members", body: map[string]any{"talent_id": w.talentB}}
		}, [nRoles]int{401, ok, 403, 403, 403, 403, 403}},
		{"DELETE", "/api/v1/teams/:id/members/:user_id", "creator B, invited", func(w *world, _ role) target {
			return target{path: "/api/v1/teams/" + w.teamWithInvite().ID + "/members/" + w.users[creator2].ID}
		}, [nRoles]int{401, no, no, 403, 403, 403, 403}},
		{"POST", "/api/v1/teams/:id/invitation", "creator B invited", func(w *world, _ role) target {
			return target{path: "/api/v1/teams/" + w.teamWithInvite().ID + "/invitation", body: map[string]any{"accept": true}}
		}, [nRoles]int{401, 409, ok, 409, 409, 409, 409}},
		{"GET", "/api/v1/teams/:id/matches", "", func(w *world, _ role) target { return target{path: "/api/v1/teams/" + w.team().ID + "/matches"} },
			[nRoles]int{401, ok, 403, 403, 403, 403, 403}},

		{"POST", "/api/v1/calls", "", func(w *world, _ role) target { return target{path: "/api/v1/calls", body: w.callInput()} },
			[nRoles]int{401, 403, 403, cr, cr, 403, 403}},
		{"GET", "/api/v1/calls", "open", fixed("/api/v1/calls", nil), [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/calls", "mine", fixed("/api/v1/calls?mine=true", nil), [nRoles]int{401, 403, 403, ok, ok, 403, 403}},
		{"GET", "/api/v1/calls/:id", "", func(w *world, _ role) target { return target{path: "/api/v1/calls/" + w.call().ID} },
			[nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"PUT", "/api/v1/calls/:id", "O1's", func(w *world, _ role) target {
			return target{path: "/api/v1/calls/" + w.call().ID, body: w.callInput()}
		}, [nRoles]int{401, 403, 403, ok, 403, 403, 403}},
		{"GET", "/api/v1/calls/:id/reviewers", "", func(w *world, _ role) target { return target{path: "/api/v1/calls/" + w.call().ID + "/reviewers"} },
			[nRoles]int{401, 403, 403, ok, 403, 403, 403}},
		{"POST", "/api/v1/calls/:id/reviewers", "O1's member", func(w *world, _ role) target {
			return target{path: "/api/v1/calls/" + w.call().ID + "/reviewers", body: map[string]any{"user_id": w.users[member].ID}}
		}, [nRoles]int{401, 403, 403, ok, 403, 403, 403}},
		{"DELETE", "/api/v1/calls/:id/reviewers/:user_id", "O1's member", func(w *world, _ role) target {
			return target{path: "/api/v1/calls/" + w.call().ID + "/reviewers/" + w.users[member].ID}
		}, [nRoles]int{401, 403, 403, no, 403, 403, 403}},
		{"POST", "/api/v1/calls/:id/entries", "alone", func(w *world, _ role) target {
			return target{path: "/api/v1/calls/" + w.call().ID + "/entries", body: map[string]any{"answers": map[string]any{"q1": "x"}, "submit": true}}
		}, [nRoles]int{401, cr, cr, 403, 403, 403, 403}},
		{"GET", "/api/v1/calls/:id/entries", "", func(w *world, _ role) target { return target{path: "/api/v1/calls/" + w.entry().CallID + "/entries"} },
			[nRoles]int{401, 403, 403, ok, 403, 403, 403}},
		{"GET", "/api/v1/calls/:id/ranking", "", func(w *world, _ role) target { return target{path: "/api/v1/calls/" + w.entry().CallID + "/ranking"} },
			[nRoles]int{401, 403, 403, ok, 403, 403, 403}},
		{"GET", "/api/v1/calls/:id/ranking.xlsx", "", func(w *world, _ role) target {
			return target{path: "/api/v1/calls/" + w.entry().CallID + "/ranking.xlsx"}
		}, [nRoles]int{401, 403, 403, ok, 403, 403, 403}},
		{"GET", "/api/v1/calls/:id/cohort", "creator A's team accepted", func(w *world, _ role) target {
			c, _ := w.accepted()
			return target{path: "/api/v1/calls/" + c.ID + "/cohort"}
		}, [nRoles]int{401, ok, 403, ok, 403, ok, ok}},
		{"POST", "/api/v1/calls/:id/cohort/:team_id/milestones", "", func(w *world, _ role) target {
			c, t := w.accepted()
			return target{path: "/api/v1/calls/" + c.ID + "/cohort/" + t.ID + "/milestones", body: map[string]any{"kind": "incorporated", "date": models.Today(time.Now())}}
		}, [nRoles]int{401, 403, 403, cr, 403, 403, 403}},
		{"GET", "/api/v1/calls/:id/matches", "", func(w *world, _ role) target { return target{path: "/api/v1/calls/" + w.call().ID + "/matches"} },
			[nRoles]int{401, 403, 403, ok, 403, 403, 403}},

		{"GET", "/api/v1/entries", "", fixed("/api/v1/entries", nil), [nRoles]int{401, ok, ok, ok, ok, ok, ok}},
		{"GET", "/api/v1/entries/:id", "creator A's, submitted", func(w *world, _ role) target { return target{path: "/api/v1/entries/" + w.entry().ID} },
			[nRoles]int{401, ok, 404, ok, 404, 404, 404}},
		{"PATCH", "/api/v1/entries/:id", "creator A's", func(w *world, _ role) target {
			return target{path: "/api/v1/entries/" + w.entry().ID, body: map[string]any{"answers": map[string]any{"q1": "changed"}}}
		}, [nRoles]int{401, ok, 404, 403, 404, 404, 404}},
		{"PUT", "/api/v1/entries/:id/review", "O1's member reviews", func(w *world, _ role) target {
			return target{path: "/api/v1/entries/" + w.entry().ID + "/review", body: map[string]any{"scores": map[string]any{"a": 5}}}
		}, [nRoles]int{401, 403, 404, ok, 404, 404, 404}},
		{"GET", "/api/v1/entries/:id/reviews", "", func(w *world, _ role) target { return target{path: "/api/v1/entries/" + w.entry().ID + "/reviews"} },
			[nRoles]int{401, 403, 404, ok, 404, 404, 404}},
		{"POST", "/api/v1/entries/:id/decision", "no reviews yet", func(w *world, _ role) target {
			return target{path: "/api/v1/entries/" + w.entry().ID + "/decision", body: map[string]any{"decision": "accepted"}}
		}, [nRoles]int{401, 403, 404, 409, 404, 404, 404}},
		{"GET", "/api/v1/stats/incubation", "", fixed("/api/v1/stats/incubation?year=2025", nil), [nRoles]int{401, 403, 403, 403, 403, ok, ok}},
	}
}
