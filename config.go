package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/szdc/talenthub/models"
)

// config is talenthub's configuration, read from the environment (the
// README has the full table).
type config struct {
	Addr          string `env:"ADDR" envDefault:":8080"`
	DataDir       string `env:"DATA_DIR" envDefault:"./data"`
	MongoURI      string `env:"MONGODB_URI"`
	MongoDatabase string `env:"MONGODB_DATABASE" envDefault:"talenthub"`
	AdminEmail    string `env:"ADMIN_EMAIL"`
	AdminPassword string `env:"ADMIN_PASSWORD"`

	SessionTTL      time.Duration `env:"SESSION_TTL" envDefault:"720h"`
	RequestTimeout  time.Duration `env:"REQUEST_TIMEOUT" envDefault:"10s"`
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"15s"`
	// ShutdownDrain is how long a stopping server keeps answering, with
	// /readyz 503 and connections closed after each answer, before it
	// stops accepting (part of SHUTDOWN_TIMEOUT).
	ShutdownDrain time.Duration `env:"SHUTDOWN_DRAIN" envDefault:"1s"`
	LogLevel      slog.Level    `env:"LOG_LEVEL" envDefault:"info"`
	// FeedRetention is how long the change feed keeps entries; 0 means 2
	// minutes on the embedded database (one process, whose followers read
	// every second, and where every read scans the feed: measured under
	// load, ten minutes of entries made the reads a fifth of the CPU) and
	// 24 hours on MongoDB (followers in other processes may be down for a
	// while).
	FeedRetention time.Duration `env:"FEED_RETENTION"`
	// MatchWeights weigh the factors of match scores: "skills=0.4,text=0.2,…".
	MatchWeights string              `env:"MATCH_WEIGHTS"`
	weights      models.MatchWeights // MatchWeights, parsed
	// SynonymsFile replaces the search's embedded synonym table.
	SynonymsFile string `env:"SYNONYMS_FILE"`
	// FacetsDeferFrom is search.Options.FacetsDeferFrom: from how many
	// matches a search without kept facets answers without them.
	FacetsDeferFrom int `env:"SEARCH_FACETS_DEFER_FROM"`
	// SMTPURL is where mail goes (empty: mail is off); MailFrom its sender;
	// PublicURL the address that mails link to.
	SMTPURL   string `env:"SMTP_URL"`
	MailFrom  string `env:"MAIL_FROM"`
	PublicURL string `env:"PUBLIC_URL" envDefault:"http://localhost:8080"`
	// MailRetryAfter is the wait after a first failed send (doubled after
	// each, up to an hour); MailTimeout bounds one SMTP exchange;
	// MailLease is how long a sender holds a mail it is sending before
	// another may take it (at least twice MailTimeout, so that no mail is
	// taken from a sender still talking to the server).
	MailRetryAfter time.Duration `env:"MAIL_RETRY_AFTER" envDefault:"30s"`
	MailTimeout    time.Duration `env:"MAIL_TIMEOUT" envDefault:"30s"`
	MailLease      time.Duration `env:"MAIL_LEASE" envDefault:"2m"`
	// TrustedProxies are the addresses (IPs or CIDRs) of the reverse
	// proxies in front: a request from one of them is taken to come from
	// the first address of its X-Forwarded-For, so that the limits per
	// address count clients, not the proxy. Empty: the peer is the client.
	TrustedProxies []string `env:"TRUSTED_PROXIES" envSeparator:","`
	// AdmitSearches, AdmitViews, AdmitReads and AdmitWrites are how many
	// requests of each class run at once (server.Admission; 0: no limit).
	// A request over its class's limit waits, behind at most AdmitQueue
	// times the limit others, or is refused at once with 503 and
	// Retry-After. AdmitWait is only a safety net for a class whose
	// requests hang: under overload the queue's length is what bounds a
	// wait (about AdmitQueue requests' time), and a wait bounded by a
	// short time instead made refusals as slow as that time and refused
	// requests of tests with a fixed number of clients on a slow machine.
	// Searches and views were sized by an open-loop load on the 2-core
	// machine (BENCHMARKS.md, "Overload"); reads and writes, which that
	// load did not stress, leave room for 20 clients of one class at once.
	AdmitSearches int           `env:"ADMIT_SEARCHES" envDefault:"2"`
	AdmitViews    int           `env:"ADMIT_VIEWS" envDefault:"16"`
	AdmitReads    int           `env:"ADMIT_READS" envDefault:"4"`
	AdmitWrites   int           `env:"ADMIT_WRITES" envDefault:"4"`
	AdmitSignIns  int           `env:"ADMIT_SIGNINS" envDefault:"2"`
	AdmitQueue    int           `env:"ADMIT_QUEUE" envDefault:"4"`
	AdmitWait     time.Duration `env:"ADMIT_WAIT" envDefault:"10s"`
	// DebugAddr, when set, serves Go's profiles (net/http/pprof) on a
	// listener of its own, apart from the API's admission, sessions and
	// access log: what an operator needs to see where a slow process
	// spends its time. Off by default; a loopback address is advised, as
	// a profile tells much about the process and has no authentication.
	DebugAddr string `env:"DEBUG_ADDR"`
}

// embeddedDir is where the embedded database keeps its files.
func (c config) embeddedDir() string { return filepath.Join(c.DataDir, "db") }

func (c config) feedRetention() time.Duration {
	switch {
	case c.FeedRetention > 0:
		return c.FeedRetention
	case c.MongoURI == "":
		return 2 * time.Minute
	}
	return 24 * time.Hour
}

// loadConfig reads the configuration through getenv, so that tests pass
// their own environment.
func loadConfig(getenv func(string) string) (config, error) {
	var cfg config
	params, err := env.GetFieldParams(&cfg)
	if err != nil {
		return cfg, err
	}
	vars := map[string]string{}
	for _, p := range params {
		if v := getenv(p.Key); v != "" {
			vars[p.Key] = v
		}
	}
	if err := env.ParseWithOptions(&cfg, env.Options{Environment: vars}); err != nil {
		return cfg, configError(err, vars)
	}
	if cfg.MongoDatabase == "" || strings.ContainsAny(cfg.MongoDatabase, `/\. "$`) {
		return cfg, fmt.Errorf("configuration: MONGODB_DATABASE %q is not a valid database name", cfg.MongoDatabase)
	}
	if cfg.weights, err = models.ParseMatchWeights(cfg.MatchWeights); err != nil {
		return cfg, fmt.Errorf("configuration: %w", err)
	}
	if cfg.MailRetryAfter <= 0 || cfg.MailTimeout <= 0 || cfg.MailLease < 2*cfg.MailTimeout {
		return cfg, fmt.Errorf("configuration: MAIL_RETRY_AFTER and MAIL_TIMEOUT must be positive, and MAIL_LEASE at least twice MAIL_TIMEOUT")
	}
	for _, p := range cfg.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return cfg, fmt.Errorf("configuration: TRUSTED_PROXIES: %q is neither an IP address nor a CIDR range", p)
		}
	}
	if cfg.AdmitSearches < 0 || cfg.AdmitViews < 0 || cfg.AdmitReads < 0 || cfg.AdmitWrites < 0 || cfg.AdmitSignIns < 0 || cfg.AdmitQueue < 1 || cfg.AdmitWait <= 0 {
		return cfg, fmt.Errorf("configuration: ADMIT_SEARCHES, ADMIT_VIEWS, ADMIT_READS, ADMIT_WRITES and ADMIT_SIGNINS must be 0 (no limit) or more, ADMIT_QUEUE 1 or more and ADMIT_WAIT positive")
	}
	if (cfg.AdminEmail == "") != (cfg.AdminPassword == "") {
		return cfg, fmt.Errorf("configuration: set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither")
	}
	return cfg, nil
}

