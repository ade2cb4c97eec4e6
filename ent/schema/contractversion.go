package schema

import (
	"supportdesk/ent/auditevent"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
	"supportdesk/ent/schema/schematype"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// ContractVersion is one version of a contract's terms, in force from effective_from until the
// next version's. Versions are append-only: a change of terms is a new version, so an issued
// statement or a ticket received under earlier terms is never rewritten.
type ContractVersion struct{ ent.Schema }

// Mixin of ContractVersion.
func (ContractVersion) Mixin() []ent.Mixin {
	return []ent.Mixin{CreatedMixin{}, AuditMixin{Object: auditevent.ObjectTypeCONTRACT_TERMS},
		OutboxMixin{Object: outboxevent.ObjectTypeCONTRACT_VERSION}}
}

// Fields of ContractVersion.
func (ContractVersion) Fields() []ent.Field {
	return []ent.Field{
		field.Int("version").Positive().Immutable(),
		field.Time("effective_from").Immutable(),
		field.JSON("terms", schematype.ContractTerms{}).Immutable(),
		field.Text("note").Default("").Immutable(),
		field.Int("contract_id").Immutable(),
		field.Int("created_by_id").Optional().Nillable().Immutable(),
	}
}

// Edges of ContractVersion.
func (ContractVersion) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("contract", Contract.Type).Field("contract_id").Unique().Required().Immutable(),
		edge.To("created_by", User.Type).Field("created_by_id").Unique().Immutable(),
	}
}

// Indexes of ContractVersion.
func (ContractVersion) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("contract_id", "version").Unique(),
		index.Fields("contract_id", "effective_from"),
	}
}

// Annotations of ContractVersion: exposed through Contract's own fields, not as a node.
func (ContractVersion) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of ContractVersion: read and written only by package terms and admin through the
// reviewed bypass, after the contract itself was found through its own privacy rules.
func (ContractVersion) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyAll()},
		Mutation: privacy.MutationPolicy{rule.DenyAll()},
	}
}
