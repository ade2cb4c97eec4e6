package mail

import (
	"crypto/tls"
	"strings"
	"time"
)

// Config is the mail part of the server configuration (see README.md).
type Config struct {
	// SMTPAddr is the listen address of the intake listener (MAIL_SMTP_ADDR); empty: no intake.
	SMTPAddr string
	// MaxBytes is the largest message accepted (MAIL_MAX_BYTES).
	MaxBytes int64
	// KeepRawBytes bounds the raw copy kept of a mail in review (MAIL_KEEP_RAW_BYTES).
	KeepRawBytes int
	// TLS enables STARTTLS on the listener (MAIL_TLS_CERT, MAIL_TLS_KEY).
	TLS *tls.Config
	// Hostname is the listener's greeting name and the domain of our Message-Ids (MAIL_DOMAIN).
	Hostname string

	// RelayAddr is the SMTP relay outbound mail goes to, host:port (MAIL_RELAY_ADDR); empty:
	// nothing is sent (rows wait).
	RelayAddr string
	// RelayUser and RelayPassword authenticate with PLAIN when set.
	RelayUser     string
	RelayPassword string
	// RelayTLS is "starttls" (default: used when the relay offers it), "tls" (implicit TLS) or
	// "none".
	RelayTLS string
	// From is the sender of mails that are not about a ticket (MAIL_FROM).
	From string
	// Interval is how often the worker looks for due mail; Backoff the first retry delay.
	Interval    time.Duration
	Backoff     time.Duration
	MaxAttempts int
}

// Domain is the domain of our Message-Ids.
func (c Config) Domain() string {
	if c.Hostname != "" {
		return c.Hostname
	}
	if i := strings.LastIndex(c.From, "@"); i >= 0 {
		return strings.Trim(c.From[i+1:], "> ")
	}
	return "supportdesk.invalid"
}
