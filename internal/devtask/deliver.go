package devtask

import (
	"context"
	"fmt"
	"strings"

	"supportdesk/ent"
	"supportdesk/ent/ticket"
	"supportdesk/ent/ticketevent"
	"supportdesk/ent/user"
	"supportdesk/internal/apperr"
	"supportdesk/internal/contingent"
	"supportdesk/internal/notify"
	"supportdesk/internal/ticketflow"
	"supportdesk/internal/viewer"
)

// DeliverInput is the serving partner's delivery of a released fix to one customer ticket.
type DeliverInput struct {
	TicketID          int     `json:"ticketID"`
	Version           string  `json:"version"`
	InstallationNotes string  `json:"installationNotes"`
	Minutes           *int    `json:"minutes"`
	Level             *string `json:"level"`
	Description       *string `json:"description"`
}

// Deliver moves an available fix to DELIVERED on one ticket (SPEC 12.11, seed 002: the partner
// integrates and delivers the vendor's bug fix to the customers it serves, free of charge).
// Only staff of the serving partner (the provider of the ticket's contract) deliver; the
// version and installation notes are kept on the ticket and in its history, the reporter and
// the customer's key users are notified, and minutes, when given, are booked unbilled in the
// same transaction.
func (s *Service) Deliver(ctx context.Context, in DeliverInput) (*ent.Ticket, *ent.TimeEntry, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, nil, apperr.E(apperr.Unauthenticated, "authentication required")
	}
	if !v.IsStaff() {
		return nil, nil, apperr.Forbiddenf("fixes are delivered by the partner serving the customer")
	}
	in.Version, in.InstallationNotes = strings.TrimSpace(in.Version), strings.TrimSpace(in.InstallationNotes)
	var bad []string
	if in.Version == "" || len(in.Version) > 100 {
		bad = append(bad, "version")
	}
	if in.InstallationNotes == "" {
		bad = append(bad, "installationNotes")
	}
	if len(bad) > 0 {
		return nil, nil, apperr.Invalid("a delivery names the delivered version and its installation notes", bad...)
	}
	var entryID int
	err := ticketflow.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		c := tx.Client()
		t, err := c.Ticket.Get(ctx, in.TicketID)
		if ent.IsNotFound(err) {
			return apperr.NotFoundf("ticket not found")
		}
		if err != nil {
			return err
		}
		provider, err := ticketflow.ProviderOf(ctx, c, t)
		if err != nil {
			return err
		}
		if v.OrgID != provider {
			return apperr.Forbiddenf("only the partner serving this customer delivers the fix")
		}
		switch {
		case t.DeliveryStatus == nil:
			return apperr.E(apperr.IllegalTransition, "no released fix is available for delivery on this ticket")
		case *t.DeliveryStatus == ticket.DeliveryStatusDELIVERED:
			return apperr.E(apperr.Conflict, "the fix was already delivered on this ticket (version %s)", t.DeliveredVersion)
		}
		if err := c.Ticket.UpdateOne(t).SetDeliveryStatus(ticket.DeliveryStatusDELIVERED).SetDeliveredVersion(in.Version).
			SetDeliveryNotes(in.InstallationNotes).SetDeliveredAt(s.now()).Exec(ctx); err != nil {
			return err
		}
		if err := ticketflow.Record(ctx, c, t.ID, v.UserID, ticketevent.KindDELIVERED, string(ticket.DeliveryStatusAVAILABLE),
			string(ticket.DeliveryStatusDELIVERED), "version "+in.Version+" delivered: "+in.InstallationNotes); err != nil {
			return err
		}
		if in.Minutes != nil {
			if s.Bookings == nil {
				return apperr.E(apperr.Internal, "time booking is not configured")
			}
			desc := "Fix delivery " + in.Version
			if in.Description != nil && strings.TrimSpace(*in.Description) != "" {
				desc = *in.Description
			}
			e, err := s.Bookings.BookFixDelivery(ctx, c, contingent.DeliveryBooking{TicketID: t.ID, Level: in.Level,
				Minutes: *in.Minutes, Description: desc})
			if err != nil {
				return err
			}
			entryID = e.ID
		}
		return s.notifyDelivered(ctx, c, t, in)
	})
	if err != nil {
		return nil, nil, err
	}
	t, err := s.Client.Ticket.Get(ctx, in.TicketID)
	if err != nil || entryID == 0 {
		return t, nil, err
	}
	e, err := s.Client.TimeEntry.Get(ctx, entryID)
	return t, e, err
}

// notifyDelivered tells the reporter and the customer's active key users, once per ticket and
// person.
func (s *Service) notifyDelivered(ctx context.Context, c *ent.Client, t *ent.Ticket, in DeliverInput) error {
	keyUsers, err := c.User.Query().Where(user.OrganizationID(t.CustomerID), user.RoleEQ(user.RoleKEY_USER), user.Active(true)).IDs(ctx)
	if err != nil {
		return err
	}
	tid := t.ID
	var msgs []notify.Message
	for _, uid := range unique(append([]int{t.ReporterID}, keyUsers...)) {
		msgs = append(msgs, notify.Message{RecipientID: uid, Kind: "FIX_DELIVERED", TicketID: &tid,
			Title: fmt.Sprintf("%s: fix version %s delivered", t.Number, in.Version), Body: in.InstallationNotes,
			DedupKey: fmt.Sprintf("delivered:%d:%s:%d", t.ID, in.Version, uid)})
	}
	return notify.Send(ctx, c, msgs...)
}
