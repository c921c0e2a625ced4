package service_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/szdc/talenthub/models"
)

// TestApplicationThread: the creator and the organisation's members write
// to each other on an application; each side is told, sees read receipts,
// and nobody else reads or writes; the creator's export keeps the thread
// and an erasure removes it.
func TestApplicationThread(t *testing.T) {
	w := newJourneyWorld(t)
	app, err := w.svc.Applications.Create(w.ctx, w.creator, w.project.ID, models.ApplicationInput{Message: "您好，我想申请。"})
	must(t, err)
	page := models.Page{Page: 1, PerPage: 50}
	bodies := func(th *models.Thread) []string {
		out := []string{}
		for _, m := range th.Items {
			out = append(out, string(m.Side)+":"+m.Body)
		}
		return out
	}

	t.Run("the organisation answers; the creator is told", func(t *testing.T) {
		m, err := w.svc.Messages.Post(w.ctx, w.member, app.ID, models.MessageInput{Body: "  您好！请问何时方便面试？ "})
		must(t, err)
		if m.N != 0 || m.Side != models.SideOrg || m.Body != "您好！请问何时方便面试？" || m.AuthorName != w.member.Name {
			t.Fatalf("the message: %+v", m)
		}
		th, err := w.svc.Messages.Thread(w.ctx, w.creator, app.ID, page)
		must(t, err)
		if th.Unread != 1 || th.Total != 1 || th.Items[0].Read {
			t.Fatalf("the creator's thread: %+v", th)
		}
		in, err := w.svc.Notifications.Inbox(w.ctx, w.creator, true, page)
		must(t, err)
		if len(in.Items) != 1 || in.Items[0].Kind != models.NoteMessage || in.Items[0].Link != "/applications/"+app.ID+"/messages" ||
			!strings.Contains(in.Items[0].Title, "游戏原画师") {
			t.Fatalf("the creator's notifications: %+v", in.Items)
		}
	})
	t.Run("the organisation's thread tells nothing of the creator's contact details", func(t *testing.T) {
		// The creator has not shared them: the thread carries names and
		// words only (the phone and the address are in the profile and the
		// account).
		th, err := w.svc.Messages.Thread(w.ctx, w.member, app.ID, page)
		must(t, err)
		raw, err := json.Marshal(th)
		must(t, err)
		for _, secret := range []string{"13812345678", w.creator.Email} {
			if strings.Contains(string(raw), secret) {
				t.Fatalf("the organisation's thread holds %q: %s", secret, raw)
			}
		}
	})
	t.Run("the creator reads and replies; receipts on both sides", func(t *testing.T) {
		must(t, w.svc.Messages.MarkRead(w.ctx, w.creator, app.ID))
		th, err := w.svc.Messages.Thread(w.ctx, w.member, app.ID, page)
		must(t, err)
		if !th.Items[0].Read || th.Unread != 0 {
			t.Fatalf("the organisation does not see its message read: %+v", th.Items[0])
		}
		_, err = w.svc.Messages.Post(w.ctx, w.creator, app.ID, models.MessageInput{Body: "周三下午可以。"})
		must(t, err)
		th, err = w.svc.Messages.Thread(w.ctx, w.member, app.ID, page)
		must(t, err)
		if d := cmp.Diff([]string{"org:您好！请问何时方便面试？", "creator:周三下午可以。"}, bodies(th)); d != "" || th.Unread != 1 || th.Items[1].AuthorName != "李明" {
			t.Fatalf("the organisation's thread (-want +got):\n%s unread %d", d, th.Unread)
		}
		in, err := w.svc.Notifications.Inbox(w.ctx, w.member, true, page)
		must(t, err)
		if len(in.Items) == 0 || in.Items[0].Kind != models.NoteMessage {
			t.Fatalf("the member was not told: %+v", in.Items)
		}
	})
	t.Run("paging: page 1 is the latest", func(t *testing.T) {
		th, err := w.svc.Messages.Thread(w.ctx, w.member, app.ID, models.Page{Page: 1, PerPage: 1})
		must(t, err)
		if d := cmp.Diff([]string{"creator:周三下午可以。"}, bodies(th)); d != "" {
			t.Fatalf("page 1 of 1 per page (-want +got):\n%s", d)
		}
		th, err = w.svc.Messages.Thread(w.ctx, w.member, app.ID, models.Page{Page: 3, PerPage: 1})
		must(t, err)
		if len(th.Items) != 0 || th.Total != 2 {
			t.Fatalf("past the start: %+v", th)
		}
	})
	t.Run("nobody else, and nothing empty or too long", func(t *testing.T) {
		other := w.account(t, "other@example.com", models.RoleCreator)
		for name, u := range map[string]*models.User{"another creator": other, "the bureau": w.bureau, "anonymous": nil} {
			if _, err := w.svc.Messages.Thread(w.ctx, u, app.ID, page); err == nil {
				t.Errorf("%s read the thread", name)
			}
			if _, err := w.svc.Messages.Post(w.ctx, u, app.ID, models.MessageInput{Body: "hi"}); err == nil {
				t.Errorf("%s wrote to the thread", name)
			}
		}
		for _, body := range []string{"", "   ", strings.Repeat("字", 2001)} {
			if _, err := w.svc.Messages.Post(w.ctx, w.creator, app.ID, models.MessageInput{Body: body}); !models.IsCode(err, models.CodeValidation) {
				t.Errorf("a body of %d runes: %v", len([]rune(body)), err)
			}
		}
		if th, _ := w.svc.Messages.Thread(w.ctx, w.creator, app.ID, page); th.Total != 2 {
			t.Fatalf("refused messages were written: %d", th.Total)
		}
	})
	t.Run("a rate limit per account", func(t *testing.T) {
		var err error
		for i := range models.MessagesPerHour + 1 {
			if _, err = w.svc.Messages.Post(w.ctx, w.member, app.ID, models.MessageInput{Body: "提醒"}); err != nil {
				if i < models.MessagesPerHour-1 { // one message was sent above
					t.Fatalf("message %d refused: %v", i, err)
				}
				break
			}
		}
		if !models.IsCode(err, models.CodeRateLimited) {
			t.Fatalf("past the hour's allowance: %v", err)
		}
	})
	t.Run("the export keeps the thread; the erasure removes it", func(t *testing.T) {
		x, err := w.svc.Talents.Export(w.ctx, w.creator, w.talent.ID)
		must(t, err)
		if got := len(x.Threads[app.ID]); got < 2 {
			t.Fatalf("the export holds %d messages", got)
		}
		must(t, w.svc.Talents.Erase(w.ctx, models.Erasure{TalentID: w.talent.ID, By: w.creator.ID}, w.creator))
		h, err := w.st.ThreadHead(w.ctx, app.ID)
		must(t, err)
		if msgs, _ := w.st.Messages(w.ctx, app.ID, 0, 100); h.Count != 0 || len(msgs) != 0 {
			t.Fatalf("after the erasure the thread holds %d messages (head %d)", len(msgs), h.Count)
		}
	})
}

