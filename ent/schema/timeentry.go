package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/ent/schema/rule"
)

// TimeEntry is time booked on a ticket at one support level. Minutes are already rounded up to
// the contract's increment; the rate in effect is copied so later rate changes never rewrite it.
type TimeEntry struct{ ent.Schema }

// Mixin of TimeEntry.
func (TimeEntry) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OutboxMixin{Object: outboxevent.ObjectTypeTIME_ENTRY}}
}

// Fields of TimeEntry.
func (TimeEntry) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("level").Values("L1", "L2", "L3", "L4", "VENDOR"),
		// work_date is a civil date (no time of day), stored as UTC midnight of that date.
		field.Time("work_date").Annotations(entgql.OrderField("WORK_DATE"), entgql.Type("Date")),
		field.Int("raw_minutes").Positive(),
		field.Int("minutes").Positive(),
		field.Int("billable_minutes").NonNegative().Default(0),
		field.Text("description").Default(""),
		// billable: the entry's billing decision bills (the work is billable under the contract).
		// billable_minutes is what the entry adds to its inquiry's bill, which can be 0 for
		// billable work when the inquiry's minimum already covers it (package billing).
		field.Bool("billable").Default(true),
		// Estimate marks time spent on a detailed change-request estimate, credited against the
		// offer's price when the customer accepts it.
		field.Bool("estimate").Default(false).Immutable(),
		// fix_delivery: time spent delivering a vendor fix, never billable (SPEC 12.11); kept so
		// a re-bill after a type change decides the entry the same way.
		field.Bool("fix_delivery").Default(false).Immutable(),
		field.Int64("rate_cents").Default(0),
		field.String("currency").Default("EUR").MaxLen(3),
		field.String("idempotency_key").Optional().Nillable().Unique().Immutable().Annotations(entgql.Skip()),
		field.Int("ticket_id").Immutable(),
		field.Int("user_id").Immutable(),
		field.Int("contract_id").Optional().Nillable().Immutable(),
		field.Int("customer_id").Immutable(),
		// ticket_number is the ticket's number (immutable too), kept on the entry for the
		// monthly statement: its lines name their tickets, and reading 20,000 numbers by
		// primary key took 40 of the statement's 95 ms on PostgreSQL at bench L (54,817
		// entries); the statement index carries it, so the month is read from the index alone.
		// The default only lets the column be added to existing rows (the migration fills it);
		// NotEmpty refuses an entry created without it.
		field.String("ticket_number").Default("").NotEmpty().Immutable().Annotations(entgql.Skip()),
	}
}

// Edges of TimeEntry.
func (TimeEntry) Edges() []ent.Edge {
	noWhere := entgql.Skip(entgql.SkipWhereInput)
	return []ent.Edge{
		edge.From("ticket", Ticket.Type).Ref("time_entries").Field("ticket_id").Unique().Required().Immutable().Annotations(noWhere),
		edge.To("user", User.Type).Field("user_id").Unique().Required().Immutable().Annotations(noWhere),
		edge.To("contract", Contract.Type).Field("contract_id").Unique().Immutable().Annotations(noWhere),
		edge.To("customer", Organization.Type).Field("customer_id").Unique().Required().Immutable().Annotations(noWhere),
	}
}

// Indexes of TimeEntry. A contract's month is read by the monthly statement, which sums the
// month's entries per ticket, level and rate: the index carries those columns (PostgreSQL
// INCLUDE; SQLite has none and ignores it), so the aggregate reads the index alone instead of
// visiting a heap page per entry (54,817 entries in the busiest month of bench L).
func (TimeEntry) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("contract_id", "work_date").StorageKey("timeentry_contract_id_work_date_statement").
			Annotations(entsql.IncludeColumns("ticket_id", "ticket_number", "level", "rate_cents", "minutes", "billable_minutes", "id")),
		index.Fields("ticket_id"),
	}
}

// Annotations of TimeEntry.
func (TimeEntry) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy of TimeEntry: the tenancy filter of package rule on every read; writes need a viewer.
func (TimeEntry) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyIfNoViewer(), rule.FilterTimeEntries(), privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.DenyIfNoViewer(), privacy.AlwaysAllowRule()},
	}
}
