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
	must := a.expecting(t)
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
	a, must = b, b.expecting(t) // the helpers above call a
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

// TestSavedSearchesAlert: an organisation's saved talent search tells it
// of a profile that newly matches, once, and not of one that does not
// match or that it may not see; a creator's saved project search tells
// them of an open project that reaches their match score.
func TestSavedSearchesAlert(t *testing.T) {
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(),
		"ADMIN_EMAIL": "admin@example.com", "ADMIN_PASSWORD": "correct horse battery staple"}
	a := start(t, env)
	defer a.stop(t)
	must := a.expecting(t)
	register := func(email, role string) string {
		return str(must(201, "POST", "/api/v1/auth/register", "", map[string]any{"email": email, "password": "correct horse", "name": "N", "role": role}), "token")
	}
	_, adm := a.call(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "admin@example.com", "password": "correct horse battery staple"})
	must(201, "POST", "/api/v1/admin/users", str(adm, "token"), map[string]any{"email": "officer@gov.example", "password": "correct horse", "name": "王科长", "role": "bureau"})
	_, bu := a.call(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "officer@gov.example", "password": "correct horse"})
	hr := register("hr@studio.example", "org")
	org := must(201, "POST", "/api/v1/orgs", hr, map[string]any{"name": "山海工作室", "kind": "enterprise", "district": "nanshan", "industries": []string{"games"}})
	must(200, "POST", "/api/v1/orgs/"+str(org, "id")+"/verify", str(bu, "token"), map[string]string{"decision": "verified"})

	// Hostile saves change nothing.
	for _, body := range []map[string]any{
		{"name": "", "query": "q=原画"}, {"name": "x", "query": "page=2"}, {"name": "x", "query": "min_years=old"},
		{"name": "x", "query": "q=a&q=b"}, {"name": "x", "query": "%zz"}, {"name": "x", "kind": "projects", "query": "q=x"},
		{"name": "x", "alert": "hourly"},
	} {
		if code, got := a.call(t, "POST", "/api/v1/saved-searches", hr, body); code != 422 && code != 403 {
			t.Errorf("save %v: %d %v", body, code, got)
		}
	}
	saved := must(201, "POST", "/api/v1/saved-searches", hr, map[string]any{"name": "南山原画", "query": "q=原画&district=nanshan"})
	if str(saved, "kind") != "talents" || str(saved, "alert") != "instant" {
		t.Fatalf("saved: %v", saved)
	}
	profile := func(token, headline, district, visibility string) string {
		return str(must(201, "POST", "/api/v1/talents", token, map[string]any{"name": "李明", "headline": headline, "skills": []string{"原画"},
			"district": district, "visibility": visibility}), "id")
	}
	c1 := register("c1@example.com", "creator")
	match := profile(c1, "角色原画师", "nanshan", "public")
	c2 := register("c2@example.com", "creator")
	profile(c2, "剪辑师", "futian", "public") // neither the words nor the district
	c3 := register("c3@example.com", "creator")
	profile(c3, "场景原画", "nanshan", "private") // matches, but nobody may see it
	// The matching profile changes again: still one alert.
	must(200, "PATCH", "/api/v1/talents/"+match, c1, map[string]any{"bio": "十年经验"})
	// A creator's project search: open game projects at 30 or more.
	must(201, "POST", "/api/v1/saved-searches", c1, map[string]any{"name": "游戏项目", "query": "industries=games", "min_score": 30})
	must(201, "POST", "/api/v1/projects", hr, map[string]any{"title": "角色原画", "description": "为新游戏绘制角色", "kind": "job",
		"skills": []string{"原画"}, "industries": []string{"games"}, "district": "nanshan", "openings": 1})
	must(201, "POST", "/api/v1/projects", hr, map[string]any{"title": "宣传片剪辑", "description": "剪辑", "kind": "job",
		"skills": []string{"剪辑"}, "industries": []string{"film_tv"}, "district": "futian", "openings": 1})

	// The last event told (the creator's project alert) comes after every
	// profile's in the feed: once it is there, the organisation's are too.
	kinds, titles, _ := inboxOf(t, a, c1, 1)
	if diff := cmp.Diff([]string{"saved_search"}, kinds); diff != "" || !strings.Contains(titles[0], "角色原画") {
		t.Fatalf("the creator's alerts (-want +got):\n%s %q", diff, titles)
	}
	code, got := a.call(t, "GET", "/api/v1/notifications", hr, nil)
	items, _ := got["items"].([]any)
	var alerts []string
	for _, it := range items {
		m := it.(map[string]any)
		if str(m, "kind") == "saved_search" {
			alerts = append(alerts, str(m, "link"))
		}
	}
	if code != 200 || !cmp.Equal([]string{"/talents/" + match}, alerts) {
		t.Fatalf("the organisation's alerts: %d %q", code, alerts)
	}
	// Deleting the search: another's id is 404, one's own 204, then gone.
	if code, _ := a.call(t, "DELETE", "/api/v1/saved-searches/"+str(saved, "id"), c1, nil); code != 404 {
		t.Errorf("another's saved search deleted: %d", code)
	}
	must(204, "DELETE", "/api/v1/saved-searches/"+str(saved, "id"), hr, nil)
	if got := must(200, "GET", "/api/v1/saved-searches", hr, nil); got["total"] != float64(0) {
		t.Errorf("after deletion: %v", got)
	}
}
