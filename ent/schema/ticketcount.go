package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
)

// TicketCount holds the open tickets of one combination of the queue's dimensions (customer,
// priority, level, status, type, assigned or not, vendor involved or not) as a sum of rows:
// database triggers on tickets (migration ticket_counts_triggers) insert a delta row (+1 or -1,
// delta true) for every insert, delete or change of an open ticket's dimensions, never updating
// a shared row, and the fold job (internal/opencount) replaces each group's rows by one total
// (delta false). The queue's totalCount is the sum of n over the rows its viewer and filter
// select: exact at every moment, folded or not.
type TicketCount struct{ ent.Schema }

// Fields of TicketCount. The enums are the ticket's values as strings.
func (TicketCount) Fields() []ent.Field {
	return []ent.Field{
		field.Int("customer_id").Immutable(),
		field.String("priority").Immutable(),
		field.String("level").Immutable(),
		field.String("status").Immutable(),
		field.String("type").Immutable(),
		field.Bool("assigned").Immutable(),
		field.Bool("vendor_involved").Immutable(),
		field.Int("n").Immutable(),
		field.Bool("delta").Default(true).Immutable(),
	}
}

// Indexes of TicketCount: the counts read by customer; the fold finds the delta rows.
func (TicketCount) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("customer_id", "priority", "level", "status", "type", "assigned", "vendor_involved").StorageKey("ticketcount_dims"),
		index.Fields("delta").Annotations(entsql.IndexWhere("delta")),
	}
}

// Annotations of TicketCount.
func (TicketCount) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of TicketCount: a viewer reads the counts of the tickets it may see (rule.FilterTicketCounts);
// only the triggers and the trusted fold job write.
func (TicketCount) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterTicketCounts(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyAll()},
	}
}
