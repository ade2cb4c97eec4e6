package main

import (
	"runtime/debug"
	"testing"
	"weak"
)

// TestIdleReclaimer: the garbage is given back once per quiet spell: not while the process
// allocates, once when an interval is quiet, not again until it has been busy in between.
func TestIdleReclaimer(t *testing.T) {
	freed := 0
	r := &idleReclaimer{quietBytes: 4 << 20, free: func() { freed++ }}
	var total uint64
	for i, c := range []struct {
		alloc uint64
		want  bool
	}{
		{64 << 20, false}, // busy
		{1 << 20, true},   // turned quiet: reclaim
		{0, false},        // still quiet: nothing to give back
		{1 << 20, false},
		{8 << 20, false}, // busy again
		{4 << 20, false}, // 4 MiB is not quiet
		{0, true},        // quiet again: reclaim once more
	} {
		total += c.alloc
		if got := r.check(total); got != c.want {
			t.Fatalf("interval %d (%d bytes): reclaimed %v, want %v", i, c.alloc, got, c.want)
		}
	}
	if freed != 2 {
		t.Fatalf("freed %d times, want 2", freed)
	}
	// The reclaim the server uses collects the garbage at once, whatever the GC target (the
	// heap's size is the process's, shared with parallel tests: the garbage is watched through
	// a weak pointer instead).
	debug.SetGCPercent(400)
	defer debug.SetGCPercent(100)
	garbage := make([]byte, 32<<20)
	w := weak.Make(&garbage[0])
	r = &idleReclaimer{quietBytes: 4 << 20, free: debug.FreeOSMemory}
	if !r.check(0) {
		t.Fatal("no reclaim at the first quiet interval")
	}
	if w.Value() != nil {
		t.Fatal("32 MiB of garbage still on the heap after the reclaim")
	}
}

// TestIdleQuietGC: a quiet process collects at quietGCPercent; the first busy interval after
// the reclaim restores the target it had (400 here), once; a collector turned off stays off.
func TestIdleQuietGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	var gc quietGC
	busied := 0
	r := &idleReclaimer{quietBytes: 1 << 20, free: gc.quiet, busy: func() { busied++; gc.busy() }}
	var total uint64
	step := func(alloc uint64, wantPercent, wantBusied int) {
		t.Helper()
		total += alloc
		r.check(total)
		if p := gcPercent(); p != wantPercent || busied != wantBusied {
			t.Fatalf("after %d bytes: GC percent %d, busy %d times; want %d, %d", alloc, p, busied, wantPercent, wantBusied)
		}
	}
	step(8<<20, 400, 0)        // busy
	step(0, quietGCPercent, 0) // turned quiet: the quiet target
	step(0, quietGCPercent, 0) // still quiet
	step(8<<20, 400, 1)        // busy again: restored
	step(8<<20, 400, 1)        // still busy: nothing to restore
	debug.SetGCPercent(-1)     // the collector off (GC_PERCENT=off)
	step(0, -1, 1)             // quiet: left off
	step(8<<20, -1, 2)         // busy: nothing was lowered
}
