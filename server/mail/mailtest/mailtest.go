// Package mailtest reads a delivered mail as a mail client would, for the
// tests that start an SMTP server and check what arrived (the mail
// package's and the end-to-end ones).
package mailtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
)

// Message is a delivered mail read back: its header, decoded subject, the
// plain-text and HTML parts, and its Content-Type.
type Message struct {
	Header      netmail.Header
	Subject     string
	Text, HTML  string
	ContentType string
}

// Parse reads raw (as the SMTP server received it): the subject decoded
// from its encoded words, the parts of a multipart body decoded from
// quoted-printable or base64.
func Parse(raw []byte) (Message, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, fmt.Errorf("an unreadable message: %w", err)
	}
	m := Message{Header: msg.Header}
	if m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return m, fmt.Errorf("subject %q: %w", msg.Header.Get("Subject"), err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return m, fmt.Errorf("Content-Type %q: %w", msg.Header.Get("Content-Type"), err)
	}
	m.ContentType = mt
	if !strings.HasPrefix(mt, "multipart/") {
		return m, nil
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return m, fmt.Errorf("a part: %w", err)
		}
		// NextPart decodes quoted-printable itself; base64 is left to the
		// reader.
		var r io.Reader = part
		if part.Header.Get("Content-Transfer-Encoding") == "base64" {
			r = base64.NewDecoder(base64.StdEncoding, part)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return m, fmt.Errorf("a part's body: %w", err)
		}
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			m.Text = string(b)
		case "text/html":
			m.HTML = string(b)
		}
	}
}
