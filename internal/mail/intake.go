package mail

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"

	"supportdesk/ent"
	"supportdesk/ent/inboundmail"
	"supportdesk/ent/organization"
	"supportdesk/ent/outboundmail"
	"supportdesk/ent/privacy"
	"supportdesk/ent/ticket"
	"supportdesk/ent/user"
	"supportdesk/internal/apperr"
	"supportdesk/internal/auth"
	"supportdesk/internal/mail/outbound"
	"supportdesk/internal/ticketflow"
	"supportdesk/internal/viewer"
)

// maxBody bounds the text kept of a mail body (and put into a ticket or comment).
const maxBody = 64 << 10

// Intake turns received mail into tickets, comments and review items.
type Intake struct {
	Client *ent.Client
	Flow   *ticketflow.Service
	Cfg    Config
	Log    *slog.Logger
	Now    func() time.Time
}

// now is cut to microseconds, the precision PostgreSQL keeps, so a ticket made from a mail
// later carries the very instant the mail row holds on either database.
func (in *Intake) now() time.Time {
	if in.Now != nil {
		return in.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}

// trusted is the listener's reviewed privacy bypass: a mail has no viewer until its sender is
// matched, and the review row belongs to the provider, not the sender.
func trusted(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }

// Provider returns the provider organisation whose support address is addr, or nil.
func (in *Intake) Provider(ctx context.Context, addr string) (*ent.Organization, error) {
	o, err := in.Client.Organization.Query().Where(organization.SupportAddress(normalize(addr)),
		organization.KindNEQ(organization.KindCUSTOMER), organization.Active(true)).Only(trusted(ctx))
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return o, err
}

func normalize(addr string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>"))
}

// Deliver handles one message received for the given providers (envelope sender from, raw
// bytes). An error means nothing was stored and the sending server should try again later.
func (in *Intake) Deliver(ctx context.Context, from string, providers []*ent.Organization, raw []byte) error {
	env, perr := enmime.ReadEnvelope(bytes.NewReader(raw))
	for _, p := range providers {
		if err := in.one(ctx, p, from, raw, env, perr); err != nil {
			return err
		}
	}
	return nil
}

// parsed is what intake reads from a message.
type parsed struct {
	messageID, fromAddr, fromName, subject, body string
	refs                                         []string
	env                                          *enmime.Envelope
}

func (in *Intake) one(ctx context.Context, p *ent.Organization, envFrom string, raw []byte, env *enmime.Envelope, perr error) error {
	rec := in.Client.InboundMail.Create().SetOrganizationID(p.ID).SetToAddress(*p.SupportAddress).
		SetReceivedAt(in.now()).SetRawSize(len(raw)).SetStatus(inboundmail.StatusREVIEW)
	m, err := read(env, perr)
	if err != nil {
		return in.keepRaw(ctx, rec, raw).SetParseError(truncate(err.Error(), 500)).
			SetReason("the mail could not be read").Exec(trusted(ctx))
	}
	// A message the sending server delivers again (after a lost answer) is handled once.
	if m.messageID != "" {
		dup, err := in.Client.InboundMail.Query().Where(inboundmail.OrganizationID(p.ID), inboundmail.MessageID(m.messageID)).Exist(trusted(ctx))
		if err != nil || dup {
			return err
		}
	}
	rec.SetMessageID(m.messageID).SetFromAddress(m.fromAddr).SetFromName(m.fromName).SetSubject(truncate(m.subject, 500)).SetBody(m.body)
	if why, err := in.loop(ctx, envFrom, m); err != nil || why != "" {
		if err != nil {
			return err
		}
		return rec.SetStatus(inboundmail.StatusIGNORED).SetReason(why).Exec(trusted(ctx))
	}
	// Stored before anything else happens: if handling fails half-way, the mail waits in review.
	row, err := in.keepRaw(ctx, rec, raw).SetReason("being handled").Save(trusted(ctx))
	if err != nil {
		return err
	}
	status, reason, ticketID, commentID := in.handle(ctx, p, m)
	u := in.Client.InboundMail.UpdateOne(row).SetStatus(status).SetReason(reason).SetNillableTicketID(ticketID).SetNillableCommentID(commentID)
	if status != inboundmail.StatusREVIEW {
		u.ClearRaw()
	}
	if ticketID != nil {
		u.SetAttachments(in.attach(ctx, m, *ticketID, commentID))
	}
	return u.Exec(trusted(ctx))
}

// keepRaw keeps the raw message on a row, cut at the configured limit.
func (in *Intake) keepRaw(_ context.Context, rec *ent.InboundMailCreate, raw []byte) *ent.InboundMailCreate {
	limit := in.Cfg.KeepRawBytes
	if limit <= 0 {
		limit = 1 << 20
	}
	if len(raw) > limit {
		return rec.SetRaw(raw[:limit]).SetRawTruncated(true)
	}
	return rec.SetRaw(raw)
}

// read extracts the headers and text intake needs; a message without a usable sender counts as
// unreadable.
func read(env *enmime.Envelope, perr error) (*parsed, error) {
	if perr != nil {
		return nil, perr
	}
	froms, err := env.AddressList("From")
	if err != nil || len(froms) == 0 || !strings.Contains(froms[0].Address, "@") {
		return nil, fmt.Errorf("no readable From address")
	}
	m := &parsed{env: env, messageID: clean(strings.Trim(strings.TrimSpace(env.GetHeader("Message-Id")), "<>")),
		fromAddr: clean(strings.ToLower(froms[0].Address)), fromName: clean(froms[0].Name), subject: clean(strings.TrimSpace(env.GetHeader("Subject")))}
	m.refs = msgIDs(env.GetHeader("In-Reply-To") + " " + env.GetHeader("References"))
	// enmime decodes the charset and reduces an HTML-only body to text (no markup, no scripts).
	m.body = truncate(strings.TrimSpace(strings.ReplaceAll(clean(env.Text), "\r\n", "\n")), maxBody)
	return m, nil
}

var idPattern = regexp.MustCompile(`<([^<>\s]+)>`)

// msgIDs returns the message ids named in In-Reply-To/References, newest first.
func msgIDs(s string) []string {
	var out []string
	ms := idPattern.FindAllStringSubmatch(s, -1)
	for i := len(ms) - 1; i >= 0; i-- {
		out = append(out, ms[i][1])
	}
	return out
}

// loop says why a mail must not be answered or turned into anything, or "".
func (in *Intake) loop(ctx context.Context, envFrom string, m *parsed) (string, error) {
	h := m.env.GetHeader
	if a := strings.ToLower(strings.TrimSpace(h("Auto-Submitted"))); a != "" && a != "no" {
		return "automatic mail (Auto-Submitted: " + a + ")", nil
	}
	switch strings.ToLower(strings.TrimSpace(h("Precedence"))) {
	case "bulk", "junk", "list":
		return "bulk or list mail (Precedence)", nil
	}
	if h("X-Autoreply") != "" || h("X-Autorespond") != "" {
		return "automatic reply", nil
	}
	if strings.TrimSpace(envFrom) == "" {
		return "delivery status notification (empty return path)", nil
	}
	local, domain, _ := strings.Cut(m.messageID, "@")
	if m.messageID != "" && strings.EqualFold(domain, in.Cfg.Domain()) {
		return "our own mail came back", nil
	}
	if m.messageID != "" {
		ours, err := in.Client.OutboundMail.Query().Where(outboundmail.MessageID(local)).Exist(trusted(ctx))
		if err != nil || ours {
			return "our own mail came back", err
		}
	}
	support, err := in.Client.Organization.Query().Where(organization.SupportAddress(m.fromAddr)).Exist(trusted(ctx))
	if err != nil || support {
		return "sent from a support address", err
	}
	return "", nil
}

// handle acts on a mail of a known sender and returns the row's outcome.
func (in *Intake) handle(ctx context.Context, p *ent.Organization, m *parsed) (inboundmail.Status, string, *int, *int) {
	review := inboundmail.StatusREVIEW
	u, err := in.Client.User.Query().Where(user.EmailEqualFold(m.fromAddr), user.Active(true)).WithOrganization().Only(trusted(ctx))
	if ent.IsNotFound(err) {
		return review, "unknown sender", nil, nil
	}
	if err != nil {
		return in.failed(err)
	}
	o := u.Edges.Organization
	customer := o.Kind == organization.KindCUSTOMER && o.ParentID != nil && *o.ParentID == p.ID
	staff := o.ID == p.ID
	if !o.Active || (!customer && !staff) {
		return review, "unknown sender", nil, nil
	}
	v, err := auth.LoadViewer(trusted(ctx), in.Client, u.ID)
	if err != nil {
		return in.failed(err)
	}
	as := viewer.NewContext(ctx, v)
	t, err := in.ticketOf(ctx, p, m)
	if err != nil {
		return in.failed(err)
	}
	if t != nil {
		body := Unquote(m.body)
		if body == "" {
			body = "(empty reply)"
		}
		cm, err := in.Flow.AddComment(as, t.ID, body, false)
		if err != nil {
			return review, fmt.Sprintf("reply to %s not added: %s", t.Number, safe(err)), nil, nil
		}
		return inboundmail.StatusCOMMENT_ADDED, "", &t.ID, &cm.ID
	}
	if staff {
		return review, "mail of the provider's own staff without a ticket reference", nil, nil
	}
	title := m.subject
	if title == "" {
		title = "(no subject)"
	}
	title = truncate(title, 300)
	desc := m.body
	if desc == "" {
		desc = "(no text)"
	}
	nt, err := in.Flow.Create(as, ticketflow.CreateInput{Title: title, Description: desc, Type: ticket.TypeQUESTION,
		Priority: ticket.PriorityP3, Channel: ticket.ChannelEMAIL})
	if err != nil {
		return review, "no ticket raised: " + safe(err), nil, nil
	}
	return inboundmail.StatusTICKET_CREATED, "", &nt.ID, nil
}

// failed keeps a mail in review after an unexpected error.
func (in *Intake) failed(err error) (inboundmail.Status, string, *int, *int) {
	if in.Log != nil {
		in.Log.Error("mail intake", "err", err)
	}
	return inboundmail.StatusREVIEW, "handling failed; please handle it by hand", nil, nil
}

// safe is an error in words for the service desk: the message of a domain error, never
// internal detail.
func safe(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Message
	}
	return "internal error"
}

