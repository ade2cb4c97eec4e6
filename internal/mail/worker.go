package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"supportdesk/ent"
	"supportdesk/ent/outboundmail"
	"supportdesk/internal/jobs"
	"supportdesk/internal/mail/outbound"
)

// Defaults of a Worker.
const (
	DefaultMaxAttempts = 8
	DefaultBackoff     = 30 * time.Second
	maxBackoff         = time.Hour
	lease              = 2 * time.Minute
	batch              = 20
)

// Worker sends due outbound mail through the relay. Every instance runs one; claims keep them
// from sending a row twice.
type Worker struct {
	Client *ent.Client
	Cfg    Config
	Log    *slog.Logger
	Now    func() time.Time
	// Observe, when set, is told the result of every run (metrics).
	Observe func(error)
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now().UTC()
	}
	return time.Now().UTC()
}

// Run sends due mail every Interval (default 2 s) until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	jobs.Every(ctx, w.Cfg.Interval, "outbound mail", w.Log, w.Observe, w.RunOnce)
}

// RunOnce sends the mail due now (a batch at a time, until none is due) and returns how many
// it attempted.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	ctx = trusted(ctx)
	sent := 0
	for {
		now := w.now()
		rows, err := w.Client.OutboundMail.Query().Where(outboundmail.StatusEQ(outboundmail.StatusPENDING),
			outboundmail.Or(outboundmail.NextAttemptAtIsNil(), outboundmail.NextAttemptAtLTE(now)),
			outboundmail.Or(outboundmail.ClaimedUntilIsNil(), outboundmail.ClaimedUntilLT(now))).
			Order(ent.Asc(outboundmail.FieldID)).Limit(batch).All(ctx)
		if err != nil || len(rows) == 0 {
			return sent, err
		}
		claimedAny := false
		for _, m := range rows {
			ok, err := w.claim(ctx, m, now)
			if err != nil {
				return sent, err
			}
			if !ok {
				continue // another instance claimed it
			}
			claimedAny = true
			sent++
			if err := w.send(ctx, m); err != nil {
				return sent, err
			}
		}
		if !claimedAny {
			return sent, nil
		}
	}
}

// claim takes a row with a guarded update: exactly one instance changes it.
func (w *Worker) claim(ctx context.Context, m *ent.OutboundMail, now time.Time) (bool, error) {
	n, err := w.Client.OutboundMail.Update().Where(outboundmail.ID(m.ID), outboundmail.StatusEQ(outboundmail.StatusPENDING),
		outboundmail.Or(outboundmail.NextAttemptAtIsNil(), outboundmail.NextAttemptAtLTE(now)),
		outboundmail.Or(outboundmail.ClaimedUntilIsNil(), outboundmail.ClaimedUntilLT(now))).
		SetClaimedUntil(now.Add(lease)).AddAttempts(1).Save(ctx)
	m.Attempts++
	return n == 1, err
}

// Backoff is the wait after the given number of failed attempts: base, 2·base, 4·base, … at
// most an hour.
func Backoff(base time.Duration, attempts int) time.Duration {
	d := base
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// send delivers one claimed row and records the outcome. A permanent refusal (5xx) fails the
// row at once; anything else is retried with backoff until MaxAttempts.
func (w *Worker) send(ctx context.Context, m *ent.OutboundMail) error {
	err := w.deliver(m)
	now := w.now()
	u := w.Client.OutboundMail.UpdateOne(m).ClearClaimedUntil()
	if err == nil {
		u.SetStatus(outboundmail.StatusSENT).SetSentAt(now).SetLastError("").ClearNextAttemptAt()
		if outbound.CarriesSecret(m.Kind) {
			// A token (reset, invitation) is not kept once it has left.
			u.SetTextBody("").SetHTMLBody("")
		}
		return u.Exec(ctx)
	}
	u.SetLastError(truncate(err.Error(), 500))
	maxAttempts := w.Cfg.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	base := w.Cfg.Backoff
	if base <= 0 {
		base = DefaultBackoff
	}
	var se *smtp.SMTPError
	if (errors.As(err, &se) && se.Code >= 500) || m.Attempts >= maxAttempts {
		u.SetStatus(outboundmail.StatusFAILED).ClearNextAttemptAt()
		if outbound.CarriesSecret(m.Kind) {
			u.SetTextBody("").SetHTMLBody("")
		}
	} else {
		u.SetNextAttemptAt(now.Add(Backoff(base, m.Attempts)))
	}
	return u.Exec(ctx)
}

// deliver talks to the relay.
func (w *Worker) deliver(m *ent.OutboundMail) error {
	if w.Cfg.RelayAddr == "" {
		return fmt.Errorf("no relay configured")
	}
	from := m.FromAddress
	if from == "" {
		from = w.Cfg.From
	}
	if from == "" {
		return fmt.Errorf("no sender address configured (MAIL_FROM)")
	}
	msg, err := Compose(m, from, w.Cfg.Domain(), w.now())
	if err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(w.Cfg.RelayAddr)
	tlsCfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	var c *smtp.Client
	switch strings.ToLower(w.Cfg.RelayTLS) {
	case "none":
		c, err = smtp.Dial(w.Cfg.RelayAddr)
	case "tls":
		c, err = smtp.DialTLS(w.Cfg.RelayAddr, tlsCfg)
	default:
		c, err = smtp.DialStartTLS(w.Cfg.RelayAddr, tlsCfg)
	}
	if err != nil {
		return err
	}
	defer c.Close()
	c.CommandTimeout, c.SubmissionTimeout = 30*time.Second, time.Minute
	if err := c.Hello(w.Cfg.Domain()); err != nil {
		return err
	}
	if w.Cfg.RelayUser != "" {
		if err := c.Auth(sasl.NewPlainClient("", w.Cfg.RelayUser, w.Cfg.RelayPassword)); err != nil {
			return err
		}
	}
	if err := c.SendMail(bareAddress(from), []string{m.ToAddress}, bytes.NewReader(msg)); err != nil {
		return err
	}
	return c.Quit()
}

// bareAddress is the address part of "Name <addr>".
func bareAddress(s string) string {
	if i := strings.LastIndex(s, "<"); i >= 0 {
		return strings.Trim(s[i:], "<> ")
	}
	return strings.TrimSpace(s)
}