// configError names the variable at fault, not the Go field.
func configError(err error, vars map[string]string) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return fmt.Errorf("configuration: %w", err)
	}
	msgs := make([]string, 0, len(agg.Errors))
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			f, _ := reflect.TypeFor[config]().FieldByName(pe.Name)
			key, _, _ := strings.Cut(f.Tag.Get("env"), ",")
			msgs = append(msgs, fmt.Sprintf("%s=%q is not a valid %s", key, vars[key], pe.Type))
			continue
		}
		msgs = append(msgs, e.Error())
	}
	return fmt.Errorf("configuration: %s", strings.Join(msgs, "; "))
}

// logAttrs is the effective configuration for the start-up log, with
// secrets masked.
func (c config) logAttrs() []any {
	uri := "(embedded)"
	if c.MongoURI != "" {
		uri = maskURI(c.MongoURI)
	}
	pw := ""
	if c.AdminPassword != "" {
		pw = "***"
	}
	smtp := "(off)"
	if c.SMTPURL != "" {
		smtp = maskURI(c.SMTPURL)
	}
	return []any{
		"addr", c.Addr, "data_dir", c.DataDir, "mongodb_uri", uri, "mongodb_database", c.MongoDatabase,
		"admin_email", c.AdminEmail, "admin_password", pw, "session_ttl", c.SessionTTL.String(),
		"request_timeout", c.RequestTimeout.String(), "shutdown_timeout", c.ShutdownTimeout.String(), "log_level", c.LogLevel.String(),
		"smtp_url", smtp, "mail_from", c.MailFrom, "public_url", c.PublicURL,
	}
}

// maskURI hides the password of a connection string.
func maskURI(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URI)"
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "***")
		}
	}
	return u.String()
}
