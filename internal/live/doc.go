// Package live fans outbox events out to GraphQL subscriptions. The Hub receives every batch
// the instance's outbox.Stream reads; each subscription pre-filters events by their ids and
// scope (cheap, in memory), then reloads the object under the subscriber's own viewer, so
// privacy rules decide what a socket receives exactly as they decide what a query returns: an
// internal comment never reaches a customer, another tenant's ticket nobody outside it.
//
// The work is shared by audience, not repeated per subscriber: subscriptions whose viewers see
// the same rows (viewer.ScopeKey; for tickets rule.TicketScopeKey) reload an event once between
// them, and Event.Shared lets the transport execute and serialise an event once per viewer
// class and operation; each subscriber's goroutine then only writes the prepared bytes (the
// server's WebSocket transport sets Capture.Deliver for that, and replays an event through the
// GraphQL executor with WithReplay).
//
// Publishing never blocks: every subscription has a bounded buffer, and a subscription whose
// buffer is full (its socket does not take what is written) loses the events it cannot take
// and receives one RESYNC event when it catches up, telling the client to refetch.
// Subscription goroutines end, and their channels close, when the subscription's context ends.
// A connection may hold at most the number of subscriptions given by WithLimit.
package live
