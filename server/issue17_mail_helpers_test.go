package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jhillyerd/enmime/v2"

	"supportdesk/ent"
	"supportdesk/ent/inboundmail"
	"supportdesk/internal/mail"
)

// caught is one message the catcher received.
type caught struct {
	from string
	to   []string
	raw  []byte
	env  *enmime.Envelope
}

// catcher is a local SMTP server standing in for the relay: it keeps what it receives and
// refuses the next Refuse messages with a temporary error.
type catcher struct {
	srv    *smtp.Server
	addr   string
	Refuse atomic.Int32
	// Reject refuses the next messages for good (550).
	Reject atomic.Int32
	mu     sync.Mutex
	got    []caught
}

func newCatcher(t *testing.T) *catcher {
	t.Helper()
	c := &catcher{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &catchSession{c: c}, nil }))
	c.srv.Domain = "catcher.test"
	c.addr = ln.Addr().String()
	go func() { _ = c.srv.Serve(ln) }()
	t.Cleanup(func() { _ = c.srv.Close() })
	return c
}

// messages returns what arrived so far.
func (c *catcher) messages() []caught {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]caught(nil), c.got...)
}

type catchSession struct {
	c    *catcher
	from string
	to   []string
}

func (s *catchSession) Reset()        { s.from, s.to = "", nil }
func (s *catchSession) Logout() error { return nil }
func (s *catchSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *catchSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *catchSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.c.Reject.Load() > 0 {
		s.c.Reject.Add(-1)
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	if s.c.Refuse.Load() > 0 {
		s.c.Refuse.Add(-1)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	env, err := enmime.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	s.c.mu.Lock()
	s.c.got = append(s.c.got, caught{from: s.from, to: s.to, raw: raw, env: env})
	s.c.mu.Unlock()
	return nil
}

// mailEnv is a test server with the mail listener on 127.0.0.1:0 and a catcher as relay.
type mailEnv struct {
	*env
	w       *world
	catcher *catcher
	smtp    string
}

const mailDomain = "sd.test"

func newMailEnv(t *testing.T, tune ...func(*Config)) *mailEnv {
	t.Helper()
	c := newCatcher(t)
	e, _ := newEnvTuned(t, func(cfg *Config) {
		cfg.Mail.SMTPAddr = "127.0.0.1:0"
		cfg.Mail.RelayAddr = c.addr
		cfg.Mail.RelayTLS = "none"
		cfg.Mail.From = "Supportdesk <noreply@sd.test>"
		cfg.Mail.Hostname = mailDomain
		cfg.Mail.Backoff = time.Minute
		cfg.Mail.KeepRawBytes = 4096
		for _, f := range tune {
			f(cfg)
		}
	})
	// The listener only: the tests run the outbound worker themselves, one pass at a time.
	e.app.MailListener = &mail.Listener{Intake: e.app.Intake}
	if err := e.app.MailListener.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.app.MailListener.Close(context.Background()) })
	return &mailEnv{env: e, w: e.seed(), catcher: c, smtp: e.app.MailListener.Addr()}
}

// send delivers a raw message to the listener over SMTP and returns the server's refusal.
func (m *mailEnv) send(from, to, raw string) error {
	m.t.Helper()
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\n", "\r\n")
	c, err := smtp.Dial(m.smtp)
	if err != nil {
		m.t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail(from, []string{to}, strings.NewReader(raw)); err != nil {
		return err
	}
	return c.Quit()
}

// deliver is send that must succeed.
func (m *mailEnv) deliver(from, to, raw string) {
	m.t.Helper()
	if err := m.send(from, to, raw); err != nil {
		m.t.Fatalf("send: %v", err)
	}
}

// flush runs the outbound worker once and returns how many mails it attempted.
func (m *mailEnv) flush() int {
	m.t.Helper()
	n, err := m.app.Mailer.RunOnce(context.Background())
	if err != nil {
		m.t.Fatal(err)
	}
	return n
}

// lastInbound is the newest inbound mail row (read with the bypass).
func (m *mailEnv) lastInbound() *ent.InboundMail {
	m.t.Helper()
	r, err := m.app.DB.Client.InboundMail.Query().Order(ent.Desc(inboundmail.FieldID)).First(trusted())
	if err != nil {
		m.t.Fatal(err)
	}
	return r
}

// smtpCode is the reply code of an SMTP refusal, or 0.
func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// setAddress gives an organisation its support address through the API.
func (m *mailEnv) setAddress(adminKey, org, addr string) {
	m.t.Helper()
	m.ok(m.token(m.w, adminKey), opSetAddress, map[string]any{"o": gidOf(m.w.orgs[org].ID), "a": addr}, nil)
}

const (
	opSetAddress = `mutation($o:ID!,$a:String){ setSupportAddress(organizationID:$o, address:$a){ organization{ supportAddress } } }`
	opInbound    = `query($s: InboundMailStatus){ inboundMails(status:$s, first:20){ totalCount edges{ node{ id status reason fromAddress subject body parseError rawSize rawTruncated attachments ticket{ id number level channel reporter{ email } } } } } }`
	opTicketView = `query($id:ID!){ node(id:$id){ ... on Ticket { number title description status level channel reporter{ email } attachments{ filename contentType }
		comments(first:20){ edges{ node{ body internal author{ email } } } } } } }`
)

type inboundOut struct {
	InboundMails struct {
		TotalCount int
		Edges      []struct {
			Node inboundNode
		}
	}
}

type inboundNode struct {
	ID, Status, Reason, FromAddress, Subject, Body, ParseError string
	RawSize                                                    int
	RawTruncated                                               bool
	Attachments                                                []string
	Ticket                                                     *struct {
		ID, Number, Level, Channel string
		Reporter                   struct{ Email string }
	}
}

// inbound lists a viewer's inbound mails of a status ("" for all).
func (m *mailEnv) inbound(tok, status string) []inboundNode {
	m.t.Helper()
	vars := map[string]any{}
	if status != "" {
		vars["s"] = status
	}
	var out inboundOut
	m.ok(tok, opInbound, vars, &out)
	nodes := []inboundNode{}
	for _, e := range out.InboundMails.Edges {
		nodes = append(nodes, e.Node)
	}
	if out.InboundMails.TotalCount != len(nodes) {
		m.t.Fatalf("totalCount %d, %d nodes", out.InboundMails.TotalCount, len(nodes))
	}
	return nodes
}

type ticketView struct {
	Node struct {
		Number, Title, Description, Status, Level, Channel string
		Reporter                                           struct{ Email string }
		Attachments                                        []struct{ Filename, ContentType string }
		Comments                                           struct {
			Edges []struct {
				Node struct {
					Body     string
					Internal bool
					Author   struct{ Email string }
				}
			}
		}
	}
}

// ticket reads a ticket as a viewer; a ticket the viewer may not see fails the test.
func (m *mailEnv) ticket(tok, id string) ticketView {
	m.t.Helper()
	var out ticketView
	m.ok(tok, opTicketView, map[string]any{"id": id}, &out)
	if out.Node.Number == "" {
		m.t.Fatalf("ticket %s not visible", id)
	}
	return out
}