// TestBoardCards: the organisation's board shows each applicant's
// headline, match score, the project's skills they have and when the
// application last moved, a page at a time; nobody else gets the board.
func TestBoardCards(t *testing.T) {
	w := newJourneyWorld(t)
	app, err := w.svc.Applications.Create(w.ctx, w.creator, w.project.ID, models.ApplicationInput{Message: "您好"})
	must(t, err)
	moved, err := w.svc.Applications.Update(w.ctx, w.member, app.ID, models.ApplicationUpdate{Stage: models.StageShortlisted}, 0)
	must(t, err)
	for i, name := range []string{"a@example.com", "b@example.com"} {
		u := w.account(t, name, models.RoleCreator)
		_, err := w.svc.Talents.Create(w.ctx, u, models.TalentInput{Name: name, Headline: "剪辑师", Skills: []string{"剪辑"}, Visibility: models.VisibilityPublic})
		must(t, err)
		if i == 0 {
			_, err = w.svc.Applications.Create(w.ctx, u, w.project.ID, models.ApplicationInput{})
		} else {
			_, err = w.svc.Applications.Create(w.ctx, w.member, w.project.ID, models.ApplicationInput{TalentID: u.ID})
		}
		must(t, err)
	}
	board, err := w.svc.Applications.Board(w.ctx, w.member, w.project.ID, models.Page{Page: 1, PerPage: 100})
	must(t, err)
	if board.Total != 3 || len(board.Items) != 3 {
		t.Fatalf("the board: %d of %d", len(board.Items), board.Total)
	}
	var lin *models.ApplicationCard
	for _, c := range board.Items {
		if c.ID == app.ID {
			lin = c
		}
	}
	if lin == nil || lin.Headline != "原画师" || lin.Score == nil || *lin.Score <= 0 || !cmp.Equal(lin.Matched, []string{"原画"}) ||
		!lin.LastMove.Equal(moved.History[len(moved.History)-1].At) {
		t.Fatalf("the card of the shortlisted applicant: %+v", lin)
	}
	// The card's score is the project's matches page's for the same
	// applicant (the text factor included).
	matches, err := w.svc.Projects.Matches(w.ctx, w.member, w.project.ID, models.Page{Page: 1, PerPage: 100})
	must(t, err)
	found := false
	for _, m := range matches.Items {
		if m.Talent.ID == lin.TalentID {
			found = true
			if m.Score != *lin.Score {
				t.Errorf("the card scores %v, the matches page %v", *lin.Score, m.Score)
			}
		}
	}
	if !found {
		t.Fatalf("the applicant is not on the matches page: %+v", matches.Items)
	}
	page2, err := w.svc.Applications.Board(w.ctx, w.member, w.project.ID, models.Page{Page: 2, PerPage: 2})
	must(t, err)
	if page2.Total != 3 || len(page2.Items) != 1 {
		t.Fatalf("page 2 of 2 per page: %d of %d", len(page2.Items), page2.Total)
	}
	other := w.account(t, "rival@example.com", models.RoleOrg)
	for name, u := range map[string]*models.User{"the creator": w.creator, "an organisation account": other, "anonymous": nil} {
		if _, err := w.svc.Applications.Board(w.ctx, u, w.project.ID, models.Page{Page: 1, PerPage: 10}); err == nil {
			t.Errorf("%s got the board", name)
		}
	}
}

