package mail

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/szdc/talenthub/models"
	"github.com/szdc/talenthub/server/mail/mailtest"
	"github.com/szdc/talenthub/server/store"
	"github.com/szdc/talenthub/server/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// delivered is one message the test SMTP server accepted.
type delivered struct {
	from string
	rcpt []string
	data []byte
}

// smtpServer is a real SMTP server (go-smtp) on loopback that keeps what
// it is sent.
type smtpServer struct {
	addr string
	srv  *smtp.Server
	mu   sync.Mutex
	got  []delivered
	recv chan struct{}
}

type session struct {
	s   *smtpServer
	cur delivered
}

func (x *session) Reset()        { x.cur = delivered{} }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.cur.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.cur.rcpt = append(x.cur.rcpt, to)
	return nil
}
func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.cur.data = b
	x.s.mu.Lock()
	x.s.got = append(x.s.got, x.cur)
	x.s.mu.Unlock()
	select {
	case x.s.recv <- struct{}{}:
	default:
	}
	return nil
}

// startSMTP serves SMTP on addr ("127.0.0.1:0" for any port).
func startSMTP(t *testing.T, addr string) *smtpServer {
	t.Helper()
	s := &smtpServer{recv: make(chan struct{}, 1)}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	s.srv.Domain = "localhost"
	var ln net.Listener
	var err error
	for range 50 { // the port of a server just stopped may take a moment to free
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

func (s *smtpServer) messages() []delivered {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]delivered(nil), s.got...)
}

// waitFor waits until n messages arrived; the guard only catches a hang.
func (s *smtpServer) waitFor(t *testing.T, n int) []delivered {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		if got := s.messages(); len(got) >= n {
			return got
		}
		select {
		case <-s.recv:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("%d messages arrived, want %d", len(s.messages()), n)
		}
	}
}

// verified makes every account's address verified, which the store does
// not keep yet (the accounts' part).
type verified struct {
	*store.Store
	unverified map[string]bool
}

func (v verified) User(ctx context.Context, id string) (*models.User, error) {
	u, err := v.Store.User(ctx, id)
	if err == nil {
		u.EmailVerified = !v.unverified[id]
	}
	return u, err
}

type fixture struct {
	st   *store.Store
	vst  verified
	logs *bytes.Buffer
	mu   sync.Mutex
}

func newFixture(t *testing.T) *fixture {
	st := storetest.MustOpen(t)
	return &fixture{st: st, vst: verified{Store: st, unverified: map[string]bool{}}, logs: &bytes.Buffer{}}
}

func (f *fixture) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.logs.Write(p)
}
func (f *fixture) log() string { f.mu.Lock(); defer f.mu.Unlock(); return f.logs.String() }

func (f *fixture) user(t *testing.T, email string) *models.User {
	t.Helper()
	u := &models.User{Email: email, Name: "N", Role: models.RoleCreator}
	if err := f.st.CreateUser(context.Background(), u, "hash"); err != nil {
		t.Fatal(err)
	}
	return u
}

// mailer builds a mailer to smtpURL ("" for off), with quick back-off.
func (f *fixture) mailer(t *testing.T, smtpURL string, modify ...func(*Config)) *Mailer {
	t.Helper()
	cfg := Config{SMTPURL: smtpURL, From: "talenthub <noreply@talent.example.cn>", PublicURL: "https://talent.example.cn",
		Store: f.vst, Logger: slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Backoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, Lease: 500 * time.Millisecond, Timeout: 5 * time.Second}
	for _, fn := range modify {
		fn(&cfg)
	}
	m, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// run runs m's worker until the returned stop.
func run(m *Mailer) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

// delivering is a fixture whose mailer runs until the test ends, with a
// server that takes its mail.
func delivering(t *testing.T) (*fixture, *smtpServer, *Mailer) {
	f := newFixture(t)
	srv := startSMTP(t, "127.0.0.1:0")
	m := f.mailer(t, "smtp://"+srv.addr)
	t.Cleanup(run(m))
	return f, srv, m
}

// parsed is a delivered message read back.
type parsed struct {
	header      netmail.Header
	subject     string
	text, html  string
	unsubscribe string // the URL of List-Unsubscribe
}

func parse(t *testing.T, d delivered) parsed {
	t.Helper()
	m, err := mailtest.Parse(d.data)
	if err != nil {
		t.Fatal(err)
	}
	if m.ContentType != "multipart/alternative" {
		t.Fatalf("Content-Type %q", m.Header.Get("Content-Type"))
	}
	p := parsed{header: m.Header, subject: m.Subject, text: m.Text, html: m.HTML}
	if lu := m.Header.Get("List-Unsubscribe"); lu != "" {
		p.unsubscribe = strings.TrimSuffix(strings.TrimPrefix(lu, "<"), ">")
	}
	return p
}

func tokenOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme+"://"+u.Host+u.Path != "https://talent.example.cn/unsubscribe" {
		t.Fatalf("the unsubscribe link %q is not PUBLIC_URL/unsubscribe", link)
	}
	return u.Query().Get("t")
}

