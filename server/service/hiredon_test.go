package service

import (
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
)

// A report from a hired card defaults to the day of the hire in Shenzhen
// (the last move to hired, after any move back), not to the day it is
// reported.
func TestHiredOn(t *testing.T) {
	now := time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC)
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		history []models.Move
		want    string
	}{
		{[]models.Move{{At: at("2026-03-01T09:00:00Z"), Action: "move", To: models.StageOffered},
			{At: at("2026-03-01T17:30:00Z"), Action: "move", To: models.StageHired}}, "2026-03-02"}, // 01:30 the next day in Shenzhen
		{[]models.Move{{At: at("2026-03-01T02:00:00Z"), Action: "move", To: models.StageHired},
			{At: at("2026-03-05T02:00:00Z"), Action: "move", To: models.StageOffered},
			{At: at("2026-04-10T02:00:00Z"), Action: "move", To: models.StageHired}}, "2026-04-10"},
		{nil, "2026-05-20"},
	} {
		if got := hiredOn(&models.Application{History: c.history}, now); got != c.want {
			t.Errorf("hired on %s, want %s (history %+v)", got, c.want, c.history)
		}
	}
}
