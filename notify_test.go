package main

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// inboxOf waits (a generous guard, not a bound) until the user's inbox
// holds want notifications and returns their kinds and titles, newest
// first, with the unread count.
func inboxOf(t *testing.T, a *instance, token string, want int) (kinds, titles []string, unread float64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, got := a.call(t, "GET", "/api/v1/notifications?per_page=100", token, nil)
		if code != 200 {
			t.Fatalf("notifications %d %v", code, got)
		}
		items, _ := got["items"].([]any)
		if len(items) >= want || time.Now().After(deadline) {
			kinds, titles = nil, nil
			for _, it := range items {
				m := it.(map[string]any)
				kinds = append(kinds, str(m, "kind"))
				titles = append(titles, str(m, "title"))
			}
			u, _ := got["unread"].(float64)
			return kinds, titles, u
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestNotificationsFollowTheFeed: the events of a hiring (an application,
// the organisation's moves, the bureau's decisions, an invitation to join)
// reach each party once, in their language, and a restart tells nothing
// twice.
func TestNotificationsFollowTheFeed(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": dir,
		"ADMIN_EMAIL": "admin@example.com", "ADMIN_PASSWORD": "correct horse battery staple"}
	a := start(t, env)
	register := func(email, name, role string) (token, id string) {
		code, reg := a.call(t, "POST", "/api/v1/auth/register", "", map[string]any{"email": email, "password": "correct horse", "name": name, "role": role})
		if code != 201 {
			t.Fatalf("register %s: %d %v", email, code, reg)
		}
		return str(reg, "token"), str(reg, "user", "id")
	}
	must := func(want int, method, path, token string, body any) map[string]any {
		t.Helper()
		code, got := a.call(t, method, path, token, body)
		if code != want {
			t.Fatalf("%s %s: %d %v", method, path, code, got)
		}
		return got
	}
	_, adm := a.call(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "admin@example.com", "password": "correct horse battery staple"})
	must(201, "POST", "/api/v1/admin/users", str(adm, "token"), map[string]any{"email": "officer@gov.example", "password": "correct horse", "name": "王科长", "role": "bureau"})
	_, bu := a.call(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "officer@gov.example", "password": "correct horse"})
	bureau := str(bu, "token")

	creator, _ := register("ming@example.com", "李明", "creator")
	must(200, "PATCH", "/api/v1/me", creator, map[string]any{"language": "en"})
	must(201, "POST", "/api/v1/talents", creator, map[string]any{"name": "李明", "headline": "原画师", "skills": []string{"原画"}, "visibility": "public"})
	hr, _ := register("hr@studio.example", "HR", "org")
	org := must(201, "POST", "/api/v1/orgs", hr, map[string]any{"name": "山海工作室", "kind": "enterprise", "district": "nanshan", "industries": []string{"games"}})
	orgID := str(org, "id")
	must(200, "POST", "/api/v1/orgs/"+orgID+"/verify", bureau, map[string]string{"decision": "verified"})
	colleague, colleagueID := register("li@studio.example", "小李", "org")
	must(201, "POST", "/api/v1/orgs/"+orgID+"/members", hr, map[string]string{"email": "li@studio.example"})
	_ = colleagueID

	project := must(201, "POST", "/api/v1/projects", hr, map[string]any{"title": "角色原画", "description": "为新游戏绘制角色", "kind": "job",
		"skills": []string{"原画"}, "industries": []string{"games"}, "district": "nanshan", "openings": 1})
	app := must(201, "POST", "/api/v1/projects/"+str(project, "id")+"/applications", creator, map[string]any{"message": "想加入", "accept_contact": true})
	appID := str(app, "id")
	must(200, "PATCH", "/api/v1/applications/"+appID, hr, map[string]any{"stage": "shortlisted"})
	must(200, "PATCH", "/api/v1/applications/"+appID, hr, map[string]any{"stage": "rejected", "note": "名额已满"})

	wantCreator := []string{"application_moved", "application_moved"}
	kinds, titles, unread := inboxOf(t, a, creator, len(wantCreator))
	if diff := cmp.Diff(wantCreator, kinds); diff != "" || unread != 2 {
		t.Fatalf("creator's notifications (-want +got):\n%s unread %v", diff, unread)
	}
	// In the creator's language (English), with the stage translated.
	if !strings.Contains(titles[0], "rejected") || !strings.Contains(titles[1], "shortlisted") || !strings.Contains(titles[0], "角色原画") {
		t.Errorf("creator's titles: %q", titles)
	}
	wantHR := []string{"candidate_applied", "contact_shared", "org_decided"}
	kinds, titles, _ = inboxOf(t, a, hr, len(wantHR))
	sort.Strings(kinds)
	if diff := cmp.Diff(wantHR, kinds); diff != "" {
		t.Fatalf("the organisation's notifications (-want +got):\n%s", diff)
	}
	for _, title := range titles {
		if strings.ContainsAny(title, "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("a Chinese reader's title in English: %q", title)
		}
		if strings.Contains(title, "李明") {
			t.Errorf("a title names the candidate: %q", title)
		}
	}
	kinds, _, _ = inboxOf(t, a, colleague, 1)
	if diff := cmp.Diff([]string{"member_invited"}, kinds); diff != "" {
		t.Fatalf("the invited account's notifications (-want +got):\n%s", diff)
	}

	// Reading: some, then all; a body that names nothing is refused.
	code, got := a.call(t, "POST", "/api/v1/notifications/read", creator, map[string]any{})
	if code != 422 || str(got, "error", "code") != "validation_failed" {
		t.Fatalf("empty read: %d %v", code, got)
	}
	code, got = a.call(t, "POST", "/api/v1/notifications/read", creator, map[string]any{"ids": []string{strings.Repeat("x", 201)}})
	if code != 422 {
		t.Fatalf("an overlong id: %d %v", code, got)
	}
	_, got = a.call(t, "GET", "/api/v1/notifications?unread=true", creator, nil)
	first := str(got["items"].([]any)[0].(map[string]any), "id")
	must(204, "POST", "/api/v1/notifications/read", creator, map[string]any{"ids": []string{first}})
	// Another user's ids mark nothing of theirs.
	must(204, "POST", "/api/v1/notifications/read", hr, map[string]any{"all": true})
	if _, _, unread = inboxOf(t, a, creator, 2); unread != 1 {
		t.Fatalf("unread after reading one: %v", unread)
	}
	if code, _ := a.call(t, "GET", "/api/v1/notifications", "", nil); code != 401 {
		t.Fatalf("anonymous notifications: %d", code)
	}
	if code, _ := a.call(t, "GET", "/api/v1/notifications?unread=perhaps", creator, nil); code != 400 {
		t.Fatalf("a bad unread flag: %d", code)
	}

	// A restart on the same data re-reads the feed from the saved
	// position: nothing is told twice.
	a.stop(t)
	b := start(t, env)
	defer b.stop(t)
	a = b // the helpers above call a
	// A new event after the restart: once it is told, the feed before it
	// has been read again.
	project2 := must(201, "POST", "/api/v1/projects", hr, map[string]any{"title": "场景原画", "description": "绘制场景", "kind": "job",
		"skills": []string{"原画"}, "industries": []string{"games"}, "district": "nanshan", "openings": 1})
	must(201, "POST", "/api/v1/projects/"+str(project2, "id")+"/applications", creator, map[string]any{"message": "也想试试"})
	kinds, _, _ = inboxOf(t, b, hr, 4)
	sort.Strings(kinds)
	if diff := cmp.Diff([]string{"candidate_applied", "candidate_applied", "contact_shared", "org_decided"}, kinds); diff != "" {
		t.Fatalf("organisation after restart (-want +got):\n%s", diff)
	}
	if kinds, _, _ := inboxOf(t, b, creator, 2); len(kinds) != 2 {
		t.Fatalf("creator after restart: %q", kinds)
	}
}
