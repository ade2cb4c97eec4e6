package mail

import (
	"bytes"
	"io"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"supportdesk/ent"
)

// Compose builds one outbound mail: a multipart/alternative of the text and the HTML part, with
// Message-Id (the row's id at our domain), and for ticket mails In-Reply-To and References
// naming the ticket's thread root, so every mail of a ticket threads and a reply finds it.
func Compose(m *ent.OutboundMail, from, domain string, now time.Time) ([]byte, error) {
	var h gomail.Header
	h.SetDate(now)
	sender, err := gomail.ParseAddress(from)
	if err != nil {
		sender = &gomail.Address{Address: bareAddress(from)}
	}
	h.SetAddressList("From", []*gomail.Address{sender})
	h.SetAddressList("To", []*gomail.Address{{Address: m.ToAddress}})
	h.SetSubject(m.Subject)
	h.SetMessageID(m.MessageID + "@" + domain)
	if m.Thread != "" {
		root := []string{m.Thread + "@" + domain}
		h.SetMsgIDList("In-Reply-To", root)
		h.SetMsgIDList("References", root)
	}
	// Our mail is automatic: well-behaved autoresponders do not answer it (RFC 3834).
	h.Set("Auto-Submitted", "auto-generated")
	h.Set("X-Auto-Response-Suppress", "All")
	var b bytes.Buffer
	w, err := gomail.CreateInlineWriter(&b, h)
	if err != nil {
		return nil, err
	}
	for _, p := range []struct{ ctype, body string }{{"text/plain", m.TextBody}, {"text/html", m.HTMLBody}} {
		var ph gomail.InlineHeader
		ph.SetContentType(p.ctype, map[string]string{"charset": "utf-8"})
		ph.Header.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := w.CreatePart(ph)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(pw, p.body); err != nil {
			return nil, err
		}
		if err := pw.Close(); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