func TestDeliveredInTheRecipientsLanguageWithUnsubscribe(t *testing.T) {
	ctx := context.Background()
	f, srv, m := delivering(t)
	en := f.user(t, "ming@example.com")
	zh := f.user(t, "hong@example.com")

	must(t, m.Send(ctx, &models.MailRequest{Key: "n1", UserID: en.ID, To: en.Email, Lang: models.LangEN, Kind: models.NoteInvited,
		Title: "Studio <X> invited you", Body: "To the project \"Concept art\" & more.", Link: "/me/applications"}))
	must(t, m.Send(ctx, &models.MailRequest{Key: "n2", UserID: zh.ID, To: zh.Email, Lang: models.LangZH, Kind: models.NoteMoved,
		Title: "您的申请已进入面试", Body: "星河数字工作室移动了您的申请。", Link: "/me/applications"}))
	got := srv.waitFor(t, 2)
	byTo := map[string]parsed{}
	for _, d := range got {
		if len(d.rcpt) != 1 {
			t.Fatalf("recipients %v", d.rcpt)
		}
		byTo[d.rcpt[0]] = parse(t, d)
	}
	pe, pz := byTo[en.Email], byTo[zh.Email]
	if pe.subject != "Studio <X> invited you" || pe.header.Get("Content-Language") != "en" {
		t.Errorf("English mail: subject %q, language %q", pe.subject, pe.header.Get("Content-Language"))
	}
	if !strings.Contains(pe.text, "https://talent.example.cn/me/applications") || !strings.Contains(pe.text, "Open in talenthub") {
		t.Errorf("English text without its link:\n%s", pe.text)
	}
	if !strings.Contains(pe.html, "Studio &lt;X&gt; invited you") || strings.Contains(pe.html, "<X>") ||
		!strings.Contains(pe.html, `href="https://talent.example.cn/me/applications"`) {
		t.Errorf("English HTML not escaped or without its link:\n%s", pe.html)
	}
	if pz.subject != "您的申请已进入面试" || pz.header.Get("Content-Language") != "zh-CN" || !strings.Contains(pz.text, "在 talenthub 中查看") {
		t.Errorf("Chinese mail: subject %q, language %q\n%s", pz.subject, pz.header.Get("Content-Language"), pz.text)
	}
	if pe.header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || pe.unsubscribe == "" {
		t.Fatalf("no one-click unsubscribe: %v", pe.header)
	}

	// The link's token turns that kind off, and only that kind.
	tok := tokenOf(t, pe.unsubscribe)
	u, err := m.CheckUnsubscribe(ctx, tok)
	if err != nil || u.Kind != models.NoteInvited || u.Done {
		t.Fatalf("check: %+v, %v", u, err)
	}
	if u, err := m.Unsubscribe(ctx, tok); err != nil || !u.Done {
		t.Fatalf("unsubscribe: %+v, %v", u, err)
	}
	prefs, _ := m.Preferences(ctx, en)
	if prefs.Complete().Kinds[0].Email || !prefs.Pref(models.NoteMoved).Email {
		t.Fatalf("prefs after unsubscribing: %+v", prefs)
	}
	must(t, m.Send(ctx, &models.MailRequest{Key: "n3", UserID: en.ID, To: en.Email, Lang: models.LangEN, Kind: models.NoteInvited, Title: "again"}))
	if _, err := f.st.Mail(ctx, store.MailID("n3")); !models.IsCode(err, models.CodeNotFound) {
		t.Fatalf("a kind turned off was still queued: %v", err)
	}
	// Each mail's link names its own user and kind.
	if tokenOf(t, pz.unsubscribe) == tok {
		t.Fatal("two users' links share a token")
	}
}

