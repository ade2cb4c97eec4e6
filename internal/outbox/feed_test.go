package outbox_test

import (
	"context"
	"testing"
	"time"

	"supportdesk/ent"
	"supportdesk/ent/outboxevent"
	"supportdesk/ent/privacy"
	"supportdesk/internal/db/dbtest"
	"supportdesk/internal/outbox"

	_ "supportdesk/ent/runtime"
)

func ids(events []outbox.Event) []int {
	out := make([]int, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

func insert(t *testing.T, c *ent.Client, ctx context.Context) int {
	t.Helper()
	ev, err := c.OutboxEvent.Create().SetObjectType(outboxevent.ObjectTypeTICKET).SetAction(outboxevent.ActionUPDATED).
		SetObjectID(1).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ev.ID
}

// TestFeedGap: a row whose transaction commits after a newer row's is still read, once; a gap
// that never fills (a rolled-back transaction) is given up after the window.
func TestFeedGap(t *testing.T) {
	d := dbtest.OpenTest(t, nil)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	f := &outbox.Feed{Client: d.Client, GapWindow: 10 * time.Second}
	if err := f.Start(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	first := insert(t, d.Client, ctx)
	if got, _, _ := f.Next(ctx, now); len(got) != 1 || got[0].ID != first {
		t.Fatalf("first read %v", ids(got))
	}
	// SQLite's first id is one past the range start, which leaves one gap that only expires.
	g0 := f.Gaps()
	var slow, rolledBack int
	if d.Dialect == "postgres" {
		// Two concurrent transactions: the older id commits last.
		tx1, err := d.Client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		slow = insert(t, tx1.Client(), ctx)
		tx2, _ := d.Client.Tx(ctx)
		rolledBack = insert(t, tx2.Client(), ctx)
		fast := insert(t, d.Client, ctx)
		got, _, _ := f.Next(ctx, now)
		if len(got) != 1 || got[0].ID != fast || f.Gaps() != g0+2 {
			t.Fatalf("while %d and %d are open: read %v, %d gaps", slow, rolledBack, ids(got), f.Gaps())
		}
		if err := tx1.Commit(); err != nil {
			t.Fatal(err)
		}
		_ = tx2.Rollback()
		got, _, _ = f.Next(ctx, now.Add(time.Second))
		if len(got) != 1 || got[0].ID != slow || f.Gaps() != g0+1 {
			t.Fatalf("after the late commit: read %v, %d gaps", ids(got), f.Gaps())
		}
		if got, _, _ := f.Next(ctx, now.Add(11*time.Second)); len(got) != 0 || f.Gaps() != 0 {
			t.Fatalf("after the window: read %v, %d gaps", ids(got), f.Gaps())
		}
	} else {
		// SQLite serialises writers, so ids commit in order; simulate the late commit.
		late := first + 1
		if _, err := d.SQL.Exec(`INSERT INTO outbox_events (id, created_at, object_type, action, object_id) VALUES (?, ?, 'TICKET', 'UPDATED', 1)`,
			late+1, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := f.Next(ctx, now); len(got) != 1 || got[0].ID != late+1 || f.Gaps() != g0+1 {
			t.Fatalf("read %v, %d gaps", ids(got), f.Gaps())
		}
		if _, err := d.SQL.Exec(`INSERT INTO outbox_events (id, created_at, object_type, action, object_id) VALUES (?, ?, 'TICKET', 'UPDATED', 1)`,
			late, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := f.Next(ctx, now.Add(time.Second)); len(got) != 1 || got[0].ID != late || f.Gaps() != g0 {
			t.Fatalf("late row: read %v, %d gaps", ids(got), f.Gaps())
		}
	}
	if got, _, _ := f.Next(ctx, now.Add(20*time.Second)); len(got) != 0 {
		t.Fatalf("read again %v", ids(got))
	}
	// Pruning by age.
	n, err := outbox.Prune(ctx, d.Client, time.Now().Add(time.Hour))
	if err != nil || n == 0 || d.Client.OutboxEvent.Query().CountX(ctx) != 0 {
		t.Fatalf("pruned %d: %v", n, err)
	}
}
