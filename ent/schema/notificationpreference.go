package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
)

// NotificationPreference is one user's choice for one notification kind: in-app on or off, and
// by mail on or off (package outbound sends it through the relay). A kind without a row uses the
// defaults (in-app on, mail off).
type NotificationPreference struct{ ent.Schema }

// Fields of NotificationPreference.
func (NotificationPreference) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Immutable(),
		field.String("kind").NotEmpty().Immutable(),
		field.Bool("in_app").Default(true),
		field.Bool("mail").Default(false),
	}
}

// Edges of NotificationPreference.
func (NotificationPreference) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("user", User.Type).Field("user_id").Unique().Required().Immutable(),
	}
}

// Indexes of NotificationPreference.
func (NotificationPreference) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id", "kind").Unique()}
}

// Annotations of NotificationPreference: not a GraphQL node; schema/notify.graphql exposes it.
func (NotificationPreference) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of NotificationPreference: a user reads and writes only their own preferences (the
// notification fan-out reads everyone's with the reviewed bypass of package notify).
func (NotificationPreference) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterNotificationPreferences(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), privacy.AlwaysAllowRule()},
	}
}
