// Package embeddb runs the embedded default database: FerretDB with its
// SQLite handler, in-process on loopback, so that talenthub needs no MongoDB
// server to run or to test.
//
// It also owns the repair of a measured FerretDB defect (docs/architecture.md "Data"):
// FerretDB's own _id index is on the expression _ferretdb_sjson->"_id" but
// its queries filter on _ferretdb_sjson->'$._id', so SQLite cannot use the
// index and every findOne by _id scans the table. RepairIndexes adds an
// index on the expression the queries use, for every collection, and an
// index of _id and version that Versions reads instead of the documents.
//
// Only main and test helpers import this package.
package embeddb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	_ "modernc.org/sqlite" // the driver FerretDB itself registers; imported for the repair connection
)

// idIndexSuffix names the repair index: <table>_thub_id_path.
const idIndexSuffix = "_thub_id_path"

// versionsIndexSuffix names the index of every document's _id and version
// that Versions reads instead of the table: <table>_thub_versions.
const versionsIndexSuffix = "_thub_versions"

// versionsExprs are the two columns Versions reads, spelled alike in the
// index and in the query.
const versionsExprs = `_ferretdb_sjson->>'$._id', _ferretdb_sjson->>'$.version'`

// Server is a running embedded database.
type Server struct {
	dir    string
	uri    string
	logger *slog.Logger
	cancel context.CancelFunc
	done   chan struct{}

	readersMu sync.Mutex
	readers   map[string]*fileReader // by database name
}

// fileReader is a read-only pool on one database's SQLite file, and the
// file it was opened on: a database dropped and made again is a new file.
type fileReader struct {
	db   *sql.DB
	file os.FileInfo
}

// SQLite's synchronous settings (PRAGMA synchronous), for Options.
const (
	// SyncFull fsyncs the write-ahead log at every commit, before FerretDB
	// answers: a write the client saw acknowledged survives a power cut or
	// a kernel crash. The default.
	SyncFull = "FULL"
	// SyncNormal fsyncs the log only at checkpoints (about every 1,000
	// pages written). The database stays consistent after a power cut, but
	// the transactions committed since the last checkpoint may be gone,
	// acknowledged or not. A process crash (kill -9) loses nothing either
	// way: the operating system holds what was written. For benchmarks.
	SyncNormal = "NORMAL"
)

// Options tune the embedded database.
type Options struct {
	// Synchronous is SyncFull (when empty) or SyncNormal.
	Synchronous string
}

// Start starts FerretDB on 127.0.0.1 on a free port, with its SQLite files in
// dir (created if missing), durable against power loss (SyncFull). The
// server runs until Close.
func Start(ctx context.Context, dir string, logger *slog.Logger) (*Server, error) {
	return StartWith(ctx, dir, logger, Options{})
}

// StartWith is Start with options.
func StartWith(ctx context.Context, dir string, logger *slog.Logger, opts Options) (*Server, error) {
	if logger == nil {
		logger = slog.Default()
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("embeddb: %w", err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("embeddb: create %s: %w", abs, err)
	}
	unlock, err := lockDir(abs)
	if err != nil {
		return nil, err
	}
	sqliteURL, err := directoryURL(abs, opts.Synchronous)
	if err != nil {
		unlock()
		return nil, err
	}

	// FerretDB logs every connection at info level; only its errors matter here.
	fdbLogger := slog.New(levelFilter{logger.Handler().WithGroup("ferretdb"), slog.LevelError})

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
		Logger:    fdbLogger,
	})
	if err != nil {
		unlock()
		return nil, fmt.Errorf("embeddb: start FerretDB on %s: %w", abs, err)
	}

	// The server outlives the start-up context: it stops on Close only.
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Server{dir: abs, logger: logger, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer unlock()
		_ = f.Run(runCtx)
	}()
	// MongoDBURI waits until the listener is bound.
	s.uri = f.MongoDBURI()
	return s, nil
}