func TestSecurityMailAndUnverifiedAddresses(t *testing.T) {
	ctx := context.Background()
	f, srv, m := delivering(t)
	u := f.user(t, "new@example.com")
	f.vst.unverified[u.ID] = true
	must(t, m.Send(ctx, &models.MailRequest{Key: "plain", UserID: u.ID, To: u.Email, Lang: models.LangEN, Kind: models.NoteApplied, Title: "x"}))
	must(t, m.Send(ctx, &models.MailRequest{Key: "verify", UserID: u.ID, To: u.Email, Lang: models.LangEN, Kind: models.MailVerifyEmail,
		Title: "Verify your address", Body: "Open the link.", Link: "/verify?t=abc", Security: true}))
	got := parse(t, srv.waitFor(t, 1)[0])
	if got.subject != "Verify your address" || got.unsubscribe != "" || got.header.Get("List-Unsubscribe-Post") != "" {
		t.Fatalf("security mail: %q, List-Unsubscribe %q", got.subject, got.unsubscribe)
	}
	if !strings.Contains(got.text, "https://talent.example.cn/verify?t=abc") {
		t.Fatalf("security mail without its link:\n%s", got.text)
	}
	if _, err := f.st.Mail(ctx, store.MailID("plain")); !models.IsCode(err, models.CodeNotFound) {
		t.Fatalf("a notification to an unverified address was queued: %v", err)
	}
}

func TestHeaderInjectionInTitleNeverReachesHeaders(t *testing.T) {
	ctx := context.Background()
	f, srv, m := delivering(t)
	u := f.user(t, "victim@example.com")
	must(t, m.Send(ctx, &models.MailRequest{Key: "inj", UserID: u.ID, To: u.Email, Lang: models.LangEN, Kind: models.NoteApplied,
		Title: "Hello\r\nBcc: evil@example.com\r\n\r\n<b>body</b>", Link: "https://evil.example.com/phish"}))
	d := srv.waitFor(t, 1)[0]
	if len(d.rcpt) != 1 || d.rcpt[0] != u.Email {
		t.Fatalf("recipients %v", d.rcpt)
	}
	p := parse(t, d)
	if p.header.Get("Bcc") != "" || strings.Contains(string(d.data), "\r\nBcc:") {
		t.Fatalf("the title made a header:\n%s", d.data)
	}
	if p.subject != "Hello Bcc: evil@example.com <b>body</b>" {
		t.Fatalf("subject %q", p.subject)
	}
	if strings.Contains(p.text, "evil.example.com/phish") || !strings.Contains(p.text, "https://talent.example.cn/") {
		t.Fatalf("a link that is not a path left PUBLIC_URL:\n%s", p.text)
	}
	// A request whose address would carry a header is refused outright.
	err := m.Send(ctx, &models.MailRequest{Key: "inj2", UserID: u.ID, To: "a@example.com\r\nBcc: evil@example.com", Kind: models.NoteApplied})
	if !models.IsCode(err, models.CodeValidation) {
		t.Fatalf("an address with CR/LF: %v", err)
	}
}

