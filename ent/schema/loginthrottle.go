package schema

import (
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// LoginThrottle counts failed logins of one key (an account, a client address, or both) in
// the current window and the lock that follows (package auth). It is kept in the database, so
// every instance behind a load balancer applies the same limits.
type LoginThrottle struct{ ent.Schema }

// Fields of LoginThrottle.
func (LoginThrottle) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").Unique().Immutable().MaxLen(400),
		field.Int("failures").Default(0).NonNegative(),
		field.Time("window_start"),
		field.Time("locked_until").Optional().Nillable(),
	}
}

// Annotations of LoginThrottle: not part of the API.
func (LoginThrottle) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of LoginThrottle: only package auth, through the reviewed bypass.
func (LoginThrottle) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyAll()},
		Mutation: privacy.MutationPolicy{rule.DenyAll()},
	}
}
