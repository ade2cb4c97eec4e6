package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"supportdesk/ent/inboundmail"
)

// selfSigned writes a certificate and key for 127.0.0.1 and returns their paths.
func selfSigned(t *testing.T) (string, string, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sd.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"sd.test"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	parsed, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(parsed)
	return cert, keyPath, pool
}

// TestIssue17MailConfigTLSAndSize: the MAIL_* variables configure STARTTLS and the size limit; a
// mail sent over STARTTLS is taken in, an oversized one is refused with 552 and nothing is kept.
func TestIssue17MailConfigTLSAndSize(t *testing.T) {
	cert, key, pool := selfSigned(t)
	env := map[string]string{"MAIL_SMTP_ADDR": "127.0.0.1:0", "MAIL_MAX_BYTES": "2048", "MAIL_TLS_CERT": cert, "MAIL_TLS_KEY": key,
		"MAIL_RELAY_ADDR": "127.0.0.1:1", "MAIL_FROM": "noreply@sd.test", "MAIL_RELAY_TLS": "none"}
	cfg, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Mail.MaxBytes != 2048 || cfg.Mail.TLS == nil || cfg.Mail.Domain() != "sd.test" || cfg.Mail.RelayTLS != "none" {
		t.Fatalf("mail config: %+v", cfg.Mail)
	}
	for bad, want := range map[string]string{
		"MAIL_MAX_BYTES=-1":   "MAIL_MAX_BYTES: not a positive number",
		"MAIL_RELAY_TLS=ssl":  "MAIL_RELAY_TLS: one of starttls, tls, none",
		"MAIL_TLS_KEY=":       "MAIL_TLS_CERT and MAIL_TLS_KEY go together",
		"MAIL_FROM=":          "MAIL_FROM is required with MAIL_RELAY_ADDR",
		"MAIL_TLS_CERT=/nope": "MAIL_TLS_CERT/MAIL_TLS_KEY:",
	} {
		k, v, _ := strings.Cut(bad, "=")
		_, err := ConfigFromEnv(func(key string) string {
			if key == k {
				return v
			}
			return env[key]
		})
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: %v", bad, err)
		}
	}

	m := newMailEnv(t, func(c *Config) { c.Mail.TLS, c.Mail.MaxBytes = cfg.Mail.TLS, cfg.Mail.MaxBytes })
	m.setAddress("P1.ADMIN", "P1", "support@p1.test")
	c, err := smtp.DialStartTLS(m.smtp, &tls.Config{RootCAs: pool, ServerName: "sd.test"})
	if err != nil {
		t.Fatal(err)
	}
	raw := "From: C1.KEY_USER@test.example\r\nSubject: Over TLS\r\n\r\nSecret text\r\n"
	if err := c.SendMail("C1.KEY_USER@test.example", []string{"support@p1.test"}, strings.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	_ = c.Quit()
	if r := m.lastInbound(); r.Status != inboundmail.StatusTICKET_CREATED || r.Subject != "Over TLS" {
		t.Fatalf("mail over STARTTLS: %+v", r)
	}
	big := "From: C1.KEY_USER@test.example\nSubject: Too big\n\n" + strings.Repeat(strings.Repeat("x", 70)+"\n", 40) + "\n"
	if err := m.send("C1.KEY_USER@test.example", "support@p1.test", big); smtpCode(err) != 552 {
		t.Fatalf("oversized mail: %v", err)
	}
	if n := m.app.DB.Client.InboundMail.Query().CountX(trusted()); n != 1 {
		t.Fatalf("%d rows after the oversized mail", n)
	}
}

// TestIssue17StartMail: the server starts the configured listener and stops it with its context.
func TestIssue17StartMail(t *testing.T) {
	e, _ := newEnvTuned(t, func(c *Config) { c.Mail.SMTPAddr = "127.0.0.1:0" })
	ctx, cancel := context.WithCancel(context.Background())
	if err := e.app.StartMail(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := smtp.Dial(e.app.MailListener.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	_ = c.Quit()
	cancel()
	// The listener closes once the context has ended.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := net.DialTimeout("tcp", e.app.MailListener.Addr(), time.Second); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("listener still open after the context ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