// TestSMTPDownThenBack: mail sent while the SMTP server is down waits in
// the outbox and goes out once it is back, each exactly once.
func TestSMTPDownThenBack(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	m := f.mailer(t, "smtp://"+addr)
	stop := run(m)
	defer stop()
	u := f.user(t, "wait@example.com")
	for i := range 3 {
		must(t, m.Send(ctx, &models.MailRequest{Key: fmt.Sprint("down", i), UserID: u.ID, To: u.Email, Lang: models.LangEN, Kind: models.NoteMoved, Title: fmt.Sprint("mail ", i)}))
	}
	// Wait until every mail has failed at least once.
	deadline := time.Now().Add(60 * time.Second)
	for i := 0; i < 3; {
		o, err := f.st.Mail(ctx, store.MailID(fmt.Sprint("down", i)))
		must(t, err)
		if o.Attempts >= 1 && o.LastError != "" && o.State == models.MailPending {
			i++
			continue
		}
		if time.Now().After(deadline) {
			t.Fatalf("mail %d never failed: %+v", i, o)
		}
		time.Sleep(20 * time.Millisecond)
	}
	admin := &models.User{ID: "a", Role: models.RoleAdmin}
	st, err := m.Status(ctx, admin)
	if err != nil || st.Pending != 3 || len(st.Failures) != 3 || st.Failures[0].To != "w***@example.com" {
		t.Fatalf("status while down: %+v, %v", st, err)
	}
	srv := startSMTP(t, addr)
	srv.waitFor(t, 3)
	stop()
	titles := map[string]int{}
	for _, d := range srv.messages() {
		titles[parse(t, d).subject]++
	}
	for i := range 3 {
		if n := titles[fmt.Sprint("mail ", i)]; n != 1 {
			t.Errorf("mail %d arrived %d times", i, n)
		}
		o, _ := f.st.Mail(ctx, store.MailID(fmt.Sprint("down", i)))
		if o.State != models.MailSent {
			t.Errorf("mail %d is %s", i, o.State)
		}
	}
	if _, err := m.Status(ctx, &models.User{ID: "c", Role: models.RoleCreator}); !models.IsCode(err, models.CodeForbidden) {
		t.Errorf("a creator read the mail status: %v", err)
	}
}

