package live

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supportdesk/ent/outboxevent"
	"supportdesk/internal/outbox"
	"supportdesk/internal/viewer"
)

// open subscribes with a Deliver callback, as the WebSocket transport does, and returns the
// subscription's end (its channel closes when it ends).
func open(t *testing.T, h *Hub, ctx context.Context, v *viewer.Viewer, deliver func(*Event) error) <-chan *Event {
	t.Helper()
	ctx, c := WithCapture(viewer.NewContext(ctx, v))
	c.Deliver = deliver
	src := source{name: "test", load: func(_ context.Context, e outbox.Event) (*Event, error) { return &Event{}, nil }}
	if _, err := h.subscribe(ctx, watch{}, func(outbox.Event) bool { return true }, src, nil); err != nil {
		t.Fatal(err)
	}
	return c.Events()
}

func batch(from, n int) []outbox.Event {
	var b []outbox.Event
	for i := range n {
		b = append(b, outbox.Event{ID: from + i, Object: outboxevent.ObjectTypeTICKET, Action: outboxevent.ActionUPDATED, ObjectID: 1})
	}
	return b
}

// TestSlowConsumerResynced: a subscriber whose socket blocks loses what its buffer cannot hold
// and gets one RESYNC when it catches up, while a subscriber of the same audience receives
// every event at once; each event is made once per audience (Event.Shared) for both.
func TestSlowConsumerResynced(t *testing.T) {
	h := &Hub{Buffer: 4}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	v := &viewer.Viewer{UserID: 1, OrgID: 7, OrgKind: viewer.Partner, Role: viewer.RoleAgent}
	var made atomic.Int64
	share := func(ev *Event) (string, error) {
		got, err := ev.Shared(ctx, "op", func() (any, bool, error) { made.Add(1); return ev.Kind + " " + ev.Sequence, false, nil })
		s, _ := got.(string)
		return s, err
	}
	unblock := make(chan struct{})
	slow := make(chan string, 100)
	fast := make(chan string, 100)
	entered := make(chan struct{}, 1)
	open(t, h, ctx, v, func(ev *Event) error {
		s, err := share(ev)
		select {
		case entered <- struct{}{}:
		default:
		}
		<-unblock
		slow <- s
		return err
	})
	open(t, h, ctx, v, func(ev *Event) error {
		s, err := share(ev)
		fast <- s
		return err
	})
	for i := 1; i <= 20; i++ {
		h.Publish(batch(i, 1))
		select {
		case s := <-fast:
			if want := fmt.Sprintf("TICKET_UPDATED %d", i); s != want {
				t.Fatalf("fast subscriber got %q, want %q", s, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("fast subscriber blocked at event %d", i)
		}
		if i == 1 {
			<-entered // the slow one is now stuck writing event 1
		}
	}
	if h.Dropped.Load() == 0 {
		t.Fatal("nothing dropped for the blocked subscriber")
	}
	close(unblock)
	var got []string
	for s := range slow {
		got = append(got, s)
		if strings.HasPrefix(s, "RESYNC") || len(got) > 20 {
			break
		}
	}
	// The event it was writing when it blocked, then the resync (buffered events are older
	// than it and dropped), then nothing.
	if len(got) != 2 || got[0] != "TICKET_UPDATED 1" || !strings.HasPrefix(got[1], "RESYNC ") {
		t.Errorf("slow subscriber got %v", got)
	}
	select {
	case s := <-slow:
		t.Errorf("slow subscriber got more: %s", s)
	case <-time.After(100 * time.Millisecond):
	}
	if n := made.Load(); n != 20+1 {
		t.Errorf("made %d times, want once per event (20) plus the RESYNC", n)
	}
}

// TestSharedByClass: subscriptions of viewers in different scopes never share what is made.
func TestSharedByClass(t *testing.T) {
	h := &Hub{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type made struct {
		user  int
		value any
	}
	out := make(chan made, 10)
	for _, v := range []*viewer.Viewer{
		{UserID: 1, OrgID: 7, OrgKind: viewer.Customer, Role: viewer.RoleKeyUser},
		{UserID: 2, OrgID: 8, OrgKind: viewer.Customer, Role: viewer.RoleKeyUser},
		{UserID: 3, OrgID: 7, OrgKind: viewer.Customer, Role: viewer.RoleKeyUser},
	} {
		open(t, h, ctx, v, func(ev *Event) error {
			got, err := ev.Shared(ctx, "op", func() (any, bool, error) { return fmt.Sprint("org ", v.OrgID, " user ", v.UserID), false, nil })
			out <- made{v.UserID, got}
			return err
		})
	}
	h.Publish(batch(1, 1))
	got := map[int]any{}
	for range 3 {
		m := <-out
		got[m.user] = m.value
	}
	// Users 1 and 3 are one class: whichever made it, both carry the same value.
	if got[2] != "org 8 user 2" || got[1] != got[3] || (got[1] != "org 7 user 1" && got[1] != "org 7 user 3") || h.Shares.Load() != 2 {
		t.Errorf("got %v with %d values made, want org 8's own and one shared by org 7's users", got, h.Shares.Load())
	}
}

// TestOfferedInOrder: a subscription that can take events without waiting (Capture.Offer) gets
// them from Publish itself, before Publish returns and in order. An event its socket cannot
// take at once goes through its buffer to Deliver (which may wait), the events after it too
// while it is there, and nothing is lost; offers resume after. Only when the buffer is full as
// well are events dropped, followed by one RESYNC.
func TestOfferedInOrder(t *testing.T) {
	h := &Hub{Buffer: 2}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	v := &viewer.Viewer{UserID: 1, OrgID: 7, OrgKind: viewer.Partner, Role: viewer.RoleAgent}
	var mu sync.Mutex
	var got []string
	record := func(how string, ev *Event) {
		mu.Lock()
		got = append(got, how+" "+ev.Kind+" "+ev.Sequence)
		mu.Unlock()
	}
	snapshot := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
	waitFor := func(last string) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if s := snapshot(); len(s) > 0 && s[len(s)-1] == last {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("waiting for %q: %v", last, snapshot())
			}
		}
	}
	var full atomic.Bool // the socket takes nothing without waiting
	unblock := make(chan struct{})
	sctx, c := WithCapture(viewer.NewContext(ctx, v))
	c.Deliver = func(ev *Event) error {
		if ev.Sequence == "10" {
			<-unblock // a socket that stays full
		}
		record("deliver", ev)
		return nil
	}
	c.Render = func(ev *Event) (any, error) { return ev, nil }
	c.Offer = func(vs []any) (int, error) {
		for i, v := range vs {
			ev := v.(*Event)
			if ev.Sequence == "3" || full.Load() {
				return i, ErrFull
			}
			record("offer", ev)
		}
		return len(vs), nil
	}
	src := source{name: "test", load: func(_ context.Context, e outbox.Event) (*Event, error) { return &Event{}, nil }}
	if _, err := h.subscribe(sctx, watch{}, func(outbox.Event) bool { return true }, src, nil); err != nil {
		t.Fatal(err)
	}
	h.Publish(batch(1, 2))
	if want := []string{"offer TICKET_UPDATED 1", "offer TICKET_UPDATED 2"}; !slices.Equal(snapshot(), want) {
		t.Fatalf("after the first Publish: %v, want %v", snapshot(), want)
	}
	h.Publish(batch(3, 1))
	waitFor("deliver TICKET_UPDATED 3")
	// Once 3 is handed over, offers resume.
	for deadline := time.Now().Add(5 * time.Second); ; {
		h.Publish(batch(4, 1))
		if s := snapshot(); s[len(s)-1] == "offer TICKET_UPDATED 4" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("offers did not resume: %v", snapshot())
		}
		time.Sleep(10 * time.Millisecond)
	}
	s := snapshot()
	for i, ev := range s {
		if i > 2 && ev != "offer TICKET_UPDATED 4" && ev != "deliver TICKET_UPDATED 4" {
			t.Fatalf("after 3: %v", s)
		}
	}
	if s[2] != "deliver TICKET_UPDATED 3" || h.Dropped.Load() != 0 {
		t.Fatalf("got %v with %d dropped, want 3 delivered third and nothing dropped", s, h.Dropped.Load())
	}
	if d := h.Deferred.Load(); d != 1 {
		t.Errorf("%d offers deferred by a full socket, want 1 (3's)", d)
	}
	// A socket that stays full: 10 waits in Deliver, 11 and 12 fill the buffer of 2, 13 is
	// dropped; once the socket takes 10, one RESYNC follows and nothing older.
	full.Store(true)
	n := len(s)
	h.Publish(batch(10, 1))
	time.Sleep(50 * time.Millisecond) // 10 is in Deliver
	h.Publish(batch(11, 3))
	if h.Dropped.Load() != 1 {
		t.Fatalf("%d dropped, want 1 (13)", h.Dropped.Load())
	}
	close(unblock)
	waitFor("deliver RESYNC 13")
	if s := snapshot()[n:]; !slices.Equal(s, []string{"deliver TICKET_UPDATED 10", "deliver RESYNC 13"}) {
		t.Errorf("after a full buffer: %v, want 10 then one RESYNC carrying the dropped 13", s)
	}
}

