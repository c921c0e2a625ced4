package server_test

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/scripts/seed"
	"github.com/szdc/talenthub/server"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// BenchmarkGetTalentVsFindOne: GET /api/v1/talents/{id} over HTTP on
// loopback (an organisation's token: session lookup, the profile by _id,
// visibility and masking, JSON) against the driver's FindOne of the same
// documents on the same embedded database, each with the same number of
// concurrent clients, in one run:
//
//	go test -run '^$' -bench GetTalentVsFindOne -benchtime 5s -v ./server
func BenchmarkGetTalentVsFindOne(b *testing.B) {
	const n, clients = 10_000, 8
	ctx := context.Background()
	opts := storetest.Options(b)
	st, err := store.Open(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close(ctx)
	gen := seed.New(1, time.Now())
	docs := make([]any, n)
	ids := make([]string, n)
	for i := range docs {
		t := gen.Talent(gen.ID())
		// Public: the account asking belongs to no verified organisation,
		// so it would not see profiles for organisations only.
		t.Visibility = models.VisibilityPublic
		docs[i], ids[i] = t, t.ID
	}
	if err := st.BulkInsert(ctx, models.CollTalents, docs); err != nil {
		b.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	ix := benchIndex(b, st, opts.Database, logger)
	svc := service.New(service.Config{Store: st, Index: ix, Logger: logger})
	srv := server.New(configOf(svc, st.Ping, logger))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.App().Shutdown()
	auth, err := svc.Accounts.Register(ctx, models.RegisterInput{Email: "o@example.com", Password: "correct horse battery", Name: "O", Role: models.RoleOrg}, models.ClientInfo{})
	if err != nil {
		b.Fatal(err)
	}

	client, err := mongo.Connect(ctx, options.Client().ApplyURI(storetest.URI()))
	if err != nil {
		b.Fatal(err)
	}
	defer client.Disconnect(ctx)
	coll := client.Database(opts.Database).Collection(models.CollTalents)
	httpc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	base := "http://" + ln.Addr().String() + "/api/v1/talents/"

	// rate runs fn from clients goroutines for b.N calls in all and
	// reports calls per second.
	rate := func(b *testing.B, fn func(id string) error) {
		var next atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, clients)
		b.ResetTimer()
		t0 := time.Now()
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
				for next.Add(1) <= int64(b.N) {
					if err := fn(ids[r.IntN(n)]); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		el := time.Since(t0)
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N)/el.Seconds(), "req/s")
	}
	b.Run("http-get-talent", func(b *testing.B) {
		rate(b, func(id string) error {
			req, _ := http.NewRequest("GET", base+id, nil)
			req.Header.Set("Authorization", "Bearer "+auth.Token)
			res, err := httpc.Do(req)
			if err != nil {
				return err
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				return &httpError{res.StatusCode}
			}
			return nil
		})
	})
	b.Run("driver-findone", func(b *testing.B) {
		rate(b, func(id string) error {
			oid, _ := primitive.ObjectIDFromHex(id)
			var raw bson.M
			return coll.FindOne(ctx, bson.D{{Key: "_id", Value: oid}}).Decode(&raw)
		})
	})
}

type httpError struct{ code int }

func (e *httpError) Error() string { return http.StatusText(e.code) }
