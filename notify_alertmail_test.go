package main

import (
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestSavedSearchAlertMail reads a saved search's alert as its owner's
// mail client gets it, from a real SMTP server: an organisation saves a
// search, a public profile that matches appears, and one mail arrives
// with the search's name and count in its subject, a link to the profile
// at PUBLIC_URL, and a one-click unsubscribe; it names neither the
// profile's phone nor a private profile that matches too. Its unsubscribe
// link turns that kind of mail off: the next match is still notified in
// the app, and no mail follows.
func TestSavedSearchAlertMail(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary and waits for mail")
	}
	sink := startSink(t, freePort(t))
	f := startMailFaults(t, t.TempDir(), sink.url())
	f.must(201, "POST", "/api/v1/admin/users", f.admin, map[string]any{"email": "officer@gov.example", "password": "correct horse", "name": "王科长", "role": "bureau"})
	bureau := str(f.must(200, "POST", "/api/v1/auth/login", "", map[string]any{"email": "officer@gov.example", "password": "correct horse"}), "token")
	const hrEmail = "hr@studio.example"
	hr := f.register(hrEmail, "HR", "org")
	f.verifyByMail(sink, hrEmail)
	org := f.must(201, "POST", "/api/v1/orgs", hr, map[string]any{"name": "山海工作室", "kind": "enterprise", "district": "nanshan", "industries": []string{"games"}})
	f.must(200, "POST", "/api/v1/orgs/"+str(org, "id")+"/verify", bureau, map[string]string{"decision": "verified"})
	f.must(201, "POST", "/api/v1/saved-searches", hr, map[string]any{"name": "南山原画", "query": "q=原画&district=nanshan"})

	profile := func(email, name, visibility string) string {
		token := f.register(email, name, "creator")
		return str(f.must(201, "POST", "/api/v1/talents", token, map[string]any{"name": name, "headline": "角色原画师", "skills": []string{"原画"},
			"district": "nanshan", "visibility": visibility, "contact": map[string]any{"phone": "13812345678"}}), "id")
	}
	hidden := profile("c3@example.com", "赵隐", "private") // matches; nobody else may see it
	match := profile("c1@example.com", "李明", "public")

	alert := regexp.MustCompile(`保存的搜索「南山原画」`)
	got := sink.waitTo(t, hrEmail, alert, mailFaultGuard)
	f.quiet()
	if n := len(sink.to(hrEmail, alert)); n != 1 {
		t.Errorf("%d alert mails for one match, want 1", n)
	}
	if got.subject != "保存的搜索「南山原画」有 1 个新结果" {
		t.Errorf("the alert's subject: %q", got.subject)
	}
	if got.link("http://localhost:8080/talents/"+match) == "" {
		t.Errorf("the alert does not link to the profile %s: %q", match, got.text)
	}
	for _, leak := range []string{"13812345678", "赵隐", hidden} {
		if strings.Contains(got.text, leak) || strings.Contains(got.html, leak) || strings.Contains(got.subject, leak) {
			t.Errorf("the alert mail names %q", leak)
		}
	}
	unsub := got.header.Get("List-Unsubscribe")
	m := regexp.MustCompile(`<(https?://[^>]+)>`).FindStringSubmatch(unsub)
	if m == nil || got.header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("no one-click unsubscribe: %q / %q", unsub, got.header.Get("List-Unsubscribe-Post"))
	}

	// The one-click unsubscribe, as a mail client sends it, to this
	// process (the link names PUBLIC_URL's default, not its port).
	u, err := url.Parse(m[1])
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", f.p.base+u.RequestURI(), strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode >= 300 {
		t.Fatalf("the one-click unsubscribe: %v %v", res, err)
	}
	res.Body.Close()
	prefs := f.must(200, "GET", "/api/v1/me/mail-preferences", hr, nil)
	for _, k := range prefs["kinds"].([]any) {
		if k := k.(map[string]any); str(k, "kind") == "saved_search" && k["email"] != false {
			t.Errorf("after the unsubscribe the alert's mail is still on: %v", k)
		}
	}

	before := f.notes(hr, "saved_search")
	profile("c2@example.com", "王芳", "public")
	// The second match is told in the app (a notice of its own, or the
	// first's count grown): the notices differ from before it.
	f.until("the second alert in the app", mailFaultGuard, func() bool {
		return !maps.Equal(before, f.notes(hr, "saved_search"))
	})
	f.quiet()
	if n := len(sink.to(hrEmail, alert)); n != 1 {
		t.Errorf("%d alert mails after the unsubscribe, want the 1 before it", n)
	}
	f.stop()
}
