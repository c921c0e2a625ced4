package store

import (
	"errors"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/szdc/talenthub/models"
)

// The change stream's pieces that can be checked without a replica set:
// events as the server sends them (built here as BSON) become feed entries
// with the version written, cursors sort in commit order and resume at the
// token, and a lost history is a lost feed, not a failure. The streams
// themselves run against MONGODB_TEST_URI (TestFeedFromAPosition).
func TestChangeStreamEvents(t *testing.T) {
	oid := primitive.NewObjectID()
	event := func(op string, ts primitive.Timestamp, token string, extra bson.D) streamEvent {
		d := bson.D{
			{Key: "_id", Value: bson.D{{Key: "_data", Value: token}}},
			{Key: "operationType", Value: op},
			{Key: "clusterTime", Value: ts},
			{Key: "ns", Value: bson.D{{Key: "db", Value: "talenthub"}, {Key: "coll", Value: "talents"}}},
			{Key: "documentKey", Value: bson.D{{Key: "_id", Value: oid}}},
		}
		raw, err := bson.Marshal(append(d, extra...))
		if err != nil {
			t.Fatal(err)
		}
		var e streamEvent
		if err := bson.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	ts := primitive.Timestamp{T: 0x6AB0C880, I: 7}
	ins := event("insert", ts, "826AB0C8800000000746", bson.D{{Key: "fullDocument", Value: bson.D{{Key: "version", Value: int64(1)}}}}).change()
	upd := event("update", primitive.Timestamp{T: ts.T, I: 9}, "826AB0C8800000000946",
		bson.D{{Key: "updateDescription", Value: bson.D{{Key: "updatedFields", Value: bson.D{{Key: "version", Value: int64(4)}, {Key: "name", Value: "x"}}}}}}).change()
	del := event("delete", primitive.Timestamp{T: ts.T + 1, I: 1}, "826AB0C8810000000146", nil).change()
	if ins.Coll != models.CollTalents || ins.ID != oid.Hex() || ins.Version != 1 || ins.Deleted || !ins.At.Equal(models.SeqTime(ins.Seq)) {
		t.Errorf("insert: %+v", ins)
	}
	if upd.Version != 4 || upd.Deleted {
		t.Errorf("update: %+v", upd)
	}
	if !del.Deleted || del.Version != 0 {
		t.Errorf("delete: %+v", del)
	}
	if !(ins.Seq < upd.Seq && upd.Seq < del.Seq) {
		t.Errorf("cursors out of commit order: %s %s %s", ins.Seq, upd.Seq, del.Seq)
	}
	if got := models.SeqTime(upd.Seq).Unix(); got != int64(ts.T) {
		t.Errorf("SeqTime of a stream cursor = %d, want %d", got, ts.T)
	}
	at, token := parseStreamCursor(upd.Seq)
	if at != (primitive.Timestamp{T: ts.T, I: 9}) || token != "826AB0C8800000000946" {
		t.Errorf("parse %s = %v %q", upd.Seq, at, token)
	}
	// A post-batch token (no event) carries its time in its data.
	post := tokenCursor(bson.Raw(mustMarshal(t, bson.D{{Key: "_data", Value: "826AB0C8820000000346"}})), "")
	if at, _ := parseStreamCursor(post); at != (primitive.Timestamp{T: 0x6AB0C882, I: 3}) || post <= del.Seq {
		t.Errorf("post-batch cursor %s: %v", post, at)
	}
	// A cursor of the changes collection (an index built before the
	// upgrade) starts the stream at its second.
	seq := primitive.NewObjectIDFromTimestamp(ins.At).Hex()
	if at, token := parseStreamCursor(seq); at.T != ts.T || at.I != 0 || token != "" {
		t.Errorf("an ObjectID cursor parses as %v %q", at, token)
	}

	lost := mongo.CommandError{Code: 286, Name: "ChangeStreamHistoryLost", Message: "Resume of change stream was not possible"}
	if err := streamError(lost); !errors.Is(err, models.ErrFeedLost) {
		t.Errorf("history lost: %v", err)
	}
	if err := streamError(mongo.CommandError{Code: 11600, Name: "InterruptedAtShutdown"}); errors.Is(err, models.ErrFeedLost) {
		t.Errorf("a shutdown taken for a lost feed: %v", err)
	}
}

func mustMarshal(t *testing.T, d bson.D) []byte {
	t.Helper()
	b, err := bson.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