// directoryURL is the SQLite URL FerretDB is given for dir. FerretDB keeps
// its query when it makes each database's URL (dir/<name>.sqlite), and the
// driver runs every _pragma on each new connection, in order. FerretDB
// adds busy_timeout and journal_mode(wal) only when they are missing, and
// sets no synchronous at all: the driver's build then decides (FULL in
// modernc.org/sqlite today), which a driver upgrade could weaken without
// notice. So all three are named here, synchronous after journal_mode: a
// synchronous set explicitly is kept when the journal turns to WAL.
func directoryURL(dir, synchronous string) (string, error) {
	switch synchronous {
	case "":
		synchronous = SyncFull
	case SyncFull, SyncNormal:
	default:
		return "", fmt.Errorf("embeddb: synchronous %q: want %s or %s", synchronous, SyncFull, SyncNormal)
	}
	q := url.Values{"_pragma": {"busy_timeout(10000)", "journal_mode(wal)", "synchronous(" + synchronous + ")"}}
	return (&url.URL{Scheme: "file", Path: dir + "/", RawQuery: q.Encode()}).String(), nil
}

// ErrInUse is the error of Start when another process holds the directory.
var ErrInUse = errors.New("is in use by another process")

// URI returns the mongodb:// address of the server.
func (s *Server) URI() string { return s.uri }

// Close stops the server and waits until its files are closed.
func (s *Server) Close() error {
	s.cancel()
	s.readersMu.Lock()
	for name, r := range s.readers {
		_ = r.db.Close()
		delete(s.readers, name)
	}
	s.readersMu.Unlock()
	select {
	case <-s.done:
		return nil
	case <-time.After(30 * time.Second):
		return errors.New("embeddb: FerretDB did not stop within 30s")
	}
}

// reader returns the read-only pool on the SQLite file of database name,
// opened once and kept while the file is the same one. In WAL mode its
// reads never block FerretDB's writer, and each sees what was committed
// when it began.
func (s *Server) reader(name string) (*sql.DB, error) {
	path := s.DatabaseFile(name)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("embeddb: database %q: %w", name, err)
	}
	s.readersMu.Lock()
	defer s.readersMu.Unlock()
	if r, ok := s.readers[name]; ok {
		if os.SameFile(r.file, fi) {
			return r.db, nil
		}
		_ = r.db.Close()
		delete(s.readers, name)
	}
	db, err := OpenFile(path, true)
	if err != nil {
		return nil, err
	}
	if s.readers == nil {
		s.readers = map[string]*fileReader{}
	}
	s.readers[name] = &fileReader{db: db, file: fi}
	return db, nil
}

// Reader is one database's file, read beside FerretDB where FerretDB would
// decode every document of a collection to answer.
type Reader struct {
	s    *Server
	name string
}

// Reader returns the file reads of database name.
func (s *Server) Reader(name string) Reader { return Reader{s, name} }

// Versions is Server.Versions on the reader's database.
func (r Reader) Versions(ctx context.Context, coll string, fn func(id string, version int64) error) error {
	return r.s.Versions(ctx, r.name, coll, fn)
}

// ReadAfter is Server.ReadAfter on the reader's database.
func (r Reader) ReadAfter(ctx context.Context, coll, after string, limit int, fields []string, fn func(values []any) error) error {
	return r.s.ReadAfter(ctx, r.name, coll, after, limit, fields, fn)
}

