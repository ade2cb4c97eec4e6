package webhook

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/organization"
	"supportdesk/ent/privacy"
	"supportdesk/ent/ticket"
	"supportdesk/ent/webhookendpoint"
)

// The writers below run in the transaction of the change that causes the event (client c) and
// use the privacy bypass: the actor (an agent escalating a ticket) writes delivery rows of
// organisations whose endpoints they may not read. What each organisation learns is decided
// here, by the audience rules of the package documentation.

// globalID is the API's opaque id of an Ent id (the encoding of graph/gid, which this layer may
// not import; a test in package server checks that both agree).
func globalID(id int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("sd:" + strconv.Itoa(id)))
}

func newEventID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func trusted(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }

// Listens reports whether an organisation has an active endpoint for an event kind.
func Listens(ctx context.Context, c *ent.Client, orgID int, kind string) (bool, error) {
	eps, err := endpoints(ctx, c, []int{orgID}, kind)
	return len(eps) > 0, err
}

// endpoints returns the active endpoints of the organisations that receive kind.
func endpoints(ctx context.Context, c *ent.Client, orgIDs []int, kind string) ([]*ent.WebhookEndpoint, error) {
	if len(orgIDs) == 0 {
		return nil, nil
	}
	all, err := c.WebhookEndpoint.Query().Where(webhookendpoint.OrganizationIDIn(orgIDs...), webhookendpoint.Active(true)).
		Order(ent.Asc(webhookendpoint.FieldID)).All(trusted(ctx))
	if err != nil {
		return nil, err
	}
	var out []*ent.WebhookEndpoint
	for _, e := range all {
		for _, k := range e.Events {
			if k == kind {
				out = append(out, e)
				break
			}
		}
	}
	return out, nil
}

// enqueue writes one pending delivery per endpoint; body builds each organisation's payload
// (nil skips it).
func enqueue(ctx context.Context, c *ent.Client, eps []*ent.WebhookEndpoint, kind string, ticketID *int, now time.Time,
	body func(orgID int) map[string]any) error {
	for _, e := range eps {
		b := body(e.OrganizationID)
		if b == nil {
			continue
		}
		id := newEventID()
		b["id"], b["event"], b["occurredAt"] = id, kind, now.UTC().Format(time.RFC3339)
		raw, err := json.Marshal(b)
		if err != nil {
			return err
		}
		err = c.WebhookDelivery.Create().SetEndpointID(e.ID).SetOrganizationID(e.OrganizationID).SetEvent(kind).
			SetEventID(id).SetPayload(string(raw)).SetNillableTicketID(ticketID).SetNextAttemptAt(now.UTC()).Exec(trusted(ctx))
		if err != nil {
			return err
		}
	}
	return nil
}

// ticketAudience returns the organisations that may see a ticket, as rule.TicketScope decides
// for staff: the customer's serving provider once the ticket left the customer's own triage,
// and the provider's vendor once the ticket was escalated to it.
func ticketAudience(ctx context.Context, c *ent.Client, t *ent.Ticket) (provider *ent.Organization, orgs []int, err error) {
	cust, err := c.Organization.Get(trusted(ctx), t.CustomerID)
	if err != nil || cust.ParentID == nil {
		return nil, nil, err
	}
	provider, err = c.Organization.Get(trusted(ctx), *cust.ParentID)
	if err != nil {
		return nil, nil, err
	}
	if t.Level != ticket.LevelCUSTOMER {
		orgs = append(orgs, provider.ID)
	}
	if t.VendorInvolved && provider.Kind == organization.KindPARTNER && provider.ParentID != nil {
		orgs = append(orgs, *provider.ParentID)
	}
	return provider, orgs, nil
}

func ticketSummary(t *ent.Ticket, cust *ent.Organization) map[string]any {
	m := map[string]any{"id": globalID(t.ID), "number": t.Number, "title": t.Title, "type": t.Type,
		"priority": t.Priority, "status": t.Status, "level": t.Level}
	if cust != nil {
		m["customer"] = map[string]any{"id": globalID(cust.ID), "name": cust.Name}
	}
	if t.VendorCaseRef != "" {
		m["vendorCaseRef"] = t.VendorCaseRef
	}
	return m
}

