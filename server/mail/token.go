package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/szdc/talenthub/models"
)

// tokenTTL is how long an unsubscribe link works: long enough for an old
// mail found in an inbox, short enough that a leaked one dies.
const tokenTTL = 180 * 24 * time.Hour

// token signs "user id, kind, expiry" with the database's secret: the link
// needs no sign-in and no record of its own.
func (m *Mailer) token(userID, kind string, exp time.Time) string {
	payload := userID + "\n" + kind + "\n" + strconv.FormatInt(exp.Unix(), 10)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(m.mac(payload))
}

func (m *Mailer) mac(payload string) []byte {
	h := hmac.New(sha256.New, m.key)
	h.Write([]byte("unsubscribe\n" + payload))
	return h.Sum(nil)
}

var errBadToken = models.Errorf(models.CodeBadRequest, "this unsubscribe link is not valid or has expired; change your email settings on your account page instead")

// parseToken returns the user and kind of a valid, unexpired token.
func (m *Mailer) parseToken(t string) (userID, kind string, err error) {
	if len(t) > 512 {
		return "", "", errBadToken
	}
	p, s, ok := strings.Cut(t, ".")
	if !ok {
		return "", "", errBadToken
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	sig, err2 := base64.RawURLEncoding.DecodeString(s)
	if err1 != nil || err2 != nil || !hmac.Equal(sig, m.mac(string(payload))) {
		return "", "", errBadToken
	}
	parts := strings.Split(string(payload), "\n")
	if len(parts) != 3 {
		return "", "", errBadToken
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || !m.cfg.Now().Before(time.Unix(exp, 0)) {
		return "", "", errBadToken
	}
	return parts[0], parts[1], nil
}

// UnsubscribeToken is the token of the unsubscribe link that a mail of kind
// to userID carries now.
func (m *Mailer) UnsubscribeToken(userID, kind string) string {
	return m.token(userID, kind, m.cfg.Now().Add(tokenTTL))
}
