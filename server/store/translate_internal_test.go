package store

import (
	"fmt"
	"os"
	"syscall"
	"testing"

	"go.mongodb.org/mongo-driver/mongo"

	"github.com/szdc/talenthub/models"
)

// A full disk is storage_full (507), whatever words the database uses;
// the embedded FerretDB's words were logged by TestDiskFull's first run
// (an InternalError, code 1, whose code alone says nothing).
func TestTranslateStorageFull(t *testing.T) {
	for name, err := range map[string]error{
		"FerretDB over SQLITE_FULL": mongo.CommandError{Code: 1, Name: "InternalError",
			Message: "[msg_insert.go:168 handler.(*Handler).MsgInsert] [db.go:167 fsql.(*DB).InTransaction] database or disk is full (13)"},
		"in a write error":       mongo.WriteException{WriteErrors: mongo.WriteErrors{{Code: 1, Message: "database or disk is full (13)"}}},
		"MongoDB OutOfDiskSpace": mongo.CommandError{Code: 14031, Name: "OutOfDiskSpace", Message: "Not enough disk space"},
		"WiredTiger's words":     mongo.CommandError{Code: 8, Name: "UnknownError", Message: "WiredTiger error (28) No space left on device"},
		"a file":                 fmt.Errorf("write: %w", &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}),
		"a quota":                &os.PathError{Op: "write", Path: "x", Err: syscall.EDQUOT},
	} {
		if got := models.ErrorCode(translate("op", err)); got != models.CodeStorageFull {
			t.Errorf("%s: %s", name, got)
		}
	}
	for name, err := range map[string]error{
		"another internal error": mongo.CommandError{Code: 1, Name: "InternalError", Message: "disk I/O error (10)"},
		"a duplicate":            mongo.WriteException{WriteErrors: mongo.WriteErrors{{Code: 11000, Message: "E11000 duplicate key"}}},
	} {
		if got := models.ErrorCode(translate("op", err)); got == models.CodeStorageFull {
			t.Errorf("%s: %s", name, got)
		}
	}
}
