package models

import (
	"context"
	"io"
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
	// Keys calls fn with every key stored, in no particular order, until
	// fn returns an error (which Keys then returns).
	Keys(ctx context.Context, fn func(key string) error) error
}
