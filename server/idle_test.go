package main

import (
	"runtime/debug"
	"testing"
	"weak"
)

// TestIdleReclaimer: the garbage is given back once per quiet spell: not while the process
// allocates or serves requests, once when an interval is quiet, not again until it has been
// busy in between. A few small requests make an interval busy, whatever they allocated.
func TestIdleReclaimer(t *testing.T) {
	freed := 0
	r := &idleReclaimer{quietBytes: 4 << 20, free: func() { freed++ }}
	var total, reqs uint64
	for i, c := range []struct {
		alloc, reqs uint64
		want        bool
	}{
		{64 << 20, 0, false}, // busy
		{1 << 20, 0, true},   // turned quiet: reclaim
		{0, 0, false},        // still quiet: nothing to give back
		{1 << 20, 0, false},
		{8 << 20, 0, false},  // busy again
		{4 << 20, 0, false},  // 4 MiB is not quiet
		{0, 0, true},         // quiet again: reclaim once more
		{64 << 10, 2, false}, // two small requests: busy
		{0, 0, true},         // quiet after them: reclaim
		{0, 0, false},
		{1 << 20, 1, false}, // one request
		{1 << 20, 1, false}, // and another
		{0, 0, true},
	} {
		total += c.alloc
		reqs += c.reqs
		if got := r.check(total, reqs); got != c.want {
			t.Fatalf("interval %d (%d bytes, %d requests): reclaimed %v, want %v", i, c.alloc, c.reqs, got, c.want)
		}
	}
	if freed != 4 {
		t.Fatalf("freed %d times, want 4", freed)
	}
	// The reclaim the server uses collects the garbage at once, whatever the GC target (the
	// heap's size is the process's, shared with parallel tests: the garbage is watched through
	// a weak pointer instead).
	debug.SetGCPercent(400)
	defer debug.SetGCPercent(100)
	garbage := make([]byte, 32<<20)
	w := weak.Make(&garbage[0])
	r = &idleReclaimer{quietBytes: 4 << 20, free: debug.FreeOSMemory}
	if !r.check(0, 0) {
		t.Fatal("no reclaim at the first quiet interval")
	}
	if w.Value() != nil {
		t.Fatal("32 MiB of garbage still on the heap after the reclaim")
	}
}
