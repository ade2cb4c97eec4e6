package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
)

// Task is a development task (L3 work) with the structured L2 handover, linked to every ticket
// hit by the same problem.
type Task struct{ ent.Schema }

// Mixin of Task.
func (Task) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OutboxMixin{Object: outboxevent.ObjectTypeTASK}}
}

// Fields of Task.
func (Task) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty().MaxLen(300).Annotations(entgql.OrderField("TITLE")),
		field.Text("description").Default(""),
		field.String("page_url").Optional().MaxLen(2000),
		field.Strings("findings").Optional(),
		field.Strings("recommendations").Optional(),
		field.Enum("test_result").Values("PASSED", "FAILED").Optional().Nillable(),
		field.Strings("reproduced_in").Optional().Annotations(entgql.Type("[Environment!]")),
		field.Enum("stage").Values("DEV", "QA", "BETA", "RELEASE").Default("DEV").Annotations(entgql.OrderField("STAGE")),
		field.String("fix_version").Optional().MaxLen(100),
		field.Time("released_at").Optional().Nillable(),
		field.Int("organization_id").Immutable(),
		field.Int("assignee_id").Optional().Nillable(),
	}
}

// Edges of Task.
func (Task) Edges() []ent.Edge {
	noWhere := entgql.Skip(entgql.SkipWhereInput)
	return []ent.Edge{
		edge.To("organization", Organization.Type).Field("organization_id").Unique().Required().Immutable().Annotations(noWhere),
		edge.To("assignee", User.Type).Field("assignee_id").Unique().Annotations(noWhere),
		edge.To("watchers", User.Type).Annotations(noWhere),
		edge.To("tickets", Ticket.Type).Annotations(noWhere),
		edge.To("notes", TaskNote.Type).Annotations(noWhere),
	}
}

// Annotations of Task.
func (Task) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.QueryField()}
}

// TaskNote is a running note on a task.
type TaskNote struct{ ent.Schema }

// Mixin of TaskNote.
func (TaskNote) Mixin() []ent.Mixin {
	return []ent.Mixin{CreatedMixin{}, OutboxMixin{Object: outboxevent.ObjectTypeTASK_NOTE}}
}

// Fields of TaskNote.
func (TaskNote) Fields() []ent.Field {
	return []ent.Field{
		field.Text("body").NotEmpty(),
		field.Int("task_id").Immutable(),
		field.Int("author_id").Immutable(),
	}
}

// Edges of TaskNote.
func (TaskNote) Edges() []ent.Edge {
	noWhere := entgql.Skip(entgql.SkipWhereInput)
	return []ent.Edge{
		edge.From("task", Task.Type).Ref("notes").Field("task_id").Unique().Required().Immutable().Annotations(noWhere),
		edge.To("author", User.Type).Field("author_id").Unique().Required().Immutable().Annotations(noWhere),
	}
}

// Policy of Task: staff of the owning organisation only.
func (Task) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterTasks(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), privacy.AlwaysAllowRule()},
	}
}

// Policy of TaskNote: staff of the owning organisation only.
func (TaskNote) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterTaskNotes(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), privacy.AlwaysAllowRule()},
	}
}
