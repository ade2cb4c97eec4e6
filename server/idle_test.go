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
