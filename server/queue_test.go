package main

import (
	"fmt"
	"testing"
	"time"

	"supportdesk/ent/ticket"
)

const queueQuery = `query($first:Int,$filter:QueueFilter){ queue(first:$first, filter:$filter){ totalCount
  edges{ node{ number priority status receivedAt customer{name} reporter{name} assignee{name} contract{name} } } } }`

type queueOut struct {
	Queue struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				Number, Priority, Status string
				Customer                 struct{ Name string }
				Reporter                 struct{ Name string }
				Assignee                 *struct{ Name string }
			}
		}
	}
}

func (e *env) seedQueue(w *world, n int) {
	c, ctx := e.app.DB.Client, trusted()
	base := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	prios := []ticket.Priority{ticket.PriorityP3, ticket.PriorityP1, ticket.PriorityP4, ticket.PriorityP2}
	for i := 0; i < n; i++ {
		cu := []string{"C1", "C2"}[i%2]
		st := ticket.StatusOPEN
		if i%5 == 4 {
			st = ticket.StatusCLOSED
		}
		q := c.Ticket.Create().SetNumber(fmt.Sprintf("Q-%04d", i)).SetTitle("q").SetType(ticket.TypeQUESTION).
			SetPriority(prios[i%4]).SetChannel(ticket.ChannelPORTAL).SetLevel(ticket.LevelL1).SetStatus(st).
			SetReceivedAt(base.Add(time.Duration(n-i) * time.Minute)).SetCustomerID(w.orgs[cu].ID).
			SetReporterID(w.users[cu+".KEY_USER"].ID).SetContractID(w.contracts[cu].ID)
		if i%3 == 0 {
			q.SetAssigneeID(w.users["P1.AGENT"].ID)
		}
		q.ExecX(ctx)
	}
}

func TestQueueOrderFilterAndTenancy(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.seedQueue(w, 20) // 16 open, 4 closed
	var out queueOut
	e.ok(e.token(w, "P1.AGENT"), queueQuery, map[string]any{"first": 50}, &out)
	if out.Queue.TotalCount != 16 || len(out.Queue.Edges) != 16 {
		t.Fatalf("queue total %d edges %d", out.Queue.TotalCount, len(out.Queue.Edges))
	}
	// Priority first, then oldest received first: within P1 the later-seeded tickets are older.
	var got []string
	for _, ed := range out.Queue.Edges {
		got = append(got, ed.Node.Priority+" "+ed.Node.Number)
	}
	want := []string{
		"P1 Q-0017", "P1 Q-0013", "P1 Q-0005", "P1 Q-0001",
		"P2 Q-0015", "P2 Q-0011", "P2 Q-0007", "P2 Q-0003",
		"P3 Q-0016", "P3 Q-0012", "P3 Q-0008", "P3 Q-0000",
		"P4 Q-0018", "P4 Q-0010", "P4 Q-0006", "P4 Q-0002",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("queue order\n got %v\nwant %v", got, want)
	}
	var mine queueOut
	e.ok(e.token(w, "P1.AGENT"), queueQuery, map[string]any{"filter": map[string]any{"assignedToMe": true, "priorities": []string{"P1", "P2"}}}, &mine)
	// Assigned: i%3==0 → 0,3,6,9,12,15,18; 9 is closed; of the rest, 3 and 15 are P2.
	if mine.Queue.TotalCount != 2 {
		t.Fatalf("assigned P1/P2 = %d, want 2", mine.Queue.TotalCount)
	}
	// A customer's key user sees only their organisation's open tickets.
	var cust queueOut
	e.ok(e.token(w, "C2.KEY_USER"), queueQuery, nil, &cust)
	for _, ed := range cust.Queue.Edges {
		if ed.Node.Customer.Name != "C2" {
			t.Fatalf("C2 key user sees %s", ed.Node.Customer.Name)
		}
	}
	if cust.Queue.TotalCount != 8 {
		t.Fatalf("C2 queue = %d, want 8", cust.Queue.TotalCount)
	}
	var other queueOut
	e.ok(e.token(w, "Q.AGENT"), queueQuery, nil, &other)
	if other.Queue.TotalCount != 0 {
		t.Fatalf("foreign partner sees %d queue tickets", other.Queue.TotalCount)
	}
}

// TestQueueQueryCount asserts that a queue page costs the same number of SQL statements
// whatever its size: edges are eager-loaded, never fetched per row.
func TestQueueQueryCount(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	e.seedQueue(w, 100)
	tok := e.token(w, "P1.AGENT")
	count := func(first int) int64 {
		e.settleLive()
		before := e.queries.Load()
		var out queueOut
		e.ok(tok, queueQuery, map[string]any{"first": first}, &out)
		if len(out.Queue.Edges) != first {
			t.Fatalf("page of %d has %d edges", first, len(out.Queue.Edges))
		}
		return e.queries.Load() - before
	}
	count(1) // loads the viewer into the cache
	small, large := count(2), count(50)
	if small != large {
		t.Fatalf("queue page of 2 costs %d queries, page of 50 costs %d", small, large)
	}
	// count + page + customer + reporter + assignee + contract (the viewer is cached).
	if large > 10 {
		t.Fatalf("queue page costs %d queries", large)
	}
	t.Logf("queue page: %d SQL statements for 2 and for 50 tickets", large)
}
