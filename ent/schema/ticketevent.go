package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	gen "supportdesk/ent"
	"supportdesk/ent/hook"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
)

// TicketEvent is one append-only history row of a ticket: what changed, from and to, who and
// why.
type TicketEvent struct{ ent.Schema }

// Mixin of TicketEvent.
func (TicketEvent) Mixin() []ent.Mixin {
	return []ent.Mixin{CreatedMixin{}, OutboxMixin{Object: outboxevent.ObjectTypeTICKET_EVENT}}
}

// Fields of TicketEvent.
func (TicketEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("CREATED", "STATUS_CHANGED", "LEVEL_CHANGED", "PRIORITY_CHANGED", "ASSIGNEE_CHANGED",
			"TYPE_CHANGED", "UPDATED", "COMMENTED", "SPLIT", "LINKED", "DUPLICATE_MARKED", "ESTIMATED", "APPROVED",
			"DECLINED", "RELEASED", "SLA_AT_RISK", "SLA_BREACHED", "DELIVERED").Immutable(),
		field.String("from_value").Optional().Immutable(),
		field.String("to_value").Optional().Immutable(),
		field.Text("reason").Optional().Immutable(),
		field.Int("ticket_id").Immutable(),
		field.Int("actor_id").Optional().Nillable().Immutable(),
	}
}

// Edges of TicketEvent.
func (TicketEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("ticket", Ticket.Type).Ref("events").Field("ticket_id").Unique().Required().Immutable().Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("actor", User.Type).Field("actor_id").Unique().Immutable().Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Indexes of TicketEvent.
func (TicketEvent) Indexes() []ent.Index { return []ent.Index{index.Fields("ticket_id", "created_at")} }

// Annotations of TicketEvent.
func (TicketEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy of TicketEvent: the tenancy filter of package rule on every read; writes need a viewer.
func (TicketEvent) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterTicketEvents(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), privacy.AlwaysAllowRule()},
	}
}

// Hooks of TicketEvent: the history is append-only, so updates and deletes are rejected.
func (TicketEvent) Hooks() []ent.Hook {
	return []ent.Hook{hook.Reject(gen.OpUpdate | gen.OpUpdateOne | gen.OpDelete | gen.OpDeleteOne)}
}
