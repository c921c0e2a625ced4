package models

import (
	"context"
	"io"
	"time"
)

// Purposes of an uploaded image: what it may be attached to.
const (
	PurposeWork   = "work"   // one of a work's images (a profile)
	PurposeAvatar = "avatar" // a profile's photo
	PurposeLogo   = "logo"   // an organisation's logo
	PurposeCover  = "cover"  // a project's cover
)

// MediaPurposes are the purposes an upload may name.
var MediaPurposes = []string{PurposeWork, PurposeAvatar, PurposeLogo, PurposeCover}

// Sizes in which an image is served. The original upload is never kept:
// both are the server's own encodings, without the upload's metadata.
const (
	SizeLarge = "large" // at most LargeEdge pixels on its longer side
	SizeThumb = "thumb" // at most ThumbEdge pixels on its longer side
)

// Edges of the served sizes, in pixels.
const (
	LargeEdge = 1600
	ThumbEdge = 400
)

// MaxWorkImages is how many images one work holds.
const MaxWorkImages = 12

// Image is an upload made safe: decoded within limits, turned upright,
// stripped of every metadata by re-encoding, in the two served sizes.
type Image struct {
	ContentType string // of both sizes: image/jpeg, or image/png when the image has transparency
	Large       []byte
	Thumb       []byte
	// Width and Height are the large size's; ThumbWidth and ThumbHeight
	// the thumbnail's.
	Width, Height           int
	ThumbWidth, ThumbHeight int
}

// ImageProcessor turns the bytes of an upload into an Image. It refuses
// what is not a JPEG, PNG, WebP or GIF by its content (whatever its name or
// declared type) with CodeUnsupportedMediaType, and what is too large in
// bytes or pixels with CodeTooLarge, before decoding it.
type ImageProcessor interface {
	Process(ctx context.Context, r io.Reader) (*Image, error)
}

// BlobStore keeps the bytes of served images under content-addressed keys
// (the SHA-256 of the bytes, in hex): a Put of a key already there is a
// no-op, and a blob never changes once written.
type BlobStore interface {
	// Put stores data under key, durably before it returns.
	Put(ctx context.Context, key string, data []byte) error
	// Get returns the blob of key, or CodeNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Delete removes the blob of key; a missing one is not an error.
	Delete(ctx context.Context, key string) error
	// Keys calls fn with every key stored and when its blob was written,
	// in no particular order, until fn returns an error (which Keys then
	// returns).
	Keys(ctx context.Context, fn func(key string, stored time.Time) error) error
}

// Limits of an account's media.
const (
	MaxMediaPerAccount      = 300       // 12 images for each of 24 works, and a few more
	MaxMediaBytesPerAccount = 200 << 20 // of the sizes stored
)

// Medium is an uploaded image as stored: its two sizes (by their blobs'
// keys) and who uploaded it for what. It is attached to at most one object
// (AttachedTo, "talents/<id>", "orgs/<id>" or "projects/<id>"), and is seen
// by whoever may see that object while the object still names it; until
// then only by its owner.
type Medium struct {
	ID          string    `json:"id"`
	OwnerID     string    `json:"owner_id"`
	OrgID       string    `json:"-"` // the owner's organisation at upload (logos and covers)
	Purpose     string    `json:"purpose"`
	ContentType string    `json:"content_type"`
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	ThumbWidth  int       `json:"thumb_width"`
	ThumbHeight int       `json:"thumb_height"`
	Bytes       int64     `json:"bytes"` // both sizes together, as counted against the quota
	LargeKey    string    `json:"-"`
	ThumbKey    string    `json:"-"`
	AttachedTo  string    `json:"-"`
	URL         string    `json:"url"`
	ThumbURL    string    `json:"thumb_url"`
	Version     int64     `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
}

// MediumURL is where a size of a medium is served.
func MediumURL(id, size string) string { return "/media/" + id + "/" + size }

// WithURLs returns m with its URLs set.
func (m *Medium) WithURLs() *Medium {
	c := *m
	c.URL, c.ThumbURL = MediumURL(m.ID, SizeLarge), MediumURL(m.ID, SizeThumb)
	return &c
}

// Key returns the blob key of a size, or "" for an unknown size.
func (m *Medium) Key(size string) string {
	switch size {
	case SizeLarge:
		return m.LargeKey
	case SizeThumb:
		return m.ThumbKey
	}
	return ""
}

// MediaUse names the object that uses media ("talent/<id>", …).
func MediaUse(kind Kind, id string) string { return string(kind) + "/" + id }

// MediaStore persists media's records (their bytes are in a BlobStore).
type MediaStore interface {
	// CreateMedium stores m (its ID set by the store) and adds it to its
	// owner's list, refusing with CodeConflict past the account's limits.
	CreateMedium(ctx context.Context, m *Medium) error
	// Medium returns the medium of id, or CodeNotFound.
	Medium(ctx context.Context, id string) (*Medium, error)
	// OwnerMedia returns the media an account uploaded, oldest first.
	OwnerMedia(ctx context.Context, ownerID string) ([]*Medium, error)
	// AttachMedium records which object uses the medium ("" detaches).
	AttachMedium(ctx context.Context, id, use string) error
	// DeleteMedium removes the record of a medium and its place in its
	// owner's list; a missing one is not an error.
	DeleteMedium(ctx context.Context, m *Medium) error
	// UnattachedMedia returns the media attached to nothing that were
	// uploaded before the time given, at most limit of them.
	UnattachedMedia(ctx context.Context, before time.Time, limit int) ([]*Medium, error)
	// MediaKeys calls fn with the blob keys of every medium recorded, until
	// fn returns an error (which MediaKeys then returns).
	MediaKeys(ctx context.Context, fn func(key string) error) error
}

// MediaService uploads, serves and removes images.
type MediaService interface {
	// Upload processes and stores an image for purpose (PurposeWork when
	// empty).
	Upload(ctx context.Context, actor *User, purpose string, r io.Reader) (*Medium, error)
	// Delete removes one of the actor's own media that nothing uses.
	Delete(ctx context.Context, actor *User, id string) error
	// Open returns a size of a medium the actor may see, or CodeNotFound
	// (a medium the actor may not see does not exist for them).
	Open(ctx context.Context, actor *User, id, size string) (*Medium, []byte, error)
	// Mine lists the actor's uploads.
	Mine(ctx context.Context, actor *User) ([]*Medium, error)
}

// ValidBlobKey reports whether key is a blob key: 64 lower-case hex digits
// (a SHA-256 as hex.EncodeToString writes it). Every BlobStore refuses
// any other before it builds a path or a query from it.
func ValidBlobKey(key string) bool { return lowerHex(key, 64) }

// CheckBlobKey is nil for a valid key and a CodeBadRequest error of op
// otherwise.
func CheckBlobKey(op, key string) error {
	if ValidBlobKey(key) {
		return nil
	}
	return &Error{Code: CodeBadRequest, Message: "not a media key", Op: op}
}
