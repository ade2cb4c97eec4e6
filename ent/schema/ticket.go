package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	gen "supportdesk/ent"
	"supportdesk/ent/hook"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
	"supportdesk/ent/schema/schematype"
	"supportdesk/ent/ticket"
)

// Ticket is one inquiry (Anfrage / henvendelse) of a customer.
type Ticket struct{ ent.Schema }

// Mixin of Ticket.
func (Ticket) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OutboxMixin{Object: outboxevent.ObjectTypeTICKET}, PhoneIntakeMixin{}}
}

// Fields of Ticket. Status, level, priority and assignee change only through explicit
// mutations, so they are skipped from the generic mutation inputs.
func (Ticket) Fields() []ent.Field {
	state := entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
	return []ent.Field{
		field.String("number").Unique().Immutable().Annotations(entgql.OrderField("NUMBER"), state),
		field.String("title").NotEmpty().MaxLen(300).Annotations(entgql.OrderField("TITLE")),
		field.Text("description").Default(""),
		field.Enum("type").Values("QUESTION", "INCIDENT", "CHANGE_REQUEST", "SERVICE_REQUEST", "PRODUCT_IDEA").
			Annotations(entgql.OrderField("TYPE"), state),
		field.Enum("priority").Values("P1", "P2", "P3", "P4").Annotations(entgql.OrderField("PRIORITY"), entgql.Type("TicketPriority"), state),
		field.Enum("channel").Values("PORTAL", "EMAIL", "PHONE").Immutable().Annotations(state),
		field.Enum("level").Values("CUSTOMER", "L1", "L2", "L3", "L4", "VENDOR").Annotations(entgql.OrderField("LEVEL"), state),
		field.Enum("status").Values("NEW", "OPEN", "IN_PROGRESS", "WAITING_FOR_CUSTOMER", "RESOLVED", "CLOSED", "DUPLICATE", "REJECTED",
			"ESTIMATED", "AWAITING_APPROVAL", "APPROVED", "DECLINED").
			Default("NEW").Annotations(entgql.OrderField("STATUS"), state),
		field.String("module").Optional().MaxLen(200),
		field.String("software_version").Optional().MaxLen(100),
		field.Enum("environment").Values("LIVE", "TEST", "QA", "DEV", "STANDARD_DEMO").Optional().Nillable(),
		field.Text("impact").Optional(),
		field.Text("steps").Optional(),
		field.Time("first_occurred_at").Optional().Nillable(),
		field.Text("reproduction").Optional(),
		field.Bool("reproducible").Default(false).Annotations(state),
		field.Text("findings").Optional(),
		field.String("vendor_case_ref").Optional().MaxLen(100).Annotations(state),
		field.String("fixed_in_version").Optional().MaxLen(100).Annotations(state),
		field.Text("resolution").Optional().Annotations(state),
		field.Bool("vendor_involved").Default(false).Annotations(state),
		field.Bool("billable_reclassified").Default(false).Annotations(state),
		field.Time("received_at").Immutable().Annotations(entgql.OrderField("RECEIVED_AT"), state),
		field.Time("first_response_at").Optional().Nillable().Annotations(state),
		field.Time("resolved_at").Optional().Nillable().Annotations(state),
		field.Time("closed_at").Optional().Nillable().Annotations(state),
		field.Text("situation").Optional(),
		field.Text("context").Optional(),
		field.Text("actions_taken").Optional(),
		field.JSON("estimate", []schematype.LevelMinutes{}).Optional().Annotations(entgql.Type("[LevelMinutes!]"), state),
		field.Int64("estimate_price_cents").Optional().Nillable().Annotations(state),
		// A ROUGH estimate is free; a DETAILED one is booked as billable time (seed 004) and its
		// cost is credited against the price when the customer accepts the offer.
		field.Enum("estimate_kind").Values("ROUGH", "DETAILED").Optional().Nillable().Annotations(state),
		field.Int64("estimate_credit_cents").Optional().Nillable().Annotations(state),
		field.Time("approved_at").Optional().Nillable().Annotations(state),
		field.Int("approved_by_id").Optional().Nillable().Annotations(state),
		field.Enum("delivery_status").Values("AVAILABLE", "DELIVERED").Optional().Nillable().Annotations(state),
		field.Text("delivery_notes").Optional().Annotations(state),
		field.String("delivered_version").Optional().MaxLen(100).Annotations(state),
		field.Time("delivered_at").Optional().Nillable().Annotations(state),
		// reproduced_in_environment is where staff reproduced the error (documentHandover); the
		// customer's own ERP environment stays in environment.
		field.Enum("reproduced_in_environment").Values("LIVE", "TEST", "QA", "DEV", "STANDARD_DEMO").Optional().Nillable().
			Annotations(entgql.Type("TicketEnvironment"), state),
		field.JSON("waiting_periods", []schematype.Period{}).Optional().Annotations(entgql.Skip(), state),
		field.Time("sla_first_response_due").Optional().Nillable().Annotations(entgql.Skip(), state),
		field.Time("sla_resolution_due").Optional().Nillable().Annotations(entgql.Skip(), state),
		field.Int("sla_first_response_minutes").Optional().Nillable().Annotations(entgql.Skip(), state),
		field.Int("sla_resolution_minutes").Optional().Nillable().Annotations(entgql.Skip(), state),
		field.Bool("sla_first_response_met").Optional().Nillable().Annotations(entgql.Skip(), state),
		field.Bool("sla_resolution_met").Optional().Nillable().Annotations(entgql.Skip(), state),
		// Frozen with the measure: the target it was measured against and when its clock stopped.
		field.Int("sla_first_response_target").Optional().Nillable().Annotations(entgql.Skip(), state),
		field.Int("sla_resolution_target").Optional().Nillable().Annotations(entgql.Skip(), state),
		field.Time("sla_first_response_stopped_at").Optional().Nillable().Annotations(entgql.Skip(), state),
		field.Time("sla_resolution_stopped_at").Optional().Nillable().Annotations(entgql.Skip(), state),
		// open is status not in ClosedTicketStatuses, kept by the hook of Ticket: the queue's
		// indexes lead with it, since "status NOT IN (...)" can use no index.
		field.Bool("open").Default(true).Annotations(entgql.Skip(), state),
		// sla_next_check_at is the earliest moment an SLA alert of the ticket may become due
		// (nil: none can): set when due times are stored (sla.Service.Freeze), advanced by the
		// evaluator, cleared when the ticket closes. The evaluator reads only tickets whose
		// moment has come, not every open ticket.
		field.Time("sla_next_check_at").Optional().Nillable().Annotations(entgql.Skip(), state),
		field.Int("customer_id").Immutable().Annotations(state),
		field.Int("contract_id").Optional().Nillable().Annotations(state),
		field.Int("reporter_id").Immutable().Annotations(state),
		field.Int("assignee_id").Optional().Nillable().Annotations(state),
		field.Int("duplicate_of_id").Optional().Nillable().Annotations(state),
		field.Int("split_from_id").Optional().Nillable().Annotations(state),
	}
}

