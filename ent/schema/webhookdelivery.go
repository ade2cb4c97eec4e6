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

// WebhookDelivery is one event sent (or to be sent) to one endpoint. Rows are written in the
// transaction of the change that causes them, so the table is itself an outbox: package
// webhook's worker claims due rows with a guarded update, sends them and records the outcome.
type WebhookDelivery struct{ ent.Schema }

// Mixin of WebhookDelivery.
func (WebhookDelivery) Mixin() []ent.Mixin { return []ent.Mixin{CreatedMixin{}} }

// Fields of WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	skip := entgql.Skip(entgql.SkipWhereInput)
	return []ent.Field{
		field.Int("endpoint_id").Immutable().Annotations(entgql.Skip()),
		field.Int("organization_id").Immutable().Annotations(entgql.Skip()),
		field.String("event").Immutable().Annotations(skip),
		// event_id identifies the event across redeliveries, so receivers can drop duplicates.
		field.String("event_id").Immutable().Annotations(skip),
		field.Text("payload").Immutable().Annotations(skip),
		field.Enum("status").Values("PENDING", "SUCCEEDED", "FAILED").Default("PENDING").Annotations(skip),
		field.Int("attempts").Default(0).Annotations(skip),
		field.Time("next_attempt_at").Optional().Nillable().Annotations(skip),
		// claimed_until is the lease of the instance sending the row; another instance claims it
		// only once the lease has run out.
		field.Time("claimed_until").Optional().Nillable().Annotations(entgql.Skip()),
		field.Int("response_code").Optional().Nillable().Annotations(skip),
		field.String("last_error").Default("").Annotations(skip),
		field.Time("delivered_at").Optional().Nillable().Annotations(skip),
		// ticket_id is the ticket the event is about, for the vendor case reference answer.
		field.Int("ticket_id").Optional().Nillable().Immutable().Annotations(entgql.Skip()),
		field.Int("redelivery_of").Optional().Nillable().Immutable().Annotations(entgql.Skip()),
	}
}

// Edges of WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("endpoint", WebhookEndpoint.Type).Field("endpoint_id").Unique().Required().Immutable().Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Indexes of WebhookDelivery.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{index.Fields("status", "next_attempt_at"), index.Fields("endpoint_id", "created_at")}
}

// Annotations of WebhookDelivery.
func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}

// Policy of WebhookDelivery: administrators of the endpoint's organisation read the rows; rows
// are written by package webhook with the reviewed bypass.
func (WebhookDelivery) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterWebhookDeliveries(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), rule.AllowIfAdmin()},
	}
}
