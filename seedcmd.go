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
	"sync"
	"sync/atomic"
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

// seedChunk is how many talents are generated, stored and indexed at a
// time: memory stays flat whatever --talents says.
const seedChunk = 2000

// talentRef is what later records need of a seeded talent.
type talentRef struct {
	id, name, district, industry string
	origin                       models.Origin
	level                        models.Level
	visibility                   models.Visibility
}

func (r talentRef) talent() *models.Talent {
	return &models.Talent{ID: r.id, Name: r.name, District: r.district, Industries: []string{r.industry}, Origin: r.origin,
		Level: r.level, Visibility: r.visibility}
}

// seeder writes generated records to the database and, on the embedded
// database, indexes them in a goroutine of its own: each takes about a
// core, so the index works on one chunk while the database takes the next.
type seeder struct {
	st      *store.Store
	hash    string
	ix      *search.Index // nil on MongoDB: servers learn of the records through the feed
	queue   chan []any
	done    chan error
	failed  atomic.Pointer[error] // the indexer's first error, as soon as it happens
	pending sync.WaitGroup        // chunks queued and not yet indexed
	// busy times of each side, to tell which one bounds the rate
	dbBusy, ixBusy time.Duration
}

func newSeeder(ctx context.Context, st *store.Store, hash string, ix *search.Index) *seeder {
	s := &seeder{st: st, hash: hash, ix: ix}
	if ix != nil {
		s.queue, s.done = make(chan []any, 1), make(chan error, 1)
		go func() {
			var err error
			for docs := range s.queue {
				if err == nil {
					t0 := time.Now()
					if err = ix.Add(ctx, docs); err != nil {
						s.failed.Store(&err)
					}
					s.ixBusy += time.Since(t0)
				}
				s.pending.Done()
			}
			s.done <- err
		}()
	}
	return s
}

// put stores documents of a feed collection, and their accounts first if
// any, then hands them to the indexer. BulkInsert has set their versions
// and times by then, so the index holds exactly what the database does.
func (s *seeder) put(ctx context.Context, coll string, users []*models.User, docs []any) error {
	t0 := time.Now()
	if len(users) > 0 {
		if err := s.st.BulkInsertUsers(ctx, users, s.hash); err != nil {
			return fmt.Errorf("seed accounts: %w", err)
		}
	}
	if err := s.st.BulkInsert(ctx, coll, docs); err != nil {
		return fmt.Errorf("seed %s: %w", coll, err)
	}
	s.dbBusy += time.Since(t0)
	if s.queue != nil {
		// An indexer that failed stops the seed at the next chunk rather
		// than after the last one.
		if err := s.failed.Load(); err != nil {
			return fmt.Errorf("seed: index: %w", *err)
		}
		s.pending.Add(1)
		s.queue <- docs
	}
	return nil
}

// drain waits until every chunk handed over so far is indexed.
func (s *seeder) drain() { s.pending.Wait() }