// Edges of Ticket. Edge where-inputs that could reach restricted neighbours are skipped.
func (Ticket) Edges() []ent.Edge {
	noWhere := entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
	return []ent.Edge{
		edge.To("customer", Organization.Type).Field("customer_id").Unique().Required().Immutable().Annotations(noWhere),
		edge.To("contract", Contract.Type).Field("contract_id").Unique().Annotations(noWhere),
		edge.From("reporter", User.Type).Ref("reported_tickets").Field("reporter_id").Unique().Required().Immutable().Annotations(noWhere),
		edge.From("assignee", User.Type).Ref("assigned_tickets").Field("assignee_id").Unique().Annotations(noWhere),
		edge.To("duplicates", Ticket.Type).From("duplicate_of").Field("duplicate_of_id").Unique().Annotations(noWhere),
		edge.To("split_tickets", Ticket.Type).From("split_from").Field("split_from_id").Unique().Annotations(noWhere),
		edge.To("related", Ticket.Type).Annotations(noWhere),
		edge.To("events", TicketEvent.Type).Annotations(entgql.RelayConnection(), noWhere),
		edge.To("comments", Comment.Type).Annotations(entgql.RelayConnection(), noWhere),
		edge.To("attachments", Attachment.Type).Annotations(noWhere),
		edge.To("time_entries", TimeEntry.Type).Annotations(entgql.RelayConnection(), noWhere),
		edge.From("tasks", Task.Type).Ref("tickets").Annotations(noWhere),
		edge.To("approved_by", User.Type).Field("approved_by_id").Unique().Annotations(noWhere),
	}
}

// Indexes of Ticket.
func (Ticket) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("customer_id", "status"),
		index.Fields("status", "priority", "received_at"),
		// The queue: open tickets in priority and age order, of all served customers or of one.
		index.Fields("open", "priority", "received_at"),
		index.Fields("customer_id", "open", "priority", "received_at"),
		index.Fields("assignee_id", "open", "priority", "received_at"),
		index.Fields("reporter_id"),
		index.Fields("sla_next_check_at"),
		index.Fields("contract_id"),
		index.Fields("received_at"),
		// The monthly statement reads the number of each ticket it bills (20,000 at bench L) by
		// id: from this index alone, without a heap visit each (about half the lookups' time).
		index.Fields("id").StorageKey("ticket_id_number").Annotations(entsql.IncludeColumns("number")),
	}
}

// ClosedTicketStatuses are the statuses of tickets that left the queue; every other status is
// open.
var ClosedTicketStatuses = []ticket.Status{
	ticket.StatusRESOLVED, ticket.StatusCLOSED, ticket.StatusDUPLICATE, ticket.StatusREJECTED, ticket.StatusDECLINED,
}

// TicketOpen reports whether a status is open (not in ClosedTicketStatuses).
func TicketOpen(s ticket.Status) bool {
	for _, c := range ClosedTicketStatuses {
		if c == s {
			return false
		}
	}
	return true
}

// Hooks of Ticket: every status change sets open, so no writer can forget it; a ticket that
// closes has no SLA moment left to check.
func (Ticket) Hooks() []ent.Hook {
	return []ent.Hook{func(next ent.Mutator) ent.Mutator {
		return hook.TicketFunc(func(ctx context.Context, m *gen.TicketMutation) (ent.Value, error) {
			if s, ok := m.Status(); ok {
				open := TicketOpen(s)
				// By name: the schema is compiled before the setters exist.
				if err := m.SetField("open", open); err != nil {
					return nil, err
				}
				if !open && !m.Op().Is(ent.OpCreate) {
					if err := m.ClearField("sla_next_check_at"); err != nil {
						return nil, err
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}}
}

// Annotations of Ticket.
func (Ticket) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.QueryField(), entgql.MultiOrder()}
}

// Policy of Ticket: the tenancy filter of package rule on every read; writes need a viewer.
func (Ticket) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterTickets(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), privacy.AlwaysAllowRule()},
	}
}
