package service_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/service"
	"github.com/szdc/talenthub/server/store/storetest"
)

// TestAnImportCutOffIsFinished: an import cut off while it writes (its
// context ended between two batches of records: what a crash does to the
// writes, on the real database) leaves part of its records and its
// journal, with its file, and no report. Finishing it makes the rest and
// nothing twice: every row counted once, the report recorded under the
// same id, the journal gone, and the same file again changes nothing.
// The imports' lock the cut-off run held is waited for, unless the
// process serves the database alone (takeOver).
func TestAnImportCutOffIsFinished(t *testing.T) {
	w := newJourneyWorld(t)
	// The officer's account, which the resume acts as.
	officer := &models.User{Email: "officer@sz.gov.cn", Name: "审核员", Role: models.RoleBureau}
	must(t, w.st.CreateUser(w.ctx, officer, "not a real hash"))
	w.bureau = officer
	const rows = 12_000 // three batches of writes
	data := importRows(w.verifiedOrgs(t, 20), rows)
	in := models.ImportInput{Kind: models.ImportRecruitments, File: "12k.csv", Data: data}

	// Cut it off once the first batch is written. A machine fast enough
	// to finish before the cut is seen tries again with the same file
	// (its second run is one that changes nothing, and cannot be cut).
	var journal *models.ImportJournal
	for attempt := 0; journal == nil; attempt++ {
		if attempt == 3 {
			t.Fatal("the import finished before it could be cut off, three times")
		}
		ctx, cancel := context.WithCancel(w.ctx)
		done := make(chan error, 1)
		go func() {
			_, err := w.svc.Imports.Import(ctx, w.bureau, in)
			done <- err
		}()
		var err error
	poll:
		for {
			select {
			case err = <-done:
				break poll
			case <-time.After(2 * time.Millisecond):
				p, perr := w.svc.Imports.Progress(w.ctx, w.bureau)
				must(t, perr)
				if p.Phase == models.PhaseWriting && p.Done >= 5000 {
					cancel()
					err = <-done
					break poll
				}
			}
		}
		cancel()
		js, jerr := w.st.UnfinishedImports(w.ctx)
		must(t, jerr)
		switch {
		case err == nil && len(js) == 0:
			continue // finished whole
		case err == nil || len(js) != 1 || !js[0].Complete || string(js[0].Data) != string(data):
			t.Fatalf("after the cut: %v, journals %d", err, len(js))
		}
		journal = js[0]
	}
	cut := w.counted(t, 2025)
	if cut == 0 || cut >= rows*3/4 {
		t.Fatalf("the cut-off import counts %d people: it was not cut while writing", cut)
	}
	if l, err := w.svc.Imports.List(w.ctx, w.bureau, models.Page{Page: 1, PerPage: 10}); err != nil || l.Total != 0 {
		t.Fatalf("the cut-off import has a report: %v %+v", err, l)
	}

	// A crash leaves the lock held until it expires: not taken over, the
	// resume waits.
	ok, err := w.st.TryLock(w.ctx, "imports", journal.LockOwner, 10*time.Minute)
	must(t, err)
	if !ok {
		t.Fatal("the lock of the cut-off run is held by someone else")
	}
	short, cancel := context.WithTimeout(w.ctx, 300*time.Millisecond)
	n, err := w.svc.Imports.ResumeCutOff(short, false, 20*time.Millisecond)
	cancel()
	if n != 0 || err == nil {
		t.Fatalf("resumed while the lock was held: %d %v", n, err)
	}
	if got := w.counted(t, 2025); got != cut {
		t.Fatalf("waiting for the lock wrote: %d counted, was %d", got, cut)
	}

	// The database misses a deadline once in finding the account and once
	// in taking the lock (what the driver does under load, a little
	// before the caller's deadline): the resume tries again rather than
	// leave the import for the next start.
	d := w.svc.Imports.Deps
	slow := &slowOnce{Stores: d.Store}
	d.Store = slow
	n, err = service.NewImports(d).ResumeCutOff(w.ctx, true, time.Millisecond)
	if err != nil || n != 1 || slow.users.Load() < 2 || slow.locks.Load() < 2 {
		t.Fatalf("resume: %d %v (account read %d times, lock taken %d times)", n, err, slow.users.Load(), slow.locks.Load())
	}
	if got := w.counted(t, 2025); got != rows*3/4 {
		t.Errorf("after the resume %d people count, want %d", got, rows*3/4)
	}
	l, err := w.svc.Imports.List(w.ctx, w.bureau, models.Page{Page: 1, PerPage: 10})
	must(t, err)
	if l.Total != 1 || l.Items[0].ID != journal.ID || l.Items[0].Created != rows || l.Items[0].File != "12k.csv" {
		t.Fatalf("the finished import's report: %+v", l.Items)
	}
	if js, err := w.st.UnfinishedImports(w.ctx); err != nil || len(js) != 0 {
		t.Fatalf("journals left: %d %v", len(js), err)
	}
	recs, err := w.svc.Recruitments.List(w.ctx, w.bureau, models.RecruitmentFilter{Page: models.Page{Page: 1, PerPage: 1}})
	must(t, err)
	if recs.Total != rows {
		t.Errorf("%d records, want %d", recs.Total, rows)
	}
	again, err := w.svc.Imports.Import(w.ctx, w.bureau, in)
	if err != nil || again.Unchanged != rows || again.Created != 0 {
		t.Fatalf("the same file again: %v, %d unchanged, %d created", err, again.Unchanged, again.Created)
	}
	// Nothing left to finish: a start finds nothing.
	if n, err := w.svc.Imports.ResumeCutOff(w.ctx, true, time.Second); err != nil || n != 0 {
		t.Fatalf("a second resume: %d %v", n, err)
	}
}

