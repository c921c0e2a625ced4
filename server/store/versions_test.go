package store_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

// On the embedded database, Versions reads the ids and versions from the
// SQLite file itself (embeddb.Server.Versions), not through FerretDB: the
// same answer as the driver's projected query gives, for documents
// created, changed twice and deleted, in a collection of ObjectIDs and in
// one the store never wrote to.
func TestVersionsReadFromTheFileAgreeWithTheDriver(t *testing.T) {
	ctx := context.Background()
	direct, driver := fileAndDriver(t)

	var ids []string
	for _, name := range []string{"A", "B", "C", "D"} {
		o := &models.Org{Name: name, Kind: models.OrgEnterprise, District: "nanshan", Status: models.StatusPending, CreatedBy: "x"}
		if err := direct.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	for range 2 {
		if _, err := direct.UpdateOrg(ctx, ids[1], 0, func(o *models.Org) error { o.Name += "+"; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	talent := &models.Talent{ID: store.NewID(), Name: "T", Headline: "原画师", Visibility: models.VisibilityPublic}
	if err := direct.CreateTalent(ctx, talent); err != nil {
		t.Fatal(err)
	}
	if err := direct.DeleteTalent(ctx, talent.ID, 0); err != nil {
		t.Fatal(err)
	}
	read := func(st *store.Store, coll string) map[string]int64 {
		out := map[string]int64{}
		if err := st.Versions(ctx, coll, func(dv models.DocVersion) error { out[dv.ID] = dv.Version; return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, coll := range []string{models.CollOrgs, models.CollTalents, models.CollBases} {
		got, want := read(direct, coll), read(driver, coll)
		if !maps.Equal(got, want) {
			t.Fatalf("%s: read from the file %v, through the driver %v", coll, got, want)
		}
		if coll == models.CollOrgs && (len(got) != 4 || got[ids[1]] != 3 || got[ids[0]] != 1) {
			t.Fatalf("orgs: %v; want four, %s at version 3", got, ids[1])
		}
	}
}

// BenchmarkVersions: every profile's id and version, 20,000 profiles with
// a bio, a work and skills, read from the SQLite
// file (what the server does on the embedded database) against through
// the driver's projected query (what FerretDB answers by decoding every
// document). BENCHMARKS.md, "A start after a crash at one million".
func BenchmarkVersions(b *testing.B) {
	ctx := context.Background()
	direct, driver := fileAndDriver(b)
	const n = 20_000
	docs := make([]any, 0, n)
	for i := range n {
		docs = append(docs, &models.Talent{ID: store.NewID(), Name: fmt.Sprint("创作者", i), Headline: "角色原画设计师 · 游戏美术",
			Bio:    strings.Repeat("十年游戏美术经验，擅长角色设计与场景概念。", 8),
			Skills: []string{"原画", "角色设计", "场景设计"}, Tools: []string{"Photoshop", "Blender"},
			Works:      []models.Work{{Title: "作品一", Description: strings.Repeat("赛博朋克城市夜景。", 6), Tags: []string{"概念", "场景"}}},
			Visibility: models.VisibilityPublic, Version: 1})
	}
	if err := direct.BulkInsert(ctx, models.CollTalents, docs); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		st   *store.Store
	}{{"file", direct}, {"driver", driver}} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				got := 0
				if err := c.st.Versions(ctx, models.CollTalents, func(models.DocVersion) error { got++; return nil }); err != nil || got != n {
					b.Fatalf("%d versions (%v)", got, err)
				}
			}
		})
	}
}

// fileAndDriver opens a fresh embedded database twice: as the server does
// (versions read from the SQLite file) and with versions read through the
// driver.
func fileAndDriver(tb testing.TB) (direct, driver *store.Store) {
	tb.Helper()
	if storetest.Embedded() == nil {
		tb.Skip("MONGODB_TEST_URI: the driver's query is the only path")
	}
	var opts store.Options
	direct = storetest.MustOpen(tb, func(o *store.Options) { opts = *o })
	if opts.Versions == nil {
		tb.Fatal("the test store does not read versions from the file, as the server does")
	}
	opts.Versions = nil
	driver, err := store.Open(context.Background(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = driver.Close(context.Background()) })
	return direct, driver
}
