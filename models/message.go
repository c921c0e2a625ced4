package models

import (
	"context"
	"strings"
	"time"
)

// Message is one message of an application's thread, between the
// organisation's members and the creator. Text only.
type Message struct {
	ID   string `json:"id"` // <application>#<n>
	N    int    `json:"n"`  // its place in the thread, from 0
	Side Side   `json:"side"`
	// AuthorID and AuthorName say who wrote it: the creator, or a member
	// of the organisation (named, with the organisation, to the creator).
	AuthorID   string    `json:"author_id"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	At         time.Time `json:"at"`
	// Read says the other side has read it (a read receipt).
	Read bool `json:"read"`
	// App is the application's id (given by UntoldMessages).
	App string `json:"-"`
}

// Thread is a page of an application's messages, oldest first, with how
// many the reader has not read.
type Thread struct {
	Items   []*Message `json:"items"`
	Total   int        `json:"total"`
	Unread  int        `json:"unread"`
	Page    int        `json:"page"`
	PerPage int        `json:"per_page"`
}

// MessageInput is the body of POST /applications/{id}/messages.
type MessageInput struct {
	Body string `json:"body" validate:"required,multiline,max=2000"`
}

// Normalize trims the text.
func (in *MessageInput) Normalize() { in.Body = strings.TrimSpace(in.Body) }

// Message limits: a thread holds at most MaxThread messages; a user sends at
// most MessagesPerHour an hour.
const (
	MaxThread       = 1000
	MessagesPerHour = 60
)

// ThreadHead is how a thread stands: how many messages, and how many each
// side has read.
type ThreadHead struct {
	Count       int
	CreatorRead int
	OrgRead     int
}

// MessageService serves the threads of applications to their two sides.
type MessageService interface {
	// Thread returns a page of the thread: page 1 is the latest messages.
	Thread(ctx context.Context, actor *User, appID string, p Page) (*Thread, error)
	Post(ctx context.Context, actor *User, appID string, in MessageInput) (*Message, error)
	// MarkRead marks the thread read for the actor's side.
	MarkRead(ctx context.Context, actor *User, appID string) error
}

// MessageStore keeps threads: a small head per application and one
// document per message.
type MessageStore interface {
	ThreadHead(ctx context.Context, appID string) (ThreadHead, error)
	// AppendMessage gives m the thread's next number and stores it,
	// marked untold: its notification is still to be made.
	AppendMessage(ctx context.Context, appID string, m *Message) (*Message, error)
	// MessageTold clears the untold mark of message id once its
	// notifications are made.
	MessageTold(ctx context.Context, id string) error
	// UntoldMessages returns the messages still marked untold (a scan,
	// for the sweep after a restart).
	UntoldMessages(ctx context.Context) ([]*Message, error)
	// Messages returns the messages numbered from..to-1 (those that exist).
	Messages(ctx context.Context, appID string, from, to int) ([]*Message, error)
	// MarkThreadRead records that side has read the first upTo messages.
	MarkThreadRead(ctx context.Context, appID string, side Side, upTo int) error
	// DeleteThread removes a thread (its application is erased).
	DeleteThread(ctx context.Context, appID string) error
}