// TestRecruiterDesk: notes and favourites are the organisation's own,
// about profiles its members may read, and go with the talent's erasure.
func TestRecruiterDesk(t *testing.T) {
	w := newJourneyWorld(t)
	_, err := w.svc.Desk.AddNote(w.ctx, w.member, w.talent.ID, models.NoteInput{Body: " 作品扎实，可约面试 "})
	must(t, err)
	must(t, w.svc.Desk.SetFavourite(w.ctx, w.member, w.talent.ID, true))
	must(t, w.svc.Desk.SetFavourite(w.ctx, w.member, w.talent.ID, true)) // twice is once
	notes, err := w.svc.Desk.Notes(w.ctx, w.member, w.talent.ID)
	must(t, err)
	favs, err := w.svc.Desk.Favourites(w.ctx, w.member)
	must(t, err)
	if len(notes) != 1 || notes[0].Body != "作品扎实，可约面试" || len(favs) != 1 || favs[0].ID != w.talent.ID || favs[0].Contact.Phone == "13812345678" {
		t.Fatalf("notes %+v, favourites %+v", notes, favs)
	}
	// Another verified organisation sees none of it; the creator and an
	// organisation account without an organisation may not ask.
	rival := w.account(t, "rival@studio.example", models.RoleOrg)
	o, err := w.svc.Orgs.Create(w.ctx, rival, models.OrgInput{Name: "对手工作室", Kind: models.OrgEnterprise, District: "futian", Industries: []string{"games"}})
	must(t, err)
	_, err = w.svc.Orgs.Decide(w.ctx, w.bureau, o.ID, models.DecisionInput{Decision: models.StatusVerified})
	must(t, err)
	rival = w.refresh(t, rival)
	if notes, err := w.svc.Desk.Notes(w.ctx, rival, w.talent.ID); err != nil || len(notes) != 0 {
		t.Fatalf("another organisation's notes: %v %v", notes, err)
	}
	if favs, err := w.svc.Desk.Favourites(w.ctx, rival); err != nil || len(favs) != 0 {
		t.Fatalf("another organisation's favourites: %v %v", favs, err)
	}
	for name, u := range map[string]*models.User{"the creator": w.creator, "an account without organisation": w.account(t, "x@example.com", models.RoleOrg)} {
		if _, err := w.svc.Desk.Notes(w.ctx, u, w.talent.ID); !models.IsCode(err, models.CodeForbidden) {
			t.Errorf("%s read notes: %v", name, err)
		}
	}
	for _, body := range []string{"", strings.Repeat("字", 2001)} {
		if _, err := w.svc.Desk.AddNote(w.ctx, w.member, w.talent.ID, models.NoteInput{Body: body}); !models.IsCode(err, models.CodeValidation) {
			t.Errorf("a note of %d runes: %v", len([]rune(body)), err)
		}
	}
	// A profile made private is out of reach, and out of the list.
	private := models.VisibilityPrivate
	_, err = w.svc.Talents.Update(w.ctx, w.creator, w.talent.ID, models.TalentUpdate{Visibility: &private}, 0)
	must(t, err)
	if _, err := w.svc.Desk.Notes(w.ctx, w.member, w.talent.ID); !models.IsCode(err, models.CodeNotFound) {
		t.Errorf("notes about a private profile: %v", err)
	}
	if favs, _ := w.svc.Desk.Favourites(w.ctx, w.member); len(favs) != 0 {
		t.Errorf("a private profile listed among favourites")
	}
	// The erasure takes the notes and the favourite.
	must(t, w.svc.Talents.Erase(w.ctx, models.Erasure{TalentID: w.talent.ID, By: w.creator.ID}, w.creator))
	org := w.member.OrgID
	if notes, _ := w.st.CandidateNotes(w.ctx, org, w.talent.ID); len(notes) != 0 {
		t.Errorf("notes survived the erasure: %v", notes)
	}
	if ids, _ := w.st.FavouriteIDs(w.ctx, org); len(ids) != 0 {
		t.Errorf("the favourite survived the erasure: %v", ids)
	}
}
