package schema

import (
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// UserIdentity links a subject of an external OpenID Connect issuer to a local user (issue 17,
// single sign-on). An access token of that issuer whose sub claim is the subject signs in as
// the user. Administrators link and unlink identities through package admin; the sign-in
// reads them through the reviewed bypass of package auth.
type UserIdentity struct{ ent.Schema }

// Mixin of UserIdentity.
func (UserIdentity) Mixin() []ent.Mixin { return []ent.Mixin{CreatedMixin{}} }

// Fields of UserIdentity.
func (UserIdentity) Fields() []ent.Field {
	return []ent.Field{
		// issuer is the issuer URL exactly as configured and as the token's iss claim names it.
		field.String("issuer").NotEmpty().MaxLen(400).Immutable(),
		field.String("subject").NotEmpty().MaxLen(255).Immutable(),
		field.Int("user_id").Immutable(),
	}
}

// Edges of UserIdentity.
func (UserIdentity) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("user", User.Type).Field("user_id").Unique().Required().Immutable(),
	}
}

// Indexes of UserIdentity: one local user per issuer and subject.
func (UserIdentity) Indexes() []ent.Index {
	return []ent.Index{index.Fields("issuer", "subject").Unique(), index.Fields("user_id")}
}

// Annotations of UserIdentity: exposed through schema/sso.graphql only.
func (UserIdentity) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of UserIdentity: never reachable by a viewer directly; package admin checks the
// administrator and package auth signs in, both through the reviewed bypass.
func (UserIdentity) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyAll()},
		Mutation: privacy.MutationPolicy{rule.DenyAll()},
	}
}
