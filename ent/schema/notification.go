package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
)

// Notification is an in-app notification for one user.
type Notification struct{ ent.Schema }

// Mixin of Notification.
func (Notification) Mixin() []ent.Mixin {
	return []ent.Mixin{CreatedMixin{}, OutboxMixin{Object: outboxevent.ObjectTypeNOTIFICATION}}
}

// Fields of Notification.
func (Notification) Fields() []ent.Field {
	return []ent.Field{
		field.String("kind").NotEmpty(),
		field.String("title").NotEmpty(),
		field.Text("body").Default(""),
		field.Time("read_at").Optional().Nillable(),
		field.String("dedup_key").Optional().Nillable().Unique().Immutable().Annotations(entgql.Skip()),
		field.Int("recipient_id").Immutable(),
		field.Int("ticket_id").Optional().Nillable().Immutable(),
	}
}

// Edges of Notification.
func (Notification) Edges() []ent.Edge {
	noWhere := entgql.Skip(entgql.SkipWhereInput)
	return []ent.Edge{
		edge.From("recipient", User.Type).Ref("notifications").Field("recipient_id").Unique().Required().Immutable().Annotations(noWhere),
		edge.To("ticket", Ticket.Type).Field("ticket_id").Unique().Immutable().Annotations(noWhere),
	}
}

// Indexes of Notification.
func (Notification) Indexes() []ent.Index {
	// The second one counts a user's unread notifications from the index alone.
	return []ent.Index{index.Fields("recipient_id", "created_at"), index.Fields("recipient_id", "read_at")}
}

// Annotations of Notification.
func (Notification) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy of Notification: the tenancy filter of package rule on every read; writes need a viewer.
func (Notification) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterNotifications(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), privacy.AlwaysAllowRule()},
	}
}
