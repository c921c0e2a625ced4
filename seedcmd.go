package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/scripts/seed"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
)

// progress shows a progress bar on a terminal and plain lines elsewhere.
type progress struct {
	out   io.Writer
	bar   *progressbar.ProgressBar
	label string
	total int
	done  int
	last  time.Time
}

func newProgress(out io.Writer, label string, total int) *progress {
	p := &progress{out: out, label: label, total: total, last: time.Now()}
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions64(int64(total), progressbar.OptionSetWriter(out), progressbar.OptionSetDescription(label),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish())
	}
	return p
}

// set reports that done items are finished.
func (p *progress) set(done int) {
	p.done = done
	if p.bar != nil {
		_ = p.bar.Set(done)
		return
	}
	if time.Since(p.last) > 5*time.Second {
		p.last = time.Now()
		if p.total < 0 {
			fmt.Fprintf(p.out, "%s: %d done\n", p.label, done)
		} else {
			fmt.Fprintf(p.out, "%s: %d/%d\n", p.label, done, p.total)
		}
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// reindex rebuilds the search index of DATA_DIR from the database, with a
// progress bar, and reports the rate. The embedded database must not be in
// use by a server.
func reindex(ctx context.Context, cfg config, logger *slog.Logger, stdout io.Writer) error {
	db, err := openDatabase(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	n, took, err := rebuildIndex(ctx, cfg, db.store, logger, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reindexed %d documents in %s (%.0f documents/s)\n", n, took.Round(time.Millisecond), float64(n)/took.Seconds())
	return nil
}

// rebuildIndex moves the index aside and builds it anew from the database.
func rebuildIndex(ctx context.Context, cfg config, st *store.Store, logger *slog.Logger, stdout io.Writer) (int, time.Duration, error) {
	dir := filepath.Join(cfg.DataDir, "index")
	if err := os.RemoveAll(dir); err != nil {
		return 0, 0, err
	}
	p := newProgress(stdout, "indexing", -1)
	start := time.Now()
	ix, err := search.Open(ctx, search.Options{Dir: dir, Source: st, Logger: logger, Progress: p.set})
	if err != nil {
		return 0, 0, err
	}
	p.finish()
	n := ix.Rebuilt()
	return n, time.Since(start), ix.Close()
}

// seedCmd fills the database with generated data.
func seedCmd(ctx context.Context, cfg config, logger *slog.Logger, stdout io.Writer, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stdout)
	seedN := fs.Uint64("seed", 1, "random seed: the same seed gives the same data")
	talents := fs.Int("talents", 1000, "talent profiles (each with its creator account)")
	orgs := fs.Int("orgs", 0, "organisations (default: talents/50, at least 12)")
	projects := fs.Int("projects", 0, "projects (default: 3 per organisation)")
	applications := fs.Int("applications", 0, "applications (default: talents/2)")
	recruitments := fs.Int("recruitments", 0, "recruitment records 2022-2026 (default: talents/3)")
	demo := fs.Bool("demo", false, "a small, pleasant data set with demo accounts to sign in with")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *demo {
		*talents, *orgs, *projects, *applications, *recruitments = 60, 12, 30, 60, 40
	}
	if *talents < 1 || *talents > 5_000_000 {
		return fmt.Errorf("--talents must be between 1 and 5000000")
	}
	if *orgs == 0 {
		*orgs = max(12, *talents/50)
	}
	if *projects == 0 {
		*projects = 3 * *orgs
	}
	if *applications == 0 {
		*applications = *talents / 2
	}
	if *recruitments == 0 {
		*recruitments = *talents / 3
	}
	db, err := openDatabase(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	st := db.store
	begin := time.Now()
	gen := seed.New(*seedN, begin)
	hash, err := service.HashPassword(ctx, seed.Password)
	if err != nil {
		return err
	}

	// Organisations, each with a member account.
	var orgUsers []*models.User
	orgDocs := make([]any, 0, *orgs)
	var orgList []*models.Org
	for i := range *orgs {
		u := &models.User{ID: gen.ID(), Email: fmt.Sprintf("org%d@seed.talenthub.example", i+1), Name: gen.Name(), Role: models.RoleOrg}
		o := gen.Org(gen.ID(), u.ID)
		u.OrgID = o.ID
		orgUsers = append(orgUsers, u)
		orgDocs = append(orgDocs, o)
		orgList = append(orgList, o)
	}
	// Talents, each with its creator account.
	var creators []*models.User
	talentDocs := make([]any, 0, *talents)
	var talentList []*models.Talent
	for i := range *talents {
		id := gen.ID()
		t := gen.Talent(id)
		creators = append(creators, &models.User{ID: id, Email: fmt.Sprintf("creator%d@seed.talenthub.example", i+1), Name: t.Name, Role: models.RoleCreator})
		talentDocs = append(talentDocs, t)
		talentList = append(talentList, t)
	}
	var verifiedOrgs []*models.Org
	for _, o := range orgList {
		if o.Status == models.StatusVerified {
			verifiedOrgs = append(verifiedOrgs, o)
		}
	}
	if len(verifiedOrgs) == 0 {
		return errors.New("seed: no verified organisation was generated; use more --orgs")
	}
	baseDocs := []any{}
	for range max(1, *orgs/2) {
		ops := []string{verifiedOrgs[len(baseDocs)%len(verifiedOrgs)].ID}
		if len(baseDocs)%4 == 0 && len(verifiedOrgs) > 1 {
			ops = append(ops, verifiedOrgs[(len(baseDocs)+1)%len(verifiedOrgs)].ID)
		}
		baseDocs = append(baseDocs, gen.Base(gen.ID(), ops))
	}
	var projectList []*models.Project
	projectDocs := []any{}
	for i := range *projects {
		o := verifiedOrgs[i%len(verifiedOrgs)]
		p := gen.Project(gen.ID(), o.ID, o.CreatedBy)
		projectDocs = append(projectDocs, p)
		projectList = append(projectList, p)
	}
	appDocs := []any{}
	seen := map[string]bool{}
	for i := 0; len(appDocs) < *applications && i < *applications*3; i++ {
		p := projectList[(i*7919)%len(projectList)]
		t := talentList[(i*104729)%len(talentList)]
		if seen[p.ID+t.ID] || t.Visibility == models.VisibilityPrivate {
			continue
		}
		seen[p.ID+t.ID] = true
		appDocs = append(appDocs, gen.Application(gen.ID(), p, t, p.CreatedBy))
	}
	recDocs := []any{}
	recSeen := map[string]bool{}
	for i := 0; len(recDocs) < *recruitments && i < *recruitments*3; i++ {
		t := talentList[(i*15485863)%len(talentList)]
		o := verifiedOrgs[i%len(verifiedOrgs)]
		r := gen.Recruitment(gen.ID(), t, o.ID, 2022+i%5)
		k := r.TalentID + r.OrgID + r.Date
		if recSeen[k] {
			continue
		}
		recSeen[k] = true
		recDocs = append(recDocs, r)
	}

	// The database.
	t0 := time.Now()
	p := newProgress(stdout, "database", 7)
	steps := []struct {
		name string
		do   func() error
	}{
		{"accounts", func() error { return st.BulkInsertUsers(ctx, append(orgUsers, creators...), hash) }},
		{models.CollOrgs, func() error { return st.BulkInsert(ctx, models.CollOrgs, orgDocs) }},
		{models.CollTalents, func() error { return st.BulkInsert(ctx, models.CollTalents, talentDocs) }},
		{models.CollBases, func() error { return st.BulkInsert(ctx, models.CollBases, baseDocs) }},
		{models.CollProjects, func() error { return st.BulkInsert(ctx, models.CollProjects, projectDocs) }},
		{models.CollApplications, func() error { return st.BulkInsert(ctx, models.CollApplications, appDocs) }},
		{models.CollRecruitments, func() error { return st.BulkInsert(ctx, models.CollRecruitments, recDocs) }},
	}
	for i, s := range steps {
		if err := s.do(); err != nil {
			return fmt.Errorf("seed %s: %w", s.name, err)
		}
		p.set(i + 1)
	}
	p.finish()
	dbTook := time.Since(t0)
	if *demo {
		member := ""
		for _, u := range orgUsers {
			if u.OrgID == verifiedOrgs[0].ID {
				member = u.Email
			}
		}
		if err := demoAccounts(ctx, st, hash, stdout, creators[0].Email, talentList[0].Name, member, verifiedOrgs[0].Name); err != nil {
			return err
		}
	}
	// The index, rebuilt from the database so that the next start opens it.
	n, ixTook, err := rebuildIndex(ctx, cfg, st, logger, stdout)
	if err != nil {
		return err
	}
	total := time.Since(begin)
	fmt.Fprintf(stdout, "seeded %d talents, %d organisations, %d bases, %d projects, %d applications, %d recruitment records (seed %d)\n",
		len(talentDocs), len(orgDocs), len(baseDocs), len(projectDocs), len(appDocs), len(recDocs), *seedN)
	fmt.Fprintf(stdout, "database %s, index %s (%d documents, %.0f/s); %.0f talents/s into the database and the index together\n",
		dbTook.Round(time.Millisecond), ixTook.Round(time.Millisecond), n, float64(n)/ixTook.Seconds(),
		float64(len(talentDocs))/total.Seconds())
	fmt.Fprintf(stdout, "every seeded account signs in with the password %q (creator1@seed.talenthub.example, org1@seed.talenthub.example …)\n", seed.Password)
	return nil
}

// demoAccounts adds a bureau officer and says whom a newcomer can sign in
// as.
func demoAccounts(ctx context.Context, st *store.Store, hash string, stdout io.Writer, creator, talent, member, org string) error {
	bureau := &models.User{ID: store.NewID(), Email: "bureau@demo.talenthub.example", Name: "示范科员", Role: models.RoleBureau}
	if err := st.BulkInsertUsers(ctx, []*models.User{bureau}, hash); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo accounts, password %q:\n  creator  %s (profile of %s)\n  org      %s (%s, verified)\n  bureau   %s\n",
		seed.Password, creator, talent, member, org, bureau.Email)
	return nil
}
