package schema

import (
	"supportdesk/ent/auditevent"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
	"supportdesk/ent/schema/schematype"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Contract is the support agreement between a customer and its provider.
type Contract struct{ ent.Schema }

// Mixin of Contract.
func (Contract) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, AuditMixin{Object: auditevent.ObjectTypeCONTRACT},
		OutboxMixin{Object: outboxevent.ObjectTypeCONTRACT}}
}

// Fields of Contract.
func (Contract) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		field.Enum("agreement_type").Values("EXTENDED", "BASIC", "INVOICED", "CONTINGENT").Annotations(entgql.OrderField("AGREEMENT_TYPE")),
		field.Enum("intake_model").Values("KEY_USER_GATED", "PROVIDER_L1", "KEY_USERS_ONLY").Default("KEY_USER_GATED"),
		field.Strings("channels").Annotations(entgql.Type("[Channel!]")),
		field.Time("valid_from").Annotations(entgql.OrderField("VALID_FROM")),
		field.Time("valid_until").Optional().Nillable(),
		field.Enum("hypercare_tier").Values("NONE", "STANDARD", "ENTERPRISE").Default("NONE"),
		field.Time("first_training_day").Optional().Nillable(),
		field.Int("key_user_limit").Default(2).NonNegative(),
		field.Int("extra_key_users").Default(0).NonNegative(),
		field.Int("time_increment_minutes").Default(5).Positive(),
		field.Int("min_billable_minutes").Default(0).NonNegative(),
		field.Bool("incidents_billable").Default(false),
		field.Bool("refuse_uncovered").Default(false),
		field.String("currency").Default("EUR").MaxLen(3),
		field.Int("warning_threshold_percent").Default(80).Range(1, 100),
		field.Bool("carry_over").Default(false),
		field.Int("carry_over_cap_minutes").Default(0).NonNegative(),
		field.JSON("level_terms", []schematype.LevelTerms{}).Optional().Annotations(entgql.Type("[LevelTerms!]")),
		field.JSON("sla_targets", []schematype.SLATarget{}).Optional().Annotations(entgql.Type("[SLATarget!]")),
		// OverrunPolicy is what happens when a contingent is used up: ASK the customer (extend or
		// suspend, SPEC 12.4), EXTEND automatically at the level's rate, or SUSPEND the level.
		field.Enum("overrun_policy").Values("ASK", "EXTEND", "SUSPEND").Default("ASK"),
		field.Int("customer_id").Immutable(),
		field.Int("provider_id").Immutable(),
		field.Int("calendar_id").Optional().Nillable(),
		field.Int("service_manager_id").Optional().Nillable(),
	}
}

// Edges of Contract.
func (Contract) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Organization.Type).Ref("contracts").Field("customer_id").Unique().Required().Immutable(),
		edge.To("provider", Organization.Type).Field("provider_id").Unique().Required().Immutable(),
		edge.To("calendar", Calendar.Type).Field("calendar_id").Unique(),
		edge.To("service_manager", User.Type).Field("service_manager_id").Unique(),
		edge.From("tickets", Ticket.Type).Ref("contract").Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Indexes of Contract.
func (Contract) Indexes() []ent.Index {
	return []ent.Index{index.Fields("customer_id"), index.Fields("provider_id")}
}

// Annotations of Contract.
func (Contract) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.QueryField(), entgql.MultiOrder()}
}

// Policy of Contract: the tenancy filter of package rule on every read; writes need a viewer.
func (Contract) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterContracts(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), rule.AllowIfAdmin()},
	}
}
