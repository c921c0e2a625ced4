// Command talenthub serves the talenthub platform: the HTTP API and the web
// UI over MongoDB, or over an embedded database when no MONGODB_URI is set.
//
// main only calls run; run wires the concrete stores, services and server
// together, and is what the end-to-end tests call.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/search"
	"github.com/szdc/talenthub/server"
	"github.com/szdc/talenthub/server/embeddb"
	"github.com/szdc/talenthub/server/figures"
	"github.com/szdc/talenthub/server/mail"
	"github.com/szdc/talenthub/server/media"
	"github.com/szdc/talenthub/server/notify"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/web"
)

// gcPercent is the collector's target unless GOGC says otherwise. Most of
// the server's heap lives as long as it does (the figures, the Chinese
// dictionary): Go's default of 100 walked all of it every 15 s at a million
// records, each walk taking one of two cores for about a second, and the
// searches meanwhile waited (p99 544 ms under the search mix of
// scripts/loadgen; 278 ms at 200, with the peak heap 1.5 times higher:
// BENCHMARKS.md).
const gcPercent = 200

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMAXPROCS") == "" {
		// One processor more than Go would take, for the image processing's
		// thread at the lowest priority (server/media): with as many as the
		// cores, a processing holds one of them whatever its priority (the
		// searches' p99 rose 65-90 % under 20 uploads); with one more, the
		// kernel gives it a core only when searches and pages leave one
		// free (BENCHMARKS.md, "Media"). Setting it stops Go from following
		// a container's CPU limit as it changes; GOMAXPROCS overrides.
		runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + 1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "talenthub:", err)
		os.Exit(1)
	}
}

const usage = `usage: talenthub [serve | seed [flags] | reindex | recount [--server URL] |
                  backup --out FILE | restore FILE | verify-backup FILE]

Commands:
  serve          serve the API and web UI (the default)
  seed           fill the database with generated data (talenthub seed -h)
  reindex        rebuild the search index from the database
  recount        recompute every figure from the raw records and report any
                 difference from the live figures (exit status 1 if any)
  backup         write one consistent archive of the embedded database and
                 DATA_DIR/media to FILE (FILE.tar.gz or .tgz: compressed),
                 while the server runs; not on MongoDB (use mongodump)
  restore        check a backup and unpack it into an empty or missing
                 DATA_DIR; the search index is built at the first start
  verify-backup  check a backup without restoring it: checksums, SQLite's
                 integrity check, the documents counted against the manifest

seed and reindex open the database themselves: stop the server first when
it runs on the embedded database. backup does not need it stopped.

Configuration comes from the environment; see README.md.
`

