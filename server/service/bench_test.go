package service_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// BenchmarkListProjectApplications lists one project's applications (a page
// of 20 and the total) among 100,000, the way GET /applications?project_id=
// does (the index answers, the page is read by _id), beside the filtered
// find that the index replaces, on the same embedded database:
//
//	go test -run '^$' -bench ListProjectApplications -benchtime 50x ./server/service
func BenchmarkListProjectApplications(b *testing.B) {
	const projects, perProject = 1000, 100
	ctx := context.Background()
	st := storetest.MustOpen(b)
	logger := slog.New(slog.DiscardHandler)

	orgID := store.NewID()
	member := &models.User{ID: store.NewID(), Role: models.RoleOrg, OrgID: orgID}
	var target string
	docs := make([]any, 0, projects*perProject)
	for p := range projects {
		pid := store.NewID()
		if p == projects/2 {
			target = pid
		}
		for range perProject {
			docs = append(docs, &models.Application{ID: store.NewID(), ProjectID: pid, ProjectTitle: "原画师", OrgID: orgID,
				TalentID: store.NewID(), TalentName: "李明", Stage: models.StageApplied, InitiatedBy: models.SideCreator,
				History: []models.Move{{By: "x", Side: models.SideCreator, Action: "apply", To: models.StageApplied}}})
		}
	}
	if err := st.BulkInsert(ctx, models.CollApplications, docs); err != nil {
		b.Fatal(err)
	}
	ix, err := search.Open(ctx, search.Options{Source: st, Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	svc := service.New(service.Config{Store: st, Index: ix, Logger: logger})
	page, _ := models.NewPage(1, 20)

	b.Run("index", func(b *testing.B) {
		for b.Loop() {
			l, err := svc.Applications.List(ctx, member, models.ApplicationFilter{ProjectID: []string{target}, Page: page})
			if err != nil || l.Total != perProject || len(l.Items) != 20 {
				b.Fatalf("list: %v %v", l, err)
			}
		}
	})

	client, err := mongo.Connect(ctx, options.Client().ApplyURI(storetest.URI()))
	if err != nil {
		b.Fatal(err)
	}
	defer client.Disconnect(ctx)
	coll := client.Database(st.Database()).Collection(models.CollApplications)
	b.Run("filtered-find", func(b *testing.B) {
		filter := bson.D{{Key: "project_id", Value: target}}
		for b.Loop() {
			cur, err := coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "updated_at", Value: -1}}).SetLimit(20))
			if err != nil {
				b.Fatal(err)
			}
			var got []bson.M
			if err := cur.All(ctx, &got); err != nil || len(got) != 20 {
				b.Fatalf("find: %d %v", len(got), err)
			}
			n, err := coll.CountDocuments(ctx, filter)
			if err != nil || n != perProject {
				b.Fatalf("count: %d %v", n, err)
			}
		}
	})
}

// BenchmarkSignInDuringRegistrationFlood signs in while 500 registrations
// of new emails from 500 addresses (none limited, every one hashing: the
// worst flood) run at once, each iteration a sign-in against a fresh
// flood. ns/op is the sign-in's time; the goal is under 2 s:
//
//	go test -run '^$' -bench SignInDuringRegistrationFlood -benchtime 5x ./server/service
func BenchmarkSignInDuringRegistrationFlood(b *testing.B) {
	ctx := context.Background()
	st := storetest.MustOpen(b)
	a := service.NewAccounts(st, st, st, st, service.AccountsConfig{Logger: slog.New(slog.DiscardHandler)})
	if _, err := a.Register(ctx, models.RegisterInput{Email: "victim@example.com", Password: "correct horse", Name: "V", Role: models.RoleCreator}, models.ClientInfo{}); err != nil {
		b.Fatal(err)
	}
	const flood = 500
	worst := time.Duration(0)
	n := 0
	for b.Loop() {
		b.StopTimer()
		fctx, cancel := context.WithTimeout(ctx, 10*time.Second) // REQUEST_TIMEOUT
		var started, done sync.WaitGroup
		started.Add(flood)
		for i := range flood {
			done.Go(func() {
				started.Done()
				_, _ = a.Register(fctx, models.RegisterInput{Email: fmt.Sprintf("f%d-%d@example.com", n, i), Password: "flood password", Name: "F",
					Role: models.RoleCreator}, models.ClientInfo{Addr: fmt.Sprintf("10.%d.%d.%d", n%250, i/250, i%250)})
			})
		}
		started.Wait()
		b.StartTimer()
		begin := time.Now()
		if _, err := a.Login(ctx, models.LoginInput{Email: "victim@example.com", Password: "correct horse"}, models.ClientInfo{Addr: "192.0.2.1"}); err != nil {
			b.Fatal(err)
		}
		worst = max(worst, time.Since(begin))
		b.StopTimer()
		cancel()
		done.Wait()
		n++
		b.StartTimer()
	}
	b.ReportMetric(float64(worst.Milliseconds()), "worst-ms")
}

// BenchmarkListUsers is the admin's list of accounts (a search by email
// substring, a role filter, a page of 20 with the total) among 10,000
// accounts, answered by a scan of the users on the embedded database:
//
//	go test -run '^$' -bench ListUsers -benchtime 10x ./server/service
func BenchmarkListUsers(b *testing.B) {
	const users = 10_000
	ctx := context.Background()
	st := storetest.MustOpen(b)
	a := service.NewAccounts(st, st, st, st, service.AccountsConfig{Logger: slog.New(slog.DiscardHandler)})
	roles := []models.Role{models.RoleCreator, models.RoleCreator, models.RoleCreator, models.RoleOrg, models.RoleBureau}
	for i := range users {
		u := &models.User{Email: fmt.Sprintf("user%05d@example.com", i), Name: fmt.Sprintf("用户 %d", i), Role: roles[i%len(roles)]}
		if err := st.CreateUser(ctx, u, "not a real hash"); err != nil {
			b.Fatal(err)
		}
	}
	admin := &models.User{ID: store.NewID(), Role: models.RoleAdmin}
	for b.Loop() {
		l, err := a.ListUsers(ctx, admin, models.UserFilter{Q: "user01", Role: models.RoleCreator, Page: models.Page{Page: 2, PerPage: 20}})
		if err != nil || l.Total != 600 || len(l.Items) != 20 {
			b.Fatalf("list = %+v, %v", l, err)
		}
	}
}