var numberPattern = regexp.MustCompile(`\[?\b([A-Z]{1,8}-(?:\d{6}|[1-9]\d{6,}))\b\]?`)

// ticketOf finds the ticket a mail answers: one of our Message-Ids in its references (a thread
// root names the ticket number, any other id is looked up among sent mail), else a ticket
// number in its subject. Only tickets of the provider's customers count.
func (in *Intake) ticketOf(ctx context.Context, p *ent.Organization, m *parsed) (*ent.Ticket, error) {
	ctx = trusted(ctx)
	of := func(q *ent.TicketQuery) (*ent.Ticket, error) {
		t, err := q.Where(ticket.HasCustomerWith(organization.ParentID(p.ID))).Only(ctx)
		if ent.IsNotFound(err) {
			return nil, nil
		}
		return t, err
	}
	for _, id := range m.refs {
		local, _, _ := strings.Cut(id, "@")
		if n := outbound.NumberOfThread(local); n != "" {
			if t, err := of(in.Client.Ticket.Query().Where(ticket.Number(n))); t != nil || err != nil {
				return t, err
			}
			continue
		}
		om, err := in.Client.OutboundMail.Query().Where(outboundmail.MessageID(local), outboundmail.TicketIDNotNil()).Only(ctx)
		if ent.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if t, err := of(in.Client.Ticket.Query().Where(ticket.ID(*om.TicketID))); t != nil || err != nil {
			return t, err
		}
	}
	if n := numberPattern.FindStringSubmatch(m.subject); n != nil {
		return of(in.Client.Ticket.Query().Where(ticket.Number(n[1])))
	}
	return nil, nil
}

