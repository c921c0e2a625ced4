package mail

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store"
)

// rudeSMTP is an SMTP server that accepts every mail (250 to the end of
// its data) and then drops the connection when the client says QUIT,
// without the 221 reply: a server, or a middlebox, that hangs up early.
type rudeSMTP struct {
	addr string
	mu   sync.Mutex
	got  int
}

func startRudeSMTP(t *testing.T) *rudeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &rudeSMTP{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *rudeSMTP) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	r := bufio.NewReader(c)
	say := func(line string) { _, _ = c.Write([]byte(line + "\r\n")) }
	say("220 localhost ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			say("250-localhost")
			say("250 8BITMIME")
		case cmd == "DATA":
			say("354 go ahead")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			s.mu.Lock()
			s.got++
			s.mu.Unlock()
			say("250 accepted")
		case cmd == "QUIT":
			return // no 221: the connection just ends
		default:
			say("250 ok")
		}
	}
}

func (s *rudeSMTP) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got
}

// TestAcceptedMailIsSentWhateverQuitSays: once the SMTP server answered
// 250 to the data it has the mail; a QUIT that fails afterwards must not
// make the worker retry it, or the recipient gets it again at every retry.
func TestAcceptedMailIsSentWhateverQuitSays(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	srv := startRudeSMTP(t)
	m := f.mailer(t, "smtp://"+srv.addr)
	stop := run(m)
	defer stop()
	u := f.user(t, "ming@example.com")
	must(t, m.Send(ctx, &models.MailRequest{Key: "quit", UserID: u.ID, To: u.Email, Lang: models.LangEN, Kind: models.NoteMoved,
		Title: "Moved", Link: "/me/applications"}))
	// A generous guard; the fixture retries every 50–200 ms, so a mail
	// taken for failed would arrive many times meanwhile.
	deadline := time.Now().Add(30 * time.Second)
	for {
		o, err := f.st.Mail(ctx, store.MailID("quit"))
		if err != nil {
			t.Fatal(err)
		}
		if o.State == models.MailSent {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the mail is %s after %d deliveries (%s)", o.State, srv.count(), o.LastError)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := srv.count(); n != 1 {
		t.Fatalf("the mail was delivered %d times", n)
	}
}
