package server_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/scripts/seed"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server"
	"github.com/szdc/talenthub/server/media"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// benchServer serves svc on loopback and signs in a bureau officer; it
// returns the base URL and the officer's token.
func benchServer(b *testing.B, st *store.Store, svc *service.All, logger *slog.Logger) (string, string) {
	b.Helper()
	ctx := context.Background()
	srv := server.New(configOf(svc, st.Ping, logger))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.App().Shutdown() })
	if _, err := svc.Accounts.CreateUser(ctx, &models.User{Role: models.RoleAdmin}, models.NewUserInput{Email: "b@sz.gov.cn", Password: "correct horse battery", Name: "B", Role: models.RoleBureau}); err != nil {
		b.Fatal(err)
	}
	auth, err := svc.Accounts.Login(ctx, models.LoginInput{Email: "b@sz.gov.cn", Password: "correct horse battery"}, models.ClientInfo{})
	if err != nil {
		b.Fatal(err)
	}
	return "http://" + ln.Addr().String(), auth.Token
}

func percentiles(lat []time.Duration) (p50, p99 float64) {
	slices.Sort(lat)
	return float64(lat[len(lat)/2].Microseconds()) / 1000, float64(lat[len(lat)*99/100].Microseconds()) / 1000
}

// reportLatency reports the p50 and p99 of lat, in ms.
func reportLatency(b *testing.B, lat []time.Duration) {
	p50, p99 := percentiles(lat)
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p99, "p99-ms")
}

// benchIndex repairs the embedded database's _id indexes after a bulk
// insert (as a start does) and builds the search index of st in a
// temporary directory, closed with the benchmark.
func benchIndex(b *testing.B, st *store.Store, database string, logger *slog.Logger) *search.Index {
	b.Helper()
	ctx := context.Background()
	if e := storetest.Embedded(); e != nil {
		if _, err := e.RepairIndexes(ctx, database, models.FeedCollections); err != nil {
			b.Fatal(err)
		}
	}
	ix, err := search.Open(ctx, search.Options{Dir: b.TempDir() + "/index", Source: st, Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ix.Close() })
	return ix
}

func getOK(b *testing.B, c *http.Client, u, token string) time.Duration {
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	t0 := time.Now()
	res, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		b.Fatalf("GET %s: %d", u, res.StatusCode)
	}
	return time.Since(t0)
}

// BenchmarkMediaThumbnail: GET /media/{id}/thumb over HTTP on loopback by
// the bureau (session, the medium by _id, the profile that shows it by
// _id, its visibility, the blob from the file store) among 100,000 stored
// media (10,000 public profiles of 10 work images each; 500 distinct
// thumbnails of 15-30 kB in the file store), against the file store's Get
// of the same thumbnails and GET /api/v1/talents/{id} in the same run:
//
//	go test -run '^$' -bench MediaThumbnail -benchtime 3000x -v -timeout 60m ./server
func BenchmarkMediaThumbnail(b *testing.B) {
	const profiles, perProfile, blobs = 10_000, 10, 500
	ctx := context.Background()
	opts := storetest.Options(b)
	st, err := store.Open(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close(ctx)
	files, err := media.NewFileStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	proc := media.NewProcessor(media.Limits{})
	keys := make([]string, blobs)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range keys {
		img, err := proc.Process(ctx, bytes.NewReader(noisyJPEG(b, rng, 600, 400)))
		if err != nil {
			b.Fatal(err)
		}
		keys[i] = fmt.Sprintf("%064x", i+1)
		if err := files.Put(ctx, keys[i], img.Thumb); err != nil {
			b.Fatal(err)
		}
	}
	gen := seed.New(1, time.Now())
	talents := make([]any, profiles)
	var mediaDocs []any
	var ids []string
	now := time.Now().UTC().Truncate(time.Millisecond)
	for i := range talents {
		t := gen.Talent(gen.ID())
		t.Visibility = models.VisibilityPublic
		var imgs []string
		for j := range perProfile {
			oid := primitive.NewObjectID()
			imgs = append(imgs, oid.Hex())
			ids = append(ids, oid.Hex())
			mediaDocs = append(mediaDocs, map[string]any{"_id": oid, "owner_id": t.ID, "purpose": "work", "content_type": "image/jpeg",
				"width": 600, "height": 400, "thumb_width": 400, "thumb_height": 267, "bytes": 40000,
				"large_key": keys[(i*perProfile+j)%blobs], "thumb_key": keys[(i*perProfile+j)%blobs],
				"attached_to": "talent/" + t.ID, "version": 1, "created_at": now, "updated_at": now})
		}
		t.Works = []models.Work{{Title: "作品", Images: imgs, Tags: []string{}}}
		talents[i] = t
	}
	if err := st.BulkInsert(ctx, models.CollTalents, talents); err != nil {
		b.Fatal(err)
	}
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(storetest.URI()))
	if err != nil {
		b.Fatal(err)
	}
	defer client.Disconnect(ctx)
	for i := 0; i < len(mediaDocs); i += 10_000 {
		if _, err := client.Database(opts.Database).Collection("media").InsertMany(ctx, mediaDocs[i:min(i+10_000, len(mediaDocs))]); err != nil {
			b.Fatal(err)
		}
	}
	logger := slog.New(slog.DiscardHandler)
	ix := benchIndex(b, st, opts.Database, logger)
	svc := service.New(service.Config{Store: st, Index: ix, Logger: logger, Images: proc, Blobs: files})
	base, token := benchServer(b, st, svc, logger)
	c := &http.Client{}
	b.Logf("%d media of %d profiles, %d distinct thumbnails", len(ids), profiles, blobs)
	run := func(name string, one func(i int) time.Duration) {
		b.Run(name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := range b.N {
				lat = append(lat, one(i))
			}
			reportLatency(b, lat)
		})
	}
	run("http-thumbnail", func(i int) time.Duration {
		return getOK(b, c, base+"/media/"+ids[rng.IntN(len(ids))]+"/thumb", token)
	})
	run("filestore-get", func(i int) time.Duration {
		t0 := time.Now()
		if _, err := files.Get(ctx, keys[i%blobs]); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	})
	run("http-profile", func(i int) time.Duration {
		t := talents[rng.IntN(profiles)].(*models.Talent)
		return getOK(b, c, base+"/api/v1/talents/"+t.ID, token)
	})
}

