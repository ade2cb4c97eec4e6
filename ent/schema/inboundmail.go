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

// InboundMail is one mail received for a provider's support address (package mail). Every mail
// is kept: the ones that became a ticket or a comment point to it; the ones nobody could match
// (unknown sender, a sender the contract does not let raise tickets, a mail that could not be
// parsed) wait in the provider's review queue until the service desk turns them into a ticket or
// discards them; auto-replies and loops are kept as IGNORED and never answered.
type InboundMail struct{ ent.Schema }

// Mixin of InboundMail.
func (InboundMail) Mixin() []ent.Mixin { return []ent.Mixin{CreatedMixin{}} }

// Fields of InboundMail.
func (InboundMail) Fields() []ent.Field {
	skip := entgql.Skip(entgql.SkipWhereInput)
	return []ent.Field{
		// organization_id is the provider whose support address received the mail.
		field.Int("organization_id").Immutable().Annotations(entgql.Skip()),
		field.Enum("status").Values("TICKET_CREATED", "COMMENT_ADDED", "REVIEW", "DISCARDED", "IGNORED").Annotations(skip),
		// reason says why a mail is in review or was ignored, in words for the service desk.
		field.String("reason").Default("").Annotations(skip),
		field.String("message_id").Default("").Immutable().Annotations(skip),
		field.String("from_address").Default("").Immutable().Annotations(skip),
		field.String("from_name").Default("").Immutable().Annotations(skip),
		field.String("to_address").Immutable().Annotations(skip),
		field.String("subject").Default("").Immutable().Annotations(skip),
		// body is the plain text of the mail (HTML reduced to text), cut at 64 KiB.
		field.Text("body").Default("").Immutable().Annotations(skip),
		// attachments lists the attached files' names and what happened to each.
		field.Strings("attachments").Optional().Annotations(skip),
		// parse_error is set when the mail could not be read; raw then keeps its bytes.
		field.String("parse_error").Default("").Immutable().Annotations(skip),
		// raw keeps the message as received for mails in review (size-limited; raw_truncated
		// says it was cut), so a ticket made from it later gets its attachments.
		field.Bytes("raw").Optional().Annotations(entgql.Skip()),
		field.Int("raw_size").Default(0).Immutable().Annotations(skip),
		field.Bool("raw_truncated").Default(false).Immutable().Annotations(skip),
		field.Time("received_at").Immutable().Annotations(skip, entgql.OrderField("RECEIVED_AT")),
		field.Int("ticket_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipWhereInput)),
		field.Int("comment_id").Optional().Nillable().Annotations(entgql.Skip()),
		field.Int("handled_by_id").Optional().Nillable().Annotations(entgql.Skip()),
		field.Time("handled_at").Optional().Nillable().Annotations(skip),
	}
}

// Edges of InboundMail.
func (InboundMail) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("ticket", Ticket.Type).Field("ticket_id").Unique().Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Indexes of InboundMail.
func (InboundMail) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "status", "received_at"), index.Fields("message_id")}
}

// Annotations of InboundMail.
func (InboundMail) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}

// Policy of InboundMail: the service desk, service delivery managers and administrators of the
// receiving provider read and handle the rows; the listener writes them with the reviewed bypass
// of package mail.
func (InboundMail) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterInboundMails(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), rule.AllowIfMailDesk()},
	}
}
