package ticketflow

import (
	"context"

	"supportdesk/ent"
	"supportdesk/ent/schema/rule"
	"supportdesk/ent/ticket"
	"supportdesk/ent/ticketcount"
	"supportdesk/internal/apperr"
	"supportdesk/internal/viewer"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"
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
//
// ctx must not select totalCount (the caller strips it, graph's queueCtx): with count true the
// total comes from here, from the open-ticket counters when the viewer's scope and the filter
// map onto their columns (queueCounts), otherwise from count(*) of the filtered tickets; the
// page query is the same either way.
func (s *Service) Queue(ctx context.Context, q *ent.TicketQuery, after *ent.Cursor, first *int, before *ent.Cursor, last *int, f *QueueFilter, count bool) (*ent.TicketConnection, error) {
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
	var total int
	if count {
		// Before the page: Paginate consumes q.
		var ok bool
		if !s.CountTickets.Load() {
			total, ok, err = s.queueCounts(ctx, v, f)
		}
		if err == nil && !ok {
			total, err = q.Clone().Count(ctx)
		}
		if err != nil {
			return nil, err
		}
	}
	conn, err := q.Paginate(ctx, after, first, before, last, ent.WithTicketOrder(QueueOrder))
	if err != nil || !count {
		return conn, err
	}
	conn.TotalCount = total
	if len(conn.Edges) == 0 && !conn.PageInfo.HasNextPage && !conn.PageInfo.HasPreviousPage {
		// No page read (no edges selected, or a size of 0), or an empty one from the start (then
		// total is 0): as Paginate sets them when it counts.
		conn.PageInfo.HasNextPage = first != nil && total > 0
		conn.PageInfo.HasPreviousPage = last != nil && total > 0
	}
	return conn, nil
}

// queueCounts sums the open-ticket counters (ent/schema TicketCount) over the viewer's scope
// and the filter; ok is false when either needs a column the counters do not keep (an end
// user's own tickets, one assignee's tickets).
func (s *Service) queueCounts(ctx context.Context, v *viewer.Viewer, f *QueueFilter) (n int, ok bool, err error) {
	if _, ok := rule.TicketCountScope(v); !ok {
		return 0, false, nil
	}
	q := s.Client.TicketCount.Query() // the privacy rule adds the scope
	if f != nil {
		if f.AssigneeID != nil || f.AssignedToMe != nil && *f.AssignedToMe {
			return 0, false, nil
		}
		if len(f.Priorities) > 0 {
			q = q.Where(ticketcount.PriorityIn(strs(f.Priorities)...))
		}
		if len(f.Levels) > 0 {
			q = q.Where(ticketcount.LevelIn(strs(f.Levels)...))
		}
		if len(f.Statuses) > 0 {
			q = q.Where(ticketcount.StatusIn(strs(f.Statuses)...))
		}
		if len(f.Types) > 0 {
			q = q.Where(ticketcount.TypeIn(strs(f.Types)...))
		}
		if f.CustomerID != nil {
			q = q.Where(ticketcount.CustomerID(*f.CustomerID))
		}
		if f.Unassigned != nil && *f.Unassigned {
			q = q.Where(ticketcount.Assigned(false))
		}
	}
	n, err = q.Aggregate(func(s *sql.Selector) string {
		return "COALESCE(SUM(" + s.C(ticketcount.FieldN) + "), 0)"
	}).Int(ctx)
	return n, err == nil, err
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
