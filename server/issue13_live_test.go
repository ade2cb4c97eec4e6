package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

const liveFields = `{ sequence kind ticket{ id title } comment{ id body internal } ticketEvent{ kind } }`

type liveOut struct {
	Sequence, Kind string
	Ticket         *struct{ ID, Title string }
	Comment        *struct {
		ID, Body string
		Internal bool
	}
	TicketEvent *struct{ Kind string }
}

// label is an event in a form tests compare exactly: kind and the object's telling field.
func (l liveOut) label() string {
	switch {
	case l.Comment != nil:
		return l.Kind + " " + l.Comment.Body
	case l.TicketEvent != nil:
		return l.Kind + " " + l.TicketEvent.Kind
	case l.Ticket != nil:
		return l.Kind + " " + l.Ticket.Title
	}
	return l.Kind
}

// collect reads the events of one subscription until one carries the marker title or body,
// and returns their labels, the marker's included.
func collect(t *testing.T, field string, next chan json.RawMessage, marker string) []string {
	t.Helper()
	var got []string
	deadline := time.After(10 * time.Second)
	for {
		select {
		case raw := <-next:
			var r struct {
				Data   map[string]liveOut
				Errors []any
			}
			if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) > 0 {
				t.Fatalf("bad payload %s", raw)
			}
			l := r.Data[field]
			got = append(got, l.label())
			if strings.HasSuffix(l.label(), " "+marker) {
				return got
			}
		case <-deadline:
			t.Fatalf("%s: marker %q not received; got %v", field, marker, got)
		}
	}
}

func assertLabels(t *testing.T, who string, got, want []string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s received\n  %v\nwant\n  %v", who, got, want)
	}
}

// TestLiveQueueAndTicketEvents: a customer and partner staff subscribe, tickets are created and
// commented; each socket receives exactly what its viewer may read — a customer never another
// tenant's ticket nor an internal comment.
func TestLiveQueueAndTicketEvents(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	c1, c2, p1, p2 := e.token(w, "C1.KEY_USER"), e.token(w, "C2.KEY_USER"), e.token(w, "P1.AGENT"), e.token(w, "P2.AGENT")
	mine := e.create(c1, map[string]any{"title": "Own", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})

	sockets := map[string]*wsClient{}
	for key, tok := range map[string]string{"c1": c1, "c2": c2, "p1": p1, "p2": p2} {
		s, err := e.dialWS(tok, nil)
		if err != nil {
			t.Fatal(key, err)
		}
		sockets[key] = s
	}
	queue := map[string]chan json.RawMessage{}
	for key, s := range sockets {
		queue[key], _ = s.subscribe("q", `subscription { queueUpdated `+liveFields+` }`, nil)
	}
	c1Events, _ := sockets["c1"].subscribe("t", `subscription($id: ID!){ ticketEvents(id: $id) `+liveFields+` }`, map[string]any{"id": mine.ID})
	p1Events, _ := sockets["p1"].subscribe("t", `subscription($id: ID!){ ticketEvents(id: $id) `+liveFields+` }`, map[string]any{"id": mine.ID})
	// Another tenant's ticket id answers like a missing one.
	foreign, errs := sockets["c2"].subscribe("x", `subscription($id: ID!){ ticketEvents(id: $id) `+liveFields+` }`, map[string]any{"id": mine.ID})
	select {
	case raw := <-foreign:
		if !strings.Contains(string(raw), "NOT_FOUND") {
			t.Errorf("foreign ticketEvents: %s", raw)
		}
	case raw := <-errs:
		if !strings.Contains(string(raw), "NOT_FOUND") {
			t.Errorf("foreign ticketEvents: %s", raw)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("foreign ticketEvents: no error")
	}
	time.Sleep(100 * time.Millisecond) // subscriptions registered

	const comment = `mutation($in: AddCommentInput!){ addComment(input: $in){ comment{ id } } }`
	e.create(c2, map[string]any{"title": "Foreign", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.ok(p1, comment, map[string]any{"in": map[string]any{"ticketID": mine.ID, "body": "secret", "internal": true}}, nil)
	e.ok(p1, comment, map[string]any{"in": map[string]any{"ticketID": mine.ID, "body": "public"}}, nil)
	e.create(c1, map[string]any{"title": "Marker", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.create(c2, map[string]any{"title": "Marker2", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})
	e.create(e.token(w, "C3.KEY_USER"), map[string]any{"title": "Marker3", "type": "QUESTION", "priority": "P3", "channel": "PORTAL"})

	got := map[string][]string{
		"c1": collect(t, "queueUpdated", queue["c1"], "Marker"),
		"c2": collect(t, "queueUpdated", queue["c2"], "Marker2"),
		"p1": collect(t, "queueUpdated", queue["p1"], "Marker2"),
		"p2": collect(t, "queueUpdated", queue["p2"], "Marker3"),
	}
	// The staff's public comment is the first response: the ticket changes once.
	assertLabels(t, "C1 queue", got["c1"], []string{"TICKET_UPDATED Own", "TICKET_CREATED Marker"})
	assertLabels(t, "C2 queue", got["c2"], []string{"TICKET_CREATED Foreign", "TICKET_CREATED Marker2"})
	assertLabels(t, "P1 queue", got["p1"], []string{"TICKET_CREATED Foreign", "TICKET_UPDATED Own", "TICKET_CREATED Marker", "TICKET_CREATED Marker2"})
	assertLabels(t, "P2 queue", got["p2"], []string{"TICKET_CREATED Marker3"})
	c1Got := collect(t, "ticketEvents", c1Events, "public")
	p1Got := collect(t, "ticketEvents", p1Events, "public")
	assertLabels(t, "C1 ticketEvents", c1Got, []string{"TICKET_EVENT_CREATED COMMENTED", "COMMENT_CREATED public"})
	assertLabels(t, "P1 ticketEvents", p1Got, []string{"COMMENT_CREATED secret", "TICKET_EVENT_CREATED COMMENTED", "COMMENT_CREATED public"})
	for _, l := range append(append([]string{}, got["c1"]...), c1Got...) {
		if strings.Contains(l, "secret") || strings.Contains(l, "Foreign") || strings.Contains(l, "Marker2") {
			t.Errorf("customer C1 received %q", l)
		}
	}
	for _, l := range got["p2"] {
		if !strings.Contains(l, "Marker3") {
			t.Errorf("partner P2 received %q", l)
		}
	}
	if !containsLabel(p1Got, "COMMENT_CREATED secret") {
		t.Errorf("P1 staff did not receive the internal comment: %v", p1Got)
	}
}

func containsLabel(labels []string, l string) bool {
	for _, x := range labels {
		if x == l {
			return true
		}
	}
	return false
}
