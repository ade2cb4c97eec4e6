package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
)

// OutboundMail is one mail to be sent (or sent) through the configured relay. Rows are written,
// fully rendered, in the transaction of the change that causes them, so the table is itself an
// outbox: package mail's worker claims due rows with a guarded update, sends them and records
// the outcome, as package webhook does for deliveries.
type OutboundMail struct{ ent.Schema }

// Mixin of OutboundMail.
func (OutboundMail) Mixin() []ent.Mixin { return []ent.Mixin{CreatedMixin{}} }

// Fields of OutboundMail.
func (OutboundMail) Fields() []ent.Field {
	return []ent.Field{
		// kind is what caused the mail: COMMENT, NOTIFICATION, PASSWORD_RESET, INVITATION.
		field.String("kind").Immutable(),
		// organization_id is the organisation of the recipient.
		field.Int("organization_id").Immutable(),
		field.Int("recipient_id").Optional().Nillable().Immutable(),
		field.String("to_address").Immutable(),
		// from_address is the provider's support address for ticket mails (replies come back to
		// the listener); empty means the configured sender.
		field.String("from_address").Default("").Immutable(),
		field.String("subject").Immutable(),
		field.Text("text_body").Sensitive(),
		field.Text("html_body").Sensitive(),
		// message_id is the local part of the Message-Id (the worker adds the configured
		// domain), so a reply's In-Reply-To finds the row and its ticket.
		field.String("message_id").Unique().Immutable(),
		// thread is the local part of the ticket's thread root, sent as In-Reply-To/References.
		field.String("thread").Default("").Immutable(),
		field.Int("ticket_id").Optional().Nillable().Immutable(),
		// dedup_key makes a mail once-only (the key of a once-only notification), whether or
		// not the notification itself is stored in-app.
		field.String("dedup_key").Optional().Nillable().Unique().Immutable(),
		field.Enum("status").Values("PENDING", "SENT", "FAILED").Default("PENDING"),
		field.Int("attempts").Default(0),
		field.Time("next_attempt_at").Optional().Nillable(),
		// claimed_until is the lease of the instance sending the row.
		field.Time("claimed_until").Optional().Nillable(),
		field.String("last_error").Default(""),
		field.Time("sent_at").Optional().Nillable(),
	}
}

// Indexes of OutboundMail.
func (OutboundMail) Indexes() []ent.Index {
	return []ent.Index{index.Fields("status", "next_attempt_at"), index.Fields("ticket_id")}
}

// Annotations of OutboundMail: not part of the API.
func (OutboundMail) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of OutboundMail: administrators read their organisation's rows; rows are written and
// sent by package mail with the reviewed bypass (the actor who causes a mail need not see its
// recipient's rows).
func (OutboundMail) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterOutboundMails(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyAll()},
	}
}
