package outbox_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"supportdesk/ent/privacy"
	"supportdesk/internal/db/dbtest"
	"supportdesk/internal/outbox"
)

// TestStreamCoalesce: a quiet stream delivers a row at once; the rows of a busy spell that
// follows are read together once Coalesce has passed since the last read, in one batch; after
// a read at a rate above CoalesceBusy rows per Coalesce the next read waits longer
// (coalesceFor), after a read of a few rows it does not, and a read that finds nothing starts no
// window.
func TestStreamCoalesce(t *testing.T) {
	d := dbtest.OpenTest(t, nil)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	const coalesce, coalesceMax = 300 * time.Millisecond, 600 * time.Millisecond
	var mu sync.Mutex
	var batches [][]int
	var at []time.Time
	delivered := make(chan struct{}, 10)
	s := &outbox.Stream{Client: d.Client, Coalesce: coalesce, CoalesceMax: coalesceMax, CoalesceBusy: 2, Deliver: func(events []outbox.Event) {
		mu.Lock()
		batches, at = append(batches, ids(events)), append(at, time.Now())
		mu.Unlock()
		delivered <- struct{}{}
	}}
	d.Client.OutboxEvent.Use(s.Hook())
	runCtx, stop := context.WithCancel(ctx)
	ready, done := make(chan struct{}), make(chan struct{})
	go func() { defer close(done); _ = s.Run(runCtx, ready) }()
	defer func() { stop(); <-done }()
	<-ready
	wait := func() {
		t.Helper()
		select {
		case <-delivered:
		case <-time.After(5 * time.Second):
			t.Fatal("nothing delivered")
		}
	}
	start := time.Now()
	first := insert(t, d.Client, ctx)
	wait()
	var spell []int
	for range 5 {
		spell = append(spell, insert(t, d.Client, ctx))
		time.Sleep(10 * time.Millisecond)
	}
	wait()
	// The spell's read brought 5 rows, more than CoalesceBusy: the next read waits 300 ms × 5/2,
	// at most 600 ms.
	after := insert(t, d.Client, ctx)
	wait()
	// That read brought one row: the window is Coalesce again, and it has passed.
	mu.Lock()
	sleep := time.Until(at[2].Add(coalesce + 100*time.Millisecond))
	mu.Unlock()
	time.Sleep(sleep)
	inserted := time.Now()
	quiet := insert(t, d.Client, ctx)
	wait()
	// A wake-up for rows already read finds nothing and starts no window: a row committed 50 ms
	// after it is read at once.
	mu.Lock()
	sleep = time.Until(at[3].Add(coalesce + 50*time.Millisecond))
	mu.Unlock()
	time.Sleep(sleep)
	s.Wake(quiet)
	time.Sleep(50 * time.Millisecond)
	again := time.Now()
	last := insert(t, d.Client, ctx)
	wait()
	mu.Lock()
	defer mu.Unlock()
	if d := at[4].Sub(again); d >= coalesce/2 {
		t.Errorf("the row after an empty read took %v, want it at once", d)
	}
	if got, want := fmt.Sprint(batches), fmt.Sprint([][]int{{first}, spell, {after}, {quiet}, {last}}); got != want {
		t.Fatalf("batches %s, want %s", got, want)
	}
	if d := at[0].Sub(start); d >= coalesce {
		t.Errorf("the quiet stream's row took %v, want it at once", d)
	}
	// A window runs from the start of a read; at[] are the deliveries, a read's duration later
	// (milliseconds): a tenth of the window is left for that.
	if d := at[1].Sub(at[0]); d < coalesce*9/10 {
		t.Errorf("the busy spell was delivered %v after the last read, want about %v", d, coalesce)
	}
	if d := at[2].Sub(at[1]); d < coalesceMax*9/10 {
		t.Errorf("the row after a read of 5 was delivered %v after it, want about %v", d, coalesceMax)
	}
	if d := at[3].Sub(inserted); d >= coalesce {
		t.Errorf("the row after a read of 1 took %v, want it at once", d)
	}
}
