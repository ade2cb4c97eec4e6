// Package webhook owns signed outbound webhooks (SPEC 9): the endpoints administrators of
// partners and vendors register for their organisation, the deliveries written in the
// transaction of the change that causes them (the deliveries table is itself an outbox), and
// the worker that sends them.
//
// # Events
//
// TICKET_CREATED, TICKET_ESCALATED, TICKET_RESOLVED, CONTINGENT_WARNING and FIX_RELEASED. An
// event reaches only the endpoints of organisations that may see its object, by the same rule
// as rule.TicketScope: a ticket's serving provider once the ticket left the customer's own
// triage, and the provider's vendor once the ticket was escalated to it; a contingent's
// provider; a released fix's owning organisation, and the providers of the linked tickets (each
// learning only about its own tickets). Customers have no administrators and register nothing.
//
// # Delivery
//
// Each delivery is an HTTP POST of a JSON body:
//
//	{"id":"<event id>","event":"TICKET_ESCALATED","occurredAt":"2026-11-10T09:00:00Z",
//	 "ticket":{"id":"…","number":"SD-000042","title":"…","type":"INCIDENT","priority":"P2",
//	           "status":"OPEN","level":"VENDOR","customer":{"id":"…","name":"…"}},
//	 "escalation":{"from":"L2","to":"VENDOR"}}
//
// Ids are the API's opaque global ids. The body is a small public summary: never internal
// comments, findings, money or users. The headers are
//
//	Content-Type: application/json
//	Supportdesk-Event: TICKET_ESCALATED
//	Supportdesk-Event-Id: <event id, the same for a redelivery>
//	Supportdesk-Delivery: <delivery id>
//	Supportdesk-Timestamp: <unix seconds when this attempt was sent>
//	Supportdesk-Signature: v1=<lower-case hex HMAC-SHA256>
//
// # Verifying a delivery
//
// The signature is HMAC-SHA256 keyed with the endpoint's secret over the timestamp header, a
// full stop, and the raw request body exactly as received:
//
//	mac := hmac.New(sha256.New, []byte(secret))
//	mac.Write([]byte(r.Header.Get("Supportdesk-Timestamp") + "." + string(body)))
//	want := "v1=" + hex.EncodeToString(mac.Sum(nil))
//	ok := hmac.Equal([]byte(want), []byte(r.Header.Get("Supportdesk-Signature")))
//
// Compare in constant time, and refuse a timestamp more than five minutes from your clock so a
// captured request cannot be replayed later. Verify compiles this recipe.
//
// # Sending
//
// Every server instance runs a Worker. It claims a due row with a guarded UPDATE (status
// PENDING, due, and no live lease), so two instances never send the same delivery; the lease
// runs out if an instance dies mid-send and another one picks the row up. A 2xx answer
// succeeds; anything else (or a timeout) is retried with exponential backoff (30 s, 1 min, 2 min,
// … capped at one hour) until MaxAttempts, then the row is FAILED. Administrators list
// deliveries and redeliver one (a new row with the same event id and body). Outbound requests
// have a 10 s timeout, follow no redirects and go only to http and https URLs.
//
// When the vendor's endpoint answers a TICKET_ESCALATED delivery of a ticket at level VENDOR
// with JSON such as {"caseRef":"VC-1234"}, the reference is stored as the ticket's vendor case
// reference (and recorded in its history). Escalating to VENDOR without a case reference is
// allowed when the vendor has an active endpoint for TICKET_ESCALATED, which will answer it.
package webhook
