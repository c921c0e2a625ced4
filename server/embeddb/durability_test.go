package embeddb

import (
	"context"
	"database/sql"
	"net/url"
	"path"
	"strings"
	"testing"
)

// TestDirectoryURLSetsDurability opens a database through the URL that
// FerretDB is given, made into a database's URL the way FerretDB's SQLite
// pool does (the directory's path joined with <name>.sqlite, the query
// kept), and asks SQLite what it runs with.
func TestDirectoryURLSetsDurability(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct{ option, want string }{{"", "2"}, {SyncFull, "2"}, {SyncNormal, "1"}} {
		dir := t.TempDir()
		raw, err := directoryURL(dir, c.option)
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		u.Path = path.Join(u.Path, "x.sqlite")
		db, err := sql.Open("sqlite", u.String())
		if err != nil {
			t.Fatal(err)
		}
		var mode, sync string
		if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if mode != "wal" || sync != c.want {
			t.Errorf("option %q: journal_mode %s, synchronous %s; want wal, %s", c.option, mode, sync, c.want)
		}
	}
	if _, err := directoryURL(t.TempDir(), "OFF"); err == nil || !strings.Contains(err.Error(), "FULL") {
		t.Errorf("synchronous OFF: %v", err)
	}
}
