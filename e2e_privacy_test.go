package main

import (
	"strings"
	"testing"
)

// The creator's personal-data rights end to end, on the real binary path:
// everything held is exported; deletion erases it everywhere while the
// verified recruitment record keeps counting, without the person.
func TestExportAndErasureEndToEnd(t *testing.T) {
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(), "ADMIN_EMAIL": "admin@example.com", "ADMIN_PASSWORD": "correct horse battery staple"}
	a := start(t, env)
	defer a.stop(t)
	must := func(code int, body map[string]any, want int, what string) map[string]any {
		t.Helper()
		if code != want {
			t.Fatalf("%s: %d, want %d: %v", what, code, want, body)
		}
		return body
	}
	post := func(path, token string, body any, want int, what string) map[string]any {
		t.Helper()
		code, out := a.call(t, "POST", path, token, body)
		return must(code, out, want, what)
	}
	get := func(path, token string, want int, what string) map[string]any {
		t.Helper()
		code, out := a.call(t, "GET", path, token, nil)
		return must(code, out, want, what)
	}

	admin := str(post("/api/v1/auth/login", "", map[string]any{"email": "admin@example.com", "password": "correct horse battery staple"}, 200, "admin login"), "token")
	post("/api/v1/admin/users", admin, map[string]any{"email": "officer@sz.gov.cn", "password": "correct horse battery", "name": "科员", "role": "bureau"}, 201, "create bureau")
	bureau := str(post("/api/v1/auth/login", "", map[string]any{"email": "officer@sz.gov.cn", "password": "correct horse battery"}, 200, "bureau login"), "token")

	reg := post("/api/v1/auth/register", "", map[string]any{"email": "ming@example.com", "password": "correct horse", "name": "李明", "role": "creator"}, 201, "creator")
	creator, talentID := str(reg, "token"), str(reg, "user", "id")
	post("/api/v1/talents", creator, map[string]any{"name": "李明", "visibility": "orgs", "origin": "overseas", "level": "B", "district": "nanshan",
		"industries": []string{"games"}, "contact": map[string]any{"phone": "13812345678", "email": "ming@example.com"}}, 201, "profile")

	hr := str(post("/api/v1/auth/register", "", map[string]any{"email": "hr@studio.example", "password": "correct horse", "name": "HR", "role": "org"}, 201, "org user"), "token")
	org := post("/api/v1/orgs", hr, map[string]any{"name": "光子工作室", "kind": "enterprise", "district": "nanshan", "industries": []string{"games"}}, 201, "org")
	post("/api/v1/orgs/"+str(org, "id")+"/verify", bureau, map[string]any{"decision": "verified"}, 200, "verify org")
	project := post("/api/v1/projects", hr, map[string]any{"title": "原画师", "kind": "job", "industries": []string{"games"}}, 201, "project")
	app := post("/api/v1/projects/"+str(project, "id")+"/applications", creator, map[string]any{"message": "你好", "accept_contact": true}, 201, "apply")
	appID := str(app, "id")
	for _, st := range []string{"shortlisted", "interviewing", "offered", "hired"} {
		code, out := a.call(t, "PATCH", "/api/v1/applications/"+appID, hr, map[string]any{"stage": st})
		must(code, out, 200, "move to "+st)
	}
	seen := get("/api/v1/talents/"+talentID, hr, 200, "org reads the profile")
	if str(seen, "contact", "phone") != "13812345678" {
		t.Fatalf("consented contact not shown: %v", seen)
	}
	rec := post("/api/v1/recruitments", hr, map[string]any{"application_id": appID, "date": "2025-07-01"}, 201, "report the hire")
	recID := str(rec, "id")
	post("/api/v1/recruitments/"+recID+"/verify", bureau, map[string]any{"decision": "verified"}, 200, "verify record")

	// Export: everything held about the creator.
	x := get("/api/v1/talents/"+talentID+"/export", creator, 200, "export")
	for _, k := range []string{"account", "profile", "sessions", "applications", "contact_consents", "contact_reveals", "recruitments"} {
		if x[k] == nil {
			t.Errorf("export lacks %s", k)
		}
	}
	apps, _ := x["applications"].([]any)
	if len(apps) != 1 || len(apps[0].(map[string]any)["history"].([]any)) != 6 {
		t.Errorf("exported applications: %v", x["applications"])
	}
	if recs, _ := x["recruitments"].([]any); len(recs) != 1 {
		t.Errorf("exported recruitments: %v", x["recruitments"])
	}
	if rev, _ := x["contact_reveals"].([]any); len(rev) != 1 {
		t.Errorf("exported reveals: %v", x["contact_reveals"])
	}
	if cons, _ := x["contact_consents"].([]any); len(cons) != 1 {
		t.Errorf("exported consents: %v", x["contact_consents"])
	}

	// Erasure.
	code, out := a.call(t, "DELETE", "/api/v1/talents/"+talentID, creator, nil)
	must(code, out, 204, "erase")
	get("/api/v1/talents/"+talentID, hr, 404, "profile after erasure")
	get("/api/v1/applications/"+appID, hr, 404, "application after erasure")
	if l := get("/api/v1/applications", hr, 200, "org's applications"); l["total"] != 0.0 {
		t.Errorf("the org still lists the application: %v", l)
	}
	if l := get("/api/v1/audit?action=contact.reveal", bureau, 200, "reveals"); l["total"] != 0.0 {
		t.Errorf("reveals survive the erasure: %v", l)
	}
	r := get("/api/v1/recruitments/"+recID, bureau, 200, "record after erasure")
	if str(r, "status") != "verified" || r["erased"] != true || str(r, "talent_name") != "" || str(r, "talent_id") == talentID ||
		!strings.HasPrefix(str(r, "talent_id"), "erased-") || str(r, "origin") != "overseas" || str(r, "level") != "B" {
		t.Fatalf("record after erasure: %v", r)
	}
	if l := get("/api/v1/recruitments?year=2025&status=verified", bureau, 200, "bureau list"); l["total"] != 1.0 {
		t.Errorf("the verified record no longer counts: %v", l)
	}
	if l := get("/api/v1/audit?action=talent.erase", bureau, 200, "erasure audit"); l["total"] != 1.0 {
		t.Errorf("erasure not audited: %v", l)
	}
	// Nothing in the audit trail still names the person.
	for _, q := range []string{"/api/v1/audit?per_page=100", "/api/v1/recruitments?per_page=100"} {
		code, out := a.call(t, "GET", q, bureau, nil)
		if code != 200 || strings.Contains(stringify(out), "李明") || strings.Contains(stringify(out), "13812345678") {
			t.Errorf("%s still holds personal data: %v", q, out)
		}
	}
	// The account itself goes with DELETE /me.
	code, out = a.call(t, "DELETE", "/api/v1/me", creator, nil)
	must(code, out, 204, "delete account")
	post("/api/v1/auth/login", "", map[string]any{"email": "ming@example.com", "password": "correct horse"}, 401, "login after deletion")
	post("/api/v1/auth/register", "", map[string]any{"email": "ming@example.com", "password": "correct horse", "name": "新", "role": "creator"}, 201, "the email is free again")
}
