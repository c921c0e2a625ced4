package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/store"
)

// The tests of the secure transports: a relay reached with a user and a
// password (smtp:// with STARTTLS required, smtps:// with TLS from the
// first byte), against a real go-smtp server that offers TLS with a
// certificate of the test's and PLAIN authentication. What they protect:
// the mail goes out encrypted and authenticated, and the password never
// crosses a connection that is not encrypted by a certificate the sender
// trusts.

// tlsRelay is a go-smtp server that records, per delivered message,
// whether its connection was encrypted and who authenticated, and every
// authentication attempt at all.
type tlsRelay struct {
	addr string
	mu   sync.Mutex
	got  []relayed
	auth []string // "user:password" of every attempt, accepted or not
}

type relayed struct {
	tls  bool
	user string
	data []byte
}

type relaySession struct {
	r    *tlsRelay
	conn *smtp.Conn
	user string
}

func (x *relaySession) Reset()        {}
func (x *relaySession) Logout() error { return nil }
func (x *relaySession) Mail(string, *smtp.MailOptions) error {
	return nil
}
func (x *relaySession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x *relaySession) AuthMechanisms() []string             { return []string{sasl.Plain} }
func (x *relaySession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		x.r.mu.Lock()
		x.r.auth = append(x.r.auth, user+":"+pass)
		x.r.mu.Unlock()
		if user != "relay-user" || pass != "s3cret pass" {
			return errors.New("bad credentials")
		}
		x.user = user
		return nil
	}), nil
}
func (x *relaySession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if x.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	}
	_, encrypted := x.conn.TLSConnectionState()
	x.r.mu.Lock()
	x.r.got = append(x.r.got, relayed{tls: encrypted, user: x.user, data: b})
	x.r.mu.Unlock()
	return nil
}

// startRelay serves SMTP on loopback. cert nil: no TLS at all (and, as a
// trap, authentication allowed in the clear); implicit: TLS from the
// first byte (smtps); else STARTTLS offered, authentication only after it.
func startRelay(t *testing.T, cert *tls.Certificate, implicit bool) *tlsRelay {
	t.Helper()
	r := &tlsRelay{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &relaySession{r: r, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	if cert == nil {
		srv.AllowInsecureAuth = true
	} else {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cert != nil && implicit {
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	r.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return r
}

func (r *tlsRelay) delivered() []relayed {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]relayed(nil), r.got...)
}

func (r *tlsRelay) attempts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.auth...)
}

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts
// it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "relay.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// TestSecureRelayDelivers: with a user in SMTP_URL, smtp:// upgrades with
// STARTTLS and smtps:// speaks TLS at once; either way the one mail
// arrives over an encrypted connection, authenticated as the URL's user.
func TestSecureRelayDelivers(t *testing.T) {
	cert, pool := selfSigned(t)
	for _, c := range []struct {
		name, scheme string
		implicit     bool
	}{{"STARTTLS", "smtp", false}, {"implicit TLS", "smtps", true}} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			relay := startRelay(t, &cert, c.implicit)
			m := f.mailer(t, c.scheme+"://relay-user:s3cret%20pass@"+relay.addr, func(cfg *Config) {
				cfg.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
			})
			stop := run(m)
			defer stop()
			u := f.user(t, "ming@example.com")
			must(t, m.Send(ctx, &models.MailRequest{Key: "secure", UserID: u.ID, To: u.Email, Lang: models.LangEN,
				Kind: models.NoteMoved, Title: "over TLS"}))
			o := waitMail(t, f, "secure", func(o *models.OutboxMail) bool { return o.State == models.MailSent })
			got := relay.delivered()
			if len(got) != 1 || !got[0].tls || got[0].user != "relay-user" {
				t.Fatalf("delivered %d: %+v (mail %+v)", len(got), got, o)
			}
			if p := parse(t, delivered{data: got[0].data}); p.subject != "over TLS" {
				t.Errorf("the subject: %q", p.subject)
			}
		})
	}
}

// TestPasswordNeverInTheClear: a relay that offers no STARTTLS (and would
// take a password in the clear), and relays whose certificate the sender
// does not trust, get no password and no mail: the mail waits in the
// outbox with the reason, to go out once the relay is fixed.
func TestPasswordNeverInTheClear(t *testing.T) {
	cert, _ := selfSigned(t)
	for _, c := range []struct {
		name, scheme string
		cert         *tls.Certificate
		implicit     bool
	}{
		{"no STARTTLS offered", "smtp", nil, false},
		{"STARTTLS with an untrusted certificate", "smtp", &cert, false},
		{"implicit TLS with an untrusted certificate", "smtps", &cert, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			relay := startRelay(t, c.cert, c.implicit)
			// The default TLS configuration: the system's roots, which do
			// not hold the test's certificate.
			m := f.mailer(t, c.scheme+"://relay-user:s3cret%20pass@"+relay.addr)
			stop := run(m)
			defer stop()
			u := f.user(t, "ming@example.com")
			must(t, m.Send(ctx, &models.MailRequest{Key: "clear", UserID: u.ID, To: u.Email, Lang: models.LangEN,
				Kind: models.NoteMoved, Title: "must not leave"}))
			// Two failed attempts: the retry does no better than the first.
			o := waitMail(t, f, "clear", func(o *models.OutboxMail) bool { return o.Attempts >= 2 })
			stop()
			if o.State == models.MailSent || o.LastError == "" {
				t.Errorf("the mail: %+v", o)
			}
			if got := relay.delivered(); len(got) != 0 {
				t.Errorf("delivered %d", len(got))
			}
			if a := relay.attempts(); len(a) != 0 {
				t.Errorf("the relay was sent credentials: %q", a)
			}
		})
	}
}

// waitMail polls the outbox's mail of key until done says so; the guard
// catches a hang only.
func waitMail(t *testing.T, f *fixture, key string, done func(*models.OutboxMail) bool) *models.OutboxMail {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		o, err := f.st.Mail(context.Background(), store.MailID(key))
		if err == nil && done(o) {
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("mail %s: not done within the guard: %+v %v\n%s", key, o, err, f.log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
