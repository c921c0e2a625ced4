package service

import (
	"cmp"
	"context"
	"time"

	"github.com/szdc/talenthub/models"
)

// SweepNotices tells what changes made outside the change feed left
// untold: the security notices accounts hold and the messages marked
// untold (see Accounts.endSessions and Messages.tell for why they are
// kept with their changes). It returns how many it told.
func (a *All) SweepNotices(ctx context.Context) (int, error) {
	n, err := a.Accounts.SweepNotices(ctx)
	m, merr := a.Messages.SweepNotices(ctx)
	return n + m, cmp.Or(err, merr)
}

// NoticesUntold reports whether a notice failed to be told in this
// process and waits for a sweep.
func (a *All) NoticesUntold() bool { return a.Accounts.retry.Load() || a.Messages.retry.Load() }

// RequireSweep counts every notice as untold until a sweep has run to its
// end, so that a stop before it does not pass for one that left nothing
// untold.
func (a *All) RequireSweep() {
	a.Accounts.retry.Store(true)
	a.Messages.retry.Store(true)
}

// FollowNotices sweeps at once when sweepNow is set (what a crash before
// the start left), then every tick after a notice failed to be told in
// this process, and, when every is not 0, every every whatever happened
// (what another process's crash left, on MongoDB), until ctx ends. A sweep
// scans the accounts and the messages, which is why it is not run every
// tick, and why a single process (the embedded database), whose crashes
// the sweep at start covers, passes 0.
func (a *All) FollowNotices(ctx context.Context, tick, every time.Duration, sweepNow bool) {
	logger := a.Accounts.cfg.Logger
	sweep := func() {
		n, err := a.SweepNotices(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.WarnContext(ctx, "notices: sweep; tried again shortly", "told", n, "error", err)
		case n > 0:
			logger.InfoContext(ctx, "notices: told what a crash or a failure left", "told", n)
		}
	}
	if sweepNow {
		a.RequireSweep()
		sweep()
		if !a.NoticesUntold() {
			logger.InfoContext(ctx, "notices: swept at start")
		}
	}
	last := time.Now()
	models.Every(ctx, tick, func() {
		if a.NoticesUntold() || every > 0 && time.Since(last) >= every {
			sweep()
			last = time.Now()
		}
	})
}