// QueueTicket queues a ticket event (created, escalated, resolved) for the endpoints of the
// organisations that may see the ticket as it is after the change. extra adds fields to the
// body (the escalation's levels).
func QueueTicket(ctx context.Context, c *ent.Client, kind string, ticketID int, now time.Time, extra map[string]any) error {
	t, err := c.Ticket.Get(trusted(ctx), ticketID)
	if err != nil {
		return err
	}
	_, orgs, err := ticketAudience(ctx, c, t)
	if err != nil {
		return err
	}
	eps, err := endpoints(ctx, c, orgs, kind)
	if err != nil || len(eps) == 0 {
		return err
	}
	cust, err := c.Organization.Get(trusted(ctx), t.CustomerID)
	if err != nil {
		return err
	}
	return enqueue(ctx, c, eps, kind, &t.ID, now, func(int) map[string]any {
		b := map[string]any{"ticket": ticketSummary(t, cust)}
		for k, v := range extra {
			b[k] = v
		}
		return b
	})
}

// CreatedEndpoints returns the endpoints a TICKET_CREATED of a new ticket at level goes to,
// whose customer is served by provider: a new ticket is not escalated, so its audience is the
// provider once the ticket is past the customer's own triage, and a customer without a serving
// provider (0) has none (ticketAudience). It needs nothing of the ticket, so a creator asks
// before inserting it: no statement besides the endpoints' unless one listens.
func CreatedEndpoints(ctx context.Context, c *ent.Client, level ticket.Level, provider int) ([]*ent.WebhookEndpoint, error) {
	if provider == 0 || level == ticket.LevelCUSTOMER {
		return nil, nil
	}
	return endpoints(ctx, c, []int{provider}, TicketCreated)
}

// QueueCreated queues a TICKET_CREATED for t, just inserted by the caller's transaction with
// its final number, for the endpoints CreatedEndpoints returned.
func QueueCreated(ctx context.Context, c *ent.Client, t *ent.Ticket, eps []*ent.WebhookEndpoint, now time.Time) error {
	if len(eps) == 0 {
		return nil
	}
	cust, err := c.Organization.Get(trusted(ctx), t.CustomerID)
	if err != nil {
		return err
	}
	return enqueue(ctx, c, eps, TicketCreated, &t.ID, now, func(int) map[string]any {
		return map[string]any{"ticket": ticketSummary(t, cust)}
	})
}

// QueueContingent queues a CONTINGENT_WARNING for the contract's provider.
func QueueContingent(ctx context.Context, c *ent.Client, k *ent.Contract, b *ent.Contingent, now time.Time) error {
	eps, err := endpoints(ctx, c, []int{k.ProviderID}, ContingentWarning)
	if err != nil || len(eps) == 0 {
		return err
	}
	cust, err := c.Organization.Get(trusted(ctx), k.CustomerID)
	if err != nil {
		return err
	}
	return enqueue(ctx, c, eps, ContingentWarning, nil, now, func(int) map[string]any {
		return map[string]any{
			"contingent": map[string]any{"id": globalID(b.ID), "month": b.Month, "level": b.Level, "usedMinutes": b.UsedMinutes,
				"budgetMinutes": b.MonthlyMinutes + b.CarriedOverMinutes + b.ExtraMinutes},
			"contract": map[string]any{"id": globalID(k.ID), "name": k.Name},
			"customer": map[string]any{"id": globalID(cust.ID), "name": cust.Name},
		}
	})
}

// QueueFixReleased queues a FIX_RELEASED for the task's owning organisation and for the providers
// of the linked tickets; each organisation's body lists only the tickets it may see, and only
// the owner's names the task.
func QueueFixReleased(ctx context.Context, c *ent.Client, task *ent.Task, tickets []*ent.Ticket, version string, now time.Time) error {
	visible := map[int][]map[string]any{}
	orgs := []int{task.OrganizationID}
	for _, t := range tickets {
		// The linked rows were read before the release changed them; reload for the summary.
		t, err := c.Ticket.Get(trusted(ctx), t.ID)
		if err != nil {
			return err
		}
		_, aud, err := ticketAudience(ctx, c, t)
		if err != nil {
			return err
		}
		for _, o := range aud {
			if _, ok := visible[o]; !ok && o != task.OrganizationID {
				orgs = append(orgs, o)
			}
			visible[o] = append(visible[o], map[string]any{"id": globalID(t.ID), "number": t.Number, "title": t.Title})
		}
	}
	eps, err := endpoints(ctx, c, orgs, FixReleased)
	if err != nil || len(eps) == 0 {
		return err
	}
	return enqueue(ctx, c, eps, FixReleased, nil, now, func(org int) map[string]any {
		b := map[string]any{"version": version, "tickets": visible[org]}
		if visible[org] == nil {
			b["tickets"] = []any{}
		}
		if org == task.OrganizationID {
			b["task"] = map[string]any{"id": globalID(task.ID), "title": task.Title}
		}
		return b
	})
}
