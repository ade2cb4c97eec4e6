package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"supportdesk/ent/auditevent"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
	"supportdesk/ent/schema/schematype"
)

// Organization is a vendor, a partner or a customer. A customer is served by its parent (a
// partner or a vendor); a partner belongs to its parent vendor.
type Organization struct{ ent.Schema }

// Mixin of Organization.
func (Organization) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, AuditMixin{Object: auditevent.ObjectTypeORGANIZATION},
		OutboxMixin{Object: outboxevent.ObjectTypeORGANIZATION}}
}

// Fields of Organization.
func (Organization) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		field.Enum("kind").Values("VENDOR", "PARTNER", "CUSTOMER").Annotations(entgql.OrderField("KIND")),
		field.String("ticket_prefix").Default("SD").MaxLen(8),
		field.Int("parent_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipWhereInput)),
		// escalation_rules are the provider's escalation targets and hand-back paths; empty means
		// the default table of package ticketflow. Read and set through schema/flow.graphql.
		field.JSON("escalation_rules", &schematype.EscalationRules{}).Optional().Annotations(entgql.Skip()),
		// Administration (issue 12): where the organisation is, how it is addressed, which of its
		// provider's calendars applies when a contract names none, and whether it is active.
		field.String("country").Optional().MaxLen(2),
		field.String("language").Default("en").MaxLen(8),
		field.String("time_zone").Default("UTC").MaxLen(64),
		field.Int("default_calendar_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipWhereInput)),
		field.Bool("active").Default(true),
		// phone_hours_calendar_id names the provider's phone hours (issue 17): calls outside
		// them are uncovered work. Empty: the phone is answered whenever staff register a call.
		field.Int("phone_hours_calendar_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipWhereInput)),
		// support_address is the provider's mail address for support (issue 17): mail to it
		// becomes tickets and comments, and ticket mails are sent from it so replies come back.
		field.String("support_address").Optional().Nillable().Unique().MaxLen(254).
			Annotations(entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges of Organization.
func (Organization) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("children", Organization.Type).
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput)).
			From("parent").Field("parent_id").Unique(),
		edge.To("users", User.Type).Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput)),
		edge.To("contracts", Contract.Type).Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput)),
		edge.To("default_calendar", Calendar.Type).Field("default_calendar_id").Unique().Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("phone_hours_calendar", Calendar.Type).Field("phone_hours_calendar_id").Unique().Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Annotations of Organization.
func (Organization) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.QueryField(), entgql.MultiOrder()}
}

// Policy of Organization: the tenancy filter of package rule on every read; writes need a viewer.
func (Organization) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterOrganizations(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), rule.AllowIfAdmin()},
	}
}