// noisyJPEG is a w×h JPEG with noise on a gradient, as hard to compress
// as a photo.
func noisyJPEG(b testing.TB, rng *rand.Rand, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			n := uint8(rng.IntN(64))
			img.SetRGBA(x, y, color.RGBA{R: uint8(x*200/w) + n, G: uint8(y*200/h) + n/2, B: 90 + n, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkSearchDuringUploads: talent searches over HTTP on loopback (4
// clients, the bureau, 20,000 profiles) alone, then while 20 creators
// upload 4000×3000 JPEGs without pause, in one run; the searches' p50 and
// p99 in each phase, and the uploads finished:
//
//	go test -run '^$' -bench SearchDuringUploads -benchtime 2x -v -timeout 60m ./server
//	GOMAXPROCS=2 go test …    # as many Go processors as cores (the binary's default before)
func BenchmarkSearchDuringUploads(b *testing.B) {
	const profiles, searchers, uploaders, perPhase = 20_000, 4, 20, 2000
	ctx := context.Background()
	st := storetest.MustOpen(b)
	logger := slog.New(slog.DiscardHandler)
	gen := seed.New(1, time.Now())
	docs := make([]any, profiles)
	for i := range docs {
		docs[i] = gen.Talent(gen.ID())
	}
	if err := st.BulkInsert(ctx, models.CollTalents, docs); err != nil {
		b.Fatal(err)
	}
	ix, err := search.Open(ctx, search.Options{Dir: b.TempDir() + "/index", Source: st, Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	files, err := media.NewFileStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	// As main wires it: one image processed at a time.
	svc := service.New(service.Config{Store: st, Index: ix, Logger: logger, Images: media.NewProcessor(media.Limits{}), Blobs: files})
	base, token := benchServer(b, st, svc, logger)
	var creators []string
	for i := range uploaders {
		a, err := svc.Accounts.Register(ctx, models.RegisterInput{Email: fmt.Sprintf("c%d@example.com", i), Password: "correct horse battery", Name: "C", Role: models.RoleCreator}, models.ClientInfo{Addr: fmt.Sprintf("10.0.0.%d", i+1)})
		if err != nil {
			b.Fatal(err)
		}
		creators = append(creators, a.Token)
	}
	photo := noisyJPEG(b, rand.New(rand.NewPCG(3, 4)), 4000, 3000)
	queries := []string{"q=" + url.QueryEscape("原画"), "q=" + url.QueryEscape("角色 设计"), "district=nanshan&industries=games", "q=unity"}
	phase := func() (p50, p99 float64) {
		var mu sync.Mutex
		var lat []time.Duration
		var next atomic.Int64
		var wg sync.WaitGroup
		for range searchers {
			wg.Go(func() {
				c := &http.Client{}
				for n := next.Add(1); n <= perPhase; n = next.Add(1) {
					d := getOK(b, c, base+"/api/v1/talents?"+queries[n%int64(len(queries))], token)
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return percentiles(lat)
	}
	// As main runs it (GOGC 200), and every query's facets counted once
	// before either phase.
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	if os.Getenv("GOMAXPROCS") == "" {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(runtime.NumCPU() + 1)) // main's default: one more for the images
	}
	phase()
	for b.Loop() { // the setup above once, however many passes
		p50, p99 := phase()
		b.Logf("searches alone: p50 %.1f ms, p99 %.1f ms", p50, p99)
		b.ReportMetric(p99, "alone-p99-ms")
		stop := make(chan struct{})
		var done, refused atomic.Int64
		var wg sync.WaitGroup
		for _, tok := range creators {
			wg.Go(func() {
				c := &http.Client{}
				for {
					select {
					case <-stop:
						return
					default:
					}
					var body bytes.Buffer
					mw := multipart.NewWriter(&body)
					fw, _ := mw.CreateFormFile("file", "photo.jpg")
					fw.Write(photo)
					mw.Close()
					req, _ := http.NewRequest("POST", base+"/api/v1/media", &body)
					req.Header.Set("Content-Type", mw.FormDataContentType())
					req.Header.Set("Authorization", "Bearer "+tok)
					res, err := c.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					raw, _ := io.ReadAll(res.Body)
					res.Body.Close()
					switch {
					case res.StatusCode == 201:
						done.Add(1)
					case res.StatusCode == 503 || res.StatusCode == 409:
						refused.Add(1) // waited past its deadline, or the account is full
						if res.StatusCode == 409 {
							return
						}
					default:
						b.Errorf("upload: %d %s", res.StatusCode, raw)
						return
					}
				}
			})
		}
		time.Sleep(2 * time.Second) // the uploads under way
		t0 := time.Now()
		p50u, p99u := phase()
		took := time.Since(t0)
		close(stop)
		wg.Wait()
		b.Logf("searches during %d uploads: p50 %.1f ms, p99 %.1f ms; %d uploads stored, %d refused, in %s and the wind-down",
			uploaders, p50u, p99u, done.Load(), refused.Load(), took.Round(time.Millisecond))
		b.ReportMetric(p99u, "during-p99-ms")
		b.ReportMetric(float64(done.Load()), "uploads")
	}
}
