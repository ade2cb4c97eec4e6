package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	gen "supportdesk/ent"
	"supportdesk/ent/hook"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
)

// OutboxEvent is one row of the event outbox: that an object changed, in which organisation and
// for which ticket, contract or recipient — ids only, never the object's data, which every
// subscriber reloads under its own viewer. Rows are written by the OutboxMixin hook in the
// transaction of the change itself; the id is the sequence the live fan-out reads past.
type OutboxEvent struct{ ent.Schema }

// Mixin of OutboxEvent.
func (OutboxEvent) Mixin() []ent.Mixin { return []ent.Mixin{CreatedMixin{}} }

// Fields of OutboxEvent. Zero-valued scope fields are stored as NULL.
func (OutboxEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("object_type").Values("TICKET", "TICKET_EVENT", "COMMENT", "ATTACHMENT", "TASK", "TASK_NOTE",
			"TIME_ENTRY", "SLA_ALERT", "CONTINGENT", "OVERRUN_DECISION", "NOTIFICATION", "ORGANIZATION", "USER",
			"CALENDAR", "CONTRACT", "STATEMENT", "CONTRACT_VERSION", "WEBHOOK_ENDPOINT").Immutable(),
		field.Enum("action").Values("CREATED", "UPDATED", "DELETED").Immutable(),
		field.Int("object_id").Immutable(),
		// The organisation the object belongs to: the customer of a ticket and of everything on
		// it, the owner of a task, user or calendar, the organisation itself.
		field.Int("organization_id").Optional().Immutable(),
		field.Int("ticket_id").Optional().Immutable(),
		field.Int("contract_id").Optional().Immutable(),
		field.Int("recipient_id").Optional().Immutable(),
	}
}

// Indexes of OutboxEvent: pruning by age.
func (OutboxEvent) Indexes() []ent.Index { return []ent.Index{index.Fields("created_at")} }

// Annotations of OutboxEvent: not part of the GraphQL schema.
func (OutboxEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of OutboxEvent: written by the outbox hook and read by the live fan-out, both through
// the trusted bypass; nobody else reads or writes it.
func (OutboxEvent) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyAll()},
		Mutation: privacy.MutationPolicy{rule.DenyAll()},
	}
}

// Hooks of OutboxEvent: rows are append-only; only pruning deletes them.
func (OutboxEvent) Hooks() []ent.Hook {
	return []ent.Hook{hook.Reject(gen.OpUpdate | gen.OpUpdateOne)}
}