// ReadAfter calls fn with the values of fields (top-level fields, as
// SQLite's ->> gives them: a string, an int64, a float64 or nil; an
// ObjectID as its hex, a date as its milliseconds, a bool as 0 or 1) of
// every document of collection coll of database name whose _id (a string
// or an ObjectID) sorts after the string after, in _id order, at most limit
// of them (no limit when limit ≤ 0). FerretDB answers the same query, a
// follower's read of the change feed, by decoding and sorting every
// document of the collection in Go whatever the limit: under load, with
// several followers, a quarter of the server's CPU (BENCHMARKS.md, "Reading
// the feed from the file"). Here the _id repair index gives the range and
// the order, and only the documents read are parsed.
func (s *Server) ReadAfter(ctx context.Context, name, coll, after string, limit int, fields []string, fn func(values []any) error) error {
	var cols []string
	for _, f := range fields {
		if !plainField(f) {
			return fmt.Errorf("embeddb: read %s: field %q", coll, f)
		}
		cols = append(cols, `_ferretdb_sjson->>'$.`+f+`'`)
	}
	if len(cols) == 0 {
		return fmt.Errorf("embeddb: read %s: no fields", coll)
	}
	db, err := s.reader(name)
	if err != nil {
		return err
	}
	table, ok, err := tableOf(ctx, db, coll)
	if !ok || err != nil {
		return err
	}
	q, args := ReadAfterQuery(table, cols, after != ""), []any{}
	if after != "" {
		quoted, _ := json.Marshal(after) // as the index holds a string _id: JSON text
		args = append(args, string(quoted))
	}
	if limit <= 0 {
		limit = -1
	}
	rows, err := db.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return fmt.Errorf("embeddb: read %s: %w", coll, err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for rows.Next() {
		for i := range vals {
			vals[i] = nil
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("embeddb: read %s: %w", coll, err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("embeddb: read %s: %w", coll, err)
	}
	return nil
}

// ReadAfterQuery is the query by which ReadAfter reads columns cols of a
// table, after an _id (a first parameter) or from the start, with a limit
// (the last parameter). Spelled as the _id repair index is, so that SQLite
// takes the range and the order from it.
func ReadAfterQuery(table string, cols []string, after bool) string {
	q := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + quoteIdent(table)
	if after {
		q += ` WHERE _ferretdb_sjson->'$._id' > ?`
	}
	return q + ` ORDER BY _ferretdb_sjson->'$._id' LIMIT ?`
}

// plainField reports whether f is a field name ReadAfter may put in its
// query: letters, digits and underscores.
func plainField(f string) bool {
	if f == "" {
		return false
	}
	for _, c := range f {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// DatabaseFile returns the SQLite file that holds database name.
func (s *Server) DatabaseFile(name string) string {
	return filepath.Join(s.dir, name+".sqlite")
}

// OpenSQL opens the SQLite file of database name beside FerretDB, for the
// repair and for tests that inspect query plans. The caller closes it.
func (s *Server) OpenSQL(name string) (*sql.DB, error) {
	path := s.DatabaseFile(name)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("embeddb: database %q: %w", name, err)
	}
	return OpenFile(path, false)
}

// OpenFile opens a database file of FerretDB directly, read-only if asked
// (a backup copying it while the server writes: WAL readers do not block
// the writer). The caller closes it.
func OpenFile(path string, readOnly bool) (*sql.DB, error) {
	q := "_pragma=busy_timeout(10000)"
	if readOnly {
		q = "mode=ro&" + q
	}
	u := url.URL{Scheme: "file", Path: path, RawQuery: q}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, fmt.Errorf("embeddb: open %s: %w", path, err)
	}
	return db, nil
}

// Versions calls fn with the _id (an ObjectID as its hex) and the version
// field (0 where there is none) of every document of collection coll of
// database name, read from its SQLite file with SQLite's JSON functions,
// in no particular order. FerretDB answers the same query, even projected
// to those two fields, by decoding every document in full in Go: a
// reconciliation of the search index spent 70 % of its CPU there (a profile),
// five minutes at a million profiles (BENCHMARKS.md, "A start after a
// crash at one million"). Where RepairIndexes gave the collection its
// versions index, SQLite reads the pairs from the index alone instead of
// parsing every document (a million profiles: 0.6 s instead of 23 s). The
// file is read read-only (reader). A collection that does not exist has
// no documents.
func (s *Server) Versions(ctx context.Context, name, coll string, fn func(id string, version int64) error) error {
	db, err := s.reader(name)
	if err != nil {
		return err
	}
	return VersionsIn(ctx, db, coll, fn)
}

// VersionsIn is Versions on the database file open in db.
func VersionsIn(ctx context.Context, db *sql.DB, coll string, fn func(id string, version int64) error) error {
	table, ok, err := tableOf(ctx, db, coll)
	if !ok || err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, VersionsQuery(table))
	if err != nil {
		return fmt.Errorf("embeddb: versions of %s: %w", coll, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id any
		var v sql.NullInt64
		if err := rows.Scan(&id, &v); err != nil {
			return fmt.Errorf("embeddb: versions of %s: %w", coll, err)
		}
		var text string
		switch id := id.(type) {
		case string:
			text = id
		case []byte:
			text = string(id)
		default:
			text = fmt.Sprint(id)
		}
		if err := fn(text, v.Int64); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("embeddb: versions of %s: %w", coll, err)
	}
	return nil
}

// Counts returns the number of documents of every collection of the
// database open in db: one row of its table per document.
func Counts(ctx context.Context, db *sql.DB) (map[string]int64, error) {
	tables, err := Tables(ctx, db)
	if err != nil {
		return nil, err
	}
	counts := make(map[string]int64, len(tables))
	for coll, table := range tables {
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(table)).Scan(&n); err != nil {
			return nil, fmt.Errorf("embeddb: count %s: %w", coll, err)
		}
		counts[coll] = n
	}
	return counts, nil
}

// tableOf returns the SQLite table of collection coll of the database open
// in db, and false if the collection does not exist.
func tableOf(ctx context.Context, db *sql.DB, coll string) (string, bool, error) {
	tables, err := Tables(ctx, db)
	if err != nil {
		return "", false, err
	}
	table, ok := tables[coll]
	return table, ok, nil
}

// Tables returns the SQLite table of every collection of database name.
func Tables(ctx context.Context, db *sql.DB) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name, table_name FROM _ferretdb_collections`)
	if err != nil {
		return nil, fmt.Errorf("embeddb: list collections: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var coll, table string
		if err := rows.Scan(&coll, &table); err != nil {
			return nil, fmt.Errorf("embeddb: list collections: %w", err)
		}
		out[coll] = table
	}
	return out, rows.Err()
}

// RepairIndexes adds the _id expression index to every collection of
// database name that lacks it, and the versions index (VersionsIndexName)
// to those of the versioned collections that exist, and returns how many
// indexes it created. It is idempotent and cheap when nothing is missing;
// call it after the collections exist (the store creates them at open).
// On a large table the first creation takes a while (about 11 s for a
// million recruitment records, 17 s for a million profiles, measured),
// once.
func (s *Server) RepairIndexes(ctx context.Context, name string, versioned []string) (int, error) {
	db, err := s.OpenSQL(name)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	tables, err := Tables(ctx, db)
	if err != nil {
		return 0, err
	}
	type index struct{ coll, name, table, exprs string }
	var want []index
	for coll, table := range tables {
		// The expression must be spelled exactly as FerretDB's queries spell
		// it (metadata.IDColumn) for SQLite to use the index.
		want = append(want, index{coll, IDIndexName(table), table, `_ferretdb_sjson->'$._id'`})
	}
	for _, coll := range versioned {
		if table, ok := tables[coll]; ok {
			// Spelled as Versions selects them, so that SQLite reads them
			// from the index instead of parsing every document's JSON.
			want = append(want, index{coll, VersionsIndexName(table), table, versionsExprs})
		}
	}
	created := 0
	for _, ix := range want {
		var exists int
		err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?`, ix.name).Scan(&exists)
		if err != nil {
			return created, fmt.Errorf("embeddb: check index of %s: %w", ix.coll, err)
		}
		if exists > 0 {
			continue
		}
		began := time.Now()
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (%s)`, quoteIdent(ix.name), quoteIdent(ix.table), ix.exprs)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return created, fmt.Errorf("embeddb: index %s: %w", ix.coll, err)
		}
		created++
		level := slog.LevelDebug
		if time.Since(began) >= time.Second {
			level = slog.LevelInfo
		}
		s.logger.Log(ctx, level, "embeddb: added index", "database", name, "collection", ix.coll, "index", ix.name, "took", time.Since(began).Round(time.Millisecond))
	}
	return created, nil
}

// VersionsQuery is the query by which Versions reads a table.
func VersionsQuery(table string) string {
	return `SELECT ` + versionsExprs + ` FROM ` + quoteIdent(table)
}

// QueryPlan returns SQLite's plan for query (EXPLAIN QUERY PLAN), its
// lines joined by "; ": which table it scans, which index it reads.
func QueryPlan(ctx context.Context, db *sql.DB, query string, args ...any) (string, error) {
	rows, err := db.QueryContext(ctx, `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return "", err
		}
		out = append(out, detail)
	}
	return strings.Join(out, "; "), rows.Err()
}

// IDIndexName returns the name of the repair index of a table.
func IDIndexName(table string) string { return table + idIndexSuffix }

// VersionsIndexName returns the name of a table's versions index.
func VersionsIndexName(table string) string { return table + versionsIndexSuffix }

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// levelFilter drops records below a level.
type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (h levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{h.Handler.WithAttrs(a), h.min}
}

func (h levelFilter) WithGroup(g string) slog.Handler {
	return levelFilter{h.Handler.WithGroup(g), h.min}
}
