package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"supportdesk/ent/outboxevent"
	"supportdesk/internal/outbox"
)

// TestLiveBusySocketCoalesced: a socket that receives events faster than frameLinger gets them
// in fewer writes than frames, every event once and in order, and the subscription's complete
// (after stop) never overtakes them.
func TestLiveBusySocketCoalesced(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	c1, p1 := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	s, err := e.dialWS(p1, nil)
	if err != nil {
		t.Fatal(err)
	}
	next, _ := s.subscribe("q", `subscription { queueUpdated `+liveFields+` }`, nil)
	waitSubscribed(t, e, 1)
	frames0, writes0 := frameWrites.frames.Load(), frameWrites.writes.Load()
	var want []string
	for i := range 30 {
		title := fmt.Sprintf("Burst %02d", i)
		e.create(c1, map[string]any{"title": title, "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
		want = append(want, "TICKET_CREATED "+title)
	}
	assertLabels(t, "P1 agent", collect(t, "queueUpdated", next, "Burst 29"), want)
	frames, writes := frameWrites.frames.Load()-frames0, frameWrites.writes.Load()-writes0
	if frames != 30 || writes >= frames {
		t.Fatalf("%d frames in %d writes: want 30 frames in fewer writes", frames, writes)
	}
	t.Logf("%d frames in %d writes", frames, writes)
}

// TestLiveBurstNotResynced: a burst of 300 events in one outbox batch (more than a socket's
// frame queue of 256) reaches the subscriber through the real socket whole and in order, with
// nothing dropped and no RESYNC. (Whether the queue fills depends on how fast the reloads come;
// the hub's fallback for a full socket is pinned by TestOfferedInOrder.)
func TestLiveBurstNotResynced(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	c1, p1 := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")
	tk := e.create(c1, map[string]any{"title": "Burst target", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	s, err := e.dialWS(p1, nil)
	if err != nil {
		t.Fatal(err)
	}
	next, _ := s.subscribe("q", `subscription { queueUpdated `+liveFields+` }`, nil)
	waitSubscribed(t, e, 1)
	const n = 300
	var burst []outbox.Event
	for i := range n {
		burst = append(burst, outbox.Event{ID: 1_000_000 + i, Object: outboxevent.ObjectTypeTICKET, Action: outboxevent.ActionUPDATED,
			ObjectID: mustID(tk.ID), TicketID: mustID(tk.ID), OrganizationID: w.orgs["C1"].ID})
	}
	dropped0 := e.app.Hub.Dropped.Load()
	e.app.Hub.Publish(burst)
	var seqs []int
	deadline := time.After(10 * time.Second)
	for len(seqs) < n {
		select {
		case raw := <-next:
			var r struct{ Data map[string]liveOut }
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			l := r.Data["queueUpdated"]
			if l.Kind == "RESYNC" {
				t.Fatalf("RESYNC after %d of %d events", len(seqs), n)
			}
			seq, _ := strconv.Atoi(l.Sequence)
			seqs = append(seqs, seq)
		case <-deadline:
			t.Fatalf("%d of %d events received", len(seqs), n)
		}
	}
	for i, seq := range seqs {
		if seq != 1_000_000+i {
			t.Fatalf("event %d has sequence %d, want %d (in order, none lost)", i, seq, 1_000_000+i)
		}
	}
	if d := e.app.Hub.Dropped.Load() - dropped0; d != 0 {
		t.Errorf("%d events dropped", d)
	}
}

// waitSubscribed waits until the instance's hub holds n subscriptions: a subscribe message is
// answered asynchronously, and events before its registration are not the subscriber's.
func waitSubscribed(t *testing.T, e *env, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); e.app.Hub.Subscribers() != n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscriptions registered, want %d", e.app.Hub.Subscribers(), n)
		}
	}
}
