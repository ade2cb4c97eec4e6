package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
)

// Attachment is a file uploaded to a ticket or a comment, kept behind the storage interface.
type Attachment struct{ ent.Schema }

// Mixin of Attachment.
func (Attachment) Mixin() []ent.Mixin {
	return []ent.Mixin{CreatedMixin{}, OutboxMixin{Object: outboxevent.ObjectTypeATTACHMENT}}
}

// Fields of Attachment.
func (Attachment) Fields() []ent.Field {
	return []ent.Field{
		field.String("filename").NotEmpty().MaxLen(255).Immutable(),
		field.String("content_type").NotEmpty().Immutable(),
		field.Int64("size").NonNegative().Immutable(),
		field.String("storage_key").Immutable().Annotations(entgql.Skip()),
		field.Bool("internal").Default(false).Immutable(),
		field.Int("ticket_id").Immutable(),
		field.Int("comment_id").Optional().Nillable().Immutable(),
		field.Int("uploader_id").Immutable(),
	}
}

// Edges of Attachment.
func (Attachment) Edges() []ent.Edge {
	noWhere := entgql.Skip(entgql.SkipWhereInput)
	return []ent.Edge{
		edge.From("ticket", Ticket.Type).Ref("attachments").Field("ticket_id").Unique().Required().Immutable().Annotations(noWhere),
		edge.From("comment", Comment.Type).Ref("attachments").Field("comment_id").Unique().Immutable().Annotations(noWhere),
		edge.To("uploader", User.Type).Field("uploader_id").Unique().Required().Immutable().Annotations(noWhere),
	}
}

// Annotations of Attachment.
func (Attachment) Annotations() []schema.Annotation { return []schema.Annotation{} }

// Policy of Attachment: the tenancy filter of package rule on every read; writes need a viewer.
func (Attachment) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterAttachments(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), privacy.AlwaysAllowRule()},
	}
}
