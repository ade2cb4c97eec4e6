package main

import (
	"context"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The soft memory limit (issue 14: RSS under load ≤ 64 MB). With GC_PERCENT=400 the collector
// lets the heap grow to five times its live size between collections: cheap in CPU, but a
// server with 6 MB live held 100–200 MB under load, most of it garbage awaiting the next
// collection. MEMORY_LIMIT (default 32 MiB) caps that: near the limit the collector runs
// sooner and the runtime returns freed pages at once. A fixed limit below what the server
// needs alive (a thousand live subscriptions, many statements at once) would make the
// collector run nonstop, so the limit in force follows the live heap: never less than twice
// it, as often as Go's default GOGC=100 would collect, and never less than MEMORY_LIMIT.

// memoryKeeper sets the runtime's memory limit from the live heap after collections.
type memoryKeeper struct {
	floor int64
	live  func() int64 // live heap bytes of the last collection
	set   func(int64)  // debug.SetMemoryLimit
	cur   int64        // the limit in force
}

// limitFor is the limit for a live heap: at least floor and twice the live heap.
func limitFor(floor, live int64) int64 {
	if live > math.MaxInt64/2 {
		return math.MaxInt64
	}
	return max(floor, 2*live)
}

// check sets the limit for the current live heap when it moved by 1 MiB or more; it returns
// the limit in force.
func (k *memoryKeeper) check() int64 {
	want := limitFor(k.floor, k.live())
	if d := want - k.cur; k.cur == 0 || d >= 1<<20 || d <= -(1<<20) || (want == k.floor && k.cur != k.floor) {
		k.set(want)
		k.cur = want
	}
	return k.cur
}

// liveHeap reads the live heap of the last completed collection (runtime/metrics, microseconds).
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(min(s[0].Value.Uint64(), math.MaxInt64))
}

// keepMemoryLimit checks the live heap every interval until ctx ends. Without a floor (0: the
// runtime's own GOMEMLIMIT applies; math.MaxInt64: MEMORY_LIMIT=off) it does nothing.
func keepMemoryLimit(ctx context.Context, floor int64, interval time.Duration) {
	if floor <= 0 || floor == math.MaxInt64 {
		return
	}
	k := &memoryKeeper{floor: floor, live: liveHeap, set: func(n int64) { debug.SetMemoryLimit(n) }}
	k.check()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			k.check()
		}
	}
}
