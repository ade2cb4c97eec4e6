package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"supportdesk/ent/webhookdelivery"
	"supportdesk/internal/webhook"
)

// receiver is a webhook endpoint under test: it records every request and answers with the
// queued responses (then 200 with the default body).
type receiver struct {
	mu      sync.Mutex
	srv     *httptest.Server
	got     []received
	answers []int
	body    string
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, body string, answers ...int) *receiver {
	r := &receiver{answers: answers, body: body}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{req.Header.Clone(), b})
		code := http.StatusOK
		if len(r.answers) > 0 {
			code, r.answers = r.answers[0], r.answers[1:]
		}
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, r.body)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// events returns "EVENT ticketNumber" of every request received.
func (r *receiver) events(t *testing.T) []string {
	var out []string
	for _, q := range r.requests() {
		var b struct {
			Event  string
			Ticket struct{ Number string }
		}
		if err := json.Unmarshal(q.body, &b); err != nil {
			t.Fatal(err)
		}
		out = append(out, b.Event+" "+b.Ticket.Number)
	}
	return out
}

const opRegister = `mutation($in: RegisterWebhookInput!){ registerWebhook(input:$in){ secret endpoint{ id url events active } } }`

type registered struct {
	RegisterWebhook struct {
		Secret   string
		Endpoint struct {
			ID, URL string
			Events  []string
			Active  bool
		}
	}
}

func (e *env) register(tok, url string, events ...string) registered {
	e.t.Helper()
	var out registered
	e.ok(tok, opRegister, map[string]any{"in": map[string]any{"url": url, "events": events}}, &out)
	return out
}

type deliveryOut struct {
	ID, Event, EventID, Status, LastError string
	Attempts                              int
	ResponseCode                          *int
	NextAttemptAt, DeliveredAt            *time.Time
}

func (e *env) deliveries(tok, endpoint string) []deliveryOut {
	e.t.Helper()
	var out struct {
		WebhookDeliveries struct {
			TotalCount int
			Edges      []struct{ Node deliveryOut }
		}
	}
	e.ok(tok, `query($id:ID!){ webhookDeliveries(endpointID:$id, first: 50){ totalCount edges{ node{
		id event eventID status attempts responseCode nextAttemptAt deliveredAt lastError } } } }`, map[string]any{"id": endpoint}, &out)
	var ds []deliveryOut
	for _, ed := range out.WebhookDeliveries.Edges {
		ds = append(ds, ed.Node)
	}
	return ds
}

