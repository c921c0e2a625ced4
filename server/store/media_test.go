package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store/storetest"
)

// TestMediaQuotaAndOrphans: an account keeps at most MaxMediaPerAccount
// images and MaxMediaBytesPerAccount bytes, a removal makes room again,
// another account is not affected; the uploads nothing names are found for
// the sweep once they are old enough, and an attached one never is.
func TestMediaQuotaAndOrphans(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	medium := func(owner string, n int, bytes int64) *models.Medium {
		return &models.Medium{OwnerID: owner, Purpose: models.PurposeWork, ContentType: "image/png", Width: 1, Height: 1,
			Bytes: bytes, LargeKey: fmt.Sprintf("%s-%d-l", owner, n), ThumbKey: fmt.Sprintf("%s-%d-t", owner, n)}
	}
	var first *models.Medium
	for i := range models.MaxMediaPerAccount {
		m := medium("counted", i, 1)
		if err := s.CreateMedium(ctx, m); err != nil {
			t.Fatalf("upload %d of %d: %v", i+1, models.MaxMediaPerAccount, err)
		}
		if first == nil {
			first = m
		}
	}
	if err := s.CreateMedium(ctx, medium("counted", -1, 1)); !models.IsCode(err, models.CodeConflict) {
		t.Fatalf("one image past the count: %v, want a conflict", err)
	}
	if err := s.DeleteMedium(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateMedium(ctx, medium("counted", -2, 1)); err != nil {
		t.Fatalf("after a removal, an upload: %v", err)
	}
	if ms, err := s.OwnerMedia(ctx, "counted"); err != nil || len(ms) != models.MaxMediaPerAccount {
		t.Fatalf("the account's images: %d, %v", len(ms), err)
	}

	if err := s.CreateMedium(ctx, medium("heavy", 0, models.MaxMediaBytesPerAccount-10)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateMedium(ctx, medium("heavy", 1, 11)); !models.IsCode(err, models.CodeConflict) {
		t.Fatalf("one byte past the size: %v, want a conflict", err)
	}
	if err := s.CreateMedium(ctx, medium("heavy", 2, 10)); err != nil {
		t.Fatalf("up to the size exactly: %v", err)
	}
	if err := s.CreateMedium(ctx, medium("other", 0, 1)); err != nil {
		t.Fatalf("another account: %v", err)
	}

	attached := medium("sweep", 0, 1)
	loose := medium("sweep", 1, 1)
	for _, m := range []*models.Medium{attached, loose} {
		if err := s.CreateMedium(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AttachMedium(ctx, attached.ID, "talent:x"); err != nil {
		t.Fatal(err)
	}
	ids := func(before time.Time) map[string]bool {
		ms, err := s.UnattachedMedia(ctx, before, 1000)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, m := range ms {
			out[m.ID] = true
		}
		return out
	}
	if young := ids(time.Now().Add(-time.Hour)); len(young) != 0 {
		t.Fatalf("uploads younger than the age swept: %v", young)
	}
	old := ids(time.Now().Add(time.Hour))
	if !old[loose.ID] || old[attached.ID] {
		t.Fatalf("the sweep finds %v: want the loose upload %s and not the attached %s", old, loose.ID, attached.ID)
	}
}
