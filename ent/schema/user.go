package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"supportdesk/ent/auditevent"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
)

// User is a person of exactly one organisation with one role.
type User struct{ ent.Schema }

// Mixin of User.
func (User) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, AuditMixin{Object: auditevent.ObjectTypeUSER},
		OutboxMixin{Object: outboxevent.ObjectTypeUSER}}
}

// Fields of User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").NotEmpty().MaxLen(254).Unique().Annotations(entgql.OrderField("EMAIL")),
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		field.String("password_hash").Sensitive().Optional().Annotations(entgql.Skip()),
		field.Enum("role").Values("END_USER", "KEY_USER", "APPROVER", "SERVICE_DESK", "AGENT", "SERVICE_DELIVERY_MANAGER", "ADMIN").
			Annotations(entgql.OrderField("ROLE")),
		field.Strings("levels").Optional().Annotations(entgql.Type("[SupportLevel!]")),
		field.Bool("can_approve").Default(false),
		field.Bool("active").Default(true),
		field.String("language").Default("en").MaxLen(8),
		field.Int("organization_id").Immutable(),
		// A password reset started by an administrator: only the token's SHA-256 hash is kept,
		// and it is cleared when used.
		field.String("password_reset_hash").Optional().Nillable().Sensitive().Annotations(entgql.Skip()),
		field.Time("password_reset_expires_at").Optional().Nillable().Annotations(entgql.Skip()),
	}
}

// Edges of User.
func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("organization", Organization.Type).Ref("users").Field("organization_id").Unique().Required().Immutable(),
		edge.To("reported_tickets", Ticket.Type).Annotations(entgql.Skip()),
		edge.To("assigned_tickets", Ticket.Type).Annotations(entgql.Skip()),
		edge.To("refresh_tokens", RefreshToken.Type).Annotations(entgql.Skip()),
		edge.To("notifications", Notification.Type).Annotations(entgql.Skip()),
		edge.From("watched_tasks", Task.Type).Ref("watchers").Annotations(entgql.Skip()),
	}
}

// Indexes of User.
func (User) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "role")}
}

// Annotations of User.
func (User) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.QueryField(), entgql.MultiOrder()}
}

// Policy of User: the tenancy filter of package rule on every read; administrators write, and
// every user may change their own password.
func (User) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterUsers(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), rule.AllowOwnPassword(), rule.AllowIfAdmin()},
	}
}