func (e *env) sendWebhooks() int {
	e.t.Helper()
	n, err := e.app.Deliveries.RunOnce(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestIssue13WebhookAdministration: only administrators of partners and vendors manage
// endpoints, each only its own organisation's; URLs are http(s) only.
func TestIssue13WebhookAdministration(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	p1, p2, v := e.token(w, "P1.ADMIN"), e.token(w, "P2.ADMIN"), e.token(w, "V.ADMIN")
	in := map[string]any{"in": map[string]any{"url": "https://hooks.example/p1", "events": []string{"TICKET_CREATED"}}}
	for _, who := range []string{"C1.KEY_USER", "C1.APPROVER", "P1.AGENT", "P1.SERVICE_DELIVERY_MANAGER"} {
		e.fails(e.token(w, who), opRegister, in, "FORBIDDEN")
	}
	for _, bad := range []string{"ftp://hooks.example/x", "file:///etc/passwd", "hooks.example/x", "https://user:pw@hooks.example/"} {
		r := e.fails(p1, opRegister, map[string]any{"in": map[string]any{"url": bad, "events": []string{"TICKET_CREATED"}}}, "VALIDATION")
		if f := r.Errors[0].Extensions["fields"]; !reflect.DeepEqual(f, []any{"url"}) {
			t.Fatalf("%s: fields %v", bad, f)
		}
	}
	e.fails(p1, opRegister, map[string]any{"in": map[string]any{"url": "https://hooks.example/x", "events": []string{}}}, "VALIDATION")
	e.fails(p1, opRegister, map[string]any{"in": map[string]any{"url": "https://hooks.example/x", "events": []string{"TICKET_CREATED"}, "secret": "short"}}, "VALIDATION")

	a := e.register(p1, "https://hooks.example/p1", "TICKET_CREATED", "TICKET_CREATED", "FIX_RELEASED")
	if len(a.RegisterWebhook.Secret) < 32 || !reflect.DeepEqual(a.RegisterWebhook.Endpoint.Events, []string{"TICKET_CREATED", "FIX_RELEASED"}) || !a.RegisterWebhook.Endpoint.Active {
		t.Fatalf("registered %+v", a)
	}
	var given registered
	e.ok(v, opRegister, map[string]any{"in": map[string]any{"url": "http://vendor.example/hook", "events": []string{"TICKET_ESCALATED"}, "secret": "a-secret-of-my-own"}}, &given)
	if given.RegisterWebhook.Secret != "a-secret-of-my-own" {
		t.Fatalf("given secret %q", given.RegisterWebhook.Secret)
	}
	list := func(tok string) []string {
		var out struct{ WebhookEndpoints []struct{ URL string } }
		e.ok(tok, `{ webhookEndpoints{ url } }`, nil, &out)
		var urls []string
		for _, ep := range out.WebhookEndpoints {
			urls = append(urls, ep.URL)
		}
		return urls
	}
	if got := list(p1); !reflect.DeepEqual(got, []string{"https://hooks.example/p1"}) {
		t.Fatalf("P1 endpoints %v", got)
	}
	if got := list(p2); got != nil {
		t.Fatalf("P2 endpoints %v", got)
	}
	e.fails(e.token(w, "C1.KEY_USER"), `{ webhookEndpoints{ url } }`, nil, "FORBIDDEN")
	// The secret is never readable afterwards: the type has no such field.
	e.fails(p1, `{ webhookEndpoints{ secret } }`, nil, "GRAPHQL_VALIDATION_FAILED")

	id := a.RegisterWebhook.Endpoint.ID
	upd := `mutation($in: UpdateWebhookInput!){ updateWebhook(input:$in){ url events active } }`
	e.fails(p2, upd, map[string]any{"in": map[string]any{"id": id, "active": false}}, "NOT_FOUND")
	e.fails(v, `mutation($id:ID!){ deleteWebhook(id:$id) }`, map[string]any{"id": id}, "NOT_FOUND")
	e.fails(p2, `query($id:ID!){ webhookDeliveries(endpointID:$id){ totalCount } }`, map[string]any{"id": id}, "NOT_FOUND")
	var u struct {
		UpdateWebhook struct {
			URL    string
			Events []string
			Active bool
		}
	}
	e.ok(p1, upd, map[string]any{"in": map[string]any{"id": id, "url": "https://hooks.example/p1b", "events": []string{"TICKET_RESOLVED"}, "active": false}}, &u)
	if u.UpdateWebhook.URL != "https://hooks.example/p1b" || !reflect.DeepEqual(u.UpdateWebhook.Events, []string{"TICKET_RESOLVED"}) || u.UpdateWebhook.Active {
		t.Fatalf("updated %+v", u)
	}
	e.fails(p1, upd, map[string]any{"in": map[string]any{"id": id, "url": "gopher://x"}}, "VALIDATION")
	e.mut(p1, `mutation($id:ID!){ deleteWebhook(id:$id) }`, map[string]any{"id": id})
	if got := list(p1); got != nil {
		t.Fatalf("after delete %v", got)
	}
}

// TestIssue13WebhookDelivery: a ticket's events reach its partner's endpoint signed by the
// documented recipe, a 500 is retried after the backoff, a redelivery repeats the event, another
// partner's endpoint receives nothing, and the vendor's answer stores the case reference.
func TestIssue13WebhookDelivery(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	start := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	e.clock.Set(start)
	p1, p2, vAdmin := e.token(w, "P1.ADMIN"), e.token(w, "P2.ADMIN"), e.token(w, "V.ADMIN")
	key, agent := e.token(w, "C1.KEY_USER"), e.token(w, "P1.AGENT")

	r1 := newReceiver(t, `{"ok":true}`, http.StatusInternalServerError)
	r2 := newReceiver(t, `{}`)
	rv := newReceiver(t, `{"caseRef":"VC-77"}`)
	ep1 := e.register(p1, r1.srv.URL+"/hook", "TICKET_CREATED", "TICKET_ESCALATED", "TICKET_RESOLVED")
	ep2 := e.register(p2, r2.srv.URL, "TICKET_CREATED", "TICKET_ESCALATED", "TICKET_RESOLVED", "CONTINGENT_WARNING", "FIX_RELEASED")
	e.register(vAdmin, rv.srv.URL, "TICKET_ESCALATED", "TICKET_CREATED")

	tk := e.create(key, questionInput("Period closing"))
	// Nothing is sent inside the request; the row waits for the worker.
	if len(r1.requests()) != 0 {
		t.Fatal("delivery sent inside the request")
	}
	if n := e.sendWebhooks(); n != 1 {
		t.Fatalf("worker sent %d deliveries, want 1", n)
	}
	ds := e.deliveries(p1, ep1.RegisterWebhook.Endpoint.ID)
	if len(ds) != 1 || ds[0].Status != "PENDING" || ds[0].Attempts != 1 || ds[0].ResponseCode == nil || *ds[0].ResponseCode != 500 ||
		ds[0].NextAttemptAt == nil || !ds[0].NextAttemptAt.Equal(start.Add(webhook.DefaultBackoff)) || ds[0].LastError != "HTTP 500" {
		t.Fatalf("after a 500: %+v", ds)
	}
	if n := e.sendWebhooks(); n != 0 {
		t.Fatalf("sent %d before the backoff ran out", n)
	}
	e.clock.Set(start.Add(webhook.DefaultBackoff))
	if n := e.sendWebhooks(); n != 1 {
		t.Fatalf("retry sent %d", n)
	}
	ds = e.deliveries(p1, ep1.RegisterWebhook.Endpoint.ID)
	if ds[0].Status != "SUCCEEDED" || ds[0].Attempts != 2 || *ds[0].ResponseCode != 200 || ds[0].DeliveredAt == nil || ds[0].NextAttemptAt != nil {
		t.Fatalf("after the retry: %+v", ds[0])
	}

	// The signature verifies with the documented recipe; the body is the public summary.
	reqs := r1.requests()
	if len(reqs) != 2 {
		t.Fatalf("receiver got %d requests", len(reqs))
	}
	last := reqs[1]
	h := last.header
	if !webhook.Verify(ep1.RegisterWebhook.Secret, h.Get("Supportdesk-Timestamp"), h.Get("Supportdesk-Signature"), last.body, e.clock.Now(), 5*time.Minute) {
		t.Fatalf("signature does not verify: %v", h)
	}
	if webhook.Verify(ep2.RegisterWebhook.Secret, h.Get("Supportdesk-Timestamp"), h.Get("Supportdesk-Signature"), last.body, e.clock.Now(), 5*time.Minute) ||
		webhook.Verify(ep1.RegisterWebhook.Secret, h.Get("Supportdesk-Timestamp"), h.Get("Supportdesk-Signature"), append([]byte(" "), last.body...), e.clock.Now(), 5*time.Minute) ||
		webhook.Verify(ep1.RegisterWebhook.Secret, h.Get("Supportdesk-Timestamp"), h.Get("Supportdesk-Signature"), last.body, e.clock.Now().Add(time.Hour), 5*time.Minute) {
		t.Fatal("a wrong secret, a changed body or an old timestamp verifies")
	}
	var body map[string]any
	if err := json.Unmarshal(last.body, &body); err != nil {
		t.Fatal(err)
	}
	ticketBody := body["ticket"].(map[string]any)
	wantTicket := map[string]any{"id": tk.ID, "number": tk.Number, "title": "Period closing", "type": "QUESTION", "priority": "P3",
		"status": "NEW", "level": "L1", "customer": map[string]any{"id": gidOf(w.orgs["C1"].ID), "name": "C1"}}
	if body["event"] != "TICKET_CREATED" || !reflect.DeepEqual(ticketBody, wantTicket) || h.Get("Supportdesk-Event") != "TICKET_CREATED" ||
		h.Get("Supportdesk-Event-Id") != body["id"] || h.Get("Supportdesk-Event-Id") != ds[0].EventID || h.Get("Content-Type") != "application/json" {
		t.Fatalf("body %s headers %v", last.body, h)
	}

	// Redelivery: a new row with the same event id; another organisation cannot redeliver.
	redeliver := `mutation($id:ID!){ redeliverWebhook(deliveryID:$id){ id status eventID } }`
	e.fails(p2, redeliver, map[string]any{"id": ds[0].ID}, "NOT_FOUND")
	e.fails(agent, redeliver, map[string]any{"id": ds[0].ID}, "FORBIDDEN")
	e.mut(p1, redeliver, map[string]any{"id": ds[0].ID})
	if n := e.sendWebhooks(); n != 1 {
		t.Fatalf("redelivery sent %d", n)
	}
	reqs = r1.requests()
	if len(reqs) != 3 || reqs[2].header.Get("Supportdesk-Event-Id") != ds[0].EventID || string(reqs[2].body) != string(reqs[1].body) {
		t.Fatalf("redelivery %d requests", len(reqs))
	}
	if ds = e.deliveries(p1, ep1.RegisterWebhook.Endpoint.ID); len(ds) != 2 || ds[0].Status != "SUCCEEDED" || ds[0].Attempts != 1 {
		t.Fatalf("deliveries after redelivery %+v", ds)
	}

	// Escalating to the vendor without a case reference: the vendor's system answers with one.
	e.mut(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "L2", "reason": "analysis"}})
	e.mut(agent, opEscalate, map[string]any{"in": map[string]any{"ticketID": tk.ID, "level": "VENDOR", "reason": "product question"}})
	e.sendWebhooks()
	var vt struct {
		Node struct{ VendorCaseRef, Level string }
	}
	e.ok(agent, `query($id:ID!){ node(id:$id){ ... on Ticket { vendorCaseRef level } } }`, map[string]any{"id": tk.ID}, &vt)
	if vt.Node.VendorCaseRef != "VC-77" || vt.Node.Level != "VENDOR" {
		t.Fatalf("vendor case reference %+v", vt.Node)
	}
	_, lines := e.history(agent, tk.ID)
	if got := lines[len(lines)-1]; got != "UPDATED >VC-77 (vendor case reference from the vendor's system)" {
		t.Fatalf("history %v", lines)
	}
	// The vendor heard of the escalation to it only (not of the creation or the L1→L2 step,
	// which it could not see), the partner of all three.
	if got := rv.events(t); !reflect.DeepEqual(got, []string{"TICKET_ESCALATED " + tk.Number}) {
		t.Fatalf("vendor received %v", got)
	}
	if got := r1.events(t); !reflect.DeepEqual(got, []string{"TICKET_CREATED " + tk.Number, "TICKET_CREATED " + tk.Number, "TICKET_CREATED " + tk.Number,
		"TICKET_ESCALATED " + tk.Number, "TICKET_ESCALATED " + tk.Number}) {
		t.Fatalf("partner received %v", got)
	}
	e.mut(agent, opTransition, map[string]any{"in": map[string]any{"ticketID": tk.ID, "status": "RESOLVED", "resolution": "answered"}})
	e.sendWebhooks()
	// Tenancy: P2 serves other customers and received nothing of P1's ticket.
	if got := r2.requests(); len(got) != 0 {
		t.Fatalf("another partner's endpoint received %d deliveries", len(got))
	}
	if got := r1.events(t); got[len(got)-1] != "TICKET_RESOLVED "+tk.Number {
		t.Fatalf("partner received %v", got)
	}
	// A customer's own triage is invisible to the provider: no delivery until forwarded.
	end := e.token(w, "C1.END_USER")
	triage := e.create(end, questionInput("Internal question"))
	e.sendWebhooks()
	if got := r1.events(t); got[len(got)-1] == "TICKET_CREATED "+triage.Number {
		t.Fatal("a ticket in the customer's own triage was announced")
	}
	e.mut(key, opForward, map[string]any{"id": triage.ID})
	e.sendWebhooks()
	if got := r1.events(t); got[len(got)-1] != "TICKET_CREATED "+triage.Number {
		t.Fatalf("forwarded ticket not announced: %v", got)
	}
	if len(r2.requests()) != 0 {
		t.Fatal("another partner's endpoint received a delivery")
	}
}

