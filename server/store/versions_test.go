package store_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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

	ids, _ := writeSome(t, direct, 4)
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
	if opts.File == nil {
		tb.Fatal("the test store does not read the file, as the server does")
	}
	opts.File = nil
	driver, err := store.Open(context.Background(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = driver.Close(context.Background()) })
	return direct, driver
}

// writeSome writes n organisations, changes the second twice, and creates
// and deletes a profile, whose id it returns with the organisations'.
func writeSome(t *testing.T, st *store.Store, n int) (orgIDs []string, talentID string) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		o := &models.Org{Name: string(rune('A' + i)), Kind: models.OrgEnterprise, District: "nanshan", Status: models.StatusPending, CreatedBy: "x"}
		if err := st.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
		orgIDs = append(orgIDs, o.ID)
	}
	for range 2 {
		if _, err := st.UpdateOrg(ctx, orgIDs[1], 0, func(o *models.Org) error { o.Name += "+"; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	talent := &models.Talent{ID: store.NewID(), Name: "T", Headline: "原画师", Visibility: models.VisibilityPublic}
	if err := st.CreateTalent(ctx, talent); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteTalent(ctx, talent.ID, 0); err != nil {
		t.Fatal(err)
	}
	return orgIDs, talent.ID
}

// On the embedded database the change feed is read from the SQLite file
// too (ChangesAfter): the same entries, fields and order as the driver's
// query gives, from the start, after any entry, after the last, with and
// without a limit; and a bad position is refused both ways.
func TestChangesReadFromTheFileAgreeWithTheDriver(t *testing.T) {
	ctx := context.Background()
	direct, driver := fileAndDriver(t)
	_, talentID := writeSome(t, direct, 3)
	all, err := driver.ChangesAfter(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 7 || !slices.ContainsFunc(all, func(c models.Change) bool { return c.Deleted && c.ID == talentID }) {
		t.Fatalf("the driver read %d entries, want the seven writes' with the deletion: %+v", len(all), all)
	}
	afters := []string{"", all[0].Seq, all[len(all)/2].Seq, all[len(all)-1].Seq, models.SeqAt(all[0].At.Add(-time.Hour))}
	for _, after := range afters {
		for _, limit := range []int{0, 1, 2, 1000} {
			want, err := driver.ChangesAfter(ctx, after, limit)
			if err != nil {
				t.Fatal(err)
			}
			got, err := direct.ChangesAfter(ctx, after, limit)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("after %q, limit %d: the file's read differs from the driver's (-driver +file):\n%s", after, limit, diff)
			}
		}
	}
	for _, st := range []*store.Store{direct, driver} {
		if _, err := st.ChangesAfter(ctx, "not-a-position", 10); err == nil {
			t.Fatal("a bad position was read")
		}
	}
}

// BenchmarkChangesAfter: a follower's read of the change feed holding
// 3,000 entries (a busy few minutes: the embedded feed keeps two), through
// the driver and from the file, whole and at its head (the last ten, what
// a follower that keeps up reads every time).
//
//	go test -run '^$' -bench ChangesAfter -benchtime 200x -count 2 ./server/store   (130 s)
func BenchmarkChangesAfter(b *testing.B) {
	ctx := context.Background()
	direct, driver := fileAndDriver(b)
	for i := range 3000 {
		o := &models.Org{Name: fmt.Sprint("org ", i), Kind: models.OrgEnterprise, District: "nanshan", Status: models.StatusPending, CreatedBy: "x"}
		if err := direct.CreateOrg(ctx, o); err != nil {
			b.Fatal(err)
		}
	}
	all, err := driver.ChangesAfter(ctx, "", 0)
	if err != nil || len(all) < 3000 {
		b.Fatalf("%d entries, %v", len(all), err)
	}
	head := all[len(all)-11].Seq
	for _, st := range []struct {
		name string
		s    *store.Store
	}{{"driver", driver}, {"file", direct}} {
		for _, r := range []struct {
			name, after string
			want        int
		}{{"all", "", len(all)}, {"head", head, 10}} {
			b.Run(st.name+"/"+r.name, func(b *testing.B) {
				for b.Loop() {
					if cs, err := st.s.ChangesAfter(ctx, r.after, 0); err != nil || len(cs) != r.want {
						b.Fatalf("%d entries, %v", len(cs), err)
					}
				}
			})
		}
	}
}
