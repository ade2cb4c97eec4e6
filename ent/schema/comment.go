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

// Comment is a public or internal comment on a ticket. Customers never see internal ones.
type Comment struct{ ent.Schema }

// Mixin of Comment.
func (Comment) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OutboxMixin{Object: outboxevent.ObjectTypeCOMMENT}}
}

// Fields of Comment.
func (Comment) Fields() []ent.Field {
	return []ent.Field{
		field.Text("body").NotEmpty(),
		field.Bool("internal").Default(false).Immutable(),
		field.Int("ticket_id").Immutable(),
		field.Int("author_id").Immutable(),
		field.Int("article_id").Optional().Nillable().Immutable(),
	}
}

// Edges of Comment.
func (Comment) Edges() []ent.Edge {
	noWhere := entgql.Skip(entgql.SkipWhereInput)
	return []ent.Edge{
		edge.From("ticket", Ticket.Type).Ref("comments").Field("ticket_id").Unique().Required().Immutable().Annotations(noWhere),
		edge.To("author", User.Type).Field("author_id").Unique().Required().Immutable().Annotations(noWhere),
		edge.To("article", KnowledgeArticle.Type).Field("article_id").Unique().Immutable().Annotations(noWhere),
		edge.To("attachments", Attachment.Type).Annotations(noWhere),
	}
}

// Indexes of Comment.
func (Comment) Indexes() []ent.Index { return []ent.Index{index.Fields("ticket_id", "created_at")} }

// Annotations of Comment.
func (Comment) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy of Comment: the tenancy filter of package rule on every read; writes need a viewer.
func (Comment) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterComments(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), privacy.AlwaysAllowRule()},
	}
}
