package store_test

import (
	"context"
	"maps"
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
	if storetest.Embedded() == nil {
		t.Skip("MONGODB_TEST_URI: the driver's query is the only path")
	}
	ctx := context.Background()
	var opts store.Options
	direct := storetest.MustOpen(t, func(o *store.Options) { opts = *o })
	if opts.Versions == nil {
		t.Fatal("the test store does not read versions from the file, as the server does")
	}
	opts.Versions = nil
	driver, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(ctx)

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
