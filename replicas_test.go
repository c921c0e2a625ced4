package main

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// TestTwoProcessesOnOneReplicaSet: two talenthub processes on one MongoDB
// replica set (each with its own data directory, so its own index) see
// each other's writes: a profile made through one is found by the other's
// search, a hire verified through one is counted by the other's figures,
// and so after the primary steps down and an election follows. It needs a
// replica set: MONGODB_TEST_URI (README, "Tests against a real MongoDB");
// the CI workflow in .github/workflows starts one. The embedded database
// serves one process only, so there is nothing to run here without one.
func TestTwoProcessesOnOneReplicaSet(t *testing.T) {
	uri := os.Getenv("MONGODB_TEST_URI")
	if uri == "" {
		t.Skip("needs a MongoDB replica set in MONGODB_TEST_URI")
	}
	dbName := fmt.Sprintf("replicas_%d", time.Now().UnixNano())
	env := func(admin bool) map[string]string {
		e := map[string]string{"ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(), "MONGODB_URI": uri, "MONGODB_DATABASE": dbName}
		if admin {
			e["ADMIN_EMAIL"], e["ADMIN_PASSWORD"] = "admin@example.com", "correct horse battery staple"
		}
		return e
	}
	a := start(t, env(true))
	defer a.stop(t)
	b := start(t, env(true)) // finds the admin the first made
	defer b.stop(t)
	defer func() {
		if c, err := mongo.Connect(context.Background(), options.Client().ApplyURI(uri)); err == nil {
			_ = c.Database(dbName).Drop(context.Background())
			_ = c.Disconnect(context.Background())
		}
	}()

	must := func(in *instance, method, path, token string, body any, want int) map[string]any {
		t.Helper()
		code, out := in.call(t, method, path, token, body)
		if code != want {
			t.Fatalf("%s %s: %d %v, want %d", method, path, code, out, want)
		}
		return out
	}
	// eventually polls what another process will see once it followed the
	// feed; the bound is generous, not a speed requirement.
	eventually := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(2 * time.Minute); !ok(); time.Sleep(200 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the other process never saw %s", what)
			}
		}
	}
	admin := str(must(a, "POST", "/api/v1/auth/login", "", map[string]any{"email": "admin@example.com", "password": "correct horse battery staple"}, 200), "token")
	must(a, "POST", "/api/v1/admin/users", admin, map[string]any{"email": "officer@sz.gov.cn", "password": "correct horse battery", "name": "科员", "role": "bureau"}, 201)
	bureau := str(must(b, "POST", "/api/v1/auth/login", "", map[string]any{"email": "officer@sz.gov.cn", "password": "correct horse battery"}, 200), "token")

	profile := func(in *instance, email, name string) (string, string) {
		reg := must(in, "POST", "/api/v1/auth/register", "", map[string]any{"email": email, "password": "correct horse", "name": name, "role": "creator"}, 201)
		token := str(reg, "token")
		tal := must(in, "POST", "/api/v1/talents", token, map[string]any{"name": name, "headline": "原画师", "skills": []string{"原画"}, "visibility": "public",
			"origin": "overseas", "level": "B", "district": "nanshan", "industries": []string{"games"}}, 201)
		return token, str(tal, "id")
	}
	found := func(in *instance, token, q, id string) bool {
		_, out := in.call(t, "GET", "/api/v1/talents?q="+q, token, nil)
		items, _ := out["items"].([]any)
		for _, it := range items {
			if m, _ := it.(map[string]any); m["id"] == id {
				return true
			}
		}
		return false
	}
	creator, talentID := profile(a, "ming@example.com", "李明")
	eventually("a profile written through the first", func() bool { return found(b, bureau, "%E6%9D%8E%E6%98%8E", talentID) })

	hr := str(must(b, "POST", "/api/v1/auth/register", "", map[string]any{"email": "hr@studio.example", "password": "correct horse", "name": "HR", "role": "org"}, 201), "token")
	org := must(b, "POST", "/api/v1/orgs", hr, map[string]any{"name": "光子工作室", "kind": "enterprise", "district": "nanshan", "industries": []string{"games"}}, 201)
	must(a, "POST", "/api/v1/orgs/"+str(org, "id")+"/verify", bureau, map[string]any{"decision": "verified"}, 200)
	project := must(b, "POST", "/api/v1/projects", hr, map[string]any{"title": "原画师", "kind": "job", "industries": []string{"games"}}, 201)
	app := must(a, "POST", "/api/v1/projects/"+str(project, "id")+"/applications", creator, map[string]any{"message": "你好"}, 201)
	for _, st := range []string{"shortlisted", "interviewing", "offered", "hired"} {
		must(b, "PATCH", "/api/v1/applications/"+str(app, "id"), hr, map[string]any{"stage": st}, 200)
	}
	rec := must(b, "POST", "/api/v1/recruitments", hr, map[string]any{"application_id": str(app, "id"), "date": "2025-07-01"}, 201)
	must(b, "POST", "/api/v1/recruitments/"+str(rec, "id")+"/verify", bureau, map[string]any{"decision": "verified"}, 200)
	counted := func(in *instance, want float64) func() bool {
		return func() bool {
			_, out := in.call(t, "GET", "/api/v1/stats/recruitment?year=2025&by=district", bureau, nil)
			return out["total"] == want
		}
	}
	eventually("a hire verified through the second", counted(a, 1))

	// An election: the primary steps down (forced, so that a single-node
	// set does it too) and is elected again; writes wait for it.
	client, err := mongo.Connect(context.Background(), options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	err = client.Database("admin").RunCommand(context.Background(), bson.D{{Key: "replSetStepDown", Value: 10}, {Key: "force", Value: true}}).Err()
	if err != nil && !mongo.IsNetworkError(err) {
		t.Fatalf("replSetStepDown: %v", err)
	}
	// A stepped-down member of a one-member set may not stand again for
	// 10 s: the write below waits for the next primary rather than race
	// the election with its request's deadline.
	eventually("a primary after the step-down", func() bool {
		var hello struct {
			IsWritablePrimary bool `bson:"isWritablePrimary"`
		}
		return client.Database("admin").RunCommand(context.Background(), bson.D{{Key: "hello", Value: 1}}).Decode(&hello) == nil && hello.IsWritablePrimary
	})
	_, second := profile(b, "wang@example.com", "王芳")
	eventually("a profile written through the second after the election", func() bool { return found(a, bureau, "%E7%8E%8B%E8%8A%B3", second) })
	eventually("the hire, still counted once after the election", counted(b, 1))
}
