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

// WebhookEndpoint is an organisation's receiver of signed event deliveries (SPEC 9). Only
// administrators of partners and vendors register endpoints.
type WebhookEndpoint struct{ ent.Schema }

// Mixin of WebhookEndpoint: an administration object, so its changes are outbox events (never
// its secret: outbox rows carry ids only).
func (WebhookEndpoint) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OutboxMixin{Object: outboxevent.ObjectTypeWEBHOOK_ENDPOINT}}
}

// Fields of WebhookEndpoint.
func (WebhookEndpoint) Fields() []ent.Field {
	skip := entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
	return []ent.Field{
		field.Int("organization_id").Immutable().Annotations(entgql.Skip()),
		field.String("url").NotEmpty().Annotations(skip),
		field.String("description").Default("").Annotations(skip),
		// events are the webhook event kinds the endpoint receives (package webhook's Kinds).
		field.Strings("events").Annotations(skip),
		// secret signs every delivery; it is shown once, when the endpoint is registered.
		field.String("secret").Sensitive().NotEmpty().Annotations(entgql.Skip()),
		field.Bool("active").Default(true).Annotations(skip),
	}
}

// Edges of WebhookEndpoint.
func (WebhookEndpoint) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("organization", Organization.Type).Field("organization_id").Unique().Required().Immutable().Annotations(entgql.Skip()),
		edge.From("deliveries", WebhookDelivery.Type).Ref("endpoint").Annotations(entgql.Skip()),
	}
}

// Indexes of WebhookEndpoint.
func (WebhookEndpoint) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id")}
}

// Annotations of WebhookEndpoint.
func (WebhookEndpoint) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}

// Policy of WebhookEndpoint: administrators of a partner or vendor read their organisation's
// endpoints, nobody else any; writes go through package webhook, which checks the same.
func (WebhookEndpoint) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterWebhookEndpoints(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), rule.AllowIfAdmin()},
	}
}
