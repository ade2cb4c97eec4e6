package mail

import (
	"bytes"
	"context"
	"net/mail"
	"strings"
	"time"

	"github.com/jhillyerd/enmime/v2"

	"supportdesk/ent"
	"supportdesk/ent/inboundmail"
	"supportdesk/ent/organization"
	"supportdesk/ent/schema/rule"
	"supportdesk/ent/ticket"
	"supportdesk/internal/apperr"
	"supportdesk/internal/ticketflow"
	"supportdesk/internal/viewer"
)

// Desk is the service desk's side of mail: the support address and the review queue.
type Desk struct {
	Client *ent.Client
	Flow   *ticketflow.Service
	Now    func() time.Time
}

func (d *Desk) now() time.Time {
	if d.Now != nil {
		return d.Now().UTC()
	}
	return time.Now().UTC()
}

// SetSupportAddress sets (or, with an empty address, removes) the support address of the
// administrator's own provider organisation. An address belongs to one provider only.
func (d *Desk) SetSupportAddress(ctx context.Context, orgID int, address string) (*ent.Organization, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	o, err := d.Client.Organization.Get(ctx, orgID)
	if ent.IsNotFound(err) {
		return nil, apperr.NotFoundf("organization not found")
	}
	if err != nil {
		return nil, err
	}
	if !v.IsStaff() || !v.IsAdmin() || o.ID != v.OrgID {
		return nil, apperr.Forbiddenf("administrators set the support address of their own organisation")
	}
	u := d.Client.Organization.UpdateOne(o)
	if address = strings.TrimSpace(address); address == "" {
		u.ClearSupportAddress()
	} else {
		a, err := mail.ParseAddress(address)
		if err != nil || a.Name != "" || len(a.Address) > 254 {
			return nil, apperr.Invalid("not a mail address", "address")
		}
		addr := strings.ToLower(a.Address)
		taken, err := d.Client.Organization.Query().Where(organization.SupportAddress(addr), organization.IDNEQ(o.ID)).Exist(trusted(ctx))
		if err != nil {
			return nil, err
		}
		if taken {
			return nil, apperr.E(apperr.Conflict, "the address is another organisation's support address")
		}
		u.SetSupportAddress(addr)
	}
	o, err = u.Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, apperr.E(apperr.Conflict, "the address is another organisation's support address")
	}
	return o, err
}

// Mails returns the query of the provider's received mail (narrowed by the privacy rules to
// the viewer's mail desk), optionally of one status.
func (d *Desk) Mails(ctx context.Context, status *inboundmail.Status) (*ent.InboundMailQuery, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	if !rule.MailDesk(v) {
		return nil, apperr.Forbiddenf("the service desk, service delivery managers and administrators of a provider read its mail")
	}
	q := d.Client.InboundMail.Query()
	if status != nil {
		q.Where(inboundmail.StatusEQ(*status))
	}
	return q, nil
}

// review loads a mail of the viewer's review queue.
func (d *Desk) review(ctx context.Context, id int) (*viewer.Viewer, *ent.InboundMail, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	m, err := d.Client.InboundMail.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, nil, apperr.NotFoundf("mail not found")
	}
	if err != nil {
		return nil, nil, err
	}
	if m.Status != inboundmail.StatusREVIEW {
		return nil, nil, apperr.E(apperr.Conflict, "the mail was already handled")
	}
	return v, m, nil
}

// CreateTicket registers a mail of the review queue as a ticket for a customer contact: the
// staff member names customer, reporter, type and priority (and the incident fields, which
// the usual rules require); title and description default to the mail's subject and text, the
// channel is EMAIL and the inquiry was received when the mail arrived. The mail's attachments
// are attached when its raw copy is complete.
func (d *Desk) CreateTicket(ctx context.Context, mailID int, in ticketflow.CreateInput) (*ent.InboundMail, *ent.Ticket, error) {
	v, m, err := d.review(ctx, mailID)
	if err != nil {
		return nil, nil, err
	}
	if strings.TrimSpace(in.Title) == "" {
		in.Title = m.Subject
	}
	if strings.TrimSpace(in.Description) == "" {
		in.Description = m.Body
	}
	in.Channel = ticket.ChannelEMAIL
	if in.ReceivedAt == nil {
		at := m.ReceivedAt
		in.ReceivedAt = &at
	}
	// The mail is marked in the ticket's transaction: two desks converting it at once make one
	// ticket, the other gets CONFLICT and nothing is written for it.
	t, err := d.Flow.CreateThen(ctx, in, func(tx *ent.Tx, t *ent.Ticket) error {
		n, err := tx.InboundMail.Update().Where(inboundmail.ID(m.ID), inboundmail.StatusEQ(inboundmail.StatusREVIEW)).
			SetStatus(inboundmail.StatusTICKET_CREATED).SetTicketID(t.ID).SetHandledByID(v.UserID).SetHandledAt(d.now()).
			Save(ctx)
		if err == nil && n == 0 {
			err = apperr.E(apperr.Conflict, "the mail was handled meanwhile")
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	// Attachments are files besides rows; they follow the committed ticket (a failure to attach
	// one is reported in the mail's attachment list, as on intake).
	var files []string
	if len(m.Raw) > 0 && !m.RawTruncated {
		if env, err := enmime.ReadEnvelope(bytes.NewReader(m.Raw)); err == nil {
			files = Attach(ctx, d.Flow, env, t.ID, nil)
		}
	}
	if err := d.Client.InboundMail.UpdateOneID(m.ID).SetAttachments(files).ClearRaw().Exec(ctx); err != nil {
		return nil, nil, err
	}
	m, err = d.Client.InboundMail.Get(ctx, m.ID)
	return m, t, err
}

// Discard takes a mail out of the review queue without a ticket, with an optional reason.
func (d *Desk) Discard(ctx context.Context, mailID int, reason string) (*ent.InboundMail, error) {
	v, m, err := d.review(ctx, mailID)
	if err != nil {
		return nil, err
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		reason = "discarded"
	}
	n, err := d.Client.InboundMail.Update().Where(inboundmail.ID(m.ID), inboundmail.StatusEQ(inboundmail.StatusREVIEW)).
		SetStatus(inboundmail.StatusDISCARDED).SetReason(truncate(reason, 500)).SetHandledByID(v.UserID).
		SetHandledAt(d.now()).ClearRaw().Save(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, apperr.E(apperr.Conflict, "the mail was handled meanwhile")
	}
	return d.Client.InboundMail.Get(ctx, m.ID)
}
