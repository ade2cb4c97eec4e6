package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"
)

// PhoneIntakeMixin adds to a ticket whether a phone call reached the provider outside its
// phone hours (issue 17). Such a non-incident inquiry is taken in and billed as work the
// agreement does not cover (SPEC 12.1), like one on a channel the contract lacks.
type PhoneIntakeMixin struct{ mixin.Schema }

// Fields of the PhoneIntakeMixin.
func (PhoneIntakeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Bool("outside_phone_hours").Default(false).Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}
