package store

import (
	"reflect"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/szdc/talenthub/models"
)

// TestIndexSpecs: the embedded database gets the plain indexes; MongoDB
// also gets TTL indexes on the expiring collections and the version scan
// of every feed collection; the shared declarations are left unchanged.
func TestIndexSpecs(t *testing.T) {
	find := func(specs map[string][]mongo.IndexModel, coll, name string) *mongo.IndexModel {
		for i, m := range specs[coll] {
			if m.Options.Name != nil && *m.Options.Name == name {
				return &specs[coll][i]
			}
		}
		return nil
	}
	check := func(onMongo bool) {
		specs := indexSpecs(onMongo)
		for _, coll := range ttlCollections {
			m := find(specs, coll, "expires_at")
			if m == nil || !reflect.DeepEqual(m.Keys, bson.D{{Key: "expires_at", Value: 1}}) {
				t.Fatalf("mongo=%v: %s has no expires_at index", onMongo, coll)
			}
			ttl := m.Options.ExpireAfterSeconds
			if onMongo != (ttl != nil) || (ttl != nil && *ttl != 0) {
				t.Errorf("mongo=%v: %s expires_at has expireAfterSeconds %v", onMongo, coll, ttl)
			}
		}
		for _, coll := range models.FeedCollections {
			m := find(specs, coll, versionScanIndex)
			if !onMongo {
				if m != nil {
					t.Errorf("the embedded database gets a %s index on %s", versionScanIndex, coll)
				}
				continue
			}
			if m == nil || !reflect.DeepEqual(m.Keys, bson.D{{Key: "_id", Value: 1}, {Key: "version", Value: 1}}) {
				t.Errorf("%s: %s = %+v", coll, versionScanIndex, m)
			}
		}
		for coll, list := range indexes {
			if len(specs[coll]) < len(list) {
				t.Errorf("mongo=%v: %s lost indexes", onMongo, coll)
			}
		}
	}
	check(true)
	check(false) // after the MongoDB set was made: nothing shared was changed
	for _, coll := range ttlCollections {
		for _, m := range indexes[coll] {
			if m.Options.ExpireAfterSeconds != nil {
				t.Fatalf("the declaration of %s was changed", coll)
			}
		}
	}
}
