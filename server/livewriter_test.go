package main

import (
	"fmt"
	"testing"
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
