package server_test

import (
	"context"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/server/store/storetest"
)

// TestAccountDeletionLeavesNoPersonalData: a creator who used everything
// a creator can (a profile with contact details, an image, an application
// with a message and a thread, contact shared, a hire reported, saved
// searches, notifications and mail) deletes the account; afterwards no
// document of any collection holds their name, email, phone or id, or the
// text they wrote. The recruitment records stay, under a pseudonym, and
// the organisation's member keeps the notification of the creator's
// message, without the name.
func TestAccountDeletionLeavesNoPersonalData(t *testing.T) {
	w := newWorld(t)
	e := w.e
	const (
		name    = "赵六六"
		phone   = "13987654321"
		message = "我有八年原画经验欢迎联系"
		reply   = "请问下周二方便面试吗"
		thread  = "周二下午三点可以"
	)
	tok, u := w.throwaway(creator)
	check(t, "a profile", e.call("POST", "/api/v1/talents", tok, map[string]any{"name": name, "visibility": "orgs", "headline": "原画师",
		"contact": map[string]any{"phone": phone, "email": u.Email}, "level": "A", "origin": "overseas", "district": "nanshan", "industries": []string{"games"}}), 201, "")
	img := e.upload(tok, testPNG(t, 64, 48), "purpose", "avatar")
	check(t, "a photo", img, 201, "")
	check(t, "show it", e.call("PATCH", "/api/v1/talents/"+u.ID, tok, map[string]any{"avatar_id": img.str("id")}), 200, "")
	p := w.project()
	app := e.call("POST", "/api/v1/projects/"+p.ID+"/applications", tok, map[string]any{"message": message, "accept_contact": true})
	check(t, "apply", app, 201, "")
	check(t, "the organisation writes", e.call("POST", "/api/v1/applications/"+app.str("id")+"/messages", w.tokens[member], map[string]any{"body": reply}), 201, "")
	check(t, "the creator answers", e.call("POST", "/api/v1/applications/"+app.str("id")+"/messages", tok, map[string]any{"body": thread}), 201, "")
	check(t, "the organisation reads the contact", e.call("GET", "/api/v1/talents/"+u.ID, w.tokens[member], nil), 200, "")
	check(t, "the organisation notes", e.call("POST", "/api/v1/talents/"+u.ID+"/notes", w.tokens[member], map[string]any{"body": "面试 " + name}), 201, "")
	check(t, "a favourite", e.call("PUT", "/api/v1/favourites/"+u.ID, w.tokens[member], nil), 204, "")
	body := w.reportBody()
	body.TalentID = u.ID
	check(t, "a hire reported", e.call("POST", "/api/v1/recruitments", w.tokens[member], body), 201, "")
	check(t, "a saved search", e.call("POST", "/api/v1/saved-searches", tok, map[string]any{"name": "原画项目", "kind": "projects", "query": "q=原画", "alert": "instant"}), 201, "")

	// Every collection's documents, as text, with where each holds which
	// of the creator's data.
	ctx := context.Background()
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(storetest.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	db := client.Database(e.store.Database())
	personal := map[string]string{"name": name, "phone": phone, "email": u.Email, "id": u.ID, "application message": message, "reply": thread}
	scan := func(found func(coll, what, doc string)) {
		t.Helper()
		names, err := db.ListCollectionNames(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		for _, coll := range names {
			cur, err := db.Collection(coll).Find(ctx, bson.D{})
			if err != nil {
				t.Fatal(err)
			}
			for cur.Next(ctx) {
				doc := cur.Current.String()
				for what, s := range personal {
					if strings.Contains(doc, s) {
						found(coll, what, doc)
					}
				}
			}
			if err := cur.Err(); err != nil {
				t.Fatal(err)
			}
			cur.Close(ctx)
		}
	}
	// Before: the scan sees each of them somewhere (or it proves nothing).
	seen := map[string]bool{}
	scan(func(_, what, _ string) { seen[what] = true })
	for what := range personal {
		if !seen[what] {
			t.Fatalf("before the deletion no document holds the creator's %s: the scan proves nothing", what)
		}
	}

	check(t, "delete the account", e.call("DELETE", "/api/v1/me", tok, map[string]any{"confirm": u.Email}), 204, "")

	inbox := e.call("GET", "/api/v1/notifications", w.tokens[member], nil)
	if items, _ := inbox.body["items"].([]any); !strings.Contains(inbox.raw, "—") || len(items) == 0 {
		t.Errorf("the member's notification of the message, after the erasure: %s", inbox.raw)
	}
	scan(func(coll, what, doc string) {
		// The change feed names documents by id until it is pruned
		// (minutes on the embedded database), and a rate counter keyed
		// by the id ends with its hour: ids alone, never the data.
		if what == "id" && (coll == "changes" || coll == "login_limits") {
			return
		}
		t.Errorf("%s holds the deleted creator's %s: %.300s", coll, what, doc)
	})
}