// TestIssue13WebhookRetriesEnd: a delivery that keeps failing is retried with growing waits and
// ends FAILED after the attempt limit; a disabled endpoint gets nothing new.
func TestIssue13WebhookRetriesEnd(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	start := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	e.clock.Set(start)
	e.app.Deliveries.MaxAttempts = 3
	p1 := e.token(w, "P1.ADMIN")
	r := newReceiver(t, `{}`, 500, 502, 503, 500)
	ep := e.register(p1, r.srv.URL, "TICKET_CREATED")
	e.create(e.token(w, "C1.KEY_USER"), questionInput("one"))
	at := start
	var waits []time.Duration
	for range 3 {
		e.clock.Set(at)
		e.sendWebhooks()
		ds := e.deliveries(p1, ep.RegisterWebhook.Endpoint.ID)
		if ds[0].NextAttemptAt != nil {
			waits = append(waits, ds[0].NextAttemptAt.Sub(at))
			at = *ds[0].NextAttemptAt
		}
	}
	ds := e.deliveries(p1, ep.RegisterWebhook.Endpoint.ID)
	if !reflect.DeepEqual(waits, []time.Duration{30 * time.Second, time.Minute}) || ds[0].Status != "FAILED" || ds[0].Attempts != 3 || *ds[0].ResponseCode != 503 {
		t.Fatalf("waits %v, delivery %+v", waits, ds[0])
	}
	e.mut(p1, `mutation($in: UpdateWebhookInput!){ updateWebhook(input:$in){ active } }`, map[string]any{"in": map[string]any{"id": ep.RegisterWebhook.Endpoint.ID, "active": false}})
	e.create(e.token(w, "C1.KEY_USER"), questionInput("two"))
	if ds := e.deliveries(p1, ep.RegisterWebhook.Endpoint.ID); len(ds) != 1 {
		t.Fatalf("a disabled endpoint got a new delivery: %+v", ds)
	}
}

