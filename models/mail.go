package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// MailDigest is the kind of the daily digest mail, which gathers the
// notifications a user asked to receive once a day.
const MailDigest = "digest"

// SecretMailUnsubscribe names the key of the unsubscribe links' signatures.
const SecretMailUnsubscribe = "mail_unsubscribe"

// States of a mail in the outbox.
const (
	MailPending = "pending" // waiting for its next attempt
	MailSending = "sending" // claimed by a sender until its lease ends
	MailSent    = "sent"    // accepted by the SMTP server
	MailFailed  = "failed"  // given up: refused for good, or not sent for too long
)

// OutboxMail is one mail in the outbox. Its ID is a hash of the request's
// key, so that asking twice is one mail.
type OutboxMail struct {
	ID       string
	Key      string
	UserID   string
	To       string
	Lang     string
	Kind     string
	Title    string
	Body     string
	Link     string
	Security bool

	State      string
	Attempts   int
	NextAt     time.Time // when the next attempt may start
	LeaseOwner string    // the sender holding it while sending
	LeaseUntil time.Time
	LastError  string
	CreatedAt  time.Time
	SentAt     time.Time
	UpdatedAt  time.Time
}

// MailDue is an unfinished mail as the sender's queue holds it.
type MailDue struct {
	ID     string
	NextAt time.Time
}

// Frequencies of a kind's mail.
const (
	MailInstant = "instant"
	MailDaily   = "daily"
)

// MailPref is the choice of one notification kind's email.
type MailPref struct {
	Kind      string `json:"kind"`
	Email     bool   `json:"email"`
	Frequency string `json:"frequency"`
}

// MailPrefs are a user's email preferences, one per kind that can be
// chosen (every kind but the security notices, which are always mailed).
type MailPrefs struct {
	Kinds     []MailPref `json:"kinds"`
	Version   int64      `json:"version"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Pref returns the choice of kind: instant email when never chosen.
func (p *MailPrefs) Pref(kind string) MailPref {
	for _, k := range p.Kinds {
		if k.Kind == kind {
			return k
		}
	}
	return MailPref{Kind: kind, Email: true, Frequency: MailInstant}
}

// Set records the choice of one kind.
func (p *MailPrefs) Set(pref MailPref) {
	for i, k := range p.Kinds {
		if k.Kind == pref.Kind {
			p.Kinds[i] = pref
			return
		}
	}
	p.Kinds = append(p.Kinds, pref)
}

// Complete lists every choosable kind, in the order of NoteKinds, with
// the default for those never chosen.
func (p *MailPrefs) Complete() *MailPrefs {
	out := &MailPrefs{Version: p.Version, UpdatedAt: p.UpdatedAt, Kinds: []MailPref{}}
	for _, k := range MailPrefKinds() {
		out.Kinds = append(out.Kinds, p.Pref(k))
	}
	return out
}

// MailPrefKinds are the kinds whose email a user may choose.
func MailPrefKinds() []string {
	return slices.DeleteFunc(slices.Clone(NoteKinds), SecurityNote)
}

// MailPrefInput is one kind's choice in PUT /me/mail-preferences.
type MailPrefInput struct {
	Kind      string `json:"kind" validate:"required,max=100"`
	Email     *bool  `json:"email" validate:"required"`
	Frequency string `json:"frequency" validate:"omitempty,oneof=instant daily"`
}

// MailPrefsInput is the body of PUT /me/mail-preferences: the kinds named
// take the choice given, the others keep theirs.
type MailPrefsInput struct {
	Kinds []MailPrefInput `json:"kinds" validate:"required,max=50,dive"`
}

// Check refuses kinds that do not exist or cannot be chosen (the security
// notices), naming the field at fault.
func (in MailPrefsInput) Check() error {
	fields := map[string]string{}
	rules := map[string]FieldRule{}
	seen := map[string]bool{}
	choosable := MailPrefKinds()
	for i, k := range in.Kinds {
		name := fmt.Sprintf("kinds[%d].kind", i)
		switch {
		case !slices.Contains(choosable, k.Kind):
			fields[name] = "must be one of " + strings.Join(choosable, ", ")
			rules[name] = FieldRule{Rule: RuleOneOf, Param: strings.Join(choosable, " ")}
		case seen[k.Kind]:
			fields[name] = "is named twice"
			rules[name] = FieldRule{Rule: RuleUnique}
		}
		seen[k.Kind] = true
	}
	if len(fields) > 0 {
		return &Error{Code: CodeValidation, Message: "some kinds cannot be chosen", Fields: fields, Rules: rules}
	}
	return nil
}

// MailStatus is what the admin sees of mail: whether it is on, where it
// goes (never the password), and how the outbox stands.
type MailStatus struct {
	Enabled bool `json:"enabled"`
	// Host is the SMTP server's host:port, and Security how the connection
	// is secured: "starttls", "tls" or "plain" (a local relay).
	Host     string        `json:"host"`
	Security string        `json:"security"`
	From     string        `json:"from"`
	Pending  int           `json:"pending"`
	Sent     int           `json:"sent"`
	Failed   int           `json:"failed"`
	Failures []MailFailure `json:"failures"`
}

// MailFailure is a mail given up, or one still retrying after an error,
// with its address masked.
type MailFailure struct {
	ID        string    `json:"id"`
	To        string    `json:"to"`
	Kind      string    `json:"kind"`
	State     string    `json:"state"`
	Error     string    `json:"error"`
	Attempts  int       `json:"attempts"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Unsubscription is what an unsubscribe link stands for: the kind of mail
// it turns off, and whether it is off now.
type Unsubscription struct {
	Kind string `json:"kind"`
	Done bool   `json:"done"`
}

// MailService serves email preferences, the one-click unsubscribe links
// and the admin's view of mail.
type MailService interface {
	// Preferences returns the actor's choices for every choosable kind.
	Preferences(ctx context.Context, actor *User) (*MailPrefs, error)
	// SetPreferences changes the kinds named; CodeValidation for a kind
	// that cannot be chosen.
	SetPreferences(ctx context.Context, actor *User, in MailPrefsInput) (*MailPrefs, error)
	// CheckUnsubscribe reads a link's token without changing anything;
	// CodeBadRequest if it is forged, damaged or expired.
	CheckUnsubscribe(ctx context.Context, token string) (*Unsubscription, error)
	// Unsubscribe turns off the email its token names; repeating it is
	// harmless. CodeBadRequest as for CheckUnsubscribe.
	Unsubscribe(ctx context.Context, token string) (*Unsubscription, error)
	// Status is the admin's view; CodeForbidden for anyone else.
	Status(ctx context.Context, actor *User) (*MailStatus, error)
}

// Digest is a user's notifications of one day (Shenzhen time) held for
// the daily digest mail.
type Digest struct {
	ID     string
	UserID string
	Date   string // YYYY-MM-DD
	To     string
	Lang   string
	Items  []DigestItem
}

// DigestItem is one notification held for a digest.
type DigestItem struct {
	Key, Kind, Title, Body, Link string
	At                           time.Time
}
