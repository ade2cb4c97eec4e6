package main

import (
	"context"
	"math"
	"runtime/debug"
	"testing"
	"time"
)

// TestMemoryKeeper: the soft limit in force is MEMORY_LIMIT while the live heap is small, twice
// the live heap once that is more, and back to MEMORY_LIMIT when the heap shrinks; it is set
// only when it moves by a MiB or more.
func TestMemoryKeeper(t *testing.T) {
	const mib = 1 << 20
	var live int64
	var sets []int64
	k := &memoryKeeper{floor: 40 * mib, live: func() int64 { return live }, set: func(n int64) { sets = append(sets, n) }}
	for i, c := range []struct{ live, want int64 }{
		{6 * mib, 40 * mib},          // the floor
		{20 * mib, 40 * mib},         // twice 20 is the floor: not set again
		{30 * mib, 60 * mib},         // a large live heap: twice it
		{30*mib + 100<<10, 60 * mib}, // moved by less than a MiB: kept
		{45 * mib, 90 * mib},         // grows
		{8 * mib, 40 * mib},          // back to the floor
		{math.MaxInt64 / 2, math.MaxInt64 - 1},
	} {
		live = c.live
		if got := k.check(); got != c.want {
			t.Fatalf("step %d: live %d: limit %d, want %d", i, c.live, got, c.want)
		}
	}
	want := []int64{40 * mib, 60 * mib, 90 * mib, 40 * mib, math.MaxInt64 - 1}
	if len(sets) != len(want) {
		t.Fatalf("set %v, want %v", sets, want)
	}
	for i := range want {
		if sets[i] != want[i] {
			t.Fatalf("set %v, want %v", sets, want)
		}
	}
	if limitFor(40*mib, math.MaxInt64/2+1) != math.MaxInt64 {
		t.Fatal("twice a huge heap overflows")
	}
	// The keeper the server runs sets the runtime's limit to the floor when the heap is small,
	// and leaves the runtime's own when there is none.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { keepMemoryLimit(ctx, 1<<40, time.Hour); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for debug.SetMemoryLimit(-1) != 1<<40 {
		if time.Now().After(deadline) {
			t.Fatal("the keeper did not set the floor")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	debug.SetMemoryLimit(123 << 20)
	keepMemoryLimit(context.Background(), math.MaxInt64, time.Hour) // MEMORY_LIMIT=off: returns at once
	if got := debug.SetMemoryLimit(-1); got != 123<<20 {
		t.Fatalf("MEMORY_LIMIT=off changed the limit to %d", got)
	}
}
