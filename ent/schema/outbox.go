package schema

import (
	"context"
	"fmt"

	"entgo.io/ent"
	"entgo.io/ent/schema/mixin"
	gen "supportdesk/ent"
	"supportdesk/ent/contract"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/pending"
	"supportdesk/ent/task"
	"supportdesk/ent/ticket"
)

// OutboxMixin writes an OutboxEvent row for every create, update and delete of the schema it
// is mixed into, through the mutation's own client: inside the mutation's transaction when
// there is one, so an event exists exactly when its change was committed. The row carries ids
// only (object, organisation, ticket, contract, recipient); subscribers reload the object under
// their own viewer. Waking the publisher after commit is the business of internal/outbox.
type OutboxMixin struct {
	mixin.Schema
	// Object is the outbox object_type of the schema.
	Object outboxevent.ObjectType
}

// Hooks of the OutboxMixin.
func (o OutboxMixin) Hooks() []ent.Hook { return []ent.Hook{o.record} }

func (o OutboxMixin) record(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		am, ok := m.(auditedMutation)
		if !ok {
			return nil, fmt.Errorf("outbox: unexpected mutation %T", m)
		}
		// Scopes are read whatever the viewer may see; they stay inside this mutation.
		tctx := privacy.DecisionContext(ctx, privacy.Allow)
		c := am.Client()
		var scopes []outboxScope
		action := outboxevent.ActionUPDATED
		switch {
		case m.Op().Is(ent.OpCreate):
			action = outboxevent.ActionCREATED
		case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
			// A deleted row has no scope afterwards: read it before.
			action = outboxevent.ActionDELETED
			ids, err := am.IDs(tctx)
			if err != nil {
				return nil, err
			}
			if scopes, err = loadScopes(tctx, c, o.Object, ids); err != nil {
				return nil, err
			}
		}
		out, err := next.Mutate(ctx, m)
		if err != nil {
			return out, err
		}
		switch {
		case m.Op().Is(ent.OpCreate | ent.OpUpdateOne):
			s, err := scopeOf(tctx, c, out)
			if err != nil {
				return nil, err
			}
			scopes = []outboxScope{s}
		case m.Op().Is(ent.OpUpdate):
			ids, err := am.IDs(tctx)
			if err != nil {
				return nil, err
			}
			if scopes, err = loadScopes(tctx, c, o.Object, ids); err != nil {
				return nil, err
			}
		}
		buf := bufferOf(ctx, m)
		for _, s := range scopes {
			row := c.OutboxEvent.Create().SetObjectType(o.Object).SetAction(action).SetObjectID(s.object).
				SetNillableOrganizationID(nonZero(s.org)).SetNillableTicketID(nonZero(s.ticket)).
				SetNillableContractID(nonZero(s.contract)).SetNillableRecipientID(nonZero(s.recipient))
			if buf != nil && buf.Add(row) {
				continue
			}
			if err := row.Exec(tctx); err != nil {
				return nil, fmt.Errorf("outbox: %w", err)
			}
		}
		return out, nil
	})
}

// bufferOf returns the pending buffer of a mutation that runs in a transaction whose helper
// flushes it before commit (package pending), or nil: the row is then written at once.
func bufferOf(ctx context.Context, m ent.Mutation) *pending.Buffer {
	b := pending.From(ctx)
	if b == nil {
		return nil
	}
	if txm, ok := m.(interface{ Tx() (*gen.Tx, error) }); !ok {
		return nil
	} else if _, err := txm.Tx(); err != nil {
		return nil
	}
	return b
}

// outboxScope is what an outbox row says about an object besides its type.
type outboxScope struct{ object, org, ticket, contract, recipient int }

func nonZero(v int) *int {
	if v == 0 {
		return nil
	}
	return &v
}

