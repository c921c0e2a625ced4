package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/szdc/talenthub/models"
)

// Run drains the outbox and sends the digests until ctx ends. It first
// loads the unfinished mail and held digests from the database (a scan,
// once), then keeps their due times in memory, fed by Send.
func (m *Mailer) Run(ctx context.Context) {
	for wait := time.Second; ; wait = min(2*wait, time.Minute) {
		if err := m.load(ctx); err == nil {
			break
		} else if ctx.Err() == nil {
			m.cfg.Logger.Warn("mail: load the outbox", "error", err, "retry_in", wait.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
	var rescan <-chan time.Time
	if m.cfg.Rescan > 0 {
		t := time.NewTicker(m.cfg.Rescan)
		defer t.Stop()
		rescan = t.C
	}
	for {
		next := m.step(ctx)
		if ctx.Err() != nil {
			return
		}
		var timer <-chan time.Time
		var t *time.Timer
		if !next.IsZero() {
			t = time.NewTimer(max(next.Sub(m.cfg.Now()), 0))
			timer = t.C
		}
		select {
		case <-ctx.Done():
		case <-m.wake:
		case <-timer:
		case <-rescan:
			if err := m.load(ctx); err != nil && ctx.Err() == nil {
				m.cfg.Logger.Warn("mail: rescan the outbox", "error", err)
			}
		}
		if t != nil {
			t.Stop()
		}
	}
}

// load puts every unfinished mail and held digest of the database in the
// due-lists.
func (m *Mailer) load(ctx context.Context) error {
	due, err := m.cfg.Store.UnfinishedMails(ctx)
	if err != nil {
		return err
	}
	digests, err := m.cfg.Store.DigestIDs(ctx)
	if err != nil {
		return err
	}
	for _, d := range due {
		m.schedule(m.due, d.ID, d.NextAt)
	}
	for _, id := range digests {
		if _, date, ok := strings.Cut(id, ":"); ok {
			m.schedule(m.digests, id, digestDue(date))
		}
	}
	return nil
}

// step handles whatever is due and returns when the next thing is (zero
// if nothing waits).
func (m *Mailer) step(ctx context.Context) time.Time {
	now := m.cfg.Now()
	var mails, digests []string
	var next time.Time
	m.mu.Lock()
	take := func(list map[string]time.Time) (ids []string) {
		for id, at := range list {
			if !at.After(now) {
				ids = append(ids, id)
				delete(list, id)
			} else if next.IsZero() || at.Before(next) {
				next = at
			}
		}
		return ids
	}
	if m.smtp != nil { // while mail is off, it waits in the outbox
		mails = take(m.due)
	}
	digests = take(m.digests)
	m.mu.Unlock()
	for _, id := range digests {
		if ctx.Err() != nil {
			break
		}
		if err := m.flushDigest(ctx, id); err != nil {
			m.cfg.Logger.Warn("mail: send a digest", "error", err)
			m.retryLater(m.digests, id)
		}
	}
	for _, id := range mails {
		if ctx.Err() != nil {
			m.retryLater(m.due, id)
			continue
		}
		if err := m.attempt(ctx, id); err != nil {
			m.cfg.Logger.Warn("mail: outbox", "id", id, "error", err)
			m.retryLater(m.due, id)
		}
	}
	if len(mails)+len(digests) > 0 {
		return m.cfg.Now() // look again: more may have come due meanwhile
	}
	return next
}

// retryLater puts back an item whose handling failed on the database.
func (m *Mailer) retryLater(list map[string]time.Time, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := list[id]; !ok {
		list[id] = m.cfg.Now().Add(m.cfg.Backoff)
	}
}

// hookSent, when set (tests), runs after the SMTP server accepted a mail
// and before the outbox records it; false abandons the mail there, as a
// crash would.
var hookSent func(id string) bool

// attempt claims the mail id and sends it.
func (m *Mailer) attempt(ctx context.Context, id string) error {
	o, ok, err := m.cfg.Store.ClaimMail(ctx, id, m.owner, m.cfg.Lease)
	if err != nil {
		return err
	}
	if !ok {
		// Another sender holds it, or it is finished or not due (another
		// process failed it meanwhile): follow what the outbox says.
		cur, err := m.cfg.Store.Mail(ctx, id)
		if models.IsCode(err, models.CodeNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		switch cur.State {
		case models.MailPending:
			m.schedule(m.due, id, cur.NextAt)
		case models.MailSending:
			m.schedule(m.due, id, cur.LeaseUntil)
		}
		return nil
	}
	now := m.cfg.Now()
	if now.Sub(o.CreatedAt) >= m.cfg.GiveUp {
		reason := fmt.Sprintf("not sent within %s", m.cfg.GiveUp)
		if o.LastError != "" {
			reason += ": " + o.LastError
		}
		return m.cfg.Store.MailFailed(ctx, id, m.owner, reason, now, true)
	}
	sendErr := m.deliver(ctx, o)
	if sendErr == nil {
		if hookSent != nil && !hookSent(id) {
			return nil
		}
		// Recorded even if ctx ended meanwhile: the mail went out.
		return m.cfg.Store.MailSent(context.WithoutCancel(ctx), id)
	}
	permanent := isPermanent(sendErr)
	wait := m.cfg.Backoff << min(max(o.Attempts-1, 0), 20)
	if wait > m.cfg.MaxBackoff || wait <= 0 {
		wait = m.cfg.MaxBackoff
	}
	next := now.Add(wait)
	m.cfg.Logger.Warn("mail: not sent", "id", id, "kind", o.Kind, "to", models.MaskEmail(o.To), "attempts", o.Attempts,
		"permanent", permanent, "next", next.Format(time.RFC3339), "error", sendErr)
	if err := m.cfg.Store.MailFailed(context.WithoutCancel(ctx), id, m.owner, errorText(sendErr), next, permanent); err != nil {
		return err
	}
	if !permanent {
		m.schedule(m.due, id, next)
	}
	return nil
}

// deliver sends one mail over a connection of its own: mail is rare, and a
// fresh connection recovers by itself from a server that went away.
func (m *Mailer) deliver(ctx context.Context, o *models.OutboxMail) error {
	msg, err := m.message(o)
	if err != nil {
		return err
	}
	c, err := m.client()
	if err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	conn, err := c.DialToSMTPClientWithContext(sctx)
	if err != nil {
		return fmt.Errorf("dial failed: %w", err)
	}
	sendErr := c.SendWithSMTPClient(conn, msg)
	// Once the server answered 250 to the data the mail is its: a QUIT
	// that fails afterwards (a server that hangs up first) is no failed
	// attempt, which would send the mail again at every retry. A failed
	// QUIT leaves the connection open: it is closed here.
	if err := c.CloseWithSMTPClient(conn); err != nil {
		_ = conn.Close()
		if sendErr == nil {
			m.cfg.Logger.Debug("mail: QUIT after sending", "id", o.ID, "error", err)
		}
	}
	if sendErr != nil {
		return fmt.Errorf("send failed: %w", sendErr)
	}
	return nil
}

// isPermanent reports whether the SMTP server refused the mail for good (a
// 5xx answer to the sender, the recipient or the data): retrying would
// only be refused again.
func isPermanent(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	switch se.Reason {
	case gomail.ErrSMTPMailFrom, gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
		return !se.IsTemp() && se.ErrorCode() >= 500
	}
	return false
}

// errorText is what the admin sees of a failure, one line, bounded.
func errorText(err error) string {
	s := oneLine(err.Error())
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	return s
}

// digestID is the id of a user's digest of a day (the store's too).
func digestID(userID, date string) string { return userID + ":" + date }

// digestDue is when the digest of date goes out: 08:00 the next morning,
// Shenzhen time.
func digestDue(date string) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, date, shenzhen)
	if err != nil {
		return time.Time{}
	}
	return d.AddDate(0, 0, 1).Add(8 * time.Hour)
}

// flushDigest turns a due digest into one mail, keyed by user and date, so
// that a crash between the two steps makes the same mail again, not a
// second one; then it deletes the digest.
func (m *Mailer) flushDigest(ctx context.Context, id string) error {
	d, err := m.cfg.Store.Digest(ctx, id)
	if models.IsCode(err, models.CodeNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if due := digestDue(d.Date); due.After(m.cfg.Now()) {
		m.schedule(m.digests, id, due)
		return nil
	}
	if len(d.Items) > 0 {
		var b strings.Builder
		for i, it := range d.Items {
			if i > 0 {
				b.WriteString("\n\n")
			}
			b.WriteString("• " + oneLine(it.Title))
			if it.Body != "" {
				b.WriteString("\n" + it.Body)
			}
			if u := m.linkURL(it.Link); u != "" {
				b.WriteString("\n" + u)
			}
		}
		r := &models.MailRequest{Key: "digest:" + d.ID, UserID: d.UserID, To: d.To, Lang: d.Lang, Kind: models.MailDigest,
			Title: fmt.Sprintf(tr(d.Lang, "digest"), d.Date, len(d.Items)), Body: b.String(), Link: "/"}
		if err := m.enqueue(ctx, r); err != nil {
			return err
		}
	}
	return m.cfg.Store.DeleteDigest(ctx, id)
}