// TestResumeLeavesWhatItCannotFinish: a journal whose account is gone is
// dropped with its file (nobody can finish it as that account, and the
// file names people); one whose file was not all written (cut off before
// its first record) is cleared; a file that no longer passes its checks
// writes nothing and stays for an operator to look at, for a week: older,
// it is dropped too.
func TestResumeLeavesWhatItCannotFinish(t *testing.T) {
	w := newJourneyWorld(t)
	officer := &models.User{Email: "officer@sz.gov.cn", Name: "审核员", Role: models.RoleBureau}
	must(t, w.st.CreateUser(w.ctx, officer, "not a real hash"))
	at := time.Now().Add(-time.Hour)
	orphan := &models.ImportJournal{ID: "65f0c0ffee00000000000001", Kind: models.ImportRecruitments, File: "a.csv",
		Data: importRows(w.verifiedOrgs(t, 1), 10), By: "65f0c0ffee0000000000dead", At: at}
	broken := &models.ImportJournal{ID: "65f0c0ffee00000000000002", Kind: models.ImportRecruitments, File: "b.csv",
		Data: []byte("姓名,证件类型\n张三,护照\n"), By: officer.ID, At: at.Add(time.Minute)}
	partial := &models.ImportJournal{ID: "65f0c0ffee00000000000003", Kind: models.ImportRecruitments, File: "c.csv",
		Data: importRows(nil, 0), By: officer.ID, At: at.Add(2 * time.Minute)}
	stale := &models.ImportJournal{ID: "65f0c0ffee00000000000004", Kind: models.ImportRecruitments, File: "d.csv",
		Data: []byte("姓名,证件类型\n李四,护照\n"), By: officer.ID, At: at.Add(-8 * 24 * time.Hour)}
	for _, j := range []*models.ImportJournal{orphan, broken, partial, stale} {
		must(t, w.st.BeginImport(w.ctx, j))
	}
	_, err := storetest.Raw(t, w.st.Database()).Collection("import_journal_chunks").DeleteOne(w.ctx, bson.D{{Key: "_id", Value: partial.ID + "/0"}})
	must(t, err)

	n, err := w.svc.Imports.ResumeCutOff(w.ctx, true, time.Second)
	if err != nil || n != 0 {
		t.Fatalf("resume: %d %v", n, err)
	}
	js, err := w.st.UnfinishedImports(w.ctx)
	must(t, err)
	var left []string
	for _, j := range js {
		left = append(left, j.File)
	}
	if fmt.Sprint(left) != "[b.csv]" {
		t.Errorf("journals left: %v, want the broken one's of an hour ago", left)
	}
	// The dropped journals' files are gone with them.
	for _, id := range []string{orphan.ID, stale.ID} {
		if n, err := storetest.Raw(t, w.st.Database()).Collection("import_journal_chunks").CountDocuments(w.ctx, bson.D{{Key: "import_id", Value: id}}); err != nil || n != 0 {
			t.Errorf("journal %s: %d chunks of its file left (%v)", id, n, err)
		}
	}
	if got := w.counted(t, 2025); got != 0 {
		t.Errorf("%d people counted after imports that were not finished", got)
	}
}

// slowOnce is the database missing its deadline on the first read of an
// account and the first try of a lock.
type slowOnce struct {
	service.Stores
	users, locks atomic.Int32
}

var errLate = &models.Error{Code: models.CodeUnavailable, Message: "the database did not answer in time", Err: context.DeadlineExceeded}

func (s *slowOnce) User(ctx context.Context, id string) (*models.User, error) {
	if s.users.Add(1) == 1 {
		return nil, errLate
	}
	return s.Stores.User(ctx, id)
}

func (s *slowOnce) TryLock(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	if s.locks.Add(1) == 1 {
		return false, errLate
	}
	return s.Stores.TryLock(ctx, name, owner, ttl)
}