// attach adds the mail's files to the ticket (on the comment, for a reply) as its sender, with
// the upload rules, and returns what happened to each.
func (in *Intake) attach(ctx context.Context, m *parsed, ticketID int, commentID *int) []string {
	t, err := in.Client.Ticket.Get(trusted(ctx), ticketID)
	if err != nil {
		return nil
	}
	v, err := auth.LoadViewer(trusted(ctx), in.Client, t.ReporterID)
	if commentID != nil {
		cm, cerr := in.Client.Comment.Get(trusted(ctx), *commentID)
		if cerr != nil {
			return nil
		}
		v, err = auth.LoadViewer(trusted(ctx), in.Client, cm.AuthorID)
	}
	if err != nil {
		return nil
	}
	return Attach(viewer.NewContext(ctx, v), in.Flow, m.env, ticketID, commentID)
}

// Attach stores a parsed mail's attachments (and named inline files) on a ticket as the viewer
// in ctx and returns one line per file.
func Attach(ctx context.Context, flow *ticketflow.Service, env *enmime.Envelope, ticketID int, commentID *int) []string {
	var out []string
	for _, part := range append(append([]*enmime.Part{}, env.Attachments...), env.Inlines...) {
		if part.FileName == "" {
			continue
		}
		_, err := flow.Attach(ctx, ticketID, commentID, false, ticketflow.Upload{Filename: part.FileName,
			Size: int64(len(part.Content)), Content: bytes.NewReader(part.Content)})
		if err != nil {
			out = append(out, part.FileName+": not attached ("+safe(err)+")")
			continue
		}
		out = append(out, part.FileName+": attached")
	}
	return out
}

// quoteStart matches the line mail programs put above a quoted message.
var quoteStart = regexp.MustCompile(`(?i)^(on .+ wrote:|am .+ schrieb .+:|den .+ skrev .+:|-+ ?original message ?-+|-+ ?ursprüngliche nachricht ?-+|from: .+)$`)

// Unquote cuts the quoted earlier message off a reply: from the first attribution line or
// the first run of "> " lines to the end.
func Unquote(body string) string {
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if quoteStart.MatchString(l) || strings.HasPrefix(l, ">") {
			return strings.TrimSpace(strings.Join(lines[:i], "\n"))
		}
	}
	return strings.TrimSpace(body)
}

// clean makes header and body text storable: valid UTF-8 without NUL characters (PostgreSQL
// refuses them in text).
func clean(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) && len(s) > 0 {
		s = s[:len(s)-1]
	}
	return s
}
