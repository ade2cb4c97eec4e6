package main

import (
	"context"
	"log/slog"
	"runtime"
	"runtime/debug"
	"time"
)

// Idle memory (issue 14: RSS idle ≤ 40 MB). With GC_PERCENT=400 the heap may grow to five times
// its live size (unless a MEMORY_LIMIT is set) before the collector runs, which costs less CPU
// under load but leaves a quiet server holding the garbage of its last requests: 87 MB of RSS
// at the M data set with 6 MB live. When the process has become quiet, one collection returns
// that memory to the operating system.

// idleReclaimer runs debug.FreeOSMemory once each time the process turns quiet: no API request
// and fewer than quietBytes allocated during one interval, after an interval with requests or
// with more allocated. Requests count whatever they allocated: a few small ones (a client
// checking a queue) map code and data pages too, and a server that kept them after the last
// one stayed at its busy size while quiet (67 MB instead of 25 at the start of an L bench run,
// when the first requests came after the start-up's reclaim and allocated less than 1 MiB).
type idleReclaimer struct {
	quietBytes uint64
	last       uint64 // cumulative bytes allocated at the previous check
	lastReqs   uint64 // cumulative API requests at the previous check
	reclaimed  bool   // quiet and reclaimed since the last busy interval
	free       func()
}

// check is one interval: it reclaims when the interval was quiet and the one before was not,
// given the cumulative bytes allocated and API requests admitted so far; it says whether it did.
func (r *idleReclaimer) check(allocated, requests uint64) bool {
	quiet := allocated-r.last < r.quietBytes && requests == r.lastReqs
	r.last, r.lastReqs = allocated, requests
	if !quiet {
		r.reclaimed = false
		return false
	}
	if r.reclaimed {
		return false
	}
	r.reclaimed = true
	r.free()
	return true
}

// reclaimInterval is how often the process checks whether it has turned quiet: a quiet
// server gives its garbage back within two intervals. A check costs microseconds.
const reclaimInterval = 2 * time.Second

// reclaimWhenIdle checks every interval until ctx ends. A check reads the allocation counter
// (runtime.ReadMemStats, microseconds); a reclaim is one full collection and, with code set,
// the release of the binary's code pages (releaseCodePages: one madvise per mapping; the
// pages the quiet process still runs come back as minor faults from the page cache).
// requests reads the API requests admitted so far (admission.served).
func reclaimWhenIdle(ctx context.Context, interval time.Duration, code bool, requests func() uint64, log *slog.Logger) {
	free := func() {
		debug.FreeOSMemory()
		if !code {
			return
		}
		if _, err := releaseCodePages(); err != nil {
			log.Warn("idle: releasing code pages", "err", err)
		}
	}
	// Quiet: less than 1 MiB allocated in an interval (a request or two).
	r := &idleReclaimer{quietBytes: 1 << 20, free: free}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.last, r.lastReqs = ms.TotalAlloc, requests()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			runtime.ReadMemStats(&ms)
			r.check(ms.TotalAlloc, requests())
		}
	}
}
