package main

import (
	"runtime"
	"runtime/debug"
	"testing"
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
	// The reclaim the server uses returns the heap's free pages to the operating system.
	debug.SetGCPercent(400)
	defer debug.SetGCPercent(100)
	garbage := make([][]byte, 0, 256)
	for i := 0; i < 256; i++ {
		garbage = append(garbage, make([]byte, 128<<10))
	}
	garbage = nil
	r = &idleReclaimer{quietBytes: 4 << 20, free: debug.FreeOSMemory}
	if !r.check(0) {
		t.Fatal("no reclaim at the first quiet interval")
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	// 32 MiB of garbage were made: collected and released, the heap holds far less.
	if held := ms.HeapInuse + ms.HeapIdle - ms.HeapReleased; held > 24<<20 {
		t.Fatalf("%d bytes of heap held after the reclaim (%d in use)", held, ms.HeapInuse)
	}
}
