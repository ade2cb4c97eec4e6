package schema

import (
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// SLAAlert records that an SLA moment (at risk, breached) of one target and due time was
// detected. Its unique key makes the detection once-only across scheduler runs and instances.
type SLAAlert struct{ ent.Schema }

// Mixin of SLAAlert.
func (SLAAlert) Mixin() []ent.Mixin {
	return []ent.Mixin{CreatedMixin{}, OutboxMixin{Object: outboxevent.ObjectTypeSLA_ALERT}}
}

// Fields of SLAAlert.
func (SLAAlert) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("target").Values("FIRST_RESPONSE", "RESOLUTION").Immutable(),
		field.Enum("kind").Values("AT_RISK", "BREACHED").Immutable(),
		field.Time("due_at").Immutable(),
		field.Int("ticket_id").Immutable(),
	}
}

// Edges of SLAAlert.
func (SLAAlert) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("ticket", Ticket.Type).Field("ticket_id").Unique().Required().Immutable(),
	}
}

// Indexes of SLAAlert.
func (SLAAlert) Indexes() []ent.Index {
	return []ent.Index{index.Fields("ticket_id", "target", "kind", "due_at").Unique()}
}

// Annotations of SLAAlert.
func (SLAAlert) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of SLAAlert: written and read only by the SLA evaluator through the bypass.
func (SLAAlert) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyAll()},
		Mutation: privacy.MutationPolicy{rule.DenyAll()},
	}
}