// TestOfferedOncePerAudience: Publish renders an event once per audience (class and
// Capture.Audience) and hands the same value to each member; another audience gets its own.
func TestOfferedOncePerAudience(t *testing.T) {
	h := &Hub{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var renders atomic.Int64
	got := make(chan string, 10)
	src := source{name: "test", load: func(_ context.Context, e outbox.Event) (*Event, error) { return &Event{}, nil }}
	for i, audience := range []string{"a", "a", "b"} {
		v := &viewer.Viewer{UserID: 1 + i, OrgID: 7, OrgKind: viewer.Partner, Role: viewer.RoleAgent}
		sctx, c := WithCapture(viewer.NewContext(ctx, v))
		c.Deliver = func(ev *Event) error { t.Errorf("Deliver called for %s", ev.Sequence); return nil }
		c.Audience = audience
		c.Render = func(ev *Event) (any, error) {
			renders.Add(1)
			return audience + " " + ev.Sequence, nil
		}
		c.Offer = func(vs []any) (int, error) {
			for _, v := range vs {
				got <- v.(string)
			}
			return len(vs), nil
		}
		if _, err := h.subscribe(sctx, watch{}, func(outbox.Event) bool { return true }, src, nil); err != nil {
			t.Fatal(err)
		}
	}
	h.Publish(batch(1, 2))
	var all []string
	for range 6 {
		all = append(all, <-got)
	}
	slices.Sort(all)
	if want := []string{"a 1", "a 1", "a 2", "a 2", "b 1", "b 2"}; !slices.Equal(all, want) || renders.Load() != 4 {
		t.Errorf("got %v after %d renders, want %v after 4", all, renders.Load(), want)
	}
}

// TestPublishAsksOnlyWatchers: Publish asks a subscription's match only about the outbox rows
// it watches — its objects, and for a narrowed watch its ticket, recipient or contract — and
// every watcher of a row exactly once.
func TestPublishAsksOnlyWatchers(t *testing.T) {
	h := &Hub{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	v := &viewer.Viewer{UserID: 1, OrgID: 7, OrgKind: viewer.Partner, Role: viewer.RoleAgent}
	src := source{name: "test", load: func(context.Context, outbox.Event) (*Event, error) { return &Event{}, nil }}
	var mu sync.Mutex
	asked := map[string][]int{}
	for name, w := range map[string]watch{
		"queue":      {objects: ticketObject},
		"ticket 5":   {objects: ticketEventsObjects, by: byTicket, id: 5},
		"ticket 6":   {objects: ticketEventsObjects, by: byTicket, id: 6},
		"user 9":     {objects: []outboxevent.ObjectType{outboxevent.ObjectTypeNOTIFICATION}, by: byRecipient, id: 9},
		"user 10":    {objects: []outboxevent.ObjectType{outboxevent.ObjectTypeNOTIFICATION}, by: byRecipient, id: 10},
		"contract 3": {objects: []outboxevent.ObjectType{outboxevent.ObjectTypeCONTINGENT}, by: byContract, id: 3},
		"everything": {},
	} {
		match := func(e outbox.Event) bool {
			mu.Lock()
			defer mu.Unlock()
			asked[name] = append(asked[name], e.ID)
			return false
		}
		if _, err := h.subscribe(viewer.NewContext(ctx, v), w, match, src, nil); err != nil {
			t.Fatal(err)
		}
	}
	h.Publish([]outbox.Event{
		{ID: 1, Object: outboxevent.ObjectTypeTICKET, ObjectID: 5, TicketID: 5, OrganizationID: 20, ContractID: 3},
		{ID: 2, Object: outboxevent.ObjectTypeCOMMENT, ObjectID: 40, TicketID: 6},
		{ID: 3, Object: outboxevent.ObjectTypeNOTIFICATION, ObjectID: 41, RecipientID: 9, TicketID: 5},
		{ID: 4, Object: outboxevent.ObjectTypeCONTINGENT, ObjectID: 42, ContractID: 3},
	})
	want := map[string][]int{"queue": {1}, "ticket 5": {1}, "ticket 6": {2}, "user 9": {3}, "contract 3": {4}, "everything": {1, 2, 3, 4}}
	if fmt.Sprint(asked) != fmt.Sprint(want) {
		t.Errorf("asked %v, want %v", asked, want)
	}
}