// TestIssue13WebhookTwoWorkers: two instances' workers sending at the same time never send one
// delivery twice.
func TestIssue13WebhookTwoWorkers(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	p1 := e.token(w, "P1.ADMIN")
	r := newReceiver(t, `{}`)
	e.register(p1, r.srv.URL, "TICKET_CREATED")
	key := e.token(w, "C1.KEY_USER")
	const n = 12
	for i := range n {
		e.create(key, questionInput("ticket "+itoa(i)))
	}
	other := &webhook.Worker{Client: e.app.DB.Client, Now: e.clock.Now}
	var wg sync.WaitGroup
	var sent [2]int
	for i, wk := range []*webhook.Worker{e.app.Deliveries, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := wk.RunOnce(context.Background())
			if err != nil {
				t.Error(err)
			}
			sent[i] = k
		}()
	}
	wg.Wait()
	var ids []string
	for _, q := range r.requests() {
		ids = append(ids, q.header.Get("Supportdesk-Event-Id"))
	}
	sort.Strings(ids)
	for i := 1; i < len(ids); i++ {
		if ids[i] == ids[i-1] {
			t.Fatalf("event %s sent twice", ids[i])
		}
	}
	if len(ids) != n || sent[0]+sent[1] != n {
		t.Fatalf("received %d, workers sent %v", len(ids), sent)
	}
	c, err := e.app.DB.Client.WebhookDelivery.Query().Where(webhookdelivery.StatusEQ(webhookdelivery.StatusSUCCEEDED)).Count(trusted())
	if err != nil || c != n {
		t.Fatalf("succeeded rows %d (%v)", c, err)
	}
}

