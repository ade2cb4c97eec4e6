package main

import (
	"strings"
	"testing"
	"time"

	"supportdesk/ent/outboundmail"
	"supportdesk/ent/user"
)

// invitation is the token and texts of one invitation mail the catcher received.
type invitation struct {
	to, from, subject, text, html, token string
}

// invitations runs the worker once, expects n mails, and returns them with the token read from
// the plain-text part (the third paragraph: greeting, lead, token, …).
func (m *mailEnv) invitations(n int) []invitation {
	m.t.Helper()
	before := len(m.catcher.messages())
	if got := m.flush(); got != n {
		m.t.Fatalf("sent %d mails, want %d", got, n)
	}
	var out []invitation
	for _, c := range m.catcher.messages()[before:] {
		text := strings.ReplaceAll(c.env.Text, "\r\n", "\n")
		paras := strings.Split(strings.TrimSpace(text), "\n\n")
		if len(c.to) != 1 || len(paras) != 5 {
			m.t.Fatalf("invitation to %v: %q", c.to, c.env.Text)
		}
		out = append(out, invitation{to: strings.ToLower(c.to[0]), from: c.from, subject: c.env.GetHeader("Subject"),
			text: text, html: c.env.HTML, token: paras[2]})
	}
	return out
}

// TestIssue17Invitation: a user created without a password is invited by mail in their
// language; they cannot sign in until they set a password with the token, which works once and
// for seven days; an administrator can send the invitation again. With a password nothing is
// mailed, and a refused creation writes neither user nor mail.
func TestIssue17Invitation(t *testing.T) {
	m := newMailEnv(t)
	c, ctx := m.app.DB.Client, trusted()
	start := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	m.clock.Set(start)
	p1Admin := m.token(m.w, "P1.ADMIN")
	const op = `mutation($in: CreateUserInput!){ createUser(input:$in){ user{ id email role active } } }`
	var out struct {
		CreateUser struct {
			User struct {
				ID, Email, Role string
				Active          bool
			}
		}
	}

	// A customer's end user in German, and an agent of the provider in Danish, without passwords.
	m.ok(p1Admin, op, map[string]any{"in": map[string]any{"organizationID": gidOf(m.w.orgs["C1"].ID), "email": " Neu.Kunde@C1.test ",
		"name": "Neu Kunde", "role": "END_USER", "language": "de"}}, &out)
	deID := out.CreateUser.User.ID
	if u := out.CreateUser.User; u.Email != "neu.kunde@c1.test" || u.Role != "END_USER" || !u.Active {
		t.Fatalf("invited user %+v", u)
	}
	m.ok(p1Admin, op, map[string]any{"in": map[string]any{"organizationID": gidOf(m.w.orgs["P1"].ID), "email": "ny.agent@p1.test",
		"name": "Ny Agent", "role": "AGENT", "levels": []string{"L1"}, "language": "da"}}, &out)
	daID := out.CreateUser.User.ID
	stored := c.User.Query().Where(user.Email("neu.kunde@c1.test")).OnlyX(ctx)
	if stored.PasswordHash != "" || stored.Language != "de" || stored.PasswordResetHash == nil ||
		stored.PasswordResetExpiresAt == nil || !stored.PasswordResetExpiresAt.Equal(start.Add(7*24*time.Hour)) {
		t.Fatalf("stored invited user: hash %q, language %s, reset expiry %v", stored.PasswordHash, stored.Language, stored.PasswordResetExpiresAt)
	}
	rows := c.OutboundMail.Query().Order(outboundmail.ByID()).AllX(ctx)
	if len(rows) != 2 || rows[0].Kind != "INVITATION" || rows[0].RecipientID == nil || *rows[0].RecipientID != stored.ID || rows[0].Status != outboundmail.StatusPENDING ||
		rows[0].TicketID != nil || rows[1].Kind != "INVITATION" || rows[1].ToAddress != "ny.agent@p1.test" {
		t.Fatalf("outbox %+v", rows)
	}

	mails := m.invitations(2)
	de, da := mails[0], mails[1]
	if de.to != "neu.kunde@c1.test" || de.from != "noreply@sd.test" || de.subject != "Ihre Einladung zu Supportdesk" ||
		!strings.HasPrefix(de.text, "Hallo Neu Kunde,\n\nFür Sie wurde ein Konto bei C1 angelegt; Sie melden sich mit neu.kunde@c1.test an.") ||
		!strings.Contains(de.text, "Der Code gilt bis 2026-12-14 08:00 UTC und kann einmal verwendet werden.") ||
		len(de.token) < 40 || !strings.Contains(de.html, de.token) {
		t.Fatalf("German invitation: %q %q", de.subject, de.text)
	}
	if da.to != "ny.agent@p1.test" || da.subject != "Din invitation til Supportdesk" ||
		!strings.HasPrefix(da.text, "Hej Ny Agent,\n\nDer er oprettet en konto til dig hos P1; du logger ind med ny.agent@p1.test.") ||
		len(da.token) < 40 || da.token == de.token {
		t.Fatalf("Danish invitation: %q %q", da.subject, da.text)
	}
	// The tokens left with the mails; the outbox keeps none.
	for _, r := range c.OutboundMail.Query().AllX(ctx) {
		if r.Status != outboundmail.StatusSENT || r.TextBody != "" || r.HTMLBody != "" {
			t.Fatalf("sent invitation row %+v", r)
		}
	}

	// No password, no sign-in: not with an empty one, not with a guess.
	m.fails("", opLoginFull, map[string]any{"e": "neu.kunde@c1.test", "p": ""}, "UNAUTHENTICATED")
	m.fails("", opLoginFull, map[string]any{"e": "neu.kunde@c1.test", "p": "any-password-1"}, "UNAUTHENTICATED")
	// The token sets the password once; then the user signs in.
	m.clock.Set(start.Add(6 * 24 * time.Hour))
	m.invalid("", opResetPw, map[string]any{"t": de.token, "n": "short"}, "newPassword")
	m.ok("", opResetPw, map[string]any{"t": de.token, "n": "kunde-passwort-1"}, nil)
	m.invalid("", opResetPw, map[string]any{"t": de.token, "n": "kunde-passwort-2"}, "token")
	access, _ := m.session("neu.kunde@c1.test", "kunde-passwort-1")
	var me struct{ Me struct{ Email string } }
	m.ok(access, `{ me { email } }`, nil, &me)
	if me.Me.Email != "neu.kunde@c1.test" {
		t.Fatalf("me %+v", me)
	}
	m.fails("", opLoginFull, map[string]any{"e": "neu.kunde@c1.test", "p": "kunde-passwort-2"}, "UNAUTHENTICATED")

	// The Danish token runs out after seven days; the administrator sends the invitation again.
	m.clock.Set(start.Add(7*24*time.Hour + time.Minute))
	m.invalid("", opResetPw, map[string]any{"t": da.token, "n": "agent-kode-1"}, "token")
	var rst struct {
		StartPasswordReset struct {
			Token     string
			ExpiresAt time.Time
		}
	}
	m.ok(p1Admin, opStartRst, map[string]any{"id": daID}, &rst)
	if !rst.StartPasswordReset.ExpiresAt.Equal(start.Add(14*24*time.Hour + time.Minute)) {
		t.Fatalf("re-sent invitation expires %v", rst.StartPasswordReset.ExpiresAt)
	}
	again := m.invitations(1)[0]
	if again.to != "ny.agent@p1.test" || again.subject != "Din invitation til Supportdesk" || again.token != rst.StartPasswordReset.Token {
		t.Fatalf("re-sent invitation %q %q", again.subject, again.text)
	}
	m.ok("", opResetPw, map[string]any{"t": again.token, "n": "agent-kode-1"}, nil)
	m.session("ny.agent@p1.test", "agent-kode-1")
	// A user with a password gets a password reset, not an invitation.
	m.ok(p1Admin, opStartRst, map[string]any{"id": deID}, &rst)
	if rs := m.invitations(1)[0]; rs.subject != "Zurücksetzen Ihres Passworts" || rs.token != rst.StartPasswordReset.Token {
		t.Fatalf("reset of a user with a password: %q", rs.subject)
	}

	// With a password: unchanged, nothing mailed, the user signs in at once.
	mailsBefore := c.OutboundMail.Query().CountX(ctx)
	m.ok(p1Admin, op, map[string]any{"in": map[string]any{"organizationID": gidOf(m.w.orgs["C1"].ID), "email": "direkt@c1.test",
		"name": "Direkt", "role": "END_USER", "password": "direkt-passwort-1"}}, &out)
	if n := c.OutboundMail.Query().CountX(ctx); n != mailsBefore || m.flush() != 0 {
		t.Fatalf("createUser with a password queued %d mails", n-mailsBefore)
	}
	m.session("direkt@c1.test", "direkt-passwort-1")
	if u := c.User.Query().Where(user.Email("direkt@c1.test")).OnlyX(ctx); u.PasswordResetHash != nil || u.Language != "en" {
		t.Fatalf("user with a password: reset hash %v, language %s", u.PasswordResetHash, u.Language)
	}

	// Refused creations write neither a user nor a mail: an explicit empty password is not an
	// invitation, a bad language, an existing address, a foreign organisation.
	usersBefore := c.User.Query().CountX(ctx)
	in := func(kv ...any) map[string]any {
		x := map[string]any{"organizationID": gidOf(m.w.orgs["C1"].ID), "email": "neu2@c1.test", "name": "Neu 2", "role": "END_USER"}
		for i := 0; i < len(kv); i += 2 {
			x[kv[i].(string)] = kv[i+1]
		}
		return map[string]any{"in": x}
	}
	m.invalid(p1Admin, op, in("password", ""), "password")
	m.invalid(p1Admin, op, in("language", "  "), "language")
	m.invalid(p1Admin, op, in("language", "much-too-long"), "language")
	m.fails(p1Admin, op, in("email", "NEU.KUNDE@c1.test"), "CONFLICT")
	m.fails(m.token(m.w, "P2.ADMIN"), op, in(), "NOT_FOUND")
	m.fails(m.token(m.w, "P1.AGENT"), op, in(), "FORBIDDEN")
	if u, n := c.User.Query().CountX(ctx), c.OutboundMail.Query().CountX(ctx); u != usersBefore || n != mailsBefore {
		t.Fatalf("refused creations wrote %d users and %d mails", u-usersBefore, n-mailsBefore)
	}
}
