package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
)

// Sequence is a named counter for human numbers (ticket numbers per prefix). It is incremented
// with a guarded UPDATE inside the creating transaction, so numbers never repeat.
type Sequence struct{ ent.Schema }

// Fields of Sequence.
func (Sequence) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Unique().Immutable(),
		field.Int64("value").Default(0),
	}
}

// Annotations of Sequence.
func (Sequence) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of Sequence: never reachable by a viewer; only trusted code through the privacy bypass.
func (Sequence) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyAll()},
		Mutation: privacy.MutationPolicy{rule.DenyAll()},
	}
}
