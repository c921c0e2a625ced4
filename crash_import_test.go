package main

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestKill9DuringAnImport: the bureau's import of 12,000 records is cut
// off by SIGKILL while it writes; at the next start it is finished from
// its journal without anyone importing again: every row recorded once, the
// report listed, the figures equal to a recount.
func TestKill9DuringAnImport(t *testing.T) {
	const rows = 12_000
	for attempt := 1; ; attempt++ {
		if attempt > 3 {
			t.Fatal("the import finished before the kill, three times")
		}
		env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(), "ADMIN_EMAIL": "admin@example.com",
			"ADMIN_PASSWORD": "correct horse battery staple"}
		p := startProcess(t, env)
		p.ready(t)
		call := func(base, method, path, token string, body any, want int) map[string]any {
			t.Helper()
			status, out, _, err := api(base, method, path, token, body, nil)
			if err != nil || status != want {
				t.Fatalf("%s %s: %d %v, want %d: %v", method, path, status, err, want, out)
			}
			return out
		}
		admin := str(call(p.base, "POST", "/api/v1/auth/login", "", map[string]any{"email": "admin@example.com", "password": "correct horse battery staple"}, 200), "token")
		call(p.base, "POST", "/api/v1/admin/users", admin, map[string]any{"email": "officer@sz.gov.cn", "password": "correct horse battery", "name": "科员", "role": "bureau"}, 201)
		bureau := str(call(p.base, "POST", "/api/v1/auth/login", "", map[string]any{"email": "officer@sz.gov.cn", "password": "correct horse battery"}, 200), "token")
		hr := str(call(p.base, "POST", "/api/v1/auth/register", "", map[string]any{"email": "hr@studio.example", "password": "correct horse", "name": "HR", "role": "org"}, 201), "token")
		org := call(p.base, "POST", "/api/v1/orgs", hr, map[string]any{"name": "光子工作室", "kind": "enterprise", "district": "nanshan"}, 201)
		call(p.base, "POST", "/api/v1/orgs/"+str(org, "id")+"/verify", bureau, map[string]any{"decision": "verified"}, 200)

		var csv strings.Builder
		csv.WriteString("姓名,证件类型,证件号码,用人单位,引进日期,人才来源,人才层次,所在区,行业领域\n")
		for i := range rows {
			fmt.Fprintf(&csv, "人才%d,护照,E%08d,光子工作室,2025/%d/%d,%s,%s,南山区,游戏\n", i, i, 1+i%12, 1+i%28,
				[]string{"国内", "海外"}[i%2], []string{"", "A类", "B", "C类（后备级）"}[i%4])
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "12k.csv")
		_, _ = fw.Write([]byte(csv.String()))
		_ = mw.Close()
		sent := make(chan int, 1)
		go func() {
			req, _ := http.NewRequest("POST", p.base+"/api/v1/imports/recruitments", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+bureau)
			res, err := (&http.Client{Timeout: 5 * time.Minute}).Do(req)
			if err != nil {
				sent <- -1 // cut off by the kill
				return
			}
			res.Body.Close()
			sent <- res.StatusCode
		}()
		killed := false
	watch:
		for {
			select {
			case status := <-sent:
				if status != 201 && status != 200 {
					t.Fatalf("the import answered %d before the kill", status)
				}
				break watch // finished whole: try again
			case <-time.After(5 * time.Millisecond):
				_, pr, _, err := api(p.base, "GET", "/api/v1/imports/progress", bureau, nil, nil)
				if err == nil && pr["phase"] == "writing" && pr["done"].(float64) >= 5000 {
					p.kill()
					killed = true
					<-sent
					break watch
				}
			}
		}
		if !killed {
			p.stop(t, 15*time.Second)
			continue
		}

		// The next start finishes it by itself.
		p = startProcess(t, env)
		p.ready(t)
		deadline := time.Now().Add(3 * time.Minute)
		var list map[string]any
		for {
			list = call(p.base, "GET", "/api/v1/imports", bureau, nil, 200)
			if list["total"] == 1.0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		items, _ := list["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["created"] != float64(rows) {
			t.Fatalf("after the restart the imports are %v\n%s", list, p.logs.String())
		}
		// A recount reads every record and the feed since the import: a
		// client that waits for it (the server gives it minutes).
		start := time.Now()
		status, raw, _, err := jsonRequest(&http.Client{Timeout: 3 * time.Minute}, "POST", p.base+"/api/v1/admin/recount", admin, nil, nil)
		if err != nil || status != 200 || !strings.Contains(string(raw), `"differences":[]`) {
			t.Errorf("the recount after the restart: %d %v %.500s", status, err, raw)
		}
		t.Logf("recount: %s", time.Since(start))
		if recs := call(p.base, "GET", "/api/v1/recruitments?per_page=1", bureau, nil, 200); recs["total"] != float64(rows) {
			t.Errorf("%v records, want %d", recs["total"], rows)
		}
		b := call(p.base, "GET", "/api/v1/stats/recruitment?year=2025&by=district", bureau, nil, 200)
		if b["total"] != float64(rows*3/4) {
			t.Errorf("%v people counted, want %d", b["total"], rows*3/4)
		}
		p.stop(t, 15*time.Second)
		return
	}
}