// wait lets the indexer finish and reports its error.
func (s *seeder) wait() error {
	if s.queue == nil {
		return nil
	}
	close(s.queue)
	s.queue = nil
	return <-s.done
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
	if fs.NArg() > 0 {
		return fmt.Errorf("seed: unexpected argument %q", fs.Arg(0))
	}
	if *demo {
		*talents, *orgs, *projects, *applications, *recruitments = 60, 12, 30, 60, 40
	}
	if *talents < 1 || *talents > 5_000_000 {
		return fmt.Errorf("--talents must be between 1 and 5000000")
	}
	for name, v := range map[string]int{"--orgs": *orgs, "--projects": *projects, "--applications": *applications, "--recruitments": *recruitments} {
		if v < 0 || v > 5_000_000 {
			return fmt.Errorf("%s must be between 0 and 5000000", name)
		}
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
	// A seed writes no notice: the next start need not sweep for untold
	// ones (a scan of every account, a core for most of the first minute
	// at a million) if nothing was left untold before it either, that is,
	// if the database is new or its last stop was clean.
	_, statErr := os.Stat(cfg.embeddedDir())
	nothingUntold := errors.Is(statErr, os.ErrNotExist) || markExists(filepath.Join(cfg.DataDir, noticesToldFile))
	db, err := openDatabase(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	// Seeded accounts are numbered from 1: a second seed would collide
	// with the first half-way through. Refuse before writing anything.
	for _, email := range []string{seed.OrgEmail(1), seed.CreatorEmail(1)} {
		_, _, err := db.store.UserByEmail(ctx, email)
		if err == nil {
			return fmt.Errorf("seed: this database already holds seeded data (%s exists); seed an empty one (another DATA_DIR or MONGODB_DATABASE)", email)
		}
		if !models.IsCode(err, models.CodeNotFound) {
			return err
		}
	}
	begin := time.Now()
	gen := seed.New(*seedN, begin)
	hash, err := service.HashPassword(ctx, seed.Password)
	if err != nil {
		return err
	}
	var ix *search.Index
	if db.embedded != nil {
		// The index of DATA_DIR is opened (and, if missing, built from
		// what the database already holds) and kept current as we go.
		ix, err = search.Open(ctx, search.Options{Dir: filepath.Join(cfg.DataDir, "index"), Source: db.store, Logger: logger})
		if err != nil {
			return err
		}
		defer ix.Close()
	}
	sd := newSeeder(ctx, db.store, hash, ix)
	defer sd.wait()

	// Organisations with a member account each, then bases and projects.
	var orgUsers []*models.User
	var orgDocs, verified []*models.Org
	for i := range *orgs {
		u := &models.User{ID: gen.ID(), Email: seed.OrgEmail(i + 1), Name: gen.Name(), Role: models.RoleOrg}
		o := gen.Org(gen.ID(), u.ID)
		u.OrgID = o.ID
		orgUsers = append(orgUsers, u)
		orgDocs = append(orgDocs, o)
		if o.Status == models.StatusVerified {
			verified = append(verified, o)
		}
	}
	if len(verified) == 0 {
		return errors.New("seed: no verified organisation was generated; use more --orgs")
	}
	var baseDocs []*models.Base
	for i := range max(1, *orgs/2) {
		ops := []string{verified[i%len(verified)].ID}
		if i%4 == 0 && len(verified) > 1 {
			ops = append(ops, verified[(i+1)%len(verified)].ID)
		}
		baseDocs = append(baseDocs, gen.Base(gen.ID(), ops))
	}
	var projectDocs []*models.Project
	for i := range *projects {
		o := verified[i%len(verified)]
		projectDocs = append(projectDocs, gen.Project(gen.ID(), o.ID, o.CreatedBy))
	}
	t0 := time.Now()
	if err := sd.put(ctx, models.CollOrgs, orgUsers, anys(orgDocs)); err != nil {
		return err
	}
	if err := sd.put(ctx, models.CollBases, nil, anys(baseDocs)); err != nil {
		return err
	}
	if err := sd.put(ctx, models.CollProjects, nil, anys(projectDocs)); err != nil {
		return err
	}

	// Talents with their creator accounts, a chunk at a time.
	p := newProgress(stdout, "talents", *talents)
	refs := make([]talentRef, 0, *talents)
	var firstCreator string
	tTalents := time.Now()
	for done := 0; done < *talents; {
		n := min(seedChunk, *talents-done)
		users := make([]*models.User, 0, n)
		docs := make([]any, 0, n)
		for i := range n {
			id := gen.ID()
			t := gen.Talent(id)
			users = append(users, &models.User{ID: id, Email: seed.CreatorEmail(done + i + 1), Name: t.Name, Role: models.RoleCreator})
			docs = append(docs, t)
			ind := "games"
			if len(t.Industries) > 0 {
				ind = t.Industries[0]
			}
			refs = append(refs, talentRef{id: t.ID, name: t.Name, district: t.District, industry: ind, origin: t.Origin, level: t.Level, visibility: t.Visibility})
		}
		if firstCreator == "" {
			firstCreator = users[0].Email
		}
		if err := sd.put(ctx, models.CollTalents, users, docs); err != nil {
			return err
		}
		done += n
		p.set(done)
	}
	sd.drain()
	p.finish()
	talentsTook := time.Since(tTalents)

	// Applications and recruitment records, a chunk at a time too.
	var nApps, nRecs int
	seen := map[string]bool{}
	var chunk []any
	flush := func(coll string, force bool) error {
		if len(chunk) == 0 || (!force && len(chunk) < seedChunk) {
			return nil
		}
		err := sd.put(ctx, coll, nil, chunk)
		chunk = nil
		return err
	}
	for i := 0; nApps < *applications && i < *applications*3; i++ {
		pr := projectDocs[(i*7919)%len(projectDocs)]
		t := refs[(i*104729)%len(refs)]
		if seen[pr.ID+t.id] || t.visibility == models.VisibilityPrivate {
			continue
		}
		seen[pr.ID+t.id] = true
		chunk = append(chunk, gen.Application(gen.ID(), pr, t.talent(), pr.CreatedBy))
		nApps++
		if err := flush(models.CollApplications, false); err != nil {
			return err
		}
	}
	if err := flush(models.CollApplications, true); err != nil {
		return err
	}
	clear(seen)
	for i := 0; nRecs < *recruitments && i < *recruitments*3; i++ {
		t := refs[(i*15485863)%len(refs)]
		o := verified[i%len(verified)]
		r := gen.Recruitment(gen.ID(), t.talent(), o.ID, 2022+i%5)
		k := r.TalentID + r.OrgID + r.Date
		if seen[k] {
			continue
		}
		seen[k] = true
		chunk = append(chunk, r)
		nRecs++
		if err := flush(models.CollRecruitments, false); err != nil {
			return err
		}
	}
	if err := flush(models.CollRecruitments, true); err != nil {
		return err
	}
	bureau := &models.User{ID: store.NewID(), Email: seed.BureauEmail, Name: "示范科员", Role: models.RoleBureau}
	if err := db.store.BulkInsertUsers(ctx, []*models.User{bureau}, hash); err != nil {
		return fmt.Errorf("seed accounts: %w", err)
	}
	if *demo {
		member := ""
		for _, u := range orgUsers {
			if u.OrgID == verified[0].ID {
				member = u.Email
			}
		}
		fmt.Fprintf(stdout, "demo accounts, password %q:\n  creator  %s (profile of %s)\n  org      %s (%s, verified)\n  bureau   %s\n",
			seed.Password, firstCreator, refs[0].name, member, verified[0].Name, bureau.Email)
	}
	if err := sd.wait(); err != nil {
		return fmt.Errorf("seed: index: %w", err)
	}
	if db.embedded != nil && nothingUntold {
		if err := os.WriteFile(filepath.Join(cfg.DataDir, noticesToldFile), nil, 0o600); err != nil {
			logger.Warn("notices: the next start sweeps them", "error", err)
		}
	}
	took := time.Since(t0)
	fmt.Fprintf(stdout, "seeded %d talents, %d organisations, %d bases, %d projects, %d applications, %d recruitment records (seed %d)\n",
		len(refs), len(orgDocs), len(baseDocs), len(projectDocs), nApps, nRecs, *seedN)
	where := "the database and the index together"
	if db.embedded == nil {
		where = "the database and its change feed (running servers index them from the feed)"
	}
	fmt.Fprintf(stdout, "talents: %.0f/s into %s (%s); everything: %s (database busy %s, index busy %s, side by side)\n",
		float64(len(refs))/talentsTook.Seconds(), where, talentsTook.Round(time.Millisecond), took.Round(time.Millisecond),
		sd.dbBusy.Round(time.Millisecond), sd.ixBusy.Round(time.Millisecond))
	fmt.Fprintf(stdout, "every seeded account signs in with the password %q (creator1@seed.talenthub.example, org1@seed.talenthub.example …, %s)\n", seed.Password, seed.BureauEmail)
	return nil
}

func anys[T any](xs []*T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