// TestCrashLosesNothing: one sender dies after the SMTP server accepted a
// mail and before the outbox heard of it, another dies holding a lease
// without sending; a new sender on the same database sends both, the
// first a second time (the one duplicate allowed), nothing lost.
func TestCrashLosesNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	srv := startSMTP(t, "127.0.0.1:0")
	u := f.user(t, "crash@example.com")

	crashed := make(chan struct{})
	hookSent = func(id string) bool {
		if id == store.MailID("accepted") {
			close(crashed)
			return false
		}
		return true
	}
	defer func() { hookSent = nil }()
	first := f.mailer(t, "smtp://"+srv.addr)
	stop := run(first)
	must(t, first.Send(ctx, &models.MailRequest{Key: "accepted", UserID: u.ID, To: u.Email, Lang: models.LangEN, Kind: models.NoteMoved, Title: "accepted"}))
	select {
	case <-crashed:
	case <-time.After(60 * time.Second):
		t.Fatal("the first sender never sent")
	}
	stop()
	// A second sender claimed a mail and died before sending it.
	o := &models.OutboxMail{Key: "leased", UserID: u.ID, To: u.Email, Lang: models.LangEN, Kind: models.NoteMoved, Title: "leased"}
	_, err := f.st.EnqueueMail(ctx, o)
	must(t, err)
	if _, ok, err := f.st.ClaimMail(ctx, o.ID, "dead sender", 300*time.Millisecond); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	hookSent = nil

	restarted := f.mailer(t, "smtp://"+srv.addr)
	stop = run(restarted)
	defer stop()
	srv.waitFor(t, 3)
	for _, key := range []string{"accepted", "leased"} {
		deadline := time.Now().Add(60 * time.Second)
		for {
			o, err := f.st.Mail(ctx, store.MailID(key))
			must(t, err)
			if o.State == models.MailSent {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s is %s", key, o.State)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	stop()
	count := map[string]int{}
	for _, d := range srv.messages() {
		count[parse(t, d).subject]++
	}
	if count["accepted"] != 2 || count["leased"] != 1 {
		t.Fatalf("copies: %v (want the accepted mail twice at most, the leased one once)", count)
	}
}

// flip changes the first character of a signature (to another character
// of its alphabet, so that only the signature is wrong).
func flip(sig string) string {
	c := "A"
	if sig[0] == 'A' {
		c = "B"
	}
	return c + sig[1:]
}

func TestForgedAndExpiredUnsubscribeTokens(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	now := time.Now()
	clock := &now
	m := f.mailer(t, "", func(c *Config) { c.Now = func() time.Time { return *clock } })
	u := f.user(t, "keep@example.com")
	good := m.token(u.ID, models.NoteApplied, now.Add(time.Hour))
	payload, sig, _ := strings.Cut(good, ".")
	other := m.token(u.ID, models.NoteMoved, now.Add(time.Hour))
	_, otherSig, _ := strings.Cut(other, ".")
	for name, tok := range map[string]string{
		"empty": "", "garbage": "not a token", "other signature": payload + "." + otherSig,
		"flipped": payload + "." + flip(sig), "expired": m.token(u.ID, models.NoteApplied, now.Add(-time.Second)),
		"too long": strings.Repeat("a", 600) + "." + sig,
	} {
		if _, err := m.CheckUnsubscribe(ctx, tok); !models.IsCode(err, models.CodeBadRequest) {
			t.Errorf("%s: check answered %v", name, err)
		}
		if _, err := m.Unsubscribe(ctx, tok); !models.IsCode(err, models.CodeBadRequest) {
			t.Errorf("%s: unsubscribe answered %v", name, err)
		}
	}
	// A token signed with another database's key does not work here.
	g := newFixture(t)
	foreign := g.mailer(t, "").token(u.ID, models.NoteApplied, now.Add(time.Hour))
	if _, err := m.Unsubscribe(ctx, foreign); !models.IsCode(err, models.CodeBadRequest) {
		t.Errorf("a foreign token: %v", err)
	}
	p, _ := f.st.MailPrefs(ctx, u.ID)
	if len(p.Kinds) != 0 {
		t.Fatalf("a refused token changed the preferences: %+v", p)
	}
	// The good one works until it expires.
	later := now.Add(2 * time.Hour)
	clock = &later
	if _, err := m.Unsubscribe(ctx, good); !models.IsCode(err, models.CodeBadRequest) {
		t.Fatalf("an expired link worked: %v", err)
	}
}

func TestMailOffKeepsMailAndLogsMasked(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	m := f.mailer(t, "")
	stop := run(m)
	defer stop()
	u := f.user(t, "secret.person@example.com")
	must(t, m.Send(ctx, &models.MailRequest{Key: "off", UserID: u.ID, To: u.Email, Lang: models.LangZH, Kind: models.NoteApplied, Title: "有人申请", Body: "private body"}))
	must(t, m.Send(ctx, &models.MailRequest{Key: "off", UserID: u.ID, To: u.Email, Lang: models.LangZH, Kind: models.NoteApplied, Title: "有人申请"}))
	o, err := f.st.Mail(ctx, store.MailID("off"))
	must(t, err)
	if o.State != models.MailPending || o.LastError != notSentOff {
		t.Fatalf("mail while off: %+v", o)
	}
	logs := f.log()
	if strings.Contains(logs, "secret.person") || !strings.Contains(logs, "s***@example.com") || strings.Contains(logs, "private body") {
		t.Fatalf("the log shows personal data, or not the masked address:\n%s", logs)
	}
	if strings.Count(logs, "mail is off") != 1 {
		t.Fatalf("the second ask of one key logged again:\n%s", logs)
	}
	st, err := m.Status(ctx, &models.User{Role: models.RoleAdmin})
	if err != nil || st.Enabled || st.Pending != 1 || st.Host != "" {
		t.Fatalf("status: %+v, %v", st, err)
	}
}

func TestDailyDigest(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	now := time.Date(2026, 3, 1, 23, 30, 0, 0, shenzhen)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	m := f.mailer(t, "", func(c *Config) { c.Now = clock })
	u := f.user(t, "daily@example.com")
	_, err := m.SetPreferences(ctx, u, models.MailPrefsInput{Kinds: []models.MailPrefInput{{Kind: models.NoteApplied, Email: ptr(true), Frequency: models.MailDaily}}})
	must(t, err)
	for i, title := range []string{"甲申请了", "乙申请了", "甲申请了"} {
		key := fmt.Sprint("d", i%2) // the third repeats the first
		must(t, m.Send(ctx, &models.MailRequest{Key: key, UserID: u.ID, To: u.Email, Lang: models.LangZH, Kind: models.NoteApplied, Title: title, Link: "/org/projects"}))
	}
	if _, err := f.st.Mail(ctx, store.MailID("d0")); !models.IsCode(err, models.CodeNotFound) {
		t.Fatalf("a daily kind was mailed at once: %v", err)
	}
	m.step(ctx) // not due yet
	digestKey := "digest:" + u.ID + ":2026-03-01"
	if _, err := f.st.Mail(ctx, store.MailID(digestKey)); !models.IsCode(err, models.CodeNotFound) {
		t.Fatalf("the digest left before its time: %v", err)
	}
	mu.Lock()
	now = time.Date(2026, 3, 2, 8, 0, 0, 0, shenzhen)
	mu.Unlock()
	m.step(ctx)
	o, err := f.st.Mail(ctx, store.MailID(digestKey))
	must(t, err)
	if o.Kind != models.MailDigest || !strings.Contains(o.Title, "2026-03-01") || !strings.Contains(o.Title, "2") ||
		strings.Count(o.Body, "甲申请了") != 1 || !strings.Contains(o.Body, "https://talent.example.cn/org/projects") {
		t.Fatalf("digest: %+v", o)
	}
	if ids, _ := f.st.DigestIDs(ctx); len(ids) != 0 {
		t.Fatalf("digests left: %v", ids)
	}
	// Its link turns off every kind received daily.
	if _, err := m.Unsubscribe(ctx, m.token(u.ID, models.MailDigest, now.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	p, _ := m.Preferences(ctx, u)
	if p.Pref(models.NoteApplied).Email || !p.Pref(models.NoteMoved).Email {
		t.Fatalf("after the digest's unsubscribe: %+v", p)
	}
}

func TestPreferencesRefuseSecurityAndUnknownKinds(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	m := f.mailer(t, "")
	u := f.user(t, "p@example.com")
	for _, in := range []models.MailPrefsInput{
		{Kinds: []models.MailPrefInput{{Kind: models.NotePasswordChanged, Email: ptr(false)}}},
		{Kinds: []models.MailPrefInput{{Kind: "nope", Email: ptr(false)}}},
		{Kinds: []models.MailPrefInput{{Kind: models.NoteMoved, Email: ptr(false), Frequency: "weekly"}}},
		{Kinds: []models.MailPrefInput{{Kind: models.NoteMoved}}},
		{Kinds: []models.MailPrefInput{{Kind: models.NoteMoved, Email: ptr(false)}, {Kind: models.NoteMoved, Email: ptr(true)}}},
	} {
		if _, err := m.SetPreferences(ctx, u, in); !models.IsCode(err, models.CodeValidation) {
			t.Errorf("%+v: %v", in, err)
		}
	}
	p, err := m.Preferences(ctx, u)
	must(t, err)
	if len(p.Kinds) != len(models.NoteKinds)-2 || p.Version != 0 {
		t.Fatalf("a refused change left a trace: %+v", p)
	}
	for _, k := range p.Kinds {
		if !k.Email || k.Frequency != models.MailInstant || models.SecurityNote(k.Kind) {
			t.Fatalf("default %+v", k)
		}
	}
}

func TestSMTPURL(t *testing.T) {
	for raw, want := range map[string]string{
		"smtp://u:p@mail.example.com":      "mail.example.com:587 starttls u",
		"smtp://u:p@mail.example.com:2525": "mail.example.com:2525 starttls u",
		"smtps://u:p@mail.example.com":     "mail.example.com:465 tls u",
		"smtp://relay:25":                  "relay:25 plain ",
		"smtp://relay":                     "relay:25 plain ",
	} {
		c, err := parseSMTP(raw)
		if err != nil || fmt.Sprintf("%s %s %s", c.addr(), c.security, c.user) != want {
			t.Errorf("%s: %+v, %v", raw, c, err)
		}
	}
	for _, raw := range []string{"http://x", "smtp://", "smtp://h:99999", "smtp://u:hunter2@h:x"} {
		c, err := parseSMTP(raw)
		if err == nil {
			t.Errorf("%s accepted: %+v", raw, c)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
