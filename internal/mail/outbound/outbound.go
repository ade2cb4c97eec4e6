package outbound

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/organization"
	"supportdesk/ent/outboundmail"
	"supportdesk/ent/privacy"
	"supportdesk/ent/user"
)

// Kinds of outbound mail.
const (
	KindComment       = "COMMENT"
	KindNotification  = "NOTIFICATION"
	KindPasswordReset = "PASSWORD_RESET"
	KindInvitation    = "INVITATION"
)

// CarriesSecret reports whether mails of a kind carry a one-time token, which the worker does
// not keep once the mail has been sent or has failed for good.
func CarriesSecret(kind string) bool { return kind == KindPasswordReset || kind == KindInvitation }

// Letter is one rendered mail to one user.
type Letter struct {
	Kind      string
	Recipient *ent.User
	// From is the provider's support address for ticket mails; empty uses the configured sender.
	From     string
	Subject  string
	Text     string
	HTML     string
	TicketID *int
	// Thread is the local part of the ticket's thread root ("ticket.SD-000042").
	Thread string
	// DedupKey, when set, makes the mail once-only.
	DedupKey string
}

func trusted(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }

// NewMessageID returns a fresh Message-Id local part; prefix (a ticket number) makes a
// mail's id readable in logs.
func NewMessageID(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	if prefix == "" {
		prefix = "sd"
	}
	return prefix + "." + hex.EncodeToString(b)
}

// ThreadOf is the thread root local part of a ticket.
func ThreadOf(number string) string { return "ticket." + number }

// NumberOfThread returns the ticket number of a thread root local part, or "".
func NumberOfThread(local string) string {
	if n, ok := strings.CutPrefix(local, "ticket."); ok {
		return n
	}
	return ""
}

// Queue writes one letter in the caller's transaction (client c), due at once; a recipient
// without an address or deactivated gets nothing.
func Queue(ctx context.Context, c *ent.Client, l Letter) error {
	u := l.Recipient
	if u == nil || !u.Active || !strings.Contains(u.Email, "@") {
		return nil
	}
	prefix := ""
	if n := NumberOfThread(l.Thread); n != "" {
		prefix = n
	}
	q := c.OutboundMail.Create().SetKind(l.Kind).SetOrganizationID(u.OrganizationID).SetRecipientID(u.ID).
		SetToAddress(u.Email).SetFromAddress(l.From).SetSubject(l.Subject).SetTextBody(l.Text).SetHTMLBody(l.HTML).
		SetMessageID(NewMessageID(prefix)).SetThread(l.Thread).SetNillableTicketID(l.TicketID)
	if l.DedupKey == "" {
		return q.Exec(trusted(ctx))
	}
	err := q.SetDedupKey(l.DedupKey).OnConflictColumns(outboundmail.FieldDedupKey).DoNothing().Exec(trusted(ctx))
	if err != nil && err.Error() == "sql: no rows in result set" {
		return nil // mailed before
	}
	return err
}

// supportAddress returns the support address of the provider serving a customer, or "".
func supportAddress(ctx context.Context, c *ent.Client, customerID int) (string, error) {
	ps, err := c.Organization.Query().Where(organization.HasChildrenWith(organization.ID(customerID))).All(trusted(ctx))
	if err != nil || len(ps) == 0 || ps[0].SupportAddress == nil {
		return "", err
	}
	return *ps[0].SupportAddress, nil
}

