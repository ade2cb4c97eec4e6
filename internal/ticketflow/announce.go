package ticketflow

import (
	"context"

	"supportdesk/ent"
	"supportdesk/ent/organization"
	"supportdesk/ent/privacy"
	"supportdesk/ent/ticket"
	"supportdesk/internal/notify"
	"supportdesk/internal/webhook"
)

// The helpers below tell people (package notify) and other systems (package webhook) about a
// change, in the change's transaction (client c).

// levelOrg returns the organisation that works a level of a ticket: the vendor for VENDOR (the
// serving partner's vendor, or the serving vendor itself), else the serving provider.
func levelOrg(ctx context.Context, c *ent.Client, t *ent.Ticket, level ticket.Level) (int, error) {
	trusted := privacy.DecisionContext(ctx, privacy.Allow)
	cust, err := c.Organization.Get(trusted, t.CustomerID)
	if err != nil || cust.ParentID == nil {
		return 0, err
	}
	if level != ticket.LevelVENDOR {
		return *cust.ParentID, nil
	}
	provider, err := c.Organization.Get(trusted, *cust.ParentID)
	if err != nil {
		return 0, err
	}
	if provider.Kind == organization.KindPARTNER && provider.ParentID != nil {
		return *provider.ParentID, nil
	}
	return provider.ID, nil
}

// vendorAnswersCaseRef reports whether the vendor working a ticket's VENDOR level has an
// active endpoint for escalations, which answers with the case reference.
func vendorAnswersCaseRef(ctx context.Context, c *ent.Client, t *ent.Ticket) (bool, error) {
	org, err := levelOrg(ctx, c, t, ticket.LevelVENDOR)
	if err != nil || org == 0 {
		return false, err
	}
	return webhook.Listens(ctx, c, org, webhook.TicketEscalated)
}

// announceLevel tells the agents working the new level and queues the escalation webhook.
func (s *Service) announceLevel(ctx context.Context, c *ent.Client, t *ent.Ticket, from, to ticket.Level) error {
	org, err := levelOrg(ctx, c, t, to)
	if err != nil {
		return err
	}
	if org != 0 {
		if err := notify.OnEscalated(ctx, c, t, org, to); err != nil {
			return err
		}
	}
	if from == ticket.LevelCUSTOMER {
		// Forwarded from the customer's own triage: for the provider the ticket is new.
		return webhook.QueueTicket(ctx, c, webhook.TicketCreated, t.ID, s.now(), nil)
	}
	return webhook.QueueTicket(ctx, c, webhook.TicketEscalated, t.ID, s.now(),
		map[string]any{"escalation": map[string]any{"from": from, "to": to}})
}

// announceStatus tells the reporter about RESOLVED and WAITING_FOR_CUSTOMER and queues the
// resolution webhook.
func (s *Service) announceStatus(ctx context.Context, c *ent.Client, t *ent.Ticket, to ticket.Status) error {
	if err := notify.OnStatus(ctx, c, t, to); err != nil {
		return err
	}
	if to == ticket.StatusRESOLVED {
		return webhook.QueueTicket(ctx, c, webhook.TicketResolved, t.ID, s.now(), nil)
	}
	return nil
}
