package main

import (
	"net/http"
	"time"

	"supportdesk/internal/reqlog"
)

// Admission (issue 14: RSS under load ≤ 64 MB). The server works on at most
// MAX_CONCURRENT_REQUESTS requests at once (default 16 per CPU); the others wait, in arrival
// order, holding only their connection until a slot frees. Without it a burst above the
// server's rate (an open-loop client at a rate the machine cannot serve for a while) ran every
// arrived request at once: 300 and more in flight, each with its resolvers' memory, and the
// heap, the collector's work and the latency of everyone grew with the backlog (79 MB and a p99
// of 6.6 s where 32 at a time stayed below 60 MB). With a few dozen in flight the CPUs are as
// busy as with hundreds, so the rate does not change; what waits costs no resolver memory.
// A request that waits longer than REQUEST_QUEUE_TIMEOUT (default 10 s) is answered 503 with
// Retry-After, like a database outage; one whose client went away leaves the queue unanswered.
// WebSocket upgrades are not counted: a subscription lives for hours and its events are
// bounded per socket (live.go).

// admission is the set of slots of requests in flight.
type admission struct {
	slots chan struct{}
	wait  time.Duration
}

func newAdmission(n int, wait time.Duration) *admission {
	return &admission{slots: make(chan struct{}, n), wait: wait}
}

// admit serves next once a slot is free.
func (ad *admission) admit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