// TestIssue13WebhookFixReleased: a release reaches the owning partner's endpoint with the task,
// the version and its own tickets, and no other partner's.
func TestIssue13WebhookFixReleased(t *testing.T) {
	e := newEnv(t)
	w := e.seed()
	p1, p2 := e.token(w, "P1.ADMIN"), e.token(w, "P2.ADMIN")
	agent := e.token(w, "P1.AGENT")
	r1, r2 := newReceiver(t, `{}`), newReceiver(t, `{}`)
	e.register(p1, r1.srv.URL, "FIX_RELEASED")
	e.register(p2, r2.srv.URL, "FIX_RELEASED", "TICKET_CREATED")
	tk := e.create(e.token(w, "C1.KEY_USER"), questionInput("Rounding in invoices"))
	var task struct {
		CreateTask struct{ Task struct{ ID string } }
	}
	e.ok(agent, opCreateTask, map[string]any{"in": map[string]any{"title": "Fix rounding", "ticketIDs": []string{tk.ID}}}, &task)
	id := task.CreateTask.Task.ID
	for _, st := range []string{"QA", "BETA"} {
		e.mut(agent, opAdvanceTask, map[string]any{"id": id, "s": st})
	}
	e.mut(agent, opAdvanceTask, map[string]any{"id": id, "s": "RELEASE", "v": "7.3"})
	e.sendWebhooks()
	reqs := r1.requests()
	if len(reqs) != 1 {
		t.Fatalf("partner received %d", len(reqs))
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[0].body, &body); err != nil {
		t.Fatal(err)
	}
	delete(body, "id")
	delete(body, "occurredAt")
	want := map[string]any{"event": "FIX_RELEASED", "version": "7.3",
		"task":    map[string]any{"id": id, "title": "Fix rounding"},
		"tickets": []any{map[string]any{"id": tk.ID, "number": tk.Number, "title": "Rounding in invoices"}}}
	if !reflect.DeepEqual(body, want) {
		t.Fatalf("release body %v", body)
	}
	if len(r2.requests()) != 0 {
		t.Fatal("another partner's endpoint received the release")
	}
}