// QueueComment mails a public staff comment on ticket t to the ticket's reporter, from the
// provider's support address so that the answer comes back as a comment. A provider without a
// support address sends no ticket mail.
func QueueComment(ctx context.Context, c *ent.Client, t *ent.Ticket, authorID int, body string) error {
	from, err := supportAddress(ctx, c, t.CustomerID)
	if err != nil || from == "" {
		return err
	}
	us, err := c.User.Query().Where(user.IDIn(t.ReporterID, authorID)).All(trusted(ctx))
	if err != nil {
		return err
	}
	var to *ent.User
	author := ""
	for _, u := range us {
		if u.ID == t.ReporterID {
			to = u
		}
		if u.ID == authorID {
			author = u.Name
		}
	}
	if to == nil || to.ID == authorID {
		return nil
	}
	tr := For(to.Language)
	subject := fmt.Sprintf("[%s] %s", t.Number, t.Title)
	paras := []string{tr.Greeting(to.Name), fmt.Sprintf(tr.CommentLead, author, t.Number), body, tr.ReplyHint}
	return Queue(ctx, c, Letter{Kind: KindComment, Recipient: to, From: from, Subject: subject,
		Text: Text(paras), HTML: HTML(subject, paras), TicketID: &t.ID, Thread: ThreadOf(t.Number)})
}

// QueueNotification mails one notification (kind, title, body as shown in the app) to a user
// who wants its kind by mail; a dedup key makes the mail once-only like the notification. A notification about a ticket is threaded like a comment, so the
// recipient can answer it by mail.
func QueueNotification(ctx context.Context, c *ent.Client, recipientID int, kind, title, body string, ticketID *int, dedupKey string) error {
	u, err := c.User.Get(trusted(ctx), recipientID)
	if err != nil {
		return err
	}
	tr := For(u.Language)
	label := tr.Kind(kind)
	l := Letter{Kind: KindNotification, Recipient: u, Subject: label, DedupKey: dedupKey}
	paras := []string{tr.Greeting(u.Name), label + "."}
	if ticketID == nil {
		// The in-app title says what happened; about a ticket, the subject does in the
		// recipient's language.
		paras = append(paras, title)
	}
	if body != "" && body != title {
		paras = append(paras, body)
	}
	if ticketID != nil {
		t, err := c.Ticket.Get(trusted(ctx), *ticketID)
		if err != nil {
			return err
		}
		from, err := supportAddress(ctx, c, t.CustomerID)
		if err != nil {
			return err
		}
		l.Subject = fmt.Sprintf("[%s] %s: %s", t.Number, label, t.Title)
		l.TicketID, l.Thread, l.From = &t.ID, ThreadOf(t.Number), from
		if from != "" {
			paras = append(paras, tr.ReplyHint)
		}
	}
	paras = append(paras, tr.PreferencesHint)
	l.Text, l.HTML = Text(paras), HTML(l.Subject, paras)
	return Queue(ctx, c, l)
}

// QueuePasswordReset mails a reset token to its user. The token is in the row only until the
// mail is sent (the worker blanks the bodies of sent reset mails).
func QueuePasswordReset(ctx context.Context, c *ent.Client, u *ent.User, token string, expires time.Time) error {
	tr := For(u.Language)
	paras := []string{tr.Greeting(u.Name), tr.ResetLead, token,
		fmt.Sprintf(tr.ResetExpiry, expires.UTC().Format("2006-01-02 15:04 UTC")), tr.ResetIgnore}
	return Queue(ctx, c, Letter{Kind: KindPasswordReset, Recipient: u, Subject: tr.ResetSubject,
		Text: Text(paras), HTML: HTML(tr.ResetSubject, paras)})
}

// QueueInvitation mails the one-time token of an invitation to a user created without a
// password (org is the name of their organisation); with the token they set their password
// through resetPassword. Like a reset token, it is in the row only until the mail is sent.
func QueueInvitation(ctx context.Context, c *ent.Client, u *ent.User, org, token string, expires time.Time) error {
	tr := For(u.Language)
	paras := []string{tr.Greeting(u.Name), fmt.Sprintf(tr.InviteLead, org, u.Email), token,
		fmt.Sprintf(tr.ResetExpiry, expires.UTC().Format("2006-01-02 15:04 UTC")), tr.InviteIgnore}
	return Queue(ctx, c, Letter{Kind: KindInvitation, Recipient: u, Subject: tr.InviteSubject,
		Text: Text(paras), HTML: HTML(tr.InviteSubject, paras)})
}
