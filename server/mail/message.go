package mail

import (
	"bytes"
	"crypto/tls"
	"html/template"
	"strings"
	texttemplate "text/template"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/szdc/talenthub/models"
)

// texts are the few words of a mail's frame in each language; the title
// and body come rendered from the caller.
var texts = map[string]map[string]string{
	models.LangZH: {
		"open":        "在 talenthub 中查看",
		"why":         "您收到这封邮件，是因为您在 talenthub 的邮件设置中开启了此类通知。",
		"unsubscribe": "退订此类邮件",
		"prefs":       "邮件设置",
		"security":    "这是一封账户安全邮件，无论您的邮件设置如何都会发送。",
		"digest":      "talenthub：%s 的 %d 条动态",
	},
	models.LangEN: {
		"open":        "Open in talenthub",
		"why":         "You receive this email because this kind of notification is on in your talenthub email settings.",
		"unsubscribe": "Unsubscribe from these emails",
		"prefs":       "Email settings",
		"security":    "This is an account security email: it is sent whatever your email settings say.",
		"digest":      "talenthub: %[2]d updates on %[1]s",
	},
}

func tr(lang, key string) string {
	if t, ok := texts[lang][key]; ok {
		return t
	}
	return texts[models.LangZH][key]
}

// frame is what the templates lay out.
type frame struct {
	Lang, Title, Body, Link, Open   string
	Footer, Unsubscribe, UnsubLabel string
	Prefs, PrefsLabel               string
}

var htmlTmpl = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family:sans-serif;color:#1a1a1a;max-width:36em;margin:0 auto;padding:1em">
<h1 style="font-size:1.3em">{{.Title}}</h1>
<p style="white-space:pre-line">{{.Body}}</p>
{{if .Link}}<p><a href="{{.Link}}" style="display:inline-block;background:#1d4ed8;color:#fff;padding:.6em 1.2em;border-radius:4px;text-decoration:none">{{.Open}}</a></p>
<p style="font-size:.85em;color:#555">{{.Link}}</p>{{end}}
<hr style="border:none;border-top:1px solid #ddd">
<p style="font-size:.85em;color:#555">{{.Footer}}{{if .Unsubscribe}}<br><a href="{{.Unsubscribe}}">{{.UnsubLabel}}</a> · <a href="{{.Prefs}}">{{.PrefsLabel}}</a>{{end}}</p>
</body></html>
`))

var textTmpl = texttemplate.Must(texttemplate.New("mail").Parse(`{{.Title}}

{{.Body}}
{{if .Link}}
{{.Open}}: {{.Link}}
{{end}}
--
{{.Footer}}
{{if .Unsubscribe}}{{.UnsubLabel}}: {{.Unsubscribe}}
{{.PrefsLabel}}: {{.Prefs}}
{{end}}`))

// oneLine makes a header value of s: every control character (CR and LF
// above all, which would start a header of their own) becomes a space.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// linkURL is PUBLIC_URL before a path of the web UI; anything but a path
// (an absolute or protocol-relative URL) links to the home page instead.
func (m *Mailer) linkURL(path string) string {
	if path == "" {
		return ""
	}
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") || strings.ContainsAny(path, "\\\r\n") {
		path = "/"
	}
	return m.cfg.PublicURL + path
}

// message builds the mail of o, with its unsubscribe link unless it is a
// security mail.
func (m *Mailer) message(o *models.OutboxMail) (*gomail.Msg, error) {
	lang := o.Lang
	if lang != models.LangEN {
		lang = models.LangZH
	}
	f := frame{Lang: lang, Title: oneLine(o.Title), Body: o.Body, Link: m.linkURL(o.Link), Open: tr(lang, "open"), Footer: tr(lang, "security")}
	unsub := ""
	if !security(o.Security, o.Kind) {
		unsub = m.cfg.PublicURL + "/unsubscribe?t=" + m.UnsubscribeToken(o.UserID, o.Kind)
		f.Footer, f.Unsubscribe, f.UnsubLabel = tr(lang, "why"), unsub, tr(lang, "unsubscribe")
		f.Prefs, f.PrefsLabel = m.cfg.PublicURL+"/account#mail", tr(lang, "prefs")
	}
	var text, html bytes.Buffer
	if err := textTmpl.Execute(&text, f); err != nil {
		return nil, err
	}
	if err := htmlTmpl.Execute(&html, f); err != nil {
		return nil, err
	}
	msg := gomail.NewMsg()
	if err := msg.From(m.cfg.From); err != nil {
		return nil, err
	}
	if err := msg.To(o.To); err != nil {
		return nil, err
	}
	msg.Subject(f.Title)
	msg.SetDate()
	msg.SetMessageIDWithValue(o.ID + "@talenthub")
	msg.SetGenHeader(gomail.HeaderContentLang, lang)
	if unsub != "" {
		// RFC 8058: the mail client POSTs to the link by itself, without
		// showing the confirmation page.
		msg.SetListUnsubscribe(unsub)
		msg.SetListUnsubscribePost()
	}
	msg.SetBodyString(gomail.TypeTextPlain, text.String())
	msg.AddAlternativeString(gomail.TypeTextHTML, html.String())
	return msg, nil
}

// client is a connection to the SMTP server as SMTP_URL says.
func (m *Mailer) client() (*gomail.Client, error) {
	c := m.smtp
	opts := []gomail.Option{gomail.WithPort(c.port), gomail.WithTimeout(m.cfg.Timeout)}
	switch c.security {
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "tls":
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if c.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(c.user), gomail.WithPassword(c.password))
	}
	tc := m.cfg.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: c.host, MinVersion: tls.VersionTLS12}
	}
	opts = append(opts, gomail.WithTLSConfig(tc))
	return gomail.NewClient(c.host, opts...)
}

// shenzhen is China Standard Time (no daylight saving), fixed so that
// the digest's days do not depend on the machine's time zone database.
var shenzhen = time.FixedZone("CST", 8*3600)

// security reports whether a mail goes out whatever the preferences and
// verification say.
func security(flag bool, kind string) bool {
	return flag || models.SecurityNote(kind) || kind == models.MailPasswordReset || kind == models.MailVerifyEmail
}
