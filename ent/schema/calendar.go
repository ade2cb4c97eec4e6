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
)

// Calendar is a provider's service calendar: time zone, weekly opening hours, public holidays
// of a country and region, and dated exceptions.
type Calendar struct{ ent.Schema }

// Mixin of Calendar.
func (Calendar) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, AuditMixin{Object: auditevent.ObjectTypeCALENDAR},
		OutboxMixin{Object: outboxevent.ObjectTypeCALENDAR}}
}

// Fields of Calendar.
func (Calendar) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		field.String("time_zone").NotEmpty(),
		field.JSON("weekly_hours", []schematype.DayHours{}).Annotations(entgql.Type("[DayHours!]")),
		field.String("holiday_country").Optional().MaxLen(2),
		field.String("holiday_region").Optional().MaxLen(8),
		field.Strings("closed_dates").Optional(),
		field.Strings("recurring_closed_days").Optional(),
		field.JSON("extra_hours", []schematype.DatedHours{}).Optional().Annotations(entgql.Type("[DatedHours!]")),
		field.Int("organization_id").Immutable(),
	}
}

// Edges of Calendar.
func (Calendar) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("organization", Organization.Type).Field("organization_id").Unique().Required().Immutable(),
		edge.From("contracts", Contract.Type).Ref("calendar").Annotations(entgql.Skip()),
	}
}

// Annotations of Calendar.
func (Calendar) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.QueryField()}
}

// Policy of Calendar: the tenancy filter of package rule on every read; writes need a viewer.
func (Calendar) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterCalendars(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), rule.AllowIfAdmin()},
	}
}