func loadScopes(ctx context.Context, c *gen.Client, object outboxevent.ObjectType, ids []int) ([]outboxScope, error) {
	scopes := make([]outboxScope, 0, len(ids))
	for _, id := range ids {
		var n ent.Value
		var err error
		// SLA alerts, statements and contract versions are no GraphQL nodes, so Noder does not
		// know them (webhook endpoints are read directly for the same certainty).
		switch object {
		case outboxevent.ObjectTypeSLA_ALERT:
			n, err = c.SLAAlert.Get(ctx, id)
		case outboxevent.ObjectTypeSTATEMENT:
			n, err = c.Statement.Get(ctx, id)
		case outboxevent.ObjectTypeCONTRACT_VERSION:
			n, err = c.ContractVersion.Get(ctx, id)
		case outboxevent.ObjectTypeWEBHOOK_ENDPOINT:
			n, err = c.WebhookEndpoint.Get(ctx, id)
		default:
			n, err = c.Noder(ctx, id)
		}
		if err != nil {
			return nil, err
		}
		s, err := scopeOf(ctx, c, n)
		if err != nil {
			return nil, err
		}
		scopes = append(scopes, s)
	}
	return scopes, nil
}

// scopeOf reads the scope of one entity; objects on a ticket belong to the ticket's customer.
func scopeOf(ctx context.Context, c *gen.Client, v ent.Value) (outboxScope, error) {
	var s outboxScope
	switch e := v.(type) {
	case *gen.Ticket:
		s = outboxScope{object: e.ID, org: e.CustomerID, ticket: e.ID}
		if e.ContractID != nil {
			s.contract = *e.ContractID
		}
		if b := pending.From(ctx); b != nil {
			b.SetTicket(e.ID, pending.Scope{Customer: s.org, Contract: s.contract})
		}
		return s, nil
	case *gen.TicketEvent:
		s = outboxScope{object: e.ID, ticket: e.TicketID}
	case *gen.Comment:
		s = outboxScope{object: e.ID, ticket: e.TicketID}
	case *gen.Attachment:
		s = outboxScope{object: e.ID, ticket: e.TicketID}
	case *gen.SLAAlert:
		s = outboxScope{object: e.ID, ticket: e.TicketID}
	case *gen.TimeEntry:
		s = outboxScope{object: e.ID, ticket: e.TicketID, org: e.CustomerID}
		if e.ContractID != nil {
			s.contract = *e.ContractID
		}
		return s, nil
	case *gen.Notification:
		s = outboxScope{object: e.ID, recipient: e.RecipientID}
		if e.TicketID != nil {
			s.ticket = *e.TicketID
		}
		return s, nil
	case *gen.Task:
		return outboxScope{object: e.ID, org: e.OrganizationID}, nil
	case *gen.TaskNote:
		org, err := c.Task.Query().Where(task.ID(e.TaskID)).Select(task.FieldOrganizationID).Int(ctx)
		return outboxScope{object: e.ID, org: org}, err
	case *gen.Contingent:
		return outboxScope{object: e.ID, org: e.CustomerID, contract: e.ContractID}, nil
	case *gen.OverrunDecision:
		return outboxScope{object: e.ID, org: e.CustomerID, contract: e.ContractID}, nil
	case *gen.Organization:
		return outboxScope{object: e.ID, org: e.ID}, nil
	case *gen.User:
		return outboxScope{object: e.ID, org: e.OrganizationID}, nil
	case *gen.Calendar:
		return outboxScope{object: e.ID, org: e.OrganizationID}, nil
	case *gen.Contract:
		return outboxScope{object: e.ID, org: e.CustomerID, contract: e.ID}, nil
	case *gen.Statement:
		return outboxScope{object: e.ID, org: e.CustomerID, contract: e.ContractID}, nil
	case *gen.ContractVersion:
		cu, err := c.Contract.Query().Where(contract.ID(e.ContractID)).Select(contract.FieldCustomerID).Int(ctx)
		return outboxScope{object: e.ID, org: cu, contract: e.ContractID}, err
	case *gen.WebhookEndpoint:
		return outboxScope{object: e.ID, org: e.OrganizationID}, nil
	default:
		return s, fmt.Errorf("outbox: no scope for %T", v)
	}
	// Objects on a ticket: the ticket's customer and contract, known when this transaction
	// wrote the ticket.
	if b := pending.From(ctx); b != nil {
		if ts, ok := b.Ticket(s.ticket); ok {
			s.org, s.contract = ts.Customer, ts.Contract
			return s, nil
		}
	}
	t, err := c.Ticket.Query().Where(ticket.ID(s.ticket)).Select(ticket.FieldCustomerID, ticket.FieldContractID).Only(ctx)
	if err != nil {
		return s, err
	}
	s.org = t.CustomerID
	if t.ContractID != nil {
		s.contract = *t.ContractID
	}
	return s, nil
}
