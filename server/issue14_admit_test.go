package main

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// At most MAX_CONCURRENT_REQUESTS requests are served at once; the others wait for a slot (and
// are then answered in full), are answered 503 with Retry-After after REQUEST_QUEUE_TIMEOUT,
// or leave unanswered when their client goes away. Health checks and WebSocket upgrades are
// not counted.
func TestIssue14Admission(t *testing.T) {
	e, logs := newEnvTuned(t, func(c *Config) { c.MaxConcurrentRequests = 2; c.RequestQueueTimeout = 300 * time.Millisecond })
	w := e.seed()
	key := e.token(w, "C1.KEY_USER")
	for _, title := range []string{"Printer", "Invoice run"} {
		e.create(key, map[string]any{"title": title, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	}
	query := `{ tickets(orderBy: {field: RECEIVED_AT, direction: ASC}) { totalCount edges { node { title } } } }`
	want := `{"tickets":{"totalCount":2,"edges":[{"node":{"title":"Printer"}},{"node":{"title":"Invoice run"}}]}}`
	slots := e.app.admission.slots
	if cap(slots) != 2 {
		t.Fatalf("slots %d, want 2", cap(slots))
	}

	// Free slots: served at once, and the slot is given back.
	served := e.app.admission.served.Load()
	if r := e.do(key, query, nil); r.status != http.StatusOK || string(r.Data) != want {
		t.Fatalf("with free slots: %d %s %+v", r.status, r.Data, r.Errors)
	}
	if len(slots) != 0 {
		t.Fatalf("%d slots still taken after the request", len(slots))
	}
	// The request counts as activity for the idle reclaim (idle.go); health checks do not.
	if got := e.app.admission.served.Load() - served; got != 1 {
		t.Fatalf("served counter moved by %d for one request, want 1", got)
	}
	served = e.app.admission.served.Load()
	if r := e.raw(http.MethodGet, "/healthz", nil, nil); r.status != http.StatusOK || e.app.admission.served.Load() != served {
		t.Fatalf("healthz: %d, served counter moved by %d", r.status, e.app.admission.served.Load()-served)
	}

	// Both slots taken (as by two long requests): a request waits, then gets 503.
	slots <- struct{}{}
	slots <- struct{}{}
	start := time.Now()
	r := e.raw(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ tickets { totalCount } }"}`),
		map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + key})
	if waited := time.Since(start); r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") != "1" ||
		!strings.Contains(r.body, `"message":"temporarily unavailable, try again"`) || waited < 300*time.Millisecond {
		t.Errorf("all slots taken: %d after %s, Retry-After %q, %s", r.status, waited, r.header.Get("Retry-After"), r.body)
	}
	// ...the statement CSV and attachments wait for the same slots.
	if r := e.raw(http.MethodGet, "/attachments/1", nil, map[string]string{"Authorization": "Bearer " + key}); r.status != http.StatusServiceUnavailable {
		t.Errorf("attachment with all slots taken: %d %s", r.status, r.body)
	}
	// ...health checks are not queued.
	if r := e.raw(http.MethodGet, "/healthz", nil, nil); r.status != http.StatusOK {
		t.Errorf("healthz with all slots taken: %d", r.status)
	}
	// ...nor are WebSocket upgrades (this one is no valid handshake: refused at once, not 503).
	start = time.Now()
	r = e.raw(http.MethodGet, "/graphql", nil, map[string]string{"Upgrade": "websocket", "Connection": "Upgrade"})
	if r.status == http.StatusServiceUnavailable || time.Since(start) >= 300*time.Millisecond {
		t.Errorf("upgrade with all slots taken: %d after %s", r.status, time.Since(start))
	}
	// ...a client that gives up leaves the queue without taking a slot.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+"/graphql", strings.NewReader(`{"query":"{ tickets { totalCount } }"}`))
	req.Header.Set("Content-Type", "application/json")
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Errorf("a request whose client gave up was answered")
	}
	cancel()

	// A slot frees while requests wait: every waiting request is served in full, never more
	// than two at once.
	var wg sync.WaitGroup
	results := make([]*gqlResponse, 6)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.do(key, query, nil)
		}()
	}
	time.Sleep(50 * time.Millisecond)
	<-slots
	<-slots
	wg.Wait()
	for i, r := range results {
		if r.status != http.StatusOK || string(r.Data) != want || len(r.Errors) > 0 {
			t.Errorf("waiting request %d: %d %s %+v", i, r.status, r.Data, r.Errors)
		}
	}
	if len(slots) != 0 {
		t.Errorf("%d slots still taken at the end", len(slots))
	}
	noErrorLogs(t, logs)
}

// MAX_CONCURRENT_REQUESTS and REQUEST_QUEUE_TIMEOUT are read from the environment, with
// defaults of 8 per CPU and 10 s; zero, negative and malformed values are refused.
func TestIssue14AdmissionConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	c, err := ConfigFromEnv(env())
	if err != nil || c.MaxConcurrentRequests != 8*runtime.GOMAXPROCS(0) || c.RequestQueueTimeout != 10*time.Second {
		t.Errorf("defaults: %d %s %v", c.MaxConcurrentRequests, c.RequestQueueTimeout, err)
	}
	c, err = ConfigFromEnv(env("MAX_CONCURRENT_REQUESTS", "5", "REQUEST_QUEUE_TIMEOUT", "2s"))
	if err != nil || c.MaxConcurrentRequests != 5 || c.RequestQueueTimeout != 2*time.Second {
		t.Errorf("set: %d %s %v", c.MaxConcurrentRequests, c.RequestQueueTimeout, err)
	}
	for _, bad := range [][]string{{"MAX_CONCURRENT_REQUESTS", "0"}, {"MAX_CONCURRENT_REQUESTS", "-1"}, {"MAX_CONCURRENT_REQUESTS", "many"},
		{"REQUEST_QUEUE_TIMEOUT", "0s"}, {"REQUEST_QUEUE_TIMEOUT", "10"}} {
		if _, err := ConfigFromEnv(env(bad...)); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%s=%s: %v", bad[0], bad[1], err)
		}
	}
}