// run runs talenthub until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("talenthub", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() { fmt.Fprint(stdout, usage) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	cmd := fs.Arg(0)
	if cmd == "" {
		cmd = "serve"
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	switch cmd {
	case "serve":
		return serve(ctx, cfg, logger, stdout)
	case "recount":
		return recount(ctx, cfg, logger, stdout, fs.Args()[1:])
	case "seed":
		return seedCmd(ctx, cfg, logger, stdout, fs.Args()[1:])
	case "reindex":
		return reindex(ctx, cfg, logger, stdout)
	case "backup":
		return backupCmd(ctx, cfg, stdout, fs.Args()[1:])
	case "restore":
		return restoreCmd(ctx, cfg, stdout, fs.Args()[1:])
	case "verify-backup":
		return verifyBackupCmd(ctx, stdout, fs.Args()[1:])
	}
	fmt.Fprint(stdout, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// database is an open store and, on the embedded default, its server.
type database struct {
	store    *store.Store
	embedded *embeddb.Server
}

func (d *database) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = d.store.Close(ctx)
	if d.embedded != nil {
		_ = d.embedded.Close()
	}
}

// openDatabase opens MONGODB_URI, or starts the embedded database under
// DATA_DIR/db when it is empty.
func openDatabase(ctx context.Context, cfg config, logger *slog.Logger) (*database, error) {
	d := &database{}
	opts := store.Options{URI: cfg.MongoURI, Database: cfg.MongoDatabase}
	if cfg.MongoURI == "" {
		emb, err := embeddb.Start(ctx, cfg.embeddedDir(), logger)
		if err != nil {
			return nil, err
		}
		d.embedded = emb
		opts.URI = emb.URI()
		opts.SerializeWrites = true
		opts.File = emb.Reader(cfg.MongoDatabase)
	}
	opts.Logger = logger
	s, err := store.Open(ctx, opts)
	if err != nil {
		if d.embedded != nil {
			_ = d.embedded.Close()
		}
		return nil, err
	}
	d.store = s
	if d.embedded != nil {
		if _, err := d.embedded.RepairIndexes(ctx, cfg.MongoDatabase, models.FeedCollections); err != nil {
			d.Close()
			return nil, err
		}
	}
	return d, nil
}

func serve(ctx context.Context, cfg config, logger *slog.Logger, stdout io.Writer) error {
	logger.Info("starting talenthub", cfg.logAttrs()...)
	started := time.Now()
	db, err := openDatabase(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	// Taken before anything can write, so that a crash from here on
	// leaves no mark and the next start sweeps the notices.
	noticesSwept := takeMark(filepath.Join(cfg.DataDir, noticesToldFile))
	if noticesSwept && db.embedded != nil {
		// Nothing was left untold, so nothing lacks its entry: a data
		// directory of a release that kept none needs no scan after its
		// first crash either.
		if err := db.store.NothingUntold(ctx); err != nil {
			return err
		}
	}

	if cfg.SynonymsFile != "" {
		text, err := os.ReadFile(cfg.SynonymsFile)
		if err != nil {
			return fmt.Errorf("SYNONYMS_FILE: %w", err)
		}
		if err := search.UseSynonyms(string(text)); err != nil {
			return fmt.Errorf("SYNONYMS_FILE %s: %w", cfg.SynonymsFile, err)
		}
	}
	// The figures load (their snapshot read, rebuilt, caught up and, after
	// a crash, reconciled: most of a start at a million records) on one
	// core while the index opens and catches up on the other. Nothing
	// reads them before the wait below, and any early return waits for
	// them before the database closes.
	fig := figures.New(db.store, nil, logger)
	snapshot := filepath.Join(cfg.DataDir, figuresSnapshot)
	epoch, err := db.store.DataEpoch(ctx)
	if err != nil {
		return err
	}
	figuresStarted := make(chan error, 1)
	go func() { figuresStarted <- fig.Start(ctx, snapshot, epoch) }()
	figuresReady := sync.OnceValue(func() error { return <-figuresStarted })
	defer figuresReady() // an early return has its own error to give

	ix, err := search.Open(ctx, search.Options{
		Dir: filepath.Join(cfg.DataDir, "index"), Source: db.store, Logger: logger, FacetsDeferFrom: cfg.FacetsDeferFrom,
	})
	if err != nil {
		return err
	}
	defer ix.Close()
	// The process that takes a write indexes it before it answers.
	db.store.Observe(ix.Observe)
	if _, err := ix.CatchUp(ctx); err != nil {
		return fmt.Errorf("search: catch up: %w", err)
	}

	if err := figuresReady(); err != nil {
		return err
	}
	db.store.Observe(fig.Observe)
	incTally := figures.NewIncubation(db.store, nil, logger)
	if err := incTally.Load(ctx); err != nil {
		return fmt.Errorf("incubation figures: %w", err)
	}
	db.store.Observe(incTally.Observe)

	mcfg := mail.Config{SMTPURL: cfg.SMTPURL, From: cfg.MailFrom, PublicURL: cfg.PublicURL, Store: db.store, Logger: logger,
		Backoff: cfg.MailRetryAfter, Timeout: cfg.MailTimeout, Lease: cfg.MailLease}
	if db.embedded == nil {
		// Other processes enqueue mail too: look for theirs now and then.
		mcfg.Rescan = time.Minute
	}
	mailer, err := mail.New(ctx, mcfg)
	if err != nil {
		return err
	}
	blobs, err := openBlobs(ctx, cfg, db)
	if err != nil {
		return err
	}
	svc := service.New(service.Config{Store: db.store, Index: ix, Figures: fig, Incubation: incTally, Accounts: service.AccountsConfig{SessionTTL: cfg.SessionTTL},
		Weights: cfg.weights, Logger: logger, Mailer: mailer, Mail: mailer,
		Images: media.NewProcessor(media.Limits{}), Blobs: blobs})
	if err := svc.Taxonomies.Seed(ctx); err != nil {
		return fmt.Errorf("seed the taxonomy: %w", err)
	}
	if err := svc.Stats.SeedTargets(ctx); err != nil {
		return fmt.Errorf("seed the targets: %w", err)
	}
	if err := svc.Vocabulary.Load(ctx); err != nil {
		return fmt.Errorf("load the accepted synonyms: %w", err)
	}
	if n, err := svc.Talents.ResumeErasures(ctx); err != nil {
		return fmt.Errorf("resume erasures: %w", err)
	} else if n > 0 {
		logger.Info("finished interrupted erasures", "count", n)
	}

	adminNote, err := bootstrapAdmin(ctx, cfg, svc.Accounts, db.store)
	if err != nil {
		return err
	}

	// On MongoDB the watch leaves requests in flight alone and waits out
	// an election before refusing new ones; the embedded database, in this
	// process, is dead when it refuses connections (dbWatch).
	wopts := mongoWatch(store.PingRefused)
	if db.embedded != nil {
		wopts = embeddedWatch(store.PingRefused)
	}
	watch := newDBWatch(db.store.Ping, logger, wopts)
	ready := func(ctx context.Context) error {
		// The watch pings four times a second: a probe costs the database
		// nothing and never waits for it.
		if err := watch.err(); err != nil {
			return err
		}
		if !ix.CaughtUp(30 * time.Second) {
			return models.Errorf(models.CodeUnavailable, "the search index is catching up")
		}
		return nil
	}
	maintenance := service.NewReindexer(ctx, ix, logger)
	ui := web.New(web.Config{Services: svc.Models(), Maintenance: maintenance, SessionTTL: cfg.SessionTTL, Logger: logger})
	srv := server.New(server.Config{
		Services: svc.Models(), Ready: ready, Reconciling: ix.Reconciling, Gate: watch.Gate, Logger: logger, RequestTimeout: cfg.RequestTimeout,
		Maintenance: maintenance, Pages: ui, RuleText: ui.RuleText, TrustedProxies: cfg.TrustedProxies,
		Admission: server.Admission{Searches: cfg.AdmitSearches, Views: cfg.AdmitViews, Reads: cfg.AdmitReads, Writes: cfg.AdmitWrites,
			SignIns: cfg.AdmitSignIns, Queue: cfg.AdmitQueue, Wait: cfg.AdmitWait},
	})

	perc, err := ix.NewPercolator()
	if err != nil {
		return err
	}
	defer perc.Close()
	notifier := notify.New(db.store, db.store, notify.Options{Mailer: mailer, Percolator: perc, Weights: cfg.weights,
		SkillKey: ix.SkillKey, Logger: logger})
	if err := notifier.Load(ctx); err != nil {
		return fmt.Errorf("notifications: %w", err)
	}
	// The start's garbage (the figures loaded from a million records leave
	// gigabytes) is collected now, for 160 ms of the start at that size,
	// rather than by the collector's first cycle under load, which marked
	// for 0.6-0.8 s while the first searches ran (whether that slowed them
	// was within the noise of the runs: BENCHMARKS.md, "The first seconds").
	runtime.GC()
	// The profiles' listener first: a DEBUG_ADDR that cannot be served
	// stops the start before the API answers anything.
	if cfg.DebugAddr != "" {
		stop, err := serveDebug(cfg.DebugAddr, logger)
		if err != nil {
			return err
		}
		defer stop()
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	go watch.run(ctx)
	go janitor(ctx, db.store, svc.Media, cfg.feedRetention(), logger)
	go ix.Follow(ctx, time.Second, time.Hour)
	if db.embedded != nil {
		// One process sees every write of the embedded database: its
		// observers keep the figures, the feed only repeats them.
		go fig.Follow(ctx, time.Second, 0)
		go incTally.Follow(ctx, time.Second, 0)
	} else {
		// Other processes write too; an entry can be lost (the changes
		// collection) or a change rolled back: reconcile hourly.
		go fig.Follow(ctx, time.Second, time.Hour)
		go incTally.Follow(ctx, time.Second, time.Hour)
	}
	// A snapshot kept fresh for a start after a crash, which reconciles it
	// with the database rather than loading every record.
	go snapshotEvery(ctx, fig, snapshot, epoch, 15*time.Minute, logger)
	// Notifications follow the feed like the index and the figures; they
	// keep their position in the database, so a restart tells what was
	// missed and nothing twice.
	go notifier.Follow(ctx, time.Second)
	// An import a crash cut off is finished from the file its journal
	// keeps (on the embedded database at once; on MongoDB once the lock
	// the dead run held expires).
	go func() {
		if n, err := svc.Imports.ResumeCutOff(ctx, db.embedded != nil, 30*time.Second); err != nil && ctx.Err() == nil {
			logger.Error("imports: finishing the imports cut off", "error", err)
		} else if n > 0 {
			logger.Info("imports: finished the imports cut off", "count", n)
		}
	}()
	// Security notices and messages are told by their services, not from
	// the feed; what a crash left untold (kept with the change itself) is
	// told at once, and again after a failure (and hourly on MongoDB, for
	// the crashes of other processes).
	// The sweep scans every account and message (a scan on the embedded
	// database, a long one at a million accounts): after a clean stop that
	// left nothing untold, one process has nothing to sweep.
	backstop, sweepNow := time.Duration(0), !noticesSwept
	if db.embedded == nil {
		backstop, sweepNow = time.Hour, true
	}
	go svc.FollowNotices(ctx, 30*time.Second, backstop, sweepNow)
	// Synonym pairs an admin accepted in another process apply here within
	// a minute.
	go svc.Vocabulary.Follow(ctx, time.Minute)
	mailDone := make(chan struct{})
	go func() { mailer.Run(ctx); close(mailDone) }()

	where := "MongoDB " + maskURI(cfg.MongoURI)
	if db.embedded != nil {
		// The embedded database's own address is printed too: an operator
		// (or a test) may read the records with any MongoDB client while
		// it runs.
		where = "embedded database in " + cfg.embeddedDir() + " at " + db.embedded.URI()
	}
	// One write, so that a reader who sees the address sees the note too.
	fmt.Fprintf(stdout, "talenthub listening on http://%s (%s, ready in %s)\n%s\n",
		displayAddr(ln.Addr()), where, time.Since(started).Round(time.Millisecond), adminNote)

	select {
	case err := <-served:
		return fmt.Errorf("server stopped: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "drain", cfg.ShutdownDrain.String(), "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	srv.Drain()
	select {
	case <-time.After(min(cfg.ShutdownDrain, cfg.ShutdownTimeout/2)):
	case err := <-served:
		return fmt.Errorf("server stopped: %w", err)
	}
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	// Reset links asked for just before the stop are mailed before the
	// database closes.
	svc.Accounts.Wait()
	if db.embedded != nil && !svc.NoticesUntold() {
		if err := os.WriteFile(filepath.Join(cfg.DataDir, noticesToldFile), nil, 0o600); err != nil {
			logger.Warn("notices: the next start sweeps them", "error", err)
		}
	}
	// The mail being sent is recorded before the database closes.
	select {
	case <-mailDone:
	case <-sctx.Done():
	}
	// The next start reads the figures from here and the feed after it.
	if _, err := fig.CatchUp(context.WithoutCancel(sctx)); err != nil {
		logger.Warn("figures: last catch-up", "error", err)
	}
	if err := fig.SaveSnapshot(snapshot, epoch); err != nil {
		logger.Warn("figures: the snapshot was not saved; the next start reconciles the last one or loads from the database", "error", err)
	} else if err := fig.Stopped(snapshot); err != nil {
		logger.Warn("figures: the next start reconciles the snapshot", "error", err)
	}
	logger.Info("stopped")
	return nil
}

// figuresSnapshot is the file under DATA_DIR of the figures' snapshot.
const figuresSnapshot = "figures.snapshot"

// noticesToldFile, under DATA_DIR, says that the last stop was clean and
// left no notice untold; a start takes it away, so that after a crash it
// is missing and the start sweeps.
const noticesToldFile = "notices.told"

// markExists reports whether the file path is there.
func markExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// takeMark removes the file path and reports whether it was there.
func takeMark(path string) bool { return os.Remove(path) == nil }

// snapshotEvery saves the figures' snapshot every interval until ctx ends.
func snapshotEvery(ctx context.Context, fig *figures.Figures, path, epoch string, every time.Duration, logger *slog.Logger) {
	models.Every(ctx, every, func() {
		if err := fig.SaveSnapshot(path, epoch); err != nil {
			logger.Warn("figures: save the snapshot", "error", err)
		}
	})
}

// bootstrapAdmin creates the admin of ADMIN_EMAIL/ADMIN_PASSWORD if no
// admin exists, and returns the sign-in hint to print.
func bootstrapAdmin(ctx context.Context, cfg config, accounts *service.Accounts, st *store.Store) (string, error) {
	if cfg.AdminEmail != "" {
		created, err := accounts.BootstrapAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword)
		if err != nil {
			return "", fmt.Errorf("bootstrap admin: %w", err)
		}
		if created {
			return fmt.Sprintf("admin account created: sign in as %s with ADMIN_PASSWORD", cfg.AdminEmail), nil
		}
	}
	exists, err := st.AdminExists(ctx)
	if err != nil {
		return "", err
	}
	if exists {
		return "admin: sign in with the admin account (ADMIN_EMAIL/ADMIN_PASSWORD only create one when none exists)", nil
	}
	return "no admin account yet: restart with ADMIN_EMAIL=you@example.com ADMIN_PASSWORD='a long password' to create one", nil
}

// janitor prunes the change feed every 30 s (keeping retention: on the
// embedded database every read of the feed scans it) and purges expired
// sessions, rate-limit counters and mailed tokens, and the uploads nothing
// used within a day, at its first round and then every hour: on MongoDB
// TTL indexes delete the first three too, but the embedded database has
// none, and a process restarted more often than the interval must purge
// all the same. The first round waits 30 s, so that
// after a long stop the followers move their cursors past the old entries
// before the prune watermark does (otherwise they would take the prune for
// a gap and reconcile everything). Image files no upload names are swept
// every hour from strayDelay after the start: the sweep reads every
// medium's keys and stats every file, work the first minutes after a
// start (the index and the figures catching up, the first searches) can
// do without, for files that no one can reach meanwhile.
func janitor(ctx context.Context, st *store.Store, media *service.Media, retention time.Duration, logger *slog.Logger) {
	const purgeEvery = time.Hour
	var lastPurge, lastStray time.Time // never: the first round purges
	started := time.Now()
	sweep := func(what string, fn func(context.Context) (int, error)) {
		if n, err := fn(ctx); err != nil {
			if ctx.Err() == nil {
				logger.Warn("remove "+what, "error", err)
			}
		} else if n > 0 {
			logger.Info("removed "+what, "count", n)
		}
	}
	models.Every(ctx, 30*time.Second, func() {
		if strayDue(time.Now(), started, lastStray, purgeEvery) {
			lastStray = time.Now()
			sweep("image files no upload names (an upload or a removal cut off)", media.SweepStrayBlobs)
		}
		if _, err := st.PruneChanges(ctx, time.Now().Add(-retention)); err != nil && ctx.Err() == nil {
			logger.Warn("prune the change feed", "error", err)
		}
		if time.Since(lastPurge) < purgeEvery {
			return
		}
		lastPurge = time.Now()
		if n, err := st.PurgeExpired(ctx); err != nil {
			if ctx.Err() == nil {
				logger.Warn("purge expired sessions", "error", err)
			}
		} else if n > 0 {
			logger.Info("purged expired sessions and counters", "count", n)
		}
		sweep("uploads nothing used within a day", media.SweepOrphans)
	})
}

// strayDelay is how long after a start the first sweep of stray image
// files waits.
const strayDelay = 10 * time.Minute

// strayDue reports whether the sweep of stray image files is due at now,
// for a process started at started whose last sweep was at last (zero:
// none yet): not before strayDelay after the start, then every interval.
func strayDue(now, started, last time.Time, every time.Duration) bool {
	return now.Sub(started) >= strayDelay && now.Sub(last) >= every
}

// openBlobs opens where images' bytes are kept: files under DATA_DIR/media
// beside the embedded database (a backup of DATA_DIR holds them), and the
// database's GridFS bucket on MongoDB, which every process shares.
func openBlobs(ctx context.Context, cfg config, db *database) (models.BlobStore, error) {
	if db.embedded != nil {
		return media.NewFileStore(filepath.Join(cfg.DataDir, "media"))
	}
	return db.store.Blobs(ctx)
}

// displayAddr turns a listener address into one a browser can open.
func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", tcp.Port)
	}
	return tcp.String()
}

// serveDebug serves net/http/pprof's profiles on addr until stop is
// called. Its own mux, so that nothing else is served there and the
// profiles are never on the API's address.
func serveDebug(addr string, logger *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on DEBUG_ADDR %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Warn("debug listener stopped", "error", err)
		}
	}()
	logger.Info("profiles served", "addr", "http://"+displayAddr(ln.Addr())+"/debug/pprof/")
	return func() { _ = hs.Close() }, nil
}
