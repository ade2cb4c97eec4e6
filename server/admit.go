package main

import (
	"net/http"
	"sync/atomic"
	"time"

	"supportdesk/internal/reqlog"
)

// Admission (issue 14: RSS under load, CPU per request). The server works on at most
// MAX_CONCURRENT_REQUESTS requests at once (default 8 per CPU); the others wait, in arrival
// order, holding only their connection until a slot frees. Without it every arrived request
// ran at once: an open-loop client at a rate the machine could not serve for a while (the
// bench at L, 508/s while the VM ran at half speed) had hundreds in flight, 79 MB and a p99 of
// 6.6 s; and at 32 clients the 32 requests in flight held their resolvers' memory at once,
// so the collector ran more often over a larger live heap. Measured at L (queue at c=32, one
// run each, 2 CPUs): 32 slots 615 rps, p99 129 ms, 2.44 ms server CPU per request, 61 MB;
// 16 slots 828 rps, 68 ms, 1.79 ms, 61 MB; 8 slots 819 rps, 56 ms, 1.77 ms, 58 MB. A few
// requests per CPU keep the CPUs busy (a queue page spends a quarter of its time waiting for
// PostgreSQL); 8 per CPU leaves room for the requests that wait longer (statements, reports).
// A request that waits longer than REQUEST_QUEUE_TIMEOUT (default 10 s) is answered 503 with
// Retry-After, like a database outage; one whose client went away leaves the queue unanswered.
// WebSocket upgrades are not counted: a subscription lives for hours and its events are
// bounded per socket (live.go).

// admission is the set of slots of requests in flight.
type admission struct {
	slots  chan struct{}
	wait   time.Duration
	served atomic.Uint64 // requests admitted (upgrades included): the idle reclaim's busy signal
}

func newAdmission(n int, wait time.Duration) *admission {
	return &admission{slots: make(chan struct{}, n), wait: wait}
}

// admit serves next once a slot is free.
func (ad *admission) admit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ad.served.Add(1)
		if r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case ad.slots <- struct{}{}:
		default:
			t := time.NewTimer(ad.wait)
			select {
			case ad.slots <- struct{}{}:
				t.Stop()
			case <-r.Context().Done():
				t.Stop()
				return
			case <-t.C:
				unavailable(w, reqlog.ID(r.Context()))
				return
			}
		}
		defer func() { <-ad.slots }()
		next.ServeHTTP(w, r)
	})
}
