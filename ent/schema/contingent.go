package schema

import (
	"supportdesk/ent/auditevent"
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

// Contingent is a contract's hour budget of one support level in one month:
// budget = monthly + carried over + approved extra minutes. Bookings add to used_minutes with a
// guarded UPDATE that never lets usage pass the budget.
type Contingent struct{ ent.Schema }

// Mixin of Contingent.
func (Contingent) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OutboxMixin{Object: outboxevent.ObjectTypeCONTINGENT}}
}

// Fields of Contingent.
func (Contingent) Fields() []ent.Field {
	return []ent.Field{
		field.String("month").Immutable().Annotations(entgql.OrderField("MONTH")),
		field.Enum("level").Values("L1", "L2", "L3", "L4", "VENDOR").Immutable(),
		field.Int("monthly_minutes").NonNegative(),
		field.Int("carried_over_minutes").Default(0).NonNegative(),
		field.Int("extra_minutes").Default(0).NonNegative(),
		field.Int("used_minutes").Default(0).NonNegative(),
		field.Bool("warned").Default(false),
		field.Enum("decision").Values("NONE", "OPEN", "EXTENDED", "SUSPENDED").Default("NONE"),
		field.Bool("carried_forward").Default(false).Annotations(entgql.Skip()),
		field.Int("contract_id").Immutable(),
		field.Int("customer_id").Immutable(),
		field.Int("open_decision_id").Optional().Nillable().Annotations(entgql.Skip()),
	}
}

// Edges of Contingent.
func (Contingent) Edges() []ent.Edge {
	noWhere := entgql.Skip(entgql.SkipWhereInput)
	return []ent.Edge{
		edge.To("contract", Contract.Type).Field("contract_id").Unique().Required().Immutable().Annotations(noWhere),
		edge.To("customer", Organization.Type).Field("customer_id").Unique().Required().Immutable().Annotations(noWhere),
		// decisions is the overrun history; open_decision the episode waiting for an answer.
		edge.To("decisions", OverrunDecision.Type).Annotations(noWhere),
		edge.To("open_decision", OverrunDecision.Type).Field("open_decision_id").Unique().Annotations(noWhere),
	}
}

// Indexes of Contingent.
func (Contingent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("contract_id", "month", "level").Unique()}
}

// Annotations of Contingent.
func (Contingent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.QueryField()}
}

// Policy of Contingent: customers' key users and approvers see their own, providers theirs.
func (Contingent) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterContingents(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), privacy.AlwaysAllowRule()},
	}
}

// Statement marks a contract's month as billed: once issued, the month's time entries are
// immutable and corrections are new entries in an open month.
type Statement struct{ ent.Schema }

// Mixin of Statement.
func (Statement) Mixin() []ent.Mixin {
	return []ent.Mixin{CreatedMixin{}, AuditMixin{Object: auditevent.ObjectTypeSTATEMENT, CreateAction: auditevent.ActionISSUE},
		OutboxMixin{Object: outboxevent.ObjectTypeSTATEMENT}}
}

// Fields of Statement.
func (Statement) Fields() []ent.Field {
	return []ent.Field{
		field.String("month").Immutable(),
		field.Int64("total_cents").Immutable(),
		field.String("currency").Immutable(),
		field.Int("contract_id").Immutable(),
		field.Int("customer_id").Immutable(),
		field.Int("issued_by_id").Immutable(),
	}
}

// Edges of Statement.
func (Statement) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("contract", Contract.Type).Field("contract_id").Unique().Required().Immutable(),
	}
}

// Indexes of Statement.
func (Statement) Indexes() []ent.Index {
	return []ent.Index{index.Fields("contract_id", "month").Unique()}
}

// Annotations of Statement.
func (Statement) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of Statement: readable where the contract is (customer_id or provider via contract).
func (Statement) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), privacy.AlwaysAllowRule()},
	}
}
