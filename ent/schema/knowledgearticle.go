package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
)

// KnowledgeArticle is a knowledge-base article of a provider, public to its customers or
// internal to its staff.
type KnowledgeArticle struct{ ent.Schema }

// Mixin of KnowledgeArticle.
func (KnowledgeArticle) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of KnowledgeArticle.
func (KnowledgeArticle) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty().MaxLen(300).Annotations(entgql.OrderField("TITLE")),
		field.Text("body").Default(""),
		field.String("module").Optional().MaxLen(200),
		field.String("language").Default("en").MaxLen(8),
		field.Enum("visibility").Values("PUBLIC", "INTERNAL").Default("INTERNAL"),
		field.Int("organization_id").Immutable(),
		field.Int("author_id").Immutable(),
	}
}

// Edges of KnowledgeArticle.
func (KnowledgeArticle) Edges() []ent.Edge {
	noWhere := entgql.Skip(entgql.SkipWhereInput)
	return []ent.Edge{
		edge.To("organization", Organization.Type).Field("organization_id").Unique().Required().Immutable().Annotations(noWhere),
		edge.To("author", User.Type).Field("author_id").Unique().Required().Immutable().Annotations(noWhere),
	}
}

// Annotations of KnowledgeArticle.
func (KnowledgeArticle) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.QueryField("knowledgeArticles")}
}

// Policy of KnowledgeArticle: the tenancy filter of package rule on every read; writes need a viewer.
func (KnowledgeArticle) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterArticles(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), privacy.AlwaysAllowRule()},
	}
}
