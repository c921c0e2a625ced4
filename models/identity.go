package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// The identity documents a person is known by.
const (
	IDResident  = "resident_id" // 居民身份证
	IDPassport  = "passport"    // 护照
	IDHMTPermit = "hmt_permit"  // 港澳台通行证
)

// IdentityTypes lists them, in the order forms offer them.
var IdentityTypes = []string{IDResident, IDPassport, IDHMTPermit}

// SecretPersonKey names the database's secret that keys PersonKey.
const SecretPersonKey = "person"

const personPrefix = "person-"

// PersonKey is who a person is for counting when they are known by an
// identity document: HMAC-SHA256 of the document's type and normalised
// number under the database's secret (SecretPersonKey), 128 bits in hex.
// The number itself is never stored; knowing it without the secret does
// not find the person's records.
func PersonKey(key []byte, idType, number string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(idType))
	m.Write([]byte{0})
	m.Write([]byte(number))
	return personPrefix + hex.EncodeToString(m.Sum(nil)[:16])
}

// IsPersonKey reports whether id is a PersonKey (a person who may have no
// profile here), not a talent's id.
func IsPersonKey(id string) bool { return strings.HasPrefix(id, personPrefix) }

// Last4 is what is kept of an identity number for display.
func Last4(number string) string {
	if len(number) <= 4 {
		return number
	}
	return number[len(number)-4:]
}

// Identity is the identity document a creator linked to their profile:
// the person key and what can be shown of the document.
type Identity struct {
	TalentID string `json:"talent_id"`
	// Linked is false when the profile has no document linked (the rest
	// is then empty).
	Linked bool      `json:"linked"`
	Person string    `json:"-"`
	Type   string    `json:"type"`
	Last4  string    `json:"last4"`
	At     time.Time `json:"at"`
}

// IdentityInput is the body of PUT /talents/{id}/identity.
type IdentityInput struct {
	Type   string `json:"type" validate:"required,oneof=resident_id passport hmt_permit"`
	Number string `json:"number" validate:"required,max=40"`
}

// IdentityStore keeps the documents creators linked.
type IdentityStore interface {
	// LinkIdentity records that talent id is the person; CodeConflict when
	// another profile is linked to the same person.
	LinkIdentity(ctx context.Context, id *Identity) error
	// TalentIdentity returns a profile's linked document; CodeNotFound when
	// none.
	TalentIdentity(ctx context.Context, talentID string) (*Identity, error)
	// UnlinkIdentity removes a profile's link (erasure).
	UnlinkIdentity(ctx context.Context, talentID string) error
}
