// Package mail sends talenthub's email: an outbox in the database that a
// worker drains to an SMTP server, the messages in the recipient's language
// (plain text and HTML), the per-kind preferences with the daily digest,
// and the signed one-click unsubscribe links.
//
// A request never waits on SMTP: Send stores the mail and the worker sends
// it, retrying with back-off, so that no mail is lost to a crash or an SMTP
// outage; a crash between the SMTP server's acceptance and the outbox's
// update sends that one mail twice. The package imports models and
// go-mail; the store comes in through the Store interface.
package mail

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is what New builds the mailer from.
type Config struct {
	// SMTPURL is where mail goes: smtp://user:pass@host:587 (STARTTLS,
	// required), smtps://user:pass@host:465 (implicit TLS) or
	// smtp://host:25 without a user (plain, for a local relay). Empty
	// turns mail off: it stays in the outbox, noted as not sent.
	SMTPURL string
	// From is the sender's address (MAIL_FROM); required with SMTPURL.
	From string
	// PublicURL is where links point (PUBLIC_URL).
	PublicURL string
	Store     Store
	Now       func() time.Time
	Logger    *slog.Logger

	// Lease is how long a claimed mail is a sender's before another may
	// take it (2 minutes): longer than one SMTP exchange can last.
	Lease time.Duration
	// Backoff is the wait after a first failure, doubled after each until
	// MaxBackoff (30 s and 1 h); GiveUp is the age after which a mail not
	// sent is failed (48 h).
	Backoff, MaxBackoff, GiveUp time.Duration
	// Rescan is how often the worker looks for unfinished mail in the
	// database besides what this process enqueued: for several processes
	// on MongoDB. 0: only at start (the embedded database has one process).
	Rescan time.Duration
	// Timeout bounds one SMTP exchange (30 s).
	Timeout time.Duration
	// TLSConfig replaces the default TLS configuration (tests).
	TLSConfig *tls.Config
}

// smtpConf is a parsed SMTP_URL.
type smtpConf struct {
	host     string
	port     int
	user     string
	password string
	security string // "starttls", "tls" or "plain"
}

// parseSMTP reads SMTP_URL; it never puts the password in an error.
func parseSMTP(raw string) (*smtpConf, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL is not a URL (smtp://user:password@host:587)")
	}
	c := &smtpConf{host: u.Hostname()}
	if c.host == "" {
		return nil, fmt.Errorf("SMTP_URL has no host")
	}
	if u.User != nil {
		c.user = u.User.Username()
		c.password, _ = u.User.Password()
	}
	switch u.Scheme {
	case "smtp":
		c.port, c.security = 587, "starttls"
		if c.user == "" {
			c.port, c.security = 25, "plain"
		}
	case "smtps":
		c.port, c.security = 465, "tls"
	default:
		return nil, fmt.Errorf("SMTP_URL's scheme %q is not smtp or smtps", u.Scheme)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("SMTP_URL's port %q is not a port", p)
		}
		c.port = n
	}
	return c, nil
}

func (c *smtpConf) addr() string { return net.JoinHostPort(c.host, strconv.Itoa(c.port)) }

func (cfg *Config) defaults() error {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Lease == 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = 30 * time.Second
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = time.Hour
	}
	if cfg.GiveUp == 0 {
		cfg.GiveUp = 48 * time.Hour
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://localhost:8080"
	}
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("PUBLIC_URL %q is not an http(s) address like https://talent.example.cn", cfg.PublicURL)
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.SMTPURL != "" {
		if cfg.From == "" {
			return fmt.Errorf("MAIL_FROM is required with SMTP_URL")
		}
		if _, err := netmail.ParseAddress(cfg.From); err != nil || strings.ContainsAny(cfg.From, "\r\n") {
			return fmt.Errorf("MAIL_FROM %q is not an address", cfg.From)
		}
	}
	return nil
}
