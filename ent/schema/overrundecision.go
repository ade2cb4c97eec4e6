package schema

import (
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// OverrunDecision is one overrun episode of a contingent (SPEC 12.4, 12.12): opened when
// usage crosses the warning threshold or a booking is refused for lack of minutes, and answered
// once by the customer's approver (EXTENDED with extra minutes, or SUSPENDED). A contingent has
// at most one OPEN episode; the answered ones are its decision history.
type OverrunDecision struct{ ent.Schema }

// Mixin of OverrunDecision.
func (OverrunDecision) Mixin() []ent.Mixin {
	return []ent.Mixin{CreatedMixin{}, OutboxMixin{Object: outboxevent.ObjectTypeOVERRUN_DECISION}}
}

// Fields of OverrunDecision.
func (OverrunDecision) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("cause").Values("THRESHOLD", "EXHAUSTED").Immutable().
			Comment("THRESHOLD: usage crossed the warning threshold; EXHAUSTED: a booking did not fit."),
		field.Enum("status").Values("OPEN", "EXTENDED", "SUSPENDED").Default("OPEN"),
		field.Int("extra_minutes").Default(0).NonNegative().Comment("Minutes added by an EXTENDED answer."),
		field.Time("answered_at").Optional().Nillable(),
		field.Int("answered_by_id").Optional().Nillable(),
		field.Int("contingent_id").Immutable(),
		field.Int("contract_id").Immutable().Annotations(entgql.Skip()),
		field.Int("customer_id").Immutable().Annotations(entgql.Skip()),
	}
}

// Edges of OverrunDecision.
func (OverrunDecision) Edges() []ent.Edge {
	noWhere := entgql.Skip(entgql.SkipWhereInput)
	return []ent.Edge{
		edge.From("contingent", Contingent.Type).Ref("decisions").Field("contingent_id").Unique().Required().Immutable().Annotations(noWhere),
		edge.To("answered_by", User.Type).Field("answered_by_id").Unique().Annotations(noWhere),
		edge.To("contract", Contract.Type).Field("contract_id").Unique().Required().Immutable().Annotations(entgql.Skip()),
		edge.To("customer", Organization.Type).Field("customer_id").Unique().Required().Immutable().Annotations(entgql.Skip()),
	}
}

// Indexes of OverrunDecision.
func (OverrunDecision) Indexes() []ent.Index {
	return []ent.Index{index.Fields("contingent_id")}
}

// Policy of OverrunDecision: readable exactly where its contingent is.
func (OverrunDecision) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterOverrunDecisions(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), privacy.AlwaysAllowRule()},
	}
}
