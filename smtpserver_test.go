package main

import (
	"fmt"
	"io"
	"net"
	netmail "net/mail"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/szdc/talenthub/server/mail/mailtest"
)

// The end-to-end mail tests read what talenthub sends from a real SMTP
// server (go-smtp's) on loopback, as the mail package's own tests do: the
// message is what a mail client would get, after go-mail's encoding.

// mailMsg is one message the test SMTP server accepted, read back.
type mailMsg struct {
	from    string
	rcpt    []string
	header  netmail.Header
	subject string
	text    string // the text/plain part, decoded
	html    string
}

// links returns the http(s) addresses in the message's plain text.
func (m mailMsg) links() []string {
	return mailLink.FindAllString(m.text, -1)
}

// link returns the first address of the plain text that starts with
// prefix, or "".
func (m mailMsg) link(prefix string) string {
	for _, l := range m.links() {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

var mailLink = regexp.MustCompile(`https?://[^\s<>"]+`)

// smtpSink is a go-smtp server that keeps every message. hang, when set
// before a message's data, makes the server take the data and never
// answer it, as a server that stalls after receiving would.
type smtpSink struct {
	t    *testing.T
	addr string
	srv  *smtp.Server

	mu   sync.Mutex
	got  []mailMsg
	hang chan struct{} // closed to let hung sessions go (at stop)
	hung []mailMsg     // messages whose data was taken and never answered
}

type sinkSession struct {
	s    *smtpSink
	from string
	rcpt []string
}

func (x *sinkSession) Reset()        { x.from, x.rcpt = "", nil }
func (x *sinkSession) Logout() error { return nil }
func (x *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.rcpt = append(x.rcpt, to)
	return nil
}
func (x *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := parseMail(x.s.t, raw)
	m.from, m.rcpt = x.from, append([]string(nil), x.rcpt...)
	x.s.mu.Lock()
	hang := x.s.hang
	if hang != nil {
		x.s.hung = append(x.s.hung, m)
	} else {
		x.s.got = append(x.s.got, m)
	}
	x.s.mu.Unlock()
	if hang != nil {
		// The whole message is here, and the client waits for a reply
		// that does not come until the server stops. A real server may
		// have delivered such a message: it counts as a possible
		// duplicate, not as a delivery.
		<-hang
		return io.ErrUnexpectedEOF
	}
	return nil
}

// startSink serves SMTP on addr ("127.0.0.1:0" for any free port; a given
// port is retried for a while, as a port just closed may take a moment to
// free).
func startSink(t *testing.T, addr string) *smtpSink {
	t.Helper()
	s := &smtpSink{t: t}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = time.Minute, time.Minute
	var ln net.Listener
	var err error
	for range 100 {
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("SMTP server on %s: %v", addr, err)
	}
	s.addr = ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(s.stop)
	return s
}

// hangOnData makes every later message's data phase hang.
func (s *smtpSink) hangOnData() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hang == nil {
		s.hang = make(chan struct{})
	}
}

func (s *smtpSink) hungMessages() []mailMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]mailMsg(nil), s.hung...)
}

// stop closes the server and its connections; its port is free again.
func (s *smtpSink) stop() {
	s.mu.Lock()
	if s.hang != nil {
		select {
		case <-s.hang:
		default:
			close(s.hang)
		}
	}
	s.mu.Unlock()
	_ = s.srv.Close()
}

func (s *smtpSink) url() string { return "smtp://" + s.addr }

func (s *smtpSink) messages() []mailMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]mailMsg(nil), s.got...)
}

// to returns the messages to addr whose subject matches subject (any if
// nil).
func (s *smtpSink) to(addr string, subject *regexp.Regexp) []mailMsg {
	return mailsTo(s.messages(), addr, subject)
}

func mailsTo(list []mailMsg, addr string, subject *regexp.Regexp) []mailMsg {
	var out []mailMsg
	for _, m := range list {
		if len(m.rcpt) == 1 && strings.EqualFold(m.rcpt[0], addr) && (subject == nil || subject.MatchString(m.subject)) {
			out = append(out, m)
		}
	}
	return out
}

// waitTo waits until a message to addr with a matching subject arrived
// and returns the first. The guard catches a hang only: the mail worker
// retries after 30 s and twice as long each time, so it is generous.
func (s *smtpSink) waitTo(t *testing.T, addr string, subject *regexp.Regexp, guard time.Duration) mailMsg {
	t.Helper()
	deadline := time.Now().Add(guard)
	for {
		if got := s.to(addr, subject); len(got) > 0 {
			return got[0]
		}
		if time.Now().After(deadline) {
			var seen []string
			for _, m := range s.messages() {
				seen = append(seen, strings.Join(m.rcpt, ",")+" "+strconv.Quote(m.subject))
			}
			t.Fatalf("no mail to %s matching %v within %s; the SMTP server got %d: %v", addr, subject, guard, len(seen), seen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// parseMail reads a message as a mail client would: the subject decoded,
// the parts of the multipart/alternative body decoded.
func parseMail(t *testing.T, raw []byte) mailMsg {
	m, err := mailtest.Parse(raw)
	if err == nil && !strings.HasPrefix(m.ContentType, "multipart/") {
		err = fmt.Errorf("Content-Type %q is not multipart", m.Header.Get("Content-Type"))
	}
	if err != nil {
		t.Errorf("%v\n%s", err, raw)
	}
	return mailMsg{header: m.Header, subject: m.Subject, text: m.Text, html: m.HTML}
}

// freePort returns a loopback address no one listens on now: for a server
// that must know its public address before it starts, or an SMTP server
// that is down until the test starts it.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
