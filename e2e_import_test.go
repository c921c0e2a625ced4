package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// upload posts a file as the field "file" (and the form's other fields)
// to path, with the headers given; it returns the status and the JSON.
func (in *instance) upload(t *testing.T, path, token, name string, data []byte, fields, header map[string]string) (int, map[string]any, http.Header) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", in.base+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	if json.Unmarshal(raw, &out) != nil {
		out = map[string]any{"raw": string(raw)}
	}
	return res.StatusCode, out, res.Header
}

// The bureau's intake on the real binary path: the template, a refused
// file in Chinese, an XLSX applied, the same file again, and the figures
// of the API equal to a recount throughout.
func TestImportEndToEnd(t *testing.T) {
	env := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(), "ADMIN_EMAIL": "admin@example.com", "ADMIN_PASSWORD": "correct horse battery staple"}
	a := start(t, env)
	defer a.stop(t)
	call := func(method, path, token string, body any, want int) map[string]any {
		t.Helper()
		code, out := a.call(t, method, path, token, body)
		if code != want {
			t.Fatalf("%s %s: %d, want %d: %v", method, path, code, want, out)
		}
		return out
	}
	admin := str(call("POST", "/api/v1/auth/login", "", map[string]any{"email": "admin@example.com", "password": "correct horse battery staple"}, 200), "token")
	call("POST", "/api/v1/admin/users", admin, map[string]any{"email": "officer@sz.gov.cn", "password": "correct horse battery", "name": "科员", "role": "bureau"}, 201)
	bureau := str(call("POST", "/api/v1/auth/login", "", map[string]any{"email": "officer@sz.gov.cn", "password": "correct horse battery"}, 200), "token")
	hr := str(call("POST", "/api/v1/auth/register", "", map[string]any{"email": "hr@studio.example", "password": "correct horse", "name": "HR", "role": "org"}, 201), "token")
	org := call("POST", "/api/v1/orgs", hr, map[string]any{"name": "光子工作室", "kind": "enterprise", "district": "nanshan", "industries": []string{"games"}}, 201)
	call("POST", "/api/v1/orgs/"+str(org, "id")+"/verify", bureau, map[string]any{"decision": "verified"}, 200)

	total := func() float64 {
		t.Helper()
		rc := call("POST", "/api/v1/admin/recount", admin, nil, 200)
		if d, _ := rc["differences"].([]any); len(d) > 0 {
			t.Fatalf("the figures differ from a recount: %v", d)
		}
		b := call("GET", "/api/v1/stats/recruitment?year=2025&by=district", bureau, nil, 200)
		return b["total"].(float64)
	}

	// The template: an XLSX in the language asked, its headers first.
	req, _ := http.NewRequest("GET", a.base+"/api/v1/imports/templates/recruitments.xlsx?lang=zh-CN", nil)
	req.Header.Set("Authorization", "Bearer "+bureau)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	book, _ := io.ReadAll(res.Body)
	res.Body.Close()
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if res.StatusCode != 200 || err != nil {
		t.Fatalf("template: %d %v", res.StatusCode, err)
	}
	head, _ := f.GetRows(f.GetSheetName(0))
	if len(head) == 0 || !strings.Contains(strings.Join(head[0], ","), "证件号码") {
		t.Fatalf("the template's headers: %v", head)
	}

	// A refused file, in the caller's language: nothing changes.
	bad := "姓名,证件类型,证件号码,用人单位,引进日期,人才来源,人才层次,所在区,行业领域\n" +
		"王芳,居民身份证,440305199001011234,光子工作室,2025-03-01,海外,A,南山区,游戏\n"
	code, rep, _ := a.upload(t, "/api/v1/imports/recruitments", bureau, "list.csv", []byte(bad), nil, map[string]string{"Accept-Language": "zh-CN,zh;q=0.9"})
	errs, _ := rep["errors"].([]any)
	if code != 422 || len(errs) != 1 || str(rep, "error", "code") != "validation_failed" {
		t.Fatalf("a bad file: %d %v", code, rep)
	}
	if msg := str(errs[0].(map[string]any), "message"); !strings.ContainsFunc(msg, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		t.Fatalf("the message is not in Chinese: %q", msg)
	}
	if n := total(); n != 0 {
		t.Fatalf("a refused file counted: %v", n)
	}

	// An XLSX from Excel: dates as serial numbers, labels and keys mixed.
	x := excelize.NewFile()
	sheet := x.GetSheetName(0)
	rows := [][]any{
		{"Person name", "ID type", "ID number", "Organisation", "Date", "Origin", "Level", "District", "Industry"},
		{"Wang Fang", "居民身份证", "44030519900101123X", "光子工作室", 45717, "overseas", "A", "南山区", "games"},
		{"Zhang Wei", "passport", "E1234567", str(org, "id"), "2025-07-01", "国内", "B", "nanshan", "游戏"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var xb bytes.Buffer
	if err := x.Write(&xb); err != nil {
		t.Fatal(err)
	}
	code, rep, _ = a.upload(t, "/api/v1/imports/recruitments?dry_run=true", bureau, "宝安区-2025Q1.xlsx", xb.Bytes(), map[string]string{"on_behalf": "baoan"}, nil)
	if code != 200 || rep["created"].(float64) != 2 || rep["format"] != "xlsx" || rep["id"] != nil {
		t.Fatalf("dry run: %d %v", code, rep)
	}
	if n := total(); n != 0 {
		t.Fatalf("a dry run counted: %v", n)
	}
	code, rep, _ = a.upload(t, "/api/v1/imports/recruitments", bureau, "宝安区-2025Q1.xlsx", xb.Bytes(), map[string]string{"on_behalf": "baoan"}, nil)
	if code != 200 || rep["created"].(float64) != 2 || str(rep, "id") == "" || str(rep, "on_behalf") != "baoan" {
		t.Fatalf("import: %d %v", code, rep)
	}
	if n := total(); n != 2 {
		t.Fatalf("after the import: %v people, want 2", n)
	}
	code, rep, _ = a.upload(t, "/api/v1/imports/recruitments", bureau, "again.xlsx", xb.Bytes(), nil, nil)
	if code != 200 || rep["created"].(float64) != 0 || rep["unchanged"].(float64) != 2 {
		t.Fatalf("again: %d %v", code, rep)
	}
	if n := total(); n != 2 {
		t.Fatalf("after the second import: %v people, want 2", n)
	}
	list := call("GET", "/api/v1/imports", bureau, nil, 200)
	if list["total"].(float64) != 2 {
		t.Fatalf("imports listed: %v", list)
	}
	// Who imported what, from which file, in the audit trail.
	audit := call("GET", "/api/v1/audit?action=import.commit", bureau, nil, 200)
	items, _ := audit["items"].([]any)
	if len(items) != 2 || str(items[0].(map[string]any), "after", "sha256") != str(rep, "sha256") {
		t.Fatalf("the audit trail: %v", audit)
	}
	// The year published: its files are the same bytes before and after a
	// correction of the records, and its digest is of its figures.
	pub := call("POST", "/api/v1/publications", bureau, map[string]any{"period": "2025"}, 201)
	// A reader checks the digest against the figures as served (a label
	// with "&" once made them differ from the bytes hashed).
	_, raw, _, _ := jsonRequest(http.DefaultClient, "GET", a.base+"/api/v1/publications/"+str(pub, "id"), "", nil, nil)
	var served struct {
		Figures json.RawMessage `json:"figures"`
	}
	if err := json.Unmarshal(raw, &served); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(served.Figures); hex.EncodeToString(sum[:]) != str(pub, "sha256") || !bytes.Contains(served.Figures, []byte(`\u0026`)) {
		t.Fatalf("the figures served do not hash to the publication's digest")
	}
	fetch := func(path string) []byte {
		t.Helper()
		res, err := http.Get(a.base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || res.Header.Get("X-Publication-SHA256") != str(pub, "sha256") {
			t.Fatalf("%s: %d %s", path, res.StatusCode, b)
		}
		return b
	}
	xlsx, csv := fetch("/api/v1/publications/"+str(pub, "id")+"/figures.xlsx"), fetch("/api/v1/publications/"+str(pub, "id")+"/figures.csv")
	if !bytes.Contains(csv, []byte("合计,2")) {
		t.Fatalf("the published CSV: %s", csv)
	}
	recs := call("GET", "/api/v1/recruitments?year=2025", bureau, nil, 200)
	first := recs["items"].([]any)[0].(map[string]any)
	call("POST", "/api/v1/recruitments/"+str(first, "id")+"/corrections", bureau, map[string]any{"reason": "not high-end after all", "level": ""}, 200)
	if n := total(); n != 1 {
		t.Fatalf("after the correction: %v people, want 1", n)
	}
	if x2 := fetch("/api/v1/publications/" + str(pub, "id") + "/figures.xlsx"); !bytes.Equal(x2, xlsx) {
		t.Fatalf("a publication's workbook changed after a correction (%d bytes, then %d)", len(xlsx), len(x2))
	}
	if c2 := fetch("/api/v1/publications/" + str(pub, "id") + "/figures.csv"); !bytes.Equal(c2, csv) {
		t.Fatalf("a publication's CSV changed after a correction:\n%s\nthen\n%s", csv, c2)
	}
	if got := call("GET", "/api/v1/publications/"+str(pub, "id"), bureau, nil, 200); got["revised"].(float64) != -1 {
		t.Fatalf("revised since publication: %v", got["revised"])
	}

	// Hostile input: not a form, a form without a file, an old .xls, a
	// field that is not the import's.
	if code, out := a.call(t, "POST", "/api/v1/imports/recruitments", bureau, map[string]any{"file": "x"}); code != 415 {
		t.Fatalf("a JSON body: %d %v", code, out)
	}
	if code, out, _ := a.upload(t, "/api/v1/imports/recruitments", bureau, "old.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), nil, nil); code != 415 {
		t.Fatalf("an old .xls: %d %v", code, out)
	}
	if code, out, _ := a.upload(t, "/api/v1/imports/recruitments", bureau, "a.csv", []byte(bad), map[string]string{"status": "verified"}, nil); code != 422 || str(out, "error", "code") != "validation_failed" {
		t.Fatalf("an unknown field: %d %v", code, out)
	}
}
