package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server"
	"github.com/szdc/talenthub/server/figures"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
	"github.com/szdc/talenthub/web"
)

// BenchmarkStatsAt100k measures /targets, /stats, the reports and the
// dashboard page over HTTP
// on loopback with 100,000 verified records (2024-2025) and 1,000 bases on
// the embedded database, and the figures read in-process beside them:
//
//	go test -run '^$' -bench StatsAt100k -benchtime 200x ./server
//
// p50 and p99 are reported as ms metrics.
func BenchmarkStatsAt100k(b *testing.B) {
	ctx := context.Background()
	st := storetest.MustOpen(b)
	logger := slog.New(slog.DiscardHandler)
	rng := rand.New(rand.NewPCG(1, 2))
	districts := []string{"nanshan", "longgang", "futian", "luohu", "baoan", "yantian", "longhua", "pingshan", "guangming"}
	industries := []string{"games", "esports", "animation", "online_av", "digital_art", "creative_design", "film_tv", "vr_ar"}
	var orgs, bases, recs []any
	orgIDs := make([]string, 200)
	for i := range orgIDs {
		orgIDs[i] = store.NewID()
		flags := []string{}
		if i%10 == 0 {
			flags = append(flags, models.FlagLeading)
		}
		orgs = append(orgs, &models.Org{ID: orgIDs[i], Name: fmt.Sprintf("机构%d", i), Kind: models.OrgEnterprise, District: districts[i%9],
			Industries: []string{industries[i%8]}, Flags: flags, Status: models.StatusVerified, Decision: &models.Decision{At: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)}})
	}
	kinds := []string{models.BaseInnovation, models.BaseTraining, models.BaseThemePark, models.BaseCooperation, models.BaseIncubator}
	for i := range 1000 {
		bases = append(bases, &models.Base{ID: store.NewID(), Name: fmt.Sprintf("基地%d", i), Kind: kinds[i%5], District: districts[i%9],
			OperatorOrgIDs: []string{orgIDs[i%200], orgIDs[(i*7)%200]}, Status: models.StatusVerified,
			Decision: &models.Decision{At: time.Date(2022+i%4, 3, 1, 0, 0, 0, 0, time.UTC)}})
	}
	for i := range 100_000 {
		recs = append(recs, &models.Recruitment{ID: store.NewID(), TalentID: fmt.Sprintf("talent-%d", rng.IntN(90_000)), OrgID: orgIDs[rng.IntN(200)],
			Date: fmt.Sprintf("%d-%02d-%02d", 2024+i%2, 1+rng.IntN(12), 1+rng.IntN(28)), Origin: []models.Origin{"overseas", "domestic"}[rng.IntN(2)],
			Level: []models.Level{"A", "B", "C"}[rng.IntN(3)], District: districts[rng.IntN(9)], Industry: industries[rng.IntN(8)],
			Status: models.StatusVerified, TalentName: "某某"})
	}
	for coll, docs := range map[string][]any{models.CollOrgs: orgs, models.CollBases: bases, models.CollRecruitments: recs} {
		if err := st.BulkInsert(ctx, coll, docs); err != nil {
			b.Fatal(err)
		}
	}
	fig := figures.New(st, nil, logger)
	start := time.Now()
	if err := fig.Load(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("figures loaded from 100k records, 1000 bases, 200 organisations in %s", time.Since(start).Round(time.Millisecond))
	svc := service.New(service.Config{Store: st, Figures: fig, Logger: logger})
	if err := svc.Taxonomies.Seed(ctx); err != nil {
		b.Fatal(err)
	}
	if err := svc.Stats.SeedTargets(ctx); err != nil {
		b.Fatal(err)
	}
	// The web UI on the same server, as main mounts it: its dashboard reads
	// the same figures through the same services.
	cfg := configOf(svc, st.Ping, logger)
	cfg.Pages = web.New(web.Config{Services: svc.Models(), Logger: logger})
	srv := server.New(cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.App().Shutdown()
	bureau := &models.User{Email: "bureau@sz.gov.cn", Name: "B", Role: models.RoleBureau}
	if _, err := svc.Accounts.CreateUser(ctx, &models.User{Role: models.RoleAdmin}, models.NewUserInput{Email: bureau.Email, Password: "correct horse battery", Name: "B", Role: models.RoleBureau}); err != nil {
		b.Fatal(err)
	}
	auth, err := svc.Accounts.Login(ctx, models.LoginInput{Email: bureau.Email, Password: "correct horse battery"}, models.ClientInfo{})
	if err != nil {
		b.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	client := &http.Client{}

	get := func(b *testing.B, path string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		if strings.HasPrefix(path, "/api/") {
			req.Header.Set("Authorization", "Bearer "+auth.Token)
		} else {
			req.AddCookie(&http.Cookie{Name: "th_session", Value: auth.Token})
		}
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || n == 0 {
			b.Fatalf("%s: %d", path, res.StatusCode)
		}
	}
	measure := func(name string, fn func(b *testing.B)) {
		b.Run(name, func(b *testing.B) {
			var lat []time.Duration
			for b.Loop() {
				t0 := time.Now()
				fn(b)
				lat = append(lat, time.Since(t0))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
	for _, path := range []string{
		"/api/v1/targets?year=2025",
		"/api/v1/stats/recruitment?year=2025&by=month",
		"/api/v1/stats/recruitment?year=2025&by=district_industry",
		"/api/v1/stats/bases?by=kind",
		"/api/v1/stats/lagging?year=2025",
	} {
		measure("http"+path, func(b *testing.B) { get(b, path) })
	}
	measure("inprocess/targets", func(b *testing.B) {
		if _, err := svc.Stats.Targets(ctx, bureau, 2025); err != nil {
			b.Fatal(err)
		}
	})
	measure("inprocess/stats-district_industry", func(b *testing.B) {
		if _, err := svc.Stats.Recruitment(ctx, bureau, 2025, models.ByDistrictIndustry); err != nil {
			b.Fatal(err)
		}
	})
	// The pages: the bureau's dashboard makes the calls of the rows above
	// (targets, six breakdowns, lagging, bases) and renders them.
	measure("page/bureau?year=2025", func(b *testing.B) { get(b, "/bureau?year=2025") })
	measure("page/home", func(b *testing.B) { get(b, "/") })
	measure("http/reports/recruitment.xlsx", func(b *testing.B) { get(b, "/api/v1/reports/recruitment.xlsx?year=2025") })
	measure("http/reports/recruitment.csv", func(b *testing.B) { get(b, "/api/v1/reports/recruitment.csv?year=2025") })
}
