package models

import (
	"context"
	"time"
)

// Notification kinds: what happened that concerns the recipient.
const (
	NoteInvited            = "invitation"           // creator: an organisation invites them to a project
	NoteMoved              = "application_moved"    // creator: the organisation moved their application
	NoteInviteWithdrawn    = "invitation_withdrawn" // creator: the organisation took its invitation back
	NoteApplied            = "candidate_applied"    // organisation: a creator applied to its project
	NoteAccepted           = "candidate_accepted"   // organisation: a creator accepted its invitation
	NoteWithdrew           = "candidate_withdrew"   // organisation: a creator withdrew
	NoteContactShared      = "contact_shared"       // organisation: a creator shared contact details
	NoteOrgDecided         = "org_decided"          // organisation: the bureau verified or rejected it
	NoteBaseDecided        = "base_decided"         // operators of a base: the bureau's decision
	NoteRecruitmentDecided = "recruitment_decided"  // reporting organisation: the bureau's decision on a hire report
	NoteMemberInvited      = "member_invited"       // organisation account: invited to join an organisation
	NoteSavedSearch        = "saved_search"         // new matches of a saved search
	NotePasswordChanged    = "password_changed"     // security notice: the password was changed or reset
	NoteAccountDisabled    = "account_disabled"     // security notice: an admin disabled the account
	NoteMessage            = "message"              // a message in an application's thread, to the other side
	NoteTeamInvited        = "team_invited"         // creator: invited into a startup team
	NoteReviewerAdded      = "reviewer_added"       // reviewer: asked to review a call's entries
	NoteEntryDecided       = "entry_decided"        // applicants: the incubator's decision on their entry to a call
	NoteOperatorAsked      = "operator_asked"       // organisation: asked to co-operate a base
)

// NoteKinds lists every notification kind (preferences, tests).
var NoteKinds = []string{NoteInvited, NoteInviteWithdrawn, NoteMoved, NoteApplied, NoteAccepted, NoteWithdrew, NoteContactShared,
	NoteOrgDecided, NoteBaseDecided, NoteRecruitmentDecided, NoteMemberInvited, NoteSavedSearch,
	NotePasswordChanged, NoteAccountDisabled, NoteMessage, NoteTeamInvited, NoteReviewerAdded, NoteEntryDecided,
	NoteOperatorAsked}

// SecurityNote reports whether a kind is a security notice: mailed to the
// account's address whether or not it is verified, and whatever the
// account's preferences say.
func SecurityNote(kind string) bool {
	return kind == NotePasswordChanged || kind == NoteAccountDisabled
}

// Notification is one event told to one recipient. Its ID is the event's
// key for that recipient, so that the same event, however often it is
// seen, is one notification.
type Notification struct {
	ID     string `json:"id"`
	UserID string `json:"-"`
	Kind   string `json:"kind"`
	// Params are the event's particulars (names, a stage, a status, a
	// reason), rendered into the title in the reader's language.
	Params map[string]string `json:"-"`
	// Link is the web UI's path of the object it is about.
	Link      string    `json:"link"`
	Read      bool      `json:"read"`
	CreatedAt time.Time `json:"created_at"`
	// Title is rendered when read, in the reader's language.
	Title string `json:"title"`
}

// Inbox is a page of a user's notifications with their unread count.
type Inbox struct {
	List[*Notification]
	Unread int `json:"unread"`
}

// NotificationRead is the body of POST /notifications/read: some
// notifications by id, or all of them.
type NotificationRead struct {
	IDs []string `json:"ids" validate:"max=200,dive,required,max=200"`
	All bool     `json:"all"`
}

// MaxInbox is how many notifications an inbox keeps (the oldest go).
const MaxInbox = 500

// NotificationStore keeps each user's notifications.
type NotificationStore interface {
	// Notify adds n to its recipient's inbox unless one with its ID is
	// there already; added says whether this call wrote it. Safe to
	// repeat.
	Notify(ctx context.Context, n *Notification) (added bool, err error)
	// Inbox returns a page of the user's notifications, newest first
	// (only the unread ones if unread), and the unread count.
	Inbox(ctx context.Context, userID string, unread bool, p Page) (*Inbox, error)
	// MarkRead marks the given notifications, or all, as read.
	MarkRead(ctx context.Context, userID string, ids []string, all bool) error
}

// NotificationService serves a user's notifications.
type NotificationService interface {
	Inbox(ctx context.Context, actor *User, unread bool, p Page) (*Inbox, error)
	MarkRead(ctx context.Context, actor *User, in NotificationRead) error
	// Unread is the count on the bell.
	Unread(ctx context.Context, actor *User) (int, error)
}

// MailRequest asks for a mail to a user. Key makes it idempotent: the
// same key is one mail, however often asked.
type MailRequest struct {
	Key    string
	UserID string
	To     string // the address (the account's)
	Lang   string // LangZH or LangEN
	Kind   string // a notification kind, or a mail of its own (MailPasswordReset, MailVerifyEmail)
	// Title and Body are rendered in Lang; Link is a path of the web UI
	// (the mailer puts PUBLIC_URL before it).
	Title, Body, Link string
	// Security mails (security notices, reset and verification links) go
	// to the address whether it is verified or not and whatever the
	// preferences say.
	Security bool
	// Digest holds the mail for the daily digest whatever the kind's
	// preference (a saved search that alerts daily); a kind turned off
	// still sends nothing.
	Digest bool
}

// Mails of their own (not notifications).
const (
	MailPasswordReset = "password_reset"
	MailVerifyEmail   = "verify_email"
	// MailReviewerInvite invites an outside expert to review a call, with a
	// link that sets the new reviewer account's password.
	MailReviewerInvite = "reviewer_invite"
)

// Mailer takes mail to send: it stores it (an outbox) and a worker sends
// it, so that a request never waits on SMTP and nothing is lost.
type Mailer interface {
	Send(ctx context.Context, m *MailRequest) error
}

// MessageNoteKeyPrefix begins the keys of the notifications (and their
// mail) of an application's messages: "msg:<application>:" then the
// message's number and the recipient.
func MessageNoteKeyPrefix(applicationID string) string { return "msg:" + applicationID + ":" }
