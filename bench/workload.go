package main

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"supportdesk/graph/gid"

	"github.com/lib/pq"
)

// side is one implementation of a workload: ours (the API), floor (hand-written SQL through
// lib/pq) or peer (PostGraphile).
type side struct {
	name string
	fn   call
}

// workload is one kind of request with the sides that serve it.
type workload struct {
	name  string
	sides []side
	// conc are the closed-loop concurrencies; open runs an open loop at half the best
	// closed-loop rate of round one.
	conc  []int
	open  bool
	write bool
}

// fixture are the inputs the workloads draw from the generated data.
type fixture struct {
	partnerCustomers []int64 // partner 1's customers (the queue agent's tenant)
	detailIDs        []int
	bookIDs          []int // open tickets of partner 1's customers without contingents
	oneContractIDs   []int // open tickets of the largest customer (one contract)
	topContract      int
	topCustomer      int
	month            string // the largest customer's busiest month
	monthEntries     int
	searchCursor     string
	searchAfterAt    time.Time // the received time and id the floor's second page starts after
	searchAfter      int64
	agentTok         []string // partner 1's agents
	keyUserTok       []string // key users of partner 1's customers
}

func (b *bench) ints(ctx context.Context, q string, args ...any) ([]int, error) {
	rows, err := b.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// prepare logs the users in and picks the inputs.
func (b *bench) prepare(ctx context.Context) error {
	f := &b.fix
	ids, err := b.ints(ctx, `SELECT id FROM organizations WHERE kind = 'CUSTOMER' AND parent_id = (SELECT id FROM organizations WHERE name = 'Partner 1') ORDER BY id`)
	if err != nil {
		return err
	}
	for _, id := range ids {
		f.partnerCustomers = append(f.partnerCustomers, int64(id))
	}
	if err := b.sql.QueryRowContext(ctx, `SELECT o.id, k.id FROM organizations o JOIN contracts k ON k.customer_id = o.id WHERE o.name = 'Customer 1'`).
		Scan(&f.topCustomer, &f.topContract); err != nil {
		return fmt.Errorf("customer 1: %w", err)
	}
	if err := b.sql.QueryRowContext(ctx, `SELECT to_char(work_date, 'YYYY-MM'), count(*) FROM time_entries WHERE contract_id = $1
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`, f.topContract).Scan(&f.month, &f.monthEntries); err != nil {
		return fmt.Errorf("busiest month: %w", err)
	}
	if f.detailIDs, err = b.ints(ctx, `SELECT id FROM tickets WHERE customer_id = ANY($1) AND id % 7 = 0
  AND id < (SELECT min(id) FROM tickets) + $2 ORDER BY id DESC LIMIT 500`, pq.Array(f.partnerCustomers), b.cfg.Size.Tickets); err != nil {
		return err
	}
	if f.bookIDs, err = b.ints(ctx, `SELECT t.id FROM tickets t JOIN contracts k ON k.id = t.contract_id
WHERE t.open AND t.customer_id = ANY($1) AND t.customer_id <> $2 AND k.agreement_type <> 'CONTINGENT' ORDER BY t.id LIMIT 256`,
		pq.Array(f.partnerCustomers), f.topCustomer); err != nil {
		return err
	}
	if f.oneContractIDs, err = b.ints(ctx, `SELECT id FROM tickets WHERE open AND customer_id = $1 ORDER BY id LIMIT 256`, f.topCustomer); err != nil {
		return err
	}
	if len(f.detailIDs) == 0 || len(f.bookIDs) == 0 || len(f.oneContractIDs) == 0 {
		return fmt.Errorf("the data set has no tickets to work on")
	}
	for i := 1; i <= 8; i++ {
		t, err := login(ctx, b.server.base, fmt.Sprintf("agent%d@p1.bench", i))
		if err != nil {
			return err
		}
		f.agentTok = append(f.agentTok, t)
	}
	for i := range f.partnerCustomers {
		t, err := login(ctx, b.server.base, fmt.Sprintf("key@c%d.bench", 1+i*b.cfg.Size.Partners))
		if err != nil {
			return err
		}
		f.keyUserTok = append(f.keyUserTok, t)
	}
	// The search's second page: the API's cursor and the floor's keyset of the same row.
	var page struct {
		Tickets struct {
			Edges []struct {
				Node struct {
					ID string
				}
			}
			PageInfo struct{ EndCursor string }
		}
	}
	if err := gql(ctx, b.server.base+"/graphql", f.agentTok[0], searchQuery, map[string]any{"after": nil}, &page); err != nil {
		return fmt.Errorf("search page 1: %w", err)
	}
	n := len(page.Tickets.Edges)
	if n < 50 || page.Tickets.PageInfo.EndCursor == "" {
		return fmt.Errorf("search page 1: %d tickets, cursor %q", n, page.Tickets.PageInfo.EndCursor)
	}
	last := page.Tickets.Edges[n-1].Node
	id, err := gid.Decode(last.ID)
	if err != nil {
		return err
	}
	f.searchCursor, f.searchAfter = page.Tickets.PageInfo.EndCursor, int64(id)
	if err := b.sql.QueryRowContext(ctx, "SELECT received_at FROM tickets WHERE id = $1", id).Scan(&f.searchAfterAt); err != nil {
		return err
	}
	// The floor's keyset page 2 must be the API's page 2, row for row.
	var page2 struct {
		Tickets struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := gql(ctx, b.server.base+"/graphql", f.agentTok[0], searchQuery, map[string]any{"after": f.searchCursor}, &page2); err != nil {
		return fmt.Errorf("search page 2: %w", err)
	}
	rows, err := b.sql.QueryContext(ctx, floorSearch, pq.Array(f.partnerCustomers), f.searchAfterAt, f.searchAfter)
	if err != nil {
		return fmt.Errorf("search floor page 2: %w", err)
	}
	var want []int
	for rows.Next() {
		var id int
		var number, title, customer string
		var at time.Time
		if err := rows.Scan(&id, &number, &title, &at, &customer); err != nil {
			rows.Close()
			return err
		}
		want = append(want, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(want) > 50 {
		want = want[:50]
	}
	if len(page2.Tickets.Edges) != len(want) {
		return fmt.Errorf("search page 2: the API answers %d tickets, the floor %d", len(page2.Tickets.Edges), len(want))
	}
	for i, e := range page2.Tickets.Edges {
		id, err := gid.Decode(e.Node.ID)
		if err != nil {
			return err
		}
		if int(id) != want[i] {
			return fmt.Errorf("search page 2: ticket %d is %d in the API, %d in the floor", i, id, want[i])
		}
	}
	return nil
}

const queueFields = `edges{ node{ id number title priority status level receivedAt customer{ name } assignee{ name } } } pageInfo{ hasNextPage endCursor }`

var (
	queueCount = `{ queue(first:50){ totalCount ` + queueFields + ` } }`
	queueNo    = `{ queue(first:50){ ` + queueFields + ` } }`
	queueSLA   = `{ queue(first:50){ edges{ node{ id number priority receivedAt
  sla{ paused firstResponse{ state dueAt remainingMinutes } resolution{ state dueAt remainingMinutes } } } } } }`
	detailQuery = `query($id:ID!){ node(id:$id){ ... on Ticket { id number title description type priority level status receivedAt
  firstResponseAt resolvedAt customer{ name } reporter{ name } assignee{ name } contract{ name }
  sla{ firstResponse{ state dueAt } resolution{ state dueAt } }
  comments(first:20){ edges{ node{ body createdAt } } }
  events(first:20){ edges{ node{ kind fromValue toValue createdAt } } }
  timeEntries(first:20){ edges{ node{ level workDate minutes billableMinutes } } } } } }`
	// The search pages by received time, newest first (Ent adds the id, ascending, as the tie-break).
	searchQuery = `query($after:Cursor){ tickets(first:50, after:$after, orderBy:[{field:RECEIVED_AT, direction:DESC}], where:{priority:P2, status:CLOSED}){ edges{ node{ id number title receivedAt customer{ name } } } pageInfo{ endCursor } } }`
	createQuery = `mutation($t:String!){ createTicket(input:{title:$t, type:QUESTION, priority:P3, channel:PORTAL, module:"Sales",
  description:"Created by the bench."}){ ticket{ id number } } }`
	bookQuery   = `mutation($id:ID!, $d:Date!){ bookTime(input:{ticketID:$id, workDate:$d, minutes:15, description:"bench booking"}){ timeEntry{ id minutes } } }`
	reportQuery = `query($f:SLAReportFilter!){ slaReport(filter:$f){ total{ tickets resolved met breached overdue metPercent
  firstResponseMedian firstResponseP90 resolutionMedian resolutionP90 } groups{ priority tickets met breached } } }`
	statementQuery = `query($k:ID!, $m:String!){ monthlyStatement(contractID:$k, month:$m){ currency totalCents
  levels{ level budgetMinutes billableMinutes extraMinutes amountCents } lines{ ticketNumber level minutes amountCents } } }`
)

// Floor SQL: what the API's statements do, written by hand against the same indexes.
const (
	floorQueue = `SELECT t.id, t.number, t.title, t.priority, t.status, t.level, t.received_at, o.name, u.name
FROM tickets t JOIN organizations o ON o.id = t.customer_id LEFT JOIN users u ON u.id = t.assignee_id
WHERE t.open AND t.customer_id = ANY($1) ORDER BY t.priority, t.received_at, t.id LIMIT 51`
	floorCount  = `SELECT count(*) FROM tickets WHERE open AND customer_id = ANY($1)`
	floorDetail = `SELECT t.id, t.number, t.title, t.description, t.type, t.priority, t.level, t.status, t.received_at,
  t.first_response_at, t.resolved_at, o.name, r.name, a.name, k.name, t.sla_first_response_due, t.sla_resolution_due
FROM tickets t JOIN organizations o ON o.id = t.customer_id JOIN users r ON r.id = t.reporter_id
  LEFT JOIN users a ON a.id = t.assignee_id LEFT JOIN contracts k ON k.id = t.contract_id
WHERE t.id = $1 AND t.customer_id = ANY($2)`
	floorComments = `SELECT body, created_at FROM comments WHERE ticket_id = $1 ORDER BY id LIMIT 21`
	floorEvents   = `SELECT kind, from_value, to_value, created_at FROM ticket_events WHERE ticket_id = $1 ORDER BY id LIMIT 21`
	floorEntries  = `SELECT level, work_date, minutes, billable_minutes FROM time_entries WHERE ticket_id = $1 ORDER BY id LIMIT 21`
	floorSearch   = `SELECT t.id, t.number, t.title, t.received_at, o.name FROM tickets t JOIN organizations o ON o.id = t.customer_id
WHERE t.customer_id = ANY($1) AND t.priority = 'P2' AND t.status = 'CLOSED'
  AND (t.received_at < $2 OR (t.received_at = $2 AND t.id > $3))
ORDER BY t.received_at DESC, t.id LIMIT 51`
)

// drain runs a query and reads every row.
func drain(ctx context.Context, q *sql.DB, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// workloads are the measured requests; the peer's sides are added by peer.go.
func (b *bench) workloads() []workload {
	f := &b.fix
	api := b.server.base + "/graphql"
	agent := func(w int) string { return f.agentTok[w%len(f.agentTok)] }
	ours := func(query string, vars func(w, i int) map[string]any) side {
		return side{"ours", func(ctx context.Context, w, i int) error {
			var v map[string]any
			if vars != nil {
				v = vars(w, i)
			}
			return gql(ctx, api, agent(w), query, v, nil)
		}}
	}
	cust := pq.Array(f.partnerCustomers)
	floorQ := func(count bool) side {
		return side{"floor", func(ctx context.Context, w, i int) error {
			if count {
				var n int
				if err := b.floor.QueryRowContext(ctx, floorCount, cust).Scan(&n); err != nil {
					return err
				}
			}
			return drain(ctx, b.floor, floorQueue, cust)
		}}
	}
	today := func() string { return time.Now().UTC().Format("2006-01-02") }
	monthStart, _ := time.Parse("2006-01", f.month)
	reportVars := map[string]any{"f": map[string]any{"from": monthStart.Format(time.RFC3339), "to": monthStart.AddDate(0, 1, 0).Format(time.RFC3339)}}
	all := []int{1, 8, 32}
	ws := []workload{
		{name: "queue+count", conc: all, open: true, sides: []side{ours(queueCount, nil), floorQ(true)}},
		{name: "queue", conc: all, open: true, sides: []side{ours(queueNo, nil), floorQ(false)}},
		{name: "queue+sla", conc: []int{1, 8}, sides: []side{ours(queueSLA, nil)}},
		{name: "detail", conc: all, open: true, sides: []side{
			ours(detailQuery, func(w, i int) map[string]any {
				return map[string]any{"id": gid.Encode(f.detailIDs[i%len(f.detailIDs)])}
			}),
			{"floor", func(ctx context.Context, w, i int) error {
				id := f.detailIDs[i%len(f.detailIDs)]
				for _, q := range []struct {
					sql  string
					args []any
				}{{floorDetail, []any{id, cust}}, {floorComments, []any{id}}, {floorEvents, []any{id}}, {floorEntries, []any{id}}} {
					if err := drain(ctx, b.floor, q.sql, q.args...); err != nil {
						return err
					}
				}
				return nil
			}}}},
		{name: "search p2", conc: all, sides: []side{
			ours(searchQuery, func(w, i int) map[string]any { return map[string]any{"after": f.searchCursor} }),
			{"floor", func(ctx context.Context, w, i int) error {
				return drain(ctx, b.floor, floorSearch, cust, f.searchAfterAt, f.searchAfter)
			}}}},
		{name: "create", conc: all, write: true, sides: []side{{"ours", func(ctx context.Context, w, i int) error {
			return gql(ctx, api, f.keyUserTok[w%len(f.keyUserTok)], createQuery, map[string]any{"t": fmt.Sprintf("bench inquiry %d", i)}, nil)
		}}}},
		{name: "book", conc: all, write: true, sides: []side{{"ours", func(ctx context.Context, w, i int) error {
			return gql(ctx, api, agent(w), bookQuery, map[string]any{"id": gid.Encode(f.bookIDs[(w*7+i)%len(f.bookIDs)]), "d": today()}, nil)
		}}}},
		{name: "book 1 contract", conc: all, write: true, sides: []side{{"ours", func(ctx context.Context, w, i int) error {
			return gql(ctx, api, agent(w), bookQuery, map[string]any{"id": gid.Encode(f.oneContractIDs[(w*7+i)%len(f.oneContractIDs)]), "d": today()}, nil)
		}}}},
		{name: "sla report", conc: []int{1, 8}, sides: []side{ours(reportQuery, func(w, i int) map[string]any { return reportVars })}},
		{name: "statement", conc: []int{1, 8}, sides: []side{ours(statementQuery, func(w, i int) map[string]any {
			return map[string]any{"k": gid.Encode(f.topContract), "m": f.month}
		})}},
	}
	if b.peer != nil {
		ws = b.peerSides(ws)
	}
	return ws
}
