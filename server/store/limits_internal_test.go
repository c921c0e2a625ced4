package store

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// missing stands for an absent field in evalExpr.
type missing struct{}

// evalExpr evaluates the few aggregation expressions limitHitPipeline
// uses ($cond, $lte, $ifNull, $add, field paths, literals) as MongoDB
// documents them. FerretDB has none of them, so this is how the
// pipeline's logic is checked here; a real MongoDB is what proves it.
func evalExpr(t *testing.T, e any, doc bson.M) any {
	t.Helper()
	switch v := e.(type) {
	case string:
		if len(v) > 0 && v[0] == '$' {
			if x, ok := doc[v[1:]]; ok {
				return x
			}
			return missing{}
		}
		return v
	case bson.D:
		if len(v) != 1 {
			t.Fatalf("expression with %d keys: %v", len(v), v)
		}
		args, _ := v[0].Value.(bson.A)
		arg := func(i int) any { return evalExpr(t, args[i], doc) }
		switch v[0].Key {
		case "$cond":
			if arg(0).(bool) {
				return arg(1)
			}
			return arg(2)
		case "$ifNull":
			if x := arg(0); x != nil && x != (missing{}) {
				return x
			}
			return arg(1)
		case "$lte":
			a, ok1 := arg(0).(time.Time)
			b, ok2 := arg(1).(time.Time)
			if !ok1 || !ok2 {
				t.Fatalf("$lte of %T and %T: the pipeline compares dates only", arg(0), arg(1))
			}
			return !a.After(b)
		case "$add":
			var sum int64
			for i := range args {
				switch n := arg(i).(type) {
				case int:
					sum += int64(n)
				case int32:
					sum += int64(n)
				case int64:
					sum += n
				default:
					t.Fatalf("$add of %T", n)
				}
			}
			return sum
		}
		t.Fatalf("operator %s is not one the pipeline should use", v[0].Key)
	}
	return e
}

// applySet applies a pipeline of $set stages: each stage's fields are all
// computed from the document as it entered the stage.
func applySet(t *testing.T, p mongo.Pipeline, doc bson.M) bson.M {
	t.Helper()
	for _, stage := range p {
		if len(stage) != 1 || stage[0].Key != "$set" {
			t.Fatalf("stage %v is not a $set", stage)
		}
		out := bson.M{}
		for k, v := range doc {
			out[k] = v
		}
		for _, f := range stage[0].Value.(bson.D) {
			out[f.Key] = evalExpr(t, f.Value, doc)
		}
		doc = out
	}
	return doc
}

func asInt(t *testing.T, v any) int64 {
	t.Helper()
	switch n := v.(type) {
	case int:
		return int64(n)
	case int32:
		return int64(n)
	case int64:
		return n
	}
	t.Fatalf("%v (%T) is not a number", v, v)
	return 0
}

// TestLimitHitPipeline: the update of a hit on MongoDB is one $set that
// starts a missing counter (the upsert's new document holds only its _id)
// and an ended window at 1, counts one more in a live window, and moves
// the version, keeping created_at.
func TestLimitHitPipeline(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const window = time.Minute
	p := limitHitPipeline(now, window)
	if len(p) != 1 || p[0][0].Key != "$set" {
		t.Fatalf("pipeline = %v", p)
	}
	var fields []string
	for _, f := range p[0][0].Value.(bson.D) {
		fields = append(fields, f.Key)
	}
	if want := []string{"count", "expires_at", "version", "created_at", "updated_at"}; !reflect.DeepEqual(fields, want) {
		t.Fatalf("fields %v, want %v", fields, want)
	}
	created := now.Add(-time.Hour)
	cases := []struct {
		name        string
		doc         bson.M
		count, ver  int64
		expires, at time.Time
	}{
		{"first hit (upsert)", bson.M{"_id": "k"}, 1, 1, now.Add(window), now},
		{"live window", bson.M{"_id": "k", "count": int32(3), "expires_at": now.Add(time.Second), "version": int64(3), "created_at": created},
			4, 4, now.Add(time.Second), created},
		{"window ends now", bson.M{"_id": "k", "count": int32(7), "expires_at": now, "version": int64(9), "created_at": created},
			1, 10, now.Add(window), created},
		{"window ended", bson.M{"_id": "k", "count": int64(7), "expires_at": now.Add(-time.Hour), "version": int64(2), "created_at": created},
			1, 3, now.Add(window), created},
	}
	for _, c := range cases {
		got := applySet(t, p, c.doc)
		if n := asInt(t, got["count"]); n != c.count {
			t.Errorf("%s: count %d, want %d", c.name, n, c.count)
		}
		if v := asInt(t, got["version"]); v != c.ver {
			t.Errorf("%s: version %d, want %d", c.name, v, c.ver)
		}
		if e := got["expires_at"].(time.Time); !e.Equal(c.expires) {
			t.Errorf("%s: expires_at %v, want %v", c.name, e, c.expires)
		}
		if a := got["created_at"].(time.Time); !a.Equal(c.at) {
			t.Errorf("%s: created_at %v, want %v", c.name, a, c.at)
		}
		if u := got["updated_at"].(time.Time); !u.Equal(now) || got["_id"] != "k" {
			t.Errorf("%s: updated_at %v, _id %v", c.name, u, got["_id"])
		}
	}
	// What the driver sends is a BSON array of stages.
	if _, _, err := bson.MarshalValue(p); err != nil {
		t.Fatal(err)
	}
}

// TestIsNotImplemented: FerretDB's answer to what it lacks, and nothing
// else, makes the store fall back.
func TestIsNotImplemented(t *testing.T) {
	ferret := mongo.CommandError{Code: 238, Name: "NotImplemented", Message: "Aggregation pipelines are not supported yet"}
	if !isNotImplemented(ferret) || !isNotImplemented(fmt.Errorf("wrapped: %w", ferret)) {
		t.Fatal("NotImplemented not recognised")
	}
	for _, err := range []error{nil, errors.New("x"), mongo.CommandError{Code: 11000}, mongo.CommandError{Code: 189}} {
		if isNotImplemented(err) {
			t.Fatalf("%v taken for NotImplemented", err)
		}
	}
}
