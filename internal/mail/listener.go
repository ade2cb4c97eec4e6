package mail

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/emersion/go-smtp"

	"supportdesk/ent"
)

// Defaults of the listener.
const (
	DefaultMaxBytes = 25 << 20
	handleTimeout   = 2 * time.Minute
)

// Listener is the SMTP intake server.
type Listener struct {
	Intake *Intake
	Log    *slog.Logger
	srv    *smtp.Server
	addr   net.Addr
}

// Start listens on the configured address and serves in the background; Addr tells where.
func (l *Listener) Start() error {
	cfg := l.Intake.Cfg
	ln, err := net.Listen("tcp", cfg.SMTPAddr)
	if err != nil {
		return err
	}
	max := cfg.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{l: l}, nil }))
	s.Domain = cfg.Domain()
	s.MaxMessageBytes = max
	s.MaxRecipients = 50
	s.ReadTimeout = 5 * time.Minute
	s.WriteTimeout = time.Minute
	s.TLSConfig = cfg.TLS
	l.srv, l.addr = s, ln.Addr()
	go func() {
		if err := s.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) && l.Log != nil {
			l.Log.Error("mail listener", "err", err)
		}
	}()
	if l.Log != nil {
		l.Log.Info("mail listener", "addr", ln.Addr().String(), "starttls", cfg.TLS != nil)
	}
	return nil
}

// Addr is the address the listener serves on.
func (l *Listener) Addr() string { return l.addr.String() }

// Close stops the listener, letting a message being handled finish first.
func (l *Listener) Close(ctx context.Context) error {
	if l.srv == nil {
		return nil
	}
	return l.srv.Shutdown(ctx)
}

// session is one SMTP conversation: a return path, accepted recipients, the data.
type session struct {
	l         *Listener
	from      string
	providers []*ent.Organization
}

func (s *session) Reset()        { s.from, s.providers = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

// Rcpt accepts only support addresses: the listener is no open relay.
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ctx, cancel := context.WithTimeout(context.Background(), handleTimeout)
	defer cancel()
	p, err := s.l.Intake.Provider(ctx, to)
	if err != nil {
		return tempFail(s.l.Log, err)
	}
	if p == nil {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox here"}
	}
	for _, q := range s.providers {
		if q.ID == p.ID {
			return nil
		}
	}
	s.providers = append(s.providers, p)
	return nil
}

// Data reads the message and hands it to intake; a failure to store it is a temporary error,
// so the sending server tries again and nothing is lost.
func (s *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err // the size limit, answered by go-smtp with 552
	}
	ctx, cancel := context.WithTimeout(context.Background(), handleTimeout)
	defer cancel()
	if err := s.l.Intake.Deliver(ctx, s.from, s.providers, buf.Bytes()); err != nil {
		return tempFail(s.l.Log, err)
	}
	return nil
}

func tempFail(log *slog.Logger, err error) error {
	if log != nil {
		log.Error("mail intake", "err", err)
	}
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, please try again later"}
}
