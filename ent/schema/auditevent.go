package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	gen "supportdesk/ent"
	"supportdesk/ent/hook"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
)

// AuditEvent is one append-only row of the administrative audit trail: who changed which object
// when, and the changed fields before and after. Rows are written only by AuditMixin's hook, in
// the transaction of the change they record.
type AuditEvent struct{ ent.Schema }

// Mixin of AuditEvent.
func (AuditEvent) Mixin() []ent.Mixin { return []ent.Mixin{CreatedMixin{}} }

// Fields of AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	noWhere := entgql.Skip(entgql.SkipWhereInput)
	return []ent.Field{
		field.Enum("object_type").Values("ORGANIZATION", "CONTRACT", "CONTRACT_TERMS", "USER", "CALENDAR", "STATEMENT").Immutable(),
		field.Int("object_id").Immutable().Annotations(entgql.Type("ID")),
		field.Enum("action").Values("CREATE", "UPDATE", "DELETE", "ISSUE").Immutable(),
		field.JSON("before", map[string]any{}).Optional().Immutable().Annotations(entgql.Type("Map"), noWhere),
		field.JSON("after", map[string]any{}).Optional().Immutable().Annotations(entgql.Type("Map"), noWhere),
		field.Int("actor_id").Optional().Nillable().Immutable(),
		// organization_id is the organisation the object belongs to (a user's, a calendar's owner,
		// a contract's customer); the tenancy rule reads rows by it.
		field.Int("organization_id").Immutable().Annotations(entgql.Skip()),
	}
}

// Edges of AuditEvent.
func (AuditEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("actor", User.Type).Field("actor_id").Unique().Immutable().Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Indexes of AuditEvent.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "created_at"), index.Fields("object_type", "object_id")}
}

// Annotations of AuditEvent.
func (AuditEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy of AuditEvent: administrators read the rows of their organisation and the ones they
// administer; rows are only ever created (by the audit hook), never changed or deleted, not even
// through the trusted bypass.
func (AuditEvent) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterAuditEvents(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{
			privacy.OnMutationOperation(rule.DenyAll(), gen.OpUpdate|gen.OpUpdateOne|gen.OpDelete|gen.OpDeleteOne),
			privacy.AlwaysAllowRule(),
		},
	}
}

// Hooks of AuditEvent: the trail is append-only, even for code that holds the privacy bypass.
func (AuditEvent) Hooks() []ent.Hook {
	return []ent.Hook{hook.Reject(gen.OpUpdate | gen.OpUpdateOne | gen.OpDelete | gen.OpDeleteOne)}
}
