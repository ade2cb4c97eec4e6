package ticketflow

import (
	"context"

	"supportdesk/ent"
	"supportdesk/ent/ticket"
	"supportdesk/internal/apperr"

	"entgo.io/contrib/entgql"
)

// QueueFilter narrows the working queue.
type QueueFilter struct {
	Priorities   []ticket.Priority `json:"priorities"`
	Levels       []ticket.Level    `json:"levels"`
	Statuses     []ticket.Status   `json:"statuses"`
	Types        []ticket.Type     `json:"types"`
	CustomerID   *int              `json:"customerID"`
	AssigneeID   *int              `json:"assigneeID"`
	AssignedToMe *bool             `json:"assignedToMe"`
	Unassigned   *bool             `json:"unassigned"`
}

// QueueOrder is the queue's order: most urgent priority first, then the oldest inquiry, then
// id as a stable tie-breaker for cursors.
var QueueOrder = []*ent.TicketOrder{
	{Field: ent.TicketOrderFieldPriority, Direction: entgql.OrderDirectionAsc},
	{Field: ent.TicketOrderFieldReceivedAt, Direction: entgql.OrderDirectionAsc},
}

// Queue returns a page of the open tickets the viewer may see. Tenancy is applied by the
// privacy rules; this adds the queue's own conditions. Edges requested by the GraphQL query
// are eager-loaded by the caller's field collection, so a page costs a fixed number of queries.
func (s *Service) Queue(ctx context.Context, q *ent.TicketQuery, after *ent.Cursor, first *int, before *ent.Cursor, last *int, f *QueueFilter) (*ent.TicketConnection, error) {
	v, err := mustViewer(ctx)
	if err != nil {
		return nil, err
	}
	// open, not "status NOT IN (...)": the queue indexes lead with it.
	q = q.Where(ticket.Open(true))
	if f != nil {
		if len(f.Priorities) > 0 {
			q = q.Where(ticket.PriorityIn(f.Priorities...))
		}
		if len(f.Levels) > 0 {
			q = q.Where(ticket.LevelIn(f.Levels...))
		}
		if len(f.Statuses) > 0 {
			q = q.Where(ticket.StatusIn(f.Statuses...))
		}
		if len(f.Types) > 0 {
			q = q.Where(ticket.TypeIn(f.Types...))
		}
		if f.CustomerID != nil {
			q = q.Where(ticket.CustomerID(*f.CustomerID))
		}
		if f.AssigneeID != nil {
			q = q.Where(ticket.AssigneeID(*f.AssigneeID))
		}
		if f.AssignedToMe != nil && *f.AssignedToMe {
			q = q.Where(ticket.AssigneeID(v.UserID))
		}
		if f.Unassigned != nil && *f.Unassigned {
			q = q.Where(ticket.AssigneeIDIsNil())
		}
	}
	if first != nil && (*first < 0 || *first > 200) || last != nil && (*last < 0 || *last > 200) {
		return nil, apperr.Invalid("page size must be between 0 and 200", "first")
	}
	if first == nil && last == nil {
		n := 50
		first = &n
	}
	return q.Paginate(ctx, after, first, before, last, ent.WithTicketOrder(QueueOrder))
}
