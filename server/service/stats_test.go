package service_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server/figures"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// A concurrent stream of reports, verifications and corrections, while two
// sets of figures follow: this process's (through the store's observer) and
// another process's (through the change feed only). Afterwards both recount
// clean against the raw records and agree with each other.
func TestFiguresUnderAConcurrentStream(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	logger := slog.New(slog.DiscardHandler)
	ix, err := search.Open(ctx, search.Options{Source: st, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	st.Observe(ix.Observe)
	local := figures.New(st, nil, logger)
	other := figures.New(st, nil, logger)
	for _, f := range []*figures.Figures{local, other} {
		if err := f.Load(ctx); err != nil {
			t.Fatal(err)
		}
	}
	st.Observe(local.Observe)
	svc := service.New(service.Config{Store: st, Index: ix, Figures: local, Logger: logger})

	// Two verified organisations, a bureau officer, 30 talents.
	bureau := &models.User{ID: store.NewID(), Role: models.RoleBureau}
	var members []*models.User
	for i := range 2 {
		u := &models.User{Email: fmt.Sprintf("m%d@example.com", i), Name: "M", Role: models.RoleOrg}
		if err := st.CreateUser(ctx, u, "h"); err != nil {
			t.Fatal(err)
		}
		o, err := svc.Orgs.Create(ctx, u, models.OrgInput{Name: fmt.Sprintf("O%d", i), Kind: models.OrgEnterprise, District: "nanshan"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Orgs.Decide(ctx, bureau, o.ID, models.DecisionInput{Decision: models.StatusVerified}); err != nil {
			t.Fatal(err)
		}
		u, _ = st.User(ctx, u.ID)
		m := *u
		m.OrgVerified = true // as Authenticate reads it
		members = append(members, &m)
	}
	var talents []string
	for i := range 30 {
		u := &models.User{Email: fmt.Sprintf("c%d@example.com", i), Name: "C", Role: models.RoleCreator}
		if err := st.CreateUser(ctx, u, "h"); err != nil {
			t.Fatal(err)
		}
		tl, err := svc.Talents.Create(ctx, u, models.TalentInput{Name: fmt.Sprintf("T%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		talents = append(talents, tl.ID)
	}

	districts := []string{"nanshan", "futian", "luohu", "baoan"}
	levels := []models.Level{"A", "B", "C", ""}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	// The other process follows the feed while the stream runs.
	wg.Go(func() {
		tick := time.NewTicker(5 * time.Millisecond) // not a busy loop: the machine has two cores
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if _, err := other.CatchUp(ctx); err != nil {
				t.Error(err)
				return
			}
		}
	})
	var writers sync.WaitGroup
	for w := range 4 {
		writers.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for i := range 25 {
				m := members[rng.IntN(2)]
				in := models.RecruitmentInput{TalentID: talents[rng.IntN(len(talents))], OrgID: m.OrgID,
					Date: fmt.Sprintf("%d-%02d-%02d", 2024+rng.IntN(2), 1+rng.IntN(12), 1+rng.IntN(28)), Origin: models.OriginDomestic,
					Level: levels[rng.IntN(4)], District: districts[rng.IntN(4)], Industry: "games"}
				r, err := svc.Recruitments.Report(ctx, m, in)
				if models.IsCode(err, models.CodeConflict) {
					continue // the same talent, organisation and date drawn twice
				}
				if err != nil {
					t.Error(err)
					return
				}
				if i%5 == 4 {
					continue // left reported
				}
				dec := models.StatusVerified
				if i%7 == 3 {
					dec = models.StatusRejected
				}
				if _, err := svc.Recruitments.Decide(ctx, bureau, r.ID, models.DecisionInput{Decision: dec, Reason: "r"}); err != nil {
					t.Error(err)
					return
				}
				if i%3 == 0 {
					d := districts[rng.IntN(4)]
					date := fmt.Sprintf("2025-%02d-15", 1+rng.IntN(12))
					_, err := svc.Recruitments.Correct(ctx, bureau, r.ID, models.CorrectionInput{Reason: "fix", District: &d, Date: &date}, 0)
					if err != nil && !models.IsCode(err, models.CodeConflict) && !models.IsCode(err, models.CodeValidation) {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	writers.Wait()
	close(stop)
	wg.Wait()
	if _, err := other.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}

	for name, f := range map[string]*figures.Figures{"local": local, "other process": other} {
		res, err := f.Recount(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Differences) > 0 || res.Records < 50 {
			t.Fatalf("%s: %d records, differences %v", name, res.Records, res.Differences)
		}
	}
	for _, year := range []int{2024, 2025} {
		for _, by := range models.RecruitmentDims {
			a, _ := local.Recruitment(year, by)
			b, _ := other.Recruitment(year, by)
			if a.Total != b.Total || fmt.Sprint(a.Groups) != fmt.Sprint(b.Groups) {
				t.Errorf("%d by %s: local %d %v, other %d %v", year, by, a.Total, a.Groups, b.Total, b.Groups)
			}
		}
	}
	total, _ := local.Recruitment(2025, models.ByMonth)
	if total.Total == 0 {
		t.Fatal("nothing counted")
	}
}
